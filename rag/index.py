"""The on-disk index: build, save, load, update (the manifest and its checks: rag/index_manifest.py).

Layout (readable files, never pickle)::

    index/manifest.json          model, dimensions, chunking, corpus folder and hash, file hashes, data folder
    index/data-N/docs.jsonl      cleaned documents with their metadata
    index/data-N/chunks.jsonl    chunks with offsets and their FAISS ids
    index/data-N/dense.faiss     FAISS IndexIDMap2 over inner product (absent with no encoder)
    index/data-N/bm25_*.npy/json term-frequency matrix and vocabulary

Each save writes a new ``data-N`` folder and then replaces ``manifest.json``
atomically, so an interrupted ingest leaves the previous index usable.

Loading checks each file as it reads it, and then that the files agree (docs ↔ chunks ↔
BM25 rows ↔ FAISS ids and dimensions ↔ manifest): any damage is one ``IndexError_`` line
naming the file and the rebuild command, never a Python or FAISS error text or a crash.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from rag.documents import Chunk, Document
from rag.index_files import CHUNK_FIELDS, DOC_FIELDS, Damaged, read_bm25, read_dense, read_rows
from rag.index_manifest import FORMAT_VERSION, IndexError_, corpus_hash, damaged_error, read_manifest
from rag.lexical import BM25

# Exact search while it is fast enough: `python -m rag bench speed` measured IndexFlatIP well
# under the 100 ms ask budget at 100k chunks (docs/quality.md); HNSW only beyond this size,
# where its measured recall loss buys speed.
FLAT_MAX_VECTORS = 200_000


def dense_index_for(dim: int, n_vectors: int) -> faiss.Index:
    """The FAISS index for about ``n_vectors`` unit vectors: exact inner product up to
    ``FLAT_MAX_VECTORS``, HNSW (M=32, efSearch=128) beyond.  HNSW cannot remove ids, so
    ``Index`` rebuilds it from its stored vectors on a delete (rare at that size)."""
    if n_vectors <= FLAT_MAX_VECTORS:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efSearch = 128
    return faiss.IndexIDMap2(hnsw)


@dataclass
class Index:
    embed_model: str
    dim: int
    chunk_size: int
    chunk_overlap: int
    docs: dict[str, Document] = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    bm25: BM25 = field(default_factory=BM25)
    dense: faiss.Index | None = None
    next_id: int = 0
    generation: int = 0
    corpus_dir: str = ""  # the folder ingest built it from (absolute); "" in manifests older than the field

    def __post_init__(self) -> None:
        if self.dense is None and self.dim > 0:
            self.dense = dense_index_for(self.dim, 0)

    @property
    def files(self) -> dict[str, str]:
        return {d.doc_id: d.sha256 for d in self.docs.values()}

    def manifest(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "embed_model": self.embed_model,
            "dim": self.dim,
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "n_docs": len(self.docs),
            "n_chunks": len(self.chunks),
            "corpus_hash": corpus_hash(self.files),
            "files": self.files,
            "next_id": self.next_id,
            "corpus_dir": self.corpus_dir,
            "data": f"data-{self.generation}",
            "saved_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        }

    # -- editing ---------------------------------------------------------------
    def remove_docs(self, doc_ids: set[str]) -> None:
        if not doc_ids:
            return
        keep = np.array([c.doc_id not in doc_ids for c in self.chunks], dtype=bool)
        gone = self.ids[~keep]
        if self.dense is not None and gone.size:
            self._remove_vectors(gone.astype(np.int64))
        self.chunks = [c for c, k in zip(self.chunks, keep, strict=True) if k]
        self.ids = self.ids[keep]
        self.bm25.keep_rows(keep)
        for d in doc_ids:
            self.docs.pop(d, None)

    def add(self, docs: list[Document], chunks: list[Chunk], vectors: np.ndarray | None) -> None:
        ids = np.arange(self.next_id, self.next_id + len(chunks), dtype=np.int64)
        self.next_id += len(chunks)
        if self.dense is not None and chunks:
            assert vectors is not None and vectors.shape == (len(chunks), self.dim)
            self.dense.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
        self.bm25.add([c.search_text() for c in chunks])
        self.chunks.extend(chunks)
        self.ids = np.concatenate([self.ids, ids])
        for d in docs:
            self.docs[d.doc_id] = d
        self._fit_dense_type()

    # -- the FAISS index type follows the size ------------------------------------
    def _is_hnsw(self) -> bool:
        return self.dense is not None and "HNSW" in type(faiss.downcast_index(self.dense.index)).__name__

    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) stored in the dense index; both flat and HNSW keep the vectors."""
        ids = faiss.vector_to_array(self.dense.id_map).astype(np.int64)
        return ids, self.dense.index.reconstruct_n(0, self.dense.ntotal)

    def _rebuild_dense(self, keep_ids: np.ndarray | None = None) -> None:
        ids, vecs = self._vectors()
        if keep_ids is not None:
            mask = np.isin(ids, keep_ids)
            ids, vecs = ids[mask], vecs[mask]
        self.dense = dense_index_for(self.dim, len(ids))
        if len(ids):
            self.dense.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), ids)

    def _fit_dense_type(self) -> None:
        """Exact search up to FLAT_MAX_VECTORS, HNSW beyond (measured, docs/quality.md)."""
        if self.dense is not None and not self._is_hnsw() and self.dense.ntotal > FLAT_MAX_VECTORS:
            self._rebuild_dense()

    def _remove_vectors(self, gone: np.ndarray) -> None:
        if self._is_hnsw():  # HNSW cannot delete: rebuild from the vectors that stay
            ids, _ = self._vectors()
            self._rebuild_dense(keep_ids=ids[~np.isin(ids, gone)])
        else:
            self.dense.remove_ids(gone)

    # -- persistence -----------------------------------------------------------
    def save(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.generation = _next_generation(index_dir)
        data = index_dir / f"data-{self.generation}"
        if data.exists():
            shutil.rmtree(data)
        data.mkdir()
        _write_jsonl(data / "docs.jsonl", (d.to_dict() for d in self.docs.values()))
        rows = ({**c.to_dict(), "id": int(i)} for c, i in zip(self.chunks, self.ids, strict=True))
        _write_jsonl(data / "chunks.jsonl", rows)
        self.bm25.save(data)
        if self.dense is not None:
            faiss.write_index(self.dense, str(data / "dense.faiss"))
        tmp = index_dir / "manifest.json.tmp"
        tmp.write_text(json.dumps(self.manifest(), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, index_dir / "manifest.json")  # the commit point
        _remove_stale(index_dir, keep=data.name)

    @classmethod
    def load(cls, index_dir: Path | str) -> Index:
        """The index saved in ``index_dir``.  A missing, damaged or disagreeing file raises
        ``IndexError_`` naming it, with the rebuild command: never Python's or FAISS's own text."""
        index_dir = Path(index_dir)
        manifest = read_manifest(index_dir)
        try:
            index = cls._from_files(manifest, index_dir / manifest["data"])
            index._check_consistent(manifest["files"])
        except Damaged as exc:
            raise damaged_error(index_dir, str(exc)) from exc
        return index

    @classmethod
    def _from_files(cls, manifest: dict, data: Path) -> Index:
        if not data.is_dir():
            raise Damaged(f"缺少数据文件夹 {data.name}")
        docs = read_rows(data / "docs.jsonl", DOC_FIELDS, Document.from_dict)
        rows = read_rows(data / "chunks.jsonl", CHUNK_FIELDS, lambda r: (r.pop("id"), Chunk.from_dict(r)))
        return cls(
            embed_model=manifest["embed_model"],
            dim=manifest["dim"],
            chunk_size=manifest["chunk_size"],
            chunk_overlap=manifest["chunk_overlap"],
            docs={d.doc_id: d for d in docs},
            chunks=[c for _, c in rows],
            ids=np.array([i for i, _ in rows], dtype=np.int64),
            bm25=read_bm25(data),
            dense=read_dense(data / "dense.faiss", manifest["dim"]) if manifest["dim"] else None,
            next_id=manifest["next_id"],
            generation=int(manifest["data"].split("-")[1]),
            corpus_dir=manifest.get("corpus_dir") if isinstance(manifest.get("corpus_dir"), str) else "",
        )

    def _check_consistent(self, manifest_files: dict) -> None:
        """Files that each read well but disagree (one emptied, truncated or taken from another
        index): loading them anyway would answer from the wrong rows or cite the wrong text."""
        orphans = sum(c.doc_id not in self.docs for c in self.chunks)
        if orphans:
            raise Damaged(f"docs.jsonl 与 chunks.jsonl 不一致（{orphans} 个块所属的文档不在 docs.jsonl 中）")
        row = next((i for i, c in enumerate(self.chunks) if self.docs[c.doc_id].text[c.start : c.end] != c.text), None)
        if row is not None:
            raise Damaged(f"docs.jsonl 与 chunks.jsonl 不一致（第 {row + 1} 块的文字与其文档不符）")
        if set(self.docs) != set(manifest_files):
            raise Damaged("docs.jsonl 与 manifest.json 不一致（文档清单不同）")
        if self.bm25.n_rows != len(self.chunks):
            raise Damaged(f"BM25 文件与 chunks.jsonl 不一致（{self.bm25.n_rows} 行，{len(self.chunks)} 块）")
        if self.ids.size and self.next_id <= int(self.ids.max()):
            raise Damaged("manifest.json 与 chunks.jsonl 不一致（next_id 不大于已用的块编号）")
        if self.dense is None:
            return
        if self.dense.ntotal != len(self.ids):
            raise Damaged(f"dense.faiss 与 chunks.jsonl 不一致（{self.dense.ntotal} 个向量，{len(self.ids)} 块）")
        if not np.array_equal(np.sort(faiss.vector_to_array(self.dense.id_map)), np.sort(self.ids)):
            raise Damaged("dense.faiss 与 chunks.jsonl 不一致（向量编号与块编号不符）")

    def check_compatible(
        self, embed_model: str, dim: int, chunk_size: int, chunk_overlap: int, rebuild_hint: str = ""
    ) -> None:
        """Refuse an index built with another model or chunking, saying how to rebuild.

        ``rebuild_hint`` is the exact command for this setup (the caller knows the paths)."""
        problems = []
        if self.embed_model != embed_model or self.dim != dim:
            problems.append(f"向量模型 {self.embed_model} ({self.dim} 维) ≠ 当前设置 {embed_model} ({dim} 维)")
        if (self.chunk_size, self.chunk_overlap) != (chunk_size, chunk_overlap):
            problems.append(
                f"分块设置 {self.chunk_size}/{self.chunk_overlap} ≠ 当前设置 {chunk_size}/{chunk_overlap}"
            )
        if problems:
            raise IndexError_(
                "索引与当前设置不符：" + "；".join(problems)
                + "。请用当前设置重建："
                + (rebuild_hint or "python -m rag ingest <语料目录> --index <索引目录> --rebuild")
                + "（或把 RAG_EMBED_MODEL 设回建索引时的模型）。"
            )


def _next_generation(index_dir: Path) -> int:
    gens = [int(p.name.split("-")[1]) for p in index_dir.glob("data-*") if p.name.split("-")[1].isdigit()]
    return max(gens, default=0) + 1


def _remove_stale(index_dir: Path, keep: str) -> None:
    for p in index_dir.glob("data-*"):
        if p.name != keep:
            shutil.rmtree(p, ignore_errors=True)


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
