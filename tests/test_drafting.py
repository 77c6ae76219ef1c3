"""Reply letters drafted from the real corpus: structure, salutation, citations, figures."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from rag.citations import MARKER, PLACEHOLDER, unsupported_figures
from rag.documents import Document, Field
from rag.drafting import (
    ATTRIBUTION,
    DraftError,
    draft_reply,
    resolve_proposal,
    salutation,
    topic_of,
    with_marker,
)
from rag.evidence import EvidenceFinder, fact_span
from rag.proposals import recommendations
from rag.render import Draft

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
P482 = "482号建议_从科教维度推进我市新型工业化.txt"
P118 = "118号建议_人工智能与产业深度融合.txt"


@pytest.fixture(scope="module")
def drafts(assistant) -> dict[str, Draft]:
    return {P482: draft_reply(assistant, P482), P118: draft_reply(assistant, P118)}


def draft_from_file(assistant, path: Path, text: str) -> Draft:
    """The draft of a proposal the user hands in as a file outside the corpus."""
    path.write_text(text, encoding="utf-8")
    return draft_reply(assistant, str(path))


def section_blocks(draft: Draft) -> list[list]:
    """The blocks under each 一、二、… heading, up to the closing."""
    out: list[list] = []
    for b in draft.blocks:
        if b.kind == "h2":
            out.append([])
        elif out and b.kind == "p" and not b.text.startswith("感谢"):
            out[-1].append(b)
        elif out:
            break
    return out


# ---------------------------------------------------------------- recommendations


def test_recommendations_of_482_and_118(assistant) -> None:
    r482 = recommendations(assistant.index.docs[P482])
    assert [r.marker for r in r482] == ["(一)", "(二)", "(三)", "(四)"]
    assert r482[0].heading == "发挥新型举国体制优势,有计划推进关键核心技术联合攻关"
    assert r482[3].heading.startswith("推进制造业智能化绿色化深度融合")
    r118 = recommendations(assistant.index.docs[P118])
    assert [r.marker for r in r118] == ["1.", "2.", "3.", "4."]
    assert r118[2].heading == "以“人工智能+科技创新”夯实产业技术底座"  # heading without a full stop
    assert all(r.body for r in r482 + r118)


def test_recommendations_need_a_numbered_run() -> None:
    doc = Document("x.txt", "建议内容：我们建议加强管理，改进服务。\n承办单位：某局")
    assert recommendations(doc) == []
    doc = Document("y.txt", "建议内容：\n一、现状\n二、问题\n三、建议\n（一）加强甲\n（二）改进乙")
    assert [r.heading for r in recommendations(doc)] == ["加强甲", "改进乙"]


def test_fact_span_stops_before_problems(assistant) -> None:
    doc = assistant.index.docs[P118]
    lo, hi = fact_span(doc)
    assert "灯塔工厂" in doc.text[lo:hi] and "存在的问题" not in doc.text[lo:hi]


# ---------------------------------------------------------------- the letters


@pytest.mark.parametrize("name,greeting,opening", [
    (P482, "〔待补：称呼〕", "您提出的关于从科教维度推进我市新型工业化的建议收悉，经商苏州市科学技术局，现答复如下："),
    (P118, "市致公党：", "你们提出的关于“人工智能+产业”深度融合，赋能新型工业化发展的建议收悉，现答复如下："),
])
def test_letter_frame(drafts, name, greeting, opening) -> None:
    d = drafts[name]
    number = "482" if name == P482 else "118"
    # headed in the document's own word: its title ends in 建议 (only an attachment name says 提案),
    # and 482's filer, labelled 建议人, is neither guessed a 委员 nor a 代表
    assert d.title.endswith(f"第{number}号建议的答复")
    if name == P482:
        assert any("建议人/建议号" in p and "请核实" in p for p in d.problems)
    assert d.blocks[0].text == greeting
    assert d.blocks[1].text == opening
    closing = [b for b in d.blocks if b.text.startswith("感谢")]
    assert closing and "关心和支持" in closing[0].text
    right = [b.text for b in d.blocks if b.kind == "right"]
    assert right == ["苏州市工业和信息化局", "〔待补：日期〕"]


@pytest.mark.parametrize("name", [P482, P118])
def test_one_section_per_recommendation(assistant, drafts, name) -> None:
    d = drafts[name]
    points = recommendations(assistant.index.docs[name])
    assert len(d.sections) == len(points) == 4
    for numeral, section, point in zip("一二三四", d.sections, points, strict=True):
        assert section.startswith(f"{numeral}、")
        assert re.sub(r"[,，]", "", section[2:]) == re.sub(r"[,，]", "", point.heading)
    for blocks in section_blocks(d):
        texts = "".join(b.text for b in blocks)
        assert MARKER.search(texts) or "〔待补" in texts


@pytest.mark.parametrize("name", [P482, P118])
def test_citations_are_verbatim_and_from_other_documents(assistant, drafts, name) -> None:
    d = drafts[name]
    assert d.citations
    for c in d.citations:
        assert c.doc_id != name
        assert assistant.index.docs[c.doc_id].text[c.start : c.end] == c.quote
    quotes = {c.n: c.quote for c in d.citations}
    for b in d.blocks:
        if not b.cited:
            continue
        for sentence, n in re.findall(r"([^\[\]]+?)\[(\d+)\]", b.text):
            body = ATTRIBUTION.sub("", sentence.strip("。"))  # "据《…》报道，" introduces the quote
            assert body.rstrip("，,；;") in quotes[int(n)]


@pytest.mark.parametrize("name", [P482, P118])
def test_no_figure_missing_from_its_source(drafts, name) -> None:
    d = drafts[name]
    sources = {c.n: c.quote for c in d.citations}
    assert not [p for p in d.problems if p.startswith("数字核对未通过")]
    for b in d.blocks:
        if b.cited:
            assert unsupported_figures(b.text, sources) == []
            assert "〔待核" not in b.text


def test_482_quotes_known_facts(drafts) -> None:
    md = drafts[P482].markdown()
    assert "据《新年第一会" in md and "“近零碳”工厂17家" in md  # green manufacturing, from the news
    assert "## 附：引用来源" in md and "〔待补：日期〕" in md


def test_another_regions_work_is_not_passed_off_as_the_replying_units(drafts) -> None:
    """The 1002 reply is the province's work in 苏北, which 482 never names: not evidence for
    苏州市工业和信息化局's letter ("下一步,我们将围绕苏北地区…" would read as its own plan)."""
    for name in (P482, P118):
        md = drafts[name].markdown()
        assert "苏北" not in md and "下一步,我们将" not in md
        assert all(not c.doc_id.startswith("答复函") for c in drafts[name].citations)


