"""What a proposal asks (its 对策建议 points) and what the rest of the corpus says about it.

Proposals list their recommendations as the last run of numbered points of
the 建议内容, or under a heading that names them (……的对策建议)::

    >>> from rag.documents import Document
    >>> text = ("建议内容：现状如下。 (一)甲已完成。 (二)乙在推进。 存在问题。 (一)问题一。 "
    ...         "(二)问题二。 (一)加强创新,推进攻关。 具体做法。 (二)培育人才。 办法。\\n承办单位：某局")
    >>> [(r.n, r.heading) for r in recommendations(Document("p.txt", text))]
    [(1, '加强创新,推进攻关'), (2, '培育人才')]
    >>> text = "建议内容： (一)对策建议 1.以甲推进乙。 做法。 2.以丙健全丁 说明。"
    >>> [(r.marker, r.heading) for r in recommendations(Document("q.txt", text))]
    [('1.', '以甲推进乙'), ('2.', '以丙健全丁')]

A reply letter answers in sections of the highest level it uses (一、 above (一) above 1.,
the order of GB/T 9704), between 现答复如下 and the closing thanks::

    >>> text = "某代表：\\n您的建议收悉，现答复如下：\\n一、加强创新\\n(一)甲。 (二)乙。\\n二、培育人才\\n丙。\\n感谢您的意见。"
    >>> [(r.marker, r.heading) for r in reply_sections(Document("r.txt", text))]
    [('一、', '加强创新'), ('二、', '培育人才')]

Every point keeps its offsets, so ``doc.text[r.start:r.end]`` is its full text.

"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.documents import Document

CN_DIGITS = "一二三四五六七八九十"
# Marker styles, each with the group holding its ordinal. A marker starts a line or follows
# whitespace or a sentence's end ("对策建议：1.设立专项基金。2.完善…" typed as one paragraph), so
# "2.8%" or "（2023-2024）" inside a sentence never count.
_STYLES = {
    "paren_cn": re.compile(rf"(?:(?<=[\s。；;：:！？!?])|^)[(（](?P<o>[{CN_DIGITS}]{{1,3}})[)）]", re.MULTILINE),
    "cn_dun": re.compile(rf"(?:(?<=[\s。；;：:！？!?])|^)(?P<o>[{CN_DIGITS}]{{1,3}})、", re.MULTILINE),
    "arabic": re.compile(r"(?:(?<=[\s。；;：:！？!?])|^)(?P<o>\d{1,2})[.、．](?!\d)", re.MULTILINE),
    "paren_num": re.compile(r"(?:(?<=[\s。；;：:！？!?])|^)[(（](?P<o>\d{1,2})[)）]", re.MULTILINE),
}
_CONTENT_START = re.compile(r"(?:建议|提案)内容\s*[:：]")
_CONTENT_END = re.compile(r"^\s*(?:承办单位|办理期限|答复内容|主办)", re.MULTILINE)
_RECS_HEADING = re.compile(r"对策|建议|措施|举措|意见")
_HEAD_END = re.compile(r"[。！？!?\n]| (?=\S)")


@dataclass
class Recommendation:
    n: int  # 1-based position in the run
    marker: str  # as written: "(一)", "1."
    heading: str  # the point's first sentence, without marker and final stop
    body: str  # what follows the heading, up to the next point
    start: int  # offsets of the whole point (marker included) in doc.text
    end: int

    @property
    def text(self) -> str:
        return f"{self.heading}。{self.body}" if self.body else self.heading

    def heading_span(self, text: str) -> tuple[int, int]:
        """The marker and heading as written ("(一)发挥…"), what a citation of the point quotes."""
        head = text.find(self.heading, self.start, self.end) if self.heading else -1
        return self.start, (head + len(self.heading)) if head >= 0 else self.start + len(self.marker)


def ordinal(token: str) -> int:
    """ "3" -> 3, "十二" -> 12, "四" -> 4."""
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + CN_DIGITS.index(token[1]) + 1
    if "十" in token:
        tens, _, ones = token.partition("十")
        return (CN_DIGITS.index(tens) + 1) * 10 + (CN_DIGITS.index(ones) + 1 if ones else 0)
    return CN_DIGITS.index(token) + 1


def content_span(text: str) -> tuple[int, int]:
    """Where the proposal's own words are: after 建议内容： and before 承办单位."""
    m = _CONTENT_START.search(text)
    start = m.end() if m else 0
    end = _CONTENT_END.search(text, start)
    return start, end.start() if end else len(text)


def _markers(text: str, start: int, end: int) -> dict[str, list[re.Match[str]]]:
    return {name: list(p.finditer(text, start, end)) for name, p in _STYLES.items()}


