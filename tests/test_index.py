"""The on-disk index: save → load round trip, manifest checks, interrupted saves, damage."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace

import numpy as np
import pytest
from conftest import CORPUS, DOC_482, CountingEncoder, copy_corpus, make_settings

from rag.chain import Assistant
from rag.index import FORMAT_VERSION, Index, IndexError_, corpus_hash, read_manifest
from rag.ingest import ingest
from rag.retrieval import HybridSearcher

QUERIES = ["482号建议是谁提出的？", "苏州灯塔工厂有几家", "人工智能与产业深度融合", "答复函的主办单位"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A dense + BM25 index of the corpus made with the counting stand-in encoder."""
    root = tmp_path_factory.mktemp("index")
    corpus = copy_corpus(root / "corpus")
    encoder = CountingEncoder()
    ingest(corpus, root / "index", encoder)
    return root, corpus, encoder


@pytest.fixture
def index_copy(built, tmp_path):
    """A private copy of the built index folder, free to damage."""
    root, _, _ = built
    return shutil.copytree(root / "index", tmp_path / "index")


def dense_results(index: Index, encoder: CountingEncoder):
    q = encoder.encode(QUERIES, query=True)
    return index.dense.search(q, 10)


def assert_same_index(a: Index, b: Index, encoder: CountingEncoder) -> None:
    assert [c.to_dict() for c in a.chunks] == [c.to_dict() for c in b.chunks]
    assert {k: d.to_dict() for k, d in a.docs.items()} == {k: d.to_dict() for k, d in b.docs.items()}
    np.testing.assert_array_equal(a.ids, b.ids)
    assert a.next_id == b.next_id
    for q in QUERIES:
        np.testing.assert_array_equal(a.bm25.scores(q), b.bm25.scores(q))
    (sa, ia), (sb, ib) = dense_results(a, encoder), dense_results(b, encoder)
    np.testing.assert_array_equal(ia, ib)
    np.testing.assert_allclose(sa, sb, rtol=1e-6)


def test_manifest_records_model_chunking_and_files(built):
    root, corpus, encoder = built
    m = read_manifest(root / "index")
    assert m["format_version"] == FORMAT_VERSION
    assert (m["embed_model"], m["dim"]) == (encoder.name, encoder.dim)
    assert (m["chunk_size"], m["chunk_overlap"]) == (320, 60)
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.iterdir()}
    assert m["files"] == files and m["n_docs"] == 5
    assert m["corpus_hash"] == corpus_hash(files)
    assert (root / "index" / m["data"]).is_dir()
    assert [p.name for p in (root / "index").glob("data-*")] == [m["data"]], "old generations are removed"


def test_loaded_index_is_consistent(built):
    root, _, encoder = built
    index = Index.load(root / "index")
    assert len(index.chunks) == index.bm25.n_rows == index.dense.ntotal == len(index.ids) > 50
    assert len(set(index.ids.tolist())) == len(index.ids)
    for c in index.chunks:
        assert index.docs[c.doc_id].text[c.start : c.end] == c.text
    # each chunk's stored vector is the encoding of its search text
    row = 7
    stored = index.dense.reconstruct(int(index.ids[row]))
    np.testing.assert_allclose(stored, encoder.encode([index.chunks[row].search_text()])[0], rtol=1e-5)


def test_save_load_round_trip(built, tmp_path):
    root, _, encoder = built
    index = Index.load(root / "index")
    index.save(tmp_path / "copy")
    again = Index.load(tmp_path / "copy")
    assert_same_index(index, again, encoder)
    first_generation = again.generation
    again.save(tmp_path / "copy")  # a second save in place: a new generation, the old one gone
    third = Index.load(tmp_path / "copy")
    assert_same_index(index, third, encoder)
    assert [p.name for p in (tmp_path / "copy").glob("data-*")] == [f"data-{third.generation}"]
    assert third.generation == first_generation + 1


