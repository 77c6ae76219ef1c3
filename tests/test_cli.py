"""The command-line contract of ``python -m rag``, run as real subprocesses.

BM25 only (RAG_EMBED_MODEL=none): dense retrieval is not the point here.  The
runs that only read the index start together, so the interpreter start-ups
overlap instead of adding up.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DOC_482, Q_482, Q_HANGZHOU, ROOT, copy_corpus

JSONL_IN = "\n".join(
    [
        json.dumps({"q": Q_482}, ensure_ascii=False),
        "this is not json",
        json.dumps({"question": "没有 q 字段"}, ensure_ascii=False),
        "",
        json.dumps({"q": "苏州集聚了几家灯塔工厂？", "id": 7}, ensure_ascii=False),
        json.dumps({"q": ""}),
    ]
) + "\n"
RETRIEVE_IN = "\n".join(
    [json.dumps({"q": Q_482}, ensure_ascii=False), "[1, 2", json.dumps({"q": "灯塔工厂"})]
) + "\n"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"RAG_EMBED_MODEL": "none", "PYTHONIOENCODING": "utf-8", **extra})
    return env


def _start(args: list[str], stdin: str = "", **env: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag", *args],
        cwd=ROOT,
        env=_env(**env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    proc.stdin.write(stdin)  # small inputs: they fit the pipe buffer
    proc.stdin.close()
    return proc


def _finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = copy_corpus(root / "corpus")
    index = str(root / "index")
    ingest = _finish(_start(["ingest", str(corpus), "--index", index]))
    assert ingest.returncode == 0, ingest.stderr
    missing = str(root / "missing")
    with socket.socket() as dead:  # bound, never listening: a connection to it is refused at once
        dead.bind(("127.0.0.1", 0))
        llm_down = {"RAG_LLM_BACKEND": "openai", "RAG_LLM_MODEL": "qwen2.5",
                    "RAG_LLM_BASE_URL": f"http://127.0.0.1:{dead.getsockname()[1]}/v1"}
        done = _finish_all(_first_runs(root, index, missing, llm_down))
    done["ingest"] = ingest
    return done


def _first_runs(root: Path, index: str, missing: str, llm_down: dict[str, str]) -> dict[str, subprocess.Popen]:
    return {
        "ask_482": _start(["ask", Q_482, "--json", "--index", index]),
        "ask_hangzhou": _start(["ask", Q_HANGZHOU, "--json", "--index", index]),
        "ask_jsonl": _start(["ask", "--jsonl", "--index", index], JSONL_IN),
        "retrieve": _start(["retrieve", "--jsonl", "-k", "3", "--index", index], RETRIEVE_IN),
        "missing_corpus": _start(["ingest", missing, "--index", str(root / "index2")]),
        "missing_index": _start(["ask", Q_482, "--index", str(root / "index3")], RAG_CORPUS_DIR=missing),
        "missing_index_env": _start(["ask", Q_482], RAG_INDEX_DIR=str(root / "index4")),
        "bad_out": _start(["eval", "eval/gold.jsonl", "--index", index, "--out", str(root / "no" / "x.json")]),
        "no_question": _start(["ask", "--index", index]),
        "ask_llm_down": _start(["ask", Q_482, "--index", index], **llm_down),
        "ask_llm_down_json": _start(["ask", Q_482, "--json", "--index", index], **llm_down),
        # the index was built from `corpus`; the settings name another folder and other chunking
        "other_chunking": _start(["ask", Q_482, "--index", index], RAG_CHUNK_SIZE="200",
                                 RAG_CORPUS_DIR=str(root / "elsewhere")),
    }


def _finish_all(procs: dict[str, subprocess.Popen]) -> dict[str, subprocess.CompletedProcess]:
    return {name: _finish(p) for name, p in procs.items()}


def _lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _assert_answer_shape(obj: dict) -> None:
    assert {"q", "answer", "refused", "citations"} <= set(obj)
    for c in obj["citations"]:
        assert {"n", "doc_id", "title", "quote", "start", "end"} <= set(c)


def test_ingest_reports_what_it_did(runs):
    assert "索引完成" in runs["ingest"].stdout and "新增 5" in runs["ingest"].stdout
    assert "Traceback" not in runs["ingest"].stderr


def test_ask_json_answers_and_cites_the_482_header(runs):
    result = runs["ask_482"]
    assert result.returncode == 0, result.stderr
    (obj,) = _lines(result)
    _assert_answer_shape(obj)
    assert obj["q"] == Q_482 and obj["refused"] is False and "胡伏原" in obj["answer"]
    cite = obj["citations"][0]
    assert cite["doc_id"] == DOC_482 and "胡伏原" in cite["quote"] and cite["n"] == 1
    assert cite["end"] - cite["start"] == len(cite["quote"])


def test_ask_json_refuses_what_the_corpus_does_not_say(runs):
    (obj,) = _lines(runs["ask_hangzhou"])
    _assert_answer_shape(obj)
    assert obj["refused"] is True and obj["citations"] == [] and "资料中未找到" in obj["answer"]


def test_a_refusals_closest_in_json_are_the_sentences_its_text_lists(runs):
    """``closest`` used to hold chunk openings under "text", while the answer listed sentences."""
    (obj,) = _lines(runs["ask_hangzhou"])
    listed = obj["answer"].splitlines()[2:]  # 资料中未找到…, 最接近的原文…：, then one line each
    assert obj["closest"] and len(obj["closest"]) == len(listed)
    for c, line in zip(obj["closest"], listed, strict=True):
        assert set(c) == {"n", "doc_id", "title", "quote", "start", "end", "date"}  # a citation's keys
        assert line == f"{c['n']}. 《{c['title']}》：{' '.join(c['quote'].split())}"
        assert c["end"] - c["start"] == len(c["quote"])
    lines = _lines(runs["ask_jsonl"])
    assert all({"unsupported", "closest"} <= set(o) for o in lines)  # bad input lines too: one shape
    assert all("text" not in c and "quote" in c for o in lines for c in o["closest"])


def test_a_failed_generation_is_said_in_one_line_beside_the_text_answer(runs):
    """RAG_LLM_BACKEND=openai with an endpoint that refuses connections: the extractive answer
    stands in, and the text output says so (it used to say nothing; only --json did)."""
    text, as_json = runs["ask_llm_down"], runs["ask_llm_down_json"]
    assert text.returncode == 0 and "胡伏原" in text.stdout and "来源：" in text.stdout
    (note,) = text.stderr.strip().splitlines()  # one line, no traceback
    assert note.startswith("注意：生成模型调用失败（") and note.endswith("已改用摘录式回答。")
    (obj,) = _lines(as_json)
    assert "生成模型调用失败" in obj["error"] and obj["answer"] in text.stdout


def test_an_incompatible_index_names_the_corpus_it_was_built_from(runs):
    """Following the hint must rebuild the index from its own documents, not RAG_CORPUS_DIR's."""
    result = runs["other_chunking"]
    built_from = Path(runs["ingest"].args[4]).resolve()
    assert result.returncode == 2 and "分块设置 320/60 ≠ 当前设置 200/60" in result.stderr
    assert f"python -m rag ingest {built_from} --index {runs['ingest'].args[-1]} --rebuild" in result.stderr
    assert "elsewhere" not in result.stderr