def _runs(matches: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Maximal runs numbered 1, 2, 3, … in order; a new 1 starts a new run."""
    runs: list[list[re.Match[str]]] = []
    for m in matches:
        k = ordinal(m.group("o"))
        if k == 1:
            runs.append([m])
        elif runs and ordinal(runs[-1][-1].group("o")) == k - 1:
            runs[-1].append(m)
    return runs


def _heading_end(text: str, start: int, limit: int) -> int:
    m = _HEAD_END.search(text, start, min(limit, start + 80))
    return m.start() if m else min(limit, start + 80)


def _recs_region(text: str, start: int, end: int) -> tuple[int, int] | None:
    """After a heading such as "(三)……的对策建议" when the proposal has one."""
    for ms in _markers(text, start, end).values():
        for m in ms:
            head_end = _heading_end(text, m.end(), end)
            if _RECS_HEADING.search(text[m.end() : head_end]):
                return head_end, end
    return None


def _best_run(text: str, start: int, end: int, first: bool) -> list[re.Match[str]]:
    """The first run (inside a recommendations section) or the last run (whole content)."""
    runs = [r for ms in _markers(text, start, end).values() for r in _runs(ms) if len(r) >= 2]
    if not runs:
        return []
    if first:
        return min(runs, key=lambda r: r[0].start())
    return max(runs, key=lambda r: r[-1].start())


def recommendations(doc: Document) -> list[Recommendation]:
    """The numbered recommendations of a proposal, in order; [] when none are found."""
    text = doc.text
    start, end = content_span(text)
    region = _recs_region(text, start, end)
    run = _best_run(text, *region, first=True) if region else []
    if not run:
        run = _best_run(text, start, end, first=False)
    return _points(text, run, end)


# What a run of points is about, read from the words just before it ("…过程中存在的问题 ",
# "主要情况:"): a proposal often describes the situation and its problems before its recommendations.
ABOUT = {
    "problems": re.compile(r"问题|不足|短板|瓶颈|困难|难点|挑战"),
    "situation": re.compile(r"现状|情况|成效|成绩|进展"),
}
_LEAD_MAX = 60


def points_about(doc: Document, about: str) -> list[Recommendation]:
    """The first run of numbered points whose lead-in names ``about`` ("problems" or "situation");
    [] when the proposal has none.

    >>> text = "建议内容： 主要情况: 1.甲较好。 2.乙较好。 主要问题: 1.丙不足。 2.丁不足。 建议: 1.戊。 2.己。"
    >>> [r.heading for r in points_about(Document("p.txt", text), "problems")]
    ['丙不足', '丁不足']
    """
    text = doc.text
    start, end = content_span(text)
    runs = sorted((r for ms in _markers(text, start, end).values() for r in _runs(ms) if len(r) >= 2),
                  key=lambda r: r[0].start())
    leads = [re.split(r"[。！？!?]", text[max(start, r[0].start() - _LEAD_MAX) : r[0].start()])[-1] for r in runs]
    for i, (run, lead) in enumerate(zip(runs, leads, strict=True)):
        if ABOUT[about].search(lead):
            later = [r[0].start() - len(ld) for r, ld in zip(runs[i + 1 :], leads[i + 1 :], strict=True)
                     if r[0].start() > run[-1].start()]
            return _points(text, run, later[0] if later else end)
    return []


_REPLY_START = re.compile(r"现(?:将有关情况)?答复如下\s*[:：]?")
_REPLY_END = re.compile(r"^\s*(?:感谢|衷心感谢|再次感谢|特此|此复)", re.MULTILINE)


def reply_sections(doc: Document) -> list[Recommendation]:
    """The numbered sections of a reply letter's answer, of the highest level it uses; []
    when it has none."""
    text = doc.text
    m = _REPLY_START.search(text)
    start = m.end() if m else 0
    stop = _REPLY_END.search(text, start)
    end = stop.start() if stop else len(text)
    found = _markers(text, start, end)
    for style in ("cn_dun", "paren_cn", "arabic", "paren_num"):  # GB/T 9704's order of levels
        runs = [r for r in _runs(found[style]) if len(r) >= 2]
        if runs:
            return _points(text, max(runs, key=len), end)
    return []


def _points(text: str, run: list[re.Match[str]], end: int) -> list[Recommendation]:
    out = []
    for i, m in enumerate(run):
        stop = run[i + 1].start() if i + 1 < len(run) else end
        # "1. 完善设施" or "1.\n完善设施": the heading starts after the space, not at it
        first = m.end() + len(text[m.end() : stop]) - len(text[m.end() : stop].lstrip())
        head_end = _heading_end(text, first, stop)
        heading = text[first:head_end].strip().rstrip("。；;，,")
        body = text[head_end:stop].strip().lstrip("。 ").strip()
        out.append(Recommendation(i + 1, m.group(0).strip(), heading, body, m.start(), stop))
    return out


_REPLY_FIELD = re.compile(r"答复内容\s*[:：]")
_ATTACHMENT = re.compile(r"[^\s:：|/\\]{1,80}\.(?:docx?|pdf|wps|ofd|xlsx?)", re.IGNORECASE)
_ATTACHMENT_REACH = 120  # the file is listed right under the label ("附件\n\n118号提案的答复.doc")


def reply_field(text: str) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """A proposal page's 答复内容 label and the file named just after it, where the reply is;
    (None, None) on a page without the label (a ".pdf" in a news item is no attachment).

    >>> label, file = reply_field("办理类型：A\\n答复内容：附件\\n482号提案的答复.doc")
    >>> label.group(0), file.group(0)
    ('答复内容：', '482号提案的答复.doc')
    """
    label = _REPLY_FIELD.search(text)
    if label is None:
        return None, None
    return label, _ATTACHMENT.search(text, label.end(), label.end() + _ATTACHMENT_REACH)
