"""What a sentence holds, measured against a question: word coverage, novelty, answer kind, cue wording.

Pure functions over strings, used by the sentence scorer and its trust rules (rag/extraction.py):

* ``coverage`` – share of the question's term weight a text contains;
* ``novelty`` – share of a sentence's characters the question does not already contain;
* ``type_bonus`` / ``has_kind`` – whether the sentence holds the kind of answer asked for
  (a number, date, place, organisation, person, list or reason) beyond what the question says;
* ``cue_bonus`` – whether it uses the usual wording of the relation asked about (别名 → 又称).

The patterns are general Chinese phrasing, not facts of the corpus; which ones count and how much
was set by measurement (docs/quality.md).
"""

from __future__ import annotations

import re

from rag.figures import COUNT, NUMERAL, counts_what_is_asked
from rag.questions import KNOWN_PLACES, REGIONS, Question

_CN_NUM = re.compile(r"[一二三四五六七八九十百千两半]+(?:成|分之[一二三四五六七八九十]+|个|项|家)")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}|\d{1,2}月")
_ORG = re.compile(r"\w{1,12}(?:[厅局委部办]|中心|公司|大学|学院|研究院|研究所|学会|协会|集团|政府|银行|医院|电视台|学校|中学)")
_PLACE = re.compile(r"\w{0,8}(?:国|省|市|县|州|区|镇|村|岛|山|河|湖|洲|城)(?![\w])|位于|出生于|生于")
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}(?=[（(，,]?(?:饰|指出|表示|认为|提出|说|担任|任|主演|创办|发明|发现|所著|著|写))")
_REASON = re.compile(r"因为|由于|原因|导致|所以|因此|为了|因其|故而|以致|从而|故")
_KIND = {
    "number": re.compile(COUNT.pattern + "|" + _CN_NUM.pattern + r"|\d+(?:\.\d+)?"),
    "date": re.compile(_DATE.pattern + r"|[一二三四五六七八九十〇]{2,4}年|\d{1,4}年代|世纪|朝|初|末"),
    "org": _ORG,
    "place": _PLACE,
    "person": _PERSON,
}
# "多长时间" is answered by a length of time ("二十年", "不到10秒"), not a date ("1981年").
_ASKS_DURATION = re.compile(r"多长时间|多少时间|多久")
_DURATION = re.compile(r"(?<!\d)(?:\d{1,3}(?:\.\d+)?|[一二两三四五六七八九十百半]+)\s*(?:个)?(?:年|月|周|天|日|小时|分钟|秒)")
# (what the question asks, how texts usually state it): general Chinese phrasing, not corpus facts.
_RELATION_CUES = [
    (re.compile(r"别名|别称|又称|又叫|还叫|也叫|俗称|简称|称之为|称为什么|又被称"),
     re.compile(r"又称|别称|别名|也称|亦称|俗称|简称|又名|或称|也叫|又叫|称为|称作|统称")),
    (re.compile(r"得名|名字.{0,4}来|命名|为什么叫|为何叫|因何得名"), re.compile(r"得名|命名|故名|名字|因此|称为|以此")),
    (re.compile(r"出生|生于|哪里人|哪儿的人|籍贯|出身"), re.compile(r"出生|生于|人[，,。]|籍贯|出身")),
    (re.compile(r"什么是|是什么|指什么|是指|定义"), re.compile(r"是指|指的是|是一[种个类部座家名]|为一[种个类部座]|[，,]?是\w{0,20}的")),
    (re.compile(r"毕业|就读|学历"), re.compile(r"毕业|就读|学位|学习")),
    (re.compile(r"职务|职位|担任|任职|官职|什么官"), re.compile(r"任|担任|出任|升任|官至|职")),
    (re.compile(r"特点|特征|外形|形态|颜色|样子"), re.compile(r"呈|为|有|色|形")),
    (re.compile(r"作用|功能|用途|功效|用于|目的|目标"), re.compile(r"用于|用来|可以|能够|作用|功能|目的|目标|旨在|以便|为了")),
]
# Looser than _KIND: used by the trust rule for weak evidence, where any number or date will do.
# "一家从事铝压铸的企业", "一批", "一些" are "a" and "some", not a count.
# A number with its unit or word, or a decimal however it is followed ("评分依次为81.57、73.56":
# a value, not an item number; CMRC trial +1, gold and held-out ±0)
_ANY_NUMBER = re.compile(
    r"\d+(?:\.\d+)?[ \t]*(?:%|％|[\u4e00-\u9fffA-Za-z])"
    r"|(?:[二两三四五六七八九十百千万]|一(?![个家种批项位条类部座名套些]))[一二两三四五六七八九十百千万]*[\u4e00-\u9fff]"
    r"|\d+\.\d+"
)
_ANY_DATE = re.compile(
    r"\d{1,4}\s*[年月日]|\d{4}-\d{1,2}|[一二三四五六七八九十〇]+[年月日]|世纪|年代|朝|初年|末年|时期"
    r"|(?<![目至当])(?:去|今|前|明|近)年|年初|年底|年末|[上下]半年"  # "去年以来,省工信厅建立了…": a date, said relatively
)


def coverage(weights: dict[str, float], text: str) -> float:
    """Share of the total term weight whose terms occur in ``text`` (case-insensitive).

    >>> coverage({"苏州": 2.0, "灯塔": 1.0, "工厂": 1.0}, "苏州的工厂")
    0.75
    """
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    low = text.lower()
    return sum(w for t, w in weights.items() if t in low) / total


def novelty(sent: str, question: str) -> float:
    """Share of the sentence's characters (letters, digits, CJK) that the question lacks.

    >>> novelty("陆惠芬代表:", "陆惠芬代表是哪个选区选出的人大代表？")
    0.0
    """
    chars = [c for c in sent if c.isalnum()]
    if not chars:
        return 0.0
    return sum(c not in question for c in chars) / len(chars)


def type_bonus(q: Question, sent: str) -> float:
    """1.0 when the sentence holds the kind of answer asked for, beyond what the question says;
    0.5 for a list question when the sentence enumerates (、 or 一是…)."""
    want = q.want
    pattern = _DURATION if want == "number" and _ASKS_DURATION.search(q.text) else _KIND.get(want)
    if pattern is not None:
        kind = 1.0 if any(m.group(0) not in q.text for m in pattern.finditer(sent)) else 0.0
        # …and half again for the count of the very thing asked (苏州现在有几个万亿级产业: "3个万亿级
        # 产业", not the "4万亿元" sentence the cosine preferred; QA; sets and CMRC trial ±0)
        return kind + (0.5 if counts_what_is_asked(q.text, sent) else 0.0)
    if want == "list":
        return 0.5 if "、" in sent or re.search(r"[一二三四]是", sent) else 0.0
    if want == "reason":
        return 1.0 if _REASON.search(sent) else 0.0
    return 0.0


def cue_bonus(question: str, sent: str) -> float:
    """1.0 when the sentence uses the wording a relation asked about is usually stated with.

    >>> cue_bonus("上海的别称是什么？", "上海，简称沪。"), cue_bonus("上海有多少人？", "上海，简称沪。")
    (1.0, 0.0)
    """
    for asked, said in _RELATION_CUES:
        if asked.search(question) and said.search(sent):
            return 1.0
    return 0.0


_PLACE_WITH_SUFFIX = (
    r"[\u4e00-\u9fff]{1,6}?(?<![全我本该各])(?:(?<!产业园)(?<!示范)(?<!集聚)(?<!起步)(?<!功能)区(?!块链)|县|市|省)"
)

# Forms an answer must take, by what the question asks (general Chinese phrasing, not corpus
# facts): "多少亿元" is answered by a number of 亿, "哪一年" by a year, "多大年纪" by an age.
# A sentence on the right topic without that form is about something else ("项目514项" does
# not say how much the projects cost).
ASKED_FORMS: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]] = {
    # the form is the number in the unit asked (built per question in asked_forms)
    # counters (个/项/期) are not compared: texts count the same things with different ones
    "unit": (
        # "多少项目" counts 项目 ("1088个项目"), not 项
        re.compile(r"(?<!哪)(?:多少|几)\s*(亿元|万元|亿|万|元|吨|辆|件|篇|倍|项(?!目)|家|亩|平方米|平方公里|公里|千米|千瓦|小时|天|米|人(?![才工口民次均]))"),
        None,
    ),
    "money": (
        # "资金项目多少项" counts projects, not money
        re.compile(r"(?:经费|资金|投资|预算|金额|奖励|补贴|补助|花了?|费用|营收|营业收入|销售收入|销售额|利润|税收)\S{0,6}"
                   r"(?:多少|几)(?!\s*[个项家件名所座条期批次])|多少\S{0,4}(?:钱|资金|经费|投资|预算)"),
        re.compile(NUMERAL + r"(?:亿|万|千)?元"),
    ),
    # "工业增加值是多少" asks an amount, written 33万亿元 or 5万亿 (not 万亿级, a class); "增加值占GDP
    # 比重/增速是多少" asks a share or a rate
    "output": (
        re.compile(r"(?:增加值|产值|生产总值)(?:(?!占|比重|比例|增速|增长|增幅|提高|同比)\S){0,6}(?:多少|几)"
                   r"(?!\s*[个项家件名所座条期批次])"),
        re.compile(NUMERAL + r"(?:(?:万亿|亿|万)元?(?!级)|元)"),
    ),
    "age": (re.compile(r"多大年纪|多少岁|几岁|年龄|年纪"), re.compile(r"\d+\s*岁|[一二三四五六七八九十]+岁|出生|生于")),
    "year": (re.compile(r"哪一?年|何年"), re.compile(r"(?:19|20)\d{2}|[一二三四五六七八九〇零]{4}年|年代")),
    # a share is a percentage, a ratio or a fraction, not the amount it is a share of
    "share": (
        re.compile(r"比例|占比|比重|百分之几|百分比|多少成|几成|覆盖率|占.{0,8}(?:多少|几)"),
        re.compile(r"\d+(?:\.\d+)?\s*[%％]|\d+(?:\.\d+)?\s*[:：比]\s*\d+|百分之|[一二三四五六七八九十\d]成|半数|过半|一半|分之|全覆盖|全部"),
    ),
    # a rate of change: "增速是多少" is not answered by the level ("保持4万亿元以上量级")
    "rate": (
        re.compile(r"增速|增长率|增幅|涨幅|增长速度|增长了?(?:百分之|多少个?百分点|几个百分点)"),
        re.compile(r"\d+(?:\.\d+)?\s*(?:[%％]|个百分点)|百分之|翻番|翻一番|\d+(?:\.\d+)?\s*倍|[一两二三四五六七八九十]倍"),
    ),
    # "连续多少年" wants a number of years ("连续13年"), which "连续多年" and "2023年" are not
    # "近几年/这几年" say when, they ask no length of time
    "years": (re.compile(r"(?<![近这前那过去后])(?:多少|几)\s*年(?!级|度|来|里|间|前|后)"), re.compile(r"(?<!\d)\d{1,2}\s*年|[一二三四五六七八九十两]+年(?!级)")),
    # a phone number or an e-mail address, never a sentence merely about the office
    "contact": (
        re.compile(r"电话|联系方式|手机号?|传真|热线|邮箱|电子邮件|电邮"),
        re.compile(r"\d{3,4}[-－—]?\d{7,8}|1[3-9]\d{9}|(?<!\d)\d{5,8}(?!\d)|[\w.]+@[\w.]+"),
    ),
    # a street address, never a sentence merely naming the office ("工信局的办公地址在哪里")
    "address": (
        re.compile(r"(?<!邮箱|网站|网页|邮件)地址|办公地点|在哪(?:里|儿)?办公|门牌"),
        re.compile(r"[\u4e00-\u9fff]{2,8}(?:路|街|大道|巷|弄)\s*\d+\s*号|\d+\s*号(?:楼|院|大厦)|[\u4e00-\u9fff]{2,8}大厦"),
    ),
    # a day: "哪天召开" is not answered by "以“新年第一会”的方式召开", nor by "2023年12月召开"
    "day": (
        re.compile(r"哪一?天|几月几[日号]|几号|哪一?日"),
        re.compile(r"\d{1,2}\s*[日号]|[一二三四五六七八九十廿]{1,3}[日号]|\d{1,2}/\d{1,2}|\d{4}-\d{1,2}-\d{1,2}|今天|昨天|当天|当日"),
    ),
    "month": (re.compile(r"几月|哪个月|哪一个月|哪月"), re.compile(r"(?<!\d)\d{1,2}\s*月|[一二三四五六七八九十]+月|\d{1,2}/\d{1,2}|\d{4}-\d{1,2}")),
    # a unit that acts: an office, a committee, a centre, a company ("全部", "内部" are not one)
    "dept": (
        re.compile(r"哪(?:个|些|家)(?:部门|单位|机构)|由谁(?:牵头|负责|承建|运营)"),
        re.compile(r"[\u4e00-\u9fff]{1,10}?(?:局|厅|委员会|委|(?<![全内外局])部(?!分)|办公室|办|中心|院|所|协会|政府|公司|集团)"),
    ),
    # "特色产业园区", "示范区", "集聚区" are kinds of area, not a district's name
    "district": (re.compile(r"哪个(?:区|县)"), re.compile(_PLACE_WITH_SUFFIX)),
    # ...a city or province also by a name known without its suffix ("北京已布局…", rag/data/places.txt)
    "city": (
        re.compile(r"哪个省"),
        re.compile(_PLACE_WITH_SUFFIX + "|" + "|".join(sorted(KNOWN_PLACES, key=len, reverse=True))),
    ),
    # "洋河酒厂在哪个城市" is not answered by "苏北地区": a region is no city
    "town": (
        re.compile(r"哪个市|哪(?:个|座|些|几个)城市"),
        re.compile(r"[\u4e00-\u9fff]{1,6}?(?<![全我本该各])市|" + "|".join(sorted(KNOWN_PLACES - REGIONS, key=len, reverse=True))),
    ),
    # a web address, never a sentence merely naming the platform ("平台的网址是多少")
    "web": (
        re.compile(r"网址|网站地址|网页地址|链接|URL|域名|官网"),
        re.compile(r"https?://|www\.|[A-Za-z0-9-]+\.(?:com|cn|net|org|gov)", re.IGNORECASE),
    ),
    "company": (
        re.compile(r"哪(?:一|几)?家(?:车企|企业|公司|厂商|机构|船厂|工厂)?|哪些(?:企业|公司|车企|厂商)"),
        re.compile(r"[\u4e00-\u9fffA-Za-z]{2,12}(?:公司|集团|企业|股份|科技|机构|中心|研究院|大学|船厂)|[“\"][^”\"]{2,12}[”\"]"),
    ),
}