def test_quotes_are_introduced_as_their_authors(drafts) -> None:
    md = drafts[P118].markdown()
    assert "据《新年第一会 苏州聚焦新型工业化 奋力打造“智造之城”》报道，" in md


def test_commentary_and_other_proposals_are_no_evidence_of_the_replying_units_work(assistant, drafts) -> None:
    """An expert's view of national policy ("面向制造强国…健全权利保护…", "我国…企业数量超过4400家")
    and another deputy's proposal ("《关于从科教维度…的建议》提到，…") read as the bureau's own
    record in the 118 reply; a gap is marked instead."""
    for name in (P482, P118):
        kinds = {assistant.index.docs[c.doc_id].kind for c in drafts[name].citations}
        assert not kinds & {"评论", "建议", "提案"}, kinds
        assert "一文指出" not in drafts[name].markdown() and "建议》提到" not in drafts[name].markdown()


def test_a_gap_says_when_only_commentary_or_other_proposals_touch_the_point(assistant, drafts) -> None:
    """Not "资料库中没有相关内容" when the commentary discusses the point: it is named, and said to
    be no record of this unit's work (second QA round)."""
    notes = [p for p in drafts[P118].problems if "只见于" in p]
    assert notes and all("不是本单位的办理情况" in p for p in notes)
    assert any("评论《以科技创新推动产业创新》" in p for p in notes)
    gaps = [b.text for sec in section_blocks(drafts[P118]) for b in sec if "只见于" in b.text]
    assert gaps and all(g.startswith("〔待补：") and g.endswith("〕") for g in gaps)


