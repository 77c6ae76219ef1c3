"""The offline default answerer: extractive, sentence-level, every sentence cited.

1. Metadata questions ("482号建议是谁提出的？") are answered from the parsed
   fields of the document they name, citing the passage the field was read from
   (rag/fields.py).
2. Otherwise the sentences of the retrieved chunks are scored by IDF-weighted
   overlap with the question (title terms left out: they pick the document, not
   the sentence), overlap of the sentence with its context (previous sentence,
   title, heading), a bonus when they hold the kind of answer asked for (a number,
   date or name the question does not already contain) or the usual wording of
   the relation asked about (别名 → 又称), and the chunk's retrieval rank.  The
   best sentence is quoted verbatim with its marker [n], extended within its
   paragraph to ``max_chars`` (120) characters; "A？B？" is answered part by part.
3. When the evidence is weak (little of the question's weight; or, below 0.6,
   without the kind of answer asked for or anything the question does not say),
   or lacks a place, person, year or organisation the question names, the answer
   is 资料中未找到 with the closest sources, never a guess.

This module is the entry point (steps 1 and 3's refusal, "A？B？" questions);
sentence scoring, trust rules and quote windows (steps 2 and 3) live in
rag/extraction.py, the patterns they test sentences with in rag/cues.py.

Every weight and threshold was set by measurement on CMRC2018 trial and the
gold set (docs/quality.md records what was tried and what it gave).
"""

from __future__ import annotations

import functools
import re

from rag.catalog import answer_catalog
from rag.chunking import is_heading
from rag.citations import CLOSEST_NOTE, MARKER, NOT_FOUND, make_citation, one_line
from rag.compare import CompareAnswers, writer_names
from rag.compound import compares, name_the_two, proposal_numbers, split_question
from rag.cue_words import FIELD_LABELS
from rag.cues import novelty
from rag.documents import Answer, Citation, Hit
from rag.enumeration import answer_enumeration
from rag.extraction import Scored, SentenceExtractor
from rag.fields import FieldAnswers
from rag.mentions import answer_mention_check, answer_mentions, checked
from rag.more import MoreAnswers
from rag.ordering import answer_date_order
from rag.overview import answer_overview, asks_whole, missing_reply_part
from rag.parts import answer_part, headed_by, points_at
from rag.plans import answer_plans, asks_plans
from rag.questions import Question, analyse
from rag.refs import CN_DIGITS, arabic_numbers, cn_int
from rag.sections import answer_sections, asks_sections
from rag.subpoints import asks_items, section_topic, sub_nth


