"""Briefings for new staff, from the real corpus: cited points, figures, timeline, reading list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.briefing import brief
from rag.citations import MARKER, unsupported_figures
from rag.drafting import DraftError
from rag.render import Draft, tidy_date

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def ai(assistant) -> Draft:
    return brief(assistant, "人工智能+制造业")


def part(d: Draft, heading: str) -> list:
    """Blocks between the h1 ``heading`` and the next h1."""
    out, inside = [], False
    for b in d.blocks:
        if b.kind == "h1":
            inside = b.text == heading
        elif inside:
            out.append(b)
    return out


def cited_docs(d: Draft, text: str) -> set[str]:
    by_n = {c.n: c.doc_id for c in d.citations}
    return {by_n[int(n)] for n in MARKER.findall(text)}


def test_key_points_are_cited(ai) -> None:
    points = part(ai, "一、要点")
    assert 3 <= len(points) <= 7
    assert all(b.kind == "li" and MARKER.search(b.text) for b in points)
    assert len(cited_docs(ai, "".join(b.text for b in points))) >= 3


def test_figures_table(assistant, ai) -> None:
    (table,) = part(ai, "二、关键数据")
    assert table.kind == "table" and table.rows[0] == ["数据", "含义（原文）", "来源", "日期"]
    assert len(table.rows) > 3
    by_n = {c.n: c for c in ai.citations}
    for figure, measure, source, date in table.rows[1:]:
        (n,) = MARKER.findall(source)
        c = by_n[int(n)]
        assert figure in c.quote and measure == c.quote  # the figure and its clause, verbatim
        # the year the quoted clause states, else one its sentence states before it, else the
        # document's own date, each labelled as such
        stated = re.search(r"(?:19|20)\d{2}年", measure)
        text = assistant.index.docs[c.doc_id].text
        opening = text[: c.start].rsplit("。", 1)[-1]
        earlier = re.findall(r"(?:19|20)\d{2}年", opening)
        assert date == (stated.group(0) if stated else f"{earlier[-1]}（同句）" if earlier
                        else f"{assistant.index.docs[c.doc_id].date}（文件日期）")
    assert any(r[0] == "4家" and "智能计算中心" in r[1] for r in table.rows)
    # "2023年,我国制造业增加值达33万亿元" is 2023's figure, not the 2025 proposal's
    assert ["33万亿元", "2023年,我国制造业增加值达33万亿元"] in [r[:2] for r in table.rows]
    assert next(r[3] for r in table.rows if r[0] == "33万亿元") == "2023年"


def test_figures_of_one_sentence_share_its_year(assistant) -> None:
    """A QA tester's report: "2020年苏北地区共开设培训班次41个,覆盖…学员3170人次" dated 41个
    2020 and 3170人次 by the 2021 letter."""
    (table,) = part(brief(assistant, "人才"), "二、关键数据")
    dates = {r[0]: r[3] for r in table.rows[1:]}
    assert dates["41个"] == "2020年" and dates["3170人次"] == "2020年（同句）"


def test_a_figure_under_a_heading_about_the_topic_is_a_key_figure(assistant) -> None:
    """"集聚“灯塔工厂”7家" stands under "（一）我市“人工智能+产业”融合发展现状" and does not
    repeat 人工智能 itself; it is one of the topic's figures all the same."""
    (table,) = part(brief(assistant, "人工智能"), "二、关键数据")
    assert any(r[0] == "7家" and "灯塔工厂" in r[1] for r in table.rows)
    assert any(r[0] == "16个" and "大模型" in r[1] for r in table.rows)


def test_figures_of_a_one_word_topic_name_it_or_stand_under_it(assistant) -> None:
    """A QA tester's report: 智能制造's figures included 10个重点产业集群 and 24个重点算法, clauses
    of sentences that mention 智能制造 elsewhere. A figure now names the topic in its own clause or
    stands under a heading about it (二、大力发展智能制造 → 建成省级智能车间168个)."""
    (table,) = part(brief(assistant, "智能制造"), "二、关键数据")
    clauses = [r[1] for r in table.rows[1:]]
    assert len(clauses) >= 5 and not any("重点产业集群" in c or "重点算法" in c for c in clauses)
    assert "建成省级智能车间168个" in clauses and "新增国家级智能制造示范工厂3家" in clauses


