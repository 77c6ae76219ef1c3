""""还有呢？": a follow-up asking for more of the previous answer.

The offline answerer then quotes the best trusted sentences that the earlier answers to the same
question did not quote (``ExtractiveAnswerer.answer_more``), and says so when nothing more can be
trusted, instead of giving the same answer again.
"""

from __future__ import annotations

import re

from rag.followup import previous_question
from rag.history import History

# "还有呢？", "还有别的吗", "其他的呢", "再说说": more of the same answer
_MORE = re.compile(
    r"(?:那)?(?:还有(?:呢|吗|没有|别的|其他|其它|什么)?(?:的)?(?:吗|呢|内容|情况|说法)?|其他的?呢|其它的?呢|别的呢"
    r"|再(?:多)?(?:说说|讲讲|说一些|多说点|补充一些|补充点)|继续|更多|还有更多的?吗?)[？?。！!]*"
)


def asks_more(question: str) -> bool:
    """The follow-up asks for more of the previous answer and names nothing new.

    >>> asks_more("还有呢？"), asks_more("还有别的吗？"), asks_more("还有苏北呢？"), asks_more("还有多少家？")
    (True, True, False, False)
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
