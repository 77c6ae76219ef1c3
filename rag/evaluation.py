"""``python -m rag eval GOLD.jsonl``: retrieval, answer, refusal, citation and latency figures.

Gold format, one JSON object a line::

    {"q": "482号建议是谁提出的？", "answers": ["胡伏原"], "doc": "482号建议_….txt"}

``doc`` is one doc_id, a list of doc_ids (any of them counts), or ``null`` when
the corpus cannot answer (then the assistant must refuse).  Matching ignores
whitespace and table pipes, as tests/test_gold.py does::

    >>> hit_any("答复时间：2025-06-19[1]", ["2025 -06-19"])
    True
    >>> doc_ranks(["a#0", "a#1", "b#0"], {"b"})
    [3]

Figures (see docs/quality.md for the exact definitions):

* Recall@1/@5, MRR@10 – rank of the first retrieved chunk from a gold document
  (``retrieve(q, 10)``); "lenient" variants also accept any document whose
  retrieved chunk contains a gold string (answers found in several documents).
* answer hit – the answer (markers removed) contains a gold string; also scored
  on its first 120 characters only, so a long answer earns nothing by length.
* refusal accuracy – unanswerable questions refused; false refusals – answerable ones refused,
  and of those, how many still quote a gold string among the closest sentences they list.
* citation precision – citations whose quote contains a gold string or supports
  the answer sentence it is attached to (every figure of the sentence is in the
  quote and most of its characters are).
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from rag.citations import MARKER, compact
from rag.cli import EXTRA_PARSERS, command

SCORE_CHARS = 120  # answers are also scored on their first 120 characters


def norm(text: str) -> str:
    return compact(text)


def answer_body(text: str) -> str:
    """The answer without citation markers (they are not content)."""
    return MARKER.sub("", text)


def hit_any(text: str, answers: list[str]) -> bool:
    t = norm(text)
    return any(norm(a) and norm(a) in t for a in answers)


def doc_ranks(doc_ids: list[str], gold: set[str]) -> list[int]:
    """1-based ranks of the hits (in order) whose document is gold; chunk ids map to their doc."""
    return [i for i, d in enumerate(doc_ids, 1) if d.split("#")[0] in gold]


def gold_docs(row: dict) -> set[str]:
    doc = row.get("doc")
    if doc is None:
        return set()
    return {doc} if isinstance(doc, str) else set(doc)


def load_gold(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"金标文件 {path} 第 {n} 行不是合法 JSON：{exc}") from exc
        if not isinstance(row.get("q"), str) or not isinstance(row.get("answers", []), list):
            raise ValueError(f"金标文件 {path} 第 {n} 行缺少字段 q 或 answers")
        rows.append(row)
    if not rows:
        raise ValueError(f"金标文件 {path} 是空的")
    return rows


def retrieval_scores(ranks: list[int]) -> dict[str, float]:
    first = ranks[0] if ranks else None
    return {
        "r1": float(first is not None and first <= 1),
        "r5": float(first is not None and first <= 5),
        "mrr10": 1.0 / first if first is not None and first <= 10 else 0.0,
    }


def citation_ok(cite, sentence: str, answers: list[str]) -> bool:
    """The quote holds a gold string, or supports its sentence (figures and most characters)."""
    from rag.citations import figures

    if answers and hit_any(cite.quote, answers):
        return True
    quote, sent = norm(cite.quote), norm(answer_body(sentence))
    if not sent:
        return False
    if any(f not in quote for f in figures(sent)):
        return False
    chars = [c for c in sent if c.isalnum()]
    return bool(chars) and sum(c in quote for c in chars) / len(chars) >= 0.8


def _sentences_by_marker(text: str) -> dict[int, str]:
    """Marker number → the answer sentence it follows (extractive answers quote then cite)."""
    out: dict[int, str] = {}
    last = 0
    for m in MARKER.finditer(text):
        n = int(m.group(1))
        out.setdefault(n, text[last : m.start()])
        last = m.end()
    return out


def score_row(row: dict, hits, answer, seconds: float) -> dict:
    golds = gold_docs(row)
    answers = row.get("answers") or []
    out: dict = {"q": row["q"], "type": row.get("type", ""), "answerable": bool(golds)}
    out["answer"] = answer.text
    out["refused"] = answer.refused
    out["seconds"] = seconds
    if golds:
        out.update(retrieval_scores(doc_ranks([h.chunk.doc_id for h in hits], golds)))
        lenient = [
            i for i, h in enumerate(hits, 1) if h.chunk.doc_id in golds or hit_any(h.chunk.text, answers)
        ]
        out["r5_lenient"] = float(bool(lenient) and lenient[0] <= 5)
        body = answer_body(answer.text)
        out["hit"] = float(not answer.refused and hit_any(body, answers))
        out["hit120"] = float(not answer.refused and hit_any(body[:SCORE_CHARS], answers))
        # A refusal that still quotes the answer among its closest sentences (not counted as a hit)
        out["refusal_shows"] = float(answer.refused and hit_any(" ".join(c.quote for c in answer.closest), answers))
        by_marker = _sentences_by_marker(answer.text)
        out["citations"] = len(answer.citations)
        out["citations_ok"] = sum(citation_ok(c, by_marker.get(c.n, ""), answers) for c in answer.citations)
        out["citation_docs_gold"] = sum(c.doc_id in golds for c in answer.citations)
    return out


def evaluate(assistant, gold: list[dict], k: int = 10) -> dict:
    """Run every gold question through retrieve() and ask(); returns summary and rows."""
    assistant.ask("预热")  # first call loads lazily initialised models; not a user's latency
    rows = []
    for row in gold:
        hits = assistant.retrieve(row["q"], k)
        t = time.perf_counter()
        answer = assistant.ask(row["q"])
        rows.append(score_row(row, hits, answer, time.perf_counter() - t))
    return {"summary": summarise(rows), "by_type": by_type(rows), "rows": rows}


def summarise(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    unans = [r for r in rows if not r["answerable"]]
    cites = sum(r["citations"] for r in ans)
    secs = sorted(r["seconds"] for r in rows)

    def mean(key: str) -> float:
        return round(statistics.fmean(r[key] for r in ans), 4) if ans else 0.0

    return {
        "questions": len(rows),
        "answerable": len(ans),
        "unanswerable": len(unans),
        "recall@1": mean("r1"),
        "recall@5": mean("r5"),
        "mrr@10": mean("mrr10"),
        "recall@5_lenient": mean("r5_lenient"),
        "answer_hit": mean("hit"),
        "answer_hit@120": mean("hit120"),
        "refusal_accuracy": round(sum(r["refused"] for r in unans) / len(unans), 4) if unans else None,
        "unanswerable_answered": sum(not r["refused"] for r in unans),
        "false_refusals": sum(r["refused"] for r in ans),
        "false_refusals_quoting_answer": int(sum(r["refusal_shows"] for r in ans)),
        "citation_precision": round(sum(r["citations_ok"] for r in ans) / cites, 4) if cites else None,
        "citations_in_gold_doc": round(sum(r["citation_docs_gold"] for r in ans) / cites, 4) if cites else None,
        "latency_median_ms": round(1000 * statistics.median(secs), 1) if secs else None,
        "latency_p95_ms": round(1000 * percentile(secs, 95), 1) if secs else None,
    }


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95)
    (2.0, 4.0)
    """
    if not sorted_values:
        return 0.0
    i = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(i)]