def test_half_written_save_leaves_previous_index_loadable(built, index_copy):
    _, _, encoder = built
    before = Index.load(index_copy)
    # a crash mid-save: the next data folder half written, a temporary manifest never renamed
    broken = index_copy / f"data-{before.generation + 1}"
    broken.mkdir()
    (broken / "docs.jsonl").write_text('{"doc_id": "x.txt", "te', encoding="utf-8")
    (index_copy / "manifest.json.tmp").write_text('{"format_version": 1, "data": "data-', encoding="utf-8")
    after = Index.load(index_copy)
    assert_same_index(before, after, encoder)
    # the next save skips past the broken folder and clears it away
    after.save(index_copy)
    assert sorted(p.name for p in index_copy.glob("data-*")) == [f"data-{before.generation + 2}"]
    assert_same_index(before, Index.load(index_copy), encoder)


def test_ingest_after_an_interrupted_save_works(built, index_copy, tmp_path):
    _, corpus, _ = built
    (index_copy / "data-99").mkdir()
    (index_copy / "data-99" / "chunks.jsonl").write_text("{", encoding="utf-8")
    encoder = CountingEncoder()
    report = ingest(corpus, index_copy, encoder)
    assert report.unchanged == 5 and not report.rebuilt and encoder.calls == 0
    assert Index.load(index_copy).generation == 100


def test_assistant_refuses_an_index_built_with_another_model(built):
    root, corpus, encoder = built
    settings = make_settings(corpus, root / "index", embed_model=encoder.name)
    Assistant(Index.load(root / "index"), encoder, settings)  # the matching model is accepted
    for other in (CountingEncoder(name="another-model", dim=16), CountingEncoder(dim=8)):
        with pytest.raises(IndexError_) as err:
            Assistant(Index.load(root / "index"), other, settings)
        msg = str(err.value)
        assert "向量模型" in msg and "python -m rag ingest" in msg and "--rebuild" in msg
    with pytest.raises(IndexError_, match="rebuild"):
        Assistant(Index.load(root / "index"), None, make_settings(corpus, root / "index"))
    with pytest.raises(IndexError_, match="rebuild"):
        Assistant.open(replace(settings, auto_build=False), encoder=CountingEncoder(name="another-model"))


def test_assistant_refuses_an_index_with_other_chunking(built):
    root, corpus, encoder = built
    for size, overlap in ((200, 60), (320, 0)):
        settings = make_settings(corpus, root / "index", encoder.name, chunk_size=size, chunk_overlap=overlap)
        with pytest.raises(IndexError_) as err:
            Assistant.open(replace(settings, auto_build=False), encoder=encoder)
        assert "分块设置 320/60" in str(err.value) and "--rebuild" in str(err.value)


def test_missing_index_gives_a_clear_message(tmp_path):
    settings = make_settings(CORPUS, tmp_path / "nowhere")
    with pytest.raises(IndexError_) as err:
        Assistant.open(replace(settings, auto_build=False), encoder=None)
    assert "找不到索引" in str(err.value) and "python -m rag ingest" in str(err.value)
    assert not (tmp_path / "nowhere").exists(), "nothing is built when told not to"


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: (d / "chunks.jsonl").write_text('{"chunk_id": ', encoding="utf-8"), "已损坏"),
        (lambda d: (d / "chunks.jsonl").write_text('{"bogus": 1, "id": 0}\n', encoding="utf-8"), "已损坏"),
        (lambda d: (d / "dense.faiss").unlink(), "已损坏"),
        (lambda d: (d / "dense.faiss").write_bytes(b"not faiss"), "已损坏"),
        (lambda d: shutil.rmtree(d), "已损坏"),
        (lambda d: _drop_last_line(d / "chunks.jsonl"), "不一致"),
    ],
)
def test_damaged_index_is_reported_not_crashed(index_copy, damage, expected):
    damage(index_copy / read_manifest(index_copy)["data"])
    with pytest.raises(IndexError_, match=expected) as err:
        Index.load(index_copy)
    assert "重建" in str(err.value)


