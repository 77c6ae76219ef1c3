"""CMRC2018 (github.com/ymcui/cmrc2018, CC BY-SA 4.0) as Documents and gold questions.

The data lives in ../shared/benchmarks/cmrc2018/ and is never copied into the repository.
Each passage becomes a Document whose title is metadata only (it is not in the text, so it has
no span to cite); each question a row ``{q, answers, doc}`` like eval/gold.jsonl's.
"""

from __future__ import annotations

import json
from pathlib import Path

from rag.config import ROOT
from rag.documents import Document, Field

CMRC_DIR = ROOT.parent / "shared" / "benchmarks" / "cmrc2018"


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