def test_timeline_from_three_documents(ai) -> None:
    (table,) = part(ai, "三、时间线")
    assert table.rows[0] == ["时间", "事件（原文）", "来源"]
    docs = cited_docs(ai, " ".join(r[2] for r in table.rows[1:]))
    assert len(docs) >= 3
    years = [int(r[0][:4]) for r in table.rows[1:] if r[0][:4].isdigit()]
    assert years == sorted(years)


def test_reading_list_and_sources(ai) -> None:
    reading = part(ai, "四、建议先读")
    assert 1 <= len(reading) <= 3 and reading[0].text.startswith("1. 《")
    assert "；与“人工智能+制造业”相关的句子" in reading[0].text
    # the proposal on AI itself first: its title names the topic, though others say more in passing
    assert reading[0].text.startswith("1. 《关于“人工智能+产业”深度融合")
    md = ai.markdown()
    assert md.startswith("# 新员工简报：人工智能+制造业") and "## 引用来源" in md


def test_every_figure_is_in_its_source(ai) -> None:
    assert not [p for p in ai.problems if p.startswith("数字核对未通过")]
    sources = {c.n: c.quote for c in ai.citations}
    # a table may show a page's "2024\n01/04 10:20" as 2024-01-04 10:20: the same date, tidied
    tidied = {n: f"{q}\n{tidy_date(' '.join(q.split()))}" for n, q in sources.items()}
    for b in ai.blocks:
        if b.cited and b.kind != "table":
            assert unsupported_figures(b.text, sources) == []
        for row in b.rows[1:]:
            markers = "".join(f"[{n}]" for n in MARKER.findall(" ".join(row)))
            assert unsupported_figures(row[0] + markers, tidied) == []


def test_a_page_date_is_shown_tidied_and_cited_as_written(ai) -> None:
    (table,) = part(ai, "三、时间线")
    row = next(r for r in table.rows[1:] if r[0].startswith("2024-01-04"))
    assert row[0] == "2024-01-04 10:20" and "〔待核" not in row[0]
    date_cite = next(c for c in ai.citations if f"[{c.n}]" in row[2] and "01/04" in c.quote)
    assert "2024" in date_cite.quote  # the quote is the page's own "2024\n01/04 10:20"


def test_crafted_table_failure_is_marked(ai) -> None:
    (table,) = part(ai, "二、关键数据")
    rows = [list(r) for r in table.rows]
    rows[1][0] = "999家"
    d = Draft("t", [type(table)("table", rows=rows, cited=True, check_cols=(0, 1))], ai.citations)
    failures = d.check()
    assert failures and failures[0].startswith("999家")
    assert d.blocks[0].rows[1][0] == "〔待核：999家〕"


@pytest.mark.parametrize("topic", ["新型工业化", "绿色低碳"])
def test_broad_topics(assistant, topic) -> None:
    d = brief(assistant, topic)
    points = part(d, "一、要点")
    assert points and all(MARKER.search(b.text) for b in points)
    assert all(topic[:2] in b.text or MARKER.search(b.text) for b in points)
    assert not [p for p in d.problems if p.startswith("数字核对未通过")]


def test_thin_topic_says_so(assistant) -> None:
    d = brief(assistant, "低空经济")
    assert any(b.kind == "note" and "内容很少" in b.text for b in d.blocks)
    assert any("内容很少" in p for p in d.problems)


def test_a_topic_the_corpus_never_writes_is_flagged(assistant) -> None:
    """A QA tester's report: 量子计算 was briefed from sentences on 量子信息 and 计算中心 without
    a word of warning. The briefing now says the term is absent; a topic it writes is not flagged."""
    d = brief(assistant, "量子计算")
    notes = [b.text for b in d.blocks if b.kind == "note"]
    assert any("资料库中没有出现“量子计算”这一说法" in n for n in notes)
    assert all("量子计算" not in c.quote for c in d.citations)  # the note is true of every quote
    assert any("没有出现“量子计算”" in p for p in d.problems)
    for topic in ("人工智能+制造业", "人工智能与制造业融合", "新质生产力"):
        assert not any("没有出现" in b.text for b in brief(assistant, topic).blocks if b.kind == "note")



def test_the_words_a_flagged_briefing_lists_are_in_its_sentences(assistant) -> None:
    """QA tester: 新能源汽车充电桩建设 was said to be quoted for 充电, which no sentence writes."""
    d = brief(assistant, "新能源汽车充电桩建设")
    note = next(b.text for b in d.blocks if b.kind == "note" and "没有出现" in b.text)
    listed = note.split("（")[1].split("）")[0].split("、")
    quoted = "".join(c.quote for c in d.citations)
    assert listed and all(w in quoted for w in listed) and "充电" not in listed

