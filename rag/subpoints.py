"""Items inside one part of a document: the "一是…二是…三是…" of a reply letter's section.

Reply letters (答复函) number their sections 一、二、三… and, inside each, list the work done as
一是…。二是…。  Staff ask for such an item by both numbers or by the section's topic and the
item's number:

    >>> sub_nth("1002号建议答复函第一部分的“二是”讲的是哪项工作？")
    2
    >>> sub_nth("答复函推动重大项目建设那部分的第二项工作是什么？")
    2
    >>> sub_nth("答复函的第二部分讲了什么？") is None  # one number: the section itself
    True
    >>> sub_nth("统筹区域协调发展那一节排第三的举措是什么？"), sub_nth("强化创新载体建设那一节里，最后一项举措是什么？")
    (3, -1)
    >>> sub_nth("给陆惠芬的回复第四大部分，开头那项举措叫什么？"), section_nth("答复函最后一节列的四项工作里，最末一项是什么？")
    (1, -1)
    >>> section_topic("答复函人才培育部分的“三是”讲的是哪项工作？")
    '人才培育'
    >>> section_topic("答复函推动重大项目建设那部分的第二项工作是什么？")
    '推动重大项目建设'
    >>> section_topic("在“大力发展智能制造”这一节里，省工信厅列的第三项举措叫什么？")
    '大力发展智能制造'
    >>> text = "一、强化载体\\n一是加强企业能力建设。近年来…。二是夯实基础设施建设。注重…。"
    >>> [text[a:b] for a, b in items(text, 0, len(text))]
    ['一是加强企业能力建设。近年来…。', '二是夯实基础设施建设。注重…。']
"""

from __future__ import annotations

import re

from rag.proposals import CN_DIGITS, ordinal

# an item's marker where it opens a sentence or a line: "。二是…", "\n一是…" (not "统一是")
_MARKER = re.compile(rf"(?:(?<=^)|(?<=[\s。；;：:！!]))(?P<n>[{CN_DIGITS}])是", re.MULTILINE)
# the item asked: a quoted or pointed "二是", or a 第N项/条/点 after the section is named
_ASKED_MARKER = re.compile(rf"[“\"‘'](?P<n>[{CN_DIGITS}])是[”\"’']|的(?P<m>[{CN_DIGITS}])是(?=讲|说|写|指|的|什么|哪|是)")
_ASKED_NTH = re.compile(
    rf"第(?P<n>[{CN_DIGITS}]|\d)(?:项|条|点|个)(?!部分)|排(?:在)?第(?P<r>[{CN_DIGITS}]|\d)(?:位|名)?"
    r"|(?P<last>(?:最后|最末)一?(?:项|条|点|个)|排最后)|(?P<first>开头(?:的|那)?一?(?:项|条|个)|打头(?:的|那)?一?(?:项|条|个))"
)
# how the section is named: its number (第一部分) or its topic (X那部分, “X”这一节)
_SECTION_NTH = re.compile(rf"第(?P<n>[{CN_DIGITS}]|\d)(?:大)?(?:部分|节|方面)|(?P<last>最后)一?(?:大)?(?:部分|节)")
_SECTION_TOPIC = re.compile(
    r"[“\"]?(?P<t>[^，,。？?的“”\"\s]{2,16}?)[”\"]?(?:这|那)一?(?:部分|节|块|方面)"
    r"|(?:答复函?|复函|回复)的?(?P<u>[^，,。？?的“”\"\s第]{2,10}?)(?:部分|一节)"  # "答复函人才培育部分"
)


def sub_nth(question: str) -> int | None:
    """The item number a question asks for inside a section (−1: the last), or None when it asks for no item."""
    m = _ASKED_MARKER.search(question)
    if m:
        return ordinal(m.group("n") or m.group("m"))
    named = _named_section(question)
    if named is None:
        return None
    m = _ASKED_NTH.search(question, named.end())
    if m is None:
        return None
    if m.group("first"):
        return 1
    return -1 if m.group("last") else ordinal(m.group("n") or m.group("r"))


# every item of the section: "第一部分有哪几项工作", "X那部分列了哪些举措", "…共几项"
_ALL_ITEMS = re.compile(r"哪几项|哪些(?:工作|举措|措施|做法|方面|内容)|几项|列了哪些|有哪些")


def asks_items(question: str) -> bool:
    """Whether the question asks for all the items of a section it names.

    >>> asks_items("1002号答复函第一部分有哪几项工作？"), asks_items("答复函第一部分讲了什么？")
    (True, False)
    """
    named = _named_section(question)
    return bool(named and _ALL_ITEMS.search(question, named.end()))


def _named_section(question: str) -> re.Match[str] | None:
    """Where the question names a section, by number (第一部分) or topic (X那部分)."""
    return _SECTION_NTH.search(question) or _SECTION_TOPIC.search(question)


def section_nth(question: str) -> int | None:
    """The section number named ("第一部分" → 1), or None."""
    m = _SECTION_NTH.search(question)
    if m is None:
        return None
    return -1 if m.group("last") else ordinal(m.group("n"))


def section_topic(question: str) -> str | None:
    """The section's topic as named ("推动重大项目建设那部分" → 推动重大项目建设), or None."""
    m = _SECTION_TOPIC.search(question)
    return (m.group("t") or m.group("u")).removeprefix("答复函").removeprefix("答复") if m else None


def items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the 一是/二是… items between ``start`` and ``end``, numbered in order from 一是
    (a run that skips a number stops there)."""
    found = []
    for m in _MARKER.finditer(text, start, end):
        if ordinal(m.group("n")) == len(found) + 1:
            found.append(m.start())
    return [(a, (found[i + 1] if i + 1 < len(found) else end)) for i, a in enumerate(found)]
