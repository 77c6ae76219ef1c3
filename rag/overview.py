"""Questions about a whole document, answered from its structure instead of one sentence.

A staff member new to a file asks what it is about before asking details:

* "482号建议提出了哪些对策建议？" → the proposal's numbered points (rag/proposals.py), each cited;
* "118号建议的主要内容是什么？" → who proposed it and the same points;
* "1002号建议是怎么答复的？" → the reply letter's numbered sections and its signature, each cited;
* "118号建议是怎么答复的？" with no reply letter in the corpus → a refusal that says where the
  reply is (the page's 答复内容 holds only an attachment that was not collected) and quotes
  the reply date and handling type the page does record.

Only a question that asks about the document *as a whole* is answered here: once the document's
name, its number, its proposer and a few filler words are taken away, nothing may be left.

    >>> asks_about("118号建议的主要内容是什么？")
    'content'
    >>> asks_about("省工信厅是怎么答复1002号建议的？")
    'reply'
    >>> asks_about("482号建议提出了哪些对策建议？")
    'points'
    >>> asks_about("482号建议中关于人才培养的内容有哪些？") is None  # a detail, not the whole
    True
    >>> asks_about("胡伏原认为本地智能产业的毛病可以用哪个四字词概括？") is None
    True
"""

from __future__ import annotations

import re

from rag.citations import make_citation, one_line
from rag.documents import Answer, Citation, Document
from rag.proposals import Recommendation, recommendations, reply_sections

PROPOSAL_KINDS = ("建议", "提案")

# "提出了哪些对策建议", "提了几条建议", "建议有哪些措施": the proposal's own numbered points.
_POINTS = re.compile(
    r"提(?:出)?了?(?:哪些|什么|几条|哪几条|几点|哪几点)(?:对策|具体)?(?:建议|措施|举措|意见)"
    r"|(?:对策建议|具体措施|具体建议)(?:有|是)(?:哪些|什么)|(?:建议|提案)(?:有|包括)(?:哪些|什么)(?:具体)?(?:措施|举措|对策)"
)
# "怎么答复的", "答复了什么", "答复函讲了哪些": what the reply says.
_REPLY = re.compile(
    r"(?:怎么|如何|怎样)(?:答复|回复|回应)|(?:答复|回复)(?:了|的)?(?:些)?(?:什么|哪些|主要内容|内容|意见|要点)"
    r"|(?:答复|回复)函?(?:主要)?(?:说|讲|写|谈)了?(?:些)?(?:什么|哪些)"
)
# "主要内容是什么", "讲了什么", "是关于什么的", "概括一下": what the document says.
_CONTENT = re.compile(
    r"(?:主要|核心|基本)?(?:内容|观点|要点|意思|主旨|大意)(?:是什么|有哪些|是啥|包括哪些|包括什么)?"
    r"|(?:主要)?(?:讲|说|写|谈)了?(?:些)?(?:什么|啥|哪些)(?:内容|问题|事情?)?"
    r"|(?:是)?关于什么|概要|概述|摘要|简介|(?:概括|总结|介绍)一下"
)
# What may stand beside the cue in a question about the whole document.
_FILLER = re.compile(
    r"第?\s*\d{1,5}\s*号|《[^》]*》|[\u4e00-\u9fff]{1,8}?(?:局|厅|委|部门|单位|政府|致公党)"
    r"|建议|提案|议案|答复函|答复|回复|这份|这篇|该|那份|文件|文章|原文|代表|委员|主要|具体"
    r"|请|帮我|给我|你|说说|一下|都|是|的|对|中|里|了|呢|吗|啊|[\s？?。！!，,：:]"
)


def asks_about(question: str, names: tuple[str, ...] = ()) -> str | None:
    """'points', 'reply' or 'content' when ``question`` asks about a whole document (``names``:
    proposers or other names the question may use for it), else None."""
    for kind, cue in (("points", _POINTS), ("reply", _REPLY), ("content", _CONTENT)):
        m = cue.search(question)
        if m is None:
            continue
        if kind == "points":
            return kind
        rest = question[: m.start()] + " " + question[m.end() :]
        for name in names:
            rest = rest.replace(name, " ")
        if len(_FILLER.sub("", rest)) <= 1:
            return kind
        return None
    return None


def answer_overview(question: str, named: list[Document], docs: list[Document]) -> Answer | None:
    """The answer to a question about the whole of one of the ``named`` documents (``docs``: the
    whole corpus, to find a proposal's reply letter); None when the question asks a detail."""
    if not named:
        return None
    kind = asks_about(question, tuple(d.value("proposer") for d in named if d.value("proposer")))
    if kind is None:
        return None
    proposal = next((d for d in named if d.kind in PROPOSAL_KINDS), None)
    numbers = {d.value("number") for d in named if d.value("number")}
    reply = next((d for d in named if d.kind == "答复函"), None) or next(
        (d for d in docs if d.kind == "答复函" and d.value("number") in numbers), None
    )
    if kind == "reply" or (kind == "content" and proposal is None and "答复" in question):
        if reply is not None:
            return reply_summary(question, reply)
        return no_reply_text(question, proposal) if proposal is not None else None
    if proposal is not None:
        return points_answer(question, proposal, with_proposer=kind == "content")
    if reply is not None:  # the corpus has only the reply to it
        return proposal_missing(question, reply)
    return None


