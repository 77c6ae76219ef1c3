"""Dense retrieval with a tiny real BERT loaded through sentence-transformers (offline)."""

from __future__ import annotations

import os
import warnings
from dataclasses import replace

import numpy as np
import pytest
from conftest import DOC_482, Q_482, copy_corpus, make_settings

from rag.chain import Assistant
from rag.embedding import (
    LangChainEmbeddings,
    SentenceTransformerEncoder,
    load_sentence_transformer,
    make_encoder,
)
from rag.index import Index, IndexError_, read_manifest
from rag.ingest import ingest
from rag.retrieval import HybridSearcher


@pytest.fixture(scope="module")
def tiny_encoder(tiny_st_path) -> SentenceTransformerEncoder:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoder = load_sentence_transformer(str(tiny_st_path))
    renamed = [w for w in caught if "get_sentence_embedding_dimension" in str(w.message)]
    assert not renamed, "uses the deprecated sentence-transformers API"
    return encoder


@pytest.fixture(scope="module")
def dense_index(tmp_path_factory, tiny_encoder):
    root = tmp_path_factory.mktemp("dense")
    corpus = copy_corpus(root / "corpus")
    report = ingest(corpus, root / "index", tiny_encoder)
    assert report.n_chunks > 50
    return corpus, root / "index"


def test_tiny_model_loads_with_its_dimension(tiny_encoder, tiny_st_path):
    assert isinstance(tiny_encoder, SentenceTransformerEncoder)
    assert tiny_encoder.dim == 32 and tiny_encoder.name == str(tiny_st_path)
    assert tiny_encoder.query_prefix == "", "only bge-zh models get the query instruction"


def test_vectors_are_unit_rows_and_deterministic(tiny_encoder):
    texts = ["苏州推进新型工业化", "胡伏原提出的建议", "苏州推进新型工业化"]
    v = tiny_encoder.encode(texts)
    assert v.shape == (3, 32) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(v[0], v[2], atol=1e-6)
    assert not np.allclose(v[0], v[1])
    np.testing.assert_allclose(tiny_encoder.encode(texts[:1], query=True), v[:1], atol=1e-6)
    assert tiny_encoder.encode([]).shape == (0, 32)


def test_langchain_embeddings_seam(tiny_encoder):
    emb = LangChainEmbeddings(tiny_encoder)
    docs = emb.embed_documents(["苏州", "工业化"])
    assert len(docs) == 2 and len(docs[0]) == 32
    assert len(emb.embed_query("苏州")) == 32


def test_make_encoder_reads_the_settings(tiny_st_path, tmp_path):
    assert make_encoder(make_settings(tmp_path, tmp_path, embed_model="none")) is None
    enc = make_encoder(make_settings(tmp_path, tmp_path, embed_model=str(tiny_st_path)))
    assert enc.dim == 32 and enc.name == str(tiny_st_path)


def test_a_model_folder_that_does_not_exist_is_said_so(tmp_path):
    # not the hub library's English about repo-id rules (QA)
    with pytest.raises(RuntimeError, match="找不到向量模型文件夹") as err:
        load_sentence_transformer(str(tmp_path / "no-such-folder"))
    assert "RAG_EMBED_MODEL" in str(err.value) and "Repo id" not in str(err.value)


def test_unloadable_models_raise_one_clear_error(tmp_path):
    (tmp_path / "empty-model").mkdir()
    names = [str(tmp_path / "empty-model")]
    if os.environ.get("HF_HUB_OFFLINE") == "1":  # a hub name is only tried when it cannot go online
        names.append("no-such-org/no-such-model-xyz")
    for name in names:
        with pytest.raises(RuntimeError, match="无法加载向量模型") as err:
            load_sentence_transformer(name)
        assert "RAG_EMBED_MODEL" in str(err.value)


def test_manifest_records_the_model_and_dimension(dense_index, tiny_st_path):
    _, index_dir = dense_index
    m = read_manifest(index_dir)
    assert m["embed_model"] == str(tiny_st_path) and m["dim"] == 32
    index = Index.load(index_dir)
    assert index.dense.d == 32 and index.dense.ntotal == len(index.chunks)


def test_dense_search_finds_a_chunk_by_its_own_text(dense_index, tiny_encoder):
    _, index_dir = dense_index
    index = Index.load(index_dir)
    searcher = HybridSearcher(index, tiny_encoder, dense_weight=1.0)
    row = 10
    hits = searcher.dense(index.chunks[row].search_text(), 3)
    assert hits[0][0] == row and hits[0][1] == pytest.approx(1.0, abs=1e-4)
    fused = searcher.search("苏州灯塔工厂", k=5)
    assert fused and any("dense" in h.ranks for h in fused) and any("bm25" in h.ranks for h in fused)


def test_assistant_with_the_tiny_model(dense_index, tiny_st_path):
    corpus, index_dir = dense_index
    settings = make_settings(corpus, index_dir, embed_model=str(tiny_st_path))
    assistant = Assistant.open(replace(settings, auto_build=False))  # loads the model from settings
    answer = assistant.ask(Q_482)
    assert "胡伏原" in answer.text and answer.citations[0].doc_id == DOC_482
    with pytest.raises(IndexError_, match="向量模型"):
        Assistant.open(make_settings(corpus, index_dir, embed_model="none", auto_build=False))
