"""Announced enumerations: "苏州聚焦“五个强化”" followed by one paragraph per item.

Policy texts name a set by its count ("五个强化", "三大任务", "四项机制") in one sentence and give
the items in the paragraphs after it, each opening the same way ("在强化产业体系打造方面,…",
"在强化企业梯度培育方面,…").  A question asking what the set is ("“五个强化”是什么？") is
answered with the announcing sentence and the opening clause of each item, each cited; the
sentence alone names the set without saying what is in it.

    >>> count_of("五个强化"), count_of("三大任务"), count_of("强化")
    (5, 3, None)
    >>> answer_enumeration("“五个强化”分别由哪些部门牵头负责？", []) is None  # asks of each item
    True
    >>> bool(_ASKS_WHAT.search("五个强化是哪五个？")), bool(_ASKS_WHAT.search("哪几项")), bool(_ASKS_WHAT.search("哪里"))
    (True, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.citations import make_citation, one_line
from rag.documents import Answer, Document
from rag.proposals import ordinal

# "五个强化", "三大任务", "4项机制": a count, a measure word, then what is counted.
_COUNTED_SET = re.compile(r"(?<![\d一二三四五六七八九十])([一二三四五六七八九十]|[2-9])(?:个|大|项|条|方面)([\u4e00-\u9fff]{1,6})")
# The question asks what the set holds.
_ASKS_WHAT = re.compile(r"是什么|是哪些|有哪些|包括|包含|指什么|指的是|具体|分别|哪[几一二三四五六七八九十2-9]+(?:个|大|项|条|方面)?")
# ...not something about each item: "“五个强化”分别由哪些部门牵头", "每一项设定了什么量化指标"
_ASKS_OF_ITEMS = re.compile(r"部门|单位|机构|牵头|负责|谁|指标|多少|金额|资金|预算|时间|哪年|哪一年|何时|每一项|每项|各项")
_FIRST_CLAUSE = re.compile(r"[^,，;；。:：]{2,40}")
_PARAGRAPH = re.compile(r"\n\s*(\S)")


def count_of(term: str) -> int | None:
    m = _COUNTED_SET.match(term)
    return ordinal(m.group(1)) if m else None


def answer_enumeration(question: str, docs: Iterable[Document], places: Iterable[str] = ()) -> Answer | None:
    """The items of a counted set the question names and asks about, from a document naming the
    ``places`` the question names; None when it names none, or no document announces it with
    that many items."""
    if not _ASKS_WHAT.search(question) or not _COUNTED_SET.search(question) or _ASKS_OF_ITEMS.search(question):
        return None  # checked before the documents are visited: most questions name no set
    docs = [d for d in docs if all(p in d.text or p in d.title for p in places)]
    for m in _COUNTED_SET.finditer(question):
        n = count_of(m.group(0))
        # the counted words end where the question's own words begin: "五个强化具体指什么" → 五个强化
        for length in range(len(m.group(2)), 0, -1):
            head = m.group(0)[: m.end(2) - m.start() - len(m.group(2)) + length]
            for term in dict.fromkeys([head, str(n) + head[1:]]):
                for doc in docs:
                    spans = _items(doc, term, n or 0)
                    if spans:
                        return _answer(question, doc, head, spans)
    return None


def _items(doc: Document, term: str, n: int) -> list[tuple[int, int]] | None:
    """Spans to quote for ``term``'s ``n`` items: its clause and the opening clause of each of the
    ``n`` paragraphs after it, which must open alike (the same first two characters); None when
    the items stand in the clause itself ("电子信息、高端装备、先进材料3个万亿级产业")."""
    text, n_min = doc.text, 2
    at = text.find(term)
    if at < 0 or n < n_min:
        return None
    start = max(text.rfind(c, 0, at) for c in "。！？；;\n") + 1
    ends = [i for i in (text.find(c, at) for c in "。！？；;\n") if i >= 0]
    end = min(ends, default=len(text))
    clause = (start, end + 1 if end < len(text) and text[end] != "\n" else end)
    if text.count("、", start, at) >= n - 1:  # the items stand in the sentence: the usual answer quotes it
        return None
    spans, pos = [clause], end
    for _ in range(n):
        para = _PARAGRAPH.search(text, pos)
        m = _FIRST_CLAUSE.match(text, para.start(1)) if para else None
        if m is None:
            return None
        spans.append((m.start(), m.end()))
        pos = text.find("\n", m.end())
        pos = len(text) if pos < 0 else pos
    return spans if len({text[a : a + 2] for a, _ in spans[1:]}) == 1 else None


def _answer(question: str, doc: Document, term: str, spans: list[tuple[int, int]]) -> Answer:
    cites = [make_citation(i + 1, doc, a, b) for i, (a, b) in enumerate(spans)]
    items = "；".join(f"{one_line(c.quote)}[{c.n}]" for c in cites[1:])
    return Answer(question=question, text=f"{one_line(cites[0].quote)}[1]“{term}”是：{items}。", citations=cites)
