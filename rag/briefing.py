"""Briefings for new staff: what the corpus says about a topic, every fact cited.

``brief(assistant, "人工智能+制造业")`` returns a ``Draft`` with

1. 3–7 key points: sentences quoted verbatim with [n];
2. a table of key figures (figure, what it measures, source, date), each
   figure and its clause cited;
3. a timeline of dated events (quoted) and of the documents themselves;
4. which documents to read first, and why.

A sentence is about the topic when it holds the topic's terms (IDF-weighted
coverage, the nearest section heading counting half).  When few sentences
qualify the briefing says so plainly instead of padding.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.chunking import split_sentences
from rag.citations import make_citation
from rag.documents import Citation, Document
from rag.drafting import DraftError, fill, with_marker
from rag.evidence import EvidenceFinder, year_of
from rag.figures import FIGURE_WITH_UNIT
from rag.lexical import bigrams, words
from rag.questions import expand
from rag.render import Block, Draft, load_snippets, tidy_date
from rag.topics import DATE, EVENT, Found, coverage, figure_on_topic, relevant_sentences, topic_terms, unsaid

DEFAULTS = {
    "title": "新员工简报：{topic}",
    "intro": "本简报根据资料库中与“{topic}”相关的 {n_docs} 份文件整理，所有事实均摘自原文，句末 [n] 对应文末引用来源。",
    "thin": "资料库中关于“{topic}”的内容很少（只找到 {n_sentences} 条相关句子，来自 {n_docs} 份文件），"
            "以下内容仅供参考，请补充其他资料。",
    "single": "资料库中只有 1 份文件涉及“{topic}”（{n_sentences} 条相关句子），以下内容只反映这一份文件，请补充其他资料。",
    "unsaid": "资料库中没有出现“{missing}”这一说法；以下句子只含主题的部分词语（{terms}），未必切题，请核对。",
    "empty": "资料库中没有找到关于“{topic}”的内容。请换一个说法，或先把相关文件加入资料库。",
    "points": "一、要点", "figures": "二、关键数据", "timeline": "三、时间线", "reading": "四、建议先读",
    "no_figures": "资料库中未找到与该主题相关的带单位的数据。",
    "no_timeline": "资料库中未找到与该主题相关的带日期的事件。",
}
MAX_TOPIC = 50
MIN_POINTS, MAX_POINTS = 3, 7
THIN = 5  # fewer relevant sentences than this: say the corpus has little on the topic
_YEAR_STATED = re.compile(r"(?:19|20)\d{2}年")
_YEAR_CLAUSE = re.compile(r"\s*(?:19|20)\d{2}年(?:度|以来|底|末|初)?[,，]\s*")
_CLAUSE = re.compile(r"[^，,；;。！？]+[，,；;。！？]?")
KIND_READING = {
    "答复函": "正式答复函，结构和措辞可直接作为起草答复的范本",
    "提案": "提案原文，现状、问题和对策建议都在其中",
    "建议": "建议原文，现状、问题和对策建议都在其中",
    "新闻": "新闻报道，交代了市里的总体部署、目标和时间节点",
    "评论": "专家评论，提供国家层面的政策背景",
}


class Cites:
    """Numbered citations, one per passage."""

    def __init__(self) -> None:
        self.by_span: dict[tuple[str, int, int], Citation] = {}

    def __call__(self, doc: Document, start: int, end: int) -> int:
        key = (doc.doc_id, start, end)
        if key not in self.by_span:
            self.by_span[key] = make_citation(len(self.by_span) + 1, doc, start, end)
        return self.by_span[key].n


def brief(assistant, topic: str) -> Draft:
    """A cited briefing on ``topic`` for a new member of staff."""
    topic = " ".join(str(topic or "").split())
    if not topic:
        raise DraftError("请输入简报主题，例如“人工智能+制造业”。")
    if len(topic) > MAX_TOPIC:
        raise DraftError(f"主题过长（{len(topic)} 字），请精简到 {MAX_TOPIC} 字以内。")
    # "？？？", "x": an empty briefing helps nobody ("AI", "5G" are fine topics)
    if not re.search(r"[\u3400-\u9fff\d]", topic) and len(re.findall(r"[A-Za-z]", topic)) < 2:
        raise DraftError(f"主题“{topic}”中没有可检索的中文词语，请用中文写主题，例如“人工智能+制造业”。")
    snip = load_snippets(Path(assistant.settings.prompts_dir) / "briefing.md", DEFAULTS)
    finder = EvidenceFinder(assistant, k=40)
    found = relevant_sentences(finder, expand(topic))  # "AI" is searched as 人工智能
    docs = list(dict.fromkeys(f.doc.doc_id for f in found))
    values = {"topic": topic, "n_docs": str(len(docs)), "n_sentences": str(len(found))}
    draft = Draft(title=fill(snip["title"], **values), blocks=[], sources_heading="引用来源",
                  problems_heading="编写提示（印发前删除）")
    if not found:
        draft.blocks.append(Block("p", fill(snip["empty"], **values)))
        draft.problems.append(f"资料库中没有关于“{topic}”的内容。")
        return draft
    draft.blocks.append(Block("p", fill(snip["intro"], **values)))
    if len(found) < THIN:
        draft.blocks.append(Block("note", fill(snip["thin"], **values)))
        draft.problems.append(f"资料库中关于“{topic}”的内容很少（{len(found)} 句，{len(docs)} 份文件）。")
    elif len(docs) < 2:  # "苏北": 27 sentences of one letter are not "very little", but one view
        draft.blocks.append(Block("note", fill(snip["single"], **values)))
        draft.problems.append(f"资料库中只有 1 份文件涉及“{topic}”（{len(found)} 句）。")
    missing = unsaid(expand(topic), found)
    if missing:  # "量子计算": sentences on 量子信息 and 计算中心 are not about it
        # the topic's words the listed sentences do write (充电 was listed though none wrote it)
        shown = "".join(f.doc.text[f.start : f.end] for f in key_points(found)).lower()
        terms = "、".join(t for t in topic_terms(finder, expand(topic)) if t.lower() in shown)
        draft.blocks.append(Block("note", fill(snip["unsaid"], missing="、".join(missing), terms=terms)))
        draft.problems.append(f"资料库中没有出现“{'、'.join(missing)}”，所列句子只含主题的部分词语。")
    cites = Cites()
    draft.blocks.append(Block("h1", snip["points"]))
    draft.blocks += [Block("li", with_marker(f.doc.text[f.start:f.end], cites(f.doc, f.start, f.end)), cited=True)
                     for f in key_points(found)]
    draft.blocks.append(Block("h1", snip["figures"]))
    rows = figure_rows(found, cites, expand(topic), topic_terms(finder, expand(topic)))
    draft.blocks.append(Block("table", rows=rows, cited=True, check_cols=(0, 1)) if len(rows) > 1
                        else Block("p", snip["no_figures"]))
    draft.blocks.append(Block("h1", snip["timeline"]))
    rows = timeline_rows(assistant, found, cites)
    draft.blocks.append(Block("table", rows=rows, cited=True, check_cols=(0, 1)) if len(rows) > 1
                        else Block("p", snip["no_timeline"]))
    draft.blocks.append(Block("h1", snip["reading"]))
    draft.blocks += [Block("plain", line) for line in reading_list(found, topic)]
    draft.citations = list(cites.by_span.values())
    draft.renumber()
    draft.check()
    return draft


def key_points(found: list[Found]) -> list[Found]:
    """Best sentences, at most two per document, documents spread before depth."""
    chosen: list[Found] = []
    for per_doc in (1, 2):
        for f in found:
            if len(chosen) >= MAX_POINTS:
                break
            if f not in chosen and sum(c.doc.doc_id == f.doc.doc_id for c in chosen) < per_doc:
                chosen.append(f)
    return chosen if len(chosen) >= MIN_POINTS else found[:MAX_POINTS]


def _clause_of(text: str, start: int, end: int, pos: int) -> tuple[int, int]:
    """The clause of ``text[start:end]`` holding ``pos``, with the clause before it
    when it is too short to say what it counts ("累计40家")."""
    spans = [(start + m.start(), start + m.end()) for m in _CLAUSE.finditer(text[start:end])]
    for i, (a, b) in enumerate(spans):
        if a <= pos < b:
            if i > 0 and len(re.sub(r"[\d.%％]", "", text[a:b])) < 8:
                a = spans[i - 1][0]
            elif i > 0 and _YEAR_CLAUSE.fullmatch(text[spans[i - 1][0] : a]):
                a = spans[i - 1][0]  # "2023年,我国制造业增加值达33万亿元": the year the figure is of
            while b > a and text[b - 1] in "，,；;。！？ ":
                b -= 1
            return a, b
    return start, end


def _event_of(text: str, start: int, end: int, pos: int, limit: int = 90) -> tuple[int, int]:
    """From the clause holding the date at ``pos`` on to the clause that says what happened.

    "1月3日,苏州市召开推进新型工业化工作会议,提出…" → "1月3日,苏州市召开推进新型工业化工作会议"
    """
    spans = [(start + m.start(), start + m.end()) for m in _CLAUSE.finditer(text[start:end])]
    i = next((k for k, (a, b) in enumerate(spans) if a <= pos < b), None)
    if i is None:
        return start, end
    a, j = spans[i][0], i
    while not EVENT.search(text, a, spans[j][1]) and j + 1 < len(spans) and spans[j + 1][1] - a <= limit:
        j += 1
    b = spans[j][1]
    while b > a and text[b - 1] in "，,；;。！？ ":
        b -= 1
    return a, b


def figure_rows(found: list[Found], cites: Cites, topic: str, terms: dict[str, float], limit: int = 12) -> list[list[str]]:
    rows = [["数据", "含义（原文）", "来源", "日期"]]
    seen: set[tuple[str, int]] = set()
    for f in found:
        text = f.doc.text
        for m in FIGURE_WITH_UNIT.finditer(text, f.start, f.end):
            a, b = _clause_of(text, f.start, f.end, m.start())
            if (f.doc.doc_id, a) in seen or len(rows) > limit or _repeats(rows, m.group(0), text[a:b]) \
                    or not figure_on_topic(topic, terms, f, text[a:b]):
                continue
            seen.add((f.doc.doc_id, a))
            n = cites(f.doc, a, b)
            rows.append([m.group(0), text[a:b], f"《{f.doc.title}》[{n}]", _figure_date(text, f, a, b)])
    return rows


def _figure_date(text: str, f: Found, a: int, b: int) -> str:
    """The year the figure's clause states ("2023年,我国制造业增加值达33万亿元" is 2023's, though
    the proposal quoting it was answered in 2025), else the document's date, labelled as such."""
    stated = _YEAR_STATED.search(text, a, b)  # in the quoted clause, so the reader can check it
    if stated:
        return stated.group(0)
    # "2020年苏北地区共开设培训班次41个,覆盖…学员3170人次": the sentence's year holds for each of
    # its figures (3170人次 was dated by the 2021 letter while 41个 beside it was 2020's)
    sentence = next((s for s, e in split_sentences(text, f.start, f.end) if s <= a < e), a)
    before = list(_YEAR_STATED.finditer(text, sentence, a))
    return f"{before[-1].group(0)}（同句）" if before else f"{f.doc.date}（文件日期）"


