"""Reading the files of an index folder, each checked as it is read (rag/index.py loads them).

A damaged file raises ``Damaged`` with a short Chinese reason naming it, which ``Index.load``
turns into one line with the rebuild command: never Python's, NumPy's or FAISS's (C++) wording,
and never a crash (scipy trusts BM25 arrays: a term number past the vocabulary is a segfault)::

    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "chunks.jsonl"
    >>> _ = p.write_text('{"chunk_id": "a#0"}\\n', encoding="utf-8")
    >>> try:
    ...     read_rows(p, {"chunk_id": str, "text": str}, dict)
    ... except Damaged as exc:
    ...     print(exc)
    chunks.jsonl 第 1 行缺少字段或其值不对：text
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import faiss
import numpy as np

from rag.lexical import BM25

T = TypeVar("T")


class Damaged(Exception):
    """One index file (or two that disagree) is wrong; the message names the file(s) and says
    how, briefly.  Turned into ``IndexError_`` with the folder and the rebuild command."""


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Any failure while reading the index file ``name`` becomes a ``Damaged`` naming it:
    the user needs the file and the fix, not the OS's, NumPy's or FAISS's (C++) wording."""
    try:
        yield
    except FileNotFoundError as exc:
        raise Damaged(f"缺少文件 {name}") from exc
    except OSError as exc:
        raise Damaged(f"无法读取 {name}") from exc
    except UnicodeDecodeError as exc:
        raise Damaged(f"{name} 不是 UTF-8 文本") from exc
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, EOFError, RuntimeError) as exc:
        raise Damaged(f"{name} 内容不完整或格式不对") from exc


# What every manifest, docs.jsonl line and chunks.jsonl line must hold (the rest is optional):
# checked on reading, so a damaged file is reported as such and not as a KeyError at some later use.
MANIFEST_FIELDS: dict[str, type] = {
    "embed_model": str, "dim": int, "chunk_size": int, "chunk_overlap": int, "next_id": int, "data": str,
    "files": dict,
}
DOC_FIELDS: dict[str, type] = {"doc_id": str, "text": str}
CHUNK_FIELDS: dict[str, type] = {"chunk_id": str, "doc_id": str, "text": str, "start": int, "end": int, "id": int}


def check_fields(row: dict, fields: dict[str, type], where: str) -> None:
    bad = [k for k, t in fields.items() if not isinstance(row.get(k), t) or (t is int and row[k] < 0)]
    if bad:
        raise Damaged(f"{where}缺少字段或其值不对：{'、'.join(bad)}")


def read_rows(path: Path, fields: dict[str, type], make: Callable[[dict], T]) -> list[T]:
    """``make(row)`` for each non-blank line of a JSONL file; a bad line is reported by number."""
    out: list[T] = []
    with reading(path.name), path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                out.append(_parse_row(line, fields, make, f"{path.name} 第 {n} 行"))
    return out


def _parse_row(line: str, fields: dict[str, type], make: Callable[[dict], T], where: str) -> T:
    try:
        row = json.loads(line)
    except ValueError:
        raise Damaged(f"{where}不是有效的 JSON") from None
    if not isinstance(row, dict):
        raise Damaged(f"{where}不是 JSON 对象")
    check_fields(row, fields, where)
    try:
        return make(row)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # unknown fields, a bad meta entry
        raise Damaged(f"{where}格式不对") from exc


# The BM25 term-frequency matrix as CSR arrays, and the kind of number each holds.
_BM25_ARRAYS = {"bm25_data.npy": np.floating, "bm25_indices.npy": np.integer, "bm25_indptr.npy": np.integer}


def read_bm25(data: Path) -> BM25:
    """``BM25.load`` after checking its files: scipy trusts the arrays, and a term number beyond
    the vocabulary kills the whole process (a segmentation fault, no exception to catch)."""
    with reading("bm25_vocab.json"):
        meta = json.loads((data / "bm25_vocab.json").read_text(encoding="utf-8"))
    if not (isinstance(meta, dict) and isinstance(meta.get("vocab"), dict)):
        raise Damaged("bm25_vocab.json 缺少词表")
    arrays = []
    for name, kind in _BM25_ARRAYS.items():
        with reading(name):  # memory-mapped: checked without a second copy in memory
            a = np.load(data / name, mmap_mode="r", allow_pickle=False)
        if a.ndim != 1 or not np.issubdtype(a.dtype, kind):
            raise Damaged(f"{name} 的形状或类型不对")
        arrays.append(a)
    values, terms, starts = arrays
    if len(values) != len(terms) or not len(starts) or starts[0] != 0 or starts[-1] != len(terms):
        raise Damaged("bm25_data.npy、bm25_indices.npy 与 bm25_indptr.npy 长度不符")
    if np.any(np.diff(starts) < 0):
        raise Damaged("bm25_indptr.npy 的行起点没有依次递增")
    if terms.size and (terms.min() < 0 or terms.max() >= len(meta["vocab"])):
        raise Damaged("bm25_indices.npy 的词编号超出 bm25_vocab.json 的词表")
    with reading("bm25_vocab.json"):  # the arrays are sound: what can still fail is k1 or b
        # built from what was read and checked, not read and parsed a second time
        return BM25.from_saved(meta, *(np.array(a) for a in arrays))


def read_dense(path: Path, dim: int) -> faiss.Index:
    if not path.is_file():  # else FAISS's "could not open … for reading" C++ message
        raise Damaged(f"缺少文件 {path.name}")
    with reading(path.name):
        dense = faiss.read_index(str(path))
    if not isinstance(dense, faiss.IndexIDMap2):
        raise Damaged(f"{path.name} 不是带块编号的 FAISS 索引")
    if dense.d != dim:
        raise Damaged(f"{path.name} 的向量是 {dense.d} 维，manifest.json 记的是 {dim} 维")
    return dense
