"""Document → Chunks: Chinese sentence-aware, section-aware, exact offsets.

Sentences end at 。！？；!?; (with any closing quotes) or a line break; a new
section starts at a marker such as （一）, 一、, 1. or 第三条.  Chunks pack whole
sentences up to ``size`` characters, start afresh at a section heading, and
carry up to ``overlap`` characters of trailing sentences into the next chunk.

    >>> from rag.documents import Document
    >>> d = Document("a.txt", "一、总体要求\\n第一句话。第二句话！\\n二、主要任务\\n第三句。")
    >>> [(c.heading, c.text) for c in chunk_document(d, size=40, overlap=0)]
    [('一、总体要求', '一、总体要求\\n第一句话。第二句话！'), ('二、主要任务', '二、主要任务\\n第三句。')]
    >>> all(d.text[c.start:c.end] == c.text for c in chunk_document(d))
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.documents import Chunk, Document

_END = "。！？；!?;"
_CLOSE = "”’」』）)】》\"'"
_SENTENCE = re.compile(rf"[^{_END}\n]*(?:[{_END}]+[{_CLOSE}]*|\n|$)")
# A section marker at the start of a sentence: （一） (一) 一、 1. 1、 （1） 第三条 【…】 一是
_MARKER = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d{1,2}[.、．](?!\d)"
    r"|第[一二三四五六七八九十百\d]+[条章节]|【[^】]{1,12}】)"
)
# Inline markers preceded by a space (one seed holds a whole proposal on one line).
_INLINE_MARKER = re.compile(r"(?<=\s)(?=[(（][一二三四五六七八九十]+[)）])")
MAX_HEADING = 40
Sent = tuple[int, int, str]  # start, end, the sentence's text when it is a heading


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text[start:end]``, whitespace trimmed.

    >>> t = "甲。乙！ (一)丙"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['甲。', '乙！', '(一)丙']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end in _inline_pieces(text, start, end):
        for m in _SENTENCE.finditer(text, piece_start, piece_end):
            s, e = _trim(text, m.start(), m.end())
            if e > s:
                spans.append((s, e))
    return spans


def _inline_pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cuts = [m.start() for m in _INLINE_MARKER.finditer(text, start, end)]
    bounds = [start, *cuts, end]
    for a, b in zip(bounds, bounds[1:], strict=False):
        if b > a:
            yield a, b


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def is_heading(sentence: str) -> bool:
    """A short sentence opening with a section marker is a heading.

    >>> is_heading("（一）形成了规模化发展格局。"), is_heading("今天天气很好。")
    (True, False)
    """
    return len(sentence) <= MAX_HEADING and opens_point(sentence)


def opens_point(sentence: str) -> bool:
    """The sentence opens with a section or list marker, however long it is.

    >>> opens_point("4.人工智能产业链缺乏核心技术支撑,限制发挥“人工智能+”赋能效应"), opens_point("2.8%的增长")
    (True, False)
    """
    return bool(_MARKER.match(sentence))


def _split_long(text: str, s: int, e: int, size: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than ``size`` at commas, else hard, keeping offsets.

    Pieces are whitespace-trimmed like sentences, so none is blank.
    """
    if e - s <= size:
        return [(s, e)]
    out: list[tuple[int, int]] = []
    while e - s > size:
        window = text[s : s + size]
        cut = max(window.rfind(c) for c in "，,、：:")
        cut = s + cut + 1 if cut > size // 3 else s + size
        out.append(_trim(text, s, cut))
        s, e = _trim(text, cut, e)
    out.append((s, e))
    return [(a, b) for a, b in out if b > a]


def chunk_document(doc: Document, size: int = 320, overlap: int = 60) -> list[Chunk]:
    """Pack the document's sentences into chunks with exact offsets.

    Every chunk spans at most ``size`` characters and shares at most ``overlap``
    characters with the chunk before it (measured as offsets, gaps included).
    """
    if size < 1 or overlap < 0:  # size 0 would never advance; say so instead of hanging
        raise ValueError(f"chunk_size 必须 ≥ 1、chunk_overlap 必须 ≥ 0（现为 {size}/{overlap}）")
    text = doc.text
    sentences: list[Sent] = []
    for s, e in split_sentences(text):
        heading = text[s:e] if is_heading(text[s:e]) else ""
        for part in _split_long(text, s, e, size):
            sentences.append((part[0], part[1], heading))
    groups = _pack(sentences, size, overlap)
    chunks = []
    for i, (group, heading) in enumerate(groups):
        start, end = group[0][0], group[-1][1]
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}#{i}",
                doc_id=doc.doc_id,
                text=text[start:end],
                start=start,
                end=end,
                heading=heading,
                title=doc.title,
            )
        )
    return chunks


def _pack(sentences: list[Sent], size: int, overlap: int) -> list[tuple[list[Sent], str]]:
    groups: list[tuple[list[Sent], str]] = []
    current: list[Sent] = []
    heading = group_heading = ""
    fresh = 0  # sentences in `current` that are not overlap from the previous chunk
    for sent in sentences:
        s, e, head = sent
        at_heading = bool(head) and fresh > 0 and e - current[0][0] > size // 3
        too_long = fresh > 0 and e - current[0][0] > size
        if at_heading or too_long:
            groups.append((current, group_heading))
            current = [] if at_heading else _tail(current, overlap)
            fresh = 0
        while fresh == 0 and current and e - current[0][0] > size:
            current.pop(0)  # carried-over context gives way so the chunk stays within ``size``
        heading = head or heading
        if fresh == 0:
            group_heading = heading
        current.append(sent)
        fresh += 1
    if current and fresh > 0:
        groups.append((current, group_heading))
    return groups


def _tail(group: list[Sent], overlap: int) -> list[Sent]:
    """Trailing whole sentences of ``group`` spanning at most ``overlap`` characters.

    The span (gaps between sentences included) is what the two chunks share.
    """
    end = group[-1][1]
    out: list[Sent] = []
    for sent in reversed(group):
        if end - sent[0] > overlap:
            break
        out.insert(0, sent)
    return out


# A sentence as a reader splits it (no closing quotes kept): what part and ending answers quote
PLAIN_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences between ``start`` and ``end``, their leading whitespace left out.

    >>> text = "甲。 乙！\\n丙"
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['甲。', '乙！', '丙']
    """
    out = []
    for m in PLAIN_SENTENCE.finditer(text, start, len(text) if end is None else end):
        lead = len(m.group(0)) - len(m.group(0).lstrip())
        if lead < len(m.group(0)):
            out.append((m.start() + lead, m.end()))
    return out
