"""Which documents mention something: "哪些文件提到了灯塔工厂？", "灯塔工厂在哪些文件里出现过？".

The answer names every document whose text holds the term as written, each with the first
sentence that does, cited; so "哪些文件" is answered from the whole corpus, not from the
five best chunks (which may all come from one document).

    >>> mentioned("哪些文件提到了灯塔工厂？"), mentioned("“缺芯少核”在哪几份材料里出现过？")
    ('灯塔工厂', '缺芯少核')
    >>> mentioned("哪些文件提到了“1030”产业体系？")
    '“1030”产业体系'
    >>> mentioned("苏州有几家灯塔工厂？") is None
    True
    >>> from rag.documents import Document
    >>> docs = [Document("a.txt", "甲。苏州集聚灯塔工厂7家。"), Document("b.txt", "没有。")]
    >>> answer_mentions("哪些文件提到了灯塔工厂？", docs).text
    '资料库中有1份文件提到“灯塔工厂”：\\n1. 《a》：苏州集聚灯塔工厂7家。[1]'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.citations import make_citation, one_line
from rag.documents import Answer, Document
from rag.parts import sentence_spans

_DOCS = r"(?:文件|文档|资料|材料|建议|提案|报道|文章|答复函?)"
_ASKED = re.compile(
    rf"(?:哪些|哪几份|哪几篇|哪份|哪篇|几份|多少份){_DOCS}(?:里|中|里面)?(?:都)?(?:提到|提及|涉及|讲到|说到|谈到|出现)(?:了|过)?"
    r"(?P<a>[^？?。，,]{2,24}?)(?:的内容)?[？?。]*$"
    rf"|(?P<b>[^？?。，,]{{2,24}}?)(?:在|出现在)(?:哪些|哪几份|哪份|几份){_DOCS}(?:里|中|里面)?(?:提到|提及|出现|讲到)?(?:过)?[？?。]*$"
)


def mentioned(question: str) -> str | None:
    """The term a "which documents mention X" question asks about, or None."""
    m = _ASKED.search(question.strip())
    if m is None:
        return None
    term = (m.group("a") or m.group("b")).strip()
    # quotes around the whole term are the asker's; inside it (“1030”产业体系) they are the text's
    return term[1:-1] if len(term) > 2 and term[0] in "“\"" and term[-1] in "”\"" else term


def answer_mentions(question: str, docs: Iterable[Document]) -> Answer | None:
    """Every document holding the term, with its first sentence that does, cited; a refusal
    saying so when none does; None when the question is not of this kind."""
    term = mentioned(question)
    if not term:
        return None
    cites = []
    for doc in docs:
        at = doc.text.find(term)
        if at < 0:
            continue
        a, b = next(((a, b) for a, b in sentence_spans(doc.text) if a <= at < b), (at, at + len(term)))
        cites.append(make_citation(len(cites) + 1, doc, a, b))
    if not cites:  # said so: the closest sentences would be about something else
        text = f"资料中未找到：资料库中没有文件提到“{term}”（按原词查找，可换一种说法再试）。"
        return Answer(question=question, text=text, refused=True)
    lines = [f"资料库中有{len(cites)}份文件提到“{term}”："]
    lines += [f"{c.n}. 《{c.title}》：{one_line(c.quote)}[{c.n}]" for c in cites]
    return Answer(question=question, text="\n".join(lines), citations=cites)