def _heading_citations(doc: Document, points: list[Recommendation], first: int = 1) -> list[Citation]:
    """Each point's marker and heading, as written ("(一)发挥新型举国体制优势,…")."""
    cites = []
    for i, p in enumerate(points):
        head = doc.text.find(p.heading, p.start, p.end)
        cites.append(make_citation(first + i, doc, p.start, head + len(p.heading)))
    return cites


def _items(cites: list[Citation]) -> str:
    return "；".join(f"{one_line(c.quote)}[{c.n}]" for c in cites)


def points_answer(question: str, doc: Document, with_proposer: bool = False) -> Answer | None:
    """《标题》（建议人：…[1]）提出了N条对策建议：(一)…[2]；(二)…[3]。 None when no points are found."""
    points = recommendations(doc)
    if not points:
        return None
    lead, cites = f"《{doc.title}》", []
    who = doc.meta.get("proposer")
    if with_proposer and who is not None:
        cites.append(make_citation(1, doc, who.start, who.end))
        lead += f"（建议人：{who.value}[1]）"
    cites += _heading_citations(doc, points, len(cites) + 1)
    items = _items(cites[len(cites) - len(points) :])
    return Answer(question=question, text=f"{lead}提出了{len(points)}条对策建议：{items}。", citations=cites)


def reply_summary(question: str, reply: Document) -> Answer | None:
    """《…的答复》分N个方面作答：一、…[1]；二、…[2]。落款：单位，日期[N+1]。"""
    sections = reply_sections(reply)
    if not sections:
        return None
    cites = _heading_citations(reply, sections)
    text = f"《{reply.title}》分{len(sections)}个方面作答：{_items(cites)}。"
    unit, date = reply.meta.get("sign_unit"), reply.meta.get("sign_date")
    if unit is not None and date is not None:
        cites.append(make_citation(len(cites) + 1, reply, min(unit.start, date.start), max(unit.end, date.end)))
        text += f"落款：{unit.value}，{date.value}。[{len(cites)}]"
    return Answer(question=question, text=text, citations=cites)


_REPLY_FIELD = re.compile(r"答复内容\s*[:：]")
_ATTACHMENT = re.compile(r"[^\s:：|/\\]{1,80}\.(?:docx?|pdf|wps|ofd|xlsx?)", re.IGNORECASE)


def no_reply_text(question: str, proposal: Document) -> Answer:
    """No reply letter in the corpus: a refusal saying where the reply is, with the handling
    facts the proposal's page records quoted for checking (not claimed as the reply)."""
    m = _REPLY_FIELD.search(proposal.text)
    tail = proposal.text[m.end() :] if m else ""
    attachment = _ATTACHMENT.search(tail)
    number = proposal.value("number")
    subject = f"第{number}号建议" if number else f"《{proposal.title}》"
    where = f"答复正文在附件“{attachment.group(0)}”中，附件没有收进资料库" if attachment else "资料库里没有它的答复函"
    spans = [(f.start, f.end) for k in ("reply_date", "handling_type") if (f := proposal.meta.get(k))]
    if m is not None:  # the empty field and its attachment, as the page shows them
        spans.append((m.start(), m.end() + attachment.end() if attachment else m.end()))
    cites = [make_citation(i + 1, proposal, a, b) for i, (a, b) in enumerate(spans)]
    lines = [f"资料中未找到{subject}的答复正文：{where}。"]
    if cites:
        lines.append("资料中的办理信息（请核对）：")
        lines += [f"{c.n}. 《{c.title}》：{one_line(c.quote)}" for c in cites]
    return Answer(question=question, text="\n".join(lines), refused=True, closest=cites)


def proposal_missing(question: str, reply: Document) -> Answer:
    """Asked what a proposal says when only its reply letter is in the corpus: a refusal that
    quotes the proposal's title (from the letter) and the letter's sections for checking."""
    number = reply.value("number")
    subject = f"第{number}号建议" if number else "这份建议"
    cites: list[Citation] = []
    title = reply.meta.get("proposal_title")
    if title is not None:
        cites.append(make_citation(1, reply, title.start, title.end))
    cites += _heading_citations(reply, reply_sections(reply), len(cites) + 1)
    lines = [f"资料中未找到{subject}的原文，只收录了对它的答复《{reply.title}》。"]
    if cites:
        lines.append("答复函中的相关内容（请核对）：")
        lines += [f"{c.n}. 《{c.title}》：{one_line(c.quote)}" for c in cites]
    return Answer(question=question, text="\n".join(lines), refused=True, closest=cites)
