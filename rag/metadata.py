"""Policy metadata read from a document's cleaned text, each value with its span.

Every field records where it was read, so ``text[f.start:f.end]`` is the
passage a citation can quote (the label together with its value)::

    >>> text = ("建议人：胡伏原 建议号：482\\n标题：关于从科教维度推进我市新型工业化的建议\\n"
    ...         "承办单位：主办 苏州市工业和信息化局\\n协办 苏州市科学技术局;\\n"
    ...         "办理期限：3个月 答复时间：2025-06-19 09:37\\n482号提案的答复.doc")
    >>> meta = extract_metadata(text)
    >>> p = meta["proposer"]
    >>> p.value, text[p.start:p.end]
    ('胡伏原', '建议人：胡伏原')
    >>> meta["number"].value, meta["co_units"].value, meta["reply_date"].value
    ('482', '苏州市科学技术局', '2025-06-19 09:37')
    >>> k = meta["kind"]   # the page says 建议人, but the text calls it a 提案
    >>> k.value, text[k.start:k.end]
    ('提案', '482号提案')
    >>> "proposer_role" in meta   # a 提案's filer is a CPPCC 委员, but this page says 建议人: unknown
    False

Only keys with evidence in the text are returned; nothing is guessed from the
file name, because every offset must point into the text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from rag.documents import Field

HAN = "\u4e00-\u9fff"
_NB = rf"(?<![{HAN}])"  # a label must not be the tail of a longer word
_COLON = r"\s*[:：]\s*"  # may cross a line break: "建议人:\n市致公党"
_COLON_1L = r"[ \t]*[:：][ \t]*"  # same line only
_TOKEN = r"[^\s:：|/()（）【】\[\]]+"
_TOKEN_END = r"(?=[\s|/)）【\[]|$)"  # a token followed by ":" is a label, not a value
_DATE = (r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?"
         r"(?:[ \t]+\d{1,2}:\d{2}(?::\d{2})?)?")
_CN_DATE = "[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
_ORG = re.compile("致公党|民革|民盟|民建|民进|农工党|九三学社|台盟|工商联|总工会|共青团|团市委|"
                  "妇联|科协|侨联|青联|台联|界别|委员会|小组|党派|支部|学会|协会|商会")
_UNIT_END = re.compile(r"(?:厅|局|委|会|院|办|办公室|政府|部|中心|公司|党|社|联|处|所|站|组)$")
_STOP = re.compile(r"办理期限|答复时间|办理类型|答复内容|协办|主办")
_SALUTATION = rf"^(?:尊敬的)?(?P<v>[{HAN}·、]{{2,30}}?)等?(?P<r>代表|委员)?们?[:：][ \t]*$"
_KINDS = ("建议", "提案", "答复函", "新闻", "评论")


def _label(*words: str) -> str:
    """Alternation of labels that tolerates spaced characters ("建 议 人").

    Two-character labels (时间, 来源, 作者) must not be the tail of a longer word
    ("答复时间", "资金来源"); longer ones may follow anything ("3个月答复时间:").
    """
    alts = [(_NB if len(w) <= 2 else "") + r" ?".join(map(re.escape, w)) for w in words]
    return "(?:" + "|".join(alts) + ")"


def _from(m: re.Match[str] | None, group: str = "v", value: str | None = None) -> Field | None:
    """A Field spanning the whole match (label + value + any suffix such as 号建议)."""
    if m is None or not m.group(group).strip():
        return None
    return Field(value=m.group(group).strip() if value is None else value,
                 start=m.start(), end=m.end())


def _search(pattern: str, text: str, flags: int = re.MULTILINE) -> Field | None:
    return _from(re.search(pattern, text, flags))


def extract_metadata(text: str, doc_id: str = "") -> dict[str, Field]:
    """Read the policy fields present in ``text``. ``doc_id`` is not consulted."""
    found: dict[str, Field | None] = {
        "title": _title(text),
        "number": _number(text),
        "session": _session(text),
    }
    found["kind"] = _kind(text, found["number"])
    proposer, role = _proposer(text, found["kind"])
    found.update(proposer=proposer, proposer_role=role)
    found.update(
        host_unit=_unit_after(text, "主办") or _plain_host(text),
        co_units=_unit_after(text, "协办"),
        consulted_units=_search(
            r"经(?:商|会商|征求|会同)(?P<v>[^，,。；;\n]{2,80}?)"
            r"(?:等(?:有关|相关)?(?:部门|单位)|的?意见)", text),
        deadline=_search(_label("办理期限", "答复期限") + _COLON
                         + r"(?P<v>[^\s|:：]+?)(?=\s|$|答复|办理)", text),
        reply_date=_search(_label("答复时间", "答复日期", "办结时间") + _COLON
                           + rf"(?P<v>{_DATE})", text),
        handling_type=_search(_label("办理类型", "办理结果") + _COLON + r"(?P<v>[^\s|]+)",
                              text),
        publish_date=_publish_date(text),
        source=_search(_label("信息来源", "文章来源", "稿件来源", "来源") + _COLON_1L
                       + rf"(?P<v>{_TOKEN}){_TOKEN_END}", text),
        # "(来源:江苏广电苏州中心站/耿昊东 庞淑婕 郭彧 编辑/汪泽)": the reporters follow the outlet
        reporters=_search(_label("信息来源", "文章来源", "稿件来源", "来源") + _COLON_1L + _TOKEN
                          + r"/(?P<v>[^\s/()（）|:：][^\n/()（）|:：]*?)(?=\s*(?:编辑|责编|[)）/]|$))", text),
        # "编辑/汪泽" after the reporters, "【编辑:曹子健】" after the author
        editor=_search(_label("责任编辑", "责编", "编辑") + r"[ \t]*[:：/][ \t]*"
                       + rf"(?P<v>{_TOKEN})(?=[\s|/)）】\]【\[]|$)", text),
        author=_search(_label("作者", "撰稿", "撰文") + _COLON_1L
                       + rf"(?P<v>{_TOKEN}){_TOKEN_END}", text),
    )
    sign_date = _sign_date(text)
    found.update(sign_date=sign_date, sign_unit=_sign_unit(text, sign_date))
    if found["kind"] is not None and found["kind"].value == "答复函":
        found["proposal_title"] = _proposal_title(text)
        found["salutation"] = _salutation(text)
    return {k: v for k, v in found.items() if v is not None}


def _salutation(text: str) -> Field | None:
    """A reply letter's 称呼, the line it opens with: "陆惠芬代表:" → 陆惠芬代表.

    >>> _salutation("对第1002号建议的答复\\n\\n陆惠芬代表:\\n\\n您提出的建议收悉").value
    '陆惠芬代表'
    """
    m = next(_salutations(text), None)
    return Field(m.group(0).strip().rstrip(":："), m.start(), m.end()) if m else None


def _salutations(text: str) -> Iterator[re.Match[str]]:
    """Salutation lines ("陆惠芬代表:") among a letter's first 15 lines."""
    return re.finditer(_SALUTATION, "\n".join(text.split("\n")[:15]), re.MULTILINE)


