"""Numbers as policy texts write them, in one place.  Four patterns, each for its own job, so
they differ on purpose:

* ``FIGURE`` (rag/citations.py, the figures check): everything a generated sentence must not
  invent – full dates, numbers with any unit (years, days and 号 included), fractions, and bare
  numbers;
* ``FIGURE_WITH_UNIT`` (rag/evidence.py, rag/briefing.py, key figures): a count, an amount or a
  share; not a year (the timeline's) and not a bare number (often a heading, "3.");
* ``COUNT`` (rag/cues.py, the kind of answer a 多少 question wants): a number with a unit,
  years included ("连续13年");
* ``NUMERAL`` (rag/cues.py, answer forms): a numeral in either script, for the unit the question
  asks to follow ("百家", "1.2万亿").

    >>> text = "2021年6月18日，新增省级企业技术中心104家，占30%，共3项，约百家"
    >>> [m.group(0) for m in FIGURE.finditer(text)]
    ['2021年6月18日', '104家', '30%', '3项']
    >>> [m.group(0) for m in FIGURE_WITH_UNIT.finditer(text)]
    ['104家', '30%', '3项']
    >>> [m.group(0) for m in COUNT.finditer("连续13年，企业4400家")]
    ['13年', '4400家']
    >>> bool(re.fullmatch(NUMERAL + "家", "百家")), bool(re.fullmatch(NUMERAL + "万", "1.2万"))
    (True, True)
"""

from __future__ import annotations

import re

_DECIMAL = r"\d+(?:\.\d+)?"
UNITS = "万亿元|亿元|万元|万亿|亿|万|千|百|%|％|家|个|项|名|人|倍|元|吨|座|所|台|辆|种|年|月|日|天|号|TEU|GW|MW|kW"
FIGURE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d+(?:[.,]\d+)*\s*(?:" + UNITS + r")"
    r"|[一二三四五六七八九十]+分之[一二三四五六七八九十]+"
    r"|" + _DECIMAL
)
FIGURE_WITH_UNIT = re.compile(_DECIMAL + r"\s*(?:万亿元|亿元|万元|万亿|亿|万|%|％|家|个|项|名|人次|人|倍|件|篇|TEU)")
COUNT = re.compile(_DECIMAL + r"\s*(?:%|％|万亿|亿|万|千|家|个|项|名|人|倍|元|吨|座|所|台|辆|种|年|TEU)")
NUMERAL = r"(?:" + _DECIMAL + r"|[一二两三四五六七八九十百千万亿]+)\s*(?:多|余)?"


def restates(question: str, evidence: str) -> bool:
    """Every count, amount or share the question states is in the evidence: "838个项目里…"
    is not answered by a sentence about 1088个项目 (the question's premise is not this one's).

    >>> restates("累计838个车间里新增多少？", "新增160个,累计838个"), restates("838个项目里有多少？", "共有1088个项目")
    (True, False)
    >>> restates("苏州有多少家工厂？", "工厂17家")
    True
    """
    for m in FIGURE_WITH_UNIT.finditer(question):
        number = re.match(_DECIMAL, m.group(0)).group(0)
        if not re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", evidence):
            return False
    return True


# "有几个万亿级产业": the count asked, its counter and what it counts
_COUNT_ASKED = re.compile(r"(?:几|多少)(?P<unit>[个家项名所座条种台批])(?P<what>[\u4e00-\u9fff]{2,8})")


def counts_what_is_asked(question: str, sentence: str) -> bool:
    """The sentence states a count of what the question counts, with its counter ("3个万亿级产业"
    for 有几个万亿级产业), not only some other figure ("4万亿元以上量级").

    >>> counts_what_is_asked("苏州现在有几个万亿级产业啊", "拥有电子信息、高端装备、先进材料3个万亿级产业")
    True
    >>> counts_what_is_asked("苏州现在有几个万亿级产业啊", "规上工业总产值保持4万亿元以上量级")
    False
    """
    m = _COUNT_ASKED.search(question)
    if m is None:
        return False
    what = re.sub(r"[啊呢吗呀？?]+$", "", m.group("what"))[:4]
    return len(what) >= 2 and bool(re.search(r"[\d一二三四五六七八九十两]+" + m.group("unit") + re.escape(what), sentence))
