"""Numbers that belong to a list: a sentence's figures may be the listed items', not the asked one's.

Two forms of Chinese policy prose tie numbers to a list of names:

* a respective list, "A、B、C,评分依次为x、y、z" (依次/分别为): each value is one listed item's,
  so it answers a question about a place only when that place is among the items.  A place the
  sentence names elsewhere ("相对于深圳") gets none of the values.
* a counted enumeration, "包括A、B、C等4家智能计算中心": the number counts the items, so it
  answers "有几家" but not a question about one item's own figure ("A的算力是多少").

>>> values_for_others(["深圳"], "北京市、广东省、上海市,评分依次为81.57、73.56、36.09,相对于深圳,我市仍有较大提升空间。")
True
>>> values_for_others(["广东"], "北京市、广东省、上海市,评分依次为81.57、73.56、36.09,相对于深圳,我市仍有较大提升空间。")
False
>>> counts_the_list("苏州超级计算中心的算力是多少", "建设了包括苏州超级计算中心(国科)、昆山智能计算中心(寒武纪)等2家智能计算中心,提供算力支撑。")
True
>>> counts_the_list("苏州建了几家智能计算中心", "建设了包括苏州超级计算中心(国科)、昆山智能计算中心(寒武纪)等2家智能计算中心,提供算力支撑。")
False
"""

from __future__ import annotations

import re

# "评分依次为", "分别达到": the values that follow go one to each listed item
_RESPECTIVELY = re.compile(r"(?:依次|分别)(?:为|是|达到?|占|有)")
# a run of names joined by 、 (and a last 和/及/与): "北京市、广东省、上海市"
_ITEMS = re.compile(r"[^\s,，。；;:：、]{2,24}(?:[、和及与][^\s,，。；;:：、]{2,24})+")
# "A、B、C等4家…": the number counts the enumeration (等 + a count and its measure word)
_COUNTED = re.compile(r"等\s*(\d+|[一二两三四五六七八九十]+)\s*[家个项所座类批名位种条]")
# a count asked ("几家", "多少个"): then the enumeration's count is the answer
_ASKS_COUNT = re.compile(r"(?:几|多少)\s*[家个项所座类批名位种条]")
_ANY_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万亿]+[家个项所座类批名位种条%]")
_BRACKETED = re.compile(r"[(（][^)）]*[)）]")
_OPENS = re.compile(r"包括|包含|涵盖|例如|比如|如|有|即")


def _items_before(sentence: str, end: int, reach: int = 80) -> list[str]:
    """The last 、-joined run of names in the ``reach`` characters before ``end``."""
    runs = list(_ITEMS.finditer(sentence, max(0, end - reach), end))
    if not runs:
        return []
    names = re.split(r"[、和及与]", runs[-1].group(0))
    # "建设了包括A": what comes before the enumeration's own opening word is not an item
    names[0] = _OPENS.split(names[0])[-1]
    return [_BRACKETED.sub("", n).strip() for n in names if n.strip()]


def values_for_others(places: list[str], sentence: str) -> bool:
    """Whether the sentence's respective values belong to a list that holds none of ``places``."""
    if not places:
        return False
    m = _RESPECTIVELY.search(sentence)
    if m is None:
        return False
    items = _items_before(sentence, m.start())
    if not items:
        return False
    return not any(p in item or item in p for p in places for item in items)


def counts_the_list(question: str, sentence: str) -> bool:
    """Whether the sentence's only number counts an enumeration that names something asked
    about, while the question asks no count: the item's own figure is not in the sentence."""
    if _ASKS_COUNT.search(question):
        return False
    m = _COUNTED.search(sentence)
    if m is None:
        return False
    rest = sentence[: m.start()] + sentence[m.end() :]
    if _ANY_NUMBER.search(rest):
        return False
    items = _items_before(sentence, m.start())
    return any(len(item) >= 4 and item in question for item in items)
