"""Which documents mention something: "哪些文件提到了灯塔工厂？", "灯塔工厂在哪些文件里出现过？";
and whether one does: "评论有没有提到低空经济？", "118号建议提到过量子计算吗？".

The answer names every document whose text holds the term as written, each with the first
sentence that does, cited; so "哪些文件" is answered from the whole corpus, not from the
five best chunks (which may all come from one document).

    >>> mentioned("哪些文件提到了灯塔工厂？"), mentioned("“缺芯少核”在哪几份材料里出现过？")
    ('灯塔工厂', '缺芯少核')
    >>> mentioned("哪些文件提到了“1030”产业体系？")
    '“1030”产业体系'
    >>> mentioned("苏州有几家灯塔工厂？") is None
    True
    >>> checked("评论有没有提到低空经济？"), checked("118号建议提到过“量子计算”吗？")
    ('低空经济', '量子计算')
    >>> from rag.documents import Document
    >>> docs = [Document("a.txt", "甲。苏州集聚灯塔工厂7家。"), Document("b.txt", "没有。")]
    >>> answer_mentions("哪些文件提到了灯塔工厂？", docs).text
    '资料库中有1份文件提到“灯塔工厂”：\\n1. 《a》：苏州集聚灯塔工厂7家。[1]'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.chunking import sentence_spans
from rag.citations import make_citation, one_line
from rag.compare import compared_docs
from rag.documents import Answer, Document

_DOCS = r"(?:文件|文档|资料|材料|建议|提案|报道|文章|答复函?)"
_ASKED = re.compile(
    rf"(?:哪些|哪几份|哪几篇|哪份|哪篇|几份|多少份){_DOCS}(?:里|中|里面)?(?:都)?(?:提到|提及|涉及|讲到|说到|谈到|出现)(?:了|过)?"
    r"(?P<a>[^？?。，,]{2,24}?)(?:的内容)?[？?。]*$"
    rf"|(?P<b>[^？?。，,]{{2,24}}?)(?:在|出现在)(?:哪些|哪几份|哪份|几份){_DOCS}(?:里|中|里面)?(?:提到|提及|出现|讲到)?(?:过)?[？?。]*$"
)

# "评论有没有提到低空经济", "新闻里是否提到了雁阵效应", "118号建议提到过量子计算吗": does it say X
_VERB = r"(?:提到|提及|涉及|讲到|说到|谈到|写到|出现)(?:了|过)?"
_CHECK = re.compile(
    rf"(?:有没有|是否|有无)(?:也)?{_VERB}(?P<a>[^？?。，,]{{2,24}}?)(?:的内容|这个词|这一说法|这个说法)?[？?。]*$"
    rf"|{_VERB}(?P<b>[^？?。，,]{{2,24}}?)(?:的内容)?(?:了)?吗[？?。]*$"
)
_QUOTES = "[“”\"‘’'「」]*"
# "资料里有没有提到…": the corpus is the scope when no document is named
_CORPUS = re.compile(r"资料|文件|材料|文档|库里|库中")


def _unquoted(term: str) -> str:
    # quotes around the whole term are the asker's; inside it (“1030”产业体系) they are the text's
    return term[1:-1] if len(term) > 2 and term[0] in "“\"" and term[-1] in "”\"" else term


def checked(question: str) -> str | None:
    """The term a "does it mention X" question asks about, or None."""
    m = _CHECK.search(question.strip())
    return _unquoted((m.group("a") or m.group("b")).strip()) if m else None


def mentioned(question: str) -> str | None:
    """The term a "which documents mention X" question asks about, or None."""
    m = _ASKED.search(question.strip())
    if m is None:
        return None
    return _unquoted((m.group("a") or m.group("b")).strip())


def answer_mentions(question: str, docs: Iterable[Document]) -> Answer | None:
    """Every document holding the term, with its first sentence that does, cited; a refusal
    saying so when none does; None when the question is not of this kind."""
    term = mentioned(question)
    if not term:
        return None
    cites = _first_mentions(term, docs)
    if not cites:  # said so: the closest sentences would be about something else
        text = f"资料中未找到：资料库中没有文件提到“{term}”（按原词查找，可换一种说法再试）。"
        return Answer(question=question, text=text, refused=True)
    lines = [f"资料库中有{len(cites)}份文件提到“{term}”："]
    lines += [f"{c.n}. 《{c.title}》：{one_line(c.quote)}[{c.n}]" for c in cites]
    return Answer(question=question, text="\n".join(lines), citations=cites)


def answer_mention_check(question: str, named: list[Document], docs: Iterable[Document]) -> Answer | None:
    """有 with the first sentence of each named document saying the term, cited; or a refusal
    saying the named document does not, with the documents that do; None for other questions."""
    term = checked(question)
    if not term:
        return None
    docs = list(docs)
    # "新闻和评论都提到…了吗": each document named, by kind, number or writer
    both = [d for _, d in compared_docs(question, docs)]
    scope = (both if len(both) > 1 else named or both) or (docs if _CORPUS.search(question) else [])
    if not scope:
        return None
    cites = _first_mentions(term, scope)
    if cites:
        # of documents named, each is answered; of the whole corpus, those that do say it
        silent = [d for d in scope if all(c.doc_id != d.doc_id for c in cites)] if scope is not docs else []
        lines = ["有。" if not silent else "不都提到："]
        lines += [f"《{c.title}》提到“{term}”：{one_line(c.quote)}[{c.n}]" for c in cites]
        lines += [f"《{d.title}》中没有出现“{term}”（按原词查找）。" for d in silent]
        return Answer(question=question, text="\n".join(lines), citations=cites)
    where = "、".join(f"《{d.title}》" for d in scope) if named else "资料库中的文件"
    text = f"资料中未找到：{where}中没有出现“{term}”（按原词查找，可换一种说法再试）。"
    others = _first_mentions(term, [d for d in docs if d not in scope])
    if others:
        text += f"\n其他文件中提到“{term}”的原文：\n" + "\n".join(
            f"{c.n}. 《{c.title}》：{one_line(c.quote)}" for c in others
        )
    return Answer(question=question, text=text, refused=True, closest=others)


def _first_mentions(term: str, docs: Iterable[Document]) -> list:
    """For each document holding ``term`` as written, its first sentence that does, cited."""
    cites = []
    # quotes the asker left out ("1030产业体系" for “1030”产业体系) still match
    loose = re.compile(_QUOTES.join(map(re.escape, term.replace("“", "").replace("”", ""))))
    for doc in docs:
        at = doc.text.find(term)
        if at < 0:
            m = loose.search(doc.text)
            at = m.start() if m else -1
        if at < 0:
            continue
        a, b = next(((a, b) for a, b in sentence_spans(doc.text) if a <= at < b), (at, at + len(term)))
        cites.append(make_citation(len(cites) + 1, doc, a, b))
    return cites
