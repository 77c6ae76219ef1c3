"""What an article is made of: its bracketed section headings (【学习金句】【实践分享】【专家解读】).

A commentary or report published as a web page heads its parts with 【…】; "这篇评论由哪几个栏目组成？"
is answered with those headings, each cited, in order.  Reply letters and proposals number their
parts instead (rag/parts.py answers those).

    >>> from rag.documents import Document
    >>> d = Document("a.txt", "【学习金句】\\n甲。\\n【专家解读】\\n乙。\\n作者: 丙 【编辑:丁】")
    >>> [d.text[a:b] for a, b in bracket_heads(d)]
    ['【学习金句】', '【专家解读】']
    >>> answer_sections("这篇文章由哪几个栏目组成？", [d]).text
    '《a》由2个栏目组成：【学习金句】[1]、【专家解读】[2]。'
    >>> answer_sections("苏州有哪几个产业集群？", [d]) is None
    True
"""

from __future__ import annotations

import re

from rag.citations import make_citation
from rag.documents import Answer, Document

# "由哪几个栏目组成", "分为哪几部分", "有几个板块", "栏目有哪些"
_ASKS = re.compile(
    r"(?:由|分为?|分成|包括|包含|有)(?:哪几|哪些|几|多少)(?:个|大)?(?:栏目|部分|板块|版块|小节|单元)"
    r"|(?:栏目|板块|版块)(?:有|是|都有|分别是)(?:哪些|什么|哪几个)"
)
# a heading line "【学习金句】"; not a byline's "【编辑:曹子健】"
_HEAD = re.compile(r"(?m)^[ \t\u3000]*(【[^】:：\n]{2,12}】)[ \t\u3000]*$")


def asks_sections(question: str) -> bool:
    return bool(_ASKS.search(question))


def bracket_heads(doc: Document) -> list[tuple[int, int]]:
    """Spans of the document's 【…】 heading lines, in order."""
    return [m.span(1) for m in _HEAD.finditer(doc.text)]


def answer_sections(question: str, named: list[Document]) -> Answer | None:
    """The 【…】 headings of the first named document that has two or more; None otherwise."""
    if not asks_sections(question):
        return None
    for doc in named:
        heads = bracket_heads(doc)
        if len(heads) < 2:
            continue
        cites = [make_citation(i + 1, doc, a, b) for i, (a, b) in enumerate(heads)]
        listed = "、".join(f"{c.quote}[{c.n}]" for c in cites)
        return Answer(question=question, text=f"《{doc.title}》由{len(cites)}个栏目组成：{listed}。", citations=cites)
    return None
