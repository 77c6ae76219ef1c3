"""Sentence extraction for the extractive answerer: score, rerank, trust, select and quote.

``SentenceExtractor`` holds everything the answerer (rag/answering.py) does between the
retrieved chunks and the quoted sentences:

1. ``score_sentences`` – each sentence of the hits gets IDF-weighted overlap with the question
   (title terms left out: they pick the document, not the sentence) + ``w_ctx`` × overlap of
   the sentence with its context (title, heading, previous sentence) + ``w_type`` × answer-kind
   and relation-cue bonus (rag/cues.py) + ``w_rank`` / (1 + retrieval rank).
   Worked example: coverage 0.5, context 0.8, a number asked for and present (bonus 1.0), first
   hit: 0.5 + 0.6 × 0.8 + 0.2 × 1.0 + 0.5 / 1 = 1.68.
2. ``_rerank`` – with an encoder, ``w_sem`` × cosine(question, sentence) is added to the
   ``sem_top`` best lexical candidates; with a cross-encoder the user provides
   (rag/reranking.py), ``_rerank_cross`` orders the ``ce_top`` best by its relevance instead.
3. ``_trusted`` – the trust rules: enough of the question's weight (``min_coverage``), the
   kind of answer asked for when weaker than ``kind_below``, and the places, people, years and
   organisations the question names near the evidence.  Untrusted evidence means 资料中未找到.
4. ``_select`` / ``_trim`` / ``_extend`` – which sentences are quoted and the quote window:
   up to ``max_chars`` characters, a long sentence cut to its best clause window, a short one
   extended within its paragraph.

Every weight and threshold here was set by measurement on CMRC2018 trial and the gold set
(docs/quality.md records what was tried and what it gave); they are class attributes so that
tuning can set them on an instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.chunking import is_heading, split_sentences
from rag.cues import (
    coverage,
    cue_bonus,
    has_kind,
    lists_members,
    names_month,
    novelty,
    shows_forms,
    type_bonus,
)
from rag.documents import Document, Hit
from rag.embedding import Encoder
from rag.glossary import Glossary
from rag.index import Index
from rag.lexical import bigrams, words
from rag.questions import Question, expand, places
from rag.reranking import Reranker

# Bigrams and words that only say "this is a question".
_QUESTION_WORD = re.compile(r"什么|哪|谁|几|多少|何|怎|吗|呢")
_NUMBER_TERM = re.compile(r"第?\s*\d{1,5}\s*号(?:建议|提案|议案)?(?=建议|提案|议案|答复|的|$)")
# A sentence opening the next point of an enumeration ("四是开展…", "第二,…"): a quote stops before it.
_NEXT_POINT = re.compile(r"[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}[,，、]")
# A sentence opening that points back at the one before it.
_BACK_REFERENCE = re.compile(r"(?:因此|所以|故|这|此|该|其|它|他|她|牠)")
_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")
# A field label with nothing after it ("答复内容:", "我市推进新型工业化主要情况:", "答复内容：附件").
_LABEL = re.compile(r"[^\W\d_]{1,16}\s*[:：]\s*(?:附件)?")


@dataclass
class Scored:
    """One candidate sentence: its span in the document text and how it scored."""

    doc_id: str
    start: int
    end: int
    score: float
    coverage: float
    rank: int
    semantic: float = 0.0  # cosine of question and sentence vectors (0 without an encoder)
    relevance: float | None = None  # the cross-encoder's, in [0, 1] (None without one)


class SentenceExtractor:
    """Scores the sentences of retrieved chunks, decides whether the best one can be trusted,
    and picks the quote spans; needs the index for document texts and IDF.

    ``max_chars``: longest quote (a longer sentence is cut to its best clause window);
    ``min_coverage``: share of the question's IDF weight the best evidence (sentence,
    the sentence before it, title and heading) must hold, else the question is refused.
    """

    def __init__(
        self,
        index: Index,
        max_chars: int = 120,
        min_coverage: float = 0.2,
        encoder: Encoder | None = None,
        glossary: Glossary | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.index = index
        self.max_chars = max_chars
        self.min_coverage = min_coverage
        # Equivalent wordings (rag/glossary.py): question and sentences are compared after both
        # are written in the glossary's canonical words.  None = as written.
        self.glossary = glossary
        self._doc_norm: dict[tuple[str, str, int], str] = {}
        self._vec_cache: dict[str, np.ndarray] = {}
        # Optional sentence encoder (the index's): reranks the best lexical candidates by meaning
        # and lets a paraphrase with few shared words be trusted.  None = lexical only.
        self.encoder = encoder
        # Optional cross-encoder (rag/reranking.py): reads question and sentence together.
        self.reranker = reranker

    # -- scoring -----------------------------------------------------------------
    def score_sentences(self, q: Question, hits: list[Hit]) -> list[Scored]:
        """Every sentence of the hits' chunks (each once), best first."""
        weights = self._term_weights(q.text)
        seen: set[tuple[str, int]] = set()
        out: list[Scored] = []
        for rank, hit in enumerate(hits):
            c = hit.chunk
            text = self.index.docs[c.doc_id].text
            title = self._norm(c.title).lower()
            # Terms of the title pick the document, not the sentence: they are left out here.
            sent_weights = {t: w for t, w in weights.items() if t not in title} or weights
            head = f"{title} {self._norm(c.heading)}"
            prev = ""
            for s, e in split_sentences(text, c.start, c.end):
                sent = text[s:e]
                norm = self._norm(sent)
                if (c.doc_id, s) not in seen and novelty(sent, q.text) >= self.min_novelty:
                    seen.add((c.doc_id, s))
                    ctx = coverage(weights, f"{head} {prev} {norm}")
                    cov = coverage(sent_weights, norm)
                    kind = type_bonus(q, sent) + cue_bonus(q.text, sent)
                    score = cov + self.w_ctx * ctx + self.w_type * kind + self.w_rank / (1 + rank)
                    out.append(Scored(c.doc_id, s, e, score, ctx, rank))
                prev = norm
        out.sort(key=lambda x: -x.score)
        return out

    w_ctx, w_type, w_rank = 0.6, 0.2, 0.5
    expand = True  # write out 沪/首都/AI… before matching (questions.expand)
    min_novelty = 0.0  # share of a sentence's characters the question does not already contain

    def _norm(self, text: str) -> str:
        return self.glossary.normalize(text) if self.glossary is not None else text

    def _term_weights(self, question: str) -> dict[str, float]:
        """IDF of the question's words, half the IDF for its character bigrams; question words dropped.
        Computed on the question in the glossary's canonical words (sentences are compared the same way)."""
        bm = self.index.bm25
        # "118号建议" picks the document (hits are filtered by number); in its sentences it is noise.
        number = _NUMBER_TERM.sub("", expand(question)) if self.expand else _NUMBER_TERM.sub("", question)
        number = self._norm(number)
        w = {t: bm.idf(t) for t in words(number) if not _QUESTION_WORD.search(t)}
        for t in bigrams(number):
            if not _QUESTION_WORD.search(t):
                w.setdefault(t, 0.5 * bm.idf(t))
        return w

    # Measured with the packaged USE (docs/quality.md): reranking the 5 best sentences by cosine
    # and trusting a sentence of little word overlap when its cosine is >= 0.5 gave +1.2 points
    # answer hit on CMRC trial and +7 answers, 2 fewer unanswerables answered, on heldout1-4
    # (where it was chosen); on the untouched CMRC dev and heldout5, +0.15 points and no change.
    # The threshold is USE's: rag/chain.py turns it off (> 1) for other encoders until measured.
    w_sem, sem_top, sem_trust = 1.0, 5, 0.5  # 5 or 8 sentences: the same answers, 5 is cheaper

    def _rerank(self, question: str, ranked: list[Scored]) -> list[Scored]:
        """Add ``w_sem`` × cosine(question, sentence) to the ``sem_top`` best lexical candidates."""
        top = ranked[: self.sem_top]
        texts = [self.index.docs[s.doc_id].text[s.start : s.end] for s in top]
        qv = self.encoder.encode([question], query=True)[0]
        for s, cos in zip(top, self._sentence_vectors(texts) @ qv, strict=True):
            s.semantic = float(cos)
            s.score += self.w_sem * s.semantic
        return sorted(top, key=lambda x: -x.score) + ranked[self.sem_top :]

    def _sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of sentences, remembered: the same sentences come up for many questions."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._vec_cache]
        if todo:
            if len(self._vec_cache) > 20_000:  # bounded: ~40 MB of 512-d vectors
                self._vec_cache.clear()
            self._vec_cache.update(zip(todo, self.encoder.encode(todo), strict=True))
        return np.vstack([self._vec_cache[t] for t in texts])

    # Not measured here (no reranker weights offline): the candidates a 5-chunk answer usually
    # has, and the model's own decision boundary for trusting a sentence of little word overlap.
    ce_top, ce_trust = 10, 0.5

    def _rerank_cross(self, question: str, ranked: list[Scored]) -> list[Scored]:
        """The ``ce_top`` best lexical candidates ordered by the cross-encoder's relevance
        (ties keep the lexical order), then the rest."""
        top = ranked[: self.ce_top]
        texts = [self.index.docs[s.doc_id].text[s.start : s.end] for s in top]
        for s, r in zip(top, self.reranker.score(question, texts), strict=True):
            s.relevance = float(r)
        return sorted(top, key=lambda x: -(x.relevance or 0.0)) + ranked[self.ce_top :]

    # -- trust rules -------------------------------------------------------------
    def _trusted(self, q: Question, best: Scored) -> bool:
        """Whether the best sentence may be quoted as the answer (else 资料中未找到)."""
        relevant = best.relevance is not None and best.relevance >= self.ce_trust
        if best.coverage < self.min_coverage and best.semantic < self.sem_trust and not relevant:
            return False
        doc = self.index.docs[best.doc_id]
        weak = best.coverage < self.kind_below
        sentence = doc.text[best.start : best.end]
        if self._is_label(best):
            return False  # a heading's label says what follows, not the answer
        # Weak evidence must add something to the question, and no evidence may add nothing
        # ("陆惠芬代表:" for 陆惠芬是哪里的代表; any coverage: CMRC trial ±0, held-out +1 refused);
        # a number or date the question lacks is news however short the sentence ("…企业3家;").
        new = novelty(sentence, q.text) if q.want not in ("number", "date") else 1.0
        if (weak and (not has_kind(q, sentence) or new < self.weak_novelty)) or new == 0.0:
            return False
        # The form of answer asked for (a number of 亿, a year, an age…) must be in the sentence
        # or just before it ("2023年,…" opens a paragraph).
        evidence = doc.text[max(0, best.start - 40) : best.end]
        if not shows_forms(q.text, evidence, self.forms):
            return False
        if self.members and not lists_members(q.text, sentence):
            return False
        if self.key_terms and not self._key_terms_near(q, best, doc):
            return False
        if not all(o in doc.text for o in q.orgs):
            return False
        # "A和“B”分别…" asks about several things, each perhaps in its own document.
        if "分别" not in q.text and not all(self._mentions(doc, t) for t in q.terms):
            return False
        # Named places, people and years must be near the evidence, not just anywhere in the
        # document: "无锡" in a Suzhou report's company name does not make it about Wuxi.
        # A year may be written without 年 ("2024\n01/04").
        near = doc.title + doc.text[max(0, best.start - self.entity_window) : best.end + self.entity_window]
        # "致公党建议…" names who wrote the document, which holds for every sentence of it.
        near = self._norm(" ".join([near, *(doc.value(k) for k in self.entity_fields)])).lower()

        def named(e: str) -> bool:
            e = self._norm(e).lower()
            return e in near or (e.endswith("年") and e[:-1] in near) or names_month(e, near)

        if not (all(map(named, q.entities)) or all(map(named, q.expanded_entities))):
            return False
        return not self._about_elsewhere(q, doc, best)

    other_place = True  # a sentence about another place than the one asked is no answer
    subject_mentions = 3  # ...unless the document names the asked place this often

    def _about_elsewhere(self, q: Question, doc: Document, best: Scored) -> bool:
        """The question names a place the sentence (and the 40 characters before it) does not,
        and the sentence names another: "北京有几家灯塔工厂？" is not answered by Suzhou's
        figure, even with 北京 a paragraph away."""
        if not self.other_place:
            return False
        # A place the document is about (in its title, or named often) is the subject of its
        # sentences even where they do not repeat it ("已累计创建…占江苏省的40%" is Suzhou's).
        named = places(q.text) | places(expand(q.text))
        asked = {a for a in named if a not in doc.title and doc.text.count(a) < self.subject_mentions}
        if not asked:
            return False
        local = doc.text[max(0, best.start - 40) : best.end]
        said = places(local)
        if not said or any(a in local for a in named):
            return False
        return not any(a in s or s in a for a in asked for s in said)

    def _mentions(self, doc: Document, term: str) -> bool:
        """The document names ``term``, as written, written out (AI → 人工智能) or in the
        glossary's canonical words; letters in any case."""
        key = (doc.doc_id, doc.sha256, len(doc.text))
        if key not in self._doc_norm:  # a document is written in canonical words once, not per question
            self._doc_norm[key] = self._norm(f"{doc.title} {doc.text}").lower()
        text = self._doc_norm[key]
        return any(self._norm(t).lower() in text for t in (term, expand(term)))

    entity_window = 300
    entity_fields: tuple[str, ...] = ("proposer", "author")  # parsed fields naming who wrote it
    # Weaker evidence than this must hold the kind of answer asked for (number, date, person).
    kind_below = 0.6
    weak_novelty = 0.1  # ...and must say something the question does not ("陆惠芬代表:")
    forms: tuple[str, ...] = (
        "unit", "money", "age", "year", "share", "years", "contact", "address", "month", "dept", "district", "company"
    )  # rag/cues.ASKED_FORMS
    members = True  # "那7家…分别是哪几家" must be answered by a list of them (cues.lists_members)
    key_terms = 0  # >0: the question's rarest words that must be in the evidence (measured: hurts, off)
    key_window = 80

    def _key_terms_near(self, q: Question, best: Scored, doc: Document) -> bool:
        """The rarest words of the question (by IDF, two characters or more; two of them when the
        question has three or more) are in the evidence: the best sentence, the text just before
        it, or the title.  "选区" that the corpus never mentions, or "科学技术" far from the
        "局长" sentence, means the question is not answered there."""
        bm = self.index.bm25
        text = _NUMBER_TERM.sub("", self._norm(expand(q.text)))
        cands = list(dict.fromkeys(w for w in words(text) if len(w) >= 2 and not _QUESTION_WORD.search(w)))
        n = self.key_terms if len(cands) >= 3 else min(self.key_terms, 1)
        keys = sorted(cands, key=bm.idf, reverse=True)[:n]
        evidence = self._norm(f"{doc.title} {doc.text[max(0, best.start - self.key_window) : best.end]}").lower()
        return all(k in evidence for k in keys)

    # -- quotes ------------------------------------------------------------------
    def _select(self, q: Question, ranked: list[Scored]) -> list[Scored]:
        """The best sentence; for list/reason/general questions up to two more from the same
        document scoring within 80% of it, while the quotes fit in twice ``max_chars``."""
        best = ranked[0]
        chosen = [best]
        if q.want in ("list", "reason", "general"):
            budget = self.max_chars * 2 - (best.end - best.start)
            in_fields = self._in_fields(best.doc_id, best.start, best.end)
            for s in ranked[1:6]:
                if (self._in_fields(s.doc_id, s.start, s.end) and not in_fields) or self._is_label(s):
                    continue  # a header or footer line ("482号提案的答复.doc") adds nothing to the text
                if s.score >= 0.8 * best.score and s.end - s.start <= budget and s.doc_id == best.doc_id:
                    chosen.append(s)
                    budget -= s.end - s.start
                if len(chosen) == 3:
                    break
        return chosen

    window = True  # extend a short quote with the sentences around it, up to max_chars

    def _trim(self, q: Question, s: Scored) -> tuple[int, int]:
        """A long sentence is cut to the clause window that best covers the question."""
        if s.end - s.start <= self.max_chars:
            return self._extend(s) if self.window else (s.start, s.end)
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
            score = coverage(weights, self._norm(span)) + 0.25 * type_bonus(q, span)
            if score > best_score:
                best, best_score = (a, b), score
        return best

    def _is_label(self, s: Scored) -> bool:
        return bool(_LABEL.fullmatch(self.index.docs[s.doc_id].text[s.start : s.end].strip()))

    def _in_fields(self, doc_id: str, start: int, end: int) -> bool:
        """The span overlaps a parsed metadata field: a header or footer line of the page."""
        return any(f.start < end and start < f.end for f in self.index.docs[doc_id].meta.values())

    def _extend(self, s: Scored) -> tuple[int, int]:
        """The sentence, preceded by the one before when it refers back (因此, 这…), then followed
        by the next sentences while the quote stays within ``max_chars``."""
        text = self.index.docs[s.doc_id].text
        lo = max(0, s.start - self.max_chars)
        hi = min(len(text), s.end + self.max_chars)
        sents = split_sentences(text, lo, hi)
        i = next((k for k, (a, _) in enumerate(sents) if a >= s.start), None)
        if i is None:
            return s.start, s.end
        a, b = s.start, s.end
        in_fields = self._in_fields(s.doc_id, a, b)
        if _BACK_REFERENCE.match(text[a:b]) and i > 0 and b - sents[i - 1][0] <= self.max_chars:
            a = sents[i - 1][0]
        for a2, b2 in sents[i + 1 :]:
            if b2 - a > self.max_chars or "\n\n" in text[b:a2] or is_heading(text[a2:b2]):
                break  # within the paragraph only, and never into the next section's heading
            if _NEXT_POINT.match(text, a2) or text[a2:b2].rstrip().endswith((":", "：")):
                break  # ...nor into the next point of an enumeration, or the lead-in of a list
            if self._in_fields(s.doc_id, a2, b2) != in_fields:
                break  # ...nor from the text into the page's footer ("承办单位：主办 …"), or back
            b = b2
        return a, b
