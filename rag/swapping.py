"""A follow-up that names only a new subject ("那苏北呢？", "482号呢？", "2024年呢？"): the
previous question with the new subject put where its counterpart stood.

    >>> swap_subject("苏南地区建成了多少个智能车间？", "苏北")
    '苏北地区建成了多少个智能车间？'
    >>> swap_subject("118号建议是谁提出的？", "482号")
    '482号建议是谁提出的？'
    >>> swap_subject("苏州有多少家灯塔工厂？", "智能车间")
    '苏州有多少家智能车间？'
"""

from __future__ import annotations

import re

_COUNTED = re.compile(r".*(?:多少|几)[个家项件名人次所座条](?P<obj>[^？?，,。、]{2,20}?)[？?]?$")
_PROPOSAL = re.compile(r"第?\s*\d{1,5}\s*号(?:建议|提案|议案)?")
_DOC_KIND = re.compile(r"答复函|新闻|评论|报道|文章")
_NUMBER_ONLY = re.compile(r"^第?\s*(\d{1,5})\s*号(?:建议|提案|议案)?$")


def swap_subject(previous: str, new: str) -> str:
    """Put ``new`` where the matching part of ``previous`` was.

    Tried in order: a proposal number for a proposal number, a same-length span
    sharing a character (苏南→苏北, 2023年→2024年), the first named entity;
    otherwise ``new`` is prefixed as the topic.
    """
    m = _NUMBER_ONLY.match(new)
    if m and _PROPOSAL.search(previous):
        return re.sub(r"\d{1,5}(?=\s*号)", m.group(1), previous, count=1)
    kind = _DOC_KIND.search(previous)
    if kind and _DOC_KIND.fullmatch(new):  # "新闻的编辑是谁" → "评论的呢？" → the commentary's
        return previous[: kind.start()] + new + previous[kind.end() :]
    span = _similar_span(previous, new)
    if span:
        return previous.replace(span, new, 1)
    if re.search(r"\d", new):  # a year or figure with no counterpart narrows the question
        return f"{new}{previous}"
    from rag.questions import analyse, places

    if places(new) or _is_name(new):  # a place or person for a place or person
        for entity in analyse(previous).entities:
            if entity in previous and not re.search(r"\d", entity):
                return previous.replace(entity, new, 1)
    counted = _COUNTED.search(previous)
    if counted:  # "那智能车间呢？": the same count, of another thing
        return previous[: counted.start("obj")] + new + previous[counted.end("obj") :]
    return f"关于{new}，{previous}"


def _is_name(word: str) -> bool:
    from rag.questions import analyse

    return bool(analyse(f"{word}是谁").entities)


def _similar_span(text: str, new: str) -> str:
    """What ``new`` stands for in ``text``: a word sharing its last character and about its length
    (国家级 for 省级), else the first span as long as ``new`` sharing its first or last character
    (苏南 for 苏北, 2023年 for 2024年) that does not open with a counter or particle ("个战略性产业").

    >>> _similar_span("苏州有多少家国家级绿色工厂？", "省级"), _similar_span("广东有多少个战略性产业集群？", "高新技术企业")
    ('国家级', '')
    """
    n = len(new)
    if n < 2:
        return ""
    if not re.search(r"\d", new):
        import jieba

        for w in jieba.lcut(text):
            if w != new and abs(len(w) - n) <= 1 and w[-1] == new[-1] and _same_kind(w, new):
                return w
    for i in range(len(text) - n + 1):
        span = text[i : i + n]
        if span != new and (span[0] == new[0] or span[-1] == new[-1]) and _same_kind(span, new) \
                and not _OPENS_WITH_FUNCTION_WORD.match(span):
            return span
    return ""


_OPENS_WITH_FUNCTION_WORD = re.compile(r"[个家项件名位座条种类批的了在有是和与及]")


def _same_kind(a: str, b: str) -> bool:
    """Both numeric-with-unit, or both free text: "2023年" may replace "2022年", not "苏南"."""
    return bool(re.search(r"\d", a)) == bool(re.search(r"\d", b)) and not re.search(r"[，,。？?！!]", a)