def test_absent_topic_says_so(assistant) -> None:
    d = brief(assistant, "医疗保险")
    assert "资料库中没有找到关于“医疗保险”的内容" in d.markdown()
    assert not d.citations


def test_bad_topics(assistant) -> None:
    with pytest.raises(DraftError, match="请输入简报主题"):
        brief(assistant, "   ")
    with pytest.raises(DraftError, match="主题过长"):
        brief(assistant, "长" * 80)


def test_cli_brief(assistant, tmp_path, capsys) -> None:
    from rag.cli import main

    args = ["--index", str(assistant.settings.index_dir), "--embed-model", "none"]
    assert main(["brief", "人工智能+制造业", *args]) == 0
    assert "## 三、时间线" in capsys.readouterr().out
    target = tmp_path / "brief.md"
    assert main(["brief", "绿色低碳", "--out", str(target), *args]) == 0
    assert target.read_text(encoding="utf-8").startswith("# 新员工简报：绿色低碳")


@pytest.mark.parametrize("topic", ["？？？", "x", "《》 —— !"])
def test_topics_without_chinese_words_are_refused_not_briefed_empty(assistant, topic) -> None:
    """These used to produce an empty briefing (and a .docx) saying nothing was found."""
    with pytest.raises(DraftError, match="没有可检索的中文词语"):
        brief(assistant, topic)


def test_proposals_are_called_by_their_titles_word(assistant) -> None:
    # 118 and 482 are titled "…的建议", as the answers and draft headings call them
    text = brief(assistant, "人工智能").markdown()
    assert "的建议》（建议）" in text and "（提案）" not in text


def test_a_short_form_topic_is_searched_written_out_and_notes_are_a_briefings(assistant):
    """A QA tester's report: "AI" found one sentence (人工智能 was not searched), and a briefing
    ended with the reply letter's 起草提示 heading."""
    from rag.briefing import brief

    md = brief(assistant, "AI").markdown()
    assert "内容很少" not in md and "人工智能" in md
    thin = brief(assistant, "人才培养").markdown()
    assert "编写提示（印发前删除）" in thin and "起草提示" not in thin


def test_a_one_word_topic_is_matched_by_its_parts(assistant):
    """"人才培养" as one word had matched 2 sentences; "培养…人才" is about it too."""
    from rag.briefing import brief

    md = brief(assistant, "人才培养").markdown()
    assert md.count("\n- ") >= 4


def test_a_document_titled_by_the_topic_is_all_about_it(assistant) -> None:
    """1002's letter answers 关于支持苏北地区加快传统产业…改造的建议: its sentences and figures are
    the topic's though they do not repeat it (the briefing said the corpus had 4 sentences and no
    figures, and that 苏北传统产业 never appears)."""
    md = brief(assistant, "苏北传统产业改造").markdown()
    assert "104家" in md and "内容很少" not in md and "没有出现" not in md


def test_one_document_on_a_topic_is_said_as_such_not_as_little(assistant) -> None:
    md = brief(assistant, "苏北").markdown()
    assert "只有 1 份文件涉及“苏北”" in md and "内容很少" not in md


def test_a_clause_two_documents_quote_is_one_row_of_figures() -> None:
    """482 and the news both write 制造业增加值占…21%、全国2.8%: it was listed as 21% and as 2.8%."""
    from rag.briefing import _repeats

    rows = [["数据", "含义（原文）", "来源", "日期"], ["21%", "制造业增加值占江苏省21%、全国2.8%", "《482》[1]", ""]]
    assert _repeats(rows, "2.8%", "制造业增加值占全省21%、全国2.8%")
    assert not _repeats(rows, "2.8%", "研发投入占比2.8%")


def test_a_figure_inside_a_longer_number_is_not_shown() -> None:
    """4家 was taken as shown by a row quoting 104家 for the same kind of enterprise."""
    from rag.briefing import _repeats

    rows = [["数据", "含义（原文）", "来源", "日期"], ["104家", "新增国家级专精特新企业104家", "《新闻》[1]", ""]]
    assert not _repeats(rows, "4家", "新增国家级专精特新企业4家")
    assert _repeats(rows, "104家", "新增国家级专精特新企业104家")
