"""Which sentences of the corpus are about a topic, for briefings (rag/briefing.py).

A sentence is about the topic when it holds enough of the topic's IDF-weighted terms, its nearest
section heading counting half; a topic piece the found sentences never write ("量子计算", found
only as 量子信息 and 计算中心) is reported so the briefing can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.documents import Document
from rag.evidence import EvidenceFinder
from rag.figures import FIGURE_WITH_UNIT
from rag.lexical import bigrams, words

MIN_COVERAGE = 0.45  # share of the topic's weight a sentence (with its heading) must hold
DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|(?<![\d年])\d{1,2}月\d{1,2}日|\d{4}年(?:度)?")
EVENT = re.compile(r"召开|发布|印发|出台|提出|启动|开工|投产|下水|获评|强调|部署|考察|认定|建成|列入|通过|明确|验收")


@dataclass
class Found:
    doc: Document
    start: int
    end: int
    score: float
    coverage: float
    under_topic: bool = False  # its section heading is about the topic: its figures are the topic's


def topic_terms(finder: EvidenceFinder, topic: str) -> dict[str, float]:
    """Words of the topic (bigrams when it has none), weighted by IDF."""
    ws = {w for w in words(topic) if len(w) >= 2 and not re.fullmatch(r"[\d.%]+", w)} or set(bigrams(topic))
    if len(ws) == 1:  # "人才培养" is one word: "培养…人才" and "人才培养规模" are both about it
        import jieba

        parts = {w for w in jieba.lcut_for_search(topic) if len(w) >= 2} - ws
        ws = parts if len(parts) >= 2 else ws  # (terms are matched as substrings: 人才 in 人才培养)
    return {w: max(finder.index.bm25.idf(w), 0.2) for w in ws}


def coverage(terms: dict[str, float], text: str) -> float:
    total = sum(terms.values())
    low = text.lower()
    return sum(w for t, w in terms.items() if t in low) / total if total else 0.0


def relevant_sentences(finder: EvidenceFinder, topic: str) -> list[Found]:
    terms = topic_terms(finder, topic)
    out = []
    for doc, s, e in finder.candidates(topic):
        text = doc.text[s:e]
        own, ctx = coverage(terms, text), coverage(terms, finder.context(doc, s))
        if coverage(terms, titles(doc)) >= 0.99:
            ctx = 1.0  # the whole document is about the topic (1002's letter for 苏北传统产业改造)
        cov = max(own, min(1.0, own + 0.5 * ctx))
        # a figure under a heading about the topic is the topic's ("（一）我市“人工智能+产业”融合
        # 发展现状" → "集聚“灯塔工厂”7家"), though the sentence does not repeat the topic
        figure_under = own == 0 and ctx >= 0.99 and bool(FIGURE_WITH_UNIT.search(text))
        if (own > 0 and cov >= MIN_COVERAGE) or figure_under:
            score = cov + 0.3 * own + (0.2 if FIGURE_WITH_UNIT.search(text) else 0.0)
            score += 0.1 if DATE.search(text) and EVENT.search(text) else 0.0  # a dated event
            score += 0.1 if len(text) >= 30 else 0.0  # says something, not just a slogan
            a, b = finder.window(doc.text, s, e, terms)
            out.append(Found(doc, a, b, score, cov, ctx >= 0.99))
    out.sort(key=lambda f: -f.score)
    return out


def figure_on_topic(topic: str, terms: dict[str, float], f: Found, clause: str) -> bool:
    """A figure is one of the topic's when it stands under a heading about the topic, or its clause
    names the topic: written whole for a one-piece topic (智能制造: "13个先进制造业集群" names only
    制造), or enough of the pieces' weight for a joined one (人工智能+制造业).

    >>> f, terms = Found(Document("a.txt", ""), 0, 0, 1.0, 1.0), {"智能": 1.0, "制造": 2.0}
    >>> figure_on_topic("智能制造", terms, f, "建成智能制造示范车间3个"), figure_on_topic("智能制造", terms, f, "13个先进制造业集群")
    (True, False)
    """
    if f.under_topic:
        return True
    if not _SEPARATOR.search(topic):
        return topic.lower() in clause.lower()
    return coverage(terms, clause) >= MIN_COVERAGE


_SEPARATOR = re.compile(r"[+＋、,，\s]|和|与|及")


def titles(doc: Document) -> str:
    """The document's title and, for a reply letter, the title of the proposal it answers."""
    return f"{doc.title} {doc.value('proposal_title')}"


def unsaid(topic: str, found: list[Found]) -> list[str]:
    """The topic's pieces (between +, 、, 和, 与 and spaces) that none of the found sentences
    writes, nor, word by word, the title of a found document (苏北传统产业 in "支持苏北地区加快传统
    产业…改造": the title's words name one subject; a sentence's may name two).

    >>> unsaid("量子计算", [Found(Document("a.txt", "量子信息与云计算。"), 0, 9, 1.0, 1.0)])
    ['量子计算']
    """
    said = "".join(f.doc.text[f.start : f.end] for f in found).lower()
    heads = {titles(f.doc).lower() for f in found}
    pieces = [_DOING.sub("", w) for w in _SEPARATOR.split(topic.lower())]
    return [w for w in pieces if len(w) >= 2 and w not in said and not any(_all_words(w, h) for h in heads)]


def _all_words(piece: str, title: str) -> bool:
    ws = [w for w in words(piece) if len(w) >= 2]
    return bool(ws) and all(w in title for w in ws)


# what is done with a thing, after it: "制造业融合" is about 制造业, which the corpus writes
_DOING = re.compile(r"(?:融合|应用|发展|建设|推进|转型|升级|创新|改造|培育|培养|赋能|布局|政策|情况|现状|问题|工作)+$")