def shows_forms(question: str, evidence: str, kinds: tuple[str, ...] = tuple(ASKED_FORMS)) -> bool:
    """Whether ``evidence`` holds every form of answer ``question`` asks for, each beyond what
    the question itself says ("2023年…是哪一年" is not answered by "2023年").

    >>> shows_forms("哪一年获评的？", "苏州高新区获评示范基地"), shows_forms("哪一年获评的？", "2019年获评")
    (False, True)
    >>> shows_forms("2023年的项目是哪一年开工的？", "2023年开工建设")
    False
    """
    return all(
        any(m.group(0) not in question for m in p.finditer(evidence)) for p in asked_forms(question, kinds)
    )


def asked_forms(question: str, kinds: tuple[str, ...] = tuple(ASKED_FORMS)) -> list[re.Pattern[str]]:
    """Patterns the evidence must match, for the forms of answer ``question`` asks for.

    >>> [bool(p.search("集聚灯塔工厂7家")) for p in asked_forms("苏州有几家灯塔工厂？")]
    [True]
    >>> [bool(p.search("企业数量未及百家")) for p in asked_forms("有多少家企业？")]
    [True]
    >>> [bool(p.search("拥有3个万亿级产业")) for p in asked_forms("增加值有多少亿元？")]  # 亿元, and an amount
    [False, False]
    >>> [bool(p.search("规上工业总产值达5万亿")) for p in asked_forms("规上工业总产值达到多少？")]
    [True]
    >>> asked_forms("哪几家企业入选？", ("unit",))  # which firms, not how many
    []
    >>> len(asked_forms("这个项目总投资是多少？")), len(asked_forms("哪一年获评的？"))
    (1, 1)
    >>> shows_forms("外资企业占了多大比例？", "产值保持4万亿元以上"), shows_forms("占多大比例？", "占比16.2%")
    (False, True)
    >>> shows_forms("已经连续多少年？", "已连续多年评为标杆"), shows_forms("已经连续多少年？", "连续13年保持第一")
    (False, True)
    >>> shows_forms("近几年给了多少个项目？", "支持实施项目65项")  # 近几年 says when; it asks no length
    True
    >>> shows_forms("报告是几月份发布的？", "苏州发布了报告"), shows_forms("由哪个部门牵头？", "全部由企业自主")
    (False, False)
    >>> shows_forms("由哪个部门牵头？", "市工信局牵头制定")
    True
    """
    out = []
    for kind in kinds:
        ask, form = ASKED_FORMS[kind]
        m = ask.search(question)
        if m is None:
            continue
        if kind == "unit":  # the unit itself, any way the number is written ("4400家", "百家", "1.2万亿")
            unit = {"亿元": "亿", "万元": "万"}.get(m.group(1), m.group(1))
            form = re.compile(NUMERAL + re.escape(unit) + "(?!元?级)")  # "万亿(元)级产业" is a class, not an amount
        if form is not None:
            out.append(form)
    return out


