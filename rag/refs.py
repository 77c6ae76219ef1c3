"""Proposal numbers as staff type them: "第1002号", "482号建议", "四八二号", "０４８２", "No.118建议",
"建议482的…", "482建议人" all name a proposal by its number; "3号船", "3个建议", "我建议2035年" do not.

    >>> proposal_number("四八二号建议是谁提出的？"), proposal_number("0482号建议"), proposal_number("3号船多大？")
    ('482', '482', None)
    >>> proposal_number("482.5号建议是谁提的？")  # captured whole: no proposal has it, and it is no 第5号
    '482.5'
    >>> proposal_number("482号是谁提的"), proposal_number("482的协办单位有哪些"), proposal_number("有16万家企业")
    ('482', '482', None)
    >>> proposal_number("请问482号是谁提的"), proposal_number("请问482是谁提的")  # 号 marks it anywhere
    ('482', None)
    >>> proposal_number("2023的答复时间")  # a number that leads the question may be any proposal's
    '2023'
    >>> [proposal_number(q) for q in ("拨打12345办理", "H100主办的会议", "地铁3号什么时候开通",
    ...  "6月18号什么时候答复", "这个建议是2025-06-19答复的吗", "新闻是2024什么时候发布的")]
    [None, None, None, None, None, None]
"""

from __future__ import annotations

import re

# What a question asks of a proposal right after its number, when it leaves out 建议: who filed or
# handles it, a field's label, or when it was answered ("118什么时候答复的"; a bare 什么时候 is any
# date: "地铁3号什么时候开通").
_FIELD_ASKED = (
    r"是谁提|谁提|由谁提|是谁的|谁负责|由谁负责|由谁办|(?:什么时候|何时|哪天)(?=答复|回复|提|办)|建议人|提案人|承办"
    r"|主办|协办|办理|答复|标题|题目|落款|编号|期限"
)
# A proposal number: 第1002号, or 482号 followed by 建议/提案/议案/答复 ("3号船" is not one), also
# after 的 ("482号的答复函"). A decimal or negative number is captured whole ("482.5号" is no 第5号):
# no proposal has it.  Without 建议 and 号, the number must start the question or follow a space or
# a mark, so that a date, model or phone number is none ("6月18号", "H100", "拨打12345办理").
_NUMBER_REF = re.compile(
    r"第\s*(-?\d{1,5}(?:\.\d+)?)\s*号|(?<![\d.])(-?\d{1,5}(?:\.\d+)?)\s*号(?=的?\s*(?:建议|提案|议案|答复|代表建议|(?i:proposal|suggestion|reply)))"
    r"|(?<=答复|办理|回复)\s*(\d{1,5})\s*号"  # "答复118号的时候"
    # "482号是谁提的", "482的协办单位", "118什么时候答复的": a number asked a proposal's field
    rf"|(?<![\d.A-Za-z月])(\d{{1,5}})\s*号(?=的?\s*(?:{_FIELD_ASKED}))"
    rf"|(?:^|(?<=[\s，,。？?、：:（(]))(\d{{2,5}})(?=的?\s*(?:{_FIELD_ASKED}))"
)
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
CN_DIGITS = frozenset(_CN_DIGIT) - {"两"}  # a number read digit by digit ("四八二")
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER_REF = re.compile(
    r"(?<=第)[〇零一二两三四五六七八九十百千]{1,8}(?=\s*号)"
    r"|[〇零一二两三四五六七八九十百千]{1,8}(?=\s*号(?:建议|提案|议案|答复|代表建议|\s*[？?呢吗。！!]*$))"
)
_NO_REF = re.compile(r"(?i)\bNo\.?\s*(\d{1,5})(?!\d)\s*(?:号)?")
_KIND_AFTER = re.compile(r"\s*(?:建议|提案|议案|答复)")
_KIND_THEN_NUMBER = re.compile(r"(?<![\u4e00-\u9fff])(建议|提案)\s*(\d{1,5})(?![\d.年月日号%万亿个家项])")
_NUMBER_THEN_KIND = re.compile(r"(?<![\d.第])(\d{1,5})(?=\s*(?:建议|提案)(?!书))")
# Full-width ASCII letters and digits (U+FF10–FF19, FF21–FF3A, FF41–FF5A) and the ideographic
# space, as ASCII.  Not NFKC: it would also turn the Chinese ？，：；！（）… into ASCII ones.
FULL_WIDTH = str.maketrans(
    {
        chr(c): chr(c - 0xFEE0)
        for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
        for c in range(r[0], r[1] + 1)
    }
    | {"\u3000": " "}
)


def cn_int(numeral: str) -> int:
    """A number written in Chinese characters, digit by digit or with units.

    >>> cn_int("四八二"), cn_int("一一八"), cn_int("四百八十二"), cn_int("十二"), cn_int("一千零二")
    (482, 118, 482, 12, 1002)
    """
    if all(c in _CN_DIGIT for c in numeral):
        return int("".join(str(_CN_DIGIT[c]) for c in numeral))
    total = digit = 0
    for c in numeral:
        if c in _CN_UNIT:
            total += (digit or 1) * _CN_UNIT[c]
            digit = 0
        else:
            digit = _CN_DIGIT[c]
    return total + digit


def arabic_numbers(text: str) -> str:
    """Proposal numbers as staff may type them, in Arabic digits: full-width digits, and Chinese
    numerals before 号 ("四八二号建议", "第四百八十二号").

    >>> arabic_numbers("四八二号建议是谁提出的？"), arabic_numbers("第一千零二号"), arabic_numbers("０４８２号建议")
    ('482号建议是谁提出的？', '第1002号', '0482号建议')
    >>> arabic_numbers("No.118建议的办理类型"), arabic_numbers("建议482的协办单位是谁？"), arabic_numbers("482建议人")
    ('118号建议的办理类型', '482号建议的协办单位是谁？', '482号建议人')
    >>> arabic_numbers("No.118的建议人"), proposal_number("No. 118的建议人")
    ('第118号的建议人', '118')
    >>> arabic_numbers("我建议2035年前完成"), arabic_numbers("3个建议")  # a year, a count: no numbers
    ('我建议2035年前完成', '3个建议')
    >>> arabic_numbers("四八二号"), arabic_numbers("第三部分讲什么")  # no 号: not a proposal number
    ('482号', '第三部分讲什么')
    """
    text = text.translate(FULL_WIDTH)
    text = _CN_NUMBER_REF.sub(lambda m: str(cn_int(m.group(0))), text)
    # "No.118建议", "建议482的…", "482建议人": the number without its 号
    # "No.118的建议人": No. names a proposal, as 第 does
    text = _NO_REF.sub(lambda m: f"第{m.group(1)}号" if not _KIND_AFTER.match(text, m.end()) else f"{m.group(1)}号", text)
    text = _KIND_THEN_NUMBER.sub(lambda m: f"{m.group(2)}号{m.group(1)}", text)
    return _NUMBER_THEN_KIND.sub(lambda m: f"{m.group(1)}号", text)


def proposal_number(text: str) -> str | None:
    """The proposal number ``text`` names, without leading zeros ("0482" is 482), or None."""
    m = _NUMBER_REF.search(arabic_numbers(text))
    if m is None:
        return None
    number = next(g for g in m.groups() if g)
    return str(int(number)) if number.isdigit() else number