def by_type(rows: list[dict]) -> dict[str, dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["type"] or "-"].append(r)
    out = {}
    for name, rs in sorted(groups.items()):
        ans = [r for r in rs if r["answerable"]]
        out[name] = {
            "n": len(rs),
            "recall@5": round(statistics.fmean(r["r5"] for r in ans), 3) if ans else None,
            "answer_hit": round(statistics.fmean(r["hit"] for r in ans), 3) if ans else None,
            "refused": sum(r["refused"] for r in rs),
        }
    return out


def markdown(report: dict) -> str:
    s = report["summary"]
    lines = ["| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in s.items()]
    lines += ["", "| type | n | Recall@5 | answer hit | refused |", "|---|---|---|---|---|"]
    for name, t in report["by_type"].items():
        lines.append(f"| {name} | {t['n']} | {t['recall@5']} | {t['answer_hit']} | {t['refused']} |")
    return "\n".join(lines)


def failures(report: dict) -> list[str]:
    """One line per question the assistant got wrong, for reading while tuning."""
    out = []
    for r in report["rows"]:
        if r["answerable"] and (r["refused"] or not r["hit"]):
            out.append(f"MISS [{r['type']}] r5={r['r5']:.0f} {r['q']} → {r['answer'][:100]!r}")
        elif not r["answerable"] and not r["refused"]:
            out.append(f"ANSWERED-UNANSWERABLE {r['q']} → {r['answer'][:100]!r}")
    return out


@command("eval")
def cmd_eval(args, settings) -> int:
    from rag.chain import Assistant

    gold = load_gold(Path(args.gold))
    assistant = Assistant.open(settings)
    report = evaluate(assistant, gold)
    report["settings"] = {
        k: str(v) for k, v in vars(settings).items() if k not in ("llm_api_key",)
    }
    print(markdown(report))
    if args.verbose:
        print("\n".join(failures(report)))
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\n已写入 {args.out}")
    return 0


def _add_parser(subparsers, common) -> None:
    sp = subparsers.add_parser("eval", help="score the assistant on a gold question set")
    sp.add_argument("gold", help="gold JSONL: {q, answers, doc}")
    sp.add_argument("--out", help="write the figures (and per-question rows) as JSON")
    sp.add_argument("-v", "--verbose", action="store_true", help="list the questions answered wrongly")
    common(sp)


EXTRA_PARSERS.append(_add_parser)
