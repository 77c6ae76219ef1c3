"""Question analysis: what kind of answer a question wants, which proposal and
metadata field it names, and which specific terms (places, people, years) the
evidence must contain for an answer to be trusted.

    >>> q = analyse("482号建议是谁提出的？")
    >>> q.number, q.field, q.want
    ('482', 'proposer', 'person')
    >>> analyse("杭州市推进新型工业化的主要举措有哪些？").entities
    ['杭州']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path

import jieba.posseg as pseg

from rag.confirm import confirmed_field
from rag.cue_words import DATE_FIELD_CUES, FIELD_CUES, WANT_CUES
from rag.refs import proposal_number

_WHO_MORE = re.compile(r"谁(?:的|家)?\S{0,12}?(?:更|最)?(?:多|少|大|小|高|低|强|弱|快|慢|领先|靠前)")
_HELD = re.compile(r"召开|举办|举行|组织")
# "规模较小的公司", "规模以上企业", "上规模的": a size that describes, not one asked for.
_SIZE_AS_MODIFIER = re.compile(r"上规模|规模(?=较|以上|以下|化|[大小]的|不大|不小)")
# Metadata belongs to a document: the question must name one (a number, 《title》, or its kind).
DOC_REF = re.compile(r"建议|提案|议案|答复|复函|评论|文章|新闻|报道|这篇|该文|文件|《")
# A year, with its month when the question gives one: "2024年12月" is not met by "2023年12月…2024年".
_YEAR = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月)?")
# Organisation names jieba does not tag: a run of characters ending in an office word.
_ORG_NAME = re.compile(
    r"[^\W\d_a-zA-Z是的哪个什么在了和与由被把向从对为跟谁几多少有及等将其该这那任]{2,12}?"
    r"(?<![布格结大全开当变时饭赌僵战政骗定出入棋残终平])(?:局(?![面势部限])|厅|委员会|办公室|研究院|研究所|大学(?!生)|学院|公司|集团|银行|协会|学会)"
)
_DOC_BEFORE = re.compile(r"^.*(?:号|答复函|建议|提案|报道|评论|文章|新闻|文件|资料|材料)(?:中|里|里面|上)?")
_OFFICE = re.compile(r"(?:局|厅|委员会|办公室)$")
_ADMIN_PREFIX = re.compile(r"^[\u4e00-\u9fff]{0,4}?[省市县区]")
# Descriptions, not names: "本地公司", "骨干企业的研究院" name no particular organisation.
_NOT_A_NAME = re.compile(r"些|本地|当地|骨干|相关|有关|这类|那类|各类|规模|大型|小型|中小|知名|龙头|国内|国外|外地")
_PLACE_SUFFIX = re.compile(r"(市|省|区|县)$")
# Too general to decide whether evidence is about the same thing.
_GENERIC_PLACES = frozenset("我国 全国 中国 我省 我市 全省 全市 国家 地方 各地 本市 本省 境内 国内 国际 全球 世界".split())
# Kinds of organisation jieba tags as names (科研所 nt, 新兴产业 nt): they name no particular one,
# and a document that says 科研院所 or 高校 instead was refused for not naming "科研所".
_GENERIC_ORGS = frozenset("科研所 科研院所 研究所 研究院 高校 大学 学校 联合体 新兴产业 大力开展 企业 政府".split())


def _read_places() -> tuple[frozenset[str], frozenset[str]]:
    """rag/data/places.txt: place names jieba often tags as common nouns (合肥 n); and those of
    them under its "# 区域" heading, regions that are no city (苏北, 长三角)."""
    path = Path(__file__).resolve().parent / "data" / "places.txt"
    names: set[str] = set()
    regions: set[str] = set()
    heading = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line
            continue
        names.update(line.split())
        if heading.startswith("# 区域"):
            regions.update(line.split())
    return frozenset(names), frozenset(regions)


KNOWN_PLACES, REGIONS = _read_places()


@dataclass
class Question:
    text: str
    want: str = "general"  # number | date | person | org | place | list | reason | general
    number: str | None = None  # proposal number named, e.g. "482"
    field: str | None = None  # metadata field asked for
    entities: list[str] = dc_field(default_factory=list)  # must appear in the evidence...
    expanded_entities: list[str] = dc_field(default_factory=list)  # ...or these, all of them
    orgs: list[str] = dc_field(default_factory=list)  # organisations named: must appear in the document
    terms: list[str] = dc_field(default_factory=list)  # quoted names, Latin terms: in the document too
    places: list[str] = dc_field(default_factory=list)  # places named, as written or written out


# "哪个部门" asks who handles the proposal, unless the unit acts in what the text says:
# "通过哪个部门的备案", "由哪个单位认定"; handling words keep the field ("由哪个单位办理")
_UNIT_IN_TEXT = re.compile(
    r"(?:通过|经过?|在|向|被|获)哪(?:个|家)(?:部门|单位)|哪(?:个|家)(?:部门|单位)的[\u4e00-\u9fff]{2}"
    r"|哪(?:个|家)(?:部门|单位)(?:发布|认定|评选|评定|公布|组织|颁发|批准|审核|认证|授予|命名)"
)
_HANDLES = re.compile(r"(?<![举创开])办(?!公)|牵头|答复|回复|负责|处理")


# "叫什么" asks a title only of the document itself ("这篇评论叫什么", "482号建议的题目")
_NAMES_THE_DOC = re.compile(r"(?:建议|提案|答复函?|文章|评论|新闻|报道|文件|这篇|这份|那篇|那份)(?:的)?(?:名字|名称)?(?:是|又)?叫什么")


# "建议人是哪个单位的" names the proposer and asks no handling word (主办, 承办, 牵头…).
_PROPOSER_UNIT = re.compile(r"^(?!.*(?:主办|承办|协办|牵头|办理|答复)).*(?:建议人|提案人|提出人|领衔人)")
_AUTHOR_UNIT = re.compile(r"^(?!.*(?:主办|承办|协办|牵头|办理|答复)).*(?:作者|撰稿人|撰写人)")


# "1002号建议是哪一年的", "482号建议是什么时候的": the document's date, no act named
_DATE_OF_DOC = re.compile(r"^\D{0,4}\d{1,5}\s*号(?:建议|提案|答复函?)?(?:是)?(?:哪一?年|什么时候|何时|哪天)的[？?。]*$")


_WHEN = re.compile(r"哪天|哪一天|什么时候|何时|哪年|哪一年|几月|几号|什么时间")
# A figure the question quotes from the text (not the proposal's number): "…104家，这是哪一年的".
_CONTENT_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:家|个|项|亿|万|%|人次|名|所|座|条|倍|台|件)")
# "…在482号建议办理中是什么角色": which handling field names the unit
_ROLE = re.compile(r"什么角色|啥角色|什么身份|什么作用|主办还是协办|协办还是主办|是主办吗|是协办吗")
# "118号建议是哪个单位提的": who filed it, though it asks for a unit
_FILED_BY = re.compile(
    r"^(?!.*(?:主办|承办|协办|牵头|办理|答复)).*(?:哪个|哪位|哪家|哪一个|什么)(?:单位|组织|机构|党派|委员|代表)\S{0,2}"
    r"(?:提的|提出的?|所提|提交的?)"
)


_SIGNED = re.compile(r"落款|签发")
_HOSTED = re.compile(r"主办|承办|协办|牵头|负责|办理")


def analyse(text: str) -> Question:
    q = Question(text=text)
    q.number = proposal_number(text)
    q.field = _first_cue(text, FIELD_CUES) if (q.number or DOC_REF.search(text)) else None
    if q.field == "host_unit" and _SIGNED.search(text) and not _HOSTED.search(text):
        q.field = "sign_unit"  # "118号建议的答复函落款是哪个单位": the letter's signer, not who handles it
    if q.field == "host_unit" and _UNIT_IN_TEXT.search(text) and not _HANDLES.search(text):
        q.field = None  # "…是通过哪个部门的算法备案": a unit the text names, not who handles the proposal
    if q.field == "session" and _HELD.search(text):
        q.field = None  # "下一步还会适时召开什么会议": a meeting the text plans, not the proposal's session
    if q.field is None and (q.number or DOC_REF.search(text)) and _NAMES_THE_DOC.search(text):
        # "这篇评论叫什么", but not "这两个基地具体叫什么名字" (another thing's name) nor
        # "评论的作者叫什么名字" (the author field, found above)
        q.field = "title"
    # "建议人是哪个单位的", "118号建议是哪个单位提的": the proposer's, not the handling unit
    filed_by = q.field in ("host_unit", None) and q.number and _FILED_BY.search(text)
    if filed_by or (q.field == "host_unit" and _PROPOSER_UNIT.search(text)):
        q.field = "proposer"
    if q.field == "host_unit" and _AUTHOR_UNIT.search(text):
        q.field = "author"  # "评论作者是哪个单位的": the author's, which the byline says
    q.want = _first_cue(_SIZE_AS_MODIFIER.sub("", text), WANT_CUES) or "general"
    if q.want == "person" and _WHO_MORE.search(text):
        q.want = "general"  # "苏州和北京谁的企业多": a comparison of the two, not a person
    if q.field is None and q.want == "date" and (q.number or DOC_REF.search(text)):
        q.field = _first_cue(text, DATE_FIELD_CUES)
    if q.field is None and q.number and _DATE_OF_DOC.search(text):
        q.field = "reply_date"  # "1002号建议是哪一年的": its date (a reply letter's is its signature's)
    if q.field and q.want == "date" and not q.field.endswith("date") and _WHEN.search(text):
        q.field = None  # "科学技术局是哪天把…协办意见反馈的": when, which the 协办 field does not say
    if q.field and q.field.endswith("date") and _CONTENT_FIGURE.search(text):
        q.field = None  # "答复函里说…新增…104家，这是哪一年的数据": the figure's year, not the letter's
    if q.field and q.want == "reason":
        q.field = None  # "为什么…办理结果定为已经解决": a field holds a value, never why
    if q.number or DOC_REF.search(text):
        # "482号建议是市致公党提的吧": the proposer, to confirm; "…是省工信厅签发的吗": the unit
        # stated, not the date that 签发 alone asks for
        q.field = confirmed_field(text)[0] or q.field
    if q.field in (None, "host_unit", "co_units") and q.number and _ROLE.search(text):
        q.field = "role"  # "市科技局在482号建议办理中是什么角色": the handling field naming it (rag/fields.py)
    if q.field in ("proposer", "author"):
        q.want = "person"
    elif q.field and q.field.endswith("date"):
        q.want = "date"
    q.entities, own = _named(text)
    # Matching also uses the written-out forms, so the evidence may name those (江苏北部 → 苏北).
    q.expanded_entities, written_out = _named(expand(text))
    q.places = sorted(own | written_out)
    q.orgs = _orgs(text)
    q.terms = _named_terms(text)
    return q


# Standard short forms and their full names (general Chinese usage, not corpus facts): a
# question may say 沪/首都/AI where the text says 上海/北京/人工智能.
ABBREVIATIONS: list[tuple[str, str]] = [
    # Single characters only where they hardly occur inside other words (not 京: 南京, 东京).
    ("沪上", "上海"), ("沪", "上海"), ("京津冀", "北京、天津、河北"), ("首都", "北京"),
    ("苏浙", "江苏、浙江"), ("皖", "安徽"), ("粤", "广东"),
    ("江苏北部", "苏北"), ("江苏南部", "苏南"), ("AI", "人工智能"), ("GDP", "地区生产总值"),
]
_ABBREV = re.compile("|".join(re.escape(a) for a, _ in ABBREVIATIONS))
_FULL = dict(ABBREVIATIONS)


def expand(text: str) -> str:
    """The question with short forms written out, for matching against document wording.

    >>> expand("苏州的AI企业跟首都比如何？")
    '苏州的人工智能企业跟北京比如何？'
    """
    return _ABBREV.sub(lambda m: _FULL[m.group(0)], text)


def _first_cue(text: str, cues: list[tuple[str, tuple[str, ...]]]) -> str | None:
    for name, words in cues:
        if any(w in text for w in words):
            return name
    return None


def _orgs(text: str) -> list[str]:
    """Organisation names jieba does not tag, without their place prefix.

    >>> _orgs("苏州市科学技术局局长是谁？"), _orgs("苏州工信局局长是谁"), _orgs("上海交通大学在哪")
    (['科学技术局'], ['工信局'], ['上海交通大学'])
    >>> _orgs("1002号答复函中省科技厅做了哪些工作？")
    ['科技厅']
    >>> _orgs("哪些苏州本地公司完成了登记？")
    []
    >>> _orgs("有多少家公司通过了复评？马一德担任学院院长吗？")  # 多少家, 担任: not names
    []
    >>> _orgs("马一德怎么形容眼下的国际局面？大学生怎么看？")  # 局面, 大学生: no office
    []
    """
    out = []
    for m in _ORG_NAME.finditer(text):
        name = _DOC_BEFORE.sub("", m.group(0))  # "1002号答复函中省科技厅": the document, then the name
        name = _ADMIN_PREFIX.sub("", name)  # the prefix is often abbreviated in the text
        # "苏州工信局": a known place written without 市, the text's "苏州市工信局"
        if _OFFICE.search(name):  # not 上海交通大学: the place is part of a university's name
            place = max((p for p in KNOWN_PLACES if name.startswith(p) and len(name) - len(p) >= 3), key=len, default="")
            name = name[len(place) :]
        if len(name) >= 3 and name not in out and not _NOT_A_NAME.search(name):
            out.append(name)
    return out


def _entities(text: str) -> list[str]:
    """Places, people, organisations and years named in the question.

    jieba tags many common words as names ("城市 ns", "智能化 nr", "雁群 nr"); such a word
    would have to stand near the evidence and refuse a good answer.  So a place must be one we
    know (rag/data/places.txt) or end in 市/省/区/县…, and a person's name must begin with a
    common surname:

    >>> _entities("胡伏原说长三角哪座城市的智能化水平最高？")
    ['胡伏原', '长三角']
    >>> _entities("美国和苏州高新区2023年的产值是多少？")
    ['美国', '苏州高新', '2023年']
    >>> _entities("胡伏原列出的各省市评分中，科研所排第几？")  # a collective and a kind name nothing
    ['胡伏原']
    """
    return _named(text)[0]


def _named(text: str) -> tuple[list[str], set[str]]:
    """(entities, places) of ``text`` from one part-of-speech pass: places are entities too."""
    out: list[str] = []
    found: set[str] = set()
    for w, flag in pseg.lcut(text):
        w = w.strip()
        # "各省市" (every province) is a collective, not a named place
        if len(w) < 2 or w in _GENERIC_PLACES or w in _GENERIC_ORGS or w.startswith("各"):
            continue
        if w in KNOWN_PLACES or (flag == "ns" and _is_place(w)):
            w = _PLACE_SUFFIX.sub("", w) if len(w) > 2 else w
            found.add(w)
        elif flag == "nt" or (flag in ("nr", "nrt") and _is_person(w)):
            pass
        else:
            continue
        if w not in out and w not in _GENERIC_PLACES:
            out.append(w)
    for y in _YEAR.findall(text):
        if y not in out:
            out.append(y)
    return out, found - _GENERIC_PLACES


def places(text: str) -> set[str]:
    """The places ``text`` names, checked as in ``_entities`` (苏州市 → 苏州).

    >>> sorted(places("支持苏北地区和苏州市的企业，城市更新"))
    ['苏北', '苏州']
    """
    return _named(text)[1]


def _is_place(word: str) -> bool:
    return not STRICT_NAMES or (len(word) >= 3 and bool(_PLACE_WORD_SUFFIX.search(word)))


def _is_person(word: str) -> bool:
    return not STRICT_NAMES or (word[0] in _SURNAMES and len(word) <= 4)


STRICT_NAMES = True
_PLACE_WORD_SUFFIX = re.compile(r"[市省区县州镇乡村]$")
# The hundred commonest Chinese surnames (over 85% of people).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


def _named_terms(text: str) -> list[str]:
    """Names in quotes (“小巨人”, 《…》) and Latin-letter terms (PFlops, AIGC): a programme,
    product or unit the document must mention, else it answers something else.

    >>> _named_terms("苏州有多少家专精特新“小巨人”企业？算力有多少PFlops？")
    ['小巨人', 'PFlops']
    >>> _named_terms("苏州有多少家lighthouse factory"), _named_terms("the digital economy is how large")
    (['lighthouse factory'], ['digital economy'])
    >>> _named_terms("big data产业规模"), _named_terms("GDP CPI各是多少")  # acronyms stand alone
    (['big data'], ['GDP', 'CPI'])
    """
    return list(dict.fromkeys(_QUOTED.findall(text) + _latin_terms(text)))


def _latin_terms(text: str) -> list[str]:
    """Latin-letter terms, the words of one phrase together ("lighthouse factory", which the
    glossary writes 灯塔工厂), the question's own English words left out."""
    out: list[str] = []
    run: list[str] = []
    end = -1
    for m in _LATIN.finditer(text):
        apart = text[end : m.start()].strip() or m.group(0).isupper() or (run and run[-1].isupper())
        if run and (apart or m.group(0).lower() in _ENGLISH_WORDS):
            out.append(" ".join(run))
            run = []
        if m.group(0).lower() not in _ENGLISH_WORDS:
            run.append(m.group(0))
        end = m.end()
    return out + ([" ".join(run)] if run else [])


# English words a mixed question asks with ("…灯塔工厂 how many?", "…的proposer是谁"): no term
_ENGLISH_WORDS = frozenset(
    "how many much who whom whose what when where which why is are was were the a an of in on for to by "
    "and or do does did it its this that large long old often proposer proposed filed host unit reply date "
    "replied handled".split()
)
_QUOTED = re.compile(r"[“\"「《]([^”\"」》]{2,12})[”\"」》]")
_LATIN = re.compile(r"(?<![A-Za-z])[A-Za-z][A-Za-z0-9.+-]*[A-Za-z0-9+](?![A-Za-z])")
