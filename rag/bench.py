"""``python -m rag bench cmrc|speed``: CMRC2018 against two baselines, and latency at scale.

``bench cmrc`` indexes every passage of a CMRC2018 split (data: ../shared/benchmarks/cmrc2018/,
CC BY-SA 4.0, never copied into the repo) and scores, in one run on one machine:

* ``ours`` – this project's chunking, hybrid retrieval and extractive answerer;
* ``bm25-jieba`` – plain BM25 (rank_bm25) over jieba words of whole passages, answer = the
  sentence of the top passages with the largest IDF-weighted word overlap with the question;
* ``chatchat`` – a Langchain-Chatchat-style default: RecursiveCharacterTextSplitter 250/50
  with Chinese separators, the same encoder in a LangChain FAISS store, EnsembleRetriever of
  BM25Retriever (jieba) and FAISS at 0.5/0.5, answer = best-overlap sentence of the top chunk.

Retrieval is scored per passage (a chunk counts for its passage); an answer hits when
its first 120 characters (citation markers removed) contain a gold answer.

``bench speed`` synthesises ~1k/10k/100k-chunk indexes and measures ingest rate, warm ``ask``
latency, disk size, peak memory and exact-vs-HNSW FAISS search (``speed_level``, ``faiss_compare``);
docs/quality.md says exactly what is measured and what is extrapolated.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rag.cli import EXTRA_PARSERS, command
from rag.config import ROOT, Settings
from rag.documents import Document, Field
from rag.evaluation import SCORE_CHARS, answer_body, hit_any, percentile

CMRC_DIR = ROOT.parent / "shared" / "benchmarks" / "cmrc2018"
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]  # Chatchat's Chinese splitter, simplified


def cmrc_file(split: str, folder: Path = CMRC_DIR) -> Path:
    path = Path(folder) / f"cmrc2018_{split}.json"
    if not path.exists():
        raise FileNotFoundError(
            f"找不到 CMRC2018 数据 {path}。请把 cmrc2018_{split}.json（CC BY-SA 4.0，"
            f"github.com/ymcui/cmrc2018）放到 {Path(folder).resolve()}/ 下，或用 --data 指定目录。"
        )
    return path


def load_cmrc(path: Path, limit: int | None = None) -> tuple[list[Document], list[dict]]:
    """Passages as Documents (title kept as metadata) and questions ``{q, answers, doc}``.

    ``limit`` keeps an evenly spread sample of questions; every passage stays indexed.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    docs, questions = [], []
    for p in data:
        doc = Document(doc_id=str(p["context_id"]), text=p["context_text"])
        doc.meta["title"] = Field(p.get("title", ""), 0, 0)  # not in the text: no span to cite
        docs.append(doc)
        for qa in p["qas"]:
            questions.append({"q": qa["query_text"], "answers": _answer_strings(qa["answers"]), "doc": doc.doc_id})
    if limit and limit < len(questions):
        step = len(questions) / limit
        questions = [questions[int(i * step)] for i in range(limit)]
    return docs, questions


def _answer_strings(answers: list) -> list[str]:
    """The string answers; dev also lists spreadsheet leftovers (39764.0 for a date, 4.9 for
    "4.9"), used only when a question has no string answer at all.

    >>> _answer_strings(["147位", 147.0]), _answer_strings([4.9])
    (['147位'], ['4.9'])
    """
    strings = [a for a in answers if isinstance(a, str) and a.strip()]
    if strings:
        return strings
    return [str(int(a)) if isinstance(a, float) and a.is_integer() else str(a) for a in answers]


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
Pipeline = Callable[[str], tuple[list[str], str]]