def test_old_evidence_is_flagged(assistant) -> None:
    from rag.drafting import _stale
    from rag.evidence import Sentence

    proposal = assistant.index.docs[P482]
    reply = next(d for d in assistant.index.docs.values() if d.kind == "答复函")  # 2021
    warnings = _stale(assistant, proposal, [Sentence(reply.doc_id, 0, 10)], "第一节")
    assert warnings and "早 4 年" in warnings[0]


def test_crafted_wrong_figure_is_marked(drafts) -> None:
    d = drafts[P482]
    block = next(b for b in d.blocks if b.cited and "工厂17家" in b.text)
    tampered = Draft(d.title, [type(block)("p", block.text.replace("工厂17家", "工厂18家"), cited=True)],
                     d.citations)
    failures = tampered.check()
    assert failures and failures[0].startswith("18家")
    assert "〔待核：18家〕" in tampered.blocks[0].text
    assert any("18家" in p for p in tampered.problems)


def test_weak_match_becomes_placeholder(assistant, tmp_path) -> None:
    text = ("建议人：张三 建议号：7\n标题：关于改善农村饮水的建议\n建议内容：现状。 "
            "(一)保障农村饮用水水源安全。 划定水源保护区。 (二)推动污水管网改造。 更新老旧管道。\n"
            "承办单位：主办 某市水务局\n")
    d = draft_from_file(assistant, tmp_path / "7号建议.txt", text)
    assert d.blocks[0].text == "〔待补：称呼〕"  # a 建议人 with no 代表/委员 evidence
    assert not d.citations
    assert all("〔待补：资料库中未找到" in blocks[0].text for blocks in section_blocks(d))
    assert [b.text for b in d.blocks if b.kind == "right"][0] == "某市水务局"


def test_proposal_file_outside_the_corpus(assistant, tmp_path) -> None:
    path = tmp_path / "copy.txt"
    shutil.copy(CORPUS / P482, path)
    d = draft_reply(assistant, str(path))
    assert len(d.sections) == 4
    assert all(c.doc_id != P482 for c in d.citations)  # the corpus copy is the same proposal


def test_by_number_and_errors(assistant, tmp_path) -> None:
    assert draft_reply(assistant, "118").blocks[0].text == "市致公党："
    with pytest.raises(DraftError, match="找不到建议或提案"):
        draft_reply(assistant, "9999")
    path = tmp_path / "plain.txt"
    path.write_text("建议内容：请多关心。", encoding="utf-8")
    with pytest.raises(DraftError, match="没有找到编号的对策建议"):
        draft_reply(assistant, str(path))


# ---------------------------------------------------------------- small rules


def _doc(**meta: str) -> Document:
    return Document("a.txt", "正文", {k: Field(v, 0, 1) for k, v in meta.items()})


def test_salutation_rule() -> None:
    assert salutation(_doc(proposer="陆惠芬", proposer_role="代表")) == ("陆惠芬代表：", "您")
    assert salutation(_doc(proposer="胡伏原", proposer_role="委员")) == ("胡伏原委员：", "您")
    assert salutation(_doc(proposer="市致公党", proposer_role="组织")) == ("市致公党：", "你们")
    assert salutation(_doc(proposer="张三、李四", proposer_role="代表")) == ("张三等代表：", "您")
    assert salutation(_doc(proposer="张三")) == ("〔待补：称呼〕", "您")
    assert salutation(_doc()) == ("〔待补：称呼〕", "您")
    named = Document("b.txt", "市人大代表张三提出", {"proposer": Field("张三", 0, 1)})
    assert salutation(named) == ("张三代表：", "您")


