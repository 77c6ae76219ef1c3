"""The offline default answerer: extractive, sentence-level, every sentence cited.

1. Metadata questions ("482号建议是谁提出的？") are answered from the parsed
   fields of the document they name, citing the passage the field was read from.
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

Every weight and threshold here was set by measurement on CMRC2018 trial and the
gold set (docs/quality.md records what was tried and what it gave).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.chunking import split_sentences
from rag.citations import MARKER, make_citation
from rag.documents import Answer, Citation, Document, Hit
from rag.embedding import Encoder
from rag.index import Index
from rag.lexical import bigrams, words
from rag.questions import Question, analyse, expand

NOT_FOUND = "资料中未找到"
_NUM = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|万亿|亿|万|千|家|个|项|名|人|倍|元|吨|座|所|台|辆|种|年|TEU)")
_CN_NUM = re.compile(r"[一二三四五六七八九十百千两半]+(?:成|分之[一二三四五六七八九十]+|个|项|家)")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}|\d{1,2}月")
_ORG = re.compile(r"\w{1,12}(?:[厅局委部办]|中心|公司|大学|学院|研究院|研究所|学会|协会|集团|政府|银行|医院|电视台|学校|中学)")
_PLACE = re.compile(r"\w{0,8}(?:国|省|市|县|州|区|镇|村|岛|山|河|湖|洲|城)(?![\w])|位于|出生于|生于")
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}(?=[（(，,]?(?:饰|指出|表示|认为|提出|说|担任|任|主演|创办|发明|发现|所著|著|写))")
_REASON = re.compile(r"因为|由于|原因|导致|所以|因此|为了|因其|故而|以致|从而|故")
_KIND = {
    "number": re.compile(_NUM.pattern + "|" + _CN_NUM.pattern + r"|\d+(?:\.\d+)?"),
    "date": re.compile(_DATE.pattern + r"|[一二三四五六七八九十〇]{2,4}年|\d{1,4}年代|世纪|朝|初|末"),
    "org": _ORG,
    "place": _PLACE,
    "person": _PERSON,
}
# (what the question asks, how texts usually state it): general Chinese phrasing, not corpus facts.
_RELATION_CUES = [
    (re.compile(r"别名|别称|又称|又叫|还叫|也叫|俗称|简称|称之为|称为什么|又被称"),
     re.compile(r"又称|别称|别名|也称|亦称|俗称|简称|又名|或称|也叫|又叫|称为|称作|统称")),
    (re.compile(r"得名|名字.{0,4}来|命名|为什么叫|为何叫|因何得名"), re.compile(r"得名|命名|故名|名字|因此|称为|以此")),
    (re.compile(r"出生|生于|哪里人|哪儿的人|籍贯|出身"), re.compile(r"出生|生于|人[，,。]|籍贯|出身")),
    (re.compile(r"什么是|是什么|指什么|是指|定义"), re.compile(r"是指|指的是|是一[种个类部座家名]|为一[种个类部座]|[，,]?是\w{0,20}的")),
    (re.compile(r"毕业|就读|学历"), re.compile(r"毕业|就读|学位|学习")),
    (re.compile(r"职务|职位|担任|任职|官职|什么官"), re.compile(r"任|担任|出任|升任|官至|职")),
    (re.compile(r"特点|特征|外形|形态|颜色|样子"), re.compile(r"呈|为|有|色|形")),
    (re.compile(r"作用|功能|用途|功效|用于|目的|目标"), re.compile(r"用于|用来|可以|能够|作用|功能|目的|目标|旨在|以便|为了")),
]
# Bigrams and words that only say "this is a question".
_QUESTION_WORD = re.compile(r"什么|哪|谁|几|多少|何|怎|吗|呢")
_NUMBER_TERM = re.compile(r"第?\s*\d{1,5}\s*号(?:建议|提案|议案)?(?=建议|提案|议案|答复|的|$)")
# A sentence opening that points back at the one before it.
_BACK_REFERENCE = re.compile(r"(?:因此|所以|故|这|此|该|其|它|他|她|牠)")
_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")


@dataclass
class Scored:
    doc_id: str
    start: int
    end: int
    score: float
    coverage: float
    rank: int
    semantic: float = 0.0  # cosine of question and sentence vectors (0 without an encoder)


class ExtractiveAnswerer:
    """Picks and quotes sentences; needs the index for document texts and IDF.

    ``max_chars``: longest quote (a longer sentence is cut to its best clause window);
    ``min_coverage``: share of the question's IDF weight the best evidence (sentence,
    the sentence before it, title and heading) must hold, else 资料中未找到.
    Both were set by measurement (docs/quality.md).
    """

    def __init__(
        self, index: Index, max_chars: int = 120, min_coverage: float = 0.2, encoder: Encoder | None = None
    ) -> None:
        self.index = index
        self.max_chars = max_chars
        self.min_coverage = min_coverage
        # Optional sentence encoder (the index's): reranks the best lexical candidates by meaning
        # and lets a paraphrase with few shared words be trusted.  None = lexical only.
        self.encoder = encoder

    # -- entry point -----------------------------------------------------------
    def answer(self, question: str, hits: list[Hit]) -> Answer:
        parts = split_question(question)
        if len(parts) > 1:
            return self._answer_parts(question, parts, hits)
        return self._answer_one(question, hits)

    def _answer_parts(self, question: str, parts: list[str], hits: list[Hit]) -> Answer:
        """"A？B？" is answered part by part; when no part can be answered alone ("各是哪天？"
        needs the part before it), the question is answered as a whole."""
        answers = [self._answer_one(p, hits) for p in parts]
        done = [a for a in answers if not a.refused]
        if not done:
            return self._answer_one(question, hits)
        cites: list[Citation] = []
        text = []
        for a in done:
            renum = {c.n: len(cites) + i + 1 for i, c in enumerate(a.citations)}
            for c in a.citations:
                cites.append(Citation(**{**c.to_dict(), "n": renum[c.n]}))
            text.append(MARKER.sub(lambda m, r=renum: f"[{r.get(int(m.group(1)), m.group(1))}]", a.text))
        return Answer(question=question, text="".join(text), citations=cites, hits=hits)

    def _answer_one(self, question: str, hits: list[Hit]) -> Answer:
        q = analyse(question)
        meta = self.answer_from_metadata(q)
        if meta is not None:
            return meta
        if q.number:
            hits = [h for h in hits if self.index.docs[h.chunk.doc_id].value("number") == q.number] or hits
        ranked = self.score_sentences(q, hits)
        if ranked and self.encoder is not None:
            ranked = self._rerank(question, ranked)
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
            key = next((k for k in (q.field, *FIELD_FALLBACK.get(q.field, ())) if doc.value(k)), None)
            if key is None:
                continue
            f = doc.meta[key]
            cite = make_citation(1, doc, f.start, f.end)
            label = FIELD_LABELS.get(key, key)
            subject = f"第{q.number}号建议（{doc.title}）" if q.number else f"《{doc.title}》"
            text = f"{subject}的{label}是{f.value}。[1]"
            return Answer(question=q.text, text=text, citations=[cite])
        return None

    def _docs_named(self, q: Question) -> list[Document]:
        docs = list(self.index.docs.values())
        if q.number:
            return [d for d in docs if d.value("number") == q.number]
        named = [d for d in docs if d.value("proposer") and d.value("proposer") in q.text]
        return named or [d for d in docs if len(d.value("title")) >= 6 and d.value("title")[2:12] in q.text]

    # -- sentences ---------------------------------------------------------------
    def score_sentences(self, q: Question, hits: list[Hit]) -> list[Scored]:
        weights = self._term_weights(q.text)
        seen: set[tuple[str, int]] = set()
        out: list[Scored] = []
        for rank, hit in enumerate(hits):
            c = hit.chunk
            text = self.index.docs[c.doc_id].text
            # Terms of the title pick the document, not the sentence: they are left out here.
            sent_weights = {t: w for t, w in weights.items() if t not in c.title.lower()} or weights
            prev = ""
            for s, e in split_sentences(text, c.start, c.end):
                sent = text[s:e]
                if (c.doc_id, s) not in seen and _novelty(sent, q.text) >= self.min_novelty:
                    seen.add((c.doc_id, s))
                    ctx = _coverage(weights, f"{c.title} {c.heading} {prev} {sent}")
                    cov = _coverage(sent_weights, sent)
                    kind = _type_bonus(q, sent) + _cue_bonus(q.text, sent)
                    score = cov + self.w_ctx * ctx + self.w_type * kind + self.w_rank / (1 + rank)
                    out.append(Scored(c.doc_id, s, e, score, ctx, rank))
                prev = sent
        out.sort(key=lambda x: -x.score)
        return out

    w_ctx, w_type, w_rank = 0.6, 0.2, 0.5
    expand = True  # write out 沪/首都/AI… before matching (questions.expand)
    min_novelty = 0.0  # share of a sentence's characters the question does not already contain

    def _term_weights(self, question: str) -> dict[str, float]:
        """IDF of the question's words, half the IDF for its character bigrams; question words dropped."""
        bm = self.index.bm25
        # "118号建议" picks the document (hits are filtered by number); in its sentences it is noise.
        number = _NUMBER_TERM.sub("", expand(question)) if self.expand else _NUMBER_TERM.sub("", question)
        w = {t: bm.idf(t) for t in words(number) if not _QUESTION_WORD.search(t)}
        for t in bigrams(number):
            if not _QUESTION_WORD.search(t):
                w.setdefault(t, 0.5 * bm.idf(t))
        return w

    # Measured on CMRC trial: +1.2 points answer hit at ~20 ms per question; trusting a low-
    # coverage sentence for its cosine alone gained nothing on the gold paraphrases (sem_trust > 1 = off).
    w_sem, sem_top, sem_trust = 1.0, 8, 2.0

    def _rerank(self, question: str, ranked: list[Scored]) -> list[Scored]:
        """Add ``w_sem`` × cosine(question, sentence) to the ``sem_top`` best lexical candidates."""
        top = ranked[: self.sem_top]
        texts = [self.index.docs[s.doc_id].text[s.start : s.end] for s in top]
        qv = self.encoder.encode([question], query=True)[0]
        for s, cos in zip(top, self.encoder.encode(texts) @ qv, strict=True):
            s.semantic = float(cos)
            s.score += self.w_sem * s.semantic
        return sorted(top, key=lambda x: -x.score) + ranked[self.sem_top :]

    def _trusted(self, q: Question, best: Scored) -> bool:
        if best.coverage < self.min_coverage and best.semantic < self.sem_trust:
            return False
        doc = self.index.docs[best.doc_id]
        weak = best.coverage < self.kind_below
        sentence = doc.text[best.start : best.end]
        if weak and (not _has_kind(q, sentence) or _novelty(sentence, q.text) < self.weak_novelty):
            return False
        if self.key_terms and not self._key_terms_near(q, best, doc):
            return False
        if not all(o in doc.text for o in q.orgs):
            return False
        # Named places, people and years must be near the evidence, not just anywhere in the
        # document: "无锡" in a Suzhou report's company name does not make it about Wuxi.
        # A year may be written without 年 ("2024\n01/04").
        near = doc.title + doc.text[max(0, best.start - self.entity_window) : best.end + self.entity_window]
        return all(e in near or (e.endswith("年") and e[:-1] in near) for e in q.entities)

    entity_window = 300
    # Weaker evidence than this must hold the kind of answer asked for (number, date, person).
    kind_below = 0.6
    weak_novelty = 0.1  # ...and must say something the question does not ("陆惠芬代表:")
    key_terms = 0  # >0: the question's rarest words that must be in the evidence (measured: hurts, off)

    def _key_terms_near(self, q: Question, best: Scored, doc: Document) -> bool:
        """The rarest words of the question (by IDF, two characters or more; two of them when the
        question has three or more) are in the evidence: the best sentence, the text just before
        it, or the title.  "选区" that the corpus never mentions, or "科学技术" far from the
        "局长" sentence, means the question is not answered there."""
        bm = self.index.bm25
        cands = list(dict.fromkeys(w for w in words(q.text) if len(w) >= 2 and not _QUESTION_WORD.search(w)))
        n = self.key_terms if len(cands) >= 3 else min(self.key_terms, 1)
        keys = sorted(cands, key=bm.idf, reverse=True)[:n]
        evidence = f"{doc.title} {doc.text[max(0, best.start - 80) : best.end]}".lower()
        return all(k in evidence for k in keys)

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
            score = _coverage(weights, span) + 0.25 * _type_bonus(q, span)
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
        if _BACK_REFERENCE.match(text[a:b]) and i > 0 and b - sents[i - 1][0] <= self.max_chars:
            a = sents[i - 1][0]
        for a2, b2 in sents[i + 1 :]:
            if b2 - a > self.max_chars or "\n\n" in text[b:a2]:
                break  # within the paragraph only
            b = b2
        return a, b