def _drop_last_line(path):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def test_unreadable_or_foreign_manifest_is_reported(index_copy):
    path = index_copy / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "format_version": 999}), encoding="utf-8")
    with pytest.raises(IndexError_, match="格式版本"):
        Index.load(index_copy)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexError_, match="无法读取"):
        Index.load(index_copy)


def test_searcher_follows_edits_made_in_place(built):
    """Remove a document and add it back: same chunk count, new FAISS ids, still the right rows."""
    root, _, encoder = built
    index = Index.load(root / "index")
    searcher = HybridSearcher(index, encoder, dense_weight=1.0)
    assert searcher.dense(index.chunks[0].search_text(), 1)[0][0] == 0
    doc = index.docs[DOC_482]
    chunks = [c for c in index.chunks if c.doc_id == DOC_482]
    n = len(index.chunks)
    index.remove_docs({DOC_482})
    index.add([doc], chunks, encoder.encode([c.search_text() for c in chunks]))
    assert len(index.chunks) == n and index.chunks[-1].doc_id == DOC_482
    for row in (0, n - 1):
        (best, score), *_ = searcher.dense(index.chunks[row].search_text(), 1)
        assert best == row and score == pytest.approx(1.0, abs=1e-5)


def test_dense_index_turns_hnsw_beyond_the_flat_limit_and_still_deletes(monkeypatch, tmp_path):
    """Above FLAT_MAX_VECTORS the index becomes HNSW; deleting rebuilds it without the gone ids."""
    import faiss
    import numpy as np

    import rag.index as index_mod
    from rag.documents import Chunk, Document

    monkeypatch.setattr(index_mod, "FLAT_MAX_VECTORS", 10)
    rng = np.random.default_rng(0)
    index = Index(embed_model="test", dim=8, chunk_size=320, chunk_overlap=60)
    for d in range(3):
        doc = Document(doc_id=f"d{d}.txt", text="甲乙丙丁。" * 8)
        chunks = [Chunk(f"d{d}.txt#{i}", doc.doc_id, "甲乙丙丁。", 5 * i, 5 * i + 5) for i in range(6)]
        vecs = rng.normal(size=(6, 8)).astype(np.float32)
        index.add([doc], chunks, vecs / np.linalg.norm(vecs, axis=1, keepdims=True))
    assert "HNSW" in type(faiss.downcast_index(index.dense.index)).__name__ and index.dense.ntotal == 18
    index.remove_docs({"d1.txt"})
    assert index.dense.ntotal == 12 and len(index.chunks) == 12
    stored = set(faiss.vector_to_array(index.dense.id_map).tolist())
    assert stored == set(index.ids.tolist())
    index.save(tmp_path / "idx")
    again = Index.load(tmp_path / "idx")
    assert "HNSW" in type(faiss.downcast_index(again.dense.index)).__name__
    _, found = again.dense.search(index._vectors()[1][:1], 1)
    assert found[0][0] in stored


def test_a_single_query_is_searched_with_one_thread_and_the_setting_restored():
    import faiss
    import numpy as np

    from rag.retrieval import search_one

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((500, 16), dtype=np.float32)
    dense = faiss.IndexIDMap2(faiss.IndexFlatIP(16))
    dense.add_with_ids(vectors, np.arange(500, dtype=np.int64))
    class Recording:  # the real index, remembering how many threads each search was given
        threads: list[int] = []

        def search(self, q, n):
            self.threads.append(faiss.omp_get_max_threads())
            return dense.search(q, n)

    faiss.omp_set_num_threads(2)
    scores, ids = search_one(Recording(), vectors[:1], 5)
    expected_scores, expected_ids = dense.search(vectors[:1], 5)
    assert ids.tolist() == expected_ids.tolist() and np.allclose(scores, expected_scores)
    assert Recording.threads == [1] and faiss.omp_get_max_threads() == 2
