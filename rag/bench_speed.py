"""``bench speed``: ingest rate, warm ``ask`` latency, disk size and memory at ~1k/10k/100k chunks.

Indexes are synthesised from real sentences (CMRC2018 passages, else corpus/) drawn at random;
each size runs in a fresh process (``speed_level``) so its peak memory is its own.  Above
``--real-up-to`` chunks the vectors are random unit vectors and USE time is extrapolated from a
256-chunk sample (FAISS costs the same).  From 5k chunks ``faiss_compare`` also measures exact
against HNSW search.  docs/quality.md says exactly what is measured and what is extrapolated.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

from rag.cmrc import CMRC_DIR
from rag.config import ROOT, Settings
from rag.documents import Document, Field
from rag.evaluation import percentile


def synth_docs(n_chunks: int, pool: list[str], chunk_size: int, seed: int = 0) -> list[Document]:
    """Documents of sentences drawn at random from ``pool``, about ``n_chunks`` chunks in all."""
    rng = random.Random(seed)
    docs, total = [], 0
    target = int(n_chunks * chunk_size * 0.76)  # chunks hold ~76% of chunk_size characters (measured)
    i = 0
    while total < target:
        parts, size = [], 0
        while size < 3 * chunk_size:
            s = rng.choice(pool)
            parts.append(s)
            size += len(s)
        text = "".join(parts)
        docs.append(Document(doc_id=f"synth/{i}.txt", text=text, meta={"title": Field(f"合成文档{i}", 0, 0)}))
        total += len(text)
        i += 1
    return docs


def sentence_pool(folder: Path = CMRC_DIR) -> tuple[list[str], str]:
    from rag.chunking import split_sentences

    texts: list[str] = []
    source = "CMRC2018 dev+trial passages"
    for split in ("dev", "trial"):
        p = folder / f"cmrc2018_{split}.json"
        if p.exists():
            texts += [x["context_text"] for x in json.loads(p.read_text(encoding="utf-8"))]
    if not texts:
        texts = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "corpus").glob("*.txt"))]
        source = "corpus/"
    pool = [t[s:e] for t in texts for s, e in split_sentences(t) if 8 <= e - s <= 300]
    return pool, source


def speed_level(n_chunks: int, settings_dict: dict, real_vectors: bool, questions: list[str]) -> dict:
    """One size, run in a fresh process so its peak memory is its own."""
    import resource
    import tempfile

    import numpy as np

    from rag.chain import make_answerer, make_searcher
    from rag.chunking import chunk_document
    from rag.embedding import UseEncoder
    from rag.glossary import load_glossary
    from rag.index import Index
    from rag.ingest import embed_chunks
    from rag.reranking import make_reranker

    s = Settings(**settings_dict)
    pool, source = sentence_pool()
    docs = synth_docs(n_chunks, pool, s.chunk_size)
    encoder = UseEncoder()
    encoder.encode(["预热"])
    t0 = time.perf_counter()
    chunks = [c for d in docs for c in chunk_document(d, s.chunk_size, s.chunk_overlap)]
    t_chunk = time.perf_counter() - t0
    if real_vectors:
        t = time.perf_counter()
        vectors = embed_chunks(chunks, encoder)
        t_embed = time.perf_counter() - t
    else:  # random unit vectors: FAISS costs the same; USE throughput is measured on a sample
        sample = chunks[:256]
        t = time.perf_counter()
        embed_chunks(sample, encoder)
        t_embed = (time.perf_counter() - t) * len(chunks) / len(sample)
        rng = np.random.default_rng(0)
        vectors = rng.standard_normal((len(chunks), encoder.dim), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    t = time.perf_counter()
    index = Index(embed_model=encoder.name, dim=encoder.dim, chunk_size=s.chunk_size, chunk_overlap=s.chunk_overlap)
    index.add(docs, chunks, vectors)
    t_index = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp))
        disk = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
    glossary = load_glossary(s.glossary_file)
    searcher = make_searcher(index, encoder, s, glossary)
    answerer = make_answerer(index, encoder, s, glossary, make_reranker(s))
    for q in questions[:5]:
        answerer.answer(q, searcher.search(q, s.top_k))
    secs = []
    for q in questions:
        t = time.perf_counter()
        answerer.answer(q, searcher.search(q, s.top_k))
        secs.append(time.perf_counter() - t)
    secs.sort()
    n = len(chunks)
    faiss_rows = faiss_compare(vectors, n_queries=200) if n >= 5000 else {}
    return {
        **faiss_rows,
        "chunks": n,
        "docs": len(docs),
        "source": source,
        "vectors": "real USE" if real_vectors else "random unit vectors (USE time extrapolated)",
        "chunk_per_s": round(n / max(t_chunk, 1e-9)),
        "index_per_s": round(n / max(t_index, 1e-9)),
        "embed_per_s": round(n / max(t_embed, 1e-9), 1),
        "ingest_per_s": round(n / (t_chunk + t_embed + t_index), 1),
        "ask_p50_ms": round(1000 * statistics.median(secs), 1),
        "ask_p95_ms": round(1000 * percentile(secs, 95), 1),
        "disk_mb": round(disk / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def faiss_compare(vectors, n_queries: int = 200, k: int = 10) -> dict:
    """Exact IndexFlatIP against HNSW (M=32, efSearch=64) on the same vectors: query time and the
    HNSW recall@10 against exact search.  Queries are stored vectors plus noise, so each has true
    near neighbours (random vectors are a hard case for HNSW: the loss is an upper bound)."""
    import faiss
    import numpy as np

    rng = np.random.default_rng(1)
    source = rng.choice(len(vectors), n_queries, replace=False)
    q = vectors[source] + 0.05 * rng.standard_normal(
        (n_queries, vectors.shape[1]), dtype=np.float32
    )
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(vectors)
    build = time.perf_counter() - t
    hnsw.hnsw.efSearch = 64
    out = {}
    results = {}
    for name, idx in (("flat", flat), ("hnsw", hnsw)):
        secs = []
        ids = []
        for row in q:
            t = time.perf_counter()
            ids.append(idx.search(row[None, :], k)[1][0])
            secs.append(time.perf_counter() - t)
        secs.sort()
        results[name] = ids
        out[f"{name}_p50_ms"] = round(1000 * statistics.median(secs), 2)
        out[f"{name}_p95_ms"] = round(1000 * percentile(secs, 95), 2)
    overlap = [len(set(a) & set(b)) / k for a, b in zip(results["flat"], results["hnsw"], strict=True)]
    out["hnsw_recall@10"] = round(statistics.fmean(overlap), 4)
    # The vector a query was made from is its one true neighbour; the other nine of random
    # vectors are near-ties, so recall@10 against exact search understates HNSW on real data.
    out["hnsw_finds_source"] = round(statistics.fmean(int(s in ids) for s, ids in zip(source, results["hnsw"], strict=True)), 4)
    out["flat_finds_source"] = round(statistics.fmean(int(s in ids) for s, ids in zip(source, results["flat"], strict=True)), 4)
    out["hnsw_build_s"] = round(build, 1)
    return out


def run_speed(sizes: list[int], settings: Settings, real_up_to: int, n_questions: int = 200) -> list[dict]:
    import dataclasses
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    questions = _speed_questions(n_questions)
    sd = {k: v for k, v in dataclasses.asdict(settings).items()}
    ctx = mp.get_context("spawn")
    out = []
    for n in sizes:
        # a fresh process per size (its own peak RSS); not a Pool, whose daemonic workers could
        # not start the embedding workers (rag/workers.py)
        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
            out.append(pool.submit(speed_level, n, sd, n <= real_up_to, questions).result())
    return out


def _speed_questions(n: int) -> list[str]:
    qs: list[str] = []
    for split in ("trial", "dev"):
        p = CMRC_DIR / f"cmrc2018_{split}.json"
        if p.exists():
            qs += [qa["query_text"] for x in json.loads(p.read_text(encoding="utf-8")) for qa in x["qas"]]
    if not qs:
        qs = [json.loads(line)["q"] for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return qs[:: max(1, len(qs) // n)][:n]


def speed_markdown(rows: list[dict]) -> str:
    lines = [
        "| chunks | vectors | chunking/s | embed/s | index add/s | ingest/s | ask p50 ms | ask p95 ms | disk MB | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['chunks']} | {r['vectors']} | {r['chunk_per_s']} | {r['embed_per_s']} | {r['index_per_s']}"
            f" | {r['ingest_per_s']} | {r['ask_p50_ms']} | {r['ask_p95_ms']} | {r['disk_mb']} | {r['peak_rss_mb']} |"
        )
    faiss_rows = [r for r in rows if "flat_p50_ms" in r]
    if faiss_rows:
        lines += ["", "| chunks | FlatIP p50/p95 ms | HNSW p50/p95 ms | HNSW recall@10 vs exact"
                  " | source found flat/HNSW | HNSW build s |", "|---|---|---|---|---|---|"]
        for r in faiss_rows:
            lines.append(
                f"| {r['chunks']} | {r['flat_p50_ms']}/{r['flat_p95_ms']} | {r['hnsw_p50_ms']}/{r['hnsw_p95_ms']}"
                f" | {r['hnsw_recall@10']} | {r['flat_finds_source']}/{r['hnsw_finds_source']} | {r['hnsw_build_s']} |"
            )
    return "\n".join(lines)
