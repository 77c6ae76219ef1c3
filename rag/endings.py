"""A document's ending and the file attached to its page: "答复函最后说了什么", "482号建议的附件是哪个文件".

``ending`` quotes the last paragraph of the text before the page's fields and signature;
``attachment`` names the file listed under 答复内容 (the reply itself is in it, not in the corpus).
"""

from __future__ import annotations

import re

import jieba

from rag.chunking import sentence_spans
from rag.citations import make_citation, one_line
from rag.documents import Answer, Document
from rag.proposals import reply_field

_LABEL_LINE = re.compile(r"[^\W\d_]{1,16}\s*[:：]")  # "承办单位:" heads the fields below it
_ENDING_WORDS = re.compile(
    r"结尾|结束语|结语|末尾|最后一段|最后一句话|最后一句|最后|致谢语|致谢|感谢语|谢辞|怎么|什么|哪些|哪几|写道|写了|说了|提到|报道|新闻|评论|文章|答复函|答复|建议|提案|那篇|这篇"
    r"|\d+\s*号|[的了是在中里？?，,。]"
)


def ending(question: str, doc: Document) -> Answer | None:
    """The last paragraph of the text, before the page's fields and the signature ("感谢您提出的
    宝贵意见…" of a reply letter)."""
    tail = len(doc.text) * 0.6  # fields standing at the end of the page: 承办单位, 落款, 来源, 作者…
    end = min((f.start for f in doc.meta.values() if f.start >= tail), default=len(doc.text))
    paragraphs = [m for m in re.finditer(r"[^\n]+", doc.text[:end])
                  if m.group(0).strip(" \t(（") and not _LABEL_LINE.fullmatch(m.group(0).strip())]
    if not paragraphs:
        return None
    last = paragraphs[-1]
    a, b = last.start() + len(last.group(0)) - len(last.group(0).lstrip()), last.end()
    # a page that keeps the whole text in one paragraph: its last sentence
    sentences = sentence_spans(doc.text, a, b)
    if b - a > 200 and sentences:
        a = sentences[-1][0]
    # "新闻末尾的免责声明说…哪个网站": a detail the closing text does not hold is not answered by it
    asked = {w for w in jieba.lcut(_ENDING_WORDS.sub(" ", question)) if len(w) >= 2}
    if asked and not any(w in doc.text[a:b] for w in asked):
        return None
    cite = make_citation(1, doc, a, b)
    return Answer(question=question, text=f"《{doc.title}》的结尾写道：{one_line(cite.quote)}[1]", citations=[cite])


def attachment(question: str, doc: Document) -> Answer | None:
    """The file named under the page's 答复内容 (the reply itself is in it, not in the corpus)."""
    found = reply_field(doc.text)[1]
    if found is None:
        return None
    cite = make_citation(1, doc, found.start(), found.end())
    text = f"《{doc.title}》页面所附的文件是“{found.group(0)}”[1]（附件本身没有收进资料库）。"
    return Answer(question=question, text=text, citations=[cite])
