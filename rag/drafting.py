"""Reply letters (答复函) to a proposal, drafted from the corpus, every fact cited.

``draft_reply(assistant, proposal)`` follows the official reply to 第1002号建议:
heading, salutation, opening, one section (一、二、…) per recommendation of the
proposal, closing thanks, 落款 and a date placeholder, then the sources.

Each section quotes sentences from the *other* documents of the corpus,
verbatim with [n] markers (``EvidenceFinder``); where nothing clears the
relevance threshold the section holds a visible 〔待补：……〕 placeholder.
A quote is introduced as its author's ("据《…》报道，", "据江苏省工业和信息化厅《…》，")
unless it comes from a letter of the replying unit itself, and a sentence (or a
document, by its title) about a place the proposal never names is not evidence:
the province's work in 苏北 is not the Suzhou bureau's.  The heading uses the
document's own word for itself (a title "关于…的建议" → 第N号建议).

The salutation rule is in rag/letter_style.py.

CLI: ``python -m rag draft-reply PROPOSAL [--out FILE.docx|FILE.md]`` and
``python -m rag brief "主题" [--out …]`` (registered in rag/draft_commands.py; see rag.briefing).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from rag.citations import make_citation
from rag.documents import Citation, Document
from rag.evidence import EvidenceFinder, Sentence, year_of
from rag.fields import field_label
from rag.letter_style import fill, nested, polish, salutation, topic_of
from rag.proposals import recommendations
from rag.questions import places
from rag.render import Block, Draft, load_snippets

DEFAULTS = {
    "heading": "对{session}第{number}号{kind}的答复",
    "heading_no_number": "{title}的答复",
    "subtitle": "（{title}）",
    "opening": "{you}提出的{title}收悉，{consulted}现答复如下：",
    "consulted": "经商{co_units}，",
    "overview": "〔待补：总体情况——概述本单位在该领域的总体工作和成效，一段。〕",
    "section_gap": "〔待补：资料库中未找到与本条建议直接相关的内容。请补充本单位在“{point}”方面已开展的工作、"
                   "取得的成效（附准确数据）。〕",
    "section_gap_elsewhere": "〔待补：资料库中与本条建议相关的内容只涉及其他地区（{sources}），未作为本单位的工作引用。"
                             "请补充本单位在“{point}”方面已开展的工作、取得的成效（附准确数据）。〕",
    "section_gap_other_kinds": "〔待补：资料库中与本条建议相关的内容只见于{sources}，不是本单位的办理情况，未引用。"
                               "请补充本单位在“{point}”方面已开展的工作、取得的成效（附准确数据）。〕",
    "plan_gap": "〔待补：下一步工作打算——针对“{point}”，写明拟采取的措施。〕",
    "closing": "感谢{you}提出的宝贵意见，希望继续得到{you}的关心和支持。",  # the 1002 letter's own words
    "sign_unit": "{host_unit}",
    "date": "〔待补：日期〕",
}
STALE_YEARS = 2  # evidence older than this (relative to the proposal) gets a warning


class DraftError(ValueError):
    """The proposal cannot be drafted for; the message is for the user."""


NOT_PROPOSALS = ("答复函", "新闻", "评论")


# ---------------------------------------------------------------- the proposal


def resolve_proposal(assistant, proposal: str) -> Document:
    """A doc_id of the index, a proposal number ("482"), or a file path."""
    from rag.loading import LoadError, load_file

    docs = assistant.index.docs
    key = str(proposal).strip()
    if key in docs:
        return docs[key]
    path = Path(key)
    if path.is_file():
        try:
            return load_file(path, root=path.parent, max_bytes=assistant.settings.max_file_mb * 2**20)
        except LoadError as exc:
            raise DraftError(str(exc)) from exc
    # "482", "482号", "第482号", "482号建议", "第 482 号提案": how staff write a number
    number = re.fullmatch(r"第?\s*(\d+)\s*号?\s*(?:建议|提案)?", key)
    by_number = [d for d in docs.values()
                 if number and d.value("number") == number.group(1) and d.kind in ("建议", "提案")]
    if by_number:
        return by_number[0]
    names = "、".join(d.doc_id for d in docs.values() if d.kind in ("建议", "提案")) or "（无）"
    other = [d for d in docs.values() if number and d.value("number") == number.group(1)]
    if other:  # e.g. "1002": the corpus holds the reply letter, not the proposal itself
        raise DraftError(f"资料库中第{number.group(1)}号只有{other[0].kind or '其他文件'}《{other[0].title}》，"
                         f"没有建议或提案原文。请上传原文，或从这些建议/提案中选择：{names}。")
    raise DraftError(f"找不到建议或提案“{key}”。请给出资料库中的文件名（{names}）、建议号，或一个文件路径。")


def _co_units(doc: Document) -> str:
    units = [u.strip() for u in re.split(r"[;；、,，\s]+", doc.value("co_units")) if u.strip()]
    return "、".join(units)


# ---------------------------------------------------------------- the letter


# Kinds of document a reply letter does not quote as evidence of the unit's work (a briefing does,
# as background): a commentary is an expert's view, another proposal is another deputy's claim.
NOT_EVIDENCE_KINDS = ("评论", "建议", "提案")


def draft_reply(assistant, proposal: str) -> Draft:
    """Draft a reply letter to ``proposal`` (doc_id, proposal number or file path)."""
    doc = resolve_proposal(assistant, proposal)
    if doc.kind in NOT_PROPOSALS:  # a reply to a reply letter or to a news item makes no sense
        raise DraftError(f"《{doc.title}》是{doc.kind}，不是建议或提案，无法起草答复函。请选择一份建议或提案。")
    points = recommendations(doc)
    if not points:
        raise DraftError(f"在《{doc.title}》中没有找到编号的对策建议（如“(一)……”或“1.……”），无法按条起草答复。")
    snip = load_snippets(Path(assistant.settings.prompts_dir) / "reply_letter.md", DEFAULTS)
    greet, you = salutation(doc)
    title = polish(doc.value("title")) or "〔待补：建议标题〕"
    kind = doc.kind if doc.kind in ("建议", "提案") else "建议"
    # the document's own word for itself: a title "关于…的建议" is not headed "第118号提案"
    kind = next((w for w in ("建议", "提案") if doc.value("title").endswith(w)), kind)
    co = _co_units(doc)
    values = {
        "session": doc.value("session") or "〔待补：会议届次〕",
        "number": doc.value("number"), "kind": kind, "title": title, "topic": topic_of(title), "you": you,
        "co_units": co, "host_unit": doc.value("host_unit") or "〔待补：落款单位〕",
    }
    values["consulted"] = fill(snip["consulted"], **values) if co else ""
    heading = fill(snip["heading"] if values["number"] else snip["heading_no_number"], **values)
    draft = Draft(title=heading, blocks=[], subtitle=fill(snip["subtitle"], **values))
    draft.blocks += [Block("plain", greet), Block("p", fill(snip["opening"], **values)),
                     Block("p", snip["overview"])]
    if greet.startswith("〔"):
        # 482: the page labels its filer 建议人, only its attachment's name says 提案
        mixed = doc.kind == "提案" and field_label(doc, "proposer") == "建议人"
        draft.problems.append("正文标注“建议人/建议号”，但资料中又称其为提案（如附件名），无法判断建议人是代表还是委员，"
                              "称呼待补，请核实。" if mixed else "无法从资料判断建议人的身份（代表/委员/组织），称呼待补。")
    # only places the proposal itself names: another region's work is not this unit's
    # and no commentary or other proposal: neither is what this unit has done
    finder = EvidenceFinder(assistant, exclude=_same_docs(assistant, doc), places=places(doc.text),
                            exclude_kinds=NOT_EVIDENCE_KINDS)
    cites: dict[tuple[str, int, int], Citation] = {}
    numerals = "一二三四五六七八九十"
    for i, point in enumerate(points):
        heading = polish(point.heading)
        draft.blocks.append(Block("h2", f"{numerals[i] if i < 10 else i + 1}、{heading}"))
        head = nested(heading)  # quoted from here on
        done, planned = finder.for_point(point.heading, point.body)
        if not done and not planned:
            gap, note = _gap(assistant.index.docs, finder, snip, head)
            draft.blocks.append(Block("p", gap))
            draft.problems.append(f"第{numerals[i]}节“{head}”：{note}")
            continue
        for group in (done, planned):
            if group:
                text = _cite_all(assistant, group, cites, own=values["host_unit"])
                draft.blocks.append(Block("p", text, cited=True))
        if not planned:
            draft.blocks.append(Block("p", fill(snip["plan_gap"], point=head)))
        draft.problems += _stale(assistant, doc, done + planned, f"第{numerals[i]}节")
    draft.blocks += [Block("p", fill(snip["closing"], **values)),
                     Block("right", fill(snip["sign_unit"], **values)), Block("right", snip["date"])]
    draft.citations = list(cites.values())
    draft.check()
    return draft


def _gap(docs: dict[str, Document], finder: EvidenceFinder, snip: dict[str, str], head: str) -> tuple[str, str]:
    """The 〔待补〕 paragraph for a point the corpus gives no evidence for, and the drafter's note
    saying why: nothing related, related only elsewhere, or only in other proposals or commentary
    (which say what should be done, not what this unit did)."""
    away = "、".join(f"《{docs[d].title}》" for d in finder.elsewhere_only)
    if away:
        return (fill(snip["section_gap_elsewhere"], point=head, sources=away),
                f"相关内容只涉及其他地区（{away}），未引用，需起草人补充。")
    other = "、".join(f"{docs[d].kind}《{docs[d].title}》" for d in finder.not_evidence)
    if other:
        return (fill(snip["section_gap_other_kinds"], point=head, sources=other),
                f"相关内容只见于{other}，不是本单位的办理情况，未引用，需起草人补充。")
    return fill(snip["section_gap"], point=head), "资料库中没有相关内容，需起草人补充。"


def _same_docs(assistant, doc: Document) -> set[str]:
    """The proposal itself, also when it was given as a file that is in the corpus too."""
    return {doc.doc_id} | {d.doc_id for d in assistant.index.docs.values()
                           if (doc.sha256 and d.sha256 == doc.sha256) or d.text == doc.text}


def _cite_all(assistant, sentences: list[Sentence], cites: dict, own: str = "") -> str:
    """Quote each sentence verbatim followed by its marker; one citation per passage.  What
    another unit, a report or a commentary says is introduced as theirs ("据《…》报道，"), so the
    letter never passes off their work as the replying unit's."""
    parts = []
    last = None
    for s in sentences:
        if s.doc_id != last:
            parts.append(attribution(assistant.index.docs[s.doc_id], own))
            last = s.doc_id
        key = (s.doc_id, s.start, s.end)
        if key not in cites:
            cites[key] = make_citation(len(cites) + 1, assistant.index.docs[s.doc_id], s.start, s.end)
        parts.append(with_marker(cites[key].quote, cites[key].n))
    return "".join(parts)


