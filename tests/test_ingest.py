"""Incremental ingest: add, change, delete, unchanged files not re-embedded, bad files, empty corpus."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from conftest import DOC_482, Q_482, CountingEncoder, copy_corpus, make_settings

from rag.chain import Assistant
from rag.chunking import chunk_document
from rag.index import Index
from rag.ingest import ingest
from rag.loading import LoadError

NEW_DOC = "新增_无锡物联网.txt"
NEW_TEXT = (
    "标题：无锡市物联网产业发展情况\n"
    "一、总体情况\n无锡物联网产业规模突破4000亿元，集聚物联网企业3000多家。\n"
    "二、下一步打算\n建设国家传感网创新示范区，培育一批链主企业。\n"
)
# Questions whose answers cite the 482 proposal while it is indexed.
CITES_482 = [Q_482, "482号建议的主办单位是哪个部门？", "从科教维度推进我市新型工业化的建议提出了哪些对策？"]


@pytest.fixture
def setup(tmp_path):
    """A private corpus and a fresh index made with a counting encoder."""
    corpus = copy_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    encoder = CountingEncoder()
    report = ingest(corpus, index_dir, encoder)
    assert report.rebuilt and len(report.added) == 5
    encoder.reset()
    return corpus, index_dir, encoder


def chunk_map(index: Index) -> dict[str, tuple[str, int]]:
    """chunk_id → (text, FAISS id): what must stay put for untouched files."""
    return {c.chunk_id: (c.text, int(i)) for c, i in zip(index.chunks, index.ids, strict=True)}


def assert_consistent(index: Index) -> None:
    assert len(index.chunks) == index.bm25.n_rows == index.dense.ntotal == len(index.ids)
    assert set(index.docs) == {c.doc_id for c in index.chunks}


def test_unchanged_files_are_not_reembedded(setup):
    corpus, index_dir, encoder = setup
    before = Index.load(index_dir)
    report = ingest(corpus, index_dir, encoder)
    assert report.unchanged == 5 and not (report.added or report.changed or report.removed)
    assert encoder.calls == 0 and encoder.documents == []
    assert chunk_map(Index.load(index_dir)) == chunk_map(before)


def test_adding_a_file_adds_only_its_chunks(setup):
    corpus, index_dir, encoder = setup
    before = chunk_map(Index.load(index_dir))
    (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    report = ingest(corpus, index_dir, encoder)
    assert report.added == [NEW_DOC] and report.unchanged == 5
    index = Index.load(index_dir)
    assert_consistent(index)
    after = chunk_map(index)
    new = {k: v for k, v in after.items() if k.startswith(NEW_DOC)}
    assert new and {k: v for k, v in after.items() if k not in new} == before
    # exactly the new file's chunks were embedded, nothing else
    assert encoder.documents == [c.search_text() for c in chunk_document(index.docs[NEW_DOC])]
    assert index.bm25.search("无锡物联网", k=1)[0][0] == index.chunks.index(
        next(c for c in index.chunks if c.doc_id == NEW_DOC)
    )


def test_changing_a_file_replaces_its_chunks(setup):
    corpus, index_dir, encoder = setup
    before = Index.load(index_dir)
    target = "新闻_新年第一会苏州聚焦新型工业化.txt"
    path = corpus / target
    path.write_text(path.read_text(encoding="utf-8") + "\n补充：苏州将新建算力中心12座。\n", encoding="utf-8")
    report = ingest(corpus, index_dir, encoder)
    assert report.changed == [target] and report.unchanged == 4
    index = Index.load(index_dir)
    assert_consistent(index)
    old_ids = {int(i) for c, i in zip(before.chunks, before.ids, strict=True) if c.doc_id == target}
    new_ids = {int(i) for c, i in zip(index.chunks, index.ids, strict=True) if c.doc_id == target}
    assert new_ids and not old_ids & new_ids, "the old vectors are gone, the new ones have fresh ids"
    assert any("算力中心12座" in c.text for c in index.chunks if c.doc_id == target)
    assert all(d == target for d in {t.split("#")[0] for t in _embedded_ids(index, encoder)})
    untouched = {k: v for k, v in chunk_map(before).items() if not k.startswith(target)}
    assert {k: v for k, v in chunk_map(index).items() if not k.startswith(target)} == untouched
    assert index.docs[target].sha256 != before.docs[target].sha256


def _embedded_ids(index: Index, encoder: CountingEncoder) -> list[str]:
    by_text = {c.search_text(): c.chunk_id for c in index.chunks}
    return [by_text[t] for t in encoder.documents]


def test_deleting_a_file_removes_it_everywhere(setup):
    corpus, index_dir, encoder = setup
    settings = make_settings(corpus, index_dir, embed_model=encoder.name)
    assistant = Assistant.open(settings, encoder=encoder)
    for q in CITES_482:  # while indexed, the 482 proposal is what these questions cite
        assert DOC_482 in {c.doc_id for c in assistant.ask(q).citations}, q
    before = Index.load(index_dir)
    gone_ids = [int(i) for c, i in zip(before.chunks, before.ids, strict=True) if c.doc_id == DOC_482]

    (corpus / DOC_482).unlink()
    encoder.reset()  # the answers above encoded sentences to rerank them; ingest must encode none
    report = ingest(corpus, index_dir, encoder)
    assert report.removed == [DOC_482] and encoder.calls == 0

    index = Index.load(index_dir)
    assert_consistent(index)
    assert DOC_482 not in index.docs and all(c.doc_id != DOC_482 for c in index.chunks)
    assert index.bm25.search("胡伏原", k=100) == [] and "胡伏原" not in index.bm25.vocab
    _, found = index.dense.search(encoder.encode(CITES_482, query=True), index.dense.ntotal)
    assert not set(found.ravel().tolist()) & set(gone_ids)
    for i in gone_ids[:3]:
        with pytest.raises(RuntimeError):
            index.dense.reconstruct(i)

    assistant = Assistant.open(settings, encoder=encoder)
    for q in [*CITES_482, "胡伏原提出了什么建议？", "苏州灯塔工厂有几家？"]:
        answer = assistant.ask(q)
        assert DOC_482 not in {c.doc_id for c in answer.citations}, q
        assert all(h.chunk.doc_id != DOC_482 for h in assistant.retrieve(q, 30)), q
    assert assistant.ask(Q_482).refused


def test_rebuild_reembeds_everything(setup):
    corpus, index_dir, encoder = setup
    report = ingest(corpus, index_dir, encoder, rebuild=True)
    assert report.rebuilt and len(report.added) == 5
    assert len(encoder.documents) == len(Index.load(index_dir).chunks)


def test_another_model_or_chunking_rebuilds(setup):
    corpus, index_dir, _ = setup
    other = CountingEncoder(name="another-model", dim=8)
    report = ingest(corpus, index_dir, other)
    assert report.rebuilt and Index.load(index_dir).dim == 8
    report = ingest(corpus, index_dir, other, chunk_size=200, chunk_overlap=20)
    assert report.rebuilt and Index.load(index_dir).chunk_size == 200


def test_binary_is_reported_and_skipped_gbk_is_indexed(setup):
    corpus, index_dir, encoder = setup
    (corpus / "损坏的文件.txt").write_bytes(os.urandom(64) + b"\x00\x00\x00" + bytes(range(256)))
    (corpus / "扫描件.pdf").write_bytes(b"%PDF-1.4 not really a pdf \x00\x01")
    gbk_text = "关于推进常州新能源汽车产业发展的报告\n常州新能源汽车产量达到68万辆，同比增长42%。\n"
    (corpus / "常州_gbk.txt").write_bytes(gbk_text.encode("gbk"))
    report = ingest(corpus, index_dir, encoder)
    assert report.added == ["常州_gbk.txt"]
    assert len(report.problems) == 2
    assert any("损坏的文件.txt" in p and "二进制" in p for p in report.problems)
    assert any("扫描件.pdf" in p for p in report.problems)
    assert "未能读取的文件" in report.summary() and "损坏的文件.txt" in report.summary()
    index = Index.load(index_dir)
    assert index.docs["常州_gbk.txt"].text == gbk_text.strip()
    assert "损坏的文件.txt" not in index.docs
    assistant = Assistant.open(make_settings(corpus, index_dir, embed_model=encoder.name), encoder=encoder)
    answer = assistant.ask("常州新能源汽车产量是多少？")
    assert not answer.refused and "68万辆" in answer.text
    assert answer.citations[0].doc_id == "常州_gbk.txt"


def test_a_file_turned_unreadable_keeps_its_indexed_version(setup):
    corpus, index_dir, encoder = setup
    before = chunk_map(Index.load(index_dir))
    (corpus / DOC_482).write_bytes(b"\x00" * 100)
    report = ingest(corpus, index_dir, encoder)
    assert any(DOC_482 in p for p in report.problems) and not report.removed
    assert chunk_map(Index.load(index_dir)) == before
    assert "索引中保留其上一版内容" in report.summary()  # the reader is told the index is behind the file


def test_a_file_of_an_unsupported_kind_is_named_not_silently_skipped(setup):
    corpus, index_dir, encoder = setup
    (corpus / "表格.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (corpus / ".隐藏.txt").write_text("隐藏文件", encoding="utf-8")  # hidden: skipped, as a file manager does
    report = ingest(corpus, index_dir, encoder)
    assert report.skipped == ["表格.xls"]
    assert "格式不支持" in report.summary() and "表格.xls" in report.summary() and ".隐藏.txt" not in report.summary()


def test_empty_corpus_gives_an_empty_index_and_says_it_holds_no_documents(tmp_path):
    (tmp_path / "corpus").mkdir()
    encoder = CountingEncoder()
    report = ingest(tmp_path / "corpus", tmp_path / "index", encoder)
    assert report.n_chunks == 0 and not report.added
    index = Index.load(tmp_path / "index")
    assert index.chunks == [] and index.docs == {} and index.dense.ntotal == 0
    settings = make_settings(tmp_path / "corpus", tmp_path / "index", embed_model=encoder.name)
    assistant = Assistant.open(replace(settings, auto_build=False), encoder=encoder)
    assert assistant.retrieve("苏州灯塔工厂有几家？") == []
    for q in ["苏州灯塔工厂有几家？", Q_482]:
        answer = assistant.ask(q)
        assert answer.refused and answer.citations == [] and "索引中还没有任何文档" in answer.text


def test_assistant_open_builds_a_missing_index(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "index")
    assistant = Assistant.open(settings, encoder=None)
    assert (tmp_path / "index" / "manifest.json").exists()
    assert "胡伏原" in assistant.ask(Q_482).text


def test_an_index_of_an_older_format_is_rebuilt_when_it_is_built_from_the_corpus(tmp_path):
    """After an upgrade that changes what an index holds, the default index is rebuilt on open;
    an index named explicitly (auto_build off) is refused with the rebuild command instead."""
    import json

    from rag.index import FORMAT_VERSION, IndexError_

    corpus = copy_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "index")
    Assistant.open(settings, encoder=None)
    path = tmp_path / "index" / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "format_version": 1}), encoding="utf-8")
    with pytest.raises(IndexError_, match="--rebuild"):
        Assistant.open(replace(settings, auto_build=False), encoder=None)
    assistant = Assistant.open(settings, encoder=None)
    assert json.loads(path.read_text(encoding="utf-8"))["format_version"] == FORMAT_VERSION
    assert "胡伏原" in assistant.ask(Q_482).text


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(LoadError, match="语料目录不存在"):
        ingest(tmp_path / "nope", tmp_path / "index", None)
    assert not (tmp_path / "index").exists()


def test_bm25_only_index_has_no_dense_part(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    ingest(corpus, tmp_path / "index", None)
    index = Index.load(tmp_path / "index")
    assert index.dense is None and index.embed_model == "none" and index.dim == 0
    assert not (tmp_path / "index" / f"data-{index.generation}" / "dense.faiss").exists()
    assert np.all(index.bm25.scores("胡伏原") >= 0) and index.bm25.search("胡伏原", k=1)


def test_index_path_that_is_a_file_is_refused_before_any_work(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    (tmp_path / "index").write_text("not a folder", encoding="utf-8")
    with pytest.raises(LoadError, match="是一个文件"):
        ingest(corpus, tmp_path / "index", None)
    assert (tmp_path / "index").read_text(encoding="utf-8") == "not a folder"
