"""What the Gradio app does; ``app.py`` only lays out the widgets and wires them here.

Everything returns text or HTML for the page and never raises for bad input:
a problem becomes a clear Chinese sentence.  Answers link each marker [n] to
the sources panel, where the quoted span is highlighted inside its passage::

    >>> passage_html("甲。乙丙丁。戊。", 2, 6)
    '<p class="passage">甲。<mark>乙丙丁。</mark>戊。</p>'

Corpus edits (upload, delete, rebuild) hold one lock, re-ingest incrementally
and swap in a freshly opened ``Assistant``; a failed ingest is rolled back so
nothing is left half-indexed.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.chain import Assistant, InputError, build, validate_question
from rag.citations import format_answer
from rag.config import Settings
from rag.documents import Answer, Document
from rag.embedding import make_encoder
from rag.loading import SUPPORTED, LoadError, load_file

Progress = Callable[..., object]
DraftView = tuple[str, str | None, str | None, str]  # HTML, .md path, .docx path, message
EXAMPLES = [
    "482号建议是谁提出的？",
    "118号建议由哪个部门主办？",
    "苏州打造“智造之城”有哪些举措？",
    "第1002号建议的答复是哪天签发的？",
]
LIBRARY_HEADERS = ["文件", "类型", "标题", "编号", "提出人", "主办单位", "日期", "块数"]
PROPOSAL_KINDS = ("建议", "提案")
_MARKER = re.compile(r"\[(\d{1,3})\]")
_PLACEHOLDER = re.compile(r"〔待补[^〕]*〕")
_RIGHT = re.compile(r'&lt;div align="right">([^&<\n]*(?:&amp;[^&<\n]*)*)&lt;/div>')
_BAD_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class UploadError(ValueError):
    """A file the library refuses, with the reason for the user."""


# ---------------------------------------------------------------- rendering


def render_answer(answer: Answer) -> str:
    """Answer text as Markdown; each [n] links to ``#src-n`` in the sources panel."""
    text = _escape(answer.text)
    if answer.citations:
        text = _MARKER.sub(lambda m: f'<a href="#src-{m.group(1)}" class="cite">[{m.group(1)}]</a>', text)
    return text


def render_sources(answer: Answer | None, docs: dict[str, Document]) -> str:
    """The sources panel: one collapsible entry per citation (closest passages when refused)."""
    if answer is None:
        return '<div class="sources empty">提问后，这里显示答案引用的原文。</div>'
    items = []
    for c in answer.citations:
        doc = docs.get(c.doc_id)
        when = f" · {_escape(c.date)}" if c.date else ""
        body = passage_html(doc.text, c.start, c.end) if doc else f"<p>{_escape(c.quote)}</p>"
        items.append(
            f'<details id="src-{c.n}" class="source"><summary>[{c.n}] 《{_escape(c.title)}》{when}</summary>'
            f'{body}<p class="where">{_escape(c.doc_id)}，第 {c.start}–{c.end} 字</p></details>'
        )
    if not items and answer.hits:
        items.append('<p class="note">没有可引用的原文。最接近的资料：</p>')
        for i, h in enumerate(answer.hits[:3], 1):
            items.append(
                f'<details class="source closest"><summary>{i}. 《{_escape(h.chunk.title)}》</summary>'
                f'<p class="passage">{_escape(h.chunk.text)}</p></details>'
            )
    return '<div class="sources">' + ("".join(items) or "<p>（没有来源）</p>") + "</div>"


def passage_html(text: str, start: int, end: int, context: int = 160) -> str:
    """The quote ``text[start:end]`` in <mark>, inside the whole sentences around it."""
    lo, hi = max(0, start - context), min(len(text), end + context)
    cuts = [i for i in (text.find(ch, lo, start) for ch in "。！？\n") if i >= 0]
    lo = min(cuts) + 1 if cuts and lo > 0 else lo  # start after a sentence end
    cut = max(text.rfind(ch, end, hi) for ch in "。！？\n")
    hi = cut + 1 if cut >= 0 and hi < len(text) else hi  # stop at a sentence end
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi].rstrip("\n") + ("…" if hi < len(text) else "")
    body = f"{_escape(before)}<mark>{_escape(text[start:end])}</mark>{_escape(after)}"
    return f'<p class="passage">{body.replace(chr(10), "<br>")}</p>'


