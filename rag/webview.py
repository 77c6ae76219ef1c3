"""HTML and text views for the Gradio app: answers with linked markers, sources
with the quoted span highlighted, the library table, upload file names.

    >>> passage_html("甲。乙丙丁。戊。", 2, 6)
    '<p class="passage">甲。<mark>乙丙丁。</mark>戊。</p>'
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path

from rag.citations import CLOSEST_NOTE, MARKER, format_answer, one_line
from rag.documents import Answer, Document
from rag.loading import SUPPORTED

LIBRARY_HEADERS = ["文件", "类型", "标题", "编号", "提出人", "主办单位", "日期", "块数"]
PROPOSAL_KINDS = ("建议", "提案")
PLACEHOLDER = re.compile(r"〔待补[^〕]*〕")
_RIGHT = re.compile(r'&lt;div align="right">([^&<\n]*(?:&amp;[^&<\n]*)*)&lt;/div>')
_BAD_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class UploadError(ValueError):
    """A file the library refuses, with the reason for the user."""


# ---------------------------------------------------------------- rendering


def answer_key(answer: Answer) -> str:
    """A short key of one answer: its markers link to its own sources (``#src-<key>-<n>``), so
    [1] in an earlier answer never opens the latest answer's [1] in the sources panel."""
    return hashlib.sha1(f"{answer.question}\n{answer.text}".encode()).hexdigest()[:8]


def render_answer(answer: Answer) -> str:
    """Answer text as Markdown; each [n] links to its source in the sources panel and shows the
    quoted passage on hover (an earlier answer's sources are no longer in the panel).  A note on
    how the answer was made (the LLM failed and the extractive answer stands in) follows it."""
    text = escape(answer.text)
    if answer.citations:
        key, quotes = answer_key(answer), {str(c.n): c for c in answer.citations}

        def link(m: re.Match) -> str:
            c = quotes.get(m.group(1))
            tip = f' title="{escape(f"《{c.title}》：{one_line(c.quote)[:200]}")}"' if c else ""
            return f'<a href="#src-{key}-{m.group(1)}" class="cite"{tip}>[{m.group(1)}]</a>'

        text = MARKER.sub(link, text)
    if answer.message and answer.message != answer.text:  # a rejected question's text is its message
        text += f'\n\n<p class="note">注意：{escape(answer.message)}</p>'
    return text


def render_sources(answer: Answer | None, docs: dict[str, Document]) -> str:
    """The sources panel: one collapsible entry per citation (closest passages when refused)."""
    if answer is None:
        return '<div class="sources empty">提问后，这里显示答案引用的原文。</div>'
    items, key = [], answer_key(answer)
    for c in answer.citations:
        doc = docs.get(c.doc_id)
        when = f" · {escape(c.date)}" if c.date else ""
        body = passage_html(doc.text, c.start, c.end) if doc else f"<p>{escape(c.quote)}</p>"
        items.append(
            f'<details id="src-{key}-{c.n}" class="source"><summary>[{c.n}] 《{escape(c.title)}》{when}</summary>'
            f'{body}<p class="where">{escape(c.doc_id)}，第 {c.start}–{c.end} 字</p></details>'
        )
    if not items and answer.closest:
        items.append(f'<p class="note">没有可引用的原文。{CLOSEST_NOTE}：</p>')
        for c in answer.closest:
            doc = docs.get(c.doc_id)
            body = passage_html(doc.text, c.start, c.end) if doc else f"<p>{escape(c.quote)}</p>"
            items.append(
                f'<details class="source closest"><summary>{c.n}. 《{escape(c.title)}》</summary>{body}</details>'
            )
    elif not items and answer.hits:
        items.append('<p class="note">没有可引用的原文。最接近的资料：</p>')
        for i, h in enumerate(answer.hits[:3], 1):
            items.append(
                f'<details class="source closest"><summary>{i}. 《{escape(h.chunk.title)}》</summary>'
                f'<p class="passage">{escape(h.chunk.text)}</p></details>'
            )
    return '<div class="sources">' + ("".join(items) or "<p>（没有来源）</p>") + "</div>"


def passage_html(text: str, start: int, end: int, context: int = 160) -> str:
    """The quote ``text[start:end]`` in <mark>, inside the whole sentences around it."""
    lo, hi = max(0, start - context), min(len(text), end + context)
    cuts = [i for i in (text.find(ch, lo, start) for ch in "。！？\n") if i >= 0]
    lo = min(cuts) + 1 if cuts and lo > 0 else lo  # start after a sentence end
    cut = max(text.rfind(ch, end, hi) for ch in "。！？\n")
    hi = cut + 1 if cut >= 0 and hi < len(text) else hi  # stop at a sentence end
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi].rstrip("\n") + ("…" if hi < len(text) else "")
    body = f"{escape(before)}<mark>{escape(text[start:end])}</mark>{escape(after)}"
    return f'<p class="passage">{body.replace(chr(10), "<br>")}</p>'


