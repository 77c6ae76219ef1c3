"""Which of several documents was answered (or published) first: their dates, each cited, compared.

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
from rag.cue_words import FIELD_LABELS, KIND_NAMES
from rag.documents import Answer, Citation, Document
from rag.overview import PROPOSAL_KINDS

# "哪个先答复", "哪个答复得更早", "谁先发布", "哪份文件时间最早": the order of two or more dates.
# "最早", "最新的是哪份" — not "最后一大部分" (a part), "最先进", "最新政策"
_EXTREME = re.compile(r"最([早晚新迟])(?![^\W的发答一是成出印])")
_ORDER = re.compile(
    r"(?:哪个|哪一个|哪份|哪篇|谁)[^，,。？?]{0,6}(?:先|早|晚|后)(?![^\W的发答一是成出印提了些])|更早|更晚|早于|晚于|先后|顺序|"
    + _EXTREME.pattern
)
# the act whose date is compared, and the fields that hold it (a reply letter signs its date);
# with no act named ("哪份文件时间最早"), each document's most telling date (Document.date)
_ACTS = (
    (re.compile(r"答复|回复|办复|答覆"), ("reply_date", "sign_date"), "答复"),
    (re.compile(r"发布|发表|刊登|公开"), ("publish_date",), "发布"),
)
_ANY_DATE = ("reply_date", "sign_date", "publish_date")
# "1002号答复函": the kind word after a number names the number's document, not one of its kind
_AFTER_NUMBER = re.compile(r"\d\s*号\s*(?:的)?$")
# every document: "哪份文件最早", "这些资料按时间先后"
_ALL_DOCS = re.compile(
    r"(?:哪份|哪个|哪篇|哪一份|哪一篇|所有|这些|各份|全部)(?:文件|资料|文档|材料)"
    r"|(?:文件|资料|文档)(?:是|为)(?:哪份|哪个|哪篇|哪一份|哪一篇)"
)
_ALL_PROPOSALS = re.compile(r"(?:哪个|哪份|哪一个|哪一份|哪件|哪篇)(?:建议|提案)|(?:建议|提案)(?:是|为)(?:哪个|哪份|哪一份)")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})日?(?:\s+(\d{1,2}):(\d{2}))?")


def date_key(value: str) -> tuple[int, int, int, int, int] | None:
    """A field's date as a sortable tuple (year, month, day, hour, minute); None if it holds none."""
    m = _DATE.search(value)
    if m is None:
        return None
    return tuple(int(g) if g else 0 for g in m.groups())  # type: ignore[return-value]


def answer_date_order(question: str, docs: Iterable[Document]) -> Answer | None:
    """The cited dates of the documents the question compares and their order; None when the
    question does not ask the order of two or more documents' dates.  The documents are those it
    numbers ("118号和482号"), names by kind ("新闻和评论"), or all of them ("哪份文件最早")."""
    if not _ORDER.search(question):
        return None
    docs = list(docs)
    act_text = KIND_NAMES["答复函"].sub("", question)  # "答复函" names a kind, not the act 答复
    keys, word = next(((k, w) for pattern, k, w in _ACTS if pattern.search(act_text)), (_ANY_DATE, ""))
    subjects = _subjects(question, docs, keys)
    if len(subjects) < 2:
        return None
    rows: list[tuple[tuple | None, str, Document | None, str]] = []  # (date, label, doc, field)
    for label, doc in subjects:
        field_key = next((k for k in keys if doc is not None and doc.value(k)), None)
        rows.append((date_key(doc.value(field_key)) if field_key else None, label, doc, field_key or ""))
    if not any(field for *_, field in rows):
        return None
    dated = [(key, label) for key, label, *_ in rows if key is not None]
    extreme = _EXTREME.search(question)
    if extreme is not None and len(rows) > 2 and len(dated) >= 2:
        return _extreme(question, rows, keys, extreme.group(1) in "晚新迟后")
    text, cites = _dates(rows, keys)
    if len(dated) == len(rows):  # the order only when every date is known
        text += order_sentence(dated, word)
    return Answer(question=question, text=text, citations=cites)


def _extreme(question: str, rows: list, keys: tuple[str, ...], latest: bool) -> Answer:
    """"哪份文件最早": the one asked for first, then every document's date in that order; those
    without the date asked come last, said so, and the conclusion is drawn among the dated."""
    undated = [r for r in rows if r[0] is None]
    rows = sorted((r for r in rows if r[0] is not None), key=lambda r: r[0], reverse=latest) + undated
    ties = sum(r[0] == rows[0][0] for r in rows) > 1
    among = f"在有{FIELD_LABELS[keys[0]]}的{len(rows) - len(undated)}份中，" if undated else ""
    lead = "其中有日期相同的，无法只说一份。" if ties else f"{among}{'最晚' if latest else '最早'}的是{rows[0][1]}。"
    text, cites = _dates(rows, keys)
    return Answer(question=question, text=f"{lead}{'由晚到早' if latest else '由早到晚'}依次是：{text}", citations=cites)


