"""How a reply letter is worded: the salutation, the topic named in the thanks, punctuation
and nested quotes in headings, and template filling.

Salutation rule (from the metadata, never from the file name):
  proposer_role 代表 → "XX代表："; 委员 → "XX委员："; 组织 → "名称："; no role
  but the text says 人大代表 / 政协委员 → that role; otherwise 〔待补：称呼〕.
Several people ("甲、乙") → "甲等代表：".  Organisations are addressed as 你们.
"""

from __future__ import annotations

import re

from rag.documents import Document


def fill(template: str, **values: str) -> str:
    """``str.format`` that leaves unknown {keys} alone."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def nested(text: str) -> str:
    """Text to stand inside “…”: its own double quotes become single ones, as Chinese print nests them.

    >>> "“" + nested("以“人工智能+场景牵引”健全行业应用生态") + "”"
    '“以‘人工智能+场景牵引’健全行业应用生态”'
    """
    return text.replace("“", "‘").replace("”", "’")


def polish(text: str) -> str:
    """Half-width punctuation between Chinese characters → full-width (headings only).

    >>> polish("发挥优势,推进攻关:第一")
    '发挥优势，推进攻关：第一'
    """
    text = re.sub(r"(?<=[\u4e00-\u9fff”」）])\s*,\s*(?=\S)", "，", text)
    return re.sub(r"(?<=[\u4e00-\u9fff])\s*:\s*(?=[\u4e00-\u9fff])", "：", text)


def salutation(doc: Document) -> tuple[str, str]:
    """(称呼, 对方的代词): the rule is in the module docstring.

    >>> from rag.documents import Field
    >>> d = Document("a.txt", "x", {"proposer": Field("陆惠芬", 0, 1), "proposer_role": Field("代表", 0, 1)})
    >>> salutation(d)
    ('陆惠芬代表：', '您')
    >>> salutation(Document("b.txt", "建议人：张三"))
    ('〔待补：称呼〕', '您')
    """
    who, role = doc.value("proposer"), doc.value("proposer_role")
    if not role and who:
        if re.search(r"人大代表|代表建议|人民代表大会", doc.text):
            role = "代表"
        elif re.search(r"政协委员|委员提案|政协", doc.text):
            role = "委员"
    if not who or not role:
        return "〔待补：称呼〕", "您"
    if role == "组织":
        return f"{who}：", "你们"
    names = re.split(r"[、，,]", who)
    return (f"{names[0]}等{role}：" if len(names) > 1 else f"{who}{role}："), "您"


def topic_of(title: str) -> str:
    """ "关于从科教维度推进我市新型工业化的建议" → "从科教维度推进我市新型工业化"."""
    t = re.sub(r"^关于", "", title.strip())
    return polish(re.sub(r"的?(?:建议|提案|意见)$", "", t)) or title
