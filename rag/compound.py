"""Several questions in one, as the standalone questions the answerer takes one by one.

    >>> split_question("广东有几个万亿元级产业集群？苏州又有几个万亿级产业？")
    ['广东有几个万亿元级产业集群？', '苏州又有几个万亿级产业？']
    >>> split_question("1002号建议是谁提的？什么时候答复的？")  # the second part is about 1002 too
    ['1002号建议是谁提的？', '1002号建议什么时候答复的？']
    >>> split_question("482号建议是谁提的，承办单位是哪个？")
    ['482号建议是谁提的，', '482号建议的承办单位是哪个？']
    >>> split_question("118号和482号建议的承办单位分别是什么？")
    ['118号建议的承办单位分别是什么？', '482号建议的承办单位分别是什么？']
    >>> split_question("118号建议、482号建议和1002号建议分别由哪个单位办理？")[2]
    '1002号建议分别由哪个单位办理？'
    >>> split_question("1002号建议和482号建议的答复单位有什么不同？")
    ['1002号建议的答复单位有什么不同？', '482号建议的答复单位有什么不同？']
    >>> split_question("482号建议的建议人和答复时间")
    ['482号建议的建议人', '482号建议的答复时间']
    >>> split_question("482号建议的承办单位是哪个？协办呢？")
    ['482号建议的承办单位是哪个？', '482号建议的协办是什么？']
    >>> split_question("新闻的记者是谁？编辑是谁？")
    ['新闻的记者是谁？', '新闻的编辑是谁？']
    >>> split_question("苏州有几家灯塔工厂？")
    ['苏州有几家灯塔工厂？']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rag.cue_words import ANY_KIND_NAME, FIELD_CUES, FIELD_LABELS
from rag.documents import Document
from rag.followup import condense_by_rules

_MARKS = re.compile(r"[^？?；;]+[？?；;]?")
_CLAUSE = re.compile(r"[^，,]+[，,]?")
# What makes a clause a question of its own ("是谁提的", "承办单位是哪个").
_ASKS = re.compile(r"谁|什么|哪|几|多少|吗|是否|何时|怎么|如何")
# "118号和482号", "第118号、第482号": several proposals asked the same thing.
_JOINED = re.compile(
    r"(?:第\s*)?\d{1,5}\s*号?(?:建议|提案)?(?:\s*(?:和|与|及|、|以及)\s*(?:第\s*)?\d{1,5}\s*号(?:建议|提案)?)+"
)
_NUMBER = re.compile(r"(?<!\d)(\d{1,5})(?!\d)")
# A comparison is one question about both ("哪个答复得更早", "有什么区别"): not split.
COMPARES = re.compile(r"哪个|哪一个|谁更|更早|更晚|更多|区别|不同|相同|共同|比较|对比")


# "118号和482号建议的答复单位有什么不同": each proposal's field, given side by side, is the answer
# the phrasings that ask for a metadata field, longest first
_CUE_WORDS = "|".join(
    map(re.escape, sorted({c for _, cues in FIELD_CUES for c in cues if len(c) >= 2}, key=len, reverse=True))
)
_FIELD_CONTRAST = re.compile(f"(?:{_CUE_WORDS})" r".{0,6}(?:有什么|有何|有哪些)?(?:不同|区别|差别|一样|相同)")


def compares(part: str) -> bool:
    """One question about several things together ("哪个答复得更早"), not each on its own; with
    分别 ("分别由哪个单位办理") each is asked on its own.

    >>> compares("哪个答复得更早？"), compares("分别由哪个单位办理？"), compares("答复单位有什么不同？")
    (True, False, False)
    """
    return bool(COMPARES.search(part)) and "分别" not in part and not _FIELD_CONTRAST.search(part)
PROPOSAL_NUMBER = re.compile(r"(?<!\d)(\d{1,5})\s*号")
MIN_PART = 4
_SHORT_FOLLOWUP = re.compile(r"\s*[\u4e00-\u9fff]{2,3}呢[？?]?\s*")
# A later part asking one of the fields of a document named by its kind (ANY_KIND_NAME).
_FIELD_CUE = re.compile(f"(?:{_CUE_WORDS})")


# "…重点推进区？(482号建议)": the document the whole question is about, put in brackets
_SCOPE = re.compile(r"[(（]\s*((?:第\s*)?\d{1,5}\s*号(?:建议|提案|议案|答复函?)?)\s*[)）]")


def split_question(question: str) -> list[str]:
    """The parts of ``question``, each standalone; ``[question]`` when it is one question.

    >>> split_question("苏州哪些区是重点推进区？(482号建议)")  # a bracketed scope is no part of its own
    ['482号建议中，苏州哪些区是重点推进区？']
    """
    scope = _SCOPE.search(question)
    if scope and len(_SCOPE.sub("", question).strip()) >= MIN_PART:
        question = f"{scope.group(1)}中，{_SCOPE.sub('', question).strip()}"
    # "…承办单位是哪个？协办呢？": a short part ending in 呢 asks the same of something else
    parts = [p for p in _MARKS.findall(question) if len(p.strip("？?；; ")) >= MIN_PART or _SHORT_FOLLOWUP.fullmatch(p)]
    parts = [c for p in parts for c in _by_comma(p)]
    parts = [q for p in parts for q in _per_number(p)]
    parts = [q for p in parts for q in _by_fields(p)]
    out: list[str] = []
    for i, p in enumerate(parts):
        numbers = list(dict.fromkeys(n for q in parts[:i] for n in PROPOSAL_NUMBER.findall(q)))
        kinds = [m.group(0) for q in parts[:i] for m in ANY_KIND_NAME.finditer(q)]
        if i and not PROPOSAL_NUMBER.search(p) and numbers:  # "…？什么时候答复的？": the earlier parts' proposal(s)
            out += [condense_by_rules(p, [(f"{n}号建议", "")]) for n in numbers]
        elif i and kinds and not ANY_KIND_NAME.search(p) and _FIELD_CUE.search(p):  # "新闻的记者是谁？编辑是谁？"
            out.append(f"{kinds[0]}的{p.lstrip()}")
        elif i and _SHORT_FOLLOWUP.fullmatch(p):  # "苏州灯塔工厂有几家？苏北呢？": the same, of 苏北
            out.append(condense_by_rules(p, [(out[-1], "")]))  # "…？无锡呢？常州呢？": each of the last
        else:
            out.append(p)
    out = list(dict.fromkeys(out))
    return out if len(out) > 1 else [question]


def _by_comma(part: str) -> list[str]:
    """"482号建议是谁提的，承办单位是哪个？": clauses that each ask, the later ones a document's
    field; any other comma stays inside its question ("…有多少个，苏北占多少？")."""
    clauses = [c for c in _CLAUSE.findall(part) if c.strip("，, ")]
    if len(clauses) < 2 or not all(_ASKS.search(c) for c in clauses):
        return [part]
    if not all(any(cue in c for _, cues in FIELD_CUES for cue in cues) for c in clauses[1:]):
        return [part]
    return clauses


# A field named with its label's last word ("主办单位", "办理类型"), and a run of two or more of
# them ("主办单位和办理类型", "建议人 承办单位 答复时间", "主办和协办单位")
_LABEL_END = "单位|部门|时间|日期|类型|结果"
_FIELD_WORD = re.compile(f"(?:{_CUE_WORDS})(?P<label>{_LABEL_END})?")
_ONE_FIELD = f"(?:{_CUE_WORDS})(?:{_LABEL_END})?"
_FIELD_RUN = re.compile(rf"{_ONE_FIELD}(?:\s*(?:和|及|与|、|以及|，|,|\s)\s*{_ONE_FIELD})+")


def _by_fields(part: str) -> list[str]:
    """"482号建议的建议人和答复时间" → one question per field, each with the rest of the sentence
    ("118号建议的主办和协办单位是哪个" → …主办单位…, …协办单位…; "118号 建议人 承办单位 答复时间"
    → three).

    >>> _by_fields("118号建议的主办单位和办理类型分别是什么")
    ['118号建议的主办单位分别是什么', '118号建议的办理类型分别是什么']
    >>> _by_fields("118号建议的主办和协办单位是哪个")
    ['118号建议的主办单位是哪个', '118号建议的协办单位是哪个']
    >>> _by_fields("482号建议的建议人和承办单位")
    ['482号建议的建议人', '482号建议的承办单位']
    """
    m = _FIELD_RUN.search(part)
    if m is None:
        return [part]
    head, tail = part[: m.start()], part[m.end() :]
    fields = list(_FIELD_WORD.finditer(m.group(0)))
    label = fields[-1].group("label") or ""  # "主办和协办单位": 单位 belongs to both
    return [head + f.group(0) + (label if _shares(f, label) else "") + tail for f in fields]


def _shares(field: re.Match[str], label: str) -> bool:
    """The run's last label belongs to a bare field before it only when the two make a field's
    label: 主办 + 单位 is 主办单位, 建议人 + 单位 is nothing ("建议人和承办单位")."""
    return bool(label) and not field.group("label") and field.group(0) + label in _LABELS


_LABELS = frozenset(FIELD_LABELS.values()) | {c for _, cues in FIELD_CUES for c in cues}


def _per_number(part: str) -> list[str]:
    """"118号和482号建议的…分别…" → one question per proposal number."""
    m = _JOINED.search(part)
    if m is None or compares(part):
        return [part]
    numbers = _NUMBER.findall(m.group(0))
    rest = part[m.end() :].lstrip()
    # "118号建议、482号建议和1002号建议分别…": the kind word went with the last number
    kind = next((k for k in ("提案", "建议") if k in m.group(0) and not rest.startswith(k)), "")
    return [part[: m.start()] + f"{n}号{kind}" + rest for n in numbers]


# "两份建议/这两个提案": the proposals themselves, when the corpus holds exactly two.
_THE_TWO = re.compile(r"(?:这|那)?(?:两|二)(?:份|个|件|条)(?:代表)?(?:建议|提案)")


def name_the_two(question: str, proposals: Callable[[], list[str]]) -> str:
    """"两份建议里…分别是多少" names the two proposals of the corpus (their numbers, from
    ``proposals``: called only when asked, it reads every document), so that each is asked on
    its own; with any other count of proposals the question is left as it is.

    >>> name_the_two("两份建议里苏州省级智能车间的数量分别是多少", lambda: ["118", "482"])
    '118号和482号建议里苏州省级智能车间的数量分别是多少'
    >>> name_the_two("两份建议里…分别是多少", lambda: ["118"]), name_the_two("两份材料", lambda: ["118", "482"])
    ('两份建议里…分别是多少', '两份材料')
    """
    if not _THE_TWO.search(question) or len(numbers := proposals()) != 2:
        return question
    return _THE_TWO.sub(f"{numbers[0]}号和{numbers[1]}号建议", question, count=1)


def proposal_numbers(docs: Iterable[Document]) -> list[str]:
    """The numbers of the proposals (建议, 提案) among ``docs``, in order."""
    return sorted({d.value("number") for d in docs if d.value("kind") in ("建议", "提案") and d.value("number")}, key=lambda n: (len(n), n))
