"""BM25 over jieba words plus character bigrams, stored as readable files.

Words catch exact terms (建议号, 苏州工业园区); bigrams catch what the segmenter
splits differently in question and document.  Measured on our corpus this is
the strongest single retriever (see README).

    >>> tokenize("苏州灯塔工厂7家")
    ['苏州', '灯塔', '工厂', '7', '家', '苏州', '州灯', '灯塔', '塔工', '工厂', '厂7', '7家']
    >>> bm = BM25().fit(["苏州有灯塔工厂7家。", "北京核心企业超过1000家。"])
    >>> [row for row, _ in bm.search("灯塔工厂有几家", k=1)]
    [0]
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path

import jieba
import numpy as np
from scipy import sparse

jieba.setLogLevel(logging.WARNING)

_KEEP = re.compile(r"[\w\u4e00-\u9fff%％.+]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]+")
# Question words and particles: frequent in questions, never the point of them.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 有 吗 呢 吧 啊 什么 哪些 哪个 哪里 多少 怎么 怎样 如何 为什么 谁 是否 请问 请 "
    "几 个 一个 哪 由 被 对 为 就 都 也 还 这 那 其 之 等 中 上 下 年 月 日".split()
)


def words(text: str) -> list[str]:
    """jieba words, lower-cased, punctuation and stopwords dropped."""
    out = []
    for w in jieba.lcut(text):
        w = w.strip().lower()
        if w and _KEEP.fullmatch(w) and w not in STOPWORDS:
            out.append(w)
    return out


def bigrams(text: str) -> list[str]:
    out = []
    for run in _CJK_RUN.findall(text.lower()):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def tokenize(text: str) -> list[str]:
    return words(text) + bigrams(text)


class BM25:
    """Okapi BM25 on a sparse term-frequency matrix (rows = chunks)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.tf = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._weights: sparse.csc_matrix | None = None
        self._idf = np.zeros(0, dtype=np.float32)

    @property
    def n_rows(self) -> int:
        return self.tf.shape[0]

    def _counts(self, texts: list[str]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            for tok, n in Counter(tokenize(text)).items():
                col = self.vocab.setdefault(tok, len(self.vocab))
                rows.append(r)
                cols.append(col)
                vals.append(n)
        shape = (len(texts), len(self.vocab))
        return sparse.csr_matrix((np.asarray(vals, np.float32), (rows, cols)), shape=shape)

    def fit(self, texts: list[str]) -> BM25:
        self.vocab = {}
        self.tf = self._counts(texts)
        self._prepare()
        return self

    def add(self, texts: list[str]) -> None:
        new = self._counts(texts)
        old = self.tf
        old.resize((old.shape[0], len(self.vocab)))
        self.tf = sparse.vstack([old, new], format="csr", dtype=np.float32)
        self._prepare()

    def keep_rows(self, mask: np.ndarray) -> None:
        """Drop the rows whose mask is False (deleted or changed chunks).

        Terms no remaining row uses leave the vocabulary too, so the result is
        the same as a fresh ``fit`` (``idf`` of a deleted document's words included).
        """
        tf = self.tf.tocsr()[np.flatnonzero(mask)]
        used = np.flatnonzero(np.bincount(tf.indices, minlength=tf.shape[1]))
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        self.vocab = {terms[c]: i for i, c in enumerate(used)}
        self.tf = tf[:, used].tocsr()
        self._prepare()

    def _prepare(self) -> None:
        tf = self.tf.tocsr()
        n = max(tf.shape[0], 1)
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        dl = np.asarray(tf.sum(axis=1)).ravel()
        avgdl = float(dl.mean()) if dl.size else 1.0
        norm = self.k1 * (1 - self.b + self.b * dl / max(avgdl, 1e-9))
        rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
        w = tf.data * (self.k1 + 1) / (tf.data + norm[rows]) * self._idf[tf.indices]
        self._weights = sparse.csr_matrix((w, tf.indices, tf.indptr), shape=tf.shape).tocsc()

    @property
    def idf_table(self) -> np.ndarray:
        """The IDF array; replaced (never changed in place) whenever rows are added or dropped,
        so holding it tells a cache whether the IDF it computed with still holds."""
        return self._idf

    def idf(self, token: str) -> float:
        col = self.vocab.get(token)
        if col is None or col >= self._idf.size:
            return float(np.log1p(self.n_rows + 0.5) if self.n_rows else 0.0)
        return float(self._idf[col])

    def scores(self, query: str) -> np.ndarray:
        counts = Counter(t for t in tokenize(query) if t in self.vocab)
        if not counts or self._weights is None or self.n_rows == 0:
            return np.zeros(self.n_rows, dtype=np.float32)
        cols = np.fromiter((self.vocab[t] for t in counts), dtype=np.int64)
        q = np.fromiter(counts.values(), dtype=np.float32)
        return np.asarray(self._weights[:, cols] @ q).ravel()

    def search(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        s = self.scores(query)
        if s.size == 0:
            return []
        k = min(k, s.size)
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        return [(int(i), float(s[i])) for i in top if s[i] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tf = self.tf.tocsr()
        (folder / "bm25_vocab.json").write_text(
            json.dumps({"k1": self.k1, "b": self.b, "vocab": self.vocab}, ensure_ascii=False),
            encoding="utf-8",
        )
        np.save(folder / "bm25_data.npy", tf.data.astype(np.float32))
        np.save(folder / "bm25_indices.npy", tf.indices.astype(np.int32))
        np.save(folder / "bm25_indptr.npy", tf.indptr.astype(np.int64))

    @classmethod
    def load(cls, folder: Path) -> BM25:
        meta = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        arrays = (np.load(folder / n, allow_pickle=False) for n in ("bm25_data.npy", "bm25_indices.npy", "bm25_indptr.npy"))
        return cls.from_saved(meta, *arrays)

    @classmethod
    def from_saved(cls, meta: dict, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray) -> BM25:
        """The index ``save`` wrote: its parsed ``bm25_vocab.json`` and its three arrays."""
        bm = cls(k1=meta["k1"], b=meta["b"])
        bm.vocab = meta["vocab"]
        bm.tf = sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(bm.vocab)))
        bm._prepare()
        return bm
