"""The generative answer path: numbered sources → prompt → LLM → verified Answer.

1. The retrieved chunks become sources [1]..[n] (when the question names a
   proposal and a metadata field, the passage holding that field comes first).
2. ``prompts/qa.md`` is filled in and sent to the chat model; tokens stream.
3. ``rag.citations.verify`` checks the text: markers pointing at no source are
   removed and reported, each sentence's figures must appear in a source it
   cites, and sentences failing either check go to ``Answer.unsupported``.
4. With ``fallback_on_unsupported`` an answer with unsupported sentences is
   replaced by the extractive answer; ``unsupported`` still lists what was
   rejected and ``message`` says why, so the JSON output and the UI flag it.

    >>> s = Source(n=1, doc_id="a.txt", title="甲", text="新增104家。", start=0, end=6)
    >>> s.prompt_text()
    '[1] 《甲》\\n新增104家。'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from rag.answering import NOT_FOUND, ExtractiveAnswerer
from rag.citations import MARKER, figures, verify
from rag.documents import Answer, Citation, Hit
from rag.index import Index
from rag.questions import analyse

NOT_MENTIONED = "资料中未提及"
_NOT_SAID = re.compile(rf"{NOT_MENTIONED}|{NOT_FOUND}|资料未提及|没有提及")


@dataclass
class Source:
    n: int
    doc_id: str
    title: str
    text: str
    start: int
    end: int
    date: str = ""
    number: str = ""  # proposal number, so "第482号建议" in an answer can be checked

    def prompt_text(self) -> str:
        return f"[{self.n}] {self.evidence()}"

    def evidence(self) -> str:
        """What the model is shown for this source, and so what its figures are checked against."""
        about = "，".join(x for x in (f"第{self.number}号" if self.number else "", self.date) if x)
        return f"《{self.title}》{f'（{about}）' if about else ''}\n{self.text}"

    def citation(self) -> Citation:
        return Citation(self.n, self.doc_id, self.title, self.text, self.start, self.end, self.date)


def load_prompt(prompts_dir: Path, name: str) -> tuple[str, str]:
    """(system, user) templates from ``prompts/<name>.md``: split at the first line ``---``.

    A leading ``<!-- … -->`` comment documents the file and is dropped.
    """
    path = Path(prompts_dir) / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"缺少提示词文件 {path}")
    text = re.sub(r"^\s*<!--.*?-->\s*", "", path.read_text(encoding="utf-8"), flags=re.S)
    parts = re.split(r"^---[ \t]*$", text, maxsplit=1, flags=re.M)
    system, user = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    return system.strip(), user.strip()


def fill(template: str, **values: str) -> str:
    """``str.format``-like, but braces that are not placeholders are left alone."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