class ExtractiveAnswerer(CompareAnswers, MoreAnswers, FieldAnswers, SentenceExtractor):
    """Answers from metadata or quoted sentences; needs the index for document texts and IDF.

    ``max_chars``: longest quote (a longer sentence is cut to its best clause window);
    ``min_coverage``: share of the question's IDF weight the best evidence (sentence,
    the sentence before it, title and heading) must hold, else 资料中未找到.
    Both were set by measurement (docs/quality.md).  Sentence scoring, trust rules and quote
    windows, with their tunable weights, are inherited from ``SentenceExtractor``
    (rag/extraction.py).
    """

    # -- entry point -----------------------------------------------------------
    def answer(self, question: str, hits: list[Hit]) -> Answer:
        """The cited answer to ``question`` from ``hits`` (best first), or a refusal."""
        parts = split_question(name_the_two(question, lambda: proposal_numbers(self.index.docs.values())))
        if len(parts) > 1:
            return self._answer_parts(question, parts, hits)
        return self._answer_one(question, hits)

    def _answer_parts(self, question: str, parts: list[str], hits: list[Hit]) -> Answer:
        """"A？B？" is answered part by part; when no part can be answered alone ("各是哪天？"
        needs the part before it), the question is answered as a whole."""
        # a later part naming nothing ("分别是哪些？") asks about the part before it: it is answered
        # with the whole question, not on its own (alone it matched any list); that answer is
        # also the fallback when no part is answered, so it is computed once
        as_whole = functools.cache(lambda: self._answer_one(question, hits))
        answers = [
            self._answer_one(p, self._hits_for(p, hits)) if i == 0 or _names_something(p) else as_whole()
            for i, p in enumerate(parts)
        ]
        done = [a for a in answers if not a.refused]
        if not done:
            return as_whole()
        cites: list[Citation] = []
        text = []
        for a in done:
            renum, fresh = {}, False
            for c in a.citations:  # a passage two parts quote is cited once, under its first number
                same = next((d for d in cites if (d.doc_id, d.start, d.end) == (c.doc_id, c.start, c.end)), None)
                if same is None:
                    same, fresh = Citation(**{**c.to_dict(), "n": len(cites) + 1}), True
                    cites.append(same)
                renum[c.n] = same.n
            if a.citations and not fresh:
                continue  # "…多少个大模型？其中工业大模型几个？": the same sentence answers both
            text.append(MARKER.sub(lambda m, r=renum: f"[{r.get(int(m.group(1)), m.group(1))}]", a.text))
        # a part the sources do not answer is said so, not silently dropped ("各是哪天" needs
        # the part before it, names nothing of its own, and is left out)
        missed = [p.strip() for p, a in zip(parts, answers, strict=True) if a.refused and _names_something(p)]
        if missed:
            text.append("\n" + "；".join(f"“{p}”：{NOT_FOUND}" for p in missed) + "。")
        return Answer(question=question, text="".join(text), citations=cites, hits=hits)

    def _hits_for(self, part: str, hits: list[Hit]) -> list[Hit]:
        """A part's own search results, then the whole question's (deduplicated)."""
        if self.search is None:
            return hits
        own = self.search(part)
        seen = {h.chunk.chunk_id for h in own}
        return own + [h for h in hits if h.chunk.chunk_id not in seen]

    def _answer_one(self, question: str, hits: list[Hit]) -> Answer:
        number = bare_number(question)
        if number:  # staff often type just the number: give the proposal's record card
            return self.record_card(question, number)
        q = analyse(question)
        docs = self.index.docs.values()
        # which documents the question names, looked up only when it may ask about one (the
        # look-up visits every document: at 100k chunks it cost more than the search)
        about_doc = q.field or q.number or points_at(q.text) or asks_whole(q.text) or asks_plans(q.text) or checked(q.text)
        about_doc = about_doc or asks_sections(q.text)
        named = self._docs_named(q) if about_doc else []
        # "在“大力发展智能制造”这一节里…第三项": a reply letter named by its section's heading
        named = named or (headed_by(section_topic(q.text), docs) if sub_nth(q.text) or asks_items(q.text) else [])
        # the part of a document pointed at ("第一点", "讲X的那一部分标题") before its fields ("标题")
        # "第二部分的下一步打算": the section's plan, before the section itself
        meta = answer_date_order(q.text, docs) or self.answer_compare(q.text) or answer_sections(q.text, named)
        meta = meta or answer_plans(q.text, named) or missing_reply_part(q.text, named, docs) or answer_part(q.text, named)
        meta = meta or self.answer_from_metadata(q, named)
        meta = meta or answer_overview(q.text, named, docs) or answer_catalog(q.text, docs)
        meta = meta or answer_mentions(q.text, docs) or answer_mention_check(q.text, named, docs)
        meta = meta or answer_enumeration(q.text, docs, q.places)
        if meta is not None:
            return meta
        return self._quote_best(q, question, hits)

    def _quote_best(
        self, q: Question, question: str, hits: list[Hit], skip=None, why: str = "", keys: int = 0
    ) -> Answer:
        """The best sentences of ``hits`` quoted and cited, or a refusal when none can be trusted;
        ``skip(sentence)`` leaves candidates out (those an earlier answer quoted)."""
        if q.number:
            own = [h for h in hits if self._numbered(h.chunk.doc_id, q.number)]
            hits = own or self._hits_in(q.number, question) or hits
        elif own := [h for h in hits if h.chunk.doc_id in self._filers_docs(q.text)]:
            # "马一德说…", "致公党建议…": the named author's own document says it (held-out +1
            # answer, −2 false refusals of 950; gold, heldout17 unchanged; a search inside that
            # document when none of its chunks was found gave the same)
            hits = own
        ranked = self.score_sentences(q, hits)
        if skip is not None:
            ranked = [r for r in ranked if not skip(self.index.docs[r.doc_id].text[r.start : r.end])]
        if ranked and self.reranker is not None:
            ranked = self._rerank_cross(question, ranked)
        elif ranked and self.encoder is not None:
            ranked = self._rerank(question, ranked)
        # The page's header and footer lines (建议人：…, 2024 01/04) answer questions about the
        # document, which its fields answer above; for any other question they are no answer.
        content = [r for r in ranked if not self._in_fields(r.doc_id, r.start, r.end)]
        content = self._better_covered(q, self._under_heading(q, content))
        if keys:
            content = [r for r in content if self._key_terms_near(q, r, self.index.docs[r.doc_id], keys)]
        if not content or not self._trusted(q, content[0]):
            return self.refuse(question, hits, why=why, closest=self._closest(q, ranked))
        ranked = content
        spans: list[tuple[str, int, int]] = []
        for s in self._select(q, ranked):
            a, b = self._trim(q, s)
            # overlapping chunks and quote windows can reach the same words twice: quote them once
            if not any(d == s.doc_id and a < b0 and a0 < b for d, a0, b0 in spans):
                spans.append((s.doc_id, a, b))
        cites = [make_citation(i + 1, self.index.docs[d], a, b) for i, (d, a, b) in enumerate(spans)]
        text = "".join(f"{c.quote}[{c.n}]" for c in cites)
        return Answer(question=question, text=text, citations=cites, hits=hits)

    def _filers_docs(self, question: str) -> set[str]:
        """The documents whose proposer or author the question names.  The names are gathered once
        for an index (keyed, as the weights are, by its IDF array, which an upload replaces): read
        off every document for each question, they took the 100k-chunk ask from 27 to 102 ms p50."""
        table = self.index.bm25.idf_table
        if getattr(self, "_writers_for", None) is not table:
            self._writers, self._writers_for = writer_names(self.index.docs.values()), table
        return {d for name, ids in self._writers.items() if name in question for d in ids}

    def _numbered(self, doc_id: str, number: str) -> bool:
        return self.index.docs[doc_id].value("number") == number

    def _hits_in(self, number: str, question: str, n: int = 200, k: int = 5) -> list[Hit]:
        """The best BM25 chunks of the document numbered ``number``, for a question naming it
        whose search found only other documents ("…重点推进区？(482号建议)" got 118's sentence)."""
        rows = [r for r, _ in self.index.bm25.search(question, n) if self._numbered(self.index.chunks[r].doc_id, number)]
        return [Hit(chunk=self.index.chunks[r], score=0.0, ranks={}) for r in rows[:k]]

    def _under_heading(self, q: Question, content: list[Scored]) -> list[Scored]:
        """A heading or label line that matches the question ("【学习金句】", "答复内容:") says
        what follows: when it is not itself an answer, the sentence after it is tried first."""
        if not content:
            return content
        best = content[0]
        line = self.index.docs[best.doc_id].text[best.start : best.end].strip()
        repeats = is_heading(line) and novelty(line, q.text) < 0.5  # the question names the heading
        if not (repeats or self._is_label(best)) or self._trusted(q, best):
            return content
        after = [s for s in content if s.doc_id == best.doc_id and s.start >= best.end]
        nxt = min(after, key=lambda s: s.start, default=None)
        text = self.index.docs[best.doc_id].text
        if nxt is None or text[best.end : nxt.start].strip() or not self._trusted(q, nxt):
            return content  # only the very next sentence is what the heading heads
        return [nxt] + [s for s in content if s is not nxt]

    # a lower candidate replaces an untrusted best one only when it holds this much more of the
    # question's weight, within the first ``fallback_top``, for questions that describe (list,
    # reason, general): a number, date or name asked for is a form the first sentence lacks
    fallback_top, fallback_margin = 15, 0.1
    _DESCRIBED = ("list", "reason", "general")

    def _better_covered(self, q: Question, content: list[Scored]) -> list[Scored]:
        """When the best-scored sentence cannot be trusted, the first lower one that holds clearly
        more of the question's words and passes every trust rule.  The rank bonus and the cosine
        put the top chunk's sentences first: for "致公党建议苏州学习沪上哪个AI孵化空间的做法" the
        opening "致公党苏州市委会…开展深入调研" (coverage 0.10, refused) outscored the third chunk's
        "借鉴上海设“模速空间”" (0.22, trusted).  Gold +1 answer (false refusals 2 → 1); held-out
        1–18 +5 answers, −2 refused of 350, 4 refusals became wrong answers; CMRC trial ±0; a
        margin of 0.05 gave +8 answers, −3 refused, 7 wrong (docs/quality.md)."""
        if not content or q.want not in self._DESCRIBED or self._trusted(q, content[0]):
            return content
        floor = content[0].coverage + self.fallback_margin
        for s in content[1 : self.fallback_top]:
            if s.coverage >= floor and self._trusted(q, s):
                return [s] + [x for x in content if x is not s]
        return content

    def refuse(
        self, question: str, hits: list[Hit], why: str = "", closest: list[Citation] | None = None
    ) -> Answer:
        """资料中未找到 + what was missing (``why``), then the closest sentences (``closest``,
        quoted but not trusted as the answer) or else the openings of the three closest chunks.
        Either way ``Answer.closest`` holds what the text lists, as citations with offsets, so the
        JSON, the API and the page show the same passages as the text."""
        lines = [f"{NOT_FOUND}{why or '能回答这个问题的内容'}。"]
        if closest:
            lines.append(f"{CLOSEST_NOTE}：")
            lines += [f"{c.n}. 《{c.title}》：{one_line(c.quote)}" for c in closest]
        elif hits:
            closest = [self._opening(i, h, 60) for i, h in enumerate(hits[:3], 1)]
            lines.append("最接近的资料：")
            lines += [f"{c.n}. 《{c.title}》：{one_line(c.quote)}…" for c in closest]  # one line each, as above
        return Answer(question=question, text="\n".join(lines), refused=True, hits=hits, closest=closest or [])

    def _opening(self, n: int, hit: Hit, chars: int) -> Citation:
        """The first ``chars`` characters of a hit's chunk, as a citation of its document."""
        c = hit.chunk
        return make_citation(n, self.index.docs[c.doc_id], c.start, min(c.end, c.start + chars))

    def _closest(self, q: Question, ranked: list[Scored], n: int = 3) -> list[Citation]:
        r"""The ``n`` best candidate sentences as quote windows, one per place.  Header lines are
        kept: "2024\n01/04" or "办理期限:3个月" answers questions about the document itself.  Of the
        false refusals of gold + heldout1–5, 43 in 88 quote the answer here, against 14 in the
        closest chunks' openings (heldout7, never tuned on: 7 in 13 against 3)."""
        spans: list[tuple[str, int, int]] = []
        for s in ranked:
            a, b = self._trim(q, s)
            if any(d == s.doc_id and a < b0 and a0 < b for d, a0, b0 in spans):
                continue
            spans.append((s.doc_id, a, b))
            if len(spans) == n:
                break
        return [make_citation(i + 1, self.index.docs[d], a, b) for i, (d, a, b) in enumerate(spans)]