def plain_answer(answer: Answer) -> str:
    """Answer and sources as plain text, for the copy button."""
    return format_answer(answer, offsets=False)


def plain_text(content: object) -> str:
    """A chat message's HTML as plain text (history sent back to the assistant).  Gradio 6 hands
    a message's content over as a list of parts ({"type": "text", "text": …}), older ones as a
    string; files and components in a message carry no text.

    >>> plain_text("<b>答复</b>&amp;说明"), plain_text(None)
    ('答复&说明', '')
    >>> plain_text([{"type": "text", "text": "118号建议的主要内容是什么？"}, {"type": "file", "file": {}}])
    '118号建议的主要内容是什么？'
    """
    if isinstance(content, list | tuple):
        return "\n".join(t for t in (plain_text(c) for c in content) if t)
    if isinstance(content, dict):
        return plain_text(content.get("text")) if content.get("type", "text") == "text" else ""
    text = content if isinstance(content, str) else ""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def highlight_placeholders(markdown: str) -> str:
    """Draft Markdown with every 〔待补…〕 shown as <mark>; raw HTML in the draft is escaped."""
    safe = markdown.replace("&", "&amp;").replace("<", "&lt;")
    safe = _RIGHT.sub(r'<div align="right">\1</div>', safe)  # the one tag drafts use: the signature block
    return PLACEHOLDER.sub(lambda m: f'<mark class="todo">{m.group(0)}</mark>', safe)


def escape(s: str) -> str:
    return html.escape(s, quote=True)


# ---------------------------------------------------------------- corpus listing


def library_rows(docs: dict[str, Document], chunk_counts: dict[str, int]) -> list[list[object]]:
    rows = []
    for doc_id in sorted(docs):
        d = docs[doc_id]
        proposer = d.value("proposer") + (f"（{d.value('proposer_role')}）" if d.value("proposer_role") else "")
        rows.append([doc_id, d.kind, d.title, d.value("number"), proposer, d.value("host_unit"),
                     d.date, chunk_counts.get(doc_id, 0)])
    return rows


def proposal_choices(docs: dict[str, Document]) -> list[tuple[str, str]]:
    """(label, doc_id) for every 建议/提案 in the corpus, e.g. ("482号 关于…（胡伏原）", "482号….txt")."""
    out = []
    for doc_id in sorted(docs):
        d = docs[doc_id]
        if d.kind in PROPOSAL_KINDS:
            number = f"{d.value('number')}号 " if d.value("number") else ""
            who = f"（{d.value('proposer')}）" if d.value("proposer") else ""
            out.append((f"{number}{d.title}{who}", doc_id))
    return out


# ---------------------------------------------------------------- upload names


def sanitize_filename(name: str, max_stem: int = 80) -> str:
    """A safe flat file name: no folders, no hidden names, no control characters.

    >>> sanitize_filename("../../etc/.passwd.txt")
    'passwd.txt'
    >>> sanitize_filename("C:\\\\temp\\\\政策 文件.DOCX")
    '政策 文件.docx'
    """
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = " ".join(_BAD_NAME_CHARS.sub("", base).split())
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        raise UploadError(f"文件 {name} 没有扩展名，支持的类型：{' '.join(SUPPORTED)}")
    suffix = "." + suffix.lower()
    if suffix not in SUPPORTED:
        raise UploadError(f"不支持的文件类型 {suffix}（文件 {base}），支持的类型：{' '.join(SUPPORTED)}")
    stem = stem.strip(" .~$")[:max_stem].strip(" .") or "上传文件"
    return stem + suffix


def unique_name(folder: Path, name: str) -> str:
    """``name``, or ``stem_2.ext``, ``stem_3.ext`` … so no existing file is overwritten."""
    stem, suffix = name.rsplit(".", 1)
    candidate, n = name, 1
    existing = {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()
    while candidate.lower() in existing:
        n += 1
        candidate = f"{stem}_{n}.{suffix}"
    return candidate
