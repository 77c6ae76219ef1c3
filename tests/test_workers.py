"""rag/workers.py: big batches are embedded in forked processes, with the same rows as in one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import numpy as np

from rag.config import ROOT
from rag.workers import MIN_TEXTS, can_fork, encode_many


class PidEncoder:
    """Stand-in encoder: row = (process id, text length), so a test sees who computed each row."""

    name, dim, fork_safe = "pid", 2, True

    def __init__(self) -> None:
        self.threads = 2

    def set_threads(self, n: int) -> None:
        self.threads = n

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        return np.array([[os.getpid() * 10 + self.threads, len(t)] for t in texts], dtype=np.float64)


TEXTS = [f"第{i}段" + "字" * (i % 7) for i in range(MIN_TEXTS + 50)]


def _in_fresh_process(code: str) -> dict:
    """Run ``code`` in a new interpreter (no pytest threads around) and read the JSON it prints."""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_rows_keep_text_order_and_come_from_single_threaded_children():
    code = f"""
import json, os, sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from test_workers import PidEncoder, TEXTS
from rag.workers import encode_many
rows = encode_many(PidEncoder(), TEXTS, workers=2)
print(json.dumps({{"parent": os.getpid(), "ids": rows[:, 0].tolist(), "lens": rows[:, 1].tolist()}}))
"""
    res = _in_fresh_process(code)
    assert res["lens"] == [len(t) for t in TEXTS]  # every row, in the order of the texts
    pids = {int(x) // 10 for x in res["ids"]}
    # children did the work (how the pool hands the tasks out between its two is its own affair)...
    assert res["parent"] not in pids and 1 <= len(pids) <= 2
    assert {int(x) % 10 for x in res["ids"]} == {1}  # ...with one BLAS thread each


def test_one_process_when_small_single_worker_or_threaded():
    enc = PidEncoder()
    assert not can_fork(enc, MIN_TEXTS - 1, 2)
    assert not can_fork(enc, MIN_TEXTS, 1)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:  # a server thread is running: forking could deadlock a child, so it is not done
        assert not can_fork(enc, len(TEXTS), 2)
        rows = encode_many(enc, TEXTS, workers=2)
    finally:
        stop.set()
        t.join()
    assert set(rows[:, 0] // 10) == {os.getpid()}
    assert rows[:, 1].tolist() == [len(x) for x in TEXTS]


def test_encoders_that_do_not_opt_in_are_never_forked(counting_encoder):
    assert not can_fork(counting_encoder, 10_000, 2)
    rows = encode_many(counting_encoder, TEXTS, workers=2)
    assert np.allclose(rows, counting_encoder.encode(TEXTS))


def test_use_vectors_are_the_same_in_workers_as_in_one_process():
    code = """
import json
import numpy as np
from rag.embedding import UseEncoder
from rag.workers import encode_many
texts = [f"苏州第{i}个智能工厂推进新型工业化" + "产业" * (i % 5) for i in range(300)]
enc = UseEncoder()
one = enc.encode(texts)
many = encode_many(enc, texts, workers=2)
print(json.dumps({"max_diff": float(np.abs(one - many).max()), "shape": list(many.shape)}))
"""
    res = _in_fresh_process(code)
    assert res["shape"] == [300, 512]
    assert res["max_diff"] < 1e-5
