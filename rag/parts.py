"""Questions that point at one part of a document: the Nth point of a list, the section about a
topic, the file attached to a page.

    >>> nth("482号建议介绍主要情况时，第一点讲的是什么？"), nth("答复函的最后一大部分围绕什么展开？")
    (1, -1)
    >>> part_topic("给陆惠芬的答复中，讲高校科研和人才培训的那一部分标题是什么？")
    '高校科研和人才培训'
    >>> part_topic("1002号答复函关于人才培育说了什么？"), part_topic("答复函的人才培育部分讲了什么？")
    ('人才培育', '人才培育')
    >>> nth("苏州有几家灯塔工厂？") is None and part_topic("苏州有几家灯塔工厂？") is None
    True
    >>> points_at("482号建议有几条建议？"), points_at("苏州有几项重点项目？"), points_at("答复时间是几点几分？")
    (True, False, False)

Each answer quotes the heading it names (marker included), so the reader lands on the part.
"""

from __future__ import annotations

import re

import jieba

from rag.chunking import PLAIN_SENTENCE, sentence_spans
from rag.citations import make_citation, one_line
from rag.cue_words import names_field
from rag.documents import Answer, Document
from rag.endings import attachment, ending
from rag.proposals import (
    ABOUT,
    Recommendation,
    ordinal,
    points_about,
    recommendations,
    reply_sections,
)
from rag.subpoints import asks_items, items, section_nth, section_topic, sub_nth

_NTH = re.compile(
    r"(?:第(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})|(?P<last>最后一|最末一?|收尾的?那?一?))(?:大|个)?(?:方面|点|条|项|部分|节|问题|建议|措施|对策)"
)
_TOPIC = re.compile(
    r"(?:讲|谈|写|关于|涉及)(?P<a>[^，,。？?]{2,20}?)的(?:那|哪)?一?(?:部分|节|条|方面)"
    r"|(?:哪|那)一?(?:部分|节|条)(?:讲|谈|写|是关于)(?P<b>[^，,。？?的]{2,20})"
    # "答复函关于人才培育说了什么", "在人才培育方面讲了哪些", "的人才培育部分讲了什么"
    r"|(?:关于|在|就)(?P<c>[^，,。？?的]{2,12}?)(?:方面|问题)?(?:说|讲|写|谈|提)了?(?:什么|哪些|些什么)"
    r"|的(?P<d>[^，,。？?的]{2,12}?)(?:部分|方面|一节)(?:说|讲|写|谈)了?(?:什么|哪些|些什么)"
)
# "有几条建议", "一共分几个部分": how many points or sections, each listed by its heading
# ("几点几分" is a time; a reply letter has parts, not 几条建议 of its own)
_HOW_MANY = re.compile(r"(?:几|多少)\s*(?:个|大)?(?:部分|方面|条|项|点(?=建议|意见|对策|措施|问题))"
                       r"(?!\S{0,3}(?:企业|项目|工厂|家))")
_PARTS_OF_A_LETTER = re.compile(r"(?:几|多少)\s*(?:个|大)?(?:部分|方面)")
_ENDING_Q = re.compile(r"结尾|结束语|结语|末尾|最后一段|最后一句|最后(?:是)?怎么(?:写|说)|最后(?:说|写|讲)了?(?:些)?什么|致谢|感谢语|谢辞")
_ATTACHMENT_Q = re.compile(r"附件(?:是|叫|名)|(?:哪个|什么)附件|附件.{0,6}(?:哪个|什么)(?:文件)?|有附件|有没有附件|附件吗")
_LABELS = {"problems": "所列问题", "situation": "所述现状", "points": "对策建议", "reply": "答复"}


def points_at(question: str) -> bool:
    """Whether the question points at a part or an attachment (a quick test)."""
    return bool(_ATTACHMENT_Q.search(question) or _ENDING_Q.search(question) or _NTH.search(question)
                or _TOPIC.search(question)
                or _HOW_MANY.search(question))


def nth(question: str) -> int | None:
    """1-based position a question points at ("第一点" → 1), -1 for the last, None for none."""
    m = _NTH.search(question)
    if m is None:
        return None
    return -1 if m.group("last") else ordinal(m.group("n"))


def part_topic(question: str) -> str | None:
    """What the part a question looks for is about ("讲X的那一部分" → X)."""
    return _topic_of(_TOPIC.search(question))


