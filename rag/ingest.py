"""Corpus folder → index, incrementally.

New and changed files are (re)chunked and embedded; chunks of changed and
deleted files are removed from BM25 and FAISS.  A file that exists but cannot
be read keeps its previously indexed version (nothing is lost) and is reported.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from rag.chunking import chunk_document
from rag.documents import Chunk, Document
from rag.embedding import Encoder
from rag.index import Index, IndexError_
from rag.loading import SUPPORTED, LoadError, iter_corpus_files, load_file, unsupported_files
from rag.workers import encode_many

Progress = Callable[[float, str], None]

# tqdm's monitor thread would make rag/workers.py refuse to fork (it forks only a single-threaded
# process); the bar works without it.
tqdm.monitor_interval = 0


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files of a kind the loader does not read
    n_chunks: int = 0
    rebuilt: bool = False

    def summary(self) -> str:
        parts = [
            f"新增 {len(self.added)}",
            f"更新 {len(self.changed)}",
            f"删除 {len(self.removed)}",
            f"未变 {self.unchanged}",
            f"共 {self.n_chunks} 块",
        ]
        text = "索引完成：" + "，".join(parts) + ("（已全部重建）" if self.rebuilt else "")
        if self.problems:
            text += "\n未能读取的文件：\n" + "\n".join(f"  - {p}" for p in self.problems)
        if self.skipped:
            kinds = "、".join(sorted(SUPPORTED))
            text += f"\n未收录的文件（格式不支持，支持 {kinds}）：\n" + "\n".join(f"  - {p}" for p in self.skipped)
        return text


def _open_or_new(index_dir: Path, encoder: Encoder | None, size: int, overlap: int, rebuild: bool):
    name, dim = (encoder.name, encoder.dim) if encoder else ("none", 0)
    if not rebuild and (index_dir / "manifest.json").exists():
        try:
            index = Index.load(index_dir)
            index.check_compatible(name, dim, size, overlap)
            return index, False
        except IndexError_:
            pass  # ingest is the explicit rebuild command: a stale or damaged index is rebuilt
    return Index(embed_model=name, dim=dim, chunk_size=size, chunk_overlap=overlap), True


def ingest(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder | None,
    chunk_size: int = 320,
    chunk_overlap: int = 60,
    rebuild: bool = False,
    max_bytes: int = 20 * 1024 * 1024,
    progress: Progress | None = None,
    workers: int = 0,
) -> IngestReport:
    """Bring ``index_dir`` in line with ``corpus_dir`` and save it atomically.

    ``workers``: processes that embed a big batch (0 = one per core; rag/workers.py)."""
    if not corpus_dir.is_dir():
        raise LoadError(f"语料目录不存在：{corpus_dir}")
    if index_dir.exists() and not index_dir.is_dir():  # else a bare "[Errno 17] File exists" at save time
        raise LoadError(f"索引位置 {index_dir} 是一个文件，不是文件夹。请换一个索引目录（--index）。")
    index, fresh = _open_or_new(index_dir, encoder, chunk_size, chunk_overlap, rebuild)
    report = IngestReport(rebuilt=fresh)
    old = index.files
    loaded: list[Document] = []
    seen: set[str] = set()  # on disk, readable or not: an unreadable file keeps its old version
    for path in iter_corpus_files(corpus_dir):
        doc_id = path.relative_to(corpus_dir).as_posix()
        seen.add(doc_id)
        try:
            doc = _read_if_changed(path, corpus_dir, old.get(doc_id), max_bytes)
        except LoadError as exc:
            # the index keeps what it had: nothing is lost, and the reader is told it is old
            kept = "（索引中保留其上一版内容）" if doc_id in old else ""
            report.problems.append(f"{exc}{kept}")
            continue
        if doc is None:
            report.unchanged += 1
        else:
            (report.changed if doc_id in old else report.added).append(doc_id)
            loaded.append(doc)
    report.skipped = unsupported_files(corpus_dir)
    report.removed = sorted(set(old) - seen)
    index.remove_docs(set(report.removed) | set(report.changed))
    _add_documents(index, loaded, encoder, chunk_size, chunk_overlap, progress, workers)
    report.n_chunks = len(index.chunks)
    index.corpus_dir = str(corpus_dir.resolve())  # so a refusal's rebuild command names this folder
    index.save(index_dir)
    return report


def rebuild_command(index: Index, index_dir: Path | str, corpus_guess: Path | str) -> str:
    """The command that rebuilds ``index`` from the documents it holds.

    Its corpus folder is the one recorded at build time.  An index built before that was recorded
    gets ``corpus_guess`` only when that folder holds every indexed file; else a placeholder:
    ``ingest --rebuild`` from another folder would silently replace the index's documents."""
    corpus = index.corpus_dir
    if not corpus:
        held = all((Path(corpus_guess) / doc_id).is_file() for doc_id in index.docs)
        corpus = str(corpus_guess) if held else "<建这个索引时的语料目录>"
    return f"python -m rag ingest {corpus} --index {index_dir} --rebuild"


def _read_if_changed(path: Path, root: Path, old_sha: str | None, max_bytes: int) -> Document | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:  # checked before reading: a huge file must not fill memory
            raise LoadError(f"{path.name} 太大（{size / 1048576:.1f} MB），上限 {max_bytes / 1048576:.0f} MB，已跳过。")
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise LoadError(f"无法读取 {path.name}：{exc}") from exc
    if sha == old_sha:
        return None
    return load_file(path, root, max_bytes=max_bytes)


def _add_documents(
    index: Index,
    docs: list[Document],
    encoder: Encoder | None,
    size: int,
    overlap: int,
    progress: Progress | None,
    workers: int = 0,
) -> None:
    chunks: list[Chunk] = [c for d in docs for c in chunk_document(d, size=size, overlap=overlap)]
    vectors = embed_chunks(chunks, encoder, progress, workers) if encoder else None
    index.add(docs, chunks, vectors)


def embed_chunks(
    chunks: list[Chunk], encoder: Encoder, progress: Progress | None = None, workers: int = 0
) -> np.ndarray:
    """Vectors of the chunks' search texts, in worker processes when worth it (rag/workers.py),
    with a progress bar (terminal) or callback (UI)."""
    bar = tqdm(total=len(chunks), desc="向量化", unit="块", disable=len(chunks) < 200, file=sys.stderr)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        bar.update(n)
        if progress:
            progress(min(1.0, done / max(len(chunks), 1)), "向量化")

    try:
        return encode_many(encoder, [c.search_text() for c in chunks], workers, step)
    finally:
        bar.close()
