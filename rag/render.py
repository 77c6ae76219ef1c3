"""Drafts (reply letters, briefings): the ``Draft`` object, its figures check,
and rendering to Markdown and Word (.docx).

A draft is a title and a list of blocks; cited blocks carry [n] markers that
point into ``citations``::

    >>> from rag.documents import Citation
    >>> c = Citation(1, "a.txt", "甲", "新增省级企业技术中心104家", 0, 13, "2021年6月18日")
    >>> d = Draft("示例", [Block("p", "新增省级企业技术中心105家[1]。", cited=True)], [c])
    >>> d.check()
    ['105家（新增省级企业技术中心105家[1]。）']
    >>> d.blocks[0].text
    '新增省级企业技术中心〔待核：105家〕[1]。'
    >>> d.problems
    ['数字核对未通过：105家（新增省级企业技术中心105家[1]。）']
    >>> print(source_line(c))
    [1] 《甲》（2021年6月18日）：“新增省级企业技术中心104家”

Word output is rag/word.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.citations import MARKER, flag_figure, mark_unsupported, one_line, unsupported_figures
from rag.documents import Citation


@dataclass
class Block:
    """One unit of a draft.

    kind: "h1" / "h2" headings, "p" paragraph, "plain" paragraph without
    indent (salutation), "right" right-aligned line (落款), "li" list item,
    "table" (``rows``, first row is the header), "note" small print.
    ``cited`` blocks go through the figures check: every figure must be in the
    quotes of the citations its sentence (or table row) names; for tables only
    the columns in ``check_cols`` are checked.
    """

    kind: str
    text: str = ""
    cited: bool = False
    rows: list[list[str]] = field(default_factory=list)
    check_cols: tuple[int, ...] = ()


@dataclass
class Draft:
    title: str
    blocks: list[Block]
    citations: list[Citation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failed figures, gaps, warnings
    subtitle: str = ""
    sources_heading: str = "附：引用来源"
    problems_heading: str = "起草提示（定稿前删除）"  # a briefing's: 编写提示

    @property
    def sections(self) -> list[str]:
        """The texts of the second-level headings (e.g. 一、…, 二、…)."""
        return [b.text for b in self.blocks if b.kind == "h2"]

    def check(self) -> list[str]:
        """Run the figures check over the cited blocks; mark and record failures."""
        sources = {c.n: c.quote for c in self.citations}
        failures: list[str] = []
        for b in self.blocks:
            if not b.cited:
                continue
            if b.kind == "table":
                failures += _check_rows(b, sources)
            else:
                b.text, bad = mark_unsupported(b.text, sources)
                failures += bad
        self.problems += [f"数字核对未通过：{f}" for f in failures]
        return failures

    def renumber(self) -> None:
        """Number citations in reading order (first marker seen gets [1]); drop unused ones."""
        order: dict[int, int] = {}
        for b in self.blocks:
            for text in [b.text, *(cell for row in b.rows for cell in row)]:
                for n in MARKER.findall(text):
                    order.setdefault(int(n), len(order) + 1)

        def swap(text: str) -> str:
            return MARKER.sub(lambda m: f"[{order.get(int(m.group(1)), m.group(1))}]", text)

        for b in self.blocks:
            b.text = swap(b.text)
            b.rows = [[swap(cell) for cell in row] for row in b.rows]
        kept = [c for c in self.citations if c.n in order]
        for c in kept:
            c.n = order[c.n]
        self.citations = sorted(kept, key=lambda c: c.n)

    def markdown(self) -> str:
        return to_markdown(self)

    def save(self, path: Path) -> Path:
        """Write .md or .docx (by suffix); returns the path written."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".md", ".docx"):
            raise ValueError(f"不支持的输出格式 {path.suffix or '（无扩展名）'}：请用 .docx 或 .md")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if suffix == ".md":
                path.write_text(self.markdown(), encoding="utf-8")
            else:
                from rag.word import to_docx  # python-docx is only needed for Word output

                to_docx(self, path)
        except OSError as exc:  # read-only folder, a file where a folder should be, disk full …
            raise ValueError(f"无法写入 {path}：{_os_reason(exc)}。请换一个可写的位置。") from exc
        return path


