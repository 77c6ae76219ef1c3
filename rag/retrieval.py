"""Hybrid retrieval: BM25 (words + bigrams) and dense vectors, fused by weighted RRF.

Reciprocal rank fusion adds ``weight / (rrf_k + rank)`` over the rankings a
chunk appears in.  BM25 weighs 1; the dense weight is set by measurement
(equal weights hurt on CMRC2018, see docs/quality.md).  With a ``rewrite`` (the question in
the glossary's wordings, rag/glossary.py) a second BM25 ranking of the rewritten question joins
the fusion at weight 1: "在沪苏浙皖地区，电动车的出厂速度" finds the chunk that says
"新能源汽车在长三角下线".

``PolicyRetriever`` is the LangChain ``BaseRetriever`` seam around it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import faiss
import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.documents import Hit
from rag.embedding import Encoder
from rag.index import Index


def rrf(rankings: dict[str, list[int]], weights: dict[str, float], k: int = 60) -> dict[int, float]:
    """Weighted reciprocal rank fusion of rankings (lists of row numbers, best first).

    >>> rrf({"a": [1, 2], "b": [2, 3]}, {"a": 1.0, "b": 1.0}, k=0)
    {1: 1.0, 2: 1.5, 3: 0.5}
    """
    fused: dict[int, float] = {}
    for name, rows in rankings.items():
        w = weights.get(name, 1.0)
        for rank, row in enumerate(rows):
            fused[row] = fused.get(row, 0.0) + w / (k + rank + 1)
    return fused


def search_one(dense: faiss.Index, q: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A single query searched with one OpenMP thread.  FAISS's threads and the encoder's BLAS
    threads otherwise fight over the cores: at 100k chunks on 2 cores a question's hybrid search
    took 47 ms p50 with the default threads and 26 ms with one (measured, docs/quality.md).
    The setting is the calling thread's own and is restored."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return dense.search(q, n)
    finally:
        faiss.omp_set_num_threads(before)


class HybridSearcher:
    """Searches an ``Index``; the encoder is passed in (``None`` = BM25 only)."""

    def __init__(
        self,
        index: Index,
        encoder: Encoder | None,
        dense_weight: float = 0.3,
        candidates: int = 30,
        rrf_k: int = 60,
        rewrite: Callable[[str], str] | None = None,
    ) -> None:
        self.index = index
        self.rewrite = rewrite
        self.encoder = encoder if index.dense is not None and index.dim else None
        self.dense_weight = dense_weight
        self.candidates = candidates
        self.rrf_k = rrf_k
        self._row_of_id: dict[int, int] = {}
        self._ids_seen: np.ndarray | None = None

    def _rows_by_id(self) -> dict[int, int]:
        # Every edit of the index assigns a new ``ids`` array; a length check alone
        # would keep a stale map after removing and adding the same number of chunks.
        if self._ids_seen is not self.index.ids:
            self._row_of_id = {int(i): r for r, i in enumerate(self.index.ids)}
            self._ids_seen = self.index.ids
        return self._row_of_id

    def lexical(self, query: str, n: int) -> list[tuple[int, float]]:
        return self.index.bm25.search(query, n)

    def dense(self, query: str, n: int) -> list[tuple[int, float]]:
        if self.encoder is None or self.index.dense is None or self.index.dense.ntotal == 0:
            return []
        q = self.encoder.encode([query], query=True).astype(np.float32)
        scores, ids = search_one(self.index.dense, q, min(n, self.index.dense.ntotal))
        rows = self._rows_by_id()
        return [(rows[int(i)], float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def search(self, query: str, k: int = 5) -> list[Hit]:
        if not query.strip() or not self.index.chunks:
            return []
        n = max(self.candidates, k)
        lex = self.lexical(query, n)
        rankings = {"bm25": [r for r, _ in lex]}
        weights = {"bm25": 1.0}
        # Measured (docs/quality.md): the rewritten question's ranking beside the question's own;
        # instead of it, or both as one query, held-out answers were 2 and 1 fewer of 400.
        reworded = self.rewrite(query) if self.rewrite is not None else query
        if reworded != query:
            rankings["bm25_glossary"] = [r for r, _ in self.lexical(reworded, n)]
            weights["bm25_glossary"] = 1.0
        if self.dense_weight > 0:
            rankings["dense"] = [r for r, _ in self.dense(query, n)]
            weights["dense"] = self.dense_weight
        fused = rrf(rankings, weights, self.rrf_k)
        top = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        ranks = {name: {row: i for i, row in enumerate(rows)} for name, rows in rankings.items()}
        return [
            Hit(
                chunk=self.index.chunks[row],
                score=score,
                ranks={name: rk[row] for name, rk in ranks.items() if row in rk},
            )
            for row, score in top
        ]


class PolicyRetriever(BaseRetriever):
    """LangChain view of ``HybridSearcher``: chunks as LangChain Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    searcher: Any
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        return [hit_to_lc(h) for h in self.searcher.search(query, self.k)]


def hit_to_lc(hit: Hit) -> LCDocument:
    c = hit.chunk
    return LCDocument(
        page_content=c.text,
        metadata={
            "chunk_id": c.chunk_id,
            "doc_id": c.doc_id,
            "title": c.title,
            "heading": c.heading,
            "start": c.start,
            "end": c.end,
            "score": hit.score,
            "ranks": hit.ranks,
        },
    )