def _proposal_title(text: str) -> Field | None:
    """A reply letter names the proposal it answers: "(关于……的建议)" under its heading,
    or "您提出的关于……的建议收悉" in its opening."""
    head = _search(r"^[(（](?P<v>关于[^\n()（）]{2,80}?的(?:建议|提案|议案))[)）][ \t]*$", text[:600])
    return head or _search(r"您提出的(?P<v>关于[^\n，,。]{2,80}?的(?:建议|提案|议案))收悉", text)


# ---------------------------------------------------------------- identity


def _title(text: str) -> Field | None:
    labelled = _search(_label("标题", "题目") + _COLON + r"(?P<v>[^\n|]+?)[ \t]*$", text)
    if labelled and not labelled.value.endswith((":", "：")):
        return labelled
    # otherwise the headline: the first line near the top that is not page furniture
    for m in itertools.islice(re.finditer(r"^[^\n]+$", text, re.MULTILINE), 8):
        line = m.group()
        if (line in _KINDS or len(line) < 4 or len(line) > 100
                or line.endswith(("。", "！", "？", "；", "，", "!", "?", ";", ",", ":", "："))
                or re.fullmatch(r"[\d\s:/.\-年月日]+", line)
                or line.startswith(("(", "（", "【"))
                or re.match(r"[^:：]{1,10}[:：]", line)):
            continue
        prefix = re.match(r"\d+[.．、]\s*", line)  # "118.关于…" -> drop the list number
        skip = prefix.end() if prefix else 0
        return Field(value=line[skip:], start=m.start() + skip, end=m.end())
    return None


