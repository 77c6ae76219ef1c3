"""The offline default answerer: extractive, sentence-level, every sentence cited.

1. Metadata questions ("482号建议是谁提出的？") are answered from the parsed
   fields of the document they name, citing the passage the field was read from.
2. Otherwise the sentences of the retrieved chunks are scored by IDF-weighted
   overlap with the question, a bonus when they hold the kind of answer asked
   for (a number, a date, ...), and the chunk's retrieval rank; the best ones
   are quoted verbatim, each followed by its marker [n].
3. When the evidence is weak, or lacks a place, person or year the question
   names, the answer is 资料中未找到 with the closest sources, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.chunking import split_sentences
from rag.citations import make_citation
from rag.documents import Answer, Citation, Document, Hit
from rag.index import Index
from rag.lexical import bigrams, words
from rag.questions import Question, analyse

NOT_FOUND = "资料中未找到"
_NUM = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|万亿|亿|万|千|家|个|项|名|人|倍|元|吨|座|所|台|辆|种|年|TEU)")
_CN_NUM = re.compile(r"[一二三四五六七八九十百千两半]+(?:成|分之[一二三四五六七八九十]+|个|项|家)")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}|\d{1,2}月")
_ORG = re.compile(r"[厅局委部办]|中心|公司|大学|研究院|研究所|学会|协会|集团|政府")
_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")


@dataclass
class Scored:
    doc_id: str
    start: int
    end: int
    score: float
    coverage: float
    rank: int


class ExtractiveAnswerer:
    """Picks and quotes sentences; needs the index for document texts and IDF."""

    def __init__(self, index: Index, max_chars: int = 200, min_coverage: float = 0.5) -> None:
        self.index = index
        self.max_chars = max_chars
        self.min_coverage = min_coverage

    # -- entry point -----------------------------------------------------------
    def answer(self, question: str, hits: list[Hit]) -> Answer:
        q = analyse(question)
        meta = self.answer_from_metadata(q)
        if meta is not None:
            return meta
        if q.number:
            hits = [h for h in hits if self.index.docs[h.chunk.doc_id].value("number") == q.number] or hits
        ranked = self.score_sentences(q, hits)
        if not ranked or not self._trusted(q, ranked[0]):
            return self.refuse(question, hits)
        chosen = self._select(q, ranked)
        cites = [
            make_citation(i + 1, self.index.docs[s.doc_id], *self._trim(q, s)) for i, s in enumerate(chosen)
        ]
        text = "".join(f"{c.quote}[{c.n}]" for c in cites)
        return Answer(question=question, text=text, citations=cites, hits=hits)

    def refuse(self, question: str, hits: list[Hit], why: str = "") -> Answer:
        lines = [f"{NOT_FOUND}{why or '能回答这个问题的内容'}。"]
        if hits:
            lines.append("最接近的资料：")
            for i, h in enumerate(hits[:3], 1):
                lines.append(f"{i}. 《{h.chunk.title}》：{h.chunk.text[:60]}…")
        return Answer(question=question, text="\n".join(lines), refused=True, hits=hits)

    # -- metadata ----------------------------------------------------------------
    def answer_from_metadata(self, q: Question) -> Answer | None:
        if not q.field:
            return None
        docs = self._docs_named(q)
        if q.number and not docs:
            return self.refuse(q.text, [], f"第{q.number}号建议或提案")
        for doc in docs:
            f = doc.meta.get(q.field)
            if f is None or not f.value:
                continue
            cite = make_citation(1, doc, f.start, f.end)
            label = FIELD_LABELS.get(q.field, q.field)
            subject = f"第{q.number}号建议（{doc.title}）" if q.number else f"《{doc.title}》"
            text = f"{subject}的{label}是{f.value}。[1]"
            return Answer(question=q.text, text=text, citations=[cite])
        return None

    def _docs_named(self, q: Question) -> list[Document]:
        docs = list(self.index.docs.values())
        if q.number:
            return [d for d in docs if d.value("number") == q.number]
        named = [d for d in docs if d.value("proposer") and d.value("proposer") in q.text]
        return named or [d for d in docs if d.value("title") and d.value("title")[2:12] in q.text]

    # -- sentences ---------------------------------------------------------------
    def score_sentences(self, q: Question, hits: list[Hit]) -> list[Scored]:
        weights = self._term_weights(q.text)
        seen: set[tuple[str, int]] = set()
        out: list[Scored] = []
        for rank, hit in enumerate(hits):
            c = hit.chunk
            text = self.index.docs[c.doc_id].text
            for s, e in split_sentences(text, c.start, c.end):
                if (c.doc_id, s) in seen:
                    continue
                seen.add((c.doc_id, s))
                sent = text[s:e]
                cov = _coverage(weights, sent)
                ctx = _coverage(weights, f"{c.title} {c.heading} {sent}")
                score = cov + 0.3 * ctx + _type_bonus(q.want, sent) + 0.1 / (1 + rank)
                out.append(Scored(c.doc_id, s, e, score, max(cov, ctx), rank))
        out.sort(key=lambda x: -x.score)
        return out

    def _term_weights(self, question: str) -> dict[str, float]:
        bm = self.index.bm25
        w = {t: bm.idf(t) for t in words(question)}
        for t in bigrams(question):
            w.setdefault(t, 0.5 * bm.idf(t))
        return w

    def _trusted(self, q: Question, best: Scored) -> bool:
        if best.coverage < self.min_coverage:
            return False
        doc_text = self.index.docs[best.doc_id].text
        return all(e in doc_text for e in q.entities)

    def _select(self, q: Question, ranked: list[Scored]) -> list[Scored]:
        best = ranked[0]
        chosen = [best]
        if q.want in ("list", "reason", "general"):
            budget = self.max_chars * 2 - (best.end - best.start)
            for s in ranked[1:6]:
                if s.score >= 0.8 * best.score and s.end - s.start <= budget and s.doc_id == best.doc_id:
                    chosen.append(s)
                    budget -= s.end - s.start
                if len(chosen) == 3:
                    break
        return chosen

    def _trim(self, q: Question, s: Scored) -> tuple[int, int]:
        """A long sentence is cut to the clause window that best covers the question."""
        if s.end - s.start <= self.max_chars:
            return s.start, s.end
        text = self.index.docs[s.doc_id].text
        clauses = [(s.start + m.start(), s.start + m.end()) for m in _CLAUSE.finditer(text[s.start : s.end])]
        weights = self._term_weights(q.text)
        best, best_score = (s.start, s.start + self.max_chars), -1.0
        for i in range(len(clauses)):
            j = i
            while j + 1 < len(clauses) and clauses[j + 1][1] - clauses[i][0] <= self.max_chars:
                j += 1
            a, b = clauses[i][0], min(clauses[j][1], clauses[i][0] + self.max_chars)
            span = text[a:b]
            score = _coverage(weights, span) + _type_bonus(q.want, span)
            if score > best_score:
                best, best_score = (a, b), score
        return best


FIELD_LABELS = {
    "proposer": "建议人",
    "host_unit": "主办单位",
    "co_units": "协办单位",
    "consulted_units": "会商部门",
    "reply_date": "答复时间",
    "handling_type": "办理类型",
    "deadline": "办理期限",
    "sign_date": "落款日期",
    "sign_unit": "落款单位",
    "publish_date": "发布时间",
    "title": "标题",
    "author": "作者",
}


def _coverage(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    low = text.lower()
    return sum(w for t, w in weights.items() if t in low) / total


def _type_bonus(want: str, sent: str) -> float:
    if want == "number":
        return 0.25 if _NUM.search(sent) or _CN_NUM.search(sent) else 0.0
    if want == "date":
        return 0.25 if _DATE.search(sent) else 0.0
    if want == "org":
        return 0.15 if _ORG.search(sent) else 0.0
    if want == "list":
        return 0.1 if "、" in sent or re.search(r"[一二三四]是", sent) else 0.0
    if want == "reason":
        return 0.15 if re.search(r"因为|由于|原因|导致|所以|因此|为了", sent) else 0.0
    return 0.0


__all__ = ["NOT_FOUND", "ExtractiveAnswerer", "Citation"]
