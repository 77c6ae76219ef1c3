"""Questions about the corpus as a whole: what it holds, and which proposals are settled.

    >>> from rag.documents import Document, Field
    >>> d = Document("a.txt", "关于甲的建议", {"title": Field("关于甲的建议", 0, 6), "kind": Field("建议", 4, 6)})
    >>> answer_catalog("资料库里有哪些建议？", [d]).text
    '资料库收录了1份建议、提案：建议《关于甲的建议》[1]。'
    >>> answer_catalog("哪份是答复函？", [d]).text
    '资料库中没有答复函。'
    >>> answer_catalog("苏州有几家灯塔工厂？", [d]) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.citations import make_citation
from rag.documents import Answer, Document
from rag.overview import PROPOSAL_KINDS

# "资料库里有哪些建议？", "一共收录了几份文件": what the corpus holds.
_CATALOG = re.compile(
    r"(?:资料库|语料库|知识库|库里|库中)(?:里|中|内)?(?:一共|总共|共)?(?:有|收录了?|存了?)(?:哪些|什么|几份|多少|几篇)"
    r"(?:份|篇|个)?(?:(?P<kind>建议|提案|答复函?|文件|资料|文档|新闻|评论|材料)|(?=[？?。]*$))"
)
# "哪份是答复函？", "哪几篇是新闻", "答复函是哪一份": which documents are of a kind.
_WHICH_KIND = re.compile(
    r"(?:哪份|哪篇|哪个|哪些|哪几份|哪几篇|哪一份|哪一篇)(?:文件|资料|文档|材料)?(?:是|属于)(?P<kind>建议|提案|答复函|新闻|评论)"
    r"|(?P<kind2>建议|提案|答复函|新闻|评论)(?:是|有)(?:哪份|哪篇|哪个|哪些|哪几份|哪几篇|哪一份|哪一篇)(?:文件|资料|文档|材料)?[？?。]*$"
)
# "哪些建议已经办结了？": the proposals whose handling is recorded as done, and those answered by letter.
_SETTLED = re.compile(r"(?:哪些|哪几份|几份|多少份?)(?:建议|提案)(?:已经?|已)(?:办结|解决|答复|办理完)")
_DONE = re.compile(r"解决|办结|已答复|采纳")
# "苏州市工业和信息化局主办了哪些建议？", "科技局承办了哪个提案": the proposals a unit handles
_BY_UNIT = re.compile(
    r"(?P<unit>[\u4e00-\u9fff]{2,20}?(?:局|厅|委员会|委|办公室|办|中心|部))(?:都|一共|共)?"
    r"(?P<act>主办|承办|协办|负责办理|办理|牵头办理)(?:了|过)?(?:哪些|哪几份|哪几件|哪个|哪份|哪件|几份|几件|多少份?|什么)(?:建议|提案)"
)
_ACT_FIELDS = {"主办": ("host_unit",), "牵头办理": ("host_unit",), "协办": ("co_units",)}
_KIND_GROUP = {"建议": PROPOSAL_KINDS, "提案": PROPOSAL_KINDS, "答复": ("答复函",), "答复函": ("答复函",),
               "新闻": ("新闻",), "评论": ("评论",)}
LIST_MAX = 20  # a longer list points to the 资料库 tab


def answer_catalog(question: str, docs: Iterable[Document]) -> Answer | None:
    """What the corpus holds (by kind), or which proposals are settled; None for other questions.

    Each document is named with its number and title, cited where its title (or, for settled
    proposals, its handling type or reply letter) is written."""
    if _SETTLED.search(question):
        return _settled(question, docs)
    by_unit = _BY_UNIT.search(question)
    if by_unit:
        return _handled_by(question, by_unit.group("unit"), by_unit.group("act"), docs)
    m = _CATALOG.search(question)
    which = _WHICH_KIND.search(question) if m is None else None
    if m is None and which is None:
        return None
    kind = m.group("kind") if m is not None else which.group("kind") or which.group("kind2")
    kinds = _KIND_GROUP.get(kind or "")
    chosen = [d for d in docs if kinds is None or d.kind in kinds]
    what = "、".join(dict.fromkeys(kinds)) if kinds else "文档"
    if not chosen:
        return Answer(question=question, text=f"资料库中没有{what}。", refused=True)
    cites, items = [], []
    for d in sorted(chosen, key=lambda d: (d.kind, d.value("number").zfill(6), d.title))[:LIST_MAX]:
        cites.append(make_citation(len(cites) + 1, d, *_title_span(d)))
        items.append(f"{_label(d)}《{d.title}》{_who(d)}[{len(cites)}]")
    more = f"等{len(chosen)}份（完整列表见「资料库」页）" if len(chosen) > LIST_MAX else ""
    text = f"资料库收录了{len(chosen)}份{what}：{'；'.join(items)}{more}。"
    if kinds is not None and set(kinds) & set(PROPOSAL_KINDS):
        text += _known_by_reply(docs, chosen, cites)
    return Answer(question=question, text=text, citations=cites)


def _known_by_reply(docs: Iterable[Document], chosen: list[Document], cites: list) -> str:
    """Proposals the corpus knows only from their reply letter ("第1002号建议"): named too, so
    the list does not look as if they were missing."""
    have = {d.value("number") for d in chosen if d.value("number")}
    replies = [d for d in docs if d.kind == "答复函" and d.value("number") and d.value("number") not in have]
    items = []
    for d in sorted(replies, key=lambda d: d.value("number").zfill(6))[:LIST_MAX]:
        cites.append(make_citation(len(cites) + 1, d, *_title_span(d)))
        items.append(f"第{d.value('number')}号建议（只有答复函《{d.title}》[{len(cites)}]，建议原文未收录）")
    return f"另有{'；'.join(items)}。" if items else ""


def _title_span(d: Document) -> tuple[int, int]:
    """Where the title is written; else the first line (a file name stands in for the title)."""
    f = d.meta.get("title")
    if f is not None:
        return f.start, f.end
    eol = d.text.find("\n")
    return 0, eol if 0 < eol <= 80 else min(len(d.text), 60)


def _label(d: Document) -> str:
    number = d.value("number")
    return f"第{number}号{d.kind}" if number and d.kind in PROPOSAL_KINDS else d.kind or "文档"


def _who(d: Document) -> str:
    if d.kind == "答复函":  # its proposer is the one it answers
        return f"（致{d.value('proposer')}{d.value('proposer_role')}）" if d.value("proposer") else ""
    who = d.value("proposer") or d.value("author")
    return f"（{who}）" if who else ""


def _settled(question: str, docs: Iterable[Document]) -> Answer:
    cites, done, open_ = [], [], []
    for d in sorted(docs, key=lambda d: d.value("number").zfill(6)):
        f = d.meta.get("handling_type") if d.kind in PROPOSAL_KINDS else None
        if d.kind == "答复函" and d.meta.get("sign_date"):
            f = d.meta["sign_date"]
        if f is None:
            if d.kind in PROPOSAL_KINDS:
                cites.append(make_citation(len(cites) + 1, d, *_title_span(d)))
                open_.append(f"{_label(d)}《{d.title}》[{len(cites)}]")
            continue
        cites.append(make_citation(len(cites) + 1, d, f.start, f.end))
        if d.kind == "答复函":
            done.append(f"答复函《{d.title}》（{f.value}）[{len(cites)}]")
        elif _DONE.search(f.value):
            done.append(f"{_label(d)}《{d.title}》，办理类型{f.value}[{len(cites)}]")
        else:
            open_.append(f"{_label(d)}《{d.title}》，办理类型{f.value}[{len(cites)}]")
    if not done:
        return Answer(question=question, text="资料库中没有记录为已办结的建议或提案。", refused=True, citations=[])
    text = f"记录为已办结或已答复的有{len(done)}份：{'；'.join(done)}。"
    if open_:
        text += f"未记录办结的：{'；'.join(open_)}。"
    return Answer(question=question, text=text, citations=cites)


def _handled_by(question: str, unit: str, act: str, docs: Iterable[Document]) -> Answer:
    """The proposals whose host (主办) or co-handling (协办) unit is ``unit``; 承办 and 办理 mean
    either, as the page's 承办单位 lists both.  Each is cited where the unit is written."""
    fields = _ACT_FIELDS.get(act, ("host_unit", "co_units"))
    cites, items = [], []
    proposals = (d for d in docs if d.kind in PROPOSAL_KINDS)
    for d in sorted(proposals, key=lambda d: d.value("number").zfill(6)):
        for key in fields:
            f = d.meta.get(key)
            if f is not None and unit in f.value:
                cites.append(make_citation(len(cites) + 1, d, f.start, f.end))
                role = "主办" if key == "host_unit" else "协办"
                items.append(f"{_label(d)}《{d.title}》（{role}）[{len(cites)}]")
                break
    if not items:
        return Answer(question=question, text=f"资料库中没有记录由{unit}{act}的建议或提案。", refused=True)
    return Answer(question=question, text=f"资料库中由{unit}{act}的有{len(items)}份：{'；'.join(items)}。",
                  citations=cites)