# "482", "第482号", "482号建议", "118号呢？": a number alone asks for the proposal's record.
BARE_STRIP = " ？?。！!呢吗啊"
BARE_NUMBER = re.compile(r"第?\s*(\d{1,5})\s*号?\s*(?:建议|提案|议案)?")


def bare_number(question: str) -> str | None:
    """The proposal number a question that is only a number names, without leading zeros.

    >>> bare_number("482"), bare_number("０１１８"), bare_number("四八二"), bare_number("第482号建议？")
    ('482', '118', '482', '482')
    >>> bare_number("482号建议是谁提出的？"), bare_number("十")
    (None, None)
    """
    bare = arabic_numbers(question).strip(BARE_STRIP)
    if 2 <= len(bare) <= 5 and all(c in CN_DIGITS for c in bare):
        bare = str(cn_int(bare))  # "四八二", digit by digit
    m = BARE_NUMBER.fullmatch(bare)
    return str(int(m.group(1))) if m else None


def _names_something(part: str) -> bool:
    """A part that stands on its own: it names something, or asks a field of a document it names
    ("新闻的编辑是谁"), and is no comparison ("哪个答复得更早" is answered by the other parts'
    dates, not on its own)."""
    q = analyse(part)
    return bool(q.number or q.field or q.entities or q.orgs or q.terms) and not compares(part)


__all__ = ["NOT_FOUND", "FIELD_LABELS", "ExtractiveAnswerer", "Citation", "Scored"]
