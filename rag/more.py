""""还有呢？": a follow-up asking for more of the previous answer.

The offline answerer then gives the rest of a sentence an earlier answer quoted cut, else the best
trusted sentences that the earlier answers to the same question did not quote
(``MoreAnswers.answer_more``), and says so when nothing more can be trusted, instead of giving the
same answer again.
"""

from __future__ import annotations

import re

from rag.chunking import is_heading, opens_point, split_sentences
from rag.citations import MARKER, compact, make_citation
from rag.documents import Answer, Hit
from rag.extraction import CLAUSE, NEXT_POINT
from rag.followup import previous_question
from rag.history import History
from rag.questions import Question, analyse

# "还有呢？", "还有别的吗", "其他的呢", "再说说": more of the same answer
_MORE = re.compile(
    r"(?:那)?(?:还有(?:呢|吗|没有|别的|其他|其它|什么)?(?:的)?(?:吗|呢|内容|情况|说法)?|其他的?呢|其它的?呢|别的呢"
    r"|再(?:多)?(?:说说|讲讲|说一些|多说点|补充一些|补充点)|继续(?:说|讲)?|接着(?:说|讲)|然后呢|更多|还有更多的?吗?"
    r"|(?:请)?(?:详细|具体|展开)(?:说说|讲讲|说一下|讲一下|介绍一下))[？?。！!]*"
)


def asks_more(question: str) -> bool:
    """The follow-up asks for more of the previous answer and names nothing new.

    >>> asks_more("还有呢？"), asks_more("还有别的吗？"), asks_more("还有苏北呢？"), asks_more("还有多少家？")
    (True, True, False, False)
    >>> asks_more("继续"), asks_more("详细说说"), asks_more("接着说。"), asks_more("详细说说灯塔工厂")
    (True, True, True, False)
    """
    return bool(_MORE.fullmatch(question.strip()))


def asked_more_of(history: History) -> tuple[str, str]:
    """What "还有呢？" asks more of: the last question that was not itself "还有呢", made
    standalone, and every answer given to it since (so a second "还有吗" skips both).

    >>> asked_more_of([("苏州有几家灯塔工厂？", "甲[1]"), ("还有呢？", "乙[1]")])
    ('苏州有几家灯塔工厂？', '甲[1]\\n乙[1]')
    """
    i = len(history) - 1
    while i > 0 and asks_more(history[i][0]):
        i -= 1
    if asks_more(history[i][0]):
        return "", ""
    return previous_question(history[: i + 1]), "\n".join(a for _, a in history[i:])


# how rag/parts.py shows a part: "《标题》答复共4部分，第2部分是：…"
_PART_SHOWN = re.compile(r"《([^《》]{1,80})》[^《》\n]{0,8}共\d+\S{1,3}，第\d+\S{1,3}是：")
_PART_DONE = "这一部分更多的内容（上一回答已引用到这一部分的末尾）"
_NO_MORE = "更多可以确认的相关内容（上一回答已引用资料中找到的内容）"


