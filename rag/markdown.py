"""Markdown source → the plain text a reader sees (rag/readers.py reads .md files through it).

The markup goes and the words stay: ``#`` headings, emphasis, bullets, quote markers, link
syntax.  Numbered markers (1. （一）) are content, since the policy-document parsers
(rag/proposals.py) read them, and tables stay pipe rows for ``loading.clean_text``.
"""

from __future__ import annotations

import re

# Markdown: the markup goes, the words stay.  Numbered markers (1. （一）) are content: the
# policy-document parsers (rag/proposals.py) read them.  Tables stay pipe rows for clean_text.
_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_MD_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t\u3000]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?:\[[ xX]\][ \t]+)?")
# "1. 完善设施" is a list item; the documents write its number as "1.完善设施" (rag/proposals.py)
_MD_NUMBERED = re.compile(r"^([ \t]*\d{1,9}[.)])[ \t]+(?=\S)")
# "[1]: https://…" (a link's target); "[注]: 数据来自统计局" is text and stays
_MD_REF_DEF = re.compile(
    r"^ {0,3}\[([^\]\n^]+)\]:[ \t]*<?(?:[A-Za-z][A-Za-z0-9+.-]*:|www\.|[./#])[^\s>]*>?"
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$"""
)
_MD_INLINE = re.compile(
    r"\\(?P<esc>[!-/:-@\[-`{-~])"  # \* \_ \# …: the character itself, never markup
    r"|(?P<tick>`+)(?P<code>.+?)(?P=tick)"  # `code`
    r"|!\[(?P<alt>[^\]\n]*)\]\([^)\n]*\)"  # ![image](src): an image is no text, as in HTML
    r"|\[(?P<link>[^\]\n]*)\]\([^)\n]*\)"  # [text](url "title")
    r"|\[(?P<ref_text>[^\]\n]+)\]\[(?P<ref>[^\]\n]*)\]"  # [text][ref], only if ref is defined
    r"|<(?P<auto>(?:https?|ftp|mailto):[^>\s]+)>"  # <https://…>
    # **strong**, ***both***, __strong__ (not in snake__case__ words), *emphasis* (not 3*4*5)
    r"|(?P<strong>\*\*\*|\*\*|(?<![A-Za-z0-9])(?P<u>__))(?=\S)(?P<inner>.+?)(?<=\S)(?P=strong)"
    r"(?(u)(?![A-Za-z0-9]))"
    r"|(?<![*\d])\*(?![\s*])(?P<em>.+?)(?<![\s*])\*(?![*\d])"
)


def markdown_to_text(text: str) -> str:
    """Markdown source as the plain text a reader sees: headings without ``#``, no emphasis
    markers, bullets, quote markers or link syntax; numbered points and tables are kept.

    >>> markdown_to_text("# 关于加快发展低空经济的建议\\n\\n**建议人**：张三\\n- 详见[报告](https://a.cn)")
    '关于加快发展低空经济的建议\\n\\n建议人：张三\\n详见报告'
    >>> markdown_to_text("> 1. 完善设施\\n（一）加强支持\\n| **指标** | 数值 |")
    '1.完善设施\\n（一）加强支持\\n| 指标 | 数值 |'
    """
    lines = re.split(r"\r\n|\r|\n", text)
    refs = {m.group(1).strip().lower() for m in map(_MD_REF_DEF.match, lines) if m}
    out: list[str] = []
    fence = ""
    for line in lines:
        if fence:  # inside a fenced code block: verbatim, until the closing fence
            m = _MD_FENCE.match(line)
            closes = m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
            if closes and not line[m.end():].strip():
                fence = ""
            else:
                out.append(line)
            continue
        m = _MD_FENCE.match(line)
        if m:
            fence = m.group(1)
            continue
        out.append(_markdown_line(line, refs))
    return "\n".join(out)


def _markdown_line(line: str, refs: set[str]) -> str:
    if _MD_RULE.match(line) or _MD_REF_DEF.match(line):  # --- *** === and [ref]: url lines
        return ""
    while _MD_QUOTE.match(line):  # "> > text" (nested quotes)
        line = _MD_QUOTE.sub("", line, count=1)
    heading = _MD_HEADING.match(line)
    if heading:
        line = heading.group(1) or ""
    else:
        line = _MD_NUMBERED.sub(r"\1", _MD_BULLET.sub("", line, count=1), count=1)
    line = re.sub(r"(?<!\\)\\$", "", line)  # a backslash hard line break
    return _markdown_inline(line, refs)


def _markdown_inline(text: str, refs: set[str]) -> str:
    def plain(m: re.Match[str]) -> str:
        if m.group("esc") is not None:
            return m.group("esc")
        if m.group("code") is not None:
            return m.group("code").strip(" ") or m.group(0)
        if m.group("alt") is not None:
            return ""
        if m.group("link") is not None:
            return _markdown_inline(m.group("link"), refs)
        if m.group("ref_text") is not None:  # "研究表明[1][2]" is no link: left as it is
            ref = (m.group("ref") or m.group("ref_text")).strip().lower()
            return _markdown_inline(m.group("ref_text"), refs) if ref in refs else m.group(0)
        if m.group("auto") is not None:
            return m.group("auto")
        return _markdown_inline(m.group("inner") or m.group("em"), refs)

    return _MD_INLINE.sub(plain, text)
