"""Loading real files: the five seed documents plus tiny files built in tmp_path."""

from __future__ import annotations

import random
import re
from pathlib import Path

import docx
import pytest

from rag.documents import Document
from rag.loading import (
    SUPPORTED,
    LoadError,
    clean_text,
    iter_corpus_files,
    load_corpus,
    load_file,
    read_bytes_as_text,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = sorted(p.name for p in CORPUS.iterdir() if p.suffix == ".txt")
BOILERPLATE = ("扫一扫在手机打开当前页", "Produced By", "免责声明", "不良信息举报", "字体:[",
               "字体：[", "委员之家 >", "|")

# Sentences with figures, copied from the seed files (whitespace-insensitive check).
KEY_SENTENCES = {
    "482号建议_从科教维度推进我市新型工业化.txt": [
        "2023年,我国制造业增加值达33万亿元,连续13年保持世界第一制造业大国地位。",
        "苏州规上工业总产值保持4万亿元以上量级,工业企业16万家",
        "新增省级智能工厂16家,累计40家;新增省级示范智能车间160个,累计838个;",
        "评分依次为81.57、73.56、36.09、29.20、28.45",
    ],
    "118号建议_人工智能与产业深度融合.txt": [
        "其中,集聚“灯塔工厂”7家,数量位居全国第一;已累计创建省级智能制造示范车间超过500个,"
        "占江苏省的40%,数量单列全省首位。",
        "例如,北京已布局人工智能核心企业超过1000家,占全国的24%,但苏州核心企业数量未及百家。",
        "已重点培育大模型16个,涵盖通用语言、工业、文旅、金融、医疗等多个维度,其中垂直工业大模型6个。",
    ],
    "答复函_第1002号建议的答复.txt": [
        "2020年,苏北地区新增省级企业技术中心104家,4家企业通过“国家技术创新示范企业”复评。",
        "2021年度省重大工业项目清单中共有项目514项,其中苏北地区176项,占全省三分之一以上。",
        "2020年苏北地区高校承担各级各类课题9876项,获授权专利5909件,发表学术论文9509篇,"
        "获得各类科学技术成果奖58项,为支撑苏北地区地方经济社会发展发挥了重要作用。",
        "感谢您提出的宝贵意见,希望能继续得到您的关心和支持。",
    ],
    "新闻_新年第一会苏州聚焦新型工业化.txt": [
        "制造业增加值占全省21%、全国2.8%,拥有电子信息、高端装备、先进材料3个万亿级产业",
        "全球最大级别的24116TEU超大型集装箱船系列3号船“地中海吉玛”号成功下水",
        "目前,苏州已有国家工业产品绿色设计示范企业12家,“近零碳”工厂17家,让绿色低碳成为全市新型工业化的生态底色。",
        "规上工业总产值达5万亿,实现质的有效提升和量的合理增长,推动GDP迈上3万亿台阶;到2035年,",
    ],
    "评论_以科技创新推动产业创新.txt": [
        "得益于协同创新和产业集群的支撑,平均不到10秒,就有一辆新能源汽车在长三角下线。",
        "目前,广东20个战略性产业集群增加值占地区生产总值比重达四成,已形成8个万亿元级产业集群,"
        "高新技术企业超7.5万家。",
        "当前,我国人工智能核心产业规模不断增长,企业数量超过4400家,",
    ],
}
# What clean_text may drop from each seed, besides whitespace (and, in 482, table pipes).
DROPPED = {
    "118号建议_人工智能与产业深度融合.txt": ["委员之家 >履职建言", " 浏览"],
    "新闻_新年第一会苏州聚焦新型工业化.txt": [
        "免责声明:本文为工业园网用户自行上传并发布,仅代表该用户观点,我网仅提供信息存储空间服务。",
        "[不良信息举报:service@cnrepark.com]",
    ],
    "答复函_第1002号建议的答复.txt": ["字体:[ ]", "扫一扫在手机打开当前页",
                                  "Produced By 大汉网络 大汉版通发布系统"],
}


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def seed(name: str) -> Document:
    return load_file(CORPUS / name, root=CORPUS)


# ---------------------------------------------------------------- seed documents


def test_all_seeds_present() -> None:
    assert set(SEEDS) == set(KEY_SENTENCES)


@pytest.mark.parametrize("name", SEEDS)
def test_boilerplate_removed(name: str) -> None:
    doc = seed(name)
    for junk in BOILERPLATE:
        assert junk not in doc.text, (name, junk)
    assert "\r" not in doc.text and "\t" not in doc.text and "\u3000" not in doc.text
    assert "\n\n\n" not in doc.text and "  " not in doc.text
    assert all(line == line.strip() for line in doc.text.split("\n"))


@pytest.mark.parametrize("name", SEEDS)
def test_key_sentences_survive(name: str) -> None:
    doc = seed(name)
    raw = (CORPUS / name).read_text(encoding="utf-8")
    for sentence in KEY_SENTENCES[name]:
        assert squash(sentence) in squash(raw), "test data must come from the seed"
        assert squash(sentence) in squash(doc.text), (name, sentence)


@pytest.mark.parametrize("name", SEEDS)
def test_no_content_lost(name: str) -> None:
    """Apart from the listed boilerplate, only whitespace (and table pipes) may change."""
    raw = (CORPUS / name).read_text(encoding="utf-8")
    for junk in DROPPED.get(name, []):
        assert junk in raw
        raw = raw.replace(junk, "")
    text = seed(name).text

    def norm(s: str) -> str:
        return squash(s.replace("|", "").replace("：", ":"))

    assert norm(text) == norm(raw)


def test_content_lines_are_byte_identical() -> None:
    text = seed("答复函_第1002号建议的答复.txt").text
    assert ("2020年,苏北地区新增省级企业技术中心104家,4家企业通过“国家技术创新示范企业”复评。"
            in text)
    assert "陆惠芬代表:" in text.split("\n")
    assert "时间:2021-09-16 16:32 来源:江苏省工业和信息化厅" in text.split("\n")


def test_proposal_table_becomes_readable_lines() -> None:
    lines = seed("482号建议_从科教维度推进我市新型工业化.txt").text.split("\n")
    assert lines[0] == "建议人：胡伏原 建议号：482"
    assert lines[1] == "标题：关于从科教维度推进我市新型工业化的建议"
    assert "办理期限：3个月 答复时间：2025-06-19 09:37" in lines
    assert "办理类型：A:已经解决" in lines


@pytest.mark.parametrize("name", SEEDS)
def test_seed_cleaning_is_idempotent(name: str) -> None:
    doc = seed(name)
    assert clean_text(doc.text) == doc.text
    raw = (CORPUS / name).read_text(encoding="utf-8")
    assert clean_text(clean_text(raw)) == clean_text(raw)


def test_seed_ids_and_hashes() -> None:
    doc = seed("新闻_新年第一会苏州聚焦新型工业化.txt")
    assert doc.doc_id == "新闻_新年第一会苏州聚焦新型工业化.txt"
    assert len(doc.sha256) == 64


# ---------------------------------------------------------------- clean_text


def test_clean_text_whitespace() -> None:
    raw = "\ufeff第一段\u3000\u3000内容\xa0有\t空格  。\r\n\r\n\r\n\r\n  第二段  \r第三段\n\n\n"
    assert clean_text(raw) == "第一段 内容 有 空格 。\n\n第二段\n第三段"


def test_clean_text_boilerplate_fragments() -> None:
    raw = ("首页 > 新闻中心 > 正文\n发布时间：2024-01-02 浏览次数：35 字体：[ 大 中 小 ]\n"
           "增速 > 5%，欢迎市民浏览\n建 议 人:\n张三\n打印本页 关闭窗口")
    assert clean_text(raw) == "发布时间：2024-01-02\n增速 > 5%，欢迎市民浏览\n建议人:\n张三"


def test_clean_text_markdown_table_and_idempotence() -> None:
    raw = "| 指标 | 数值 |\n|---|---|\n| 工业总产值 | 4万亿元 |\n\n正文 a|b 保留"
    once = clean_text(raw)
    assert once == "指标 数值\n工业总产值 4万亿元\n\n正文 a|b 保留"
    assert clean_text(once) == once


def test_clean_text_idempotent_on_random_mixtures() -> None:
    pieces = ["建 议 人: | 胡伏原 | 建 议 号: | 482 |", "| 协办 | 苏州市科学技术局; | ||",
              "扫一扫在手机打开当前页", "字体：[ 大 中 小 ]", "发布时间:2025-10-16 12:12 浏览",
              "委员之家 >履职建言", "\u3000\u3000正文第一句。  第二句\xa0。", "\r\n", "\n\n\n",
              "| 打印 | 关闭 |", "|---|---|", "Produced By X", "免责声明：略", "[不良信息举报:a@b]",
              " ", "\t", "标 题:", "| a | b | 扫一扫在手机打开当前页", "| 信息来源: | 发布时间: |"]
    rng = random.Random(1)
    for _ in range(500):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        once = clean_text(raw)
        assert clean_text(once) == once, raw


def test_empty_label_cell_is_not_glued_to_the_next_label() -> None:
    assert clean_text("| 信息来源: | 发布时间: | 2024-01-04 |") == "信息来源： 发布时间：2024-01-04"


# ---------------------------------------------------------------- encodings


TEXT = "苏州市推进新型工业化，规上工业总产值达5万亿元，工业企业16万家。"


def test_gbk_file(tmp_path: Path) -> None:
    (tmp_path / "gbk.txt").write_bytes(TEXT.encode("gbk"))
    assert load_file(tmp_path / "gbk.txt", tmp_path).text == TEXT


def test_gb18030_file(tmp_path: Path) -> None:
    text = TEXT + "生僻字：𠮷䶮。"  # outside GBK: four-byte GB18030 sequences
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (tmp_path / "gb.txt").write_bytes(data)
    doc = load_file(tmp_path / "gb.txt", tmp_path)
    assert doc.text == text


def test_big5_file_is_read_as_traditional_text_not_garbage(tmp_path: Path) -> None:
    text = "關於推進蘇州新型工業化的建議\n建議人：陳大文\n推進人工智能與製造業深度融合，培育燈塔工廠。\n" * 3
    (tmp_path / "big5.txt").write_bytes(text.encode("big5"))
    assert load_file(tmp_path / "big5.txt", tmp_path).text.startswith("關於推進蘇州新型工業化的建議")


def test_bytes_neither_gb18030_nor_big5_are_refused(tmp_path: Path) -> None:
    # Big5 text with a GB18030 four-byte sequence: GB18030 reads garbage, Big5 cannot read it at all
    data = "蘇州新型工業化".encode("big5") * 5 + b"\x81\x30\x81\x30"
    (tmp_path / "odd.txt").write_bytes(data)
    with pytest.raises(LoadError, match="无法识别文本编码"):
        load_file(tmp_path / "odd.txt", tmp_path)


def test_utf8_bom(tmp_path: Path) -> None:
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert load_file(tmp_path / "bom.md", tmp_path).text == TEXT


def test_utf16_with_bom() -> None:
    assert read_bytes_as_text(TEXT.encode("utf-16")) == TEXT


def test_binary_file(tmp_path: Path) -> None:
    data = bytes(random.Random(0).randrange(256) for _ in range(4096)) + b"\x00\x00"
    (tmp_path / "blob.txt").write_bytes(data)
    with pytest.raises(LoadError, match="blob.txt.*二进制"):
        load_file(tmp_path / "blob.txt", tmp_path)


def test_control_characters_without_nul() -> None:
    with pytest.raises(LoadError):
        read_bytes_as_text(b"\x01\x02\x03\x04\x05abc\x06\x07\x08" * 20)


# ---------------------------------------------------------------- file errors


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(LoadError, match="empty.txt.*为空"):
        load_file(tmp_path / "empty.txt", tmp_path)
    (tmp_path / "blank.txt").write_text(" \n\u3000\n", encoding="utf-8")
    with pytest.raises(LoadError, match="blank.txt"):
        load_file(tmp_path / "blank.txt", tmp_path)


def test_unsupported_extension(tmp_path: Path) -> None:
    (tmp_path / "table.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(LoadError, match=r"table.xlsx.*不支持.*\.xlsx"):
        load_file(tmp_path / "table.xlsx", tmp_path)


def test_missing_and_too_large(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="不存在"):
        load_file(tmp_path / "nope.txt", tmp_path)
    (tmp_path / "big.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(LoadError, match="过大"):
        load_file(tmp_path / "big.txt", tmp_path, max_bytes=10)


def test_doc_id_uses_forward_slashes(tmp_path: Path) -> None:
    (tmp_path / "sub" / "dir").mkdir(parents=True)
    (tmp_path / "sub" / "dir" / "a.txt").write_text(TEXT, encoding="utf-8")
    assert load_file(tmp_path / "sub" / "dir" / "a.txt", tmp_path).doc_id == "sub/dir/a.txt"


# ---------------------------------------------------------------- formats


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("关于推进新型工业化的建议")
    table = document.add_table(rows=2, cols=2)
    rows = [("建 议 人:", "胡伏原"), ("建议号:", "482")]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_paragraph("规上工业总产值保持4万亿元以上量级。")
    document.save(tmp_path / "p.docx")
    text = load_file(tmp_path / "p.docx", tmp_path).text
    assert text.split("\n") == ["关于推进新型工业化的建议", "建议人：胡伏原", "建议号：482",
                                "规上工业总产值保持4万亿元以上量级。"]


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF written by hand, with correct xref offsets."""
    content = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_pdf_with_text(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(tiny_pdf("Policy report 2024: GDP grew 5.2 percent."))
    assert "Policy report 2024: GDP grew 5.2 percent." in load_file(tmp_path / "r.pdf", tmp_path).text


def test_pdf_without_text_is_probably_scanned(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(tiny_pdf(""))
    with pytest.raises(LoadError, match="扫描"):
        load_file(tmp_path / "scan.pdf", tmp_path)


def test_garbage_pdf(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"this is not a pdf at all")
    with pytest.raises(LoadError, match="bad.pdf.*PDF"):
        load_file(tmp_path / "bad.pdf", tmp_path)


def test_garbage_docx(tmp_path: Path) -> None:
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    with pytest.raises(LoadError, match="bad.docx.*docx"):
        load_file(tmp_path / "bad.docx", tmp_path)


def test_html(tmp_path: Path) -> None:
    html = """<html><head><title>通知</title><style>.x { color: red }</style>
    <script>var secret = "不应出现";</script></head><body>
    <h1>关于推进新型工业化的通知</h1><p>规上工业总产值&gt;4万亿元&nbsp;&amp;&#32;企业16万家</p>
    <div>第二段<br>第三行</div><table><tr><td>建 议 人:</td><td>胡伏原</td></tr></table>
    </body></html>"""
    (tmp_path / "n.html").write_text(html, encoding="utf-8")
    text = load_file(tmp_path / "n.html", tmp_path).text
    assert "不应出现" not in text and "color" not in text and "<" not in text
    lines = text.split("\n")
    assert "规上工业总产值>4万亿元 & 企业16万家" in lines
    assert "关于推进新型工业化的通知" in lines
    assert "第二段" in lines and "第三行" in lines
    assert "建议人：胡伏原" in lines


# ---------------------------------------------------------------- Markdown


MD_PROPOSAL = """# 关于加快发展低空经济的建议

**建议人**：张三

## 一、现状 ##

我市低空经济起步较早，**无人机**企业超过__50家__，*增速*领先。详见[市政府报告](https://example.com/a "报告")。![图](a.png)

> 低空经济是战略性新兴产业。
> > 引用中的引用。

- 基础设施不足
* 应用场景有限
  + [x] 已有规划

---

二、对策建议

1. 完善低空基础设施。
2. 拓展应用场景。

（一）加强政策支持。

| **指标** | 数值 |
|---|---|
| 企业数 | 50家 |
"""


def test_markdown_markup_is_not_content(tmp_path: Path) -> None:
    (tmp_path / "低空经济.md").write_text(MD_PROPOSAL, encoding="utf-8")
    doc = load_file(tmp_path / "低空经济.md", tmp_path)
    lines = doc.text.split("\n")
    assert lines[0] == "关于加快发展低空经济的建议"
    assert "建议人：张三" in lines and "一、现状" in lines
    assert "我市低空经济起步较早，无人机企业超过50家，增速领先。详见市政府报告。" in lines
    assert "低空经济是战略性新兴产业。" in lines and "引用中的引用。" in lines
    assert {"基础设施不足", "应用场景有限", "已有规划"} <= set(lines)
    # numbered markers stay (the list's space goes, as the documents write them), tables too
    assert {"1.完善低空基础设施。", "2.拓展应用场景。", "（一）加强政策支持。"} <= set(lines)
    assert "指标 数值" in lines and "企业数 50家" in lines
    for markup in ("#", "*", "__", "[", "](", "http", ">", "---", "|", "- "):
        assert markup not in doc.text, markup
    assert clean_text(doc.text) == doc.text


def test_markdown_metadata_spans_point_into_the_cleaned_text(tmp_path: Path) -> None:
    (tmp_path / "低空经济.md").write_text(MD_PROPOSAL, encoding="utf-8")
    doc = load_file(tmp_path / "低空经济.md", tmp_path)
    assert doc.title == "关于加快发展低空经济的建议"
    assert doc.value("proposer") == "张三"  # was missed: "**建议人**：张三"
    for name, field in doc.meta.items():
        assert field.value in doc.text[field.start:field.end], name
    from rag.chunking import chunk_document
    from rag.proposals import recommendations

    assert all(doc.text[c.start:c.end] == c.text for c in chunk_document(doc))
    assert [r.heading for r in recommendations(doc)] == ["完善低空基础设施", "拓展应用场景"]


def test_markdown_draft_reply_has_no_heading_markup(assistant, tmp_path: Path) -> None:
    """QA: a .md proposal was drafted as "（# 关于…建议）" and "您提出的# 关于…建议收悉"."""
    from rag.drafting import draft_reply

    (tmp_path / "低空经济.md").write_text(MD_PROPOSAL, encoding="utf-8")
    text = draft_reply(assistant, str(tmp_path / "低空经济.md")).markdown()
    assert "（关于加快发展低空经济的建议）" in text
    assert "您提出的关于加快发展低空经济的建议收悉" in text
    assert text.split("\n")[0] == "# 关于加快发展低空经济的建议的答复"  # the draft's own heading
    assert "（#" not in text and "提出的#" not in text and "**" not in text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("```\n# 代码里的井号\n**原样**\n```\n# 标题", "# 代码里的井号\n**原样**\n标题"),
        ("研究表明[1][2]，见[注]", "研究表明[1][2]，见[注]"),  # no link: kept
        ("见[报告][r]。\n[r]: https://a.cn \"标题\"", "见报告。"),  # a reference link
        ("[注]: 数据来自统计局", "[注]: 数据来自统计局"),  # not a link target
        ("482号建议_从科教维度.txt、snake__case__x、3*4*5、注*", "482号建议_从科教维度.txt、snake__case__x、3*4*5、注*"),
        ("增速 > 5%，-1%，#话题", "增速 > 5%，-1%，#话题"),
        ("\\*不是强调\\*、`代码`、<https://a.cn>", "*不是强调*、代码、https://a.cn"),
        ("第一段\n===\n第二段\n* * *\n# C#\n####### 七个井号", "第一段\n\n第二段\n\nC#\n####### 七个井号"),
    ],
)
def test_markdown_to_text_keeps_what_is_not_markup(markdown: str, text: str) -> None:
    from rag.markdown import markdown_to_text

    assert clean_text(markdown_to_text(markdown)) == text


def test_only_md_files_are_read_as_markdown(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("# 标题\n**加粗**", encoding="utf-8")
    (tmp_path / "a.md").write_text("# 标题\n**加粗**", encoding="utf-8")
    assert load_file(tmp_path / "a.txt", tmp_path).text == "# 标题\n**加粗**"
    assert load_file(tmp_path / "a.md", tmp_path).text == "标题\n加粗"


# ---------------------------------------------------------------- corpus


def test_load_corpus_skips_bad_files(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "bad.pdf").write_bytes(b"garbage")
    docs, errors = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["good.txt"]
    assert len(errors) == 1 and "bad.pdf" in errors[0]


def test_load_corpus_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="不存在"):
        load_corpus(tmp_path / "missing")


def test_load_corpus_empty_folder(tmp_path: Path) -> None:
    assert load_corpus(tmp_path) == ([], [])


def test_iter_corpus_files_filters_and_sorts(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/c.md", "a/d.PDF", ".hidden.txt", ".git/x.txt", "~$temp.docx",
                "notes.xlsx", "a/e.htm"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_corpus_files(tmp_path)]
    assert found == ["a/c.md", "a/d.PDF", "a/e.htm", "b.txt"]
    assert ".docx" in SUPPORTED and ".xlsx" not in SUPPORTED


def test_load_whole_seed_corpus() -> None:
    docs, errors = load_corpus(CORPUS)
    assert errors == []
    assert sorted(d.doc_id for d in docs) == SEEDS


def test_corrupt_pdf_is_one_load_error_without_pypdf_log_noise(tmp_path: Path, caplog) -> None:
    """pypdf used to log "EOF marker not found" to stderr next to our own message."""
    import logging

    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 garbage garbage")
    with caplog.at_level(logging.WARNING), pytest.raises(LoadError, match="不是有效的 PDF"):
        load_file(tmp_path / "bad.pdf", tmp_path)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
