"""Members of a counted set: "那7家灯塔工厂分别是哪几家" must be answered by a list of them.

A question that knows a count and asks which ones is not answered by a sentence that only states
the count ("累计7家"), nor by the 、 of another clause of a long sentence ("思必驰、同程、清睿教育、
智慧芽4家企业通过备案,并遴选产生10个…企业" does not list the 10).  Used by the trust rules
(rag/trust.py); measured in docs/quality.md.
"""

from __future__ import annotations

import re

# "那14家企业具体是哪些": a count the question already knows, then "which ones".
_COUNTER = r"[家个项条所座名类种大]"
# "22家园区分别在哪些板块" asks for each of them as well.
_MEMBERS = re.compile(
    r"(\d+|[两二三四五六七八九十]+)\s*(" + _COUNTER + r")[^？?。]*?(?:(?:(?:具体|分别|都)(?:是|有|包括|在)?|是|有|包括)哪"
    r"(?:些|几|[一两二三四五六七八九十\d]+\s*" + _COUNTER + ")"  # which ones, not 哪年 / 哪一年
    r"|(?:分别|各自|都)叫什么)"  # "那4家企业分别叫什么": their names
)
_CLAUSE_END = re.compile(r"[,，;；。]")
_NAMES_THEM = re.compile(r"\s*(?:即|包括|分别|如|其中|依次|均为|为)")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def lists_members(question: str, evidence: str, most: int = 6) -> bool:
    """For "the N things … which are they", whether ``evidence`` enumerates at least N of them
    (up to ``most``), counting items separated by 、 or ；.  Other questions always pass: a
    passage that only states the count ("累计7家") does not say which.

    >>> lists_members("那7家灯塔工厂分别是哪几家？", "新增全球“灯塔工厂”2家,累计7家。")
    False
    >>> lists_members("那3家企业具体是哪些？", "分别为甲公司、乙公司、丙公司。")
    True
    >>> lists_members("苏州计划形成哪四个万亿级产业？", "电子信息")
    True
    >>> lists_members("这2项政策都是哪年出台的？", "该政策于2021年出台。")  # a year, not which ones
    True
    >>> lists_members("那3家企业分别是哪几家？", "甲；乙；"), lists_members("那3家分别是哪几家？", "甲、乙和丙")
    (False, True)

    Where the evidence states the count, the members must be in that clause or after a colon
    that follows it: the 、 of another clause list something else.

    >>> lists_members("那3家企业是哪些？", "甲、乙、丙获评,并遴选产生3家企业,成效明显")
    False
    >>> lists_members("那3家企业是哪些？", "遴选产生3家企业:甲、乙、丙。"), lists_members("那3家是哪些？", "甲、乙、丙3家")
    (True, True)
    >>> lists_members("“三大名园”是哪些？", "人称“三大名园”，即甲、乙、丙。")
    True
    >>> lists_members("那4家企业分别叫什么？", "4家企业通过“国家技术创新示范企业”复评")
    False
    """
    m = _MEMBERS.search(question)
    if m is None:
        return True
    evidence = _stating_clause(evidence, m.group(1) + m.group(2))
    word = m.group(1)
    n = int(word) if word.isdigit() else (_CN_DIGITS.get(word, 10) if len(word) == 1 else 10)
    seps = len(re.findall(r"[、；;](?=[^、；;。！？\s])", evidence))  # a trailing separator ends no item
    last = 1 if seps and re.search(r"[、；;][^、；;。]*?(?:和|及|与)", evidence) else 0  # "甲、乙和丙"
    return 1 + seps + last >= min(n, most)


def _stating_clause(evidence: str, mention: str) -> str:
    """The clause of ``evidence`` that states ``mention`` ("10个"), with what a colon after the
    mention introduces (up to the sentence's end); all of ``evidence`` where it is not stated.

    >>> _stating_clause("4家企业通过备案,并遴选产生10个培育企业,苏州…", "10个")
    '并遴选产生10个培育企业'
    """
    i = evidence.find(mention)
    if i < 0:
        return evidence
    start = max((m.end() for m in _CLAUSE_END.finditer(evidence, 0, i)), default=0)
    end = _CLAUSE_END.search(evidence, i)
    stop = end.start() if end else len(evidence)
    # "…“五大恶人”，即“南秦升、北周挺…”": the next clause names them
    if re.search(r"[:：]", evidence[i:stop]) or _NAMES_THEM.match(evidence, stop + 1):
        full = evidence.find("。", i)
        stop = full if full >= 0 else len(evidence)
    return evidence[start:stop]
