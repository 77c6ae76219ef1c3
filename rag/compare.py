"""Questions that compare what two or more documents say: "新闻和482号建议说的灯塔工厂数量一致吗？",
"118号和482号建议对人才的看法有什么不同？".

Each document named gets its own best trusted sentence on the rest of the question, side by side,
each cited; a document that says nothing on it is said so.  No verdict is drawn: whether two
wordings agree is the reader's call, made on the quotes.

>>> asks_compare("新闻和482号建议说的灯塔工厂数量一致吗？"), asks_compare("苏州有几家灯塔工厂？")
(True, False)
>>> compared_topic("新闻和482号建议说的灯塔工厂数量一致吗？", ["新闻", "482号建议"])
'灯塔工厂数量'
>>> compared_topic("118号和482号建议对人才的看法有什么不同？", ["118号", "482号建议"])
'人才'
"""

from __future__ import annotations

import re

from rag.citations import MARKER, Citation
from rag.cue_words import KIND_NAMES, names_field
from rag.documents import Answer, Document, Hit
from rag.questions import analyse

# "一致吗", "是否相同", "有什么不同", "有何异同", "说法矛盾吗"
_COMPARE = re.compile(
    r"(?:是否|是不是)?(?:一致|相同|一样|相符|矛盾|冲突)(?:吗|么|呢)?[？?]?$"
    r"|(?:有|存在)?(?:什么|哪些|何)(?:不同|区别|差别|差异|异同)|异同"
)
_NUMBER = re.compile(r"(?<!\d)(\d{1,5})\s*号(?:建议|提案|议案|答复函?)?")
_BOTH_PROPOSALS = re.compile(r"(?:两|2)(?:份|个|篇)(?:建议|提案)")
# what is left of "A和B对X的看法/说法/提法" once A and B are gone: X
_FILLER = re.compile(
    r"^(?:和|与|跟|同|及|、|对|关于|在|里|中|说的|讲的|提到的|写的|的)+"
    r"|(?:的)?(?:看法|说法|提法|观点|态度|表述|描述|数据|内容)?(?:是否|是不是)?$"
)


def asks_compare(question: str) -> bool:
    return bool(_COMPARE.search(question.strip()))


def name_forms(name: str) -> list[str]:
    """How a question may write a proposer's or author's name: as the page does, or without 市.

    >>> name_forms("市致公党"), name_forms("胡伏原"), name_forms("")
    (['市致公党', '致公党'], ['胡伏原'], [])
    """
    return [n for n in dict.fromkeys([name, name.removeprefix("市")]) if len(n) >= 2]


def filed_by(question: str, docs) -> list[tuple[int, str, Document]]:
    """The documents whose proposer or author the question names, with where and how.

    >>> from rag.documents import Field
    >>> d = Document("118.txt", "x", {"proposer": Field("市致公党", 0, 1)})
    >>> [(i, name) for i, name, _ in filed_by("致公党建议学习哪里？", [d])]
    [(0, '致公党')]
    """
    found = []
    for d in docs:
        for key in ("proposer", "author"):
            name = next((n for n in name_forms(d.value(key)) if n in question), None)
            if name is not None:
                found.append((question.index(name), name, d))
    return found


def writer_names(docs) -> dict[str, set[str]]:
    """Each proposer's and author's name, also without 市 (市致公党 is 致公党), to its documents.

    >>> from rag.documents import Field
    >>> writer_names([Document("118.txt", "x", {"proposer": Field("市致公党", 0, 1)})])
    {'市致公党': {'118.txt'}, '致公党': {'118.txt'}}
    """
    names: dict[str, set[str]] = {}
    for d in docs:
        for key in ("proposer", "author"):
            for name in name_forms(d.value(key)):
                names.setdefault(name, set()).add(d.doc_id)
    return names


def compared_docs(question: str, docs: list[Document]) -> list[tuple[str, Document]]:
    """The documents the question names, with the words that name them, in the question's order:
    by number (118号), by proposer or author (胡伏原), by a kind the corpus holds once (新闻)."""
    found: list[tuple[int, str, Document]] = []
    for m in _NUMBER.finditer(question):
        found += [(m.start(), m.group(0), d) for d in docs if d.value("number") == m.group(1)]
    found += filed_by(question, docs)
    for kind, pattern in KIND_NAMES.items():
        of_kind = [d for d in docs if d.kind == kind]
        m = pattern.search(question)
        if m and len(of_kind) == 1:
            found.append((m.start(), m.group(0), of_kind[0]))
    if _BOTH_PROPOSALS.search(question):
        found += [(_BOTH_PROPOSALS.search(question).start(), "", d) for d in docs if d.kind in ("建议", "提案")]
    out: list[tuple[str, Document]] = []
    for _, words, doc in sorted(found, key=lambda f: f[0]):
        if all(doc is not d for _, d in out):
            out.append((words, doc))
    return out


def compared_topic(question: str, names: list[str]) -> str:
    """What is compared: the question without the documents' names and the comparing words."""
    topic = _COMPARE.sub("", question.strip())
    for name in sorted(filter(None, names), key=len, reverse=True):
        topic = topic.replace(name, " ")
    topic = re.sub(r"[（）()“”\"，,。？?\s]+", " ", topic).strip()
    pieces = [_FILLER.sub("", p) for p in topic.split()]
    return max(pieces, key=len, default="")


class CompareAnswers:
    """The answerer's comparisons (mixed into rag.answering.ExtractiveAnswerer, whose search,
    scoring and trust rules it uses)."""

    def answer_compare(self, question: str) -> Answer | None:
        """Each named document's cited sentence on the compared topic; None when the question
        compares no two documents or names no topic."""
        if not asks_compare(question) or names_field(question):
            return None  # "答复时间有什么不同": the fields answer (rag/fields.py)
        named = compared_docs(question, list(self.index.docs.values()))
        topic = compared_topic(question, [w for w, _ in named])
        if len(named) < 2 or len(topic) < 2:
            return None
        lines, cites = [], []
        for _, doc in named:
            one = self._quote_best(analyse(topic), topic, self._doc_hits(doc, topic))
            if one.refused:
                lines.append(f"《{doc.title}》：未找到关于“{topic}”的内容。")
                continue
            shift = len(cites)
            cites += [Citation(**{**c.to_dict(), "n": c.n + shift}) for c in one.citations]
            body = MARKER.sub(lambda m, s=shift: f"[{int(m.group(1)) + s}]", one.text)
            lines.append(f"《{doc.title}》：{body}")
        if not cites:
            return None  # neither says anything on it: the usual refusal, with its closest sentences
        lines.append("以上为各文件的原文，是否一致请对照判断。")
        return Answer(question=question, text="\n".join(lines), citations=cites)

    def _doc_hits(self, doc: Document, topic: str, k: int = 5) -> list[Hit]:
        """The best BM25 chunks of one document for ``topic``."""
        rows = [r for r, _ in self.index.bm25.search(topic, 400) if self.index.chunks[r].doc_id == doc.doc_id]
        return [Hit(chunk=self.index.chunks[r], score=0.0, ranks={}) for r in rows[:k]]