def plain_answer(answer: Answer) -> str:
    """Answer and sources as plain text, for the copy button."""
    return format_answer(answer, offsets=False)


def highlight_placeholders(markdown: str) -> str:
    """Draft Markdown with every 〔待补…〕 shown as <mark>; raw HTML in the draft is escaped."""
    safe = markdown.replace("&", "&amp;").replace("<", "&lt;")
    safe = _RIGHT.sub(r'<div align="right">\1</div>', safe)  # the one tag drafts use: the signature block
    return _PLACEHOLDER.sub(lambda m: f'<mark class="todo">{m.group(0)}</mark>', safe)


def _escape(s: str) -> str:
    return html.escape(s, quote=True)


# ---------------------------------------------------------------- corpus listing


def library_rows(docs: dict[str, Document], chunk_counts: dict[str, int]) -> list[list[object]]:
    rows = []
    for doc_id in sorted(docs):
        d = docs[doc_id]
        proposer = d.value("proposer") + (f"（{d.value('proposer_role')}）" if d.value("proposer_role") else "")
        rows.append([doc_id, d.kind, d.title, d.value("number"), proposer, d.value("host_unit"),
                     d.date, chunk_counts.get(doc_id, 0)])
    return rows


def proposal_choices(docs: dict[str, Document]) -> list[tuple[str, str]]:
    """(label, doc_id) for every 建议/提案 in the corpus, e.g. ("482号 关于…（胡伏原）", "482号….txt")."""
    out = []
    for doc_id in sorted(docs):
        d = docs[doc_id]
        if d.kind in PROPOSAL_KINDS:
            number = f"{d.value('number')}号 " if d.value("number") else ""
            who = f"（{d.value('proposer')}）" if d.value("proposer") else ""
            out.append((f"{number}{d.title}{who}", doc_id))
    return out


# ---------------------------------------------------------------- upload names


def sanitize_filename(name: str, max_stem: int = 80) -> str:
    """A safe flat file name: no folders, no hidden names, no control characters.

    >>> sanitize_filename("../../etc/.passwd.txt")
    'passwd.txt'
    >>> sanitize_filename("C:\\\\temp\\\\政策 文件.DOCX")
    '政策 文件.docx'
    """
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = " ".join(_BAD_NAME_CHARS.sub("", base).split())
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        raise UploadError(f"文件 {name} 没有扩展名，支持的类型：{' '.join(SUPPORTED)}")
    suffix = "." + suffix.lower()
    if suffix not in SUPPORTED:
        raise UploadError(f"不支持的文件类型 {suffix}（文件 {base}），支持的类型：{' '.join(SUPPORTED)}")
    stem = stem.strip(" .~$")[:max_stem].strip(" .") or "上传文件"
    return stem + suffix