def _number(text: str) -> Field | None:
    return (_search(_label("建议号", "提案号", "建议编号", "提案编号") + _COLON + r"(?P<v>\d+)",
                    text)
            or _search(r"第\s*(?P<v>\d+)\s*号(?:建议|提案)", text)
            or _search(r"\A(?P<v>\d+)[.．、]\s*关于", text))


def _session(text: str) -> Field | None:
    num = "[一二三四五六七八九十〇零\\d]+"
    return _search(rf"(?P<v>(?:全国|[{HAN}]{{2,4}}[省市]|[省市县区])?{num}届"
                   rf"(?:全国)?(?:人大|人民代表大会|政协){num}次(?:全体)?会议)", text)


def _kind(text: str, number: Field | None) -> Field | None:
    """Classify from evidence in the text; the span points at that evidence."""
    if re.search(r"现(?:将有关情况)?答复如下", text) and "的答复" in text:
        return _from(re.search(r"(?P<v>现(?:将有关情况)?答复如下)", text), value="答复函")
    proposal = re.search(_label("建议人", "建议号", "提案人", "提案号"), text)
    if proposal:
        num = re.escape(number.value) if number else r"\d+"
        evidence = (re.search(r"(?P<v>" + _label("提案人", "提案号") + ")", text)
                    or re.search(rf"(?P<v>第?{num}号提案)", text)
                    or re.search(r"(?P<v>委员之家|政协委员)", text))
        if evidence:
            return _from(evidence, value="提案")
        return Field("建议", proposal.start(), proposal.end())
    news = re.match(r"\s*(?P<v>新闻)(?:[ \t]*$|[ \t:：>])", text, re.MULTILINE)
    if news:
        return _from(news, value="新闻")
    comment = re.search(r"(?P<v>【(?:专家解读|评论|时评|观点)】|评论员|" + _label("作者") + "[:：])",
                        text)
    return _from(comment, value="评论")


# ---------------------------------------------------------------- people and units


def _proposer(text: str, kind: Field | None) -> tuple[Field | None, Field | None]:
    m = re.search(_label("建议人", "提案人", "领衔人") + _COLON + rf"(?P<v>{_TOKEN})(?={_TOKEN_END}|[(（])",
                  text)
    if m:
        person = Field(m.group("v"), m.start(), m.end())
        if _ORG.search(person.value):
            return person, Field("组织", person.start, person.end)
        # "李四委员" or "张三（市人大代表）": the role is written with the name
        said = re.match(r"(?P<n>.+?)(?P<r>代表|委员)$", person.value) or re.match(
            r"[(（][^)）\n]{0,12}?(?P<r>代表|委员)[)）]", text[m.end() :]
        )
        if said:
            name = said.groupdict().get("n") or person.value
            return Field(name, person.start, person.end), Field(said.group("r"), person.start, person.end)
        # a 提案 is filed by a CPPCC 委员, unless the page itself labels its filer 建议人: then the
        # 提案 evidence is only an attachment's name ("482号提案的答复.doc") and the role is unknown
        if kind and kind.value == "提案" and not re.match(r"建\s*议", m.group(0)):
            return person, Field("委员", kind.start, kind.end)
        return person, None
    # a reply letter's salutation: "陆惠芬代表：" / "张三等委员：" / "民盟江苏省委："
    for m in _salutations(text):
        name, role = m.group("v"), m.group("r")
        if name.startswith("各"):  # "各位代表：" addresses a group, names nobody
            continue
        if _ORG.search(name):
            role = "组织"
        if role:
            return Field(name, m.start(), m.end()), Field(role, m.start(), m.end())
    return None, None