def _repeats(rows: list[list[str]], figure: str, clause: str) -> bool:
    """The same figure for the same thing, e.g. 21% quoted by two documents; also when a listed
    clause already shows it beside the figure its row names ("占全省21%、全国2.8%" listed as 21%
    from 482 and again as 2.8% from the news)."""
    grams = set(bigrams(clause))
    shown = re.compile(rf"(?<![\d.]){re.escape(figure)}")  # 4家 is not shown by 104家
    return any(shown.search(r[1]) and len(grams & set(bigrams(r[1]))) > 0.5 * max(len(grams), 1) for r in rows[1:])


def _sort_key(expr: str, doc: Document) -> tuple[int, int, int]:
    nums = [int(x) for x in re.findall(r"\d+", expr)]
    if re.match(r"\d{4}", expr):
        return (nums + [0, 0])[0], (nums + [0, 0])[1] if len(nums) > 1 else 0, nums[2] if len(nums) > 2 else 0
    return year_of(doc.date) or 0, nums[0], nums[1] if len(nums) > 1 else 0


DATE_FIELDS = {"答复函": ("sign_date", "落款"), "提案": ("reply_date", "答复"), "建议": ("reply_date", "答复"),
               "新闻": ("publish_date", "发布"), "评论": ("publish_date", "发表")}


