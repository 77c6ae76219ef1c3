"""The checks that keep ``python -m rag ingest`` from wiping the index by mistake (rag/cli.py runs
them before building): ingest makes the index match the folder it is given, so an empty or wrong
folder would silently delete what was indexed.  Separate from the command line because they read
the index's manifest and the corpus folder, not the arguments.
"""

from __future__ import annotations

from pathlib import Path

from rag.config import Settings


def would_empty_index(s: Settings) -> str:
    """A message when ``ingest`` of a folder without documents would delete every indexed one.

    Ingest is incremental, so a mistyped or empty folder would silently wipe the index;
    ``--rebuild`` states the intent to start from nothing.
    """
    from rag.index_manifest import IndexError_, read_manifest
    from rag.loading import SUPPORTED, iter_corpus_files

    if iter_corpus_files(s.corpus_dir):
        return ""
    try:
        n_docs = len(read_manifest(Path(s.index_dir)).get("files", {}))
    except (IndexError_, OSError, ValueError):
        n_docs = 0
    if not n_docs:  # nothing to keep, but an empty index answers nothing: say so, build nothing
        return (f"错误：语料目录 {s.corpus_dir} 中没有可收录的文件（{' '.join(SUPPORTED)}），没有建立索引。"
                "请把文档放进这个文件夹后再运行 ingest。")
    return (f"错误：语料目录 {s.corpus_dir} 中没有可收录的文件（{' '.join(SUPPORTED)}）。为免误删，现有索引"
            f"（{n_docs} 份文档）保持不变；确要清空索引，请加 --rebuild。")


def would_drop_most(s: Settings) -> str:
    """A message when ``ingest`` would delete more of the indexed documents than it keeps: a
    folder of new files given instead of the corpus ("ingest newdocs") would otherwise replace
    the whole index with them."""
    from rag.index_manifest import IndexError_, read_manifest
    from rag.loading import iter_corpus_files

    try:
        indexed = set(read_manifest(Path(s.index_dir)).get("files", {}))
    except (IndexError_, OSError, ValueError):
        return ""
    here = {p.relative_to(s.corpus_dir).as_posix() for p in iter_corpus_files(s.corpus_dir)}
    dropped = indexed - here
    if not dropped or len(dropped) <= len(indexed & here):
        return ""
    return (f"错误：用 {s.corpus_dir} 更新索引会删除其中 {len(dropped)} 份文档（共 {len(indexed)} 份），"
            f"例如 {sorted(dropped)[0]}。ingest 让索引与所给文件夹一致，不是追加。要加入新文件，请把它们复制到原来的"
            "语料目录后再运行 ingest；确要只保留这个文件夹里的文档，请加 --rebuild。索引保持不变。")
