"""Questions about a document's fields, answered from what its page records.

``FieldAnswers`` is the part of ``rag.answering.ExtractiveAnswerer`` that answers "482号建议是谁
提出的？", "1002号建议的答复是谁签发的？" or a bare "482": the field asked about (rag/questions.py:
FIELD_CUES), read from the document the question names by number, proposer, kind or title, and
cited from the passage it was read from.  It reads the answerer's index and uses its ``refuse``.
"""

from __future__ import annotations

import re

from rag.citations import NOT_FOUND, make_citation, one_line
from rag.confirm import confirmed_field, verdict
from rag.cue_words import FIELD_FALLBACK, FIELD_LABELS, KIND_NAMES
from rag.documents import Answer, Citation, Document, Field
from rag.overview import PROPOSAL_KINDS, no_reply_text, reply_letter
from rag.questions import Question


class FieldAnswers:
    """Answers from parsed metadata fields (mixin of ``ExtractiveAnswerer``)."""

    def answer_from_metadata(self, q: Question, named: list[Document] | None = None) -> Answer | None:
        """The field asked about, read from the document the question names (by number,
        proposer or title), e.g. 第482号建议（…）的主办单位是…。[1]; None when the question asks
        no field or no named document has it; a refusal for a number no document has."""
        if not q.field or (q.field == "title" and _SUBHEADING.search(q.text)):
            return None  # "那一小节的标题" asks a section's heading, not the document's title
        docs = self._docs_named(q) if named is None else named
        if q.number and not docs:
            return self.refuse(q.text, [], f"第{q.number}号建议或提案")
        for doc in docs:
            if q.field in ("sign_unit", "sign_date") and "答复" in q.text and self._reply_missing(doc):
                return no_reply_text(q.text, doc)  # "482号建议的答复函落款": the letter is not here
            keys = (q.field, *FIELD_FALLBACK.get(q.field, ()))
            unnamed = ""
            if q.field == "role":  # the handling field that names the unit asked about, if any
                keys = tuple(k for k in _ROLE_FIELDS if any(self._norm(o) in self._norm(doc.value(k)) for o in q.orgs if o))
                if not keys and q.orgs:  # "市发改委…是什么角色": not among the units; which are
                    keys, unnamed = ("host_unit",), f"办理单位中没有写到{q.orgs[0]}："
            if q.field == "title" and doc.kind == "答复函" and "答复" not in q.text:
                keys = ("proposal_title", *keys)  # "第1002号建议的题目": the proposal's, not the letter's
            key = next((k for k in keys if doc.value(k)), None)
            if key is None:
                empty = _EMPTY_FIELD.get(q.field)
                m = empty.search(doc.text) if empty is not None else None
                if m is not None:  # "协办" with nothing after it: say the page leaves it blank
                    cite = make_citation(1, doc, m.start(), m.start() + len(m.group(0).rstrip()))
                    label = FIELD_LABELS.get(q.field, q.field)
                    return Answer(question=q.text, text=f"《{doc.title}》的{label}一栏为空（没有{label}）。[1]",
                                  citations=[cite])
                continue
            f = doc.meta[key]
            span = self._field_span(doc, f, q.number)
            label = field_label(doc, key)
            if span is None or doc.kind == "答复函":
                span, subject = (f.start, f.end), f"《{doc.title}》"
            else:
                word = "提案" if "提案" in q.text else "建议"  # the user's own word for it
                subject = f"《{doc.title}》（{word}号{q.number}）"
            cites = [make_citation(1, doc, *span)]
            if contact := _ASKS_CONTACT.search(q.text):  # "建议人陆惠芬的联系电话": the page gives none
                return Answer(question=q.text, text=f"{NOT_FOUND}{f.value}的{contact.group(0)}。\n资料中的{label}（请核对）：\n"
                              f"1. 《{doc.title}》：{one_line(cites[0].quote)}", refused=True, closest=cites)
            text = (
                f"{subject}答复的是《{f.value}》。[1]" if key == "proposal_title" else f"{subject}的{label}是{f.value}。[1]"
            )
            field, claim = confirmed_field(q.text)
            if claim and field in keys:  # "…是市致公党提的吧": whether the page bears it out, first
                text = verdict(self._norm(claim), self._norm(f.value)) + text
            asked = _asked_of_person(q.text)
            byline = _byline(doc, f) if key == "author" and asked else None
            if byline is not None:  # "评论作者是哪个单位的": the byline naming the author says it
                cites.append(make_citation(2, doc, *byline))
                text += f"署名为：{cites[1].quote}。[2]"
            elif key in ("proposer", "author") and asked and doc.value("proposer_role") != "组织":
                # "建议人是哪个单位/党派的", "…是哪里的代表": a person; what is asked of them is not given
                text += f"资料中没有写明其{asked}。"
            co = doc.meta.get("co_units")
            if key == "host_unit" and co is not None and co.value and (_ASKS_ALL_UNITS.search(q.text) or unnamed):
                cites.append(make_citation(2, doc, co.start, co.end))  # 承办 = 主办 + 协办
                text = f"{text.removesuffix('。[1]')}[1]，{FIELD_LABELS['co_units']}是{co.value}。[2]"
            text = unnamed + text
            return Answer(question=q.text, text=text, citations=cites)
        return None

    def _reply_missing(self, doc: Document) -> bool:
        """``doc`` is a proposal whose reply letter the corpus does not hold."""
        number = doc.value("number")
        return doc.kind in PROPOSAL_KINDS and not (number and reply_letter({number}, self.index.docs.values()))

    @staticmethod
    def _field_span(doc: Document, f: Field, number: str | None) -> tuple[int, int] | None:
        """The passage to cite when the answer names the proposal number too: the field's,
        widened to the number when they stand together (a header line), so every figure
        of the sentence is in what it cites; None when they stand apart."""
        num = doc.meta.get("number")
        if not number or num is None:
            return None
        a, b = min(f.start, num.start), max(f.end, num.end)
        return (a, b) if b - a <= 120 else None

    def record_card(self, question: str, number: str) -> Answer:
        """《标题》（建议号N）：建议人…[1]；主办单位…[2]；答复时间…[3]。 — each field cited."""
        docs = [d for d in self.index.docs.values() if d.value("number") == number]
        if not docs:
            return self.refuse(question, [], f"第{number}号建议或提案")
        doc = docs[0]
        parts: list[str] = []
        cites: list[Citation] = []
        for key in CARD_FIELDS:
            f = doc.meta.get(key)
            if f is None or not f.value:
                continue
            span = (self._field_span(doc, f, number) if not cites else None) or (f.start, f.end)
            cites.append(make_citation(len(cites) + 1, doc, *span))
            parts.append(f"{field_label(doc, key)}{f.value}[{len(cites)}]")
        if not cites:
            return self.refuse(question, [], f"第{number}号的办理信息")
        text = f"《{doc.title}》（编号{number}）：" + "；".join(parts) + "。"
        return Answer(question=question, text=text, citations=cites)

    def _docs_named(self, q: Question) -> list[Document]:
        docs = list(self.index.docs.values())
        if q.number:
            return [d for d in docs if d.value("number") == q.number]
        named = [d for d in docs if any(d.value(k) and d.value(k) in q.text for k in ("proposer", "author"))]
        named = named or [d for d in docs if _title_named(d.value("title"), q.text)]
        # "评论文章的作者是谁？": named by its kind, when the corpus holds one document of it
        kinds = [d for d in docs if d.kind in KIND_NAMES and KIND_NAMES[d.kind].search(q.text)]
        return named or (kinds if len(kinds) == 1 else [])