def build_ours(docs: list[Document], encoder, settings: Settings) -> Pipeline:
    from rag.answering import ExtractiveAnswerer
    from rag.chunking import chunk_document
    from rag.index import Index
    from rag.ingest import embed_chunks
    from rag.retrieval import HybridSearcher

    name, dim = (encoder.name, encoder.dim) if encoder else ("none", 0)
    index = Index(embed_model=name, dim=dim, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
    chunks = [c for d in docs for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]
    index.add(docs, chunks, embed_chunks(chunks, encoder) if encoder else None)
    searcher = HybridSearcher(index, encoder, settings.dense_weight, settings.candidates, settings.rrf_k)
    answerer = ExtractiveAnswerer(index)

    def run(q: str) -> tuple[list[str], str]:
        hits = searcher.search(q, max(10, settings.top_k))
        answer = answerer.answer(q, hits[: settings.top_k])
        return [h.chunk.doc_id for h in hits], ("" if answer.refused else answer.text)

    run.index = index  # type: ignore[attr-defined]  # for tuning scripts
    return run


def _idf_table(texts: list[list[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for toks in texts:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    n = len(texts)
    return {t: math.log1p((n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def best_overlap_sentence(question: str, texts: list[str], idf: dict[str, float]) -> str:
    """The sentence (of ``texts``, in order of preference) sharing most IDF weight with the question."""
    from rag.chunking import split_sentences
    from rag.lexical import words

    qw = set(words(question))
    best, best_score = "", -1.0
    for rank, text in enumerate(texts):
        for s, e in split_sentences(text):
            sent = text[s:e]
            score = sum(idf.get(w, 0.0) for w in qw if w in sent) - 1e-3 * rank
            if score > best_score:
                best, best_score = sent, score
    return best


def build_bm25_jieba(docs: list[Document]) -> Pipeline:
    from rank_bm25 import BM25Okapi

    from rag.lexical import words

    toks = [words(d.text) for d in docs]
    bm = BM25Okapi(toks)
    idf = _idf_table(toks)
    ids = [d.doc_id for d in docs]

    def run(q: str) -> tuple[list[str], str]:
        scores = bm.get_scores(words(q))
        order = sorted(range(len(ids)), key=lambda i: -scores[i])[:10]
        return [ids[i] for i in order], best_overlap_sentence(q, [docs[i].text for i in order[:3]], idf)

    return run


def build_chatchat(docs: list[Document], encoder) -> Pipeline:
    import jieba
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.embedding import LangChainEmbeddings
    from rag.lexical import words

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=250, chunk_overlap=50, separators=SEPARATORS, keep_separator="end"
    )
    lc_docs = splitter.split_documents(
        [LCDocument(page_content=d.text, metadata={"doc_id": d.doc_id}) for d in docs]
    )
    store = FAISS.from_documents(lc_docs, LangChainEmbeddings(encoder))
    bm25 = BM25Retriever.from_documents(lc_docs, preprocess_func=jieba.lcut_for_search, k=10)
    ensemble = EnsembleRetriever(
        retrievers=[bm25, store.as_retriever(search_kwargs={"k": 10})], weights=[0.5, 0.5]
    )
    idf = _idf_table([words(d.page_content) for d in lc_docs])

    def run(q: str) -> tuple[list[str], str]:
        found = ensemble.invoke(q)
        ranked = list(dict.fromkeys(d.metadata["doc_id"] for d in found))
        top = found[0].page_content if found else ""
        return ranked, best_overlap_sentence(q, [top], idf)

    return run


def score(pipeline: Pipeline, questions: list[dict]) -> dict:
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


# -- speed ---------------------------------------------------------------------------
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

    from rag.answering import ExtractiveAnswerer
    from rag.chunking import chunk_document
    from rag.embedding import UseEncoder
    from rag.index import Index
    from rag.ingest import embed_chunks
    from rag.retrieval import HybridSearcher

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
    searcher = HybridSearcher(index, encoder, s.dense_weight, s.candidates, s.rrf_k)
    answerer = ExtractiveAnswerer(index)
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

    questions = _speed_questions(n_questions)
    sd = {k: v for k, v in dataclasses.asdict(settings).items()}
    ctx = mp.get_context("spawn")
    out = []
    for n in sizes:
        with ctx.Pool(1) as pool:
            out.append(pool.apply(speed_level, (n, sd, n <= real_up_to, questions)))
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
