"""Settings from ``RAG_*`` env vars and CLI flags: a value a setting cannot take is refused
with a message naming the variable (or flag) and what it expects, before anything loads; the
CLI prints it as one line on stderr and exits 2 (it used to say "invalid literal for int()")."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT

from rag.cli import main
from rag.config import Settings, SettingsError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No RAG_* variable of the caller's environment leaks into these tests."""
    import os

    for key in [k for k in os.environ if k.startswith("RAG_")]:
        monkeypatch.delenv(key)
    return monkeypatch


@pytest.mark.parametrize(
    ("var", "raw", "message"),
    [
        ("RAG_TOP_K", "abc", "RAG_TOP_K 应为正整数，收到 'abc'"),
        ("RAG_TOP_K", "0", "RAG_TOP_K 应为正整数，收到 0"),
        ("RAG_TOP_K", "2.5", "RAG_TOP_K 应为正整数，收到 '2.5'"),
        ("RAG_CANDIDATES", "-1", "RAG_CANDIDATES 应为正整数，收到 -1"),
        ("RAG_CHUNK_SIZE", "0", "RAG_CHUNK_SIZE 应为正整数"),
        ("RAG_CHUNK_OVERLAP", "-5", "RAG_CHUNK_OVERLAP 应为不小于 0 的整数，收到 -5"),
        ("RAG_CHUNK_OVERLAP", "320", "RAG_CHUNK_OVERLAP 应小于 RAG_CHUNK_SIZE（320），收到 320"),
        ("RAG_EMBED_WORKERS", "-1", "RAG_EMBED_WORKERS 应为不小于 0 的整数"),
        ("RAG_RRF_K", "-1", "RAG_RRF_K 应为不小于 0 的整数"),
        ("RAG_DENSE_WEIGHT", "-0.1", "RAG_DENSE_WEIGHT 应为不小于 0 的数，收到 -0.1"),
        ("RAG_DENSE_WEIGHT", "nan", "RAG_DENSE_WEIGHT 应为不小于 0 的数，收到 nan"),
        ("RAG_DENSE_WEIGHT", "high", "RAG_DENSE_WEIGHT 应为不小于 0 的数，收到 'high'"),
        ("RAG_MAX_FILE_MB", "0", "RAG_MAX_FILE_MB 应为正整数（MB），收到 0"),
        ("RAG_MAX_QUESTION_CHARS", "0", "RAG_MAX_QUESTION_CHARS 应为正整数"),
        ("RAG_LLM_MAX_NEW_TOKENS", "0", "RAG_LLM_MAX_NEW_TOKENS 应为正整数"),
        ("RAG_PORT", "70000", "RAG_PORT 应为 1–65535 之间的整数，收到 70000"),
        ("RAG_LLM_BACKEND", "gpt4", "RAG_LLM_BACKEND 应为 extractive、transformers 或 openai 之一，收到 'gpt4'"),
        ("RAG_SEMANTIC_RERANK", "flase", "RAG_SEMANTIC_RERANK 应为 true 或 false（也可写 1/0、yes/no、on/off），收到 'flase'"),
    ],
)
def test_a_bad_env_value_names_the_variable_and_what_it_expects(
    clean_env: pytest.MonkeyPatch, var: str, raw: str, message: str
) -> None:
    clean_env.setenv(var, raw)
    with pytest.raises(SettingsError) as err:
        Settings.from_env()
    assert message in str(err.value)


def test_values_at_the_edge_of_each_range_are_accepted(clean_env: pytest.MonkeyPatch) -> None:
    for var, raw in {"RAG_TOP_K": " 1 ", "RAG_DENSE_WEIGHT": "0", "RAG_EMBED_WORKERS": "0", "RAG_RRF_K": "0",
                     "RAG_CHUNK_SIZE": "100", "RAG_CHUNK_OVERLAP": "99", "RAG_SEMANTIC_RERANK": "Off",
                     "RAG_AUTO_BUILD": "yes", "RAG_LLM_BACKEND": "OpenAI", "RAG_PORT": "65535"}.items():
        clean_env.setenv(var, raw)
    s = Settings.from_env()
    assert (s.top_k, s.dense_weight, s.embed_workers, s.rrf_k) == (1, 0.0, 0, 0)
    assert (s.chunk_size, s.chunk_overlap, s.semantic_rerank, s.auto_build, s.port) == (100, 99, False, True, 65535)


def test_a_flag_is_checked_by_the_same_rules_and_named_as_typed(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="^-k 应为正整数，收到 0$"):
        Settings.from_env(top_k=0, flags={"top_k": "-k"})
    clean_env.setenv("RAG_TOP_K", "abc")  # a flag wins: the variable it overrides is not read
    assert Settings.from_env(top_k=3, flags={"top_k": "-k"}).top_k == 3


@pytest.mark.parametrize(
    ("argv", "env", "line"),
    [
        (["ask", "482号建议是谁提出的？"], {"RAG_TOP_K": "abc"}, "错误：RAG_TOP_K 应为正整数，收到 'abc'"),
        (["retrieve", "灯塔工厂", "-k", "0"], {}, "错误：-k 应为正整数，收到 0"),
        (["ask", "灯塔工厂"], {"RAG_CHUNK_SIZE": "50", "RAG_CHUNK_OVERLAP": "60"},
         "错误：RAG_CHUNK_OVERLAP 应小于 RAG_CHUNK_SIZE（50），收到 60"),
        (["serve-api", "--port", "70000"], {}, "错误：--port 应为 1–65535 之间的整数，收到 70000"),
    ],
)
def test_the_cli_prints_one_line_and_exits_2(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], env: dict, line: str
) -> None:
    for var, raw in env.items():
        clean_env.setenv(var, raw)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [line]


def test_app_py_refuses_a_bad_setting_in_one_line(clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("policy_qa_app", ROOT / "app.py")
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    clean_env.setenv("RAG_MAX_FILE_MB", "lots")
    assert app.main([]) == 2
    assert capsys.readouterr().err.splitlines() == ["错误：RAG_MAX_FILE_MB 应为正整数（MB），收到 'lots'"]
    clean_env.delenv("RAG_MAX_FILE_MB")
    assert app.main(["--port", "0"]) == 2  # the flag too, under its own name
    assert "--port 应为 1–65535 之间的整数，收到 0" in capsys.readouterr().err
