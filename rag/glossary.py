"""Equivalent wordings of policy language (同义词表): 算力 = 计算能力, 中小企业 = 规模较小的公司 …

Staff ask in everyday words what the documents say in official ones, so a question and its
answer sentence can share almost no words.  A ``Glossary`` is a list of groups of wordings that
mean the same in this domain, read from a plain text file the office can edit
(``rag/data/glossary.txt``; ``RAG_GLOSSARY_FILE`` points elsewhere, ``none`` turns it off):

* one group a line, wordings separated by ``|``, the first is the group's canonical form;
* ``#`` starts a comment.

``normalize`` writes every wording as its group's canonical form, so question and sentence are
compared in the same words (rag/extraction.py).  The longest wording wins where two overlap::

    >>> g = Glossary.from_lines(["算力 | 计算能力", "全球 | 全世界 | 世界", "# a comment"])
    >>> g.normalize("中国的计算能力在世界上排第几？")
    '中国的算力在全球上排第几？'
    >>> g.normalize("算力规模位居全球第二")
    '算力规模位居全球第二'
    >>> len(g), Glossary.from_lines([]).normalize("原样")
    (2, '原样')
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_GLOSSARY = Path(__file__).resolve().parent / "data" / "glossary.txt"


class Glossary:
    """Groups of equivalent wordings; see the module docstring for the file format."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = [g for g in groups if len(g) >= 2]
        self._canonical: dict[str, str] = {}
        for group in self.groups:
            for w in group:
                # A wording listed twice keeps its first group: the file reads top-down.
                self._canonical.setdefault(w.lower(), group[0])
        words = sorted(self._canonical, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE) if words else None

    # -- building ------------------------------------------------------------------
    @classmethod
    def from_lines(cls, lines: list[str]) -> Glossary:
        groups = []
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if line:
                groups.append([w.strip() for w in line.split("|") if w.strip()])
        return cls(groups)

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """Read a glossary file; a clear message when it cannot be read."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"无法读取同义词表 {path}：{exc}（RAG_GLOSSARY_FILE=none 可关闭同义词表）") from exc
        return cls.from_lines(text.splitlines())

    def __len__(self) -> int:
        return len(self.groups)

    # -- using -------------------------------------------------------------------------
    def normalize(self, text: str) -> str:
        """``text`` with every listed wording replaced by its group's canonical form."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._canonical[m.group(0).lower()], text)

    def search_text(self, text: str) -> str:
        """``text`` in canonical words, followed by the other wordings of every group it uses:
        a search query that finds a passage whichever wording the passage has (rag/retrieval.py).

        >>> Glossary.from_lines(["全球 | 全世界 | 世界上", "算力 | 计算能力"]).search_text("世界上的计算能力")
        '全球的算力 全世界 世界上 计算能力'
        """
        canonical = self.normalize(text)
        others = [w for g in self.groups if g[0] in canonical for w in g[1:]]
        return " ".join([canonical, *others])


def load_glossary(setting: str) -> Glossary | None:
    """The glossary a ``RAG_GLOSSARY_FILE`` setting names: "" = the bundled one, "none" = off."""
    if setting.strip().lower() in ("none", "off"):
        return None
    return Glossary.load(Path(setting) if setting.strip() else DEFAULT_GLOSSARY)
