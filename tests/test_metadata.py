"""Metadata read from the five real corpus documents, with spans that quote the evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.documents import Document
from rag.loading import load_file
from rag.metadata import extract_metadata
from rag.questions import analyse

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
P482 = "482号建议_从科教维度推进我市新型工业化.txt"
P118 = "118号建议_人工智能与产业深度融合.txt"
REPLY = "答复函_第1002号建议的答复.txt"
NEWS = "新闻_新年第一会苏州聚焦新型工业化.txt"
COMMENT = "评论_以科技创新推动产业创新.txt"
ALL = (P482, P118, REPLY, NEWS, COMMENT)

# Derived values are not written in the text; their span must show the evidence instead.
EVIDENCE = {
    ("kind", "建议"): ("建议",),
    ("kind", "提案"): ("提案", "委员之家"),
    ("kind", "答复函"): ("答复",),
    ("kind", "新闻"): ("新闻",),
    ("kind", "评论"): ("评论", "专家解读", "作者"),
    ("proposer_role", "代表"): ("代表",),
    ("proposer_role", "委员"): ("委员", "提案"),
    ("proposer_role", "组织"): ("致公党", "民盟", "九三学社", "工商联"),
}


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {name: load_file(CORPUS / name, root=CORPUS) for name in ALL}


def values(doc: Document) -> dict[str, str]:
    return {k: f.value for k, f in doc.meta.items()}


def test_482(docs: dict[str, Document]) -> None:
    v = values(docs[P482])
    assert v["proposer"] == "胡伏原"
    assert v["number"] == "482"
    assert v["title"] == "关于从科教维度推进我市新型工业化的建议"
    assert v["host_unit"] == "苏州市工业和信息化局"
    assert "苏州市科学技术局" in v["co_units"]
    assert v["reply_date"] == "2025-06-19 09:37"
    assert v["handling_type"] == "A:已经解决"
    assert v["deadline"] == "3个月"
    # the page says 建议人, but its attachment is "482号提案的答复.doc": a 提案, filed by whom is unknown
    assert v["kind"] == "提案"
    assert "proposer_role" not in v


def test_118(docs: dict[str, Document]) -> None:
    v = values(docs[P118])
    assert v["proposer"] == "市致公党"
    assert v["proposer_role"] == "组织"
    assert v["number"] == "118"
    assert v["title"] == "关于“人工智能+产业”深度融合,赋能新型工业化发展的建议"
    assert v["host_unit"] == "苏州市工业和信息化局"
    assert "co_units" not in v  # "协办" is followed directly by "办理期限"
    assert v["reply_date"] == "2025-06-20 14:57"
    assert v["publish_date"] == "2025-10-16 12:12"
    assert v["handling_type"] == "A:已经解决"
    assert v["kind"] == "提案"
    assert "source" not in v  # "信息来源:" is empty on that page


def test_reply_letter(docs: dict[str, Document]) -> None:
    v = values(docs[REPLY])
    assert v["kind"] == "答复函"
    assert v["number"] == "1002"
    assert v["title"] == "对省十三届人大四次会议第1002号建议的答复"
    assert v["proposer"] == "陆惠芬"
    assert v["proposer_role"] == "代表"
    assert v["sign_date"] == "2021年6月18日"
    assert v["sign_unit"] == "江苏省工业和信息化厅"
    assert v["source"] == "江苏省工业和信息化厅"
    assert v["consulted_units"] == "省发展改革委、教育厅、科技厅"
    assert v["session"] == "省十三届人大四次会议"
    assert v["publish_date"] == "2021-09-16 16:32"
    assert docs[REPLY].date == "2021年6月18日"


def test_news(docs: dict[str, Document]) -> None:
    doc = docs[NEWS]
    v = values(doc)
    assert v["kind"] == "新闻"
    assert v["publish_date"] == "2024-01-04 10:20"
    assert v["title"] == "新年第一会 苏州聚焦新型工业化 奋力打造“智造之城”"
    assert v["source"] == "江苏广电苏州中心站"
    assert v["reporters"] == "耿昊东 庞淑婕 郭彧"  # "(来源:江苏广电苏州中心站/耿昊东 庞淑婕 郭彧 编辑/汪泽)"
    f = doc.meta["publish_date"]  # normalised value, but the span is the original date
    assert [p for p in doc.text[f.start : f.end].split()] == ["2024", "01/04", "10:20"]


def test_commentary(docs: dict[str, Document]) -> None:
    v = values(docs[COMMENT])
    assert v["kind"] == "评论"
    assert v["author"] == "马一德"
    assert v["publish_date"] == "2024-11-18 13:24:40"
    assert v["title"] == "以科技创新推动产业创新"
    assert v["source"] == "sp20241118"


@pytest.mark.parametrize("name", ALL)
def test_every_span_quotes_its_value(docs: dict[str, Document], name: str) -> None:
    doc = docs[name]
    assert doc.meta, name
    for key, f in doc.meta.items():
        assert 0 <= f.start < f.end <= len(doc.text), (name, key)
        span = doc.text[f.start : f.end]
        if (key, f.value) in EVIDENCE:
            assert any(e in span for e in EVIDENCE[(key, f.value)]), (name, key, span)
        elif name == NEWS and key == "publish_date":
            continue  # normalised "2024-01-04 10:20"; checked in test_news
        else:
            assert f.value in span, (name, key, f.value, span)


@pytest.mark.parametrize("name", ALL)
def test_spans_include_the_label(docs: dict[str, Document], name: str) -> None:
    labels = {"proposer": ("建议人", "代表"), "number": ("建议号", "号建议"),
              "reply_date": ("答复时间",), "host_unit": ("主办",), "author": ("作者",)}
    doc = docs[name]
    for key, expected in labels.items():
        if key in doc.meta:
            f = doc.meta[key]
            assert any(lab in doc.text[f.start : f.end] for lab in expected), (name, key)


def test_kind_values_are_known(docs: dict[str, Document]) -> None:
    assert {d.kind for d in docs.values()} <= {"建议", "提案", "答复函", "新闻", "评论"}


def test_plain_建议_without_提案_evidence() -> None:
    text = "建议人：王五 建议号：7\n标题：关于加快发展的建议\n承办单位：主办 市发改委\n协办 市财政局;市统计局;"
    meta = extract_metadata(text)
    assert meta["kind"].value == "建议"
    assert "proposer_role" not in meta  # no salutation, no 提案, not an organisation
    assert meta["co_units"].value == "市财政局;市统计局"
    assert text[meta["number"].start : meta["number"].end] == "建议号：7"


def test_ascii_colons_and_pipe_table_forms() -> None:
    text = "提案人: 九三学社苏州市委 | 提案号: 35 |\n答复时间: 2024-05-01 10:00"
    meta = extract_metadata(text)
    assert meta["proposer"].value == "九三学社苏州市委"
    assert meta["proposer_role"].value == "组织"
    assert meta["number"].value == "35"
    assert meta["kind"].value == "提案"
    assert meta["reply_date"].value == "2024-05-01 10:00"


def test_committee_member_salutation() -> None:
    text = ("关于第12号提案的答复\n\n张三委员：\n\n您提出的提案收悉，经征求市财政局意见，现答复如下：\n"
            "……\n\n苏州市教育局\n\n2024年6月1日")
    meta = extract_metadata(text)
    assert meta["kind"].value == "答复函"
    assert (meta["proposer"].value, meta["proposer_role"].value) == ("张三", "委员")
    assert meta["consulted_units"].value == "市财政局"
    assert meta["sign_unit"].value == "苏州市教育局"
    assert meta["sign_date"].value == "2024年6月1日"


def test_salutations() -> None:
    group = extract_metadata("各位代表：\n\n现答复如下：……的答复")
    assert "proposer" not in group
    org = extract_metadata("关于第3号提案的答复\n\n民盟苏州市委：\n\n现答复如下：")
    assert (org["proposer"].value, org["proposer_role"].value) == ("民盟苏州市委", "组织")


def test_empty_text_has_no_fields() -> None:
    assert extract_metadata("") == {}
    assert extract_metadata("只有一句普通的话。") == {}


def test_reply_letter_names_the_proposal_it_answers():
    root = Path(__file__).resolve().parent.parent / "corpus"
    doc = load_file(root / "答复函_第1002号建议的答复.txt", root)
    f = doc.meta["proposal_title"]
    assert f.value == "关于支持苏北地区加快传统产业高端化、智能化、绿色化改造的建议"
    assert f.value in doc.text[f.start : f.end]


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("关于X的提案\n提案人：李四委员\n内容", "李四", "委员"),  # not "李四委员委员："
        ("关于X的建议\n建议人：张三（市人大代表）\n张三代表提出", "张三", "代表"),
        ("关于X的提案\n提案人：赵六（市政协委员）\n内容", "赵六", "委员"),
        ("关于X的建议\n建议人：钱七（苏州大学教授）\n内容", "钱七", None),
    ],
)
def test_a_role_written_with_the_proposer_is_read_once(text: str, name: str, role: str | None) -> None:
    meta = extract_metadata(text)
    assert meta["proposer"].value == name
    assert (meta["proposer_role"].value if meta.get("proposer_role") else None) == role


def test_reporters_follow_the_outlet_in_the_source_line() -> None:
    assert extract_metadata("正文。\n(来源:新华社/张三 李四)\n")["reporters"].value == "张三 李四"
    assert "reporters" not in extract_metadata("来源:苏州日报\n")


def test_the_editor_after_the_reporters_or_the_author() -> None:
    assert extract_metadata("(来源:台/张三 编辑/汪泽)\n")["editor"].value == "汪泽"
    assert extract_metadata("作者: 马一德 【编辑:曹子健】\n")["editor"].value == "曹子健"
    assert "editor" not in extract_metadata("组织专家编辑出版了指南。\n")


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("482号建议说，24个重点算法通过了哪个部门的深度合成服务算法备案？", None),  # a unit in the text
        ("118号建议里的“灯塔工厂”是由哪个单位评选的？", None),
        ("118号建议是哪个部门的？", "host_unit"),
        ("482号建议由哪个部门负责？", "host_unit"),
        ("118号建议交给哪个部门的人去办？", "host_unit"),
    ],
)
def test_a_unit_the_text_names_is_not_the_handling_unit(question, field):
    from rag.questions import analyse

    assert analyse(question).field == field


def test_a_unit_in_the_text_is_answered_from_the_text(assistant):
    a = assistant.ask("482号建议说，24个重点算法通过了哪个部门的深度合成服务算法备案？")
    assert not a.refused and "国家网信办" in a.text and "主办单位" not in a.text


def test_the_year_of_a_figure_the_question_quotes_is_not_the_letters_date(assistant):
    """A held-out question: "答复函里说…104家，这是哪一年的数据" got the letter's signing date."""
    assert analyse("答复函里说苏北新增省级企业技术中心104家，这是哪一年的数据？").field is None
    assert analyse("1002号答复函是哪一年的？").field == "reply_date"
    a = assistant.ask("答复函里说苏北新增省级企业技术中心104家，这是哪一年的数据？")
    assert not a.refused and a.text.startswith("2020年")


def test_when_something_was_done_with_a_field_is_not_the_field(assistant):
    """A held-out unanswerable: "科学技术局是哪天把482号建议的协办意见反馈的" got the 协办 field."""
    q = "苏州市科学技术局是哪天把482号建议的协办意见反馈给主办单位的？"
    assert analyse(q).field is None and analyse("482号建议的协办单位是谁？").field == "co_units"
    assert assistant.ask(q).refused
