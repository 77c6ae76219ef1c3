"""``python -m rag bench cmrc|speed``: CMRC2018 against two baselines, and latency at scale.

``bench cmrc`` indexes every passage of a CMRC2018 split (rag/cmrc.py; data:
../shared/benchmarks/cmrc2018/, CC BY-SA 4.0, never copied into the repo) and scores, in one
run on one machine:

* ``ours`` – this project's chunking, hybrid retrieval and extractive answerer (``build_ours``);
* ``bm25-jieba`` and ``chatchat`` – plain BM25 and a Langchain-Chatchat-style default
  (rag/baselines.py).

Retrieval is scored per passage (a chunk counts for its passage); an answer hits when
its first 120 characters (citation markers removed) contain a gold answer.

``bench speed`` (rag/bench_speed.py) synthesises ~1k/10k/100k-chunk indexes and measures ingest
rate, warm ``ask`` latency, disk size, peak memory and exact-vs-HNSW FAISS search;
docs/quality.md says exactly what is measured and what is extrapolated.

This module registers the sub-command (rag/cli.py imports it) and holds the CMRC harness.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from rag.baselines import Pipeline, build_bm25_jieba, build_chatchat
from rag.bench_speed import faiss_compare, run_speed, speed_markdown, synth_docs
from rag.cli import EXTRA_PARSERS, command
from rag.cmrc import CMRC_DIR, cmrc_file, load_cmrc
from rag.config import Settings
from rag.documents import Document
from rag.evaluation import SCORE_CHARS, answer_body, hit_any, percentile


class CachedEncoder:
    """The same encoder, remembering vectors: two pipelines embed the same queries once."""

    def __init__(self, encoder) -> None:
        self.inner, self.name, self.dim = encoder, encoder.name, encoder.dim
        self._cache: dict[tuple[str, bool], object] = {}

    def encode(self, texts: list[str], *, query: bool = False):
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if (t, query) not in self._cache]
        if todo:
            for t, v in zip(todo, self.inner.encode(todo, query=query), strict=True):
                self._cache[(t, query)] = v
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._cache[(t, query)] for t in texts])


# -- pipelines: each maps a question to (ranked passage ids, answer text) -------------
def build_ours(docs: list[Document], encoder, settings: Settings) -> Pipeline:
    """This project's chunking, hybrid search and extractive answerer over ``docs``, in memory."""
    from rag.chain import make_answerer, make_searcher
    from rag.chunking import chunk_document
    from rag.glossary import load_glossary
    from rag.index import Index
    from rag.ingest import embed_chunks
    from rag.reranking import make_reranker

    name, dim = (encoder.name, encoder.dim) if encoder else ("none", 0)
    index = Index(embed_model=name, dim=dim, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
    chunks = [c for d in docs for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]
    # Chunks are embedded once, by the encoder itself (in worker processes: rag/workers.py);
    # the benchmark's cache is for the questions both pipelines encode.
    vectors = embed_chunks(chunks, getattr(encoder, "inner", encoder), workers=settings.embed_workers) if encoder else None
    index.add(docs, chunks, vectors)
    glossary = load_glossary(settings.glossary_file)
    searcher = make_searcher(index, encoder, settings, glossary)
    answerer = make_answerer(index, encoder, settings, glossary, make_reranker(settings))

    def run(q: str) -> tuple[list[str], str]:
        hits = searcher.search(q, max(10, settings.top_k))
        answer = answerer.answer(q, hits[: settings.top_k])
        return [h.chunk.doc_id for h in hits], ("" if answer.refused else answer.text)

    run.index = index  # type: ignore[attr-defined]  # for tuning scripts
    return run


def score(pipeline: Pipeline, questions: list[dict]) -> dict:
    """Recall@1/@5 and MRR@10 of the gold passage, answer hit in the first 120 characters, latency."""
    r1 = r5 = mrr = hit = 0.0
    secs = []
    for row in questions:
        t = time.perf_counter()
        ranked, text = pipeline(row["q"])
        secs.append(time.perf_counter() - t)
        first = ranked[:10].index(row["doc"]) + 1 if row["doc"] in ranked[:10] else None
        r1 += first == 1
        r5 += first is not None and first <= 5
        mrr += 1.0 / first if first else 0.0
        hit += bool(text) and hit_any(answer_body(text)[:SCORE_CHARS], row["answers"])
    n = max(len(questions), 1)
    secs.sort()
    return {
        "recall@1": round(r1 / n, 4),
        "recall@5": round(r5 / n, 4),
        "mrr@10": round(mrr / n, 4),
        "answer_hit@120": round(hit / n, 4),
        "ms_p50": round(1000 * statistics.median(secs), 1) if secs else None,
        "ms_p95": round(1000 * percentile(secs, 95), 1) if secs else None,
    }


def run_cmrc(path: Path, settings: Settings, limit: int | None, methods: list[str]) -> dict:
    from rag.embedding import make_encoder

    docs, questions = load_cmrc(path, limit)
    base = make_encoder(settings)
    encoder = CachedEncoder(base) if base is not None else None
    if base is not None:
        base.encode(["预热"])  # load the weights before timing: the first method would pay for it
    results: dict = {"split": path.name, "passages": len(docs), "questions": len(questions), "methods": {}}
    builders = {
        "ours": lambda: build_ours(docs, encoder, settings),
        "bm25-jieba": lambda: build_bm25_jieba(docs),
        "chatchat": lambda: build_chatchat(docs, encoder),
    }
    for name in methods:
        if name not in builders:
            raise ValueError(f"未知的方法 {name}；可选：{', '.join(builders)}")
        if name == "chatchat" and encoder is None:
            results["methods"][name] = {"skipped": "需要向量模型（--embed-model 不能为 none）"}
            continue
        t = time.perf_counter()
        pipeline = builders[name]()
        build_s = time.perf_counter() - t
        results["methods"][name] = {**score(pipeline, questions), "build_s": round(build_s, 1)}
    return results


def cmrc_markdown(res: dict) -> str:
    lines = [
        f"CMRC2018 {res['split']}: {res['passages']} passages, {res['questions']} questions",
        "",
        "| method | Recall@1 | Recall@5 | MRR@10 | answer hit@120 | ask p50 ms | ask p95 ms | build s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in res["methods"].items():
        if "skipped" in m:
            lines.append(f"| {name} | {m['skipped']} | | | | | | |")
            continue
        lines.append(
            f"| {name} | {m['recall@1']} | {m['recall@5']} | {m['mrr@10']} | {m['answer_hit@120']}"
            f" | {m['ms_p50']} | {m['ms_p95']} | {m['build_s']} |"
        )
    return "\n".join(lines)


@command("bench")
def cmd_bench(args, settings: Settings) -> int:
    if args.what == "cmrc":
        try:
            path = cmrc_file(args.split, Path(args.data) if args.data else CMRC_DIR)
        except FileNotFoundError as exc:
            print(exc)
            return 2
        methods = args.methods.split(",")
        res = run_cmrc(path, settings, args.limit, methods)
        print(cmrc_markdown(res))
    else:
        sizes = [int(x) for x in args.sizes.split(",")]
        res = {"levels": run_speed(sizes, settings, args.real_up_to)}
        print(speed_markdown(res["levels"]))
    if args.out:
        Path(args.out).write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _add_parser(subparsers, common) -> None:
    sp = subparsers.add_parser("bench", help="CMRC2018 benchmark against baselines, or speed at scale")
    sp.add_argument("what", choices=["cmrc", "speed"])
    sp.add_argument("--split", default="dev", choices=["dev", "trial"])
    sp.add_argument("--data", help=f"folder with cmrc2018_*.json (default {CMRC_DIR})")
    sp.add_argument("--limit", type=int, help="score an evenly spread sample of N questions")
    sp.add_argument("--methods", default="ours,bm25-jieba,chatchat")
    sp.add_argument("--sizes", default="1000,10000,100000")
    sp.add_argument("--real-up-to", dest="real_up_to", type=int, default=1000,
                    help="sizes up to this use real USE vectors; larger ones random vectors")
    sp.add_argument("--out", help="write the figures as JSON")
    common(sp)


EXTRA_PARSERS.append(_add_parser)

# Importable from here as before the split (tuning scripts, tests).
__all__ = [
    "CMRC_DIR", "CachedEncoder", "Pipeline", "build_bm25_jieba", "build_chatchat", "build_ours",
    "cmrc_file", "cmrc_markdown", "faiss_compare", "load_cmrc", "run_cmrc", "run_speed", "score",
    "speed_markdown", "synth_docs",
]
