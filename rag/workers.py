"""Embedding many texts in worker processes, one per core.

Why: the packaged USE encoder is a numpy forward pass whose matrices are small (a few hundred
tokens a batch), so two BLAS threads in one process keep two cores only partly busy.  Measured
on this 2-core machine, 800 CMRC chunks: 4.9 s in one process with 2 BLAS threads, 3.2 s in two
forked processes with one thread each (docs/quality.md has the index-build figures).

Only encoders that say so (``fork_safe = True``: pure numpy, no thread pools of their own) are
split, only on platforms with ``fork`` (the weights are shared with the children, nothing is
loaded twice), only when the process runs no other thread (forking a threaded server can
deadlock a child on a lock some thread held), and only for batches big enough to pay for it.
Otherwise the texts are encoded in this process, in order.  Either way the rows come back in
the order of the texts, so the result does not depend on how it was computed::

    >>> class Lengths:  # a stand-in encoder: one dimension, the text's length
    ...     name, dim, fork_safe = "len", 1, True
    ...     def encode(self, texts, *, query=False):
    ...         return np.array([[len(t)] for t in texts], dtype=np.float32)
    >>> encode_many(Lengths(), ["a", "bb", "ccc"] * 200, workers=2)[:4, 0].tolist()
    [1.0, 2.0, 3.0, 1.0]
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable

import numpy as np

from rag.embedding import Encoder

MIN_TEXTS = 256  # below this, one process is as fast (measured: fork + collect ~30 ms)
_TASK = 128  # texts per task: small enough for a smooth progress bar and even load

# The encoder the forked children use: set just before the pool forks, so they inherit it.
_ENCODER: Encoder | None = None


def _encode_task(texts: list[str]) -> np.ndarray:
    assert _ENCODER is not None
    return _ENCODER.encode(texts)


def _init_child() -> None:
    # One BLAS thread per child: the children together use the cores.
    set_threads = getattr(_ENCODER, "set_threads", None)
    if set_threads is not None:
        set_threads(1)


def can_fork(encoder: Encoder, n_texts: int, workers: int) -> bool:
    """Whether ``encode_many`` would use worker processes for this call."""
    return (
        workers > 1
        and n_texts >= MIN_TEXTS
        and getattr(encoder, "fork_safe", False)
        and "fork" in mp.get_all_start_methods()
        and threading.active_count() == 1
        and not mp.current_process().daemon  # a Pool's worker may not start processes
    )


def resolve_workers(workers: int) -> int:
    """0 means one worker per core."""
    return workers if workers > 0 else (os.cpu_count() or 1)


def encode_many(
    encoder: Encoder,
    texts: list[str],
    workers: int = 0,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Rows of ``encoder.encode(texts)``, computed in ``workers`` processes when worth it.

    ``progress(n)`` is called with the number of texts just finished.
    """
    global _ENCODER
    workers = resolve_workers(workers)
    tasks = [texts[i : i + _TASK] for i in range(0, len(texts), _TASK)]
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    if not can_fork(encoder, len(texts), workers):
        return np.vstack([_report(encoder.encode(t), progress) for t in tasks])
    _ENCODER = encoder
    try:
        with mp.get_context("fork").Pool(min(workers, len(tasks)), initializer=_init_child) as pool:
            rows = [_report(r, progress) for r in pool.imap(_encode_task, tasks)]
    finally:
        _ENCODER = None
    return np.vstack(rows)


def _report(rows: np.ndarray, progress: Callable[[int], None] | None) -> np.ndarray:
    if progress is not None:
        progress(len(rows))
    return rows