def _os_reason(exc: OSError) -> str:
    """A Chinese reason for the common errors; the system's own text otherwise."""
    import errno

    reasons = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "文件系统只读",
               errno.ENOSPC: "磁盘空间不足", errno.EEXIST: "路径中有同名文件挡住了文件夹",
               errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "这是一个文件夹",
               errno.ENAMETOOLONG: "文件名过长"}
    return reasons.get(exc.errno, exc.strerror or str(exc))


_PAGE_DATE = re.compile(r"(\d{4})\s+(\d{1,2})/(\d{1,2})(\s+\d{1,2}:\d{2}(?::\d{2})?)?")


def tidy_date(shown: str) -> str:
    """A web page's split date line ("2024 01/04 10:20") in the usual form; others as written.

    >>> tidy_date("2024 01/04 10:20"), tidy_date("2021年6月18日")
    ('2024-01-04 10:20', '2021年6月18日')
    """
    return _PAGE_DATE.sub(lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}{m.group(4) or ''}", shown)


def _check_rows(block: Block, sources: dict[int, str]) -> list[str]:
    """A table row is one claim: its checked cells against the citations anywhere in the row."""
    failures: list[str] = []
    # a page's "2024\n01/04" may be shown tidied ("2024-01-04"): checked against both forms
    tidied = {n: f"{q}\n{tidy_date(' '.join(q.split()))}" for n, q in sources.items()}
    for row in block.rows[1:]:
        markers = "".join(f"[{n}]" for n in MARKER.findall(" ".join(row)))
        for i in block.check_cols:
            bad = unsupported_figures(MARKER.sub("", row[i]).replace("。", "，") + markers, tidied)
            for fig in bad:
                row[i] = flag_figure(row[i], fig)
                failures.append(f"{fig}（表格：{' | '.join(row)}）")
    return failures


def source_line(c: Citation) -> str:
    when = f"（{c.date}）" if c.date else ""
    return f"[{c.n}] 《{c.title}》{when}：“{one_line(c.quote)}”"


# ---------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def to_markdown(d: Draft) -> str:
    out = [f"# {d.title}"]
    if d.subtitle:
        out.append(d.subtitle)
    for b in d.blocks:
        if b.kind == "h1":
            out.append(f"## {b.text}")
        elif b.kind == "h2":
            out.append(f"### {b.text}")
        elif b.kind == "table" and b.rows:
            out.append("\n".join(["| " + " | ".join(_cell(c) for c in b.rows[0]) + " |",
                                  "|" + "---|" * len(b.rows[0])]
                                 + ["| " + " | ".join(_cell(c) for c in r) + " |" for r in b.rows[1:]]))
        elif b.kind == "right":
            out.append(f'<div align="right">{b.text}</div>')
        elif b.kind == "li":
            out.append(f"- {b.text}")
        elif b.kind == "note":
            out.append(f"> {b.text}")
        else:
            out.append(b.text)
    if d.citations:
        out.append(f"## {d.sources_heading}")
        out.append("\n".join(source_line(c) for c in d.citations))
    if d.problems:
        out.append(f"## {d.problems_heading}")
        out.append("\n".join(f"- {p}" for p in d.problems))
    return "\n\n".join(out) + "\n"


def plain(text: str) -> str:
    """Text without [n] markers (for places where markers would not make sense)."""
    return re.sub(r"\s*\[\d{1,3}\]", "", text)


def load_snippets(path: Path, defaults: dict[str, str]) -> dict[str, str]:
    """The ``key: text`` lines of the ```snippets block of a prompts/*.md template.

    A missing file or key falls back to ``defaults``, so the template path always works.
    """
    out = dict(defaults)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return out
    m = re.search(r"```snippets\n(.*?)```", text, re.DOTALL)
    for line in (m.group(1).splitlines() if m else []):
        key, sep, value = line.partition(":")
        if sep and key.strip() in out:
            out[key.strip()] = value.strip()
    return out
