"""Chat history in the shapes callers send, as (user, assistant) pairs, and as prompt lines.

Gradio 6 and the OpenAI-style API send ``{"role", "content"}`` messages (content a string or a
list of parts); older callers send pairs.  ``rag.followup`` rewrites follow-ups from these pairs.
"""

from __future__ import annotations

from rag.citations import MARKER

History = list[tuple[str, str]]


def normalize_history(history: list | None) -> History:
    """(user, assistant) pairs from pairs or OpenAI/Gradio-style {"role", "content"} messages.

    >>> normalize_history([{"role": "user", "content": "甲？"}, {"role": "assistant", "content": "乙。"},
    ...                    {"role": "user", "content": "丙？"}])
    [('甲？', '乙。'), ('丙？', '')]
    """
    pairs: History = []
    for item in history or []:
        if isinstance(item, dict):
            role, content = item.get("role"), _as_text(item.get("content"))
            if role == "user":
                pairs.append((content, ""))
            elif role == "assistant" and pairs and not pairs[-1][1]:
                pairs[-1] = (pairs[-1][0], content)
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            pairs.append((_as_text(item[0]), _as_text(item[1])))
    return [p for p in pairs if p[0].strip()]


def _as_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multi-part content: the text parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def format_history(history: History, turns: int = 3, answer_chars: int = 150) -> str:
    """The last turns as 用户/助手 lines; answers shortened and stripped of [n] markers."""
    lines = []
    for user, assistant in history[-turns:]:
        lines.append(f"用户：{user.strip()}")
        answer = MARKER.sub("", assistant or "").strip().replace("\n", " ")
        if answer:
            lines.append(f"助手：{answer[:answer_chars]}")
    return "\n".join(lines)