def names_month(entity: str, text: str) -> bool:
    r"""Whether ``text`` names the year and month of ``entity`` ("2024年1月"), written out, as a
    date ("2024-01", "2024\n01/04"), or as a month with no other year before it ("1月3日" in a
    2024 report); "2023年12月 … 2024年" does not name 2024年12月.

    >>> names_month("2024年1月", "2024\n01/04 … 1月3日,苏州市召开会议")
    True
    >>> names_month("2024年12月", "2023年12月召开的会议部署2024年经济工作")
    False
    """
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月", entity)
    if m is None:
        return False
    year, month = m.group(1), m.group(2).lstrip("0")
    if re.search(rf"{year}\s*[-/.年\n]\s*0?{month}(?:月|[-/.]|(?!\d))", text):
        return True
    return year in text and re.search(rf"(?<!\d{{4}}年)(?<!\d)0?{month}月", text) is not None


# A number as an answer states it: digits, a numeral with its counter or unit ("两种", "三成"),
# a share in words.  Not 一 inside a word ("这一主线", "进一步"), which _ANY_NUMBER lets pass.
_STATED_NUMBER = re.compile(
    r"\d+(?:\.\d+)?|[数几][十百千万亿]|[一二两三四五六七八九十百千万亿]+\s*(?:多|余)?[个家项件名所座条种类批位次倍年元万亿岁]"
    r"|[一二三四五六七八九十]成|一半|百分之|半数|过半|全部|全覆盖|首位|第[一二三四五六七八九十]"
)