def unique_name(folder: Path, name: str) -> str:
    """``name``, or ``stem_2.ext``, ``stem_3.ext`` … so no existing file is overwritten."""
    stem, suffix = name.rsplit(".", 1)
    candidate, n = name, 1
    existing = {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()
    while candidate.lower() in existing:
        n += 1
        candidate = f"{stem}_{n}.{suffix}"
    return candidate


# ---------------------------------------------------------------- the app state


class WebApp:
    """Settings, the current Assistant, and the lock that serialises corpus edits."""

    def __init__(self, settings: Settings, encoder: object | None = None) -> None:
        self.settings = settings
        self.encoder = encoder if encoder is not None else make_encoder(settings)
        self.lock = threading.RLock()
        self.assistant: Assistant | None = None
        self.llm: object | None = None
        self.downloads = Path(tempfile.gettempdir()) / "policy-qa-downloads"  # drafts offered for download
        self.error = ""
        self.reload()

    def reload(self) -> None:
        """Open (building when missing) the index; a failure is kept as a message."""
        try:  # the chat model is loaded once and handed on: reopening must not reload an LLM
            self.assistant = Assistant.open(self.settings, encoder=self.encoder, llm=self.llm)
            self.llm = getattr(self.assistant, "llm", None)
            self.error = ""
        except Exception as exc:  # an unusable index must not stop the page from loading
            self.assistant = None
            self.error = f"索引不可用：{exc}"

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
                messages.append({"role": "user", "content": _escape(shown[:80] + ("…" if len(shown) > 80 else ""))})
            messages.append({"role": "assistant", "content": _escape(str(exc))})
            yield messages, render_sources(None, {}), "", str(question or "")
            return
        history = [{"role": m["role"], "content": _plain(m.get("content"))} for m in messages]
        messages = [*messages, {"role": "user", "content": _escape(q)}, {"role": "assistant", "content": "……"}]
        yield messages, render_sources(None, {}), "", ""
        answer = None
        for piece in self._answer_pieces(q, history):
            if isinstance(piece, Answer):
                answer = piece
            else:
                messages[-1] = {"role": "assistant", "content": _escape(piece)}
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
        if not paths:
            return "请先选择要上传的文件。"
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
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            if stored:
                ok, message = self._reindex(progress, undo=lambda: [p.unlink(missing_ok=True) for p in stored])
                notes.append(message if ok else message + "\n已撤销本次上传，资料库保持原样。")
        return "\n".join(notes)

    def _store_one(self, src: Path, staging: Path, notes: list[str]) -> Path:
        name = sanitize_filename(_original_name(src))
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
        renamed = f"（已有同名文件，保存为 {final}）" if final != name else ""
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
            report = build(self.settings, self.encoder, rebuild=rebuild, progress=step)
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

    # -- 答复函起草 / 新人简报 ------------------------------------------------------
    def draft(self, doc_id: str | None, upload: str | None) -> DraftView:
        """(draft HTML, .md path, .docx path, message) for a corpus proposal or an uploaded one."""
        if upload:
            try:  # our own checks first: type, size, readable text
                name = sanitize_filename(_original_name(Path(upload)))
                load_file(Path(upload), Path(upload).parent, max_bytes=self.settings.max_file_mb * 2**20)
            except (UploadError, LoadError, OSError) as exc:
                return "", None, None, f"无法读取上传的文件：{exc}"
            proposal = str(upload)
        elif doc_id and doc_id in self.docs:
            proposal, name = doc_id, doc_id
        else:
            return "", None, None, "请选择一份建议/提案，或上传一份。"
        return self._make("rag.drafting", "draft_reply", proposal, "答复函_" + name)

    def brief(self, topic: str | None) -> DraftView:
        topic = " ".join(str(topic or "").split())
        return self._make("rag.briefing", "brief", topic, "简报_" + topic[:30])

    def _make(self, module: str, function: str, arg: str, name: str) -> DraftView:
        """Call ``module.function(assistant, arg)`` and render the Draft; errors become messages."""
        mod = _optional(module)
        if mod is None:
            return "", None, None, f"此功能尚未安装（缺少 {module} 模块）。"
        if self.assistant is None:
            return "", None, None, self.error
        try:
            return self._render_draft(getattr(mod, function)(self.assistant, arg), name)
        except ValueError as exc:  # DraftError and friends carry a sentence for the user
            return "", None, None, str(exc)
        except Exception as exc:
            return "", None, None, f"生成失败：{exc}"

    def _render_draft(self, draft: object, name: str) -> DraftView:
        markdown = draft.markdown()  # type: ignore[attr-defined]
        stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", name.rsplit(".", 1)[0]).strip("_") or "draft"
        self.downloads.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="draft-", dir=self.downloads))  # one per request: no clobbering
        files = []
        for suffix in (".md", ".docx"):
            draft.save(folder / f"{stem}{suffix}")  # type: ignore[attr-defined]
            files.append(str(folder / f"{stem}{suffix}"))
        problems = list(getattr(draft, "problems", []) or [])
        todo = len(_PLACEHOLDER.findall(markdown))
        message = f"已生成，{todo} 处〔待补〕需人工填写。" if todo else "已生成。"
        if problems:
            message += "\n请注意：\n" + "\n".join(f"- {p}" for p in problems)
        return highlight_placeholders(markdown), files[0], files[1], message


class LiveAssistant:
    """Forwards to the WebApp's current Assistant, so an API built once sees every upload."""

    def __init__(self, web: WebApp) -> None:
        self._web = web

    def __getattr__(self, name: str) -> object:
        if self._web.assistant is None:
            raise RuntimeError(self._web.error or "索引不可用")
        return getattr(self._web.assistant, name)


# ---------------------------------------------------------------- small helpers


def _plain(content: object) -> str:
    text = content if isinstance(content, str) else ""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _original_name(path: Path) -> str:
    """Gradio keeps the uploaded file's own name as the last path component."""
    return path.name


def _tick(progress: Progress | None, fraction: float, desc: str) -> None:
    if progress is not None:
        progress(fraction, desc=desc)


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
