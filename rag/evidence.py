"""Evidence for a proposal's points or a briefing topic.

``EvidenceFinder`` picks, for a point (or a briefing topic), the sentences of
other documents that are about it: retrieval proposes chunks, then each
sentence is scored by the IDF weight of the point's terms it contains (terms
of the point's heading count double, the nearest section heading above the
sentence adds context, a figure with a unit adds a little).  Only sentences
clearing ``MIN_SCORE`` with at least two heading terms count as evidence; a
weak match is never passed off as one.  From proposals only their account of
the current situation is quoted, never their problems or recommendations.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rag.chunking import is_heading, split_sentences
from rag.documents import Document
from rag.figures import FIGURE_WITH_UNIT
from rag.lexical import words
from rag.proposals import content_span, recommendations
from rag.questions import places

# Policy boilerplate: frequent in every point, never what distinguishes one.
GENERIC = frozenset(
    "推进 推动 加快 发展 建设 提升 加强 深化 强化 促进 支持 实现 构建 打造 进一步 不断 积极 有效 持续 我市 苏州 "
    "苏州市 全市 我国 我省 全省 相关 重点 重要 能力 水平 工作 方面 领域 体系 机制 方式 模式 作用 同时 此外 以及 "
    "通过 围绕 结合 形成 开展 一批 多种 各类 充分 发挥 坚持 着力 进行 提出 实施 完善 优化 培育 计划 有计划 不同 "
    "一定 当前 目前 近年来 已经 更加 新型 关于 建议 提案 我们 工业化 新型工业化 高质量 地区 区域".split()
)
# Thresholds read off the five-document corpus (see tests/test_drafting.py): sentences
# that answer a point score 2.5–12 with two or more heading terms; loose matches share
# one heading term, or only words of the point's body.
MIN_SCORE = 2.5
MIN_HEAD_TERMS = 2
MIN_IDF = 0.5  # terms in most chunks ("产业") do not tell points apart
BODY_CAP = 2.0
CENTRAL_TERMS, CENTRAL_NEEDED = 4, 2  # see EvidenceFinder.central_terms
STRONG_SCORE = 4.5  # enough on its own with a single heading term
# Commentary gives background, not what the handling unit has done: it must match better,
# and gives at most one sentence per point.
KIND_WEIGHT = {"评论": 0.75}
_MODAL = re.compile(r"(?:^|[，,:：；;])\s*(?:应|要|需要?|必须|亟需|亟待|应当|应该|可考虑|建议|不能)")
# "将" as a future marker ("我们将进一步…"), not the 把-construction ("将化工安全…列为")
_PLAN = re.compile(r"下一步|接下来|力争|到20\d\d年|拟(?:于|在|对|开展|推动|出台)|将(?:进一步|继续|持续|加快|加大|紧紧"
                   r"|围绕|着力|全力|不断|积极|深入|大力|推动|推进|坚持|聚焦|统筹|按照|根据|精准|适时|抓紧|逐步|重点)")
PLANNING_KINDS = ("答复函", "新闻")  # whose "将…" states an official plan, not a forecast
_LEAD = re.compile(r"(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、是]|\d{1,2}[.、．](?!\d)|——|[,，]"
                   r"|(?:另)?一方面[,，])\s*")
_SKIP = re.compile(r"收悉|答复如下|感谢您|免责声明|对策建议|开展深入调研|[?？]")
_PROBLEMS = re.compile(r"(?:存在的|主要|面临的|突出)问题")
MAX_QUOTE = 150


def _in_place(word: str, named: set[str]) -> bool:
    """``word`` is one of the ``named`` places, part of one, or holds one ("苏北地区" holds 苏北)."""
    return any(word in p or p in word for p in named)


@dataclass
class Sentence:
    doc_id: str
    start: int
    end: int
    score: float = 0.0
    planned: bool = False  # says what will be done (下一步, 将, 力争…)


def year_of(date: str) -> int | None:
    m = re.search(r"(?:19|20)\d{2}", date or "")
    return int(m.group(0)) if m else None


def fact_span(doc: Document) -> tuple[int, int]:
    """Where a document states facts: for a proposal, its situation part only."""
    if doc.kind not in ("建议", "提案"):
        return 0, len(doc.text)
    start, end = content_span(doc.text)
    recs = recommendations(doc)
    end = min(end, recs[0].start) if recs else end
    problems = _PROBLEMS.search(doc.text, start, end)
    return start, problems.start() if problems else end


class EvidenceFinder:
    """Evidence sentences for recommendations or topics; a sentence is used once."""

    def __init__(self, assistant, exclude: set[str] | None = None, k: int = 20,
                 min_score: float = MIN_SCORE, places: set[str] | None = None,
                 exclude_kinds: tuple[str, ...] = ()) -> None:
        self.index = assistant.index
        # A reply from 苏州 must not present work in 苏北 as its own: when ``places`` is given,
        # a sentence, or a document by its title, naming any other place is not evidence.
        self.places = places
        self._elsewhere: dict[str, bool] = {}
        self.retrieve = assistant.retrieve
        self.exclude = set(exclude or ())
        self.exclude_kinds = exclude_kinds  # kinds of document never quoted (a reply letter: 评论)
        self.k = k
        self.min_score = min_score
        self.used: set[tuple[str, int, int]] = set()  # (doc_id, start, end) of sentences quoted
        # documents whose sentences on the last point were relevant but about another place
        self.elsewhere_only: list[str] = []
        # ...and the documents of kinds never quoted (other proposals, commentary) that touch it
        self.not_evidence: list[str] = []
        self._heads: dict[str, list[tuple[int, int]]] = {}

    def terms(self, text: str) -> dict[str, float]:
        """Distinctive words of ``text`` with their IDF.  Places are left out: they say where, not
        what ("加快苏北地区城市地铁建设" is about 地铁; any sentence on 苏北 shares 苏北 and 地区)."""
        bm = self.index.bm25
        named = places(text)
        return {w: bm.idf(w) for w in set(words(text))
                if len(w) >= 2 and w not in GENERIC and not re.fullmatch(r"[\d.%]+", w) and not _in_place(w, named)}

    def key_terms(self, heading: str, body: str, extra: int = 3) -> dict[str, float]:
        """The heading's terms plus the body's most repeated distinctive ones.

        A heading may name its subject obliquely ("引智育才") while its body
        repeats the plain word ("人才" eight times).
        """
        key = self.terms(heading)
        counts = {t: body.count(t) * w for t, w in self.terms(body).items() if w >= MIN_IDF and body.count(t) >= 3}
        for t in sorted(counts, key=lambda t: -counts[t])[:extra]:
            key.setdefault(t, self.index.bm25.idf(t))
        return key

    def central_terms(self, heading: str, body: str, n: int = CENTRAL_TERMS) -> list[str]:
        """What the point is about: its most repeated distinctive words (heading counted twice).

        Evidence must mention ``CENTRAL_NEEDED`` of them, so a sentence sharing only
        incidental words ("双向…融合" in a passage on 南北共建园区) is not taken for
        evidence on "打造“人工智能+制造业”双向融合的产业生态".
        """
        named = places(f"{heading} {body}")
        counts = Counter(w for w in words(f"{heading} {heading} {body}")
                         if len(w) >= 2 and w not in GENERIC and self.index.bm25.idf(w) >= MIN_IDF
                         and not _in_place(w, named))
        return [t for t, _ in counts.most_common(n)]

    def unnamed_subject(self, heading: str) -> list[str]:
        """The heading's nouns that no indexed text holds (地铁, 票务 in a corpus on manufacturing):
        the point is about something the corpus never names, whatever words it shares."""
        import jieba.posseg as pseg  # slow to import: only drafts need part-of-speech tags

        named = places(heading)
        vocab = self.index.bm25.vocab
        return [w for w, flag in pseg.lcut(heading) if flag in ("n", "nz", "nt") and len(w) >= 2
                and w not in GENERIC and not _in_place(w, named) and w not in vocab]

    def headings(self, doc: Document) -> list[tuple[int, int]]:
        if doc.doc_id not in self._heads:
            self._heads[doc.doc_id] = [(s, e) for s, e in split_sentences(doc.text)
                                       if is_heading(doc.text[s:e])]
        return self._heads[doc.doc_id]

    def context(self, doc: Document, start: int) -> str:
        """The nearest section heading above ``start``."""
        above = [doc.text[s:e] for s, e in self.headings(doc) if e <= start]
        return above[-1] if above else ""

    def candidates(self, *queries: str, excluded: bool = False) -> list[tuple[Document, int, int]]:
        """Sentences of the chunks retrieved for any of ``queries`` that may serve as evidence
        (``excluded``: those of the kinds never quoted too, to say that they touch the topic)."""
        out, seen = [], set()
        hits = {h.chunk.chunk_id: h for q in queries if q.strip() for h in self.retrieve(q, self.k)}
        for hit in hits.values():
            c = hit.chunk
            if c.doc_id in self.exclude or c.doc_id not in self.index.docs:
                continue
            doc = self.index.docs[c.doc_id]
            if doc.kind in self.exclude_kinds and not excluded:
                continue
            lo, hi = fact_span(doc)
            for s, e in split_sentences(doc.text, max(c.start, lo), min(c.end, hi)):
                lead = _LEAD.match(doc.text, s)
                # "二是夯实科技基础设施建设。" is a heading: a label, not a fact
                heading = is_heading(doc.text[s:e]) or bool(lead and lead.end() > s and e - s <= 40)
                s = lead.end() if lead else s
                text = doc.text[s:e]
                if (doc.doc_id, s) in seen or e - s < 8 or _SKIP.search(text) or _MODAL.search(text):
                    continue
                if text.endswith((":", "：")) or doc.in_fields(s, e):
                    continue  # a lead-in ("主要情况:") or page furniture (title, date line)
                if heading and not FIGURE_WITH_UNIT.search(text):
                    continue
                seen.add((doc.doc_id, s))
                out.append((doc, s, e))
        return out

    def score(self, text: str, context: str, head: dict[str, float], body: dict[str, float]) -> tuple[float, int]:
        """(score, distinct heading terms of some weight found in the sentence or its section heading).

        Heading terms count fully in the sentence and half in its section heading;
        body terms count half, capped, so a long body cannot outvote the heading.
        """
        own, ctx = set(words(text)), set(words(context))
        strong = [t for t, w in head.items() if w >= MIN_IDF and (t in own or t in ctx)]
        s = sum(w for t, w in head.items() if t in own)
        s += 0.5 * sum(w for t, w in head.items() if t in ctx and t not in own)
        s += min(BODY_CAP, 0.5 * sum(w for t, w in body.items() if t in own and t not in head))
        return s + (1.0 if FIGURE_WITH_UNIT.search(text) else 0.0), len(strong)

    def relevant(self, score: float, n_head: int, head: dict[str, float]) -> bool:
        """Two heading terms and MIN_SCORE, or one heading term and a much higher score."""
        need = min(MIN_HEAD_TERMS, sum(w >= MIN_IDF for w in head.values()))
        return (n_head >= need and score >= self.min_score) or (n_head >= 1 and score >= STRONG_SCORE)

    def find(self, heading: str, body: str = "", limit: int = 3, per_doc: int = 2) -> list[Sentence]:
        """The best sentences about ``heading`` (+ ``body``), best first, above the threshold."""
        unnamed = self.unnamed_subject(heading)
        if unnamed:  # "加大省级财政对苏北地铁建设的补助": no text names 地铁, so none is about it
            self.elsewhere_only = self.not_evidence = []
            return []
        head, rest = self.key_terms(heading, body), self.terms(body)
        central = self.central_terms(heading, body)
        scored = []
        away: dict[str, None] = {}  # relevant, but about another place: said so, never quoted
        other_kind: dict[str, None] = {}  # relevant, but a commentary or proposal: said so, never quoted
        # the heading alone as well: a long body can push its best chunk out of the top k
        for doc, s, e in self.candidates(heading, f"{heading} {body[:200]}", excluded=True):
            if self.is_used(doc.doc_id, s, e):
                continue
            other_place = self.elsewhere(doc, doc.text[s:e])
            sc, n_head = self.score(doc.text[s:e], self.context(doc, s), head, rest)
            sc *= KIND_WEIGHT.get(doc.kind, 1.0)
            about = f"{doc.text[s:e]} {self.context(doc, s)}"
            on_topic = sum(t in about for t in central) >= min(CENTRAL_NEEDED, len(central))
            if not (on_topic and self.relevant(sc, n_head, head)):
                continue
            if doc.kind in self.exclude_kinds:
                other_kind[doc.doc_id] = None
                continue
            if other_place:
                away[doc.doc_id] = None
                continue
            s, e = self.window(doc.text, s, e, head | rest)
            plan = doc.kind in PLANNING_KINDS and bool(_PLAN.search(doc.text[s:e]))
            scored.append(Sentence(doc.doc_id, s, e, sc, plan))
        scored.sort(key=lambda x: -x.score)
        chosen: list[Sentence] = []
        for sent in scored:
            cap = 1 if self.index.docs[sent.doc_id].kind in KIND_WEIGHT else per_doc
            if len(chosen) < limit and sum(c.doc_id == sent.doc_id for c in chosen) < cap:
                chosen.append(sent)
        self.used |= {(c.doc_id, c.start, c.end) for c in chosen}
        self.elsewhere_only = [] if chosen else list(away)
        self.not_evidence = [] if chosen else list(other_kind)
        return chosen

    def elsewhere(self, doc: Document, text: str) -> bool:
        """The sentence, or its document's title, is about a place outside ``self.places``."""
        if self.places is None:
            return False
        if doc.doc_id not in self._elsewhere:
            titles = f"{doc.value('title')} {doc.value('proposal_title')}"
            self._elsewhere[doc.doc_id] = bool(places(titles) - self.places)
        return self._elsewhere[doc.doc_id] or bool(places(text) - self.places)

    def is_used(self, doc_id: str, start: int, end: int) -> bool:
        """Overlaps a passage already quoted (a quote may be a clause window of its sentence)."""
        return any(d == doc_id and a < end and start < b for d, a, b in self.used)

    def for_point(self, heading: str, body: str) -> tuple[list[Sentence], list[Sentence]]:
        """(what has been done, what is planned), each in reading order."""
        found = self.find(heading, body, limit=5)
        done = [s for s in found if not s.planned][:3]
        planned = [s for s in found if s.planned][:2]
        self.used -= {(s.doc_id, s.start, s.end) for s in found if s not in done and s not in planned}
        key = lambda s: (s.doc_id, s.start)  # noqa: E731
        return sorted(done, key=key), sorted(planned, key=key)

    @staticmethod
    def window(text: str, s: int, e: int, terms: dict[str, float]) -> tuple[int, int]:
        """A sentence longer than MAX_QUOTE is cut to its best run of whole clauses."""
        if e - s <= MAX_QUOTE:
            return s, e
        cuts = [s] + [s + m.end() for m in re.finditer(r"[，,；;]", text[s:e]) if s + m.end() < e] + [e]
        best, best_score = (s, min(e, s + MAX_QUOTE)), -1.0
        for i in range(len(cuts) - 1):
            for j in range(i + 1, len(cuts)):
                if cuts[j] - cuts[i] > MAX_QUOTE:
                    break
                piece = text[cuts[i] : cuts[j]]
                score = sum(w for t, w in terms.items() if t in piece) + (1.0 if FIGURE_WITH_UNIT.search(piece) else 0)
                if score > best_score:
                    best, best_score = (cuts[i], cuts[j]), score
        return best
