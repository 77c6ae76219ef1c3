"""Multi-turn chat: rewrite a follow-up into a standalone question before retrieval.

With a chat model the rewrite follows ``prompts/condense.md``; without one (or
when the model's output is unusable) rules carry the subject of the previous
turn over:

    >>> h = [("苏南地区新增省级企业技术中心多少家？", "……")]
    >>> condense("那苏北呢？", h)
    '苏北地区新增省级企业技术中心多少家？'
    >>> condense("它的答复时间是？", [("482号建议是谁提出的？", "……胡伏原。[1]")])
    '482号建议的答复时间是？'
    >>> condense("那118号呢？", [("482号建议是谁提出的？", "……")])
    '118号建议是谁提出的？'
    >>> condense("那智能车间呢？", [("2020年苏北地区新增了多少家省级企业技术中心？", "……")])
    '2020年苏北地区新增了多少家智能车间？'
    >>> condense("他提了哪些对策建议？", [("482号建议是谁提出的？", "……胡伏原。[1]")])
    '482号建议提了哪些对策建议？'
    >>> condense("承办单位呢？", [("482号建议是谁提出的？", "……胡伏原。[1]")])
    '482号建议的承办单位是什么？'
    >>> condense("其中苏北占多少？", [("2021年度的清单共有多少项？", "……")])
    '2021年度的清单中，苏北占多少？'
    >>> condense("其中苏北有多少？", [("全省有多少个项目纳入项目库？", "……")])
    '全省有多少个项目纳入项目库，其中苏北有多少？'
    >>> condense("编辑呢？", [("新闻的记者是谁？", "……")]), condense("评论的呢？", [("新闻的编辑是谁？", "……")])
    ('新闻的编辑是什么？', '评论的编辑是谁？')
    >>> condense("分别是哪几家？", [("苏州集聚了几家灯塔工厂？", "……“灯塔工厂”7家。[1]")])
    '苏州集聚了7家灯塔工厂，分别是哪几家？'
    >>> condense("哪一年？", [("482号建议是谁提的？", "……胡伏原。[1]")])
    '482号建议是哪一年的？'
    >>> condense("苏州有多少家国家级专精特新企业？", h)  # already standalone
    '苏州有多少家国家级专精特新企业？'
"""

from __future__ import annotations

import re
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from rag.citations import MARKER
from rag.cue_words import names_field
from rag.history import History, format_history, normalize_history
from rag.swapping import swap_subject

# "那苏北呢？" / "那么2022年呢" / "苏北怎么样？": a new subject and nothing else
_SWAP = re.compile(r"^(?:那么?|那|还有|再问一下)?\s*(?P<x>[^，,。？?！!呢吗]{1,20}?)\s*(?:呢|怎么样|如何|情况如何|的情况呢?)\s*[？?]?$")
# "它的答复时间是？": a pronoun standing for the previous subject; the first group only ever
# stands for a document or person asked about before (其, 这个, 这份… may open a question of its own)
_REFERS_BACK = r"它们|它|他们|她们|他|她|该建议|该提案|这个建议|这项建议|这份建议|此建议|这份答复|该答复|该文件"
# "其中苏北占多少" is a part of what was just counted, not 其 (it) + 中
_PRONOUN = re.compile(rf"^(?:那么?|那)?\s*(?P<p>{_REFERS_BACK}|其(?!中|他|余|次|实)|这封信|该信|这封答复|这个|这份|这项|这篇)")
# "…清单共有多少项？" → "其中苏北占多少？": the part asked of the whole just counted
_PART_OF = re.compile(r"^(?:那么?|那)?\s*其中")
_COUNT_ASKED = re.compile(r"(?:一共|总共|共计|共|累计|总计)?(?:有|是|达到?|为|纳入了?)?(?:多少|几)\S{0,6}[？?。]?$")
_OPENS_REFERRING_BACK = re.compile(rf"(?:那么?|那)?\s*(?:{_REFERS_BACK})")


def refers_back(question: str) -> bool:
    """The question opens with a pronoun for something asked about before ("它的答复时间是？").

    >>> refers_back("它的答复时间是？"), refers_back("其中苏北有多少？")
    (True, False)
    """
    return bool(_OPENS_REFERRING_BACK.match(question.strip()))
# "他/她" stand for the proposer: "他提了哪些建议" → "482号建议提了哪些建议", "他是…" → "…的建议人是…".
_PERSON_PRONOUN = ("他们", "她们", "他", "她")
# What a count question counts: "…新增了多少家省级企业技术中心？" → 省级企业技术中心.
_PROPOSAL = re.compile(r"第?\s*\d{1,5}\s*号(?:建议|提案|议案)?")
_TITLE = re.compile(r"《[^》]{2,60}》")


def condense(
    question: str,
    history: History | None,
    llm: BaseChatModel | None = None,
    prompts_dir: Path | None = None,
    max_chars: int = 200,
) -> str:
    """A standalone version of ``question`` given earlier (user, assistant) turns."""
    question = question.strip()
    if not history:
        return question
    if llm is not None and prompts_dir is not None:
        rewritten = condense_with_llm(question, history, llm, prompts_dir, max_chars)
        if rewritten:
            return rewritten
    return condense_by_rules(question, history)


