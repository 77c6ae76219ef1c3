"""Checking a question before it is searched: empty, too long, no words, not Chinese, a number
that is no proposal number, small talk, a first question with nothing to ask about; and
traditional characters written as simplified ones (the documents' script).

Every refusal here is an ``InputError`` whose message tells the user what to type instead;
``rag.chain.Assistant`` turns it into an answer, so bad input never raises in the UI or API.
"""

from __future__ import annotations

import functools
import re

from rag.answering import BARE_NUMBER, BARE_STRIP
from rag.followup import refers_back
from rag.questions import places
from rag.refs import FULL_WIDTH


class InputError(ValueError):
    """A question the assistant will not process, with a message for the user."""


def validate_question(question: object, max_chars: int = 500) -> str:
    """The question as the assistant searches it, or an ``InputError`` saying what is wrong.

    Full-width letters and digits become ASCII (``１１８`` is 118); Chinese punctuation stays.

    >>> validate_question("４８２号建议是谁提出的？"), validate_question("ＡＩ　大模型")
    ('482号建议是谁提出的？', 'AI 大模型')
    >>> validate_question("482号建议 是 谁 提 出 的")
    '482号建议是谁提出的'

    """
    if not isinstance(question, str) or not question.strip():
        raise InputError("请输入问题。")
    q = " ".join(question.translate(FULL_WIDTH).split())
    q = _join_spaced(q)
    if len(q) > max_chars:
        raise InputError(f"问题过长（{len(q)} 字），请精简到 {max_chars} 字以内，或拆成几个问题。")
    if not re.search(r"\w", q):  # "？？？" or "<>" alone: nothing to search for
        raise InputError("问题中没有文字，请用中文写出要问的内容，例如“482号建议是谁提出的？”。")
    han = re.search(_HAN, q)
    english = len(re.findall(r"[A-Za-z]{2,}", q)) >= 2  # "Who proposed suggestion 482?"
    if not han and (english or not re.search(r"\d", q)):  # "x", "hello": the documents are Chinese
        raise InputError("请用中文提问（资料库中的文件都是中文），例如“482号建议是谁提出的？”。")
    q = plain_wording(to_simplified(q))  # the documents are in simplified, written characters
    _check_number(q, numbers_only=not han and not re.search(r"[A-Za-z]", q))
    if _SMALL_TALK.fullmatch(q):  # thanks and greetings are not questions about the documents
        # thanks are answered 不客气, a greeting by one, anything else (好的, 收到) by neither
        reply = "不客气！" if _THANKS.match(q) else "您好！" if _GREETING.match(q) else ""
        raise InputError(f"{reply}请直接提出与资料有关的问题，例如“118号建议由哪个部门主办？”。")
    return q


_HAN = r"[\u3400-\u9fff]"


def _join_spaced(q: str) -> str:
    """"482号建议 是 谁 提 出 的" typed a character at a time: a lone Chinese character is joined to
    its Chinese neighbours; a space between words ("AI大模型 应用") stays.

    >>> _join_spaced("482号建议 是 谁 提 出 的"), _join_spaced("AI大模型 应用")
    ('482号建议是谁提出的', 'AI大模型 应用')
    """
    parts = q.split(" ")
    out = parts[:1]
    for p in parts[1:]:
        lone = len(p) == 1 or len(out[-1]) == 1
        if lone and re.match(_HAN, p) and re.search(_HAN + "$", out[-1]):
            out[-1] += p
        else:
            out.append(p)
    return " ".join(out)
# A question that is only a number: the answerer (rag/answering.py) strips these characters and
# gives the record card when BARE_NUMBER ("482", "第482号", "482号建议") matches the rest.
# _NUMBER_ALONE is the same shape with any number of digits: "123456" is no proposal number.
_NUMBER_ALONE = re.compile(r"第?\s*(\d+)\s*号?\s*(?:建议|提案|议案)?")
# A 6+ digit number named as a proposal's inside a question (as rag/questions.py finds 482号建议):
# "123456号建议是谁提出的？" would otherwise be asked about 第23456号.
_LONG_NUMBER_REF = re.compile(r"第\s*(\d{6,})\s*号|(?<!\d)(\d{6,})\s*号(?=建议|提案|议案|答复|代表建议)")


def _check_number(q: str, numbers_only: bool) -> None:
    """Refuse a number that is no proposal number (6+ digits), and a question of digits and
    punctuation only ("-1", "1.5") that is not a bare proposal number; "482" passes.

    >>> _check_number("第482号", numbers_only=False), _check_number("482？", numbers_only=True)
    (None, None)
    """
    bare = q.strip(BARE_STRIP)
    whole = _NUMBER_ALONE.fullmatch(bare)
    if whole and BARE_NUMBER.fullmatch(bare):
        return  # the answerer gives the proposal's record card (or says it has no such proposal)
    long_ref = _LONG_NUMBER_REF.search(q)
    if whole or long_ref:
        number = whole.group(1) if whole else long_ref.group(1) or long_ref.group(2)
        shown = number if len(number) <= 24 else number[:24] + "…"
        raise InputError(f"“{shown}”不是建议号：建议号最多 5 位数字，例如“482”或“第482号”。"
                         "请输入建议号，或用中文写出要问的内容。")
    if numbers_only:
        shown = q if len(q) <= 24 else q[:24] + "…"
        raise InputError(f"“{shown}”不是建议号，也没有可查的文字。请用中文写出要问的内容，"
                         "例如“482号建议是谁提出的？”；只查一件建议时，输入它的编号即可，例如“482”。")