def _dates(rows: list, keys: tuple[str, ...]) -> tuple[str, list[Citation]]:
    """Each document's date with its citation, in the order of ``rows``; a missing one said so."""
    cites: list[Citation] = []
    parts = []
    for _, label, doc, field_key in rows:
        if not field_key:
            parts.append(f"资料中没有{label}的{FIELD_LABELS[keys[0]]}")
            continue
        f = doc.meta[field_key]
        cites.append(make_citation(len(cites) + 1, doc, f.start, f.end))
        parts.append(f"{label}《{doc.title}》的{FIELD_LABELS[field_key]}是{f.value}[{len(cites)}]")
    return "；".join(parts) + "。", cites


def _subjects(question: str, docs: list[Document], keys: tuple[str, ...]) -> list[tuple[str, Document | None]]:
    """(label, document) for each document compared, in the question's order: those it numbers
    ("118号和482号"), those it names by a kind the corpus holds once ("新闻和评论", "评论和118号建议"),
    or else all of them ("哪份文件最早")."""
    found: list[tuple[int, str, Document | None]] = []
    for m in PROPOSAL_NUMBER.finditer(question):
        found.append((m.start(), f"第{m.group(1)}号", _with_field(docs, m.group(1), keys)))
    for kind, pattern in KIND_NAMES.items():
        same = [d for d in docs if d.kind == kind]
        m = next((m for m in pattern.finditer(question) if not _AFTER_NUMBER.search(question[: m.start()])), None)
        if m is not None and len(same) == 1:  # "1002号答复函" is the number's document
            found.append((m.start(), kind, same[0]))
    # each document once, where the question first names it ("第1002号建议答复函": the number and
    # the kind name one; a number asked twice, or one the corpus lacks, once)
    named: dict[object, tuple[str, Document | None]] = {}
    for _, label, doc in sorted(found, key=lambda f: f[0]):
        named.setdefault(id(doc) if doc else label, (label, doc))
    if len(named) >= 2:
        return list(named.values())
    if _ALL_DOCS.search(question):
        return [(_label(d, docs), d) for d in docs]
    if _ALL_PROPOSALS.search(question):  # "哪个建议答复得最晚": every proposal
        return [(_label(d, docs), d) for d in docs if d.kind in PROPOSAL_KINDS]
    return []


def _label(doc: Document, docs: list[Document]) -> str:
    """"第118号提案", "新闻"; a kind the corpus holds more than once is told by its title."""
    if doc.value("number"):
        return f"第{doc.value('number')}号{doc.kind}"
    if doc.kind and sum(d.kind == doc.kind for d in docs) == 1:
        return doc.kind
    return f"《{doc.title}》"


def order_sentence(dated: list[tuple[tuple, str]], act: str) -> str:
    """The order that (date, label) pairs imply.

    >>> order_sentence([((2025, 6, 20, 14, 57), "第118号"), ((2025, 6, 19, 9, 37), "第482号")], "答复")
    '第482号答复在先，第118号在后。'
    >>> order_sentence([((2025, 6, 20, 0, 0), "新闻"), ((2025, 6, 20, 0, 0), "评论")], "发布")
    '两者日期相同。'
    >>> order_sentence([((2024, 1, 4, 0, 0), "新闻"), ((2021, 6, 18, 0, 0), "答复函"), ((2024, 11, 18, 0, 0), "评论")], "")
    '按日期先后依次为答复函、新闻、评论。'
    """
    ordered = sorted(dated)
    if len({key for key, _ in ordered}) < len(ordered):
        return "两者日期相同。" if len(ordered) == 2 else "其中有日期相同的，先后无法一一排出。"
    if len(ordered) == 2:
        return f"{ordered[0][1]}{act}在先，{ordered[1][1]}在后。"
    return f"按{act}日期先后依次为" + "、".join(label for _, label in ordered) + "。"


def _with_field(docs: list[Document], number: str, keys: tuple[str, ...]) -> Document | None:
    """The document numbered ``number`` that holds one of ``keys`` (a proposal or its reply letter)."""
    numbered = [d for d in docs if d.value("number") == number]
    return next((d for d in numbered if any(d.value(k) for k in keys)), numbered[0] if numbered else None)