def _topic_of(m: re.Match[str] | None) -> str | None:
    return next(g for g in m.groups() if g).strip() if m else None


def answer_part(question: str, named: list[Document]) -> Answer | None:
    """The point, section or attachment of a ``named`` document the question points at; None
    when it points at none of them."""
    if not named:
        return None
    if _ATTACHMENT_Q.search(question):
        return next((a for a in (attachment(question, d) for d in named) if a is not None), None)
    if _ENDING_Q.search(question) and not names_field(question):
        return ending(question, named[0])  # "…末尾署名的责任编辑是谁" asks the editor field
    sub = next((a for a in (_sub_item(question, d) for d in named) if a is not None), None)
    if sub is not None:  # "第一部分的“二是”": an item inside a section (rag/subpoints.py)
        return sub
    asked = _TOPIC.search(question)
    n, topic = nth(question), _topic_of(asked)
    if n is None and topic is None:
        return _count_parts(question, named) if _HOW_MANY.search(question) else None
    for doc in named:
        run, what = _run_of(doc, question)
        if not run:
            continue
        unit = _unit(what)
        if n is not None:
            if n == 0 or n > len(run):  # "第九条" of four: say how many there are
                return _past_the_end(question, doc, run, f"{_LABELS[what]}只有{len(run)}{unit}")
            point, pos = (run[n - 1], n) if n > 0 else (run[-1], len(run))
        else:
            # "关于X说了什么" may ask about the document as a whole: only a part headed X answers
            point = _about(run, topic or "", in_heading=bool(asked and (asked.group("c") or asked.group("d"))))
            if point is None:
                return None
            pos = run.index(point) + 1
        cite = make_citation(1, doc, *point.heading_span(doc.text))
        text = f"《{doc.title}》{_LABELS[what]}共{len(run)}{unit}，第{pos}{unit}是：{one_line(cite.quote)}。[1]"
        cites = [cite]
        # "第三条具体怎么说的": what the point says, not only its heading; "第四条提出要建设什么样的
        # 数字生态文明": the sentence of its body that says it (绿色智慧的…), not its opening
        body = _opening(doc.text, cite.end, point.end) if _DETAIL.search(question) else None
        body = body or (_body_sentence(question, doc.text, cite.end, point.end) if _ASKS_OF.search(question) else None)
        if body is not None:
            cites.append(make_citation(2, doc, *body))
            text += f"其中写道：{one_line(cites[1].quote)}[2]"
        return Answer(question=question, text=text, citations=cites)
    return None


def headed_by(topic: str | None, docs) -> list[Document]:
    """The reply letters one of whose section headings holds ``topic`` as written."""
    if not topic:
        return []
    return [d for d in docs if d.kind == "答复函" and any(topic in s.heading for s in reply_sections(d))]


def _sub_item(question: str, doc: Document) -> Answer | None:
    """Item M (一是, 二是…) of the reply section the question names by number or topic."""
    m = sub_nth(question)
    every = m is None and asks_items(question)
    if (m is None and not every) or doc.kind != "答复函":
        return None
    run = reply_sections(doc)
    n, topic = section_nth(question), section_topic(question)
    n = len(run) if n == -1 else n  # "最后一节"
    section = run[n - 1] if n and n <= len(run) else (_about(run, topic) if topic and not n else None)
    if section is None:
        return None
    found = items(doc.text, section.start, section.end)
    where = f"第{section.n}部分“{one_line(section.heading)}”"
    if every:
        return _all_items(question, doc, where, found) if found else None
    if m > len(found) or not found:
        return _past_the_end(question, doc, run, f"{where}只列了{len(found)}项") if found else None
    m = len(found) if m < 0 else m  # "最后一项"
    where = f"《{doc.title}》{where}"
    a, b = found[m - 1]
    # its first sentence; asked in detail ("内容是什么"), its opening sentences
    body = _opening(doc.text, a, b) if _DETAIL.search(question) else None
    cite = make_citation(1, doc, a, body[1] if body else PLAIN_SENTENCE.match(doc.text, a).end())
    text = f"{where}中列了{len(found)}项，第{m}项是：{one_line(cite.quote)}[1]"
    return Answer(question=question, text=text, citations=[cite])


