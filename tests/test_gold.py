"""Sanity checks for the hand-written gold set ``eval/gold.jsonl``.

Fast, no network: it only reads the gold file and the corpus text and checks
that every answerable question's gold strings really occur in its gold
document(s) (after dropping whitespace and table pipes ``|``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold.jsonl"
CORPUS = ROOT / "corpus"

MIN_TOTAL = 60
MIN_PER_TYPE = {
    "metadata": 12,
    "figure": 14,
    "reply": 8,
    "paraphrase": 10,
    "fact": 8,
    "multi": 4,
    "unanswerable": 10,
}
TYPES = set(MIN_PER_TYPE)

_STRIP = re.compile(r"[\s|]+")


def _norm(s: str) -> str:
    return _STRIP.sub("", s)


def _load() -> list[dict]:
    rows = []
    with GOLD.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:  # pragma: no cover - reported by the test
                pytest.fail(f"eval/gold.jsonl line {n} is not valid JSON: {e}")
    return rows


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    assert GOLD.is_file(), f"missing {GOLD}"
    return _load()


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    docs = {p.name: p.read_text(encoding="utf-8") for p in CORPUS.iterdir() if p.is_file()}
    assert docs, "corpus/ is empty"
    return docs


def _doc_ids(row: dict) -> list[str]:
    doc = row["doc"]
    if doc is None:
        return []
    return [doc] if isinstance(doc, str) else list(doc)


def test_enough_questions(gold):
    assert len(gold) >= MIN_TOTAL, f"only {len(gold)} questions"


def test_fields_and_types(gold):
    for i, row in enumerate(gold, 1):
        where = f"line {i}: {row.get('q')!r}"
        assert set(row) >= {"q", "answers", "doc", "type"}, where
        assert isinstance(row["q"], str) and row["q"].strip(), where
        assert isinstance(row["answers"], list), where
        assert all(isinstance(a, str) and a.strip() for a in row["answers"]), where
        assert row["type"] in TYPES, where
        doc = row["doc"]
        if row["type"] == "multi":
            assert isinstance(doc, list) and len(doc) == 2, where
            assert all(isinstance(d, str) for d in doc) and doc[0] != doc[1], where
        elif row["type"] == "unanswerable":
            assert doc is None, where
        else:
            assert isinstance(doc, str), where
        if row["type"] == "unanswerable":
            assert row["answers"] == [], where
        else:
            assert row["answers"], where


def test_unanswerable(gold):
    unans = [r for r in gold if r["doc"] is None]
    assert len(unans) >= 8
    for r in unans:
        assert r["answers"] == [], r["q"]
        assert r["type"] == "unanswerable", r["q"]


def test_doc_ids_exist(gold, corpus):
    for r in gold:
        for d in _doc_ids(r):
            assert d in corpus, f"{r['q']!r}: unknown doc_id {d!r}"


def test_gold_strings_occur_in_gold_docs(gold, corpus):
    normed = {name: _norm(text) for name, text in corpus.items()}
    missing = []
    for r in gold:
        docs = _doc_ids(r)
        for a in r["answers"]:
            na = _norm(a)
            if not na or not any(na in normed[d] for d in docs if d in normed):
                missing.append((r["q"], a))
    assert not missing, f"gold strings not found in their docs: {missing}"


def test_multi_answers_cover_both_docs(gold, corpus):
    normed = {name: _norm(text) for name, text in corpus.items()}
    for r in gold:
        if r["type"] != "multi":
            continue
        for d in _doc_ids(r):
            assert any(_norm(a) in normed[d] for a in r["answers"]), (
                f"{r['q']!r}: no gold string from {d}"
            )


def test_no_duplicate_questions(gold):
    dup = [q for q, n in Counter(_norm(r["q"]) for r in gold).items() if n > 1]
    assert not dup, f"duplicate questions: {dup}"


def test_type_minimums(gold):
    counts = Counter(r["type"] for r in gold)
    for t, n in MIN_PER_TYPE.items():
        assert counts[t] >= n, f"type {t}: {counts[t]} < {n}"


# -- held-out sets: written by helpers who never saw the code (eval/README.md) -------------
HELDOUT = sorted((ROOT / "eval").glob("heldout*.jsonl"))


@pytest.mark.parametrize("path", HELDOUT, ids=lambda p: p.name)
def test_heldout_sets_are_well_formed_and_their_strings_occur(path: Path, corpus):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 40
    normed = {name: _norm(text) for name, text in corpus.items()}
    for r in rows:
        assert set(r) == {"q", "answers", "doc", "type"}, r
        assert r["type"] in ("paraphrase", "fact", "unanswerable"), r
        if r["doc"] is None:
            assert r["type"] == "unanswerable" and r["answers"] == [], r
        else:
            assert r["doc"] in corpus and r["answers"], r
            assert all(_norm(a) in normed[r["doc"]] for a in r["answers"]), r


def test_no_question_is_in_two_sets(gold):
    seen = Counter(_norm(r["q"]) for r in gold)
    for path in HELDOUT:
        seen.update(_norm(json.loads(line)["q"]) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert not [q for q, n in seen.items() if n > 1]
