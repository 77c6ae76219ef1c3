"""rag/glossary.py: equivalent wordings, the bundled file, and what they change in answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answering import ExtractiveAnswerer
from rag.glossary import DEFAULT_GLOSSARY, Glossary, load_glossary

# A paraphrase of "这当中提高土地利用效能…苏州一开年就推出“数据得地”…政策" (新闻): few shared words.
PARAPHRASE = "为了提高用地效率，苏州年初出台了什么新举措？"


def test_normalize_writes_each_wording_as_its_canonical_form_longest_first():
    g = Glossary.from_lines(["中小企业 | 规模较小的公司 | 小公司", "企业 | 公司", "全球|世界 # 注释"])
    assert g.normalize("规模较小的公司处境如何") == "中小企业处境如何"  # not 规模较小的企业
    assert g.normalize("小公司和大公司") == "中小企业和大企业"
    assert g.normalize("世界第一") == "全球第一"
    assert g.normalize(g.normalize("世界第一")) == "全球第一"  # idempotent


def test_letters_match_in_any_case():
    g = Glossary.from_lines(["人工智能生成内容 | AIGC"])
    assert g.normalize("aigc 和 AIGC") == "人工智能生成内容 和 人工智能生成内容"


def test_the_bundled_file_loads_and_every_group_has_two_wordings():
    g = load_glossary("")
    assert len(g) >= 50
    assert all(len(group) >= 2 for group in g.groups)
    assert load_glossary("none") is None
    # GDP is not 产值: a wrong group would answer a GDP question with an output figure.
    assert g.normalize("地区生产总值") != g.normalize("产值")
    assert DEFAULT_GLOSSARY.is_file()


def test_an_unreadable_glossary_gets_a_clear_message(tmp_path: Path):
    bad = tmp_path / "g.txt"
    bad.write_bytes("算力 | 计算能力".encode("gb18030"))
    with pytest.raises(ValueError, match="无法读取同义词表.*RAG_GLOSSARY_FILE=none"):
        Glossary.load(bad)
    with pytest.raises(ValueError, match="无法读取同义词表"):
        Glossary.load(tmp_path / "missing.txt")


def _answer(assistant, glossary: Glossary | None, question: str):
    # The passage that holds the answer, as retrieval would hand it over: what is tested here is
    # whether the answerer recognises it, not whether BM25 finds it.
    hits = assistant.retrieve("苏州一开年就推出数据得地、老旧工业区改造这些政策")
    return ExtractiveAnswerer(assistant.index, glossary=glossary).answer(question, hits)


def test_a_paraphrase_is_answered_only_with_the_glossary(assistant):
    without = _answer(assistant, None, PARAPHRASE)
    with_glossary = _answer(assistant, load_glossary(""), PARAPHRASE)
    assert without.refused
    assert not with_glossary.refused and "数据得地" in with_glossary.text


def test_the_question_is_also_searched_in_the_glossarys_wording(assistant):
    """"在沪苏浙皖地区，电动车的出厂速度有多快" shares almost no word with "平均不到10秒,就有一辆
    新能源汽车在长三角下线" as written; searched also in canonical words (长三角, 新能源汽车,
    下线) it finds that chunk."""
    from rag.chain import make_searcher

    question = "在沪苏浙皖地区，电动车的出厂速度有多快？"

    def finds(glossary) -> bool:
        searcher = make_searcher(assistant.index, assistant.encoder, assistant.settings, glossary)
        return any("不到10秒" in h.chunk.text for h in searcher.search(question, 5))

    assert not finds(None)
    assert finds(load_glossary(""))