def quoted_in(sentence: str, said: str, piece: int = 20) -> bool:
    """The sentence, or a ``piece``-character stretch of it (a long one is quoted cut), is in ``said``.

    >>> quoted_in("苏州集聚灯塔工厂7家。", "苏州集聚灯塔工厂7家。[1]"), quoted_in("苏州集聚灯塔工厂7家。", "北京3家")
    (True, False)
    """
    s = compact(sentence)
    starts = [*range(0, max(0, len(s) - piece) + 1, piece // 2), max(0, len(s) - piece)]  # the tail too
    return bool(s) and (s in said or any(s[i : i + piece] in said for i in starts))


class MoreAnswers:
    """The answerer's "还有呢？" (mixed into rag.answering.ExtractiveAnswerer, whose scoring and
    quoting it uses)."""

    def answer_more(self, question: str, hits: list[Hit], shown: str) -> Answer:
        """"还有呢？" after ``question`` was answered with ``shown``: the best trusted sentences the
        earlier answer did not quote, or a refusal saying there is nothing more that can be trusted."""
        q = analyse(question)
        said = compact(MARKER.sub("", shown))
        rest = self._rest_of_part(shown, said)
        if rest is not None and rest[1] == rest[2]:
            return self.refuse(question, [], why=_PART_DONE)
        rest = rest or self._rest_of_cut(q, hits, said)
        if rest is not None:
            cite = make_citation(1, self.index.docs[rest[0]], rest[1], rest[2])
            return Answer(question=question, text=f"{cite.quote}[1]", citations=[cite], hits=hits)
        # more is held to the question's rarest word too: "苏州有几家灯塔工厂" + "还有呢" is not
        # answered by 绿色工厂 (for a first answer this rule refused too much: docs/quality.md)
        return self._quote_best(q, question, hits, skip=lambda t: quoted_in(t, said), why=_NO_MORE, keys=1)

    def _rest_of_part(self, shown: str, said: str) -> tuple[str, int, int] | None:
        """After a part of a document was shown ("答复共4部分，第2部分是：…其中写道：一是…"), the
        sentences that follow the last one quoted, up to twice ``max_chars``, within the part (never
        past the next heading) and within one point (一是…, 二是… come one at a time); an empty
        span at the part's end; None when the earlier answer showed no part."""
        m = _PART_SHOWN.search(shown)
        doc = next((d for d in self.index.docs.values() if m and d.title == m.group(1)), None)
        if doc is None:
            return None
        sents = split_sentences(doc.text, 0, len(doc.text))
        # a heading line and the sentence under it split as one ("2.…数字红利 通过调研发现…"):
        # quoted in pieces; the page's title line, quoted in the answer's 《…》, is no quote
        last = max((i for i, (a, b) in enumerate(sents) if len(compact(doc.text[a:b])) >= 4
                    and quoted_in(doc.text[a:b], said) and not doc.in_fields(a, b)), default=None)
        if last is None:
            return None
        start = end = sents[last][1]
        for a, b in sents[last + 1 :]:
            sentence = doc.text[a:b]
            # the next numbered point ("3.…", "(三)…") ends the part; the next 一是/二是 within it
            # is read on to, one at a time
            if is_heading(sentence) or (opens_point(sentence) and not NEXT_POINT.match(sentence)) or (
                end > start and (b - start > 2 * self.max_chars or NEXT_POINT.match(sentence))
            ):
                break
            start, end = (a, b) if end == start else (start, b)
        return doc.doc_id, start, end

    def _rest_of_cut(self, q: Question, hits: list[Hit], said: str) -> tuple[str, int, int] | None:
        """The clauses after the quoted ones of the best sentence an earlier answer quoted cut
        ("刘小涛指出…目标任务:…量的合理增长," + "还有呢？" → "推动GDP迈上3万亿台阶;…"), up to
        ``max_chars``; None when the best such sentence was quoted whole."""
        for s in self.score_sentences(q, hits)[:5]:
            text = self.index.docs[s.doc_id].text
            if not quoted_in(text[s.start : s.end], said) or compact(text[s.start : s.end]) in said:
                continue
            clauses = [(s.start + m.start(), s.start + m.end()) for m in CLAUSE.finditer(text[s.start : s.end])]
            shown = [i for i, (a, b) in enumerate(clauses) if compact(text[a:b]) in said]
            after = clauses[shown[-1] + 1 :] if shown else []
            if not after:
                return None
            end = next((b for a, b in reversed(after) if b - after[0][0] <= self.max_chars), after[0][1])
            # a short rest goes on into the sentences after it, within the paragraph
            for a, b in split_sentences(text, s.end, min(len(text), s.end + self.max_chars)):
                if b - after[0][0] > self.max_chars or "\n\n" in text[end:a] or is_heading(text[a:b]):
                    break
                end = b
            return s.doc_id, after[0][0], end
        return None
