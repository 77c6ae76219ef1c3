"""Cross-encoder reranking of answer sentences, with a model the user provides (optional).

The offline default ranks answer sentences by word overlap and the packaged USE encoder, and
measurement shows its limit: a question that shares few words with its answer sentence
("中国的计算能力总量在世界上排第几？" against "算力总规模位居全球第二") is refused or
answered with the wrong sentence (docs/quality.md).  A cross-encoder reads the question and
the sentence together, which is what such paraphrases need.  None installs from PyPI with its
weights, so this stays off until the user names one: ``RAG_RERANK_MODEL`` = a local folder of a
sentence-transformers ``CrossEncoder`` with one output, such as ``BAAI/bge-reranker-base`` or
``bge-reranker-v2-m3`` copied from a machine that reaches a model hub (a hub name works where
a hub is reachable).

A ``Reranker`` has a ``name`` and ``score(question, passages)``: one relevance a passage, in
[0, 1], higher = more relevant.  Tests hand in a tiny random BERT saved on the spot, or a
deterministic stand-in (tests/conftest.py).  How the answerer uses the scores:
``SentenceRerank`` below and the trust rules (rag/trust.py, ``_trusted``).

    >>> class Contains:  # a stand-in: relevant when the passage holds the word
    ...     name = "contains"
    ...     def score(self, question, passages):
    ...         return np.array([1.0 if "算力" in p else 0.0 for p in passages])
    >>> Contains().score("计算能力排第几？", ["算力位居全球第二", "工业门类齐全"]).tolist()
    [1.0, 0.0]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.config import Settings
from rag.embedding import missing_folder
from rag.trust import Scored


class Reranker(Protocol):
    name: str

    def score(self, question: str, passages: list[str]) -> np.ndarray: ...


class CrossEncoderReranker:
    """Wraps a loaded sentence-transformers ``CrossEncoder`` of one output (passed in, not built
    here); its sigmoid output is the relevance."""

    def __init__(self, model: Any, name: str, batch_size: int = 16) -> None:
        if getattr(model, "num_labels", 1) != 1:
            raise ValueError(
                f"重排模型 {name!r} 有 {model.num_labels} 个输出，不是相关度模型（只支持单输出的 "
                "CrossEncoder，如 bge-reranker-base / bge-reranker-v2-m3）。"
            )
        self._model = model
        self.name = name
        self.batch_size = batch_size

    def score(self, question: str, passages: list[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0, dtype=np.float32)
        scores = self._model.predict(
            [(question, p) for p in passages], batch_size=self.batch_size, show_progress_bar=False
        )
        return np.asarray(scores, dtype=np.float32).reshape(-1)


def load_cross_encoder(name_or_path: str, device: str = "cpu") -> CrossEncoderReranker:
    """Load a cross-encoder from a local folder, or from a hub where one is reachable; one
    clear message whatever goes wrong."""
    import torch
    from sentence_transformers import CrossEncoder

    local = Path(name_or_path).expanduser()
    if missing_folder(name_or_path):
        raise RuntimeError(f"找不到重排模型文件夹 {local}。请给出本机的模型文件夹，或设 RAG_RERANK_MODEL= 关闭重排。")
    # Some rerankers are saved with an identity activation (raw logits): the sigmoid makes every
    # model's output a relevance in [0, 1], so one trust threshold means the same for all.
    kw = {"device": device, "activation_fn": torch.nn.Sigmoid()}
    try:
        if local.exists():
            model = CrossEncoder(str(local), local_files_only=True, **kw)
        else:
            model = CrossEncoder(name_or_path, **kw)
    except Exception as exc:  # the library raises many kinds; the user needs one message
        raise RuntimeError(
            f"无法加载重排模型 {name_or_path!r}：{exc}。请给出本机的模型文件夹"
            "（RAG_RERANK_MODEL=/path/to/bge-reranker-base），或设 RAG_RERANK_MODEL= 关闭重排。"
        ) from exc
    return CrossEncoderReranker(model, name=name_or_path)


def make_reranker(settings: Settings) -> Reranker | None:
    """The reranker the settings ask for; ``None`` (the offline default) when none is named."""
    name = settings.rerank_model.strip()
    if name.lower() in ("", "none", "off"):
        return None
    return load_cross_encoder(name, settings.embed_device)


class SentenceRerank:
    """The answerer's reranking of its best lexical candidates (rag/extraction.py inherits it):
    by cosine with the index's encoder, or by a cross-encoder's relevance.  Needs ``index``,
    ``encoder``, ``reranker`` and the ``_vec_cache`` dict on the instance."""

    # Measured with the packaged USE (docs/quality.md): reranking the 5 best sentences by cosine
    # and trusting a sentence of little word overlap when its cosine is >= 0.5 gave +1.2 points
    # answer hit on CMRC trial and +7 answers, 2 fewer unanswerables answered, on heldout1-4
    # (where it was chosen); on the untouched CMRC dev and heldout5, +0.15 points and no change.
    # The threshold is USE's: rag/chain.py turns it off (> 1) for other encoders until measured.
    w_sem, sem_top, sem_trust = 1.0, 5, 0.5  # 5 or 8 sentences: the same answers, 5 is cheaper

    def _rerank(self, question: str, ranked: list[Scored]) -> list[Scored]:
        """Add ``w_sem`` × cosine(question, sentence) to the ``sem_top`` best lexical candidates."""
        top = ranked[: self.sem_top]
        texts = [self.index.docs[s.doc_id].text[s.start : s.end] for s in top]
        qv = self.encoder.encode([question], query=True)[0]
        for s, cos in zip(top, self._sentence_vectors(texts) @ qv, strict=True):
            s.semantic = float(cos)
            s.score += self.w_sem * s.semantic
        return sorted(top, key=lambda x: -x.score) + ranked[self.sem_top :]

    def _sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of sentences, remembered: the same sentences come up for many questions."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._vec_cache]
        if todo:
            if len(self._vec_cache) > 20_000:  # bounded: ~40 MB of 512-d vectors
                self._vec_cache.clear()
            self._vec_cache.update(zip(todo, self.encoder.encode(todo), strict=True))
        return np.vstack([self._vec_cache[t] for t in texts])

    # Not measured here (no reranker weights offline): the candidates a 5-chunk answer usually
    # has, and the model's own decision boundary for trusting a sentence of little word overlap.
    ce_top, ce_trust = 10, 0.5

    def _rerank_cross(self, question: str, ranked: list[Scored]) -> list[Scored]:
        """The ``ce_top`` best lexical candidates ordered by the cross-encoder's relevance
        (ties keep the lexical order), then the rest."""
        top = ranked[: self.ce_top]
        texts = [self.index.docs[s.doc_id].text[s.start : s.end] for s in top]
        for s, r in zip(top, self.reranker.score(question, texts), strict=True):
            s.relevance = float(r)
        return sorted(top, key=lambda x: -(x.relevance or 0.0)) + ranked[self.ce_top :]
