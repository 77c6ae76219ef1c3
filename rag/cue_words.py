"""The words questions use for what they ask: which metadata field ("谁提出", "承办"…), which
date field, and which kind of answer (a number, a date, a person…).  Plain data, read by
rag/questions.py (analysis), rag/fields.py (labels), rag/compound.py and rag/followup.py; kept
apart from the analysis so the vocabulary can be read and extended in one place.
"""

from __future__ import annotations

import re

# The words that name a document by its kind ("新闻里…", "那篇评论文章", "答复函说…"), for the
# kinds the corpus may hold once: one table for every look-up by kind (rag/compare.py,
# rag/fields.py, rag/ordering.py, rag/compound.py), which had four slightly different ones.
KIND_NAMES: dict[str, re.Pattern[str]] = {
    "新闻": re.compile(r"新闻|报道"),
    "评论": re.compile(r"评论|(?<!两篇)(?<!几篇)(?<!各篇)(?<!这些)文章"),  # "两篇文章": the ones compared
    "答复函": re.compile(r"答复函|复函"),
}
ANY_KIND_NAME = re.compile("|".join(p.pattern for p in KIND_NAMES.values()))

# Metadata fields and the phrasings that ask for them, most specific first.
FIELD_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("co_units", ("协办", "配合办理", "配合单位")),
    ("consulted_units", ("经商", "会商", "征求了哪些", "商请", "商了哪些", "商过哪些", "征求了哪些部门")),
    ("host_unit", ("主办", "哪个部门", "哪个单位", "承办", "负责办理", "牵头", "哪家单位", "由谁办理", "答复单位",
                   "回复单位", "答复部门", "答复人", "谁答复", "由谁答复", "谁回复", "host unit", "handled by")),
    ("reply_date", ("答复时间", "什么时候答复", "何时答复", "哪天答复", "答复日期", "几号答复", "何时回复", "答复时刻",
                    "答复的时刻", "reply date", "replied")),
    ("handling_type", ("办理类型", "办理结果", "解决了吗", "办理情况", "是否解决", "是否已经解决", "是否已解决", "解决了没有",
                       "有没有解决", "办结了吗", "是否办结")),
    ("deadline", ("办理期限", "期限")),
    ("sign_unit", ("谁签发", "签发单位", "哪个单位签发", "落款单位", "谁落款", "哪个厅发", "哪个局发", "谁发的", "发文单位")),
    ("sign_date", ("落款日期", "落款时间", "签发")),
    ("sign_unit", ("落款",)),
    ("publish_date", ("发布时间", "什么时候发布", "何时发布", "发布日期")),
    ("salutation", ("称呼", "抬头", "写给谁", "写给哪位", "致谁", "发给谁", "寄给谁", "addressed to")),
    ("proposer", ("谁提出", "建议人", "提案人", "提出者", "谁提的", "哪位代表", "哪位委员", "提出人", "谁提交", "由谁提出",
                  "proposer", "proposed by", "who proposed", "who filed")),
    ("session", ("哪次会议", "什么会议", "哪届", "哪一届", "会议上提出")),
    ("title", ("标题", "题目")),
    ("number", ("建议号", "提案号", "编号", "第几号", "多少号", "几号建议", "几号提案", "哪号建议", "哪个号")),
    ("author", ("作者", "谁写的", "撰写")),
    ("source", ("出自哪", "来源是", "哪家媒体", "哪个媒体", "消息来源", "稿件来源", "信息来源")),
    ("reporters", ("记者", "谁采写", "采写")),
    ("editor", ("编辑", "责编")),
]

# A reply letter names its answering unit and date in the signature instead.
FIELD_FALLBACK = {
    "host_unit": ("sign_unit",),
    "sign_unit": ("host_unit",),
    "reply_date": ("sign_date",),
    "sign_date": ("reply_date",),
    "co_units": ("consulted_units",),  # a reply letter names the departments it consulted instead
}

FIELD_LABELS = {
    "proposer": "建议人",
    "host_unit": "主办单位",
    "co_units": "协办单位",
    "consulted_units": "会商部门",
    "reply_date": "答复时间",
    "handling_type": "办理类型",
    "deadline": "办理期限",
    "sign_date": "落款日期",
    "sign_unit": "落款单位",
    "publish_date": "发布时间",
    "title": "标题",
    "number": "编号",
    "proposal_title": "所答复的建议",
    "author": "作者",
    "source": "来源",
    "reporters": "记者",
    "editor": "编辑",
    "session": "提出会议",
    "salutation": "称呼",
}

# "when" + the act asked about names the date field: 哪天发布 → publish_date.
DATE_FIELD_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("publish_date", ("发布", "发表", "刊发", "上网")),
    ("sign_date", ("落款", "签发")),
    ("reply_date", ("答复", "回复")),
]

WANT_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("reason", ("为什么", "原因", "为何", "因何", "why")),
    ("number", ("多长时间", "多少时间")),  # a duration ("不到10秒"), not a date
    ("date", ("什么时候", "何时", "哪年", "哪一年", "哪天", "日期", "时间", "哪个朝代", "年代", "哪一天", "几月", "几点",
              "时刻")),
    ("list", ("哪几",)),  # "哪几套体系" asks which, not how many
    ("number", ("how many", "how much", "多少", "几家", "几个", "几项", "几种", "几年", "数量", "比例", "占比", "规模", "百分之", "多大",
                "排名", "第几", "多长", "多高", "多重", "多远", "多久", "几")),
    ("person", ("谁", "哪位", "何人", "作者")),
    ("org", ("哪个部门", "哪些部门", "哪个单位", "哪家", "机构", "哪些单位", "哪所", "哪个大学", "哪个公司")),
    ("place", ("哪里", "哪儿", "什么地方", "何处", "何地", "哪个国家", "哪个城市", "哪个省", "位于")),
    ("list", ("哪些", "有什么", "举措", "措施", "方面", "做法", "建议")),
]


def names_field(text: str) -> bool:
    """Whether ``text`` uses a phrasing that asks for a metadata field (承办单位, 答复时间…).

    >>> names_field("承办单位呢？"), names_field("苏州有几家灯塔工厂？")
    (True, False)
    """
    return any(cue in text for _, cues in FIELD_CUES for cue in cues)