# What ``attribution`` writes before a quote (tests strip it to compare quotes with sources).
ATTRIBUTION = re.compile(r"^(?:据[^《》]*《[^》]*》(?:报道)?，|《[^》]*》(?:一文指出|提到)，)")


def attribution(doc: Document, own: str) -> str:
    """How a quoted passage is introduced: nothing for the replying unit's own letters.

    >>> from rag.documents import Field
    >>> attribution(Document("n.txt", "x", {"title": Field("新年第一会", 0, 1), "kind": Field("新闻", 0, 1)}), "")
    '据《新年第一会》报道，'
    >>> letter = {"title": Field("对第1号建议的答复", 0, 1), "kind": Field("答复函", 0, 1),
    ...           "sign_unit": Field("江苏省工业和信息化厅", 0, 1)}
    >>> attribution(Document("r.txt", "x", letter), "苏州市工业和信息化局")
    '据江苏省工业和信息化厅《对第1号建议的答复》，'
    >>> attribution(Document("r.txt", "x", letter), "江苏省工业和信息化厅")
    ''
    """
    title = polish(doc.value("title")) or doc.doc_id
    unit = doc.value("sign_unit") or doc.value("host_unit")
    if doc.kind == "答复函":
        return "" if own and unit == own else f"据{unit}《{title}》，"
    if doc.kind == "新闻":
        return f"据《{title}》报道，"
    if doc.kind in ("建议", "提案"):
        return f"《{title}》提到，"
    return f"《{title}》一文指出，"


