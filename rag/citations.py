"""[n] markers ↔ sources, and the figures check.

Every figure (a number with its unit, a percentage, a date) in a sentence must
appear verbatim in a source that sentence cites::

    >>> figures("2020年新增省级企业技术中心104家，占30%以上。")
    ['2020年', '104家', '30%']
    >>> check_sentence("新增104家[1]。", {1: "苏北地区新增省级企业技术中心104家"})
    []
    >>> check_sentence("新增105家[1]。", {1: "苏北地区新增省级企业技术中心104家"})
    ['105家']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.documents import Answer, Citation, Document
from rag.figures import FIGURE

MARKER = re.compile(r"\[(\d{1,3})\]")
# Heads a refusal's closest sentences: quoted verbatim, but not trusted as the answer.
NOT_FOUND = "资料中未找到"  # how every refusal opens
CLOSEST_NOTE = "最接近的原文（未能确认回答了问题，请核对）"
_TITLE = re.compile(r"《[^《》]{1,80}》")
# A sentence with the markers that follow its end: "甲。[1]乙[2]。" → "甲。[1]", "乙[2]。"
_ANSWER_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;\n]*(?:\s*\[\d{1,3}\])*")


def one_line(text: str) -> str:
    r"""A quote on one line, for a list of sources (the citation keeps the original text).

    >>> one_line("2024\n01/04  苏州")
    '2024 01/04 苏州'
    """
    return " ".join(text.split())


def make_citation(n: int, doc: Document, start: int, end: int) -> Citation:
    return Citation(
        n=n,
        doc_id=doc.doc_id,
        title=doc.title,
        quote=doc.text[start:end],
        start=start,
        end=end,
        date=doc.date,
    )


def format_answer(answer: Answer, offsets: bool = True) -> str:
    """The answer followed by its numbered sources, as plain text (CLI, copy button)."""
    lines = [answer.text]
    if answer.citations:
        lines.append("\n来源：")
        for c in answer.citations:
            when = f"，{c.date}" if c.date else ""
            where = f"（{c.doc_id}，{c.start}–{c.end}）" if offsets else ""
            lines.append(f"[{c.n}] 《{c.title}》{when}{where}：{c.quote}")
    return "\n".join(lines)


def figures(text: str) -> list[str]:
    """Figures in ``text`` with citation markers removed, in order, without spaces.
    A 《title》 is a name, not a claim: its numbers are not figures.

    >>> figures("《第1002号建议的答复》落款于2021年6月18日")
    ['2021年6月18日']
    """
    clean = _TITLE.sub("", MARKER.sub("", text))
    return [re.sub(r"\s+", "", m.group(0)) for m in FIGURE.finditer(clean)]


_SPACE_OR_PIPE = re.compile(r"[\s|]+")


def compact(text: str) -> str:
    """Text without whitespace and table pipes, for finding a quote or a gold string in text that
    wraps it differently.

    >>> compact("答复时间：2025 -06-19 | 09:37")
    '答复时间：2025-06-1909:37'
    """
    return _SPACE_OR_PIPE.sub("", text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_sentence(sentence: str, sources: dict[int, str]) -> list[str]:
    """Figures in ``sentence`` not found as whole numbers in any source it cites.

    >>> check_sentence("答复时间是2025-06-19 09:37[1]。", {1: "答复时间：2025-06-19 09:37"})
    []
    >>> check_sentence("新增4家[1]。", {1: "新增104家"})
    ['4家']
    """
    cited = [sources[int(n)] for n in MARKER.findall(sentence) if int(n) in sources]
    pool = "\n".join(cited)  # a separator: no figure spans two sources
    return [f for f in figures(sentence) if not in_source(f, pool)]


@dataclass
class Verification:
    text: str  # the answer with invalid markers removed
    bad_markers: list[int] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # sentences failing a check
    failed_figures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unsupported and not self.bad_markers


def split_answer(text: str) -> list[str]:
    return [m.group(0) for m in _ANSWER_SENTENCE.finditer(text) if m.group(0).strip()]


def verify(text: str, sources: dict[int, str], require_marker: bool = True) -> Verification:
    """Check an answer against its numbered sources.

    Markers pointing at no source are removed and reported; a sentence with a
    figure missing from its cited sources, or (``require_marker``) without any
    valid marker, is unsupported.
    """
    bad = sorted({int(n) for n in MARKER.findall(text) if int(n) not in sources})
    cleaned = MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in sources else "", text)
    v = Verification(text=cleaned, bad_markers=bad)
    sentences = split_answer(cleaned)
    for sent in sentences:
        if not _squash(MARKER.sub("", sent)).strip("。！？；!?;"):
            continue
        missing = check_sentence(sent, sources)
        unmarked = require_marker and not MARKER.search(sent)
        if missing or unmarked:
            v.unsupported.append(sent.strip())
            v.failed_figures.extend(missing)
    return v


# ---------------------------------------------------------------- drafts (reply letters, briefings)

# A visible gap or flag the drafter must resolve: "〔待补：日期〕", "〔待核：105家〕".
PLACEHOLDER = re.compile(r"〔[^〔〕]*〕")


def unsupported_figures(sentence: str, sources: dict[int, str]) -> list[str]:
    """Like ``check_sentence``, but figures inside 〔…〕 placeholders are not claims.

    >>> unsupported_figures("新增105家[1]〔待补：2025年数据〕。", {1: "新增104家"})
    ['105家']
    >>> unsupported_figures("共有3家。", {})   # no marker: nothing vouches for the figure
    ['3家']
    """
    return check_sentence(PLACEHOLDER.sub("", sentence), sources)


def in_source(figure: str, source: str) -> bool:
    """``figure`` occurs in ``source`` as a whole number, whitespace between its characters
    tolerated but never glued across ("2024-11-18" is in "2024-11-18 13:24")::

    >>> in_source("2024-11-18", "发布时间:2024-11-18 13:24"), in_source("4家", "新增104家")
    (True, False)
    >>> in_source("104家", "新增104 家"), in_source("2024", "2024 01/04")
    (True, True)
    """
    body = r"[ \t\u3000]*".join(map(re.escape, figure))  # spaces yes, the source separator no
    head = r"(?<!\d)(?<!\d[.,])" if figure[:1].isdigit() else ""
    tail = r"(?!\d)(?![.,]\d)" if figure[-1:].isdigit() else ""
    return re.search(head + body + tail, source) is not None


def flag_figure(text: str, figure: str) -> str:
    """Mark the first unflagged occurrence of ``figure`` (spaces in the text tolerated).

    >>> flag_figure("新增105家[1]。", "105家")
    '新增〔待核：105家〕[1]。'
    """
    pattern = r"\s*".join(map(re.escape, figure))
    for m in re.finditer(pattern, text):
        if not any(p.start() <= m.start() < p.end() for p in PLACEHOLDER.finditer(text)):
            return f"{text[: m.start()]}〔待核：{figure}〕{text[m.end():]}"
    return text


def mark_unsupported(text: str, sources: dict[int, str]) -> tuple[str, list[str]]:
    """Flag every figure of ``text`` missing from the sources its sentence cites.

    Returns the marked text and the failures as "figure（sentence）" strings.

    >>> mark_unsupported("新增104家[1]。共105家[1]。", {1: "新增104家"})
    ('新增104家[1]。共〔待核：105家〕[1]。', ['105家（共105家[1]。）'])
    """
    failures: list[str] = []
    out: list[str] = []
    last = 0
    for m in _ANSWER_SENTENCE.finditer(text):  # gaps between matches are kept as they are
        out.append(text[last : m.start()])
        sent = m.group(0)
        for fig in unsupported_figures(sent, sources):
            failures.append(f"{fig}（{sent.strip()}）")
            sent = flag_figure(sent, fig)
        out.append(sent)
        last = m.end()
    out.append(text[last:])
    return "".join(out), failures