_ROLE_FIELDS = ("host_unit", "co_units", "consulted_units")

# The page's own word for who filed it: "提案人: 孙丽" is not answered "建议人是孙丽".
_FILER_LABEL = re.compile(r"(建\s*议\s*人|提\s*案\s*人|领\s*衔\s*人)")


def field_label(doc: Document, key: str) -> str:
    """The label an answer gives a field: the page's own for the filer, else ``FIELD_LABELS``'s.

    >>> from rag.documents import Field
    >>> field_label(Document("a.txt", "提案人: 孙丽", {"proposer": Field("孙丽", 0, 7)}), "proposer")
    '提案人'
    >>> field_label(Document("b.txt", "x"), "host_unit")
    '主办单位'
    """
    f = doc.meta.get(key)
    m = _FILER_LABEL.match(doc.text, f.start) if key == "proposer" and f else None
    return re.sub(r"\s", "", m.group(1)) if m else FIELD_LABELS.get(key, key)


# A field whose label stands with nothing after it on the page ("协办\n办理期限:3个月").
_EMPTY_FIELD = {"co_units": re.compile(r"(?m)^\s*协办\s*[:：]?\s*$")}
_SUBHEADING = re.compile(r"小标题|小节|那一?部分|那一?段|那一?节|哪一?部分")