# Spoken words and slips of the input method, as the documents and the question rules write them:
# "482号建议啥时候答复的" asks 什么时候 (the reply-date cue), "482号建义" means 482号建议; but
# 构建意见, 创建义乌 and 令人咋舌 are words of their own.
_PLAIN_WORDS = (
    (re.compile(r"啥"), "什么"),
    (re.compile(r"咋(?=样|办|回事|说|看|弄|了)"), "怎么"),
    (re.compile(r"(?<![构创新组修搭重兴筹扩改封自援共营承])建[义意](?![务乌工识见气志愿])"), "建议"),
)


def plain_wording(text: str) -> str:
    """Spoken words and common typing slips in the documents' written words.

    >>> plain_wording("482号建议啥时候答复的"), plain_wording("118号建意是谁提的"), plain_wording("苏州咋样")
    ('482号建议什么时候答复的', '118号建议是谁提的', '苏州怎么样')
    >>> plain_wording("构建意见反馈机制"), plain_wording("创建义乌模式"), plain_wording("令人咋舌")
    ('构建意见反馈机制', '创建义乌模式', '令人咋舌')
    """
    for said, written in _PLAIN_WORDS:
        text = said.sub(written, text)
    return text


def to_simplified(text: str) -> str:
    """A question written in traditional characters, in simplified ones; anything else as it is.

    Text with no simplified-only character is converted by phrase, so a simplified question
    keeps its 著 (显著).  Mixed text (an input method that gave 建議 beside 号) is converted
    character by character, except the few characters simplified text also uses that the
    converter would change (乾, 於: per character, the only ones among the 4,355 distinct
    characters of CMRC2018 and the corpus, with three rare names).

    >>> to_simplified("482號建議是誰提出的？"), to_simplified("显著的成效有哪些？")
    ('482号建议是谁提出的？', '显著的成效有哪些？')
    >>> to_simplified("482号建議是誰提出的？"), to_simplified("乾隆年间的苏州")
    ('482号建议是谁提出的？', '乾隆年间的苏州')
    """
    t2s, s2t = _converters()
    simple = t2s.convert(text)
    if simple == text:
        return text
    if s2t.convert(text) == text:
        return simple
    return "".join(c if c in _SIMPLIFIED_TOO else t2s.convert(c) for c in text)


# Characters of simplified text that a per-character traditional→simplified conversion changes
_SIMPLIFIED_TOO = frozenset("乾於")


@functools.cache
def _converters():
    from opencc import OpenCC  # opencc-python-reimplemented: pure Python, dictionaries included

    return OpenCC("t2s"), OpenCC("s2t")


def check_first_question(question: object) -> None:
    """"它的答复时间是？" as the first question: there is nothing for 它 to stand for."""
    if isinstance(question, str) and refers_back(question):
        raise InputError(
            "请写明问的是哪份文件，例如“482号建议的答复时间是？”（“它”“该建议”要接在前面的问题之后才能明白指什么）。"
        )
    from rag.more import asks_more  # rag.more imports the question analysis, which imports this

    if isinstance(question, str) and asks_more(question):  # "还有呢？", "继续" with nothing before
        raise InputError(
            "前面还没有回答可以接着说。请直接写出要问的内容，例如“苏州有多少家灯塔工厂？”"
            "（“还有呢”“继续”要接在一次回答之后才能明白要的是什么）。"
        )
    if isinstance(question, str) and _names_nothing(question.strip()):
        raise InputError(
            "问题没有说要问的是什么，请写完整，例如“苏州有多少家灯塔工厂？”“482号建议是谁提出的？”"
            "（“那…呢”要接在前面的问题之后才能明白）。"
        )


# A first question that names nothing to ask about: "多少家？", "苏州有多少家" (of what?),
# "是谁提出的？" (which proposal?), "那苏北呢？" (after what?).  Any answer would be a guess.
def _names_nothing(question: str) -> bool:
    """"苏州有多少家", "一共几个？": a count of nothing named; "灯塔工厂有几家" names what it counts.

    >>> _names_nothing("苏州有多少家"), _names_nothing("灯塔工厂有几家？"), _names_nothing("是谁提出的？")
    (True, False, True)
    """
    m = _NO_SUBJECT.fullmatch(question)
    if m is None:
        return False
    before = m.group("before") or ""
    return not before or before in _NOT_A_THING or bool(places(before))


_NOT_A_THING = frozenset("那 这 一共 总共 共 全市 全省 我市 我省 本市 现在 目前 现有 到底 究竟".split())
_NO_SUBJECT = re.compile(
    r"(?P<before>[\u4e00-\u9fff]{0,4}?)(?:有|是|共有|一共有)?(?:多少|几)(?:家|个|项|条|座|所|名|位|批|种|类)[？?！!。]*"
    r"|(?:是|由)?(?:谁|哪个部门|哪个单位|什么时候|哪天)(?:提出|提|写|答复|办理|主办|承办|发布)的?[？?。]*"
    r"|(?:那|那么)[^，,。？?]{1,10}呢[？?。]*"
)


_THANKS = re.compile(r"谢谢|多谢|感谢|谢了")
_GREETING = re.compile(r"你好|您好|嗨|哈喽|早上好|下午好|晚上好")
_SMALL_TALK = re.compile(
    r"(?:谢谢|多谢|感谢|谢了|你好|您好|嗨|哈喽|早上好|下午好|晚上好|再见|拜拜|好的|好|嗯|收到|明白了?|知道了|OK|ok)"
    r"(?:你|您|啦|了|呀|哈|！|!|。|～|~|\s)*"
)
