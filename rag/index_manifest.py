"""The index's ``manifest.json``: the format version, the corpus hash it records, and the checks
that refuse a missing, outdated or damaged manifest (rag/index.py reads the data files it names).

Separate from the index itself because the CLI and ``chain`` read the manifest without loading
an index: to see what a folder holds, or that an older program built it.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from rag.index_files import MANIFEST_FIELDS, Damaged, check_fields, reading

# Bumped whenever loading, cleaning, metadata or the file layout change what an index holds:
# an older index is then refused (ask) or rebuilt (ingest), never silently mixed. 2: proposal_title.
# 3: a .md file's text without its Markdown markup (rag/markdown.py). 4: a news item's reporters. 5: its editor.
# 6: no 委员 role for a filer the page labels 建议人 (the 提案 evidence is only an attachment's name).
FORMAT_VERSION = 6

class IndexError_(Exception):
    """The index is missing, damaged, or was built with other settings."""


def corpus_hash(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for doc_id in sorted(files):
        h.update(f"{doc_id}\t{files[doc_id]}\n".encode())
    return h.hexdigest()


def damaged_error(index_dir: Path, detail: str) -> IndexError_:
    return IndexError_(
        f"索引 {index_dir} 已损坏：{detail}。请重建：python -m rag ingest <语料目录> --index {index_dir} --rebuild"
    )


def is_outdated(index_dir: Path | str) -> bool:
    """The folder holds a readable index of another format version (built by an older program)."""
    try:
        manifest = json.loads((Path(index_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format_version") != FORMAT_VERSION


def read_manifest(index_dir: Path | str) -> dict:
    """The manifest, checked: a dict of this format version holding every field ``load`` uses."""
    index_dir = Path(index_dir)
    path = index_dir / "manifest.json"
    if not path.exists():
        raise IndexError_(
            f"找不到索引 {index_dir}（没有 manifest.json）。先建索引：python -m rag ingest corpus --index {index_dir}"
        )
    try:
        with reading(path.name):
            manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise Damaged("manifest.json 不是 JSON 对象")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexError_(
                f"索引 {index_dir} 的格式版本不受支持（由另一版本的程序建立）。"
                f"请重建：python -m rag ingest <语料目录> --index {index_dir} --rebuild"
            )
        check_fields(manifest, MANIFEST_FIELDS, "manifest.json ")
        if not re.fullmatch(r"data-\d+", manifest["data"]):  # also keeps "../x" from leading outside the index
            raise Damaged(f"manifest.json 的 data 不是 data-N（{manifest['data'][:40]}）")
    except Damaged as exc:
        raise damaged_error(index_dir, str(exc)) from exc
    return manifest