class GenerativeAnswerer:
    """Answers with a chat model, then verifies; ``fallback`` answers when generation fails."""

    def __init__(
        self,
        llm: BaseChatModel,
        index: Index,
        prompts_dir: Path,
        fallback: ExtractiveAnswerer | None = None,
        fallback_on_unsupported: bool = True,
        max_source_chars: int = 600,
    ) -> None:
        self.llm = llm
        self.index = index
        self.system, self.user = load_prompt(prompts_dir, "qa")
        self.fallback = fallback or ExtractiveAnswerer(index)
        self.fallback_on_unsupported = fallback_on_unsupported
        self.max_source_chars = max_source_chars

    # -- sources and prompt ----------------------------------------------------------------
    def sources(self, question: str, hits: list[Hit]) -> list[Source]:
        """Numbered sources: the metadata passage the question points at, then the hits."""
        spans: list[tuple[str, int, int]] = []
        meta = self.fallback.answer_from_metadata(analyse(question))
        if meta is not None and meta.citations:
            c = meta.citations[0]
            spans.append(self._chunk_span(c.doc_id, c.start, c.end))
        spans += [(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits]
        out: list[Source] = []
        for doc_id, start, end in dict.fromkeys(spans):  # dedupe, keep order
            doc = self.index.docs[doc_id]
            end = min(end, start + self.max_source_chars)
            text = doc.text[start:end]
            out.append(Source(len(out) + 1, doc_id, doc.title, text, start, end, doc.date, doc.value("number")))
        return out

    def _chunk_span(self, doc_id: str, start: int, end: int) -> tuple[str, int, int]:
        """The chunk around a field value, so the model sees its label and context."""
        for c in self.index.chunks:
            if c.doc_id == doc_id and c.start <= start and end <= c.end:
                return doc_id, c.start, c.end
        return doc_id, max(0, start - 80), end + 80

    def messages(self, question: str, sources: list[Source]) -> list[BaseMessage]:
        listing = "\n\n".join(s.prompt_text() for s in sources) or "（无）"
        system = fill(self.system, sources=listing, question=question)
        user = fill(self.user, sources=listing, question=question) or question
        return [SystemMessage(content=system), HumanMessage(content=user)] if system else [HumanMessage(content=user)]

    # -- answering ---------------------------------------------------------------------------
    def stream(self, question: str, hits: list[Hit]) -> Iterator[str | Answer]:
        """Text pieces as the model produces them, then the verified ``Answer`` last."""
        sources = self.sources(question, hits)
        if not sources:
            yield (answer := self.fallback.answer(question, hits)).text
            yield answer
            return
        pieces: list[str] = []
        try:
            for chunk in self.llm.stream(self.messages(question, sources)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    pieces.append(piece)
                    yield piece
        except Exception as exc:  # a dead endpoint or a broken model must not kill the answer
            yield self._fallback(question, hits, f"生成模型调用失败（{_short(exc)}），已改用摘录式回答。")
            return
        yield self.finalize(question, "".join(pieces), sources, hits)

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        final = None
        for item in self.stream(question, hits):
            final = item
        assert isinstance(final, Answer)
        return final

    def finalize(self, question: str, text: str, sources: list[Source], hits: list[Hit]) -> Answer:
        """Verify a generated answer against its numbered sources."""
        text = _clean(text)
        if not text:
            return self._fallback(question, hits, "生成模型没有给出回答，已改用摘录式回答。")
        by_n = {s.n: s for s in sources}
        v = verify(text, {n: s.evidence() for n, s in by_n.items()})
        # "资料中未提及。" needs no marker: it claims nothing
        unsupported = [u for u in v.unsupported if not (_NOT_SAID.search(u) and not figures(u))]
        cited = sorted({int(n) for n in MARKER.findall(v.text)})
        notes = []
        if v.bad_markers:
            notes.append(f"已删除指向不存在资料的引用标记：{'、'.join(f'[{n}]' for n in v.bad_markers)}。")
        if unsupported:
            notes.append(f"有 {len(unsupported)} 句未能在所引资料中核实（已标〔未核实〕）。")
        answer = Answer(
            question=question,
            text=_mark_unverified(v.text, unsupported),
            citations=[by_n[n].citation() for n in cited],
            refused=not cited and bool(_NOT_SAID.search(v.text)),
            hits=hits,
            unsupported=unsupported,
            message="".join(notes),
        )
        if unsupported and self.fallback_on_unsupported:
            fb = self._fallback(question, hits, "".join(notes) + "已改用摘录式回答。")
            fb.unsupported = unsupported
            return fb
        if answer.refused and hits:  # the sentences the extractive answerer finds closest, unclaimed
            ex = self.fallback.answer(question, hits)
            answer.closest = ex.closest if ex.refused else ex.citations
        return answer

    def _fallback(self, question: str, hits: list[Hit], note: str) -> Answer:
        answer = self.fallback.answer(question, hits)
        answer.message = note
        return answer


def _mark_unverified(text: str, unsupported: list[str]) -> str:
    """Each sentence the checks could not verify, followed by 〔未核实〕 where the reader sees it
    (kept only with fallback_on_unsupported off; a note elsewhere is easy to miss).

    >>> _mark_unverified("甲7家。[1]乙12家。[1]", ["乙12家。[1]"])
    '甲7家。[1]乙12家。[1]〔未核实〕'
    """
    for sentence in unsupported:
        text = text.replace(sentence, sentence + UNVERIFIED, 1)
    return text


UNVERIFIED = "〔未核实〕"


def _clean(text: str) -> str:
    r"""Drop reasoning blocks some models emit; "1. " list numbers become "- " so the
    figures check does not mistake an item number for a claimed figure.

    >>> _clean("<think>…</think>要点：\n1. 新增104家。[1]\n2）另有4家。[1]")
    '要点：\n- 新增104家。[1]\n- 另有4家。[1]'
    """
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.S)
    text = re.sub(r"^[ \t]*\d{1,2}[.．、)）](?!\d)[ \t]*", "- ", text, flags=re.M)
    return text.strip()


def _short(exc: Exception) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return msg[:120]


__all__ = ["NOT_MENTIONED", "GenerativeAnswerer", "Source", "fill", "load_prompt"]
