"""Shared test helpers: offline settings, corpus copies, a counting stand-in
encoder and a tiny real BERT loaded through sentence-transformers.

Nothing here touches the network: the Hugging Face libraries are told to stay
offline before anything imports them, and every model is built on the spot.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
# Hypothesis keeps its example database out of the shared working tree.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "policy-qa-hypothesis")
)

import shutil  # noqa: E402  (the environment above must be set first)
import zlib  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rag.config import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DOC_482 = "482号建议_从科教维度推进我市新型工业化.txt"
Q_482 = "482号建议是谁提出的？"
Q_HANGZHOU = "杭州市推进新型工业化的主要举措有哪些？"


class CountingEncoder:
    """A small deterministic stand-in for a real encoder (in the spirit of the
    embedding stand-ins in simonw/llm's tests): hashed character bigrams, so
    texts sharing words get similar unit vectors.  It records every call, so
    tests can tell exactly what was (re-)embedded.

    >>> enc = CountingEncoder()
    >>> v = enc.encode(["苏州工业", "苏州工业园"])
    >>> v.shape, enc.calls, float(v[0] @ v[1]) > 0.5
    ((2, 16), 1, True)
    """

    def __init__(self, name: str = "counting-bigrams", dim: int = 16) -> None:
        self.name = name
        self.dim = dim
        self.calls = 0  # document batches encoded
        self.documents: list[str] = []  # every document text encoded, in order
        self.queries: list[str] = []

    def reset(self) -> None:
        self.calls = 0
        self.documents.clear()
        self.queries.clear()

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if query:
            self.queries.extend(texts)
        else:
            self.calls += 1
            self.documents.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in zip(text, text[1:], strict=False):
                # crc32, not hash(): the same vector in every process and run
                out[row, zlib.crc32((a + b).encode()) % self.dim] += 1.0
            out[row, 0] += 1e-3  # never an all-zero row
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class PhraseReranker:
    """A deterministic stand-in for a cross-encoder (rag/reranking.py): relevance 0.9 for a
    passage holding one of its phrases, 0.1 otherwise.  It records the passages it scored.

    >>> PhraseReranker(["算力"]).score("问", ["算力规模位居全球第二", "工业门类齐全"]).tolist()
    [0.9, 0.1]
    """

    def __init__(self, phrases: list[str], name: str = "phrase-reranker") -> None:
        self.phrases = phrases
        self.name = name
        self.scored: list[str] = []

    def score(self, question: str, passages: list[str]) -> np.ndarray:
        self.scored.extend(passages)
        return np.array([0.9 if any(p in t for p in self.phrases) else 0.1 for t in passages])


def copy_corpus(dest: Path) -> Path:
    """A private, editable copy of the project's corpus."""
    shutil.copytree(CORPUS, dest)
    return dest


def make_settings(corpus_dir: Path, index_dir: Path, embed_model: str = "none", **kw: object) -> Settings:
    """Settings independent of any RAG_* variables in the caller's environment."""
    base: dict[str, object] = {
        "chunk_size": 320,
        "chunk_overlap": 60,
        "top_k": 5,
        "candidates": 30,
        "dense_weight": 0.3,
        "rrf_k": 60,
        "max_question_chars": 500,
        "max_file_mb": 20,
        "llm_backend": "extractive",
    }
    base.update(kw)
    return Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir, embed_model=embed_model, **base)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    """A BM25-only Assistant over a private copy of the corpus, built once for the session.
    Shared: tests that use it only read; tests that edit a corpus build their own."""
    from rag.chain import Assistant

    tmp = tmp_path_factory.mktemp("shared-assistant")
    return Assistant.open(make_settings(copy_corpus(tmp / "corpus"), tmp / "index"))


@pytest.fixture
def counting_encoder() -> CountingEncoder:
    return CountingEncoder()


@pytest.fixture(scope="session")
def corpus_chars() -> list[str]:
    """The CJK characters of the corpus: the tiny BERT's vocabulary."""
    chars = {c for p in CORPUS.iterdir() for c in p.read_text(encoding="utf-8") if "\u4e00" <= c <= "\u9fff"}
    return sorted(chars)


@pytest.fixture(scope="session")
def tiny_st_path(tmp_path_factory: pytest.TempPathFactory, corpus_chars: list[str]) -> Path:
    """A randomly initialised 2-layer BERT (hidden 32) saved as a sentence-transformers folder."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *corpus_chars]
    # transformers 5: BertTokenizer(vocab_file=...) and BertTokenizerFast(vocab_file=...) silently
    # fall back to a 5-token vocabulary; the vocabulary must be handed over as a dict.
    tokenizer = BertTokenizer(vocab={tok: i for i, tok in enumerate(vocab)})
    assert len(tokenizer) == len(vocab), "the tokenizer ignored the vocabulary"
    assert tokenizer.convert_tokens_to_ids("苏") == vocab.index("苏")

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=256,
    )
    root = tmp_path_factory.mktemp("tiny-bert")
    hf_dir, st_dir = root / "hf", root / "st"
    BertModel(config).save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    transformer = Transformer(str(hf_dir), max_seq_length=128)
    pooling = Pooling(transformer.get_embedding_dimension(), "mean")
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(st_dir))
    return st_dir
