"""The evaluation harness (rag/evaluation.py) on the real corpus with a BM25-only index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.documents import Citation
from rag.evaluation import (
    citation_ok,
    doc_ranks,
    evaluate,
    hit_any,
    load_gold,
    markdown,
    percentile,
    retrieval_scores,
)

ROOT = Path(__file__).resolve().parent.parent
DOC_482 = "482号建议_从科教维度推进我市新型工业化.txt"
DOC_1002 = "答复函_第1002号建议的答复.txt"
GOLD = [
    {"q": "482号建议是谁提出的？", "answers": ["胡伏原"], "doc": DOC_482, "type": "metadata"},
    {"q": "2020年苏北地区新增了多少家省级企业技术中心？", "answers": ["104家"], "doc": DOC_1002, "type": "figure"},
    {"q": "482号和118号建议分别是谁提出的？", "answers": ["胡伏原", "市致公党"],
     "doc": [DOC_482, "118号建议_人工智能与产业深度融合.txt"], "type": "multi"},
    {"q": "杭州市推进新型工业化出台了哪些扶持政策？", "answers": [], "doc": None, "type": "unanswerable"},
]


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in GOLD) + "\n", encoding="utf-8")
    return path


def test_matching_ignores_whitespace_pipes_and_markers():
    assert hit_any("新增 104 家[1]", ["104家"])
    assert hit_any("| 2025-06-19 |", ["2025-06-19"])
    assert not hit_any("新增105家", ["104家"])
    assert not hit_any("任何文字", [""])  # an empty gold string matches nothing


def test_ranks_and_retrieval_scores():
    assert doc_ranks(["a.txt", "b.txt", "a.txt"], {"a.txt"}) == [1, 3]
    assert retrieval_scores([3]) == {"r1": 0.0, "r5": 1.0, "mrr10": pytest.approx(1 / 3)}
    assert retrieval_scores([]) == {"r1": 0.0, "r5": 0.0, "mrr10": 0.0}


def test_percentile_is_nearest_rank():
    values = [float(i) for i in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([], 95) == 0.0


def test_citation_precision_rule():
    cite = Citation(n=1, doc_id="d", title="t", quote="2020年,苏北地区新增省级企业技术中心104家。", start=0, end=10)
    assert citation_ok(cite, "新增省级企业技术中心104家", ["104家"])
    assert citation_ok(cite, "苏北地区新增省级企业技术中心104家。", [])  # supports its sentence
    assert not citation_ok(cite, "苏北地区新增省级企业技术中心105家。", [])  # a figure it lacks


def test_load_gold_rejects_bad_lines(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "问题", "answers": []}\n不是 JSON\n', encoding="utf-8")
    with pytest.raises(ValueError, match="第 2 行"):
        load_gold(bad)


def test_evaluate_reports_every_figure(assistant, gold_file):
    report = evaluate(assistant, load_gold(gold_file))
    s = report["summary"]
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (4, 3, 1)
    for key in ("recall@1", "recall@5", "mrr@10", "answer_hit", "answer_hit@120"):
        assert 0.0 <= s[key] <= 1.0
    assert s["recall@5"] == 1.0  # each of these gold documents is easy to find
    assert s["refusal_accuracy"] == 1.0  # 杭州 is not in the corpus
    assert s["false_refusals"] == 0
    assert s["citation_precision"] is not None and 0.0 <= s["citation_precision"] <= 1.0
    assert s["latency_p95_ms"] >= s["latency_median_ms"] > 0
    rows = {r["q"]: r for r in report["rows"]}
    assert rows["482号建议是谁提出的？"]["hit"] == 1.0
    table = markdown(report)
    assert "| recall@5 | 1.0 |" in table and "| unanswerable | 1 |" in table


def test_cli_prints_table_and_writes_json(assistant, gold_file, tmp_path, capsys):
    from rag.cli import main

    out = tmp_path / "report.json"
    s = assistant.settings
    code = main(["eval", str(gold_file), "--index", str(s.index_dir), "--embed-model", "none", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "| answer_hit |" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["questions"] == 4 and len(data["rows"]) == 4


# -- the answerer behaviours the measurements led to (rag/answering.py, rag/extraction.py, rag/questions.py)
def test_a_ship_number_is_not_a_proposal_number(assistant):
    answer = assistant.ask("全球最大级别的24116TEU集装箱船系列3号船叫什么？")
    assert not answer.refused and "地中海吉玛" in answer.text


def test_when_plus_act_picks_the_date_field(assistant):
    answer = assistant.ask("《以科技创新推动产业创新》这篇评论是哪天发布的？")
    assert "2024-11-18" in answer.text and answer.citations


def test_two_questions_in_one_are_answered_part_by_part(assistant):
    answer = assistant.ask("苏州累计获批的国家级绿色工厂和“近零碳”工厂分别有多少家？广东有几个万亿元级产业集群？")
    assert not answer.refused
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert "8个万亿元级产业集群" in answer.text


def test_a_place_far_from_the_evidence_is_refused(assistant):
    # 无锡 occurs in the corpus (a company name), but not near the Suzhou figure.
    assert assistant.ask("无锡市2023年数字经济核心产业增加值占GDP比重是多少？").refused
    assert assistant.ask("苏州市科学技术局局长是谁？").refused