def condense_with_llm(
    question: str, history: History, llm: BaseChatModel, prompts_dir: Path, max_chars: int = 200
) -> str:
    """The model's rewrite, or "" when it fails or answers with something unusable."""
    from rag.generation import fill, load_prompt

    system, user = load_prompt(prompts_dir, "condense")
    values = {"history": format_history(history), "question": question}
    messages = [HumanMessage(content=fill(user, **values))]
    if system:
        messages.insert(0, SystemMessage(content=fill(system, **values)))
    try:
        out = llm.invoke(messages).content
    except Exception:  # a failing model must not stop the conversation: rules take over
        return ""
    return _first_question(out if isinstance(out, str) else "", max_chars)


def _first_question(text: str, max_chars: int) -> str:
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.S)
    for line in text.splitlines():
        line = re.sub(r"^(?:完整问题|改写后的问题|独立问题|问题)\s*[:：]\s*", "", line.strip()).strip("\"'“”「」 ")
        if line:
            return line if len(line) <= max_chars else ""
    return ""


# -- rules ----------------------------------------------------------------------------------


def condense_by_rules(question: str, history: History) -> str:
    """Carry the previous turn's subject (proposal number, place, year…) into ``question``."""
    previous = _previous_question(history)
    if not previous:
        return question
    m = _PART_OF.match(question)
    if m:  # "…清单共有多少项？" + "其中苏北占多少？": asked of the whole just counted
        counted, rest = _COUNT_ASKED.search(previous), question[m.end() :]
        if counted and counted.start() > 0:
            head = previous[: counted.start()]
            return f"{head}{'' if head.endswith('中') else '中'}，{rest}"  # "…清单中" + "，其中…"
        return f"{previous.rstrip('？?。 ')}，其中{rest}"
    m = _PRONOUN.match(question)
    if m:
        subject = subject_of(history)
        person = _person_answered(history) if m.group("p") in _PERSON_PRONOUN else ""
        if person and not subject:  # "新年第一会上谁提出了目标任务？" "…刘小涛指出…" "他是什么职务？"
            return f"{person}{question[m.end():]}"
        if subject:
            rest = question[m.end() :].lstrip("的")
            if m.group("p") in _PERSON_PRONOUN:
                if person:  # "苏州市委书记是谁？" "…刘小涛…" "他提出了什么目标？": that person
                    return f"{person}{rest}"
                # "他是哪个单位的": the author's unit, not the host's
                return f"{subject}的建议人{rest}" if rest.startswith("是") else f"{subject}{rest}"
            if not rest:
                return subject
            return f"{subject}{'' if rest.startswith(('是', '由', '在', '有')) else '的'}{rest}"
        return question
    m = _SWAP.match(question)
    if m:
        new = m.group("x").strip().removesuffix("的")  # "评论的呢？"
        subject = (subject_of(history) or _field_owner(previous)) if names_field(new) else ""
        if subject:  # "承办单位呢？": the same document's other field
            return f"{subject}的{new}是什么？"
        return swap_subject(previous, new)
    if _asks_of_a_document(question) and not (_PROPOSAL.search(question) or _TITLE.search(question)):
        subject = subject_of(history)  # "第三条具体怎么说的？", "什么时候答复的？": the same document's
        if subject:
            return f"{subject}{'' if _OPENS_WITH_ASKING.match(question) else '的'}{question}"
    when = _BARE_WHEN.fullmatch(question.strip())
    if when:  # "482号建议是谁提的？" "哪一年？": the document's date
        subject = subject_of(history)
        if _PROPOSAL.search(subject):
            return f"{subject}是{when.group(1)}的？"
    if _ELLIPTIC.fullmatch(question.strip()):  # "苏州有几家灯塔工厂？" "全国排第几？": of the same
        # "…几家灯塔工厂？" "…7家…" "分别是哪几家？": the count answered is known now, and the
        # members of it must be listed (rag/members.py), not the count given again
        asked = _HOW_MANY_OF.search(previous)
        told = re.search(rf"(\d+)\s*{asked.group(1)}", MARKER.sub("", history[-1][1])) if asked else None
        if told and _WHICH_ONES.match(question.strip()):
            previous = f"{previous[: asked.start()]}{told.group(1)}{asked.group(1)}{previous[asked.end() :]}"
        return f"{previous.rstrip('？?。 ')}，{question}"
    return question


# A short follow-up that only asks more of the same thing: its rank, share, change or total
_ELLIPTIC = re.compile(
    r"(?:那|那么)?(?:数量|规模|总量|总数)?(?:在)?(?:全国|全省|全市|国内)?(?:排名?|排在|位居|居)?第几[名位]?[？?。]*"
    r"|(?:那|那么)?占(?:全国|全省|全市)(?:的)?(?:比例|比重)?(?:是|为)?(?:多少|几成|百分之几)?[？?。]*"
    r"|(?:那|那么)?(?:比上一?年|同比)?(?:增长|增加|提高)了?多少[？?。]*"
    r"|(?:那|那么)?(?:一共|总共|累计)(?:有)?多少[？?。]*"
    r"|(?:那|那么)?(?:分别|具体|各自)(?:是|有|叫)(?:哪些|哪几[家个项所位条]|什么)[？?。]*"
)


