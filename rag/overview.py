"""Questions about a whole document, answered from its structure instead of one sentence.

A staff member new to a file asks what it is about before asking details:

* "482号建议提出了哪些对策建议？" → the proposal's numbered points (rag/proposals.py), each cited;
* "118号建议的主要内容是什么？" → who proposed it and the same points;
* "118号建议存在哪些问题？", "482号建议介绍的主要情况有哪些？" → the run of points its problems
  or its situation are numbered in (rag/proposals.points_about);
* "陆惠芬代表提出了什么建议？" with only the reply letter collected → the proposal's title as the
  letter gives it, and the letter's sections, saying the proposal itself is not in the corpus;
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
    >>> asks_about("482号建议提出了哪些对策建议？"), asks_about("118号建议提出了哪些对策？")
    ('points', 'points')
    >>> asks_about("482号建议中关于人才培养的内容有哪些？") is None  # a detail, not the whole
    True
    >>> asks_about("胡伏原认为本地智能产业的毛病可以用哪个四字词概括？") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import jieba

from rag.citations import MARKER, make_citation, one_line
from rag.documents import Answer, Citation, Document
from rag.parts import nth
from rag.proposals import Recommendation, points_about, recommendations, reply_field, reply_sections

PROPOSAL_KINDS = ("建议", "提案")

# "提出了哪些对策建议", "提了几条建议", "建议有哪些措施": the proposal's own numbered points.
_POINTS = re.compile(
    r"提(?:出)?了?(?:哪些|什么|几条|哪几条|几点|哪几点)(?:(?:对策|具体)?(?:建议|措施|举措|意见)|对策|办法)"
    r"|(?:对策建议|具体措施|具体建议)(?:有|是)(?:哪些|什么)|(?:建议|提案)(?:有|包括)(?:哪些|什么)(?:具体)?(?:措施|举措|对策)"
)
# "怎么答复的", "答复了什么", "答复函讲了哪些": what the reply says.
_REPLY = re.compile(
    r"(?:怎么|如何|怎样)(?:答复|回复|回应)|(?:答复|回复)(?:了|的)?(?:些)?(?:什么|哪些|主要内容|内容|意见|要点)"
    r"|(?:答复|回复)函?(?:里|中|上)?(?:主要)?(?:说|讲|写|谈)了?(?:些)?(?:什么|哪些)"
    r"|(?:答复|回复)(?:正文|全文|原文)"  # "答复正文在哪里能看到"
    # "答复提到哪些措施", "答复里介绍了什么做法", "采取了哪些措施": what the replying unit did
    r"|(?:答复|回复)函?(?:里|中|上)?(?:提到|介绍|列出|列举|说到|谈到|有|包括|采取)了?(?:哪些|什么)"
    r"|采取了?(?:哪些|什么|哪几项)(?:措施|举措|做法|办法|行动)"
)
# "主要内容是什么", "讲了什么", "是关于什么的", "概括一下": what the document says.
_CONTENT = re.compile(
    r"(?:主要|核心|基本)?(?:内容|观点|要点|意思|主旨|大意)(?:是什么|有哪些|是啥|包括哪些|包括什么)?"
    r"|(?:主要)?(?:讲|说|写|谈)了?(?:些)?(?:什么|啥|哪些)(?:内容|问题|事情?)?|(?:讲|说|写)的是(?:什么|啥)|是讲什么的"
    r"|(?:是)?关于什么|概要|概述|摘要|简介|(?:概括|总结|介绍)一下"
)
# "存在哪些问题", "指出了什么不足": the problems a proposal describes; "现状", "主要情况": its situation.
_PROBLEMS = re.compile(
    r"(?:存在|有|面临|指出|提到|提出|反映|发现|列举)了?(?:哪些|什么|几个|哪几个)(?:主要)?(?:问题|不足|短板|困难|瓶颈|难点)"
    r"|(?:问题|不足|短板)(?:有|是)(?:哪些|什么)|主要问题"
)
_SITUATION = re.compile(r"现状|(?:基本|主要|发展)情况|取得了?(?:哪些|什么)(?:成效|成绩|进展)")
# A count of the proposal's own points: only its original can say ("原文一共提了几条").
_COUNT = re.compile(r"几条|几点|多少条|多少点|几项")
# What may stand beside the cue in a question about the whole document.
_FILLER = re.compile(
    r"第?\s*\d{1,5}\s*号|《[^》]*》|[省市]?(?:工信|工业和信息化|科技|发改|教育)(?:厅|局|委)|[省市](?:政府|委)|致公党"
    r"|建议|提案|议案|答复函|答复|回复|这份|这篇|该|那份|文件|文章|原文|代表|委员|主要|具体"
    r"|在哪(?:里|儿)?(?:能|可以)?(?:看到|找到|查到|查看|看)|正文|全文"
    r"|有哪些|有什么|是什么|包括哪些|怎么样|如何|怎样|部分|介绍|请|帮我|给我|你|说说|一下|都|是|的|对|中|里|了|呢|吗|啊|[\s？?。！!，,：:]"
)


# Words that only say where, or how many: "在现状部分讲了苏州哪几方面", "列出的…有哪几条".
_LOOSE = frozenset("在 讲 说 写 谈 列出 列举 提到 提出 指出 给出 谈到 推进 存在 有 哪 哪几 几 几条 几点 哪几条 哪几点 方面 几个 哪几个 "
                   "条 点 项 情况 内容 我市 苏州 全市 那篇 这篇 新闻 报道 评论 文章 一文 措施 举措 做法 办法 采取".split())


_ASKS_WHO = re.compile(r"谁|哪位|哪个人")
_CUES = (("points", _POINTS), ("reply", _REPLY), ("problems", _PROBLEMS), ("situation", _SITUATION),
         ("content", _CONTENT))


# Fields a question may use to name its document ("江苏省工业和信息化厅对…的答复").
_NAME_FIELDS = ("proposer", "author", "host_unit", "co_units", "sign_unit", "source")


def asks_whole(question: str) -> bool:
    """Whether the question has a cue of a whole-document question (a quick test)."""
    return any(cue.search(question) for _, cue in _CUES)


def asks_about(question: str, names: tuple[str, ...] = (), title: str = "") -> str | None:
    """'points', 'reply', 'problems', 'situation' or 'content' when ``question`` asks about a
    whole document or one of its parts (``names``: proposers or other names the question may
    use for it; words of the document's ``title`` may be repeated), else None."""
    kind = next((k for k, cue in _CUES if cue.search(question)), None)
    if kind in (None, "points"):
        return kind
    # only the clause holding the cue counts: "我刚来，1002号答复函讲了什么？"
    rest = next((c for c in re.split(r"[，,；;]", question) if any(cue.search(c) for _, cue in _CUES)), question)
    for cue in (c for _, c in _CUES):  # "现状部分讲了什么" asks about a part in two cues
        rest = cue.sub(" ", rest)
    for name in names:  # the proposer, and the units of the named documents
        rest = rest.replace(name, " ")
    rest = _FILLER.sub(" ", rest)
    if _ASKS_WHO.search(rest):  # "…免责声明说，文章观点代表谁": a detail, not what the document says
        return None
    loose = [w for w in jieba.lcut(rest.replace(" ", "")) if w not in _LOOSE and w not in title]
    return kind if len("".join(loose)) <= 1 else None


def answer_overview(question: str, named: list[Document], docs: Iterable[Document]) -> Answer | None:
    """The answer to a question about the whole of one of the ``named`` documents (``docs``: the
    whole corpus, to find a proposal's reply letter); None when the question asks a detail."""
    if not named:
        return None
    names = tuple(d.value(k) for d in named for k in _NAME_FIELDS if d.value(k))
    kind = asks_about(question, names, " ".join(d.title for d in named))
    if kind is None:
        return None
    proposal = next((d for d in named if d.kind in PROPOSAL_KINDS), None)
    numbers = {d.value("number") for d in named if d.value("number")}
    reply = next((d for d in named if d.kind == "答复函"), None) or reply_letter(numbers, docs)
    # "482号建议的答复函具体内容是什么": the reply's content, not the proposal's
    if kind == "reply" or (kind == "content" and (_REPLY_LETTER.search(question) or proposal is None and "答复" in question)):
        if reply is not None:
            return reply_summary(question, reply)
        return no_reply_text(question, proposal) if proposal is not None else None
    if proposal is not None and kind in ("problems", "situation"):
        return part_answer(question, proposal, kind)
    if proposal is not None:
        return points_answer(question, proposal, with_proposer=kind == "content")
    if reply is not None:  # the corpus has only the reply to it
        if kind in ("points", "content") and not _COUNT.search(question):
            return reply_only(question, reply)
        return proposal_missing(question, reply)
    if kind == "content" and len(named) == 1:  # a news item or commentary: what it opens with
        return lede(question, named[0])
    return None


_SENTENCE = re.compile(r"[^。！？!?\n]{8,}[。！？!?]")
LEDE_CHARS = 200


def lede(question: str, doc: Document) -> Answer | None:
    """《标题》（kind）开头写道：… — the first sentences of the text below its header lines, up to
    ``LEDE_CHARS``: a report or commentary states its subject first."""
    after = max((f.end for f in doc.meta.values() if f.start < 200), default=0)
    spans = []
    for m in _SENTENCE.finditer(doc.text, after):
        if spans and m.end() - spans[0][0] > LEDE_CHARS:
            break
        if not doc.in_fields(m.start(), m.end()):
            spans.append((m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end()))
    if not spans:
        return None
    cite = make_citation(1, doc, spans[0][0], spans[-1][1])
    what = f"（{doc.kind}）" if doc.kind else ""
    return Answer(question=question, text=f"《{doc.title}》{what}开头写道：{one_line(cite.quote)}[1]", citations=[cite])


def _heading_citations(doc: Document, points: list[Recommendation], first: int = 1) -> list[Citation]:
    """Each point's marker and heading, as written ("(一)发挥新型举国体制优势,…")."""
    return [make_citation(first + i, doc, *p.heading_span(doc.text)) for i, p in enumerate(points)]


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


_PARTS = {"problems": "指出了{n}方面问题", "situation": "介绍了{n}方面现状"}


def part_answer(question: str, doc: Document, about: str) -> Answer | None:
    """《标题》指出了N方面问题：1.…[1]；2.…[2]。 None when the proposal has no such run of points."""
    points = points_about(doc, about)
    if not points:
        return None
    cites = _heading_citations(doc, points)
    text = f"《{doc.title}》{_PARTS[about].format(n=len(points))}：{_items(cites)}。"
    return Answer(question=question, text=text, citations=cites)


def reply_summary(question: str, reply: Document) -> Answer | None:
    """《…的答复》分N个方面作答：一、…[1]；二、…[2]。落款：单位，日期[N+1]。"""
    sections = reply_sections(reply)
    if not sections:
        return None
    cites = _heading_citations(reply, sections)
    text = f"《{reply.title}》分{len(sections)}个方面作答：{_items(cites)}。"
    unit, date = reply.meta.get("sign_unit"), reply.meta.get("sign_date")
    # the signature block: unit and date together, as signed (not two fields far apart)
    if unit is not None and date is not None and max(unit.end, date.end) - min(unit.start, date.start) <= 80:
        cites.append(make_citation(len(cites) + 1, reply, min(unit.start, date.start), max(unit.end, date.end)))
        text += f"落款：{unit.value}，{date.value}。[{len(cites)}]"
    return Answer(question=question, text=text, citations=cites)


_REPLY_LETTER = re.compile(r"答复函|回复函|复函")


def missing_reply_part(question: str, named: list[Document], docs: Iterable[Document]) -> Answer | None:
    """"482号答复函第二部分讲什么": a part of a reply letter the corpus lacks (the proposal's page
    names it as an attachment) is said to be missing, not answered with the proposal's own part."""
    if not _REPLY_LETTER.search(question) or nth(question) is None:
        return None
    proposal = next((d for d in named if d.kind in PROPOSAL_KINDS), None)
    if proposal is None or any(d.kind == "答复函" for d in named):
        return None
    return None if reply_letter({proposal.value("number")}, docs) else no_reply_text(question, proposal)


def reply_letter(numbers: set[str], docs: Iterable[Document]) -> Document | None:
    """The corpus's reply letter to a proposal of one of ``numbers``, if it holds one."""
    return next((d for d in docs if d.kind == "答复函" and d.value("number") in numbers), None)


def no_reply_text(question: str, proposal: Document) -> Answer:
    """No reply letter in the corpus: a refusal saying where the reply is, with the handling
    facts the proposal's page records quoted for checking (not claimed as the reply)."""
    m, attachment = reply_field(proposal.text)
    number = proposal.value("number")
    subject = f"第{number}号建议" if number else f"《{proposal.title}》"
    where = f"答复正文在附件“{attachment.group(0)}”中，附件没有收进资料库" if attachment else "资料库里没有它的答复函"
    spans = [(f.start, f.end) for k in ("reply_date", "handling_type") if (f := proposal.meta.get(k))]
    if m is not None:  # the empty field and its attachment, as the page shows them
        spans.append((m.start(), attachment.end() if attachment else m.end()))
    cites = [make_citation(i + 1, proposal, a, b) for i, (a, b) in enumerate(spans)]
    lines = [f"资料中未找到{subject}的答复正文：{where}。"]
    if cites:
        lines.append("资料中的办理信息（请核对）：")
        lines += [f"{c.n}. 《{c.title}》：{one_line(c.quote)}" for c in cites]
    return Answer(question=question, text="\n".join(lines), refused=True, closest=cites)


def reply_only(question: str, reply: Document) -> Answer | None:
    """What a proposal asks when only its reply letter is collected: its title as the letter gives
    it, then how the letter answers it — saying that the proposal itself is not in the corpus."""
    title, who = reply.meta.get("proposal_title"), reply.meta.get("proposer")
    summary = reply_summary(question, reply)
    if title is None or summary is None:
        return None
    number = reply.value("number")
    subject = f"第{number}号建议" if number else "这份建议"
    cites = [make_citation(1, reply, title.start, title.end)]
    text = f"据答复函，{subject}是《{title.value}》[1]"
    if who is not None:
        cites.append(make_citation(2, reply, who.start, who.end))
        text += f"，由{one_line(reply.text[who.start : who.end]).rstrip(':：')}提出[2]"
    text += "。资料库没有收录建议原文，以下是答复的要点："
    shift = len(cites)
    for c in summary.citations:
        cites.append(Citation(**{**c.to_dict(), "n": c.n + shift}))
    body = MARKER.sub(lambda m: f"[{int(m.group(1)) + shift}]", summary.text)
    return Answer(question=question, text=text + body, citations=cites)


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