# A reply letter names its answering unit and date in the signature instead.
FIELD_FALLBACK = {
    "host_unit": ("sign_unit",),
    "sign_unit": ("host_unit",),
    "reply_date": ("sign_date",),
    "sign_date": ("reply_date",),
}

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
    "session": "提出会议",
}


_ANY_NUMBER = re.compile(r"\d+(?:\.\d+)?[ \t]*(?:%|％|[\u4e00-\u9fffA-Za-z])|[一二两三四五六七八九十百千万]+[\u4e00-\u9fff]")
_ANY_DATE = re.compile(r"\d{1,4}\s*[年月日]|\d{4}-\d{1,2}|[一二三四五六七八九十〇]+[年月日]|世纪|年代|朝|初年|末年|时期")


def _has_kind(q: Question, text: str) -> bool:
    """Whether ``text`` holds the kind of answer a number/date/person question asks for,
    beyond what the question itself says ("建议号：482" is no answer to a phone number)."""
    if q.want == "number":
        return any(m.group(0) not in q.text for m in _ANY_NUMBER.finditer(text))
    if q.want == "date":
        return any(m.group(0) not in q.text for m in _ANY_DATE.finditer(text))
    if q.want == "person":
        import jieba.posseg as pseg

        return any(
            flag in ("nr", "nrt", "nrfg", "nt", "nz") and len(w) >= 2 and w not in q.text
            for w, flag in pseg.lcut(text)
        )
    return True


