"""Question analysis: what kind of answer a question wants, which proposal and
metadata field it names, and which specific terms (places, people, years) the
evidence must contain for an answer to be trusted.

    >>> q = analyse("482号建议是谁提出的？")
    >>> q.number, q.field, q.want
    ('482', 'proposer', 'person')
    >>> analyse("杭州市推进新型工业化的主要举措有哪些？").entities
    ['杭州']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

import jieba.posseg as pseg

# Metadata fields and the phrasings that ask for them, most specific first.
FIELD_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("co_units", ("协办", "配合办理", "配合单位")),
    ("consulted_units", ("经商", "会商", "征求了哪些", "商请")),
    ("host_unit", ("主办", "哪个部门", "哪个单位", "承办", "负责办理", "牵头", "哪家单位", "由谁办理")),
    ("reply_date", ("答复时间", "什么时候答复", "何时答复", "哪天答复", "答复日期", "几号答复", "何时回复")),
    ("handling_type", ("办理类型", "办理结果", "解决了吗", "办理情况", "是否解决")),
    ("deadline", ("办理期限", "期限")),
    ("sign_date", ("落款日期", "落款时间", "签发")),
    ("sign_unit", ("落款单位", "落款")),
    ("publish_date", ("发布时间", "什么时候发布", "何时发布", "发布日期")),
    ("proposer", ("谁提出", "建议人", "提案人", "提出者", "谁提的", "哪位代表", "哪位委员", "提出人", "谁提交", "由谁提出")),
    ("title", ("标题", "题目", "叫什么")),
    ("author", ("作者", "谁写的", "撰写")),
]

WANT_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("reason", ("为什么", "原因", "为何", "why")),
    ("date", ("什么时候", "何时", "哪年", "哪一年", "哪天", "日期", "时间")),
    ("number", ("多少", "几家", "几个", "几项", "几种", "几年", "数量", "比例", "占比", "规模", "百分之", "多大", "排名", "第几", "几")),
    ("person", ("谁", "哪位", "何人", "作者")),
    ("org", ("哪个部门", "哪些部门", "哪个单位", "哪家", "机构", "哪些单位")),
    ("list", ("哪些", "有什么", "举措", "措施", "方面", "做法", "建议")),
]

_NUMBER_REF = re.compile(r"第?\s*(\d{1,5})\s*号")
_YEAR = re.compile(r"(?:19|20)\d{2}年")
_PLACE_SUFFIX = re.compile(r"(市|省|区|县)$")
# Too general to decide whether evidence is about the same thing.
_GENERIC_PLACES = frozenset("我国 全国 中国 我省 我市 全省 全市 国家 地方 各地 本市 本省 境内 国内 国际 全球 世界".split())


@dataclass
class Question:
    text: str
    want: str = "general"  # number | date | person | org | list | reason | general
    number: str | None = None  # proposal number named, e.g. "482"
    field: str | None = None  # metadata field asked for
    entities: list[str] = dc_field(default_factory=list)  # must appear in the evidence


def analyse(text: str) -> Question:
    q = Question(text=text)
    m = _NUMBER_REF.search(text)
    if m:
        q.number = m.group(1)
    q.field = _first_cue(text, FIELD_CUES)
    q.want = _first_cue(text, WANT_CUES) or "general"
    if q.field in ("proposer", "author"):
        q.want = "person"
    elif q.field and q.field.endswith("date"):
        q.want = "date"
    q.entities = _entities(text)
    return q


def _first_cue(text: str, cues: list[tuple[str, tuple[str, ...]]]) -> str | None:
    for name, words in cues:
        if any(w in text for w in words):
            return name
    return None


def _entities(text: str) -> list[str]:
    """Places, people, organisations and years named in the question."""
    out: list[str] = []
    for w, flag in pseg.lcut(text):
        w = w.strip()
        if len(w) < 2 or w in _GENERIC_PLACES:
            continue
        if flag == "ns":
            w = _PLACE_SUFFIX.sub("", w) if len(w) > 2 else w
        elif flag not in ("nr", "nt", "nrt"):
            continue
        if w not in out and w not in _GENERIC_PLACES:
            out.append(w)
    for y in _YEAR.findall(text):
        if y not in out:
            out.append(y)
    return out