def states_number(question: str, sentence: str) -> bool:
    """Whether ``sentence`` states a number ``question`` does not: "苏州市工信局有几个处室" is not
    answered by "局长万利表示,苏州将紧紧围绕…这一主线".

    >>> states_number("有几个处室？", "局长表示,苏州将围绕这一主线"), states_number("有几个处室？", "内设12个处室")
    (False, True)
    >>> states_number("482号建议提到几家企业？", "思必驰等4家企业"), states_number("482号建议提到几家？", "482号建议")
    (True, False)
    """
    asked = set(re.findall(r"\d+(?:\.\d+)?", question))  # whole numbers: "4家" is news beside 482号
    return any(m.group(0) not in asked if m.group(0)[0].isdigit() else m.group(0) not in question
               for m in _STATED_NUMBER.finditer(sentence))


def has_kind(q: Question, text: str) -> bool:
    """Whether ``text`` holds the kind of answer a number/date/person question asks for,
    beyond what the question itself says ("建议号：482" is no answer to a phone number).
    Other kinds of question always pass."""
    if q.want == "number":
        if any(m.group(0) not in q.text for m in _ANY_NUMBER.finditer(text)):
            return True
        # "比例有多高" is answered by "全覆盖" or "过半" as well as by a percentage
        asks_share, share = ASKED_FORMS["share"]
        return bool(asks_share.search(q.text) and share.search(text))
    if q.want == "date":
        return any(m.group(0) not in q.text for m in _ANY_DATE.finditer(text))
    if q.want == "person":
        import jieba.posseg as pseg  # slow to import: only person questions need part-of-speech tags

        return any(
            flag in ("nr", "nrt", "nrfg", "nt", "nz") and len(w) >= 2 and w not in q.text
            for w, flag in pseg.lcut(text)
        )
    return True