def timeline_rows(assistant, found: list[Found], cites: Cites, limit: int = 8) -> list[list[str]]:
    """Dated events quoted from relevant sentences, then each relevant document's own date."""
    events: list[tuple[tuple[int, int, int], list[str]]] = []
    seen: set[tuple[str, int]] = set()
    for f in found:
        text = f.doc.text
        if not EVENT.search(text, f.start, f.end):
            continue
        for m in DATE.finditer(text, f.start, f.end):
            a, b = _event_of(text, f.start, f.end, m.start())
            if (f.doc.doc_id, a) in seen or not EVENT.search(text, a, b) or len(events) >= limit:
                continue
            seen.add((f.doc.doc_id, a))
            row = [m.group(0), text[a:b], f"《{f.doc.title}》[{cites(f.doc, a, b)}]"]
            events.append((_sort_key(m.group(0), f.doc), row))
    for doc_id in dict.fromkeys(f.doc.doc_id for f in found):
        doc = assistant.index.docs[doc_id]
        key, verb = DATE_FIELDS.get(doc.kind, ("publish_date", "发布"))
        date, title = doc.meta.get(key) or doc.meta.get("publish_date"), doc.meta.get("title")
        if date is None or title is None:
            continue
        shown = tidy_date(re.sub(r"^[^\d:：]*[:：]\s*", "", " ".join(doc.text[date.start:date.end].split())))
        marks = f"[{cites(doc, title.start, title.end)}][{cites(doc, date.start, date.end)}]"
        events.append((_sort_key(shown, doc), [shown, f"《{title.value}》{verb}", f"{kind_word(doc)}{marks}"]))
    events.sort(key=lambda x: x[0])
    return [["时间", "事件（原文）", "来源"]] + [row for _, row in events]