def _title_named(title: str, question: str) -> bool:
    """The question names the document by its title: ten characters of it ("人工智能+产业”深度"),
    or its first phrase when that is a name of four or more ("新年第一会 苏州聚焦…" → 新年第一会)."""
    if len(title) < 6:
        return False
    head = re.split(r"[\s,，:：“”]", title, maxsplit=1)[0]
    return title[2:12] in question or (len(head) >= 4 and not head.startswith("关于") and head in question)


# "承办单位有哪些", "哪些单位办理": the handling units, host and co-handling ones both.
_ASKS_ALL_UNITS = re.compile(r"承办|哪些(?:单位|部门)|几个(?:单位|部门)")
_ASKS_UNIT = re.compile(r"(?:哪个|哪家|什么|所在|工作)(?P<what>单位|部门|机构|党派)")
_ASKS_PLACE = re.compile(r"哪里的|哪儿的|哪个(?:地方|地区|市|选区)的?|来自哪")
_ASKS_POST = re.compile(r"什么(?:职务|职位|身份)|担任什么|任什么职")
# How to reach a person or unit: no page of the corpus gives it, and the field's value is no answer
_ASKS_CONTACT = re.compile(r"联系电话|联系方式|电话号码|电话|手机号?|邮箱|电子邮件|传真|通讯地址|办公地址|地址|邮编")


def _byline(doc: Document, f: Field) -> tuple[int, int] | None:
    """Another short line of the page naming the field's person with a post or an employer
    ("中国科学院大学知识产权学院院长、教授马一德"), or None."""
    at = 0
    for line in doc.text.split("\n"):
        a, at = at, at + len(line) + 1
        b = a + len(line.rstrip())
        a += len(line) - len(line.lstrip())
        if f.value in line and not (a < f.end and f.start < b) and b - a <= 120 and _POST.search(line):
            return a, b
    return None


_POST = re.compile(r"院长|教授|研究员|主任|书记|局长|厅长|主席|委员|代表|大学|学院|研究院|研究所|公司")


def _asked_of_person(question: str) -> str:
    """What a question asks of a person beyond the name ("" for nothing), as 其… words it.

    >>> _asked_of_person("建议人是哪个党派的？"), _asked_of_person("建议人是哪里的代表？"), _asked_of_person("谁提的？")
    ('所在党派', '所在地区', '')
    """
    if m := _ASKS_UNIT.search(question):
        return f"所在{m.group('what')}"
    if _ASKS_PLACE.search(question):
        return "所在地区"
    return "职务" if _ASKS_POST.search(question) else ""
CARD_FIELDS = ("proposer", "host_unit", "co_units", "reply_date", "handling_type", "sign_unit", "sign_date")
