"""Draft rendering: Markdown, Word (read back with python-docx), PDF via LibreOffice, templates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from rag.briefing import DEFAULTS as BRIEF_DEFAULTS
from rag.documents import Citation
from rag.drafting import DEFAULTS as REPLY_DEFAULTS
from rag.render import Block, Draft, load_snippets

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def sample() -> Draft:
    cites = [
        Citation(1, "a.txt", "答复函", "2020年,苏北地区新增省级企业技术中心104家,4家企业通过复评。", 0, 30, "2021年6月18日"),
        Citation(2, "b.txt", "新闻", "“近零碳”工厂17家", 5, 15, "2024-01-04"),
    ]
    blocks = [
        Block("plain", "陆惠芬代表："),
        Block("p", "您提出的关于支持苏北地区的建议收悉，现答复如下："),
        Block("h2", "一、强化创新载体建设"),
        Block("p", "2020年,苏北地区新增省级企业技术中心104家[1]。〔待补：2025年数据〕", cited=True),
        Block("h1", "二、关键数据"),
        Block("table", rows=[["数据", "含义", "来源"], ["17家", "“近零碳”工厂17家", "新闻[2]"]],
              cited=True, check_cols=(0, 1)),
        Block("li", "一条要点[2]。"),
        Block("right", "江苏省工业和信息化厅"),
        Block("right", "〔待补：日期〕"),
    ]
    return Draft("对第1002号建议的答复", blocks, cites, subtitle="（关于苏北地区的建议）")


def test_check_passes_a_correct_draft() -> None:
    d = sample()
    assert d.check() == [] and d.problems == []


def test_check_marks_crafted_failures() -> None:
    d = sample()
    d.blocks[3].text = "2019年,苏北地区新增省级企业技术中心105家[1]。"
    d.blocks[5].rows[1][0] = "18家"
    failures = d.check()
    assert [f.split("（")[0] for f in failures] == ["2019年", "105家", "18家"]
    assert d.blocks[3].text == "〔待核：2019年〕,苏北地区新增省级企业技术中心〔待核：105家〕[1]。"
    assert d.blocks[5].rows[1][0] == "〔待核：18家〕"
    assert len(d.problems) == 3 and "〔待核：105家〕" in d.markdown()
    assert d.check() == []  # flagged figures are not checked twice


def test_uncited_figure_fails() -> None:
    d = Draft("t", [Block("p", "全省共有300家企业。", cited=True)])
    assert d.check() == ["300家（全省共有300家企业。）"]


def test_markdown() -> None:
    md = sample().markdown()
    assert md.startswith("# 对第1002号建议的答复\n\n（关于苏北地区的建议）")
    assert "### 一、强化创新载体建设" in md and "## 二、关键数据" in md
    assert "| 17家 | “近零碳”工厂17家 | 新闻[2] |" in md
    assert md.rstrip().endswith("[2] 《新闻》（2024-01-04）：““近零碳”工厂17家”")


def test_docx_reads_back(tmp_path) -> None:
    path = sample().save(tmp_path / "out.docx")
    doc = docx.Document(str(path))
    paras = [p for p in doc.paragraphs if p.text]
    assert paras[0].text == "对第1002号建议的答复" and paras[0].style.name == "Title"
    styles = {p.text: p.style.name for p in paras}
    assert styles["一、强化创新载体建设"] == "Heading 2"
    assert styles["二、关键数据"] == "Heading 1"
    assert styles["附：引用来源"] == "Heading 1"
    assert paras[-1].text.startswith("[2] 《新闻》")  # the source list comes last
    assert doc.tables[0].cell(1, 0).text == "17家"
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋" and rfonts.get(qn("w:ascii")) == "FangSong"
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml
    assert doc.core_properties.title == "对第1002号建议的答复"
    sec = doc.sections[0]  # A4, official margins (GB/T 9704), not python-docx's US Letter
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert (round(sec.top_margin.mm), round(sec.left_margin.mm)) == (37, 28)


def test_save_rejects_other_formats(tmp_path) -> None:
    with pytest.raises(ValueError, match="请用 .docx 或 .md"):
        sample().save(tmp_path / "out.pdf")
    assert sample().save(tmp_path / "sub" / "out.md").read_text(encoding="utf-8").startswith("# 对第1002号")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
def test_docx_converts_to_pdf(tmp_path) -> None:
    path = sample().save(tmp_path / "letter.docx")
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: parallel runs do not collide
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "letter.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages)
    assert "答复" in text.replace(" ", "")


def test_templates_define_every_snippet(tmp_path) -> None:
    for name, defaults in (("reply_letter.md", REPLY_DEFAULTS), ("briefing.md", BRIEF_DEFAULTS)):
        text = (PROMPTS / name).read_text(encoding="utf-8")
        assert "```snippets" in text and "```llm" in text
        for key in defaults:
            assert f"\n{key}: " in text, (name, key)
    custom = tmp_path / "t.md"
    custom.write_text("```snippets\nclosing: 谢谢{you}。\nunknown: x\n```\n", encoding="utf-8")
    got = load_snippets(custom, REPLY_DEFAULTS)
    assert got["closing"] == "谢谢{you}。" and "unknown" not in got
    assert got["date"] == REPLY_DEFAULTS["date"]
    assert load_snippets(tmp_path / "missing.md", REPLY_DEFAULTS) == REPLY_DEFAULTS


def test_renumber_in_reading_order() -> None:
    d = sample()
    d.blocks[3].text = "2020年,苏北地区新增省级企业技术中心104家[1]。"
    d.blocks = [d.blocks[5], d.blocks[3]]  # the table (citing [2]) now comes first
    d.citations.append(Citation(3, "c.txt", "未用", "x", 0, 1))
    d.renumber()
    assert d.blocks[0].rows[1][2] == "新闻[1]" and d.blocks[1].text.endswith("104家[2]。")
    assert [(c.n, c.title) for c in d.citations] == [(1, "新闻"), (2, "答复函")]
    assert d.check() == []


@pytest.mark.parametrize("suffix", [".md", ".docx"])
def test_unwritable_destination_is_one_chinese_sentence(tmp_path: Path, suffix: str) -> None:
    """A file where a folder should be (or a folder where the file should be): no bare errno."""
    (tmp_path / "blocker").write_text("x", encoding="utf-8")
    (tmp_path / f"folder{suffix}").mkdir()
    for target in (tmp_path / "blocker" / f"out{suffix}", tmp_path / f"folder{suffix}"):
        with pytest.raises(ValueError, match="无法写入") as info:
            sample().save(target)
        assert "Errno" not in str(info.value) and "请换一个可写的位置" in str(info.value)


def test_placeholders_are_highlighted_in_word(tmp_path) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    d = Draft("t", [Block("p", "已建成3个中心。〔待补：下一步工作打算〕"), Block("li", "〔待核：18家〕企业")])
    doc = docx.Document(str(d.save(tmp_path / "todo.docx")))
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    marked = {r.text for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW}
    assert marked == {"〔待补：下一步工作打算〕", "〔待核：18家〕"}
    assert "".join(r.text for r in doc.paragraphs[1].runs) == "已建成3个中心。〔待补：下一步工作打算〕"  # text unchanged
