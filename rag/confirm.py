"""Questions that state a fact and ask to have it confirmed: "482号建议是市致公党提的吧？",
"1002号建议是2022年答复的，对吧？".  The field they state is answered from the page as any field
question is, led by whether the page bears the statement out: 是的 or 不是, never a silent
refusal of a false premise.

    >>> confirmed_field("482号建议是市致公党提的吧？")
    ('proposer', '市致公党')
    >>> confirmed_field("1002号建议是2022年答复的，对吧？")
    ('reply_date', '2022年')
    >>> confirmed_field("1002号答复函是苏州市工信局发的吗"), confirmed_field("482号建议是市工信局主办的吧")
    (('sign_unit', '苏州市工信局'), ('host_unit', '市工信局'))
    >>> confirmed_field("1002号答复函是2021年6月18日签发的吗"), confirmed_field("482号建议是按A类办理的吗")
    (('sign_date', '2021年6月18日'), ('handling_type', 'A'))
    >>> confirmed_field("482号建议是不是A类办理的"), confirmed_field("482号建议是不是胡伏原提的？")
    (('handling_type', 'A'), ('proposer', '胡伏原'))
    >>> confirmed_field("1002号建议是书面答复的吗"), confirmed_field("1002号建议是A:已经解决吗")
    ((None, None), (None, None))
    >>> confirmed_field("482号建议是谁提的？"), confirmed_field("482号建议是哪位代表提的吗？")
    ((None, None), (None, None))
    >>> verdict("市致公党", "胡伏原"), verdict("胡伏原", "胡伏原"), verdict("致公党", "市致公党")
    ('不是，', '是的，', '是的，')
    >>> verdict("工信局", "苏州市工信局"), verdict("苏州市工信局", "江苏省工信厅")  # units after the glossary
    ('是的，', '不是，')
    >>> verdict("2022年", "2021年6月18日"), verdict("2025年6月", "2025-06-19 09:37")
    ('不是，', '是的，')
    >>> verdict("A", "A:已经解决"), verdict("b", "A:已经解决")  # a handling class: its letter
    ('是的，', '不是，')
"""

from __future__ import annotations

import re

# A confirming ending: 吧, 吗, 对吧, 是吗, 对不对, 是不是 (with the question mark or without).
_TAIL = r"(?:吧|吗|么)?\s*[，,]?\s*(?:对吧|对吗|是吗|对不对|是不是|没错吧)?\s*[？?]?\s*$"
_CONFIRMS = re.compile(r"(?:吧|吗|么|对吧|对吗|是吗|对不对|是不是|没错吧)\s*[？?]?\s*$|是不是")  # or "是不是X提的"
# A unit's name ends in an office word: "是书面答复的吗", "是按A类办理的吗" state no unit.
_OFFICE = r"(?:局|厅|委|办|部|政府|委员会|办公室|中心|院|所)"
# A stated date ("是2022年", "在2025-06"), and a stated unit ("是苏州市工信局").
_DATE_CLAIM = r"是?(?:在)?(?P<claim>\d{4}\s*年[^，,？?。]{0,8}?|\d{4}-\d{1,2}(?:-\d{1,2})?)"
_UNIT_CLAIM = r"是(?P<claim>[^，,？?。是\d]{1,18}" + _OFFICE + ")"
_STATED = (
    ("proposer", re.compile(r"是(?P<claim>[^，,？?。是]{2,16}?)(?:提|提出|提交|所提)的" + _TAIL)),
    ("reply_date", re.compile(_DATE_CLAIM + r"(?:答复|回复|办结)的?" + _TAIL)),
    # "1002号答复函是苏州市工信局发的吗": who sent the letter (a proposal's answering unit)
    ("sign_unit", re.compile(_UNIT_CLAIM + r"(?:发|签发|发出|印发|落款|答复|回复)的" + _TAIL)),
    # "…是2021年6月18日签发的吗": the letter's date, not who signed it
    ("sign_date", re.compile(_DATE_CLAIM + r"(?:签发|发出|印发|落款)的?" + _TAIL)),
    # "482号建议是按A类办理的吗": the handling class (A:已经解决), stated by its letter
    ("handling_type", re.compile(r"是?按?(?P<claim>(?<![A-Za-z])[A-Da-d])类(?:办理|答复|处理)?的?" + _TAIL)),
    ("host_unit", re.compile(_UNIT_CLAIM + r"(?:主办|承办|负责办理|牵头办理|办理)的" + _TAIL)),
)
_ASKS = re.compile(r"谁|哪|什么|几|多少")
_PREFIX = re.compile(r"^(?:苏州|江苏)?[省市]")


def confirmed_field(question: str) -> tuple[str | None, str | None]:
    """The field a confirming question states, and the value it states for it."""
    if not _CONFIRMS.search(question):
        return None, None
    for field, pattern in _STATED:
        m = pattern.search(question)
        if m and not _ASKS.search(m.group("claim")):  # "是哪位代表提的吗" asks, it states nothing
            return field, m.group("claim").strip()
    return None, None


def _date_parts(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def verdict(claim: str, value: str) -> str:
    """是的， when the page's ``value`` bears the ``claim`` out, else 不是，"""
    if re.search(r"\d{4}", claim):  # a date: each part stated (year, month, day) must match
        stated, given = _date_parts(claim), _date_parts(value)
        return "是的，" if given[: len(stated)] == stated else "不是，"
    if re.fullmatch(r"[A-Da-d]", claim):  # a class letter: the value starts with its own
        return "是的，" if value.upper().startswith(claim.upper()) else "不是，"
    a, b = _PREFIX.sub("", claim), _PREFIX.sub("", value)
    return "是的，" if a and (a in b or b in a) else "不是，"
