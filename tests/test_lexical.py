"""BM25 over jieba words + character bigrams: tokens, ranking, persistence, incremental edits."""

from __future__ import annotations

import numpy as np
import pytest

from rag.lexical import BM25, STOPWORDS, bigrams, tokenize, words

TEXTS = [
    "苏州有灯塔工厂7家，数量位居全国第一。",
    "北京核心企业超过1000家。",
    "苏州工业园区推进新型工业化，建设智能工厂。",
    "杭州的数字经济核心产业增加值增长10%。",
    "答复函：关于第1002号建议的答复，主办单位是苏州市工业和信息化局。",
]
MORE = ["人工智能与产业深度融合，赋能新型工业化。", "苏州新增省级智能工厂16家，累计40家。"]
QUERIES = [
    "灯塔工厂有几家", "苏州新型工业化", "数字经济增长",
    "1002号建议的主办单位", "人工智能", "智能工厂累计多少家",
]


def all_scores(bm: BM25) -> np.ndarray:
    return np.vstack([bm.scores(q) for q in QUERIES])


def test_tokenize_words_then_bigrams():
    assert tokenize("苏州灯塔工厂7家") == [
        "苏州", "灯塔", "工厂", "7", "家", "苏州", "州灯", "灯塔", "塔工", "工厂", "厂7", "7家",
    ]
    assert bigrams("AI赋能，Ab") == ["ai", "i赋", "赋能", "ab"], "lower-cased, split at punctuation"


def test_words_drop_punctuation_and_question_words():
    ws = words("请问苏州的灯塔工厂有哪些？")
    assert "苏州" in ws and "灯塔" in ws
    assert not {"请问", "的", "有", "哪些", "？"} & set(ws)
    assert {"的", "哪些", "什么"} <= STOPWORDS


def test_search_ranks_the_matching_text_first():
    bm = BM25().fit(TEXTS)
    assert bm.n_rows == len(TEXTS)
    assert bm.search("灯塔工厂有几家", k=1)[0][0] == 0
    assert bm.search("1002号建议由哪个单位主办", k=1)[0][0] == 4
    hits = bm.search("苏州", k=10)
    assert {row for row, _ in hits} == {0, 2, 4}, "only rows holding a query term"
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_search_with_nothing_to_match_is_empty():
    bm = BM25().fit(TEXTS)
    assert bm.search("量子计算", k=3) == []
    assert bm.search("", k=3) == []
    assert BM25().fit([]).search("苏州") == []


def test_rarer_terms_weigh_more():
    bm = BM25().fit(TEXTS)
    assert bm.idf("灯塔") > bm.idf("苏州") > 0
    assert bm.idf("从未出现的词") >= bm.idf("灯塔"), "an unseen term is at least as rare as any"


def test_save_load_round_trip(tmp_path):
    bm = BM25(k1=1.5, b=0.6).fit(TEXTS)
    bm.save(tmp_path)
    loaded = BM25.load(tmp_path)
    assert (loaded.k1, loaded.b) == (1.5, 0.6)
    assert loaded.vocab == bm.vocab
    assert (loaded.tf != bm.tf).nnz == 0
    np.testing.assert_array_equal(all_scores(loaded), all_scores(bm))
    assert [loaded.search(q) for q in QUERIES] == [bm.search(q) for q in QUERIES]


def test_add_equals_a_fresh_fit():
    bm = BM25().fit(TEXTS)
    bm.add(MORE)
    fresh = BM25().fit(TEXTS + MORE)
    assert bm.n_rows == fresh.n_rows and set(bm.vocab) == set(fresh.vocab)
    np.testing.assert_allclose(all_scores(bm), all_scores(fresh), rtol=1e-6)
    for tok in ["苏州", "智能", "灯塔", "没有的词"]:
        assert bm.idf(tok) == pytest.approx(fresh.idf(tok))


def test_add_to_an_empty_model():
    bm = BM25().fit([])
    bm.add(TEXTS)
    np.testing.assert_allclose(all_scores(bm), all_scores(BM25().fit(TEXTS)), rtol=1e-6)


def test_keep_rows_equals_a_fresh_fit():
    bm = BM25().fit(TEXTS + MORE)
    mask = np.array([True, False, True, True, False, True, False])
    bm.keep_rows(mask)
    kept = [t for t, k in zip(TEXTS + MORE, mask, strict=True) if k]
    fresh = BM25().fit(kept)
    assert bm.n_rows == len(kept)
    assert set(bm.vocab) == set(fresh.vocab), "words of dropped rows leave the vocabulary"
    np.testing.assert_allclose(all_scores(bm), all_scores(fresh), rtol=1e-6)
    # "1002" and "北京" lived only in dropped rows: weighed like never-seen words, as in a fresh fit
    for tok in ["苏州", "北京", "1002", "灯塔"]:
        assert bm.idf(tok) == pytest.approx(fresh.idf(tok))
    assert bm.search("北京") == []


def test_keep_rows_then_add_then_round_trip(tmp_path):
    bm = BM25().fit(TEXTS)
    bm.keep_rows(np.array([False, True, True, True, True]))
    bm.add(MORE)
    fresh = BM25().fit(TEXTS[1:] + MORE)
    np.testing.assert_allclose(all_scores(bm), all_scores(fresh), rtol=1e-6)
    bm.save(tmp_path)
    np.testing.assert_allclose(all_scores(BM25.load(tmp_path)), all_scores(fresh), rtol=1e-6)


def test_keep_no_rows_leaves_an_empty_usable_model():
    bm = BM25().fit(TEXTS)
    bm.keep_rows(np.zeros(len(TEXTS), dtype=bool))
    assert bm.n_rows == 0 and bm.search("苏州") == []
    bm.add(MORE)
    assert bm.search("人工智能", k=1)[0][0] == 0


def test_idf_table_is_replaced_on_every_change():
    """Caches hold the table and compare it by identity (rag/extraction.py's term weights)."""
    bm = BM25().fit(TEXTS)
    first = bm.idf_table
    bm.add(MORE)
    second = bm.idf_table
    bm.keep_rows(np.arange(bm.n_rows) < len(TEXTS))
    assert first is not second and second is not bm.idf_table
    np.testing.assert_allclose(bm.idf_table, first, rtol=1e-6)  # back to the same rows


def test_question_weights_follow_the_index_they_were_computed_on():
    from types import SimpleNamespace

    from rag.extraction import SentenceExtractor

    bm = BM25().fit(TEXTS)
    ex = SentenceExtractor(SimpleNamespace(bm25=bm))
    before = ex._term_weights("苏州的智能工厂有多少家")
    assert ex._term_weights("苏州的智能工厂有多少家") is before  # computed once per question
    bm.add(MORE * 3)  # 智能 is now common: it must weigh less
    after = ex._term_weights("苏州的智能工厂有多少家")
    assert after["智能"] < before["智能"]
    assert after == SentenceExtractor(SimpleNamespace(bm25=bm))._term_weights("苏州的智能工厂有多少家")