def _all_items(question: str, doc: Document, where: str, found: list[tuple[int, int]]) -> Answer:
    """Each item of a section by its first sentence, cited: "…中列了4项：1. 一是…[1]"."""
    cites = [make_citation(i + 1, doc, a, PLAIN_SENTENCE.match(doc.text, a).end()) for i, (a, _) in enumerate(found)]
    lines = [f"《{doc.title}》{where}中列了{len(found)}项："]
    lines += [f"{c.n}. {one_line(c.quote)}[{c.n}]" for c in cites]
    return Answer(question=question, text="\n".join(lines), citations=cites)


_DETAIL = re.compile(r"具体|详细|内容|怎么说|怎么写|讲了什么|说了什么|讲什么|写了什么")
# a detail asked of a point beyond its heading: what kind, which, how many, who
_ASKS_OF = re.compile(r"什么样|哪些|哪几|哪类|哪种|多少|几[个项家条种类所]|由谁|谁来|怎样的")
_PART_WORDS = re.compile(r"第\S{1,3}[条点项部分节]|建议|提案|答复|对策|措施|部分|提出|要求|什么样|哪些|多少")


def _body_sentence(question: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The sentence of a point's body (``start``–``end``) holding most of the question's words
    (two at least), for a detail its heading does not give."""
    terms = {w for w in jieba.lcut(_PART_WORDS.sub(" ", question)) if len(w) >= 2}
    best, most = None, 1
    for a, b in sentence_spans(text, start, end):
        held = sum(t in text[a:b] for t in terms)
        if held > most:
            best, most = (a, b), held
    return best
def _opening(text: str, start: int, end: int, limit: int = 150) -> tuple[int, int] | None:
    """The first sentences of a point's body (after its heading), up to ``limit`` characters."""
    a, b = None, None
    for m in PLAIN_SENTENCE.finditer(text, start, end):
        piece = m.group(0).strip(" 。\t")
        if not piece:
            continue
        s = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        if a is None:
            a = s
        if m.end() - a > limit and b is not None:
            break
        b = m.end()
    return (a, b) if a is not None and b - a >= 8 else None


def _count_parts(question: str, named: list[Document]) -> Answer | None:
    """"482号建议有几条建议？" → how many, then each point's heading, cited."""
    for doc in named:
        if doc.kind == "答复函" and not _PARTS_OF_A_LETTER.search(question):
            continue  # "第1002号建议原文提了几条建议": the proposal's, which the letter is not
        run, what = _run_of(doc, question)
        if run:
            cites = _heading_cites(doc, run)
            lines = [f"《{doc.title}》{_LABELS[what]}共{len(run)}{_unit(what)}："]
            lines += [f"{c.n}. {one_line(c.quote)}[{c.n}]" for c in cites]
            return Answer(question=question, text="\n".join(lines), citations=cites)
    return None


def _heading_cites(doc: Document, run: list[Recommendation]) -> list:
    """Each point's heading, cited [1], [2]… in order."""
    return [make_citation(i + 1, doc, *p.heading_span(doc.text)) for i, p in enumerate(run)]


def _unit(what: str) -> str:
    """What the points are counted in: a reply letter's 部分, a proposal's 条."""
    return "部分" if what == "reply" else "条"


def _past_the_end(question: str, doc: Document, run: list[Recommendation], what: str) -> Answer:
    cites = _heading_cites(doc, run)
    lines = [f"资料中未找到：《{doc.title}》{what}。", "各部分如下（请核对）："]
    lines += [f"{c.n}. {one_line(c.quote)}" for c in cites]
    return Answer(question=question, text="\n".join(lines), refused=True, closest=cites)


def _run_of(doc: Document, question: str) -> tuple[list[Recommendation], str]:
    if doc.kind == "答复函":
        return reply_sections(doc), "reply"
    # which of a proposal's runs the question means, by the words their lead-ins use; else the
    # recommendations
    what = next((k for k, p in ABOUT.items() if p.search(question)), "points")
    return (points_about(doc, what) if what != "points" else recommendations(doc)), what


def _about(run: list[Recommendation], topic: str, in_heading: bool = False) -> Recommendation | None:
    """The point whose heading and text hold most of the topic's words (headings count double);
    with ``in_heading``, only a point whose heading holds them all."""
    terms = [w for w in jieba.lcut(topic) if len(w) >= 2]
    if not terms:
        return None
    def score(p: Recommendation) -> int:
        return 2 * sum(t in p.heading for t in terms) + sum(t in p.body for t in terms)

    best = max(run, key=score)
    if in_heading and not all(t in best.heading for t in terms):
        return None
    return best if score(best) >= len(terms) else None
