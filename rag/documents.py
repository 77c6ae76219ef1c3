"""The small dataclasses every stage passes around.

A ``Document`` is one cleaned file; a ``Chunk`` is an exact slice of it::

    >>> d = Document(doc_id="a.txt", text="第一句。第二句。")
    >>> c = Chunk(chunk_id="a.txt#0", doc_id="a.txt", text="第二句。", start=4, end=8)
    >>> d.text[c.start:c.end] == c.text
    True

Everything serialises to plain JSON-able dicts (``to_dict``/``from_dict``)
so the index on disk stays readable and never needs pickle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Field:
    """One metadata value and where in the cleaned text it was read from."""

    value: str
    start: int
    end: int


@dataclass
class Document:
    doc_id: str  # path relative to the corpus folder, with forward slashes
    text: str  # cleaned text; every offset in the project refers to it
    meta: dict[str, Field] = field(default_factory=dict)
    sha256: str = ""  # hash of the raw file bytes, for incremental ingest

    @property
    def title(self) -> str:
        f = self.meta.get("title")
        return f.value if f else self.doc_id.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    @property
    def kind(self) -> str:
        f = self.meta.get("kind")
        return f.value if f else ""

    @property
    def date(self) -> str:
        """The most telling date: reply date, then the letter's date, then publication."""
        for key in ("reply_date", "sign_date", "publish_date"):
            if key in self.meta:
                return self.meta[key].value
        return ""

    def value(self, key: str) -> str:
        f = self.meta.get(key)
        return f.value if f else ""

    def in_fields(self, start: int, end: int) -> bool:
        """``text[start:end]`` overlaps a parsed metadata field: a header or footer line of the page."""
        return any(f.start < end and start < f.end for f in self.meta.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "sha256": self.sha256,
            "meta": {k: asdict(v) for k, v in self.meta.items()},
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        meta = {k: Field(**v) for k, v in d.get("meta", {}).items()}
        return cls(doc_id=d["doc_id"], text=d["text"], meta=meta, sha256=d.get("sha256", ""))


@dataclass
class Chunk:
    chunk_id: str  # "doc_id#i"
    doc_id: str
    text: str
    start: int
    end: int
    heading: str = ""  # nearest section heading above the chunk
    title: str = ""  # the document title, used as retrieval context

    def search_text(self) -> str:
        """What retrieval indexes: title and heading give context a bare chunk lacks."""
        return " ".join(p for p in (self.title, self.heading, self.text) if p)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Chunk:
        return cls(**d)


@dataclass
class Hit:
    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # rank in each retriever, 0-based


@dataclass
class Citation:
    n: int
    doc_id: str
    title: str
    quote: str
    start: int
    end: int
    date: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    hits: list[Hit] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    message: str = ""  # a note for the user (e.g. why the input was rejected)
    # A refusal's best candidate sentences, quoted verbatim but not trusted as the answer: the
    # reader checks them (a paraphrased question often has its answer among them).
    closest: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "q": self.question,
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "unsupported": list(self.unsupported),
            "closest": [c.to_dict() for c in self.closest],
        }