def test_ask_jsonl_answers_every_line_and_reports_bad_ones(runs):
    result = runs["ask_jsonl"]
    assert result.returncode == 0 and "Traceback" not in result.stderr
    lines = _lines(result)
    assert len(lines) == 5, "one output line per non-empty input line"
    for obj in lines:
        _assert_answer_shape(obj)
    good, not_json, no_q, figure, empty = lines
    assert good["refused"] is False and "胡伏原" in good["answer"]
    assert not_json["refused"] is True and "第 2 行" in not_json["error"] and not_json["citations"] == []
    assert no_q["refused"] is True and "q" in no_q["error"]
    assert figure["q"] == "苏州集聚了几家灯塔工厂？"
    assert figure["refused"] is False and "7家" in figure["answer"]
    assert empty["refused"] is True and "请输入问题" in empty["error"]


def test_retrieve_jsonl_gives_k_hits_per_question(runs):
    result = runs["retrieve"]
    assert result.returncode == 0, result.stderr
    first, bad, third = _lines(result)
    for obj in (first, third):
        assert {"q", "hits"} <= set(obj) and 0 < len(obj["hits"]) <= 3
        for hit in obj["hits"]:
            assert {"doc_id", "chunk_id", "text", "score"} <= set(hit)
            assert hit["chunk_id"].startswith(hit["doc_id"] + "#") and isinstance(hit["score"], float)
    assert first["q"] == Q_482 and first["hits"][0]["doc_id"] == DOC_482
    assert bad["hits"] == [] and "error" in bad


@pytest.mark.parametrize("name", ["missing_corpus", "missing_index", "missing_index_env", "no_question", "bad_out"])
def test_errors_are_one_clear_line_and_exit_2(runs, name):
    result = runs[name]
    assert result.returncode == 2
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误：") and "Traceback" not in result.stderr


def test_missing_corpus_message_names_the_folder(runs):
    assert "语料目录不存在" in runs["missing_corpus"].stderr and "missing" in runs["missing_corpus"].stderr
    # an index named with --index is never built silently: the message names it and how to build it
    assert "找不到索引" in runs["missing_index"].stderr and "index3" in runs["missing_index"].stderr
    assert "python -m rag ingest" in runs["missing_index"].stderr
    assert "--out 的目录不存在" in runs["bad_out"].stderr  # said before the evaluation runs
    # ...nor one named with RAG_INDEX_DIR (the corpus is there: only the name stops the build)
    assert "找不到索引" in runs["missing_index_env"].stderr and "index4" in runs["missing_index_env"].stderr


