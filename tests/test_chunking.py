"""Chunking: exact offsets, headings, bounded overlap and size, on the corpus and on generated text."""

from __future__ import annotations

import statistics

import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.chunking import chunk_document, is_heading, split_sentences
from rag.documents import Chunk, Document
from rag.loading import load_corpus

SETTINGS = [(320, 60), (120, 30), (40, 10), (200, 0)]


@pytest.fixture(scope="module")
def corpus_docs() -> list[Document]:
    docs, errors = load_corpus(CORPUS)
    assert not errors and len(docs) == 5
    return docs


def check_invariants(doc: Document, chunks: list[Chunk], size: int, overlap: int) -> None:
    """What every chunking of every document must satisfy."""
    text = doc.text
    for i, c in enumerate(chunks):
        assert text[c.start : c.end] == c.text, c.chunk_id
        assert 0 <= c.start < c.end <= len(text)
        assert c.text.strip(), "empty chunk"
        assert c.end - c.start <= size, f"{c.chunk_id} is {c.end - c.start} > {size} characters"
        assert c.chunk_id == f"{doc.doc_id}#{i}" and c.doc_id == doc.doc_id
        if c.heading:  # a real heading of the document, starting inside or above the chunk
            assert is_heading(c.heading), c.chunk_id
            assert text.rfind(c.heading, 0, c.end - 1 + len(c.heading)) >= 0, c.chunk_id
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.start < b.start and a.end < b.end, "chunks go forward"
        assert a.end - b.start <= overlap, f"overlap {a.end - b.start} > {overlap}"
    # nothing is lost: every non-blank character lies in some chunk
    covered = bytearray(len(text))
    for c in chunks:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not lost, f"characters outside every chunk: {text[lost[0] : lost[0] + 20]!r}"


@pytest.mark.parametrize(("size", "overlap"), SETTINGS)
def test_corpus_chunks_keep_offsets_size_and_overlap(corpus_docs, size, overlap):
    for doc in corpus_docs:
        check_invariants(doc, chunk_document(doc, size=size, overlap=overlap), size, overlap)


@pytest.mark.parametrize(("size", "overlap"), [(320, 60), (120, 30)])
def test_chunk_sizes_are_near_the_target(corpus_docs, size, overlap):
    for doc in corpus_docs:
        lengths = [c.end - c.start for c in chunk_document(doc, size=size, overlap=overlap)]
        assert statistics.median(lengths) >= size / 2, (doc.doc_id, lengths)


def test_overlap_carries_context_when_asked(corpus_docs):
    with_overlap = [
        (a, b) for d in corpus_docs for a, b in _pairs(chunk_document(d, 320, 60)) if a.end > b.start
    ]
    assert with_overlap, "overlap 60 never carried a sentence over"
    a, b = with_overlap[0]
    assert b.text.startswith(a.text[b.start - a.start :])


def _pairs(chunks):
    return zip(chunks, chunks[1:], strict=False)


def test_headings_start_sections_and_label_chunks():
    text = "一、总体要求\n第一句话。第二句话！\n二、主要任务\n第三句。第四句？\n（一）具体措施\n第五句。"
    doc = Document("a.txt", text)
    chunks = chunk_document(doc, size=40, overlap=0)
    assert [(c.heading, c.text) for c in chunks] == [
        ("一、总体要求", "一、总体要求\n第一句话。第二句话！"),
        ("二、主要任务", "二、主要任务\n第三句。第四句？"),
        ("（一）具体措施", "（一）具体措施\n第五句。"),
    ]
    assert all(c.title == "a" for c in chunks)
    assert chunks[0].search_text() == "a 一、总体要求 一、总体要求\n第一句话。第二句话！"


def test_corpus_headings_are_real_headings_above_their_chunk(corpus_docs):
    headed = 0
    for doc in corpus_docs:
        for c in chunk_document(doc):
            if c.heading:
                headed += 1
                assert doc.text.rfind(c.heading, 0, c.end) >= 0, (c.chunk_id, c.heading)
    assert headed >= 10


def test_reply_letter_sections_get_their_heading(corpus_docs):
    doc = next(d for d in corpus_docs if d.doc_id.startswith("答复函"))
    chunks = chunk_document(doc)
    first = next(c for c in chunks if "一、强化创新载体建设" in c.text)
    assert first.heading.startswith("一、强化创新载体建设")
    assert first.text.startswith("一、强化创新载体建设"), "a section starts a fresh chunk"


def test_sentences_and_markers():
    t = "甲。乙！ (一)丙\n丁”戊；"
    assert [t[s:e] for s, e in split_sentences(t)] == ["甲。", "乙！", "(一)丙", "丁”戊；"]
    assert is_heading("（一）形成了规模化发展格局。") and is_heading("第三条 适用范围")
    assert not is_heading("今天天气很好。") and not is_heading("1.5倍的增长。")


def test_long_sentence_is_cut_at_commas_within_size():
    text = "，".join(["苏州推进新型工业化"] * 30) + "。"
    doc = Document("long.txt", text)
    chunks = chunk_document(doc, size=50, overlap=10)
    check_invariants(doc, chunks, 50, 10)
    assert all(c.text.endswith(("，", "。")) for c in chunks)


def test_empty_and_blank_documents_have_no_chunks():
    assert chunk_document(Document("e.txt", "")) == []
    assert chunk_document(Document("b.txt", " \n\n ")) == []


def test_impossible_settings_are_refused():
    with pytest.raises(ValueError, match="chunk_size"):
        chunk_document(Document("a.txt", "一句话。"), size=0, overlap=0)
    with pytest.raises(ValueError):
        chunk_document(Document("a.txt", "一句话。"), size=10, overlap=-1)


# Generated text: hanzi, digits, sentence ends, commas, section markers, line breaks, spaces.
_PIECES = st.sampled_from(
    list("苏州工业化创新产业发展数字经济") + list("。！？；!?;，、,：") + list("0123456789")
    + ["\n", " ", "\n\n", "一、", "（一）", "(二)", "1.", "第三条", "【要点】", "”", "　"]
)
_TEXTS = st.lists(_PIECES, min_size=0, max_size=300).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, size=st.integers(1, 120), overlap_share=st.floats(0, 1.5))
def test_generated_texts_keep_all_invariants(text, size, overlap_share):
    overlap = int(size * overlap_share)
    doc = Document("gen.txt", text)
    check_invariants(doc, chunk_document(doc, size=size, overlap=overlap), size, overlap)
