"""The 答复函起草 and 新人简报 tabs of the Gradio app: a draft (rag/drafting.py, rag/briefing.py)
as HTML with its 〔待补〕 marked, and the same draft as .md and .docx files to download.

Mixed into ``WebApp`` (rag/webapp.py), apart from the chat and the library edits: these tabs
only read the current Assistant and settings, and never edit the corpus.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from rag.briefing import brief
from rag.chain import Assistant
from rag.config import Settings
from rag.documents import Document
from rag.drafting import draft_reply
from rag.loading import LoadError, load_file
from rag.render import Draft
from rag.webview import PLACEHOLDER, UploadError, escape, highlight_placeholders, sanitize_filename

DraftView = tuple[str, str | None, str | None, str]  # HTML, .md path, .docx path, message


class DraftPages:
    """The drafting tabs' handlers; ``WebApp`` holds the state they read."""

    settings: Settings
    assistant: Assistant | None
    error: str
    downloads: Path
    docs: dict[str, Document]

    def draft(self, doc_id: str | None, upload: str | None) -> DraftView:
        """(draft HTML, .md path, .docx path, message) for a corpus proposal or an uploaded one."""
        if self.assistant is None:  # say why, not "please pick a proposal" from an empty list
            return "", None, None, escape(self.error)
        if upload:
            try:  # our own checks first: type, size, readable text
                name = sanitize_filename(Path(upload).name)
                load_file(Path(upload), Path(upload).parent, max_bytes=self.settings.max_file_mb * 2**20)
            except (UploadError, LoadError, OSError) as exc:
                return "", None, None, escape(f"无法读取上传的文件：{exc}")
            proposal = str(upload)
        elif doc_id and doc_id in self.docs:
            proposal, name = doc_id, doc_id
        else:
            return "", None, None, "请选择一份建议/提案，或上传一份。"
        return self._make(draft_reply, proposal, "答复函_" + name)

    def brief(self, topic: str | None) -> DraftView:
        topic = " ".join(str(topic or "").split())
        return self._make(brief, topic, "简报_" + topic[:30])

    def _make(self, make: Callable[[Assistant, str], Draft], arg: str, name: str) -> DraftView:
        """Call ``make(assistant, arg)`` and render the Draft; errors become messages."""
        if self.assistant is None:
            return "", None, None, escape(self.error)
        try:
            return self._render_draft(make(self.assistant, arg), name)
        except ValueError as exc:  # DraftError and friends carry a sentence for the user
            return "", None, None, escape(str(exc))
        except Exception as exc:
            return "", None, None, escape(f"生成失败：{exc}")

    def _render_draft(self, draft: Draft, name: str) -> DraftView:
        markdown = draft.markdown()
        stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", name.rsplit(".", 1)[0]).strip("_") or "draft"
        self.downloads.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="draft-", dir=self.downloads))  # one per request: no clobbering
        files = []
        for suffix in (".md", ".docx"):
            draft.save(folder / f"{stem}{suffix}")
            files.append(str(folder / f"{stem}{suffix}"))
        problems = list(draft.problems)
        todo = len(PLACEHOLDER.findall(markdown))
        message = f"已生成，{todo} 处〔待补〕需人工填写。" if todo else "已生成。"
        if problems:  # shown as Markdown: a topic or title like "<script>…" must stay text
            message += "\n请注意：\n" + "\n".join(f"- {escape(p)}" for p in problems)
        return highlight_placeholders(markdown), files[0], files[1], message
