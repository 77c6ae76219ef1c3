"""Administrative levels: "国家级智能车间有多少个" is not answered by "建成省级智能车间168个".

Chinese policy texts count the same kind of thing at several levels (国家级, 省级, 市级 …), often in
one sentence ("国家级绿色工厂77家…省级绿色工厂325家").  A question that names a level is answered
only where the thing it names carries that level: when every mention of the thing in the
sentence carries another level, the sentence is about another tier.  A mention without a level
("通过“国家技术创新示范企业”复评") proves nothing either way and lets the sentence through.

>>> other_level("苏北地区建成国家级智能车间多少个？", "建成省级智能车间168个,试点建设省级智能工厂9个")
True
>>> other_level("苏州有多少家省级绿色工厂？", "国家级绿色工厂77家,省级绿色工厂325家")
False
>>> other_level("苏北有多少家公司在国家级技术创新标杆企业的复核中过关？", "4家企业通过“国家技术创新示范企业”复评")
False

Measured (docs/quality.md): no held-out or gold answer changed; CMRC2018 trial ±0.
"""

from __future__ import annotations

import re

_LEVEL = re.compile(r"国家级|国字号|省级|市级|县级(?!市)|区级")
_CJK_HEAD = re.compile(r"[\u4e00-\u9fff]{2,4}")
# where the named thing ends in the question: "国家级企业技术中心多少家" → 企业技术
_NOUN_END = re.compile(r"多少|几|有|是|的")


def _canon(level: str) -> str:
    return "国家级" if level == "国字号" else level


def other_level(question: str, sentence: str) -> bool:
    """Whether every mention in ``sentence`` of a thing the question asks at one level carries
    another level (the four characters before it)."""
    for m in _LEVEL.finditer(question):
        head = _CJK_HEAD.match(question, m.end())
        thing = _NOUN_END.split(head.group(0))[0] if head else ""
        if len(thing) < 2:
            continue
        before = [_LEVEL.search(sentence, max(0, i.start() - 4), i.start()) for i in re.finditer(re.escape(thing), sentence)]
        if before and all(b is not None and _canon(b.group(0)) != _canon(m.group(0)) for b in before):
            return True
    return False
