"""Bytes → text for each supported file type: plain text with encoding
detection (BOM, UTF-8, GB18030, charset-normalizer), Markdown without its
markup (rag/markdown.py), HTML, .docx and .pdf.

    >>> read_bytes_as_text("政策".encode("gb18030"))
    '政策'
    >>> read_bytes_as_text("蘇州推進新型工業化".encode("big5"))
    '蘇州推進新型工業化'
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from rag.markdown import markdown_to_text

if TYPE_CHECKING:
    from docx.table import Table

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


class LoadError(Exception):
    """A file (or the corpus folder) could not be turned into a Document."""


# ---------------------------------------------------------------- decoding

_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def read_bytes_as_text(data: bytes) -> str:
    """Decode file bytes: BOM, strict UTF-8, GB18030, then charset-normalizer."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _check_textual(data.decode(codec))
            except UnicodeDecodeError as e:
                raise LoadError(f"带有 {codec} 字节序标记但无法解码（{e.reason}）") from e
    if b"\x00" in data:  # text encodings without a BOM never contain NUL
        raise LoadError("看起来是二进制文件而不是文本（含有 NUL 字节）")
    for codec in ("utf-8", "gb18030"):  # GB18030 is a superset of GBK and GB2312
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "gb18030" and _looks_misread(text):  # Big5 bytes read as GB18030 are garbage
            return _check_textual(_big5(data))
        return _check_textual(text)
    from charset_normalizer import from_bytes  # imported late: rarely needed

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("无法识别文本编码（不是 UTF-8/GBK/GB18030，可能是二进制文件）")
    return _check_textual(str(best))


_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


def _looks_misread(text: str) -> bool:
    """Private-use characters: no Chinese text has them, GB18030 makes them of Big5 bytes.

    >>> _looks_misread("政策文件".encode("gb18030").decode("gb18030"))
    False
    >>> _looks_misread("蘇州有幾家燈塔工廠？推進新型工業化".encode("big5").decode("gb18030"))
    True
    """
    return len(_PRIVATE_USE.findall(text)) >= max(2, len(text) // 1000)


def _big5(data: bytes) -> str:
    """Traditional-character text in Big5 (Taiwan, Hong Kong), or a clear refusal."""
    for codec in ("big5", "big5hkscs"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _PRIVATE_USE.search(text):
            return text
    raise LoadError("无法识别文本编码（按 GB18030 读出乱码，也不是 Big5）。请另存为 UTF-8 后再上传")


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # C0 controls except \t \n \f \r


def _check_textual(text: str) -> str:
    """Reject decodings with more than 1% control characters: that is binary data."""
    bad = len(CONTROL_CHARS.findall(text))
    if text and bad / len(text) > 0.01:
        raise LoadError(f"看起来是二进制文件而不是文本（{bad} 个控制字符）")
    return text


# ---------------------------------------------------------------- readers


class _HTMLText(HTMLParser):
    """Collects visible text; block elements become line breaks, table rows pipe rows."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
    BLOCK = frozenset(
        "p div br li ul ol h1 h2 h3 h4 h5 h6 section article header footer nav aside main"
        " title blockquote pre hr dt dd dl table form figure figcaption address".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive already unescaped
        self.parts: list[str] = []
        self.skip = 0
        self.cell = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "tr":
            self.parts.append("\n|")
        elif tag in ("td", "th"):
            self.cell += 1
            self.parts.append(" ")
        elif tag in self.BLOCK:
            self.parts.append(" " if self.cell else "\n")  # keep a table row on one line

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.parts.append(" " if self.cell else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self.cell = max(0, self.cell - 1)
            self.parts.append(" |")
        elif tag == "tr":
            self.parts.append("\n")
        elif tag in self.BLOCK:
            self.parts.append(" " if self.cell else "\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))  # HTML whitespace collapses


def _read_html(data: bytes) -> str:
    parser = _HTMLText()
    parser.feed(read_bytes_as_text(data))
    parser.close()
    return "".join(parser.parts)


def _read_docx(data: bytes) -> str:
    import docx  # imported late: only .docx files need it
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # zipfile/lxml/KeyError all mean "not a docx"
        # the library's own words (BadZipFile: File is not a zip file) stay in the chained exception
        raise LoadError("不是有效的 Word（.docx）文件：文件可能已损坏，或实际是旧版 .doc 等其他格式，请用 Word 另存为 .docx") from e
    lines: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables in order
        if isinstance(block, Table):
            lines.extend(_docx_rows(block))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _docx_rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat the same element
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.replace("\n", " "))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _read_pdf(data: bytes) -> str:
    import logging

    from pypdf import PdfReader  # imported late: only .pdf files need it

    # pypdf logs "EOF marker not found" etc. to stderr; the LoadError below already says it
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("PDF 已加密，无法读取")
        pages = list(reader.pages)
    except LoadError:
        raise
    except Exception as e:  # pypdf raises many types on malformed input
        raise LoadError("不是有效的 PDF 文件：文件可能已损坏或不完整，请重新导出或下载") from e
    texts, broken = [], 0
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # one odd page should not cost the whole document
            broken += 1
    if pages and broken == len(pages):
        raise LoadError("不是有效的 PDF 文件（没有一页能读出文字）")
    text = "\n\n".join(texts)
    if not text.strip():
        raise LoadError("PDF 中没有可提取的文字，可能是扫描图片（需要先做 OCR）")
    return text


def read_raw(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return _read_html(data)
    if suffix == ".docx":
        return _read_docx(data)
    if suffix == ".pdf":
        return _read_pdf(data)
    if suffix == ".md":
        return markdown_to_text(read_bytes_as_text(data))
    return read_bytes_as_text(data)