def with_marker(quote: str, n: int) -> str:
    """A quoted sentence as a sentence of the draft: marker before its final stop.

    >>> with_marker("新增104家,", 1), with_marker("会议提出:“加快转型。”", 2)
    ('新增104家[1]。', '会议提出:“加快转型。”[2]')
    """
    text = quote.rstrip()
    if text.endswith(("”", "」", "》", "）", ")")):
        return f"{text}[{n}]"
    text = text.rstrip("，,；;：:、")
    if text.endswith(("。", "！", "？", "!", "?")):
        return f"{text[:-1]}[{n}]{text[-1]}"
    return f"{text}[{n}]。"


def _stale(assistant, proposal: Document, sentences: list[Sentence], where: str) -> list[str]:
    """Warn when evidence is much older than the proposal (e.g. a 2021 provincial reply)."""
    # a proposal with no date of its own (a new one, given as a file) is compared with today
    now = year_of(proposal.date)
    than = f"比本{proposal.kind or '建议'}早" if now else "距今"
    now = now or datetime.date.today().year
    out = []
    for doc_id in dict.fromkeys(s.doc_id for s in sentences):
        d = assistant.index.docs[doc_id]
        then = year_of(d.date)
        if then and now - then > STALE_YEARS:
            out.append(f"{where}引用了《{d.title}》（{d.date}），{than} {now - then} 年，"
                       "请核实是否仍适用、是否有更新的数据。")
    return out
