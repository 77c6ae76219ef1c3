"""Files on disk -> cleaned ``Document`` objects.

Every supported file becomes plain text, then ``clean_text`` strips web-page
boilerplate and normalises whitespace; all later offsets (chunks, citations,
metadata spans) refer to that cleaned text::

    >>> clean_text("建 议 人: | 胡伏原 | 建 议 号: | 482 |\\n扫一扫在手机打开当前页")
    '建议人：胡伏原 建议号：482'
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rag.documents import Document
from rag.metadata import extract_metadata
from rag.readers import CONTROL_CHARS, SUPPORTED, LoadError, read_bytes_as_text, read_raw

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
__all__ = ["SUPPORTED", "DEFAULT_MAX_BYTES", "LoadError", "clean_text", "iter_corpus_files",
           "load_corpus", "load_file", "read_bytes_as_text"]


# ---------------------------------------------------------------- cleaning

_NEWLINES = re.compile(r"\r\n|[\r\f\v\x85\u2028\u2029]")
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CRUMB = r"[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9]{1,14}"
_DROP_LINE = [
    re.compile(r"^Produced\s+By\b.*$", re.IGNORECASE),
    re.compile(r"^(?:免责声明\s*[:：]|【免责声明】).*$"),
    re.compile(r"^(?:【?(?:打印本页|打印|关闭窗口|关闭|返回顶部)】?\s*)+$"),
    re.compile(r"^(?:浏览(?:次数|量)?|阅读(?:数|量)?)\s*[:：]?\s*\d*\s*次?$"),
    # navigation crumbs such as "委员之家 >履职建言" or "当前位置：首页 > 新闻"
    # (items start with a hanzi, so "增速 > 5%" stays)
    re.compile(rf"^(?:当前位置\s*[:：]\s*)?(?:{_CRUMB}\s*[>›»]+\s*)+{_CRUMB}$"),
]
_DROP_FRAGMENT = [
    re.compile(r"扫一扫在手机打开当前页"),
    re.compile(r"[\[【]\s*不良信息举报[^\]】\n]*[\]】]"),
    re.compile(r"字体\s*[:：]\s*\[[^\]\n]{0,20}\]"),
    re.compile(r"【\s*字体\s*[:：][大中小\s]*】"),
]
_HEADER_LINE = re.compile(r"(?:发布|时间|日期|来源)\s*[:：]")
_VIEW_COUNTER = re.compile(r"(?:(?<=\s)|^)浏览(?:次数|量)?\s*[:：]?\s*\d*\s*次?(?=\s|$)")
# a short label written with spaces between its characters: "建 议 人:" -> "建议人:"
_SPACED_LABEL = re.compile(r"(?<![^\s|])((?:[\u4e00-\u9fff] ){1,4}[\u4e00-\u9fff])(?= ?[:：])")
_LABEL_CELL = re.compile(r"^[^\s:：]{1,12}[:：]$")


def clean_text(raw: str) -> str:
    """Remove page boilerplate and normalise whitespace; content text is kept verbatim.

    Idempotent: ``clean_text(clean_text(x)) == clean_text(x)``.
    """
    text = _NEWLINES.sub("\n", raw)
    text = _INVISIBLE.sub("", CONTROL_CHARS.sub("", text))
    text = _SPACES.sub(" ", text)
    lines = [_clean_line(line) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line is not None)
    text = re.sub(r"\n{3,}", "\n\n", text)  # at most one blank line between paragraphs
    return text.strip("\n")


def _clean_line(line: str) -> str | None:
    """One physical line; ``None`` drops it (only for boilerplate lines)."""
    line = line.strip(" ")
    if not line:
        return ""
    line = _strip_fragments(line)  # first, so a row like "| a | b | 扫一扫…" is seen as a row
    parts = _pipe_row(line) if _is_pipe_row(line) else [line]
    # every transformation runs again on each output line, which makes a second pass a no-op
    kept = [p for p in (_strip_fragments(_despace_labels(p)) for p in parts) if _keep(p)]
    return "\n".join(kept) if kept else None


def _strip_fragments(line: str) -> str:
    for pattern in _DROP_FRAGMENT:
        line = pattern.sub("", line)
    if _HEADER_LINE.search(line):  # only header lines: "供市民浏览" in prose stays
        line = _VIEW_COUNTER.sub("", line)
    return re.sub(r" {2,}", " ", line).strip(" ")


def _despace_labels(line: str) -> str:
    return _SPACED_LABEL.sub(lambda m: m.group(1).replace(" ", ""), line)


def _keep(line: str) -> bool:
    return bool(line) and not any(p.match(line) for p in _DROP_LINE)


def _is_pipe_row(line: str) -> bool:
    return line.count("|") >= 2 and (line.startswith("|") or line.endswith("|"))


def _pipe_row(line: str) -> list[str]:
    """``建 议 人: | 胡伏原 |`` -> ``建议人：胡伏原``: labels glued to values, no pipes."""
    cells = [_despace_labels(c.strip(" ")) for c in line.split("|")]
    cells = [c for c in cells if c and not re.fullmatch(r":?-{2,}:?", c)]  # md rules
    lines = [""]
    label_open = False
    for cell in cells:
        is_label = bool(_LABEL_CELL.match(cell))
        if label_open and not is_label:  # a value right after its label
            if len(cell) > 60:  # long text (建议内容) reads better as its own paragraph
                lines.append("")
            lines[-1] += cell
        else:
            lines[-1] += (" " if lines[-1] else "") + cell
        if is_label:
            lines[-1] = lines[-1][:-1] + "："
        label_open = is_label
    return lines


# ---------------------------------------------------------------- files


def load_file(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read, clean and annotate one file; any problem becomes a ``LoadError``."""
    path, root = Path(path), Path(root)
    doc_id = _doc_id(path, root)

    def fail(reason: str) -> LoadError:
        return LoadError(f"无法读取 {doc_id}：{reason}")

    if not path.exists():
        raise fail("文件不存在")
    if not path.is_file():
        raise fail("不是普通文件")
    if path.suffix.lower() not in SUPPORTED:
        raise fail(f"不支持的文件类型 {path.suffix or '（无扩展名）'}（支持 {' '.join(SUPPORTED)}）")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise fail(f"文件过大（{size / 2**20:.1f} MB，上限 {max_bytes / 2**20:.1f} MB）")
        data = path.read_bytes()
    except OSError as e:
        raise fail(f"无法打开文件（{e.strerror or e}）") from e
    if not data:
        raise fail("文件为空")
    try:
        text = clean_text(read_raw(path, data))
    except LoadError as e:
        raise fail(str(e)) from e
    if not text.strip():
        raise fail("清理后没有任何文字内容")
    return Document(
        doc_id=doc_id,
        text=text,
        meta=extract_metadata(text, doc_id),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _doc_id(path: Path, root: Path) -> str:
    for p, r in ((path, root), (path.resolve(), root.resolve())):
        try:  # unresolved first, so an id matches what a caller computes the same way
            return p.relative_to(r).as_posix()
        except ValueError:
            continue
    return path.name  # not under root: the bare name is still a stable id


def iter_corpus_files(root: Path) -> list[Path]:
    """Supported files under ``root``, sorted; hidden entries and ``~$`` temp files skipped."""
    root = Path(root)
    if not root.is_dir():
        raise LoadError(f"语料目录不存在或不是文件夹：{root}")
    found = [p for p in _visible_files(root) if p.suffix.lower() in SUPPORTED]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def unsupported_files(root: Path) -> list[str]:
    """Visible files under ``root`` of a kind the loader does not read ("表格.xls"), relative paths."""
    root = Path(root)
    return sorted(p.relative_to(root).as_posix() for p in _visible_files(root) if p.suffix.lower() not in SUPPORTED)


def _visible_files(root: Path) -> list[Path]:
    """Files under ``root``, hidden entries (".git", ".隐藏.txt") and Word's "~$" temp files left out."""
    return [
        p for p in root.rglob("*")
        if p.is_file() and not p.name.startswith("~$")
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]


def load_corpus(
    root: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Document], list[str]]:
    """Load every supported file; a bad file is reported, never fatal."""
    docs: list[Document] = []
    errors: list[str] = []
    for path in iter_corpus_files(root):
        try:
            docs.append(load_file(path, root, max_bytes=max_bytes))
        except LoadError as e:
            errors.append(str(e))
    return docs, errors