_HOW_MANY_OF = re.compile(r"(?:几|多少)([家个项所位条])")
_WHICH_ONES = re.compile(r"(?:那|那么)?(?:分别|具体|各自)")
# "哪一年？", "哪年提的？", "什么时候的？": when, and nothing else
_BARE_WHEN = re.compile(r"(?:那|那么)?(?:是)?(哪一?年|什么时候|何时|哪天)(?:的|提的|提出的|写的)?[？?。]*")
_OPENS_WITH_ASKING = re.compile(r"什么时候|何时|哪天|哪年|谁|是|由|在|哪个|哪些|几|是否|有没有|有无")


def _asks_of_a_document(question: str) -> bool:
    """A field, a part or the whole of a document is asked ("第二部分讲什么？", "什么时候答复的？")."""
    from rag.cue_words import DATE_FIELD_CUES
    from rag.overview import asks_whole
    from rag.parts import points_at

    dated = re.search(r"什么时候|何时|哪天|哪一天|几号", question) and _first_of(question, DATE_FIELD_CUES)
    return bool(names_field(question) or points_at(question) or asks_whole(question) or dated)


def _first_of(text: str, cues: list[tuple[str, tuple[str, ...]]]) -> bool:
    return any(c in text for _, words in cues for c in words)


def _field_owner(question: str) -> str:
    """The document a field question names before its field: "新闻的记者是谁？" → "新闻".

    >>> _field_owner("新闻的记者是谁？"), _field_owner("苏州有多少家企业？")
    ('新闻', '')
    """
    from rag.cue_words import FIELD_CUES
    from rag.questions import DOC_REF

    at = [i for _, cues in FIELD_CUES for c in cues if (i := question.find(c)) > 0]
    owner = question[: min(at)].rstrip("的 ，,") if at else ""
    return owner if len(owner) <= 40 and DOC_REF.search(owner) else ""


_PERSON_FIELDS = ("author", "reporters", "editor")
_TITLED_NAME = re.compile(
    r"(?:局长|副局长|书记|市长|省长|主任|院长|厅长|部长|教授|董事长|总经理|总裁|主席)([\u4e00-\u9fff]{2,3}?)"
    r"(?=表示|指出|说|认为|介绍|强调|提出|谈到|[,，、])"
)


def _person_answered(history: History) -> str:
    """The person the last answer named, when the last question asked who someone is (not who
    filed a document: then 他 stands for the document, as in "他提了哪些对策建议").

    >>> _person_answered([("苏州市委书记是谁？", "省委常委、苏州市委书记刘小涛指出…[1]")])
    '刘小涛'
    >>> _person_answered([("482号建议是谁提出的？", "……建议人是胡伏原。[1]")])
    ''
    >>> _person_answered([("评论作者是谁？", "《以科技创新推动产业创新》的作者是马一德。[1]")])
    '马一德'
    >>> _person_answered([("苏州市工信局局长是谁？", "苏州市工信局局长万利表示,苏州将…[1]")])
    '万利'
    """
    from rag.questions import _entities, _is_person, analyse, places

    if not history:
        return ""
    question, answer = history[-1]
    q = analyse(question)
    # who wrote, reported or edited a piece is a person asked about ("评论作者是谁" "他是什么职务")
    if q.want != "person" or (q.field is not None and q.field not in _PERSON_FIELDS):
        return ""
    asked = set(q.entities)
    found = (e for e in _entities(answer[:120]) if e not in asked and _is_person(e) and not places(e))
    # a name jieba does not tag stands after its post, before what the person says ("局长万利表示")
    titled = (m.group(1) for m in _TITLED_NAME.finditer(answer[:120]) if m.group(1) not in asked)
    return next(found, "") or next(titled, "")


def _previous_question(history: History, turns: int = 6) -> str:
    """The last user turn made standalone itself, so follow-ups of follow-ups work."""
    history = [(u or "", a or "") for u, a in history[-turns:]]
    if not history or not history[-1][0].strip():
        return ""
    last = history[-1][0].strip()
    return condense_by_rules(last, history[:-1]) if len(history) > 1 else last


previous_question = _previous_question  # what rag/more.py asks more of


def subject_of(history: History) -> str:
    """What "它" refers to: the latest proposal named in a question or answer, else a 《title》 or
    named entity of the previous question."""
    for user, answer in reversed(history[-3:]):
        for text in (user, answer):
            m = _PROPOSAL.search(text or "")
            if m:
                ref = m.group(0).replace(" ", "")
                return ref if ref.endswith(("建议", "提案", "议案")) else ref + "建议"
    previous = _previous_question(history)
    m = _TITLE.search(previous)
    if m:
        return m.group(0)
    from rag.questions import analyse

    entities = analyse(previous).entities
    return entities[0] if entities else ""


__all__ = [
    "History",
    "previous_question",
    "condense",
    "condense_by_rules",
    "condense_with_llm",
    "format_history",
    "normalize_history",
    "subject_of",
]