@pytest.fixture(scope="module")
def guard_runs(runs, tmp_path_factory):
    """Mistakes that used to wipe the index, print an errno, or give 0 hits without a reason."""
    root = tmp_path_factory.mktemp("cli-guards")
    (root / "empty").mkdir()
    (root / "a-file").write_text("x", encoding="utf-8")
    (root / "newdocs").mkdir()
    (root / "newdocs" / "新文件.txt").write_text("关于推进低空经济发展的建议\n建议人：张三\n内容。", encoding="utf-8")
    index = str(Path(runs["ingest"].args[-1]))
    procs = {
        "new_docs_folder": _start(["ingest", str(root / "newdocs"), "--index", index]),
        "empty_folder": _start(["ingest", str(root / "empty"), "--index", index]),
        "empty_folder_new_index": _start(["ingest", str(root / "empty"), "--index", str(root / "new-index")]),
        "index_is_file": _start(["ingest", str(ROOT / "corpus"), "--index", str(root / "a-file")]),
        "corpus_is_file": _start(["ingest", str(root / "a-file"), "--index", str(root / "i")]),
        "retrieve_blank": _start(["retrieve", "   ", "--index", index]),
        "ask_blank_json": _start(["ask", "", "--json", "--index", index]),
        "ask_punct": _start(["ask", "？？？", "--index", index]),
        "retrieve_k0": _start(["retrieve", "灯塔工厂", "-k", "0", "--index", index]),
        "retrieve_kneg": _start(["retrieve", "灯塔工厂", "-k", "-3", "--index", index]),
        "retrieve_jsonl": _start(["retrieve", "--jsonl", "--index", index],
                                 '{"q": ""}\n{"q": "？？？"}\n{"q": "灯塔工厂"}\n'),
    }
    done = {name: _finish(p) for name, p in procs.items()}
    done["after"] = _finish(_start(["ask", Q_482, "--json", "--index", index]))
    return done


def test_ingest_of_an_empty_folder_keeps_the_index(guard_runs):
    result = guard_runs["empty_folder"]
    assert result.returncode == 2 and "没有可收录的文件" in result.stderr and "--rebuild" in result.stderr
    (obj,) = _lines(guard_runs["after"])
    assert obj["refused"] is False and "胡伏原" in obj["answer"], "the previous index still answers"


def test_ingest_of_a_folder_of_new_files_does_not_replace_the_index(guard_runs):
    """"ingest newdocs" would make the index mirror newdocs/, dropping the five documents."""
    result = guard_runs["new_docs_folder"]
    assert result.returncode == 2 and "会删除其中 5 份文档" in result.stderr and "--rebuild" in result.stderr
    (obj,) = _lines(guard_runs["after"])
    assert obj["refused"] is False and "胡伏原" in obj["answer"], "the previous index still answers"


def test_ingest_of_an_empty_folder_into_a_new_index_builds_nothing(guard_runs, tmp_path_factory):
    result = guard_runs["empty_folder_new_index"]
    assert result.returncode == 2 and "没有可收录的文件" in result.stderr and "没有建立索引" in result.stderr
    assert not (Path(result.args[-1]) / "manifest.json").exists()


def test_index_path_that_is_a_file_is_a_clear_error(guard_runs):
    result = guard_runs["index_is_file"]
    assert result.returncode == 2 and "是一个文件" in result.stderr and "Errno" not in result.stderr


def test_retrieve_gives_a_reason_for_unusable_questions(guard_runs):
    blank = guard_runs["retrieve_blank"]
    assert blank.returncode == 2 and blank.stderr.startswith("错误：") and "请输入问题" in blank.stderr
    empty, punct, good = _lines(guard_runs["retrieve_jsonl"])
    assert empty["hits"] == [] and "请输入问题" in empty["error"]
    assert punct["hits"] == [] and "没有文字" in punct["error"]
    assert good["hits"] and "error" not in good


@pytest.mark.parametrize(("name", "expected"), [
    ("ask_blank_json", "请输入问题"), ("ask_punct", "没有文字"), ("retrieve_k0", "-k 应为正整数，收到 0"),
    ("retrieve_kneg", "-k 应为正整数，收到 -3"),
])
def test_unusable_single_question_is_a_usage_error(guard_runs, name, expected):
    result = guard_runs[name]
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and expected in result.stderr


def test_corpus_path_that_is_a_file_says_so(guard_runs):
    result = guard_runs["corpus_is_file"]
    assert result.returncode == 2 and "是一个文件，不是文件夹" in result.stderr