def split_question(question: str) -> list[str]:
    """Several questions in one ("A？B？") as parts of at least four characters.

    >>> split_question("广东有几个万亿元级产业集群？苏州又有几个万亿级产业？")
    ['广东有几个万亿元级产业集群？', '苏州又有几个万亿级产业？']
    >>> split_question("苏州有几家灯塔工厂？")
    ['苏州有几家灯塔工厂？']
    """
    parts = [p for p in re.findall(r"[^？?]+[？?]?", question) if len(p.strip("？? ")) >= 4]
    return parts if len(parts) > 1 else [question]


def _novelty(sent: str, question: str) -> float:
    """Share of the sentence's characters (letters, digits, CJK) that the question lacks.

    >>> _novelty("陆惠芬代表:", "陆惠芬代表是哪个选区选出的人大代表？")
    0.0
    """
    chars = [c for c in sent if c.isalnum()]
    if not chars:
        return 0.0
    return sum(c not in question for c in chars) / len(chars)


def _coverage(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    low = text.lower()
    return sum(w for t, w in weights.items() if t in low) / total


def _type_bonus(q: Question, sent: str) -> float:
    """1.0 when the sentence holds the kind of answer asked for, beyond what the question says."""
    want = q.want
    pattern = _KIND.get(want)
    if pattern is not None:
        return 1.0 if any(m.group(0) not in q.text for m in pattern.finditer(sent)) else 0.0
    if want == "list":
        return 0.5 if "、" in sent or re.search(r"[一二三四]是", sent) else 0.0
    if want == "reason":
        return 1.0 if _REASON.search(sent) else 0.0
    return 0.0


def _cue_bonus(question: str, sent: str) -> float:
    """1.0 when the sentence uses the wording a relation asked about is usually stated with."""
    for asked, said in _RELATION_CUES:
        if asked.search(question) and said.search(sent):
            return 1.0
    return 0.0


__all__ = ["NOT_FOUND", "ExtractiveAnswerer", "Citation"]
