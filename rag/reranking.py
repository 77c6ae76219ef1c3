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
rag/extraction.py (``_rerank_cross``, ``_trusted``).

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