def kind_word(doc: Document) -> str:
    """What to call a document: a proposal by the word its title ends with ("…的建议" is a 建议,
    as the answers and the draft heading call it, though an attachment's name says 提案)."""
    if doc.kind in ("建议", "提案"):
        return next((w for w in ("建议", "提案") if doc.title.endswith(w)), doc.kind)
    return doc.kind or "文件"


def reading_list(found: list[Found], topic: str, limit: int = 3) -> list[str]:
    """Documents ranked by how much they say about the topic, with the reason."""
    stats: dict[str, list[Found]] = {}
    for f in found:
        stats.setdefault(f.doc.doc_id, []).append(f)
    # a document whose title names the topic is about it as a whole: it comes first
    terms = {w: 1.0 for w in words(topic) if len(w) >= 2} or {w: 1.0 for w in bigrams(topic)}
    ranked = sorted(stats.values(), key=lambda fs: (-(coverage(terms, fs[0].doc.title) >= 0.5),
                                                    -sum(f.score for f in fs[:5])))
    lines = []
    for i, fs in enumerate(ranked[:limit], 1):
        doc = fs[0].doc
        n_fig = sum(bool(FIGURE_WITH_UNIT.search(doc.text, f.start, f.end)) for f in fs)
        why = KIND_READING.get(kind_word(doc), "相关文件")
        lines.append(f"{i}. 《{doc.title}》（{kind_word(doc)}）：{why}；与“{topic}”相关的句子 {len(fs)} 句，"
                     f"其中含数据的 {n_fig} 句。")
    return lines
