"""Sentence extraction for the extractive answerer: score, rerank, trust, select and quote.

``SentenceExtractor`` holds everything the answerer (rag/answering.py) does between the
retrieved chunks and the quoted sentences:

1. ``score_sentences`` – each sentence of the hits gets IDF-weighted overlap with the question
   (title terms left out: they pick the document, not the sentence) + ``w_ctx`` × overlap of
   the sentence with its context (title, heading, previous sentence) + ``w_type`` × answer-kind
   and relation-cue bonus (rag/cues.py) + ``w_rank`` / (1 + retrieval rank).
   Worked example: coverage 0.5, context 0.8, a number asked for and present (bonus 1.0), first
   hit: 0.5 + 0.6 × 0.8 + 0.2 × 1.0 + 0.5 / 1 = 1.68.
2. ``_rerank`` (rag/reranking.py, inherited) – with an encoder, ``w_sem`` × cosine(question, sentence) is added to the
   ``sem_top`` best lexical candidates; with a cross-encoder the user provides
   (rag/reranking.py), ``_rerank_cross`` orders the ``ce_top`` best by its relevance instead.
3. ``_trusted`` – the trust rules (rag/trust.py, inherited): enough of the question's weight (``min_coverage``), the
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
from collections.abc import Callable

import numpy as np

from rag.chunking import is_heading, opens_point, split_sentences
from rag.compare import name_forms
from rag.cues import coverage, cue_bonus, novelty, type_bonus
from rag.documents import Hit
from rag.embedding import Encoder
from rag.glossary import Glossary
from rag.index import Index
from rag.lexical import bigrams, words
from rag.questions import Question, expand
from rag.reranking import Reranker, SentenceRerank
from rag.trust import NUMBER_TERM, QUESTION_WORD, Scored, TrustRules, asked_about

# A sentence opening the next point of an enumeration ("四是开展…", "第二,…"): a quote stops before it.
NEXT_POINT = re.compile(r"[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}[,，、]")
# A sentence opening that points back at the one before it.
_BACK_REFERENCE = re.compile(r"(?:因此|所以|故|这|此|该|其|它|他|她|牠)")
CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")  # a clause with its closing mark
# "多少家", "几个": a question word with its counter.
_HOW_MANY = re.compile(r"(?:多少|几)[个家项件名位次所座条种类批]?")
# "万利是哪个单位的": 单位 asks for an organisation; as a term it matched the page's "承办单位:" line
_ASKS_ORG = re.compile(r"(?:哪个|哪家|哪些|哪一个|什么)(?:单位|部门|机构)")
# "118号建议说…", "答复函里提到…": who says it picks the document; 说 (rare, so heavy) and the
# bigrams across it (议说, 说苏) are in no answer sentence
_SAYS = re.compile(
    r"(?<=建议|提案|答复|复函|文章|评论|报道|新闻|记者|专家)(?:里|中|上)?(?:说|讲|提到|指出|认为|写道|称|表示|介绍)(?:了|的|过)?"
)


# "马一德怎么形容…", "致公党怎么看": a view of something, which the evidence must name besides the holder.
_VIEW = re.compile(r"怎么看|怎样看|如何看|怎么形容|如何形容|怎么评价|如何评价|看法|观点|怎么说")


class SentenceExtractor(SentenceRerank, TrustRules):
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
        search: Callable[[str], list[Hit]] | None = None,
    ) -> None:
        self.index = index
        self.max_chars = max_chars
        self.min_coverage = min_coverage
        # Equivalent wordings (rag/glossary.py): question and sentences are compared after both
        # are written in the glossary's canonical words.  None = as written.
        self.glossary = glossary
        self._doc_norm: dict[tuple[str, str, int], str] = {}
        self._vec_cache: dict[str, np.ndarray] = {}
        self._weights_for: tuple[np.ndarray | None, str] = (None, "")  # IDF and question of _weights
        self._weights: dict[str, float] = {}
        # Optional sentence encoder (the index's): reranks the best lexical candidates by meaning
        # and lets a paraphrase with few shared words be trusted.  None = lexical only.
        self.encoder = encoder
        # Optional cross-encoder (rag/reranking.py): reads question and sentence together.
        self.reranker = reranker
        # The index's search (rag.chain sets it): each part of "A？B？" is searched on its own.
        self.search = search

    # -- scoring -----------------------------------------------------------------
    def score_sentences(self, q: Question, hits: list[Hit]) -> list[Scored]:
        """Every sentence of the hits' chunks (each once), best first."""
        weights = self._without_writers(q, hits, self._term_weights(q.text))
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

    def _without_writers(self, q: Question, hits: list[Hit], weights: dict[str, float]) -> dict[str, float]:
        """The weights without the name of a writer the question names ("致公党建议…", "马一德说…"):
        a proposal's proposer (市致公党 as 致公党) or an article's author, not a reply letter's
        addressee, and not when the question asks about the writer ("马一德是什么职务").
        The name picks the document (rag/answering.py), not the sentence.  Weighed, it made the
        opening "致公党苏州市委会…开展深入调研" the answer to what 致公党 proposes (held-out +7
        answers and 7 wrong answers refused, −1 refused of 950; heldout17 +1 answer; gold: 模速空间
        wrong → refused; CMRC trial ±0).  Left out of the sentences' weights only, as the title's
        terms are, it gained 1 answer and lost 6."""
        docs = {h.chunk.doc_id: self.index.docs[h.chunk.doc_id] for h in hits}.values()
        names = {n for d in docs if d.kind != "答复函" for k in ("proposer", "author") for n in name_forms(d.value(k))}
        said = [self._norm(n).lower() for n in names if n in q.text and not asked_about(n, q)]
        if not said:
            return weights
        return {t: w for t, w in weights.items() if not any(t in n for n in said)} or weights

    w_ctx, w_type, w_rank = 0.6, 0.2, 0.5
    expand = True  # write out 沪/首都/AI… before matching (questions.expand)
    min_novelty = 0.0  # share of a sentence's characters the question does not already contain

    def _norm(self, text: str) -> str:
        return self.glossary.normalize(text) if self.glossary is not None else text

    def _term_weights(self, question: str) -> dict[str, float]:
        """IDF of the question's words, half the IDF for its character bigrams; question words dropped.
        Computed on the question in the glossary's canonical words (sentences are compared the same way)."""
        bm = self.index.bm25
        # scoring, selecting and trimming all weigh the same question: compute it once (~2 ms).
        # The key holds the IDF array itself: an upload replaces it, and a held array's id is
        # never reused.
        table, asked = self._weights_for
        if table is bm.idf_table and asked == question:
            return self._weights
        self._weights = self._compute_weights(bm, question)
        self._weights_for = (bm.idf_table, question)
        return self._weights

    def _compute_weights(self, bm, question: str) -> dict[str, float]:
        # "118号建议" picks the document (hits are filtered by number); in its sentences it is noise.
        question = _ASKS_ORG.sub(" ", question).strip() or question
        question = _SAYS.sub(" ", question)
        number = NUMBER_TERM.sub("", expand(question)) if self.expand else NUMBER_TERM.sub("", question)
        number = self._norm(number)
        w = {t: bm.idf(t) for t in words(number) if not QUESTION_WORD.search(t)}
        # "有多少家工业企业" would give the bigrams 有多, 少家, 家工: they straddle the question
        # word, say nothing about the answer, and weighed a third of that question (gold +1,
        # held-out and CMRC trial unchanged; cutting every question word too lost 0.4 on CMRC)
        # Likewise the bigrams across 的 ("苏州的评分" → 州的, 的评): "苏州的工业经济" held 州的 and
        # 苏州, a quarter of that question, without its one content word 评分 (held-out +4 answers,
        # −1 refused of 890; a word with 的 such as 目的 is still weighed as a word)
        for t in bigrams(_HOW_MANY.sub(" ", number)):
            if not QUESTION_WORD.search(t) and "的" not in t:
                w.setdefault(t, 0.5 * bm.idf(t))
        return w

    def _trusted(self, q: Question, best: Scored) -> bool:
        """The trust rules (rag/trust.py), and weak evidence must share more with the question
        than the names it holds."""
        if not super()._trusted(q, best):
            return False
        # only for "how does X see Y": elsewhere a sentence sharing only the names often answers
        # (CMRC trial −1.3 points for every question: "1992年4月，任…副书记" for 1992年4月，罗保铭
        # 担任什么职务; −0.9 for the general and list questions: "被誉为晋剧皇后" for 王爱爱有什么美誉)
        return not _VIEW.search(q.text) or best.coverage >= self.kind_below or self._beyond_names(q, best)

    def _beyond_names(self, q: Question, best: Scored) -> bool:
        """The sentence holds a question term other than the people and places named: the byline
        "…院长、教授马一德" names 马一德 but says nothing of "马一德怎么形容眼下的国际局面"
        (held-out: 2 wrong answers refused, none lost; gold and CMRC trial unchanged)."""
        names = [self._norm(e).lower() for e in q.expanded_entities or q.entities]
        rest = [t for t in self._term_weights(q.text) if not any(t in e or e in t for e in names)]
        sentence = self._norm(self.index.docs[best.doc_id].text[best.start : best.end]).lower()
        return not (names and rest) or any(t in sentence for t in rest)

    # -- quotes ------------------------------------------------------------------
    def _select(self, q: Question, ranked: list[Scored]) -> list[Scored]:
        """The best sentence; for list/reason/general questions up to two more from the same
        document scoring within 80% of it, while the quotes fit in twice ``max_chars``."""
        best = ranked[0]
        chosen = [best]
        if q.want in ("list", "reason", "general"):
            budget = self.max_chars * 2 - (best.end - best.start)
            in_fields = self._in_fields(best.doc_id, best.start, best.end)
            weights = self._term_weights(q.text)
            for s in ranked[1:6]:
                if (self._in_fields(s.doc_id, s.start, s.end) and not in_fields) or self._is_label(s):
                    continue  # a header or footer line ("482号提案的答复.doc") adds nothing to the text
                if opens_point(self.index.docs[s.doc_id].text[s.start : s.end]):
                    continue  # another point's heading ("4.人工智能产业链缺乏…"), not more of this answer
                if not coverage(weights, self._norm(self.index.docs[s.doc_id].text[s.start : s.end])):
                    continue  # close in score by rank and context alone, it shares no word with the question
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
        clauses = [(s.start + m.start(), s.start + m.end()) for m in CLAUSE.finditer(text[s.start : s.end])]
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
        elif text[a:b].lstrip().startswith("——") and i > 0:
            # "——2023年12月,习近平总书记…强调" attributes the quotation above it: quote that too
            j = i - 1
            while j > 0 and b - sents[j - 1][0] <= self.max_chars and "\n\n" not in text[sents[j - 1][1] : sents[j][0]]:
                j -= 1
            a = sents[j][0]
        for a2, b2 in sents[i + 1 :]:
            if b2 - a > self.max_chars or "\n\n" in text[b:a2] or is_heading(text[a2:b2]):
                break  # within the paragraph only, and never into the next section's heading
            if NEXT_POINT.match(text, a2) or opens_point(text[a2:b2]) or text[a2:b2].rstrip().endswith((":", "：")):
                break  # ...nor into the next point of an enumeration, or the lead-in of a list
            if self._in_fields(s.doc_id, a2, b2) != in_fields:
                break  # ...nor from the text into the page's footer ("承办单位：主办 …"), or back
            b = b2
        return a, b