def _plain_host(text: str) -> Field | None:
    """``承办单位：江苏省工业和信息化厅`` with no 主办/协办 split: the one unit is the host.

    >>> _plain_host("承办单位：江苏省工业和信息化厅\\n").value, _plain_host("承办单位：主办 苏州市工信局")
    ('江苏省工业和信息化厅', None)
    """
    m = re.search(_label("承办单位", "办理单位") + _COLON + r"(?P<v>[^\s|:：;；，,。]{4,40})[ \t]*(?:$|[;；|])",
                  text, re.MULTILINE)
    if not m or re.match(r"主办|协办|会办", m.group("v")):
        return None
    return Field(m.group("v"), m.start(), m.end("v"))


def _unit_after(text: str, word: str) -> Field | None:
    """``主办 苏州市工业和信息化局`` / ``协办 A;B;`` -> the unit list on that line."""
    m = re.search(rf"(?:^|(?<=[\s|：:])){word}(?:单位)?(?!方)[ \t]*[:：]?[ \t]*(?P<v>[^\n|]*)",
                  text, re.MULTILINE)
    if not m:
        return None
    value = m.group("v")
    stop = _STOP.search(value)
    value = value[: stop.start()] if stop else value
    value = value.rstrip(" ;；,，、。")
    if not value or len(value) > 80 or re.search(r"[。，,！？]", value):  # a sentence
        return None
    return Field(value, m.start(), m.start("v") + len(value))


# ---------------------------------------------------------------- dates and letters


def _publish_date(text: str) -> Field | None:
    labelled = _search(_label("发布时间", "发布日期", "发文日期", "时间", "日期") + _COLON
                       + rf"(?P<v>{_DATE})", text)
    if labelled:
        return labelled
    # news pages print "2024 01/04 10:20" (often one part per line) under the headline
    m = re.search(r"(?P<y>\d{4})\s+(?P<m>\d{1,2})/(?P<d>\d{1,2})\s+(?P<t>\d{1,2}:\d{2})",
                  text[:300])
    if not m:
        return None
    value = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d} {m['t']}"
    return Field(value, m.start(), m.end())


def _sign_date(text: str) -> Field | None:
    """The date line of a letter's 落款, near the end of the text."""
    last = None
    for m in re.finditer(rf"^[ \t]*(?P<v>\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{_CN_DATE})[ \t]*$",
                         text, re.MULTILINE):
        last = m
    if last is None or last.start() < len(text) - 300:
        return None
    return Field(last.group("v"), last.start("v"), last.end("v"))


def _sign_unit(text: str, sign_date: Field | None) -> Field | None:
    """The unit signing the letter: the non-empty line just above its date."""
    if sign_date is None:
        return None
    m = re.search(r"^(?P<v>[^\n]{2,40})\s*\Z", text[: sign_date.start], re.MULTILINE)
    if not m:
        return None
    value = m.group("v").strip()
    if re.search(r"[。，,！？!?;；]", value) or not _UNIT_END.search(value):
        return None
    start = m.start("v") + (len(m.group("v")) - len(m.group("v").lstrip()))
    return Field(value, start, start + len(value))
