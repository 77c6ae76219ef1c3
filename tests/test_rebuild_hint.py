"""An index refused as incompatible says how to rebuild it from the corpus it was built from.

The hint used to name ``settings.corpus_dir`` whatever folder the index at ``--index`` came
from; following it (``ingest … --rebuild``) would silently replace the index's documents.
Ingest now records the folder in the manifest; an older manifest, without it, still loads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CountingEncoder, copy_corpus, make_settings

from rag.chain import Assistant
from rag.index import Index, IndexError_, read_manifest
from rag.ingest import ingest, rebuild_command

UNKNOWN = "<建这个索引时的语料目录>"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index) with a BM25-only index built from that corpus."""
    root = tmp_path_factory.mktemp("hint")
    corpus = copy_corpus(root / "policy-corpus")
    ingest(corpus, root / "index", None)
    return corpus, root / "index"


def _refusal(index_dir: Path, settings_corpus: Path) -> str:
    """What opening the index with another encoder says, the settings naming ``settings_corpus``."""
    with pytest.raises(IndexError_) as err:
        Assistant(Index.load(index_dir), CountingEncoder(), make_settings(settings_corpus, index_dir))
    return str(err.value)


def _old_manifest(built: tuple[Path, Path], dest: Path) -> Path:
    """A copy of the index whose manifest predates the corpus_dir field."""
    shutil.copytree(built[1], dest)
    path = dest / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["corpus_dir"]
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return dest


def test_ingest_records_the_corpus_folder_and_loading_keeps_it(built: tuple[Path, Path]) -> None:
    corpus, index_dir = built
    assert read_manifest(index_dir)["corpus_dir"] == str(corpus.resolve())
    assert Index.load(index_dir).corpus_dir == str(corpus.resolve())


def test_the_hint_names_the_index_s_own_corpus_not_the_settings(built: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, index_dir = built
    message = _refusal(index_dir, tmp_path / "other-corpus")
    assert f"python -m rag ingest {corpus.resolve()} --index {index_dir} --rebuild" in message
    assert "other-corpus" not in message


def test_an_old_manifest_loads_and_its_hint_never_names_a_folder_missing_its_files(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    old = _old_manifest(built, tmp_path / "old-index")
    assert Index.load(old).corpus_dir == ""
    (tmp_path / "other-corpus").mkdir()
    message = _refusal(old, tmp_path / "other-corpus")
    assert f"python -m rag ingest {UNKNOWN} --index {old} --rebuild" in message and "other-corpus" not in message
    # a settings folder holding every indexed file is a safe rebuild source: it is named
    assert f"python -m rag ingest {built[0]} --index {old} --rebuild" in _refusal(old, built[0])


def test_rebuild_command_of_an_empty_unrecorded_index_uses_the_given_folder(tmp_path: Path) -> None:
    empty = Index(embed_model="none", dim=0, chunk_size=320, chunk_overlap=60)
    command = rebuild_command(empty, tmp_path / "i", tmp_path / "c")
    assert command == f"python -m rag ingest {tmp_path / 'c'} --index {tmp_path / 'i'} --rebuild"