def test_topic_and_marker_helpers() -> None:
    assert topic_of("关于从科教维度推进我市新型工业化的建议") == "从科教维度推进我市新型工业化"
    assert with_marker("新增104家,", 3) == "新增104家[3]。"
    assert with_marker("提出:“加快转型。”", 1) == "提出:“加快转型。”[1]"


def test_threshold_rejects_loose_matches(assistant) -> None:
    finder = EvidenceFinder(assistant, exclude={P482})
    assert finder.find("保障农村饮用水水源安全", "划定水源保护区") == []
    found = finder.find("推进关键核心技术联合攻关", "")
    assert found and all("关键核心技术" in assistant.index.docs[s.doc_id].text[s.start : s.end] for s in found)


# ---------------------------------------------------------------- CLI


def test_cli_draft_reply(assistant, tmp_path, capsys) -> None:
    from rag.cli import main

    s = assistant.settings
    args = ["--index", str(s.index_dir), "--embed-model", "none"]
    assert main(["draft-reply", P118, *args]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 对") and "### 四、" in out and "市致公党：" in out
    target = tmp_path / "reply.docx"
    assert main(["draft-reply", P482, "--out", str(target), *args]) == 0
    assert target.stat().st_size > 0
    assert main(["draft-reply", "不存在的建议", *args]) == 2
    assert "找不到建议或提案" in capsys.readouterr().err
    assert main(["draft-reply", P482, "--out", str(tmp_path / "x.pdf"), *args]) == 2


def test_placeholders_are_not_claims() -> None:
    assert PLACEHOLDER.findall("甲〔待补：日期〕乙") == ["〔待补：日期〕"]
    assert unsupported_figures("〔待补：2025年的数据〕", {}) == []


@pytest.mark.parametrize("key", ["第482号", "482号建议", "第 482 号提案", "482"])
def test_proposal_numbers_as_staff_write_them(assistant, key):
    assert resolve_proposal(assistant, key).doc_id == P482


@pytest.mark.parametrize(("key", "expected"), [
    ("答复函_第1002号建议的答复.txt", "是答复函，不是建议或提案"),  # used to draft a reply to the reply
    ("新闻_新年第一会苏州聚焦新型工业化.txt", "是新闻，不是建议或提案"),
    ("1002", "只有答复函"),  # the number exists, but only as a reply letter
])
def test_non_proposals_are_refused_with_the_reason(assistant, key, expected):
    with pytest.raises(DraftError, match=expected):
        draft_reply(assistant, key)


def test_a_point_sharing_only_the_place_gets_a_placeholder_and_old_evidence_is_dated_from_today(
    assistant, tmp_path
) -> None:
    # every point names 苏北地区, as the province's 2021 reply letter does throughout: the place
    # says where, not what, so only the point about 高校…重点实验室 finds evidence
    text = ("关于促进苏北地区民生和产业发展的建议\n建议人：钱芳代表\n建议号：1234\n建议内容：\n为此建议：\n"
            "一、加快苏北地区城市地铁建设。\n二、扩大苏北地区海洋渔业养殖规模。\n"
            "三、提高苏北地区中小学教师工资待遇。\n四、支持苏北地区高校建设重点实验室。\n")
    d = draft_from_file(assistant, tmp_path / "1234号建议.txt", text)
    sections = section_blocks(d)
    assert all("〔待补：资料库中未找到" in blocks[0].text for blocks in sections[:3])
    assert "重点实验室" in sections[3][0].text and sections[3][0].cited
    # the proposal has no date of its own: the 2021 letter is dated against today
    assert any("距今" in p and "1002号建议的答复" in p for p in d.problems)


def test_a_single_承办单位_signs_the_letter(assistant, tmp_path) -> None:
    text = ("关于加快苏北地区智能制造的建议\n建议人：王建国代表\n建议号：2035\n建议内容：\n为此建议：\n"
            "一、加强企业技术中心建设，提升企业创新能力。\n二、推进智能车间建设。\n承办单位：江苏省工业和信息化厅\n")
    d = draft_from_file(assistant, tmp_path / "2035号建议.txt", text)
    assert [b.text for b in d.blocks if b.kind == "right"][0] == "江苏省工业和信息化厅"


def test_a_point_only_another_regions_text_covers_says_so(assistant, tmp_path) -> None:
    # a Suzhou proposal: the province's 2021 work in 苏北 covers 智能车间 closely, yet it is not
    # the Suzhou bureau's work; the placeholder says what was left out instead of "nothing found"
    text = ("提案人:\n王建华\n提案号:\n206\n标题:\n关于加快推进我市制造业智能化绿色化转型的提案\n提案内容:\n"
            "  我市制造业规模大。为此提出如下建议：\n"
            "  一、加快智能车间和智能工厂建设。建议培育更多省级智能车间、智能工厂和智能制造示范工厂。\n"
            "  二、完善绿色制造体系。建议加快培育绿色工厂和“近零碳”工厂。\n")
    d = draft_from_file(assistant, tmp_path / "206号提案.txt", text)
    (first,) = section_blocks(d)[:1]
    assert "只涉及其他地区" in first[0].text and "1002号建议的答复" in first[0].text and not first[0].cited
    assert any("只涉及其他地区" in p for p in d.problems)


def test_points_typed_in_one_paragraph_are_found():
    # "对策建议：1.设立专项基金。2.完善…" typed without line breaks (QA: a .docx like this was rejected)
    from rag.documents import Document
    from rag.proposals import recommendations

    doc = Document("p.txt", "建议内容：对策建议：1.设立专项基金。2.完善梯度培育体系。")
    assert [r.heading for r in recommendations(doc)] == ["设立专项基金", "完善梯度培育体系"]
    inside = Document("q.txt", "建议内容：产值增长。2.8%的企业；（2023-2024）年度报告。")
    assert recommendations(inside) == []  # a figure or a year range inside a sentence is no point


def test_a_quoted_heading_nests_its_own_quotes_as_single_ones(assistant):
    """“以‘人工智能+场景牵引’健全…”, not “以“人工智能+场景牵引”健全…” (unreadable nesting)."""
    from rag.drafting import draft_reply

    md = draft_reply(assistant, "118").markdown()
    assert "“以‘人工智能+场景牵引’健全行业应用生态”" in md
    assert "“以“" not in md
    assert "### 二、以“人工智能+场景牵引”健全行业应用生态" in md  # the heading itself keeps its quotes


def test_a_point_on_something_no_document_names_is_left_to_the_drafter(assistant, tmp_path):
    """A QA tester's proposal on 苏北地铁: "加大省级财政对苏北地铁建设的补助" had been filled with
    "引导企业持续加大研发投入…省级企业技术中心" (sharing 加大 and 省级). No text names 地铁."""
    from rag.drafting import draft_reply

    path = tmp_path / "p3.txt"
    path.write_text("建议人：王芳代表\n建议号：1500\n标题：关于加快苏北地区地铁建设的建议\n建议内容：\n"
                    "苏北地区城市轨道交通发展滞后。建议：\n一、加快苏北地区地铁规划审批。\n"
                    "二、加大省级财政对苏北地铁建设的补助。\n三、推动苏北与苏南地铁票务互联互通。\n", encoding="utf-8")
    draft = draft_reply(assistant, str(path))
    assert not draft.citations and draft.markdown().count("〔待补：资料库中未找到") == 3
