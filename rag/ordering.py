"""Which of several proposals was answered (or published) first: their dates, each cited, compared.

"118号和482号哪个先答复？" asks about two documents' fields at once; neither field alone answers
it, and no sentence of the corpus does.  The answer gives each date with its citation and the
order they imply, so every fact stands in a quoted field and the comparison is the reader's to
check.  A date the corpus does not give is said so; the order is then not claimed.

    >>> date_key("2025-06-19 09:37"), date_key("2021年6月18日"), date_key("不详")
    ((2025, 6, 19, 9, 37), (2021, 6, 18, 0, 0), None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.citations import make_citation
from rag.compound import PROPOSAL_NUMBER
from rag.cue_words import FIELD_LABELS
from rag.documents import Answer, Citation, Document

# "哪个先答复", "哪个答复得更早", "谁先发布", "哪个晚": the order of two or more dates.
_ORDER = re.compile(r"(?:哪个|哪一个|哪份|谁)[^，,。？?]{0,6}(?:先|早|晚|后)|更早|更晚|早于|晚于|先后|顺序")
# the act whose date is compared, and the fields that hold it (a reply letter signs its date)
_ACTS = (
    (re.compile(r"答复|回复|办复|答覆"), ("reply_date", "sign_date"), "答复"),
    (re.compile(r"发布|发表|刊登|公开"), ("publish_date",), "发布"),
)
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})日?(?:\s+(\d{1,2}):(\d{2}))?")


def date_key(value: str) -> tuple[int, int, int, int, int] | None:
    """A field's date as a sortable tuple (year, month, day, hour, minute); None if it holds none."""
    m = _DATE.search(value)
    if m is None:
        return None
    return tuple(int(g) if g else 0 for g in m.groups())  # type: ignore[return-value]


def answer_date_order(question: str, docs: Iterable[Document]) -> Answer | None:
    """The cited dates of the proposals the question numbers and which came first; None when the
    question does not ask the order of two or more numbered documents' dates."""
    numbers = list(dict.fromkeys(PROPOSAL_NUMBER.findall(question)))
    act = next(((k, word) for pattern, k, word in _ACTS if pattern.search(question)), None)
    if len(numbers) < 2 or act is None or not _ORDER.search(question):
        return None
    keys, word = act
    docs = list(docs)
    cites: list[Citation] = []
    dated: list[tuple[tuple, str]] = []
    parts: list[str] = []
    for n in numbers:
        doc = _with_field(docs, n, keys)
        field_key = next((k for k in keys if doc is not None and doc.value(k)), None)
        if doc is None or field_key is None:
            parts.append(f"资料中没有第{n}号的{FIELD_LABELS[keys[0]]}")
            continue
        f = doc.meta[field_key]
        cites.append(make_citation(len(cites) + 1, doc, f.start, f.end))
        parts.append(f"第{n}号《{doc.title}》的{FIELD_LABELS[field_key]}是{f.value}[{len(cites)}]")
        key = date_key(f.value)
        if key is not None:
            dated.append((key, n))
    if not cites:
        return None
    text = "；".join(parts) + "。"
    if len(dated) == len(numbers):  # the order only when every date is known
        text += order_sentence(dated, word)
    return Answer(question=question, text=text, citations=cites)


def order_sentence(dated: list[tuple[tuple, str]], act: str) -> str:
    """The order that (date, number) pairs imply.

    >>> order_sentence([((2025, 6, 20, 14, 57), "118"), ((2025, 6, 19, 9, 37), "482")], "答复")
    '第482号答复在先，第118号在后。'
    >>> order_sentence([((2025, 6, 20, 0, 0), "1"), ((2025, 6, 20, 0, 0), "2")], "答复")
    '两者日期相同。'
    """
    ordered = sorted(dated)
    if len({key for key, _ in ordered}) < len(ordered):
        return "两者日期相同。" if len(ordered) == 2 else "其中有日期相同的，先后无法一一排出。"
    if len(ordered) == 2:
        return f"第{ordered[0][1]}号{act}在先，第{ordered[1][1]}号在后。"
    return f"按{act}日期先后依次为" + "、".join(f"第{n}号" for _, n in ordered) + "。"


def _with_field(docs: list[Document], number: str, keys: tuple[str, ...]) -> Document | None:
    """The document numbered ``number`` that holds one of ``keys`` (a proposal or its reply letter)."""
    numbered = [d for d in docs if d.value("number") == number]
    return next((d for d in numbered if any(d.value(k) for k in keys)), numbered[0] if numbered else None)
