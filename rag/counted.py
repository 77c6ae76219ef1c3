"""What a count question counts: "北京有多少家工业企业" is not answered by "北京已布局人工智能
核心企业超过1000家".

A count of enterprises or factories names their kind in front of the head noun (工业企业,
专精特新企业, 绿色工厂).  A sentence that never writes that kind counts other enterprises, however
many of the question's other words (北京, 企业, 多少家) it shares.  A question that names no kind
("苏州有多少家企业") sets no condition.

>>> other_kind("北京有多少家工业企业", "北京已布局人工智能核心企业超过1000家")
True
>>> other_kind("苏州有多少家专精特新企业？", "累计培育专精特新“小巨人”企业200家")
False
>>> other_kind("苏州有多少家企业", "北京已布局人工智能核心企业超过1000家")
False
>>> counted_kind("苏北有几家国家级绿色工厂"), counted_kind("苏州有多少家规上工业企业？")
('绿色', '规上工业')
"""

from __future__ import annotations

import re

# 多少家/几个 + kind + head noun; the kind is what is counted, a level (国家级) is rag/levels.py's.
_COUNTED = re.compile(
    r"(?:多少|几)\s*[家个所座]\s*(?:国家级|省级|市级|县级|区级)?(?P<kind>[\u4e00-\u9fff]{2,8}?)(?:企业|工厂|公司)"
)


def counted_kind(question: str) -> str | None:
    """The kind of enterprise or factory a count question asks about, or None."""
    m = _COUNTED.search(question)
    return m.group("kind") if m else None


def other_kind(question: str, evidence: str) -> bool:
    """Whether ``evidence`` never writes the kind of thing the question counts."""
    kind = counted_kind(question)
    return bool(kind) and kind not in evidence
