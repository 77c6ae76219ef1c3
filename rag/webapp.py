"""What the Gradio app does; ``app.py`` only lays out the widgets and wires them here.

Everything returns text or HTML for the page and never raises for bad input:
a problem becomes a clear Chinese sentence.  Answers link each marker [n] to
the sources panel, where the quoted span is highlighted inside its passage::

(the rendering itself lives in ``rag.webview``; the drafting tabs in ``rag.draft_pages``).

Corpus edits (upload, delete, rebuild) hold one lock, re-ingest incrementally
and swap in a freshly opened ``Assistant``; a failed ingest is rolled back so
nothing is left half-indexed.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.api import ApiError
from rag.chain import Assistant, IndexError_, build
from rag.config import Settings
from rag.documents import Answer, Document
from rag.draft_pages import DraftPages
from rag.embedding import make_encoder
from rag.loading import LoadError, load_file
from rag.validation import InputError, validate_question
from rag.webview import (
    UploadError,
    escape,
    library_rows,
    plain_answer,
    plain_text,
    render_answer,
    render_sources,
    sanitize_filename,
    unique_name,
)

Progress = Callable[..., object]
EXAMPLES = [
    "482号建议是谁提出的？",
    "118号建议由哪个部门主办？",
    "苏州打造“智造之城”有哪些举措？",
    "第1002号建议的答复是哪天签发的？",
]


# ---------------------------------------------------------------- the app state


class WebApp(DraftPages):
    """Settings, the current Assistant, and the lock that serialises corpus edits."""

    def __init__(self, settings: Settings, encoder: object | None = None) -> None:
        self.settings = settings
        self.encoder = encoder  # made in reload when None: a model that fails to load is a message
        self.lock = threading.RLock()
        self.assistant: Assistant | None = None
        self.llm: object | None = None
        self.downloads = Path(tempfile.gettempdir()) / "policy-qa-downloads"  # drafts offered for download
        self.error = ""
        self.reload()

    def reload(self) -> None:
        """Open (building when missing) the index; a failure is kept as a message."""
        try:  # the chat model is loaded once and handed on: reopening must not reload an LLM
            self.assistant = Assistant.open(self.settings, encoder=self._encoder(), llm=self.llm)
            self.llm = getattr(self.assistant, "llm", None)
            self.error = ""
        except Exception as exc:  # an unusable index must not stop the page from loading
            self.assistant = None
            self.error = f"索引不可用：{exc}"
            if isinstance(exc, IndexError_):  # stale or damaged: the page itself can rebuild it
                self.error += "\n也可以在「资料库」页点「全部重建索引」。"

    def _encoder(self) -> object | None:
        if self.encoder is None:  # None again for "none": making it is then free
            self.encoder = make_encoder(self.settings)
        return self.encoder

    @property
    def docs(self) -> dict[str, Document]:
        return self.assistant.index.docs if self.assistant else {}

    # -- 问答 --------------------------------------------------------------------
    def chat(self, question: str, messages: list[dict] | None) -> Iterator[tuple[list[dict], str, str, str]]:
        """Yield (chat messages, sources HTML, plain text for copying, new textbox value)."""
        messages = list(messages or [])
        try:
            q = validate_question(question, self.settings.max_question_chars)
        except InputError as exc:  # shown in the chat; the question is kept in the box to edit
            shown = " ".join(str(question or "").split())
            if shown:
                messages.append({"role": "user", "content": escape(shown[:80] + ("…" if len(shown) > 80 else ""))})
            messages.append({"role": "assistant", "content": escape(str(exc))})
            yield messages, render_sources(None, {}), "", str(question or "")
            return
        history = [{"role": m["role"], "content": plain_text(m.get("content"))} for m in messages]
        messages = [*messages, {"role": "user", "content": escape(q)}, {"role": "assistant", "content": "……"}]
        yield messages, render_sources(None, {}), "", ""
        answer = None
        for piece in self._answer_pieces(q, history):
            if isinstance(piece, Answer):
                answer = piece
            else:
                messages[-1] = {"role": "assistant", "content": escape(piece)}
                yield messages, render_sources(None, {}), "", ""
        answer = answer or Answer(question=q, text="出错了：没有得到答案。", refused=True)
        messages[-1] = {"role": "assistant", "content": render_answer(answer)}
        yield messages, render_sources(answer, self.docs), plain_answer(answer), ""

    def _answer_pieces(self, q: str, history: list[dict]) -> Iterator[str | Answer]:
        """Text so far, then the final Answer; streams when the Assistant can."""
        if self.assistant is None:
            yield Answer(question=q, text=self.error or "索引不可用，请到「资料库」重建索引。", refused=True)
            return
        try:
            if hasattr(self.assistant, "stream"):
                text = ""
                for piece in self.assistant.stream(q, history):
                    if isinstance(piece, Answer):
                        yield piece
                        return
                    text += str(piece)
                    yield text
                return
            yield self._ask(q, history)
        except Exception as exc:  # the page shows a sentence, never a traceback
            yield Answer(question=q, text=f"出错了：{exc}", refused=True)

    def _ask(self, q: str, history: list[dict]) -> Answer:
        try:
            return self.assistant.ask(q, history=history)  # type: ignore[union-attr, call-arg]
        except TypeError:  # an Assistant without conversation history
            return self.assistant.ask(q)  # type: ignore[union-attr]

    # -- 资料库 ------------------------------------------------------------------
    def library(self) -> list[list[object]]:
        counts: dict[str, int] = {}
        for c in self.assistant.index.chunks if self.assistant else []:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        return library_rows(self.docs, counts)

    def upload(self, paths: list[str] | None, progress: Progress | None = None) -> str:
        """Validate, store and index uploaded files; returns the message for the page."""
        if not paths:  # also after the page refused a file over the size limit (its notice is Gradio's own)
            return (f"请先选择要上传的文件。每个文件不超过 {self.settings.max_file_mb} MB；"
                    "超过的文件在上传时即被拒绝，不会保存。")
        notes, stored = [], []
        with self.lock:
            staging = Path(tempfile.mkdtemp(prefix="rag-upload-"))
            try:
                for i, path in enumerate(paths):
                    _tick(progress, i / max(len(paths), 1) * 0.3, "校验文件")
                    try:
                        stored.append(self._store_one(Path(path), staging, notes))
                    except (UploadError, LoadError) as exc:
                        notes.append(f"未收录：{exc}")
                    except OSError as exc:  # a vanished or unreadable temp file must not strand earlier ones
                        notes.append(f"未收录：无法读取 {Path(path).name}（{exc.strerror or exc}）")
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            if stored:
                ok, message = self._reindex(progress, undo=lambda: [p.unlink(missing_ok=True) for p in stored])
                notes.append(message if ok else message + "\n已撤销本次上传，资料库保持原样。")
        return "\n".join(notes)

    def _store_one(self, src: Path, staging: Path, notes: list[str]) -> Path:
        name = sanitize_filename(src.name)  # Gradio keeps the uploaded file's own name
        size, limit = src.stat().st_size, self.settings.max_file_mb * 2**20
        if size > limit:
            raise UploadError(f"{name} 过大（{size / 2**20:.1f} MB，上限 {self.settings.max_file_mb} MB）")
        staged = staging / name
        shutil.copyfile(src, staged)
        doc = load_file(staged, staging, max_bytes=limit)  # validate before anything is stored
        same = [d.doc_id for d in self.docs.values() if d.sha256 and d.sha256 == doc.sha256]
        if same:
            raise UploadError(f"{name} 与资料库中的 {same[0]} 内容完全相同，未重复收录")
        corpus = Path(self.settings.corpus_dir)
        corpus.mkdir(parents=True, exist_ok=True)
        final = unique_name(corpus, name)
        part = corpus / f".{final}.part"  # hidden while copying: ingest skips dot files
        shutil.copyfile(staged, part)
        part.replace(corpus / final)
        # Never overwritten silently; but both versions are now searched and cited (QA: a corrected
        # file re-uploaded under its name left the old figure answering), so say what to do.
        renamed = (f"（已有同名文件，保存为 {final}；两份都会被检索和引用，如这是更正版，请删除旧的 {name}）"
                   if final != name else "")
        notes.append(f"已收录：{final}{renamed}，{doc.kind or '未识别类型'}，《{doc.title}》")
        return corpus / final

    def delete(self, doc_id: str | None, progress: Progress | None = None) -> str:
        if not doc_id:
            return "请先选择要删除的文档。"
        with self.lock:
            corpus = Path(self.settings.corpus_dir).resolve()
            path = (corpus / doc_id).resolve()
            if corpus not in path.parents or not path.is_file():
                return f"资料库中没有文件 {doc_id}。"
            data = path.read_bytes()
            path.unlink()
            ok, message = self._reindex(progress, undo=lambda: path.write_bytes(data))
        return f"已删除 {doc_id}。\n{message}" if ok else message + f"\n已恢复 {doc_id}，资料库保持原样。"

    def rebuild(self, progress: Progress | None = None) -> str:
        with self.lock:
            ok, message = self._reindex(progress, rebuild=True)
        return message

    def _reindex(self, progress: Progress | None, undo: Callable[[], object] | None = None,
                 rebuild: bool = False) -> tuple[bool, str]:
        """Ingest and reload; on failure run ``undo`` and re-ingest so the index matches the corpus."""
        _tick(progress, 0.4, "建立索引")

        def step(fraction: float, desc: str) -> None:
            _tick(progress, 0.4 + 0.5 * fraction, desc)

        try:
            report = build(self.settings, self._encoder(), rebuild=rebuild, progress=step)
            _tick(progress, 0.95, "重新加载")
            self.reload()
            if self.assistant is None:
                raise RuntimeError(self.error)
            return True, report.summary()
        except Exception as exc:
            if undo is not None:
                undo()
                with contextlib.suppress(Exception):  # else the previous index stays: saves are atomic
                    build(self.settings, self.encoder)
                self.reload()
            return False, f"建立索引失败：{exc}"


class LiveAssistant:
    """Forwards to the WebApp's current Assistant, so an API built once sees every upload."""

    def __init__(self, web: WebApp) -> None:
        self._web = web

    @property
    def settings(self) -> Settings:  # known even while no index can be opened
        return self._web.settings

    def __getattr__(self, name: str) -> object:
        if self._web.assistant is None:  # the API answers 503 with the reason
            raise ApiError(503, self._web.error or "索引不可用")
        return getattr(self._web.assistant, name)


# ---------------------------------------------------------------- small helpers


def _tick(progress: Progress | None, fraction: float, desc: str) -> None:
    if progress is not None:
        progress(fraction, desc=desc)
