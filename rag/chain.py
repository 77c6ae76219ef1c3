"""The LangChain chain wiring the stages: validate → retrieve → answer.

``Assistant`` is what the CLI, the Gradio app and the API talk to.  The chain
itself is a LangChain ``Runnable``::

    validate (RunnableLambda) → {"question", "hits"} (PolicyRetriever) → answerer

Models are passed in (encoder, optional LLM), so tests hand in tiny real ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering import ExtractiveAnswerer
from rag.config import DEFAULT_EMBED_MODEL, Settings
from rag.documents import Answer, Hit
from rag.embedding import Encoder, make_encoder
from rag.glossary import Glossary, load_glossary
from rag.index import Index, IndexError_
from rag.index_manifest import is_outdated
from rag.ingest import IngestReport, ingest, rebuild_command
from rag.questions import expand
from rag.reranking import Reranker, make_reranker
from rag.retrieval import HybridSearcher, PolicyRetriever
from rag.validation import InputError, check_first_question, validate_question


class Assistant:
    def __init__(
        self,
        index: Index,
        encoder: Encoder | None,
        settings: Settings,
        llm: Any = None,
        glossary: Glossary | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        name, dim = (encoder.name, encoder.dim) if encoder else ("none", 0)
        hint = rebuild_command(index, settings.index_dir, settings.corpus_dir)  # its own corpus, not ours
        index.check_compatible(name, dim, settings.chunk_size, settings.chunk_overlap, hint)
        self.index = index
        self.encoder = encoder
        self.settings = settings
        self.searcher = make_searcher(index, encoder, settings, glossary)
        self.retriever = PolicyRetriever(searcher=self.searcher, k=settings.top_k)
        # "A？B？" is answered part by part, each from its own search: the question's top chunks
        # may all be about A
        search = lambda q: self.searcher.search(q, settings.top_k)  # noqa: E731
        self.answerer = make_answerer(index, encoder, settings, glossary, reranker, search)
        # An optional LangChain chat model (rag.llm): answers are generated, then verified.
        self.llm = llm
        self.generator = None
        if llm is not None:
            from rag.generation import GenerativeAnswerer

            self.generator = GenerativeAnswerer(
                llm, index, settings.prompts_dir, self.answerer, settings.fallback_on_unsupported
            )
        self.chain = self._build_chain()

    @classmethod
    def open(
        cls, settings: Settings, encoder: Encoder | None = None, llm: Any = None, reranker: Reranker | None = None
    ) -> Assistant:
        """Load the index (building it from the corpus first when missing, unless
        ``settings.auto_build`` is off); the chat model comes from ``settings.llm_backend`` and
        the cross-encoder from ``settings.rerank_model`` unless one is passed in."""
        encoder = encoder if encoder is not None else make_encoder(settings)
        reranker = reranker if reranker is not None else make_reranker(settings)
        if llm is None and settings.llm_backend != "extractive":
            from rag.llm import make_chat_model

            llm = make_chat_model(settings)
        glossary = load_glossary(settings.glossary_file)
        index_dir = Path(settings.index_dir)
        if settings.auto_build and not (index_dir / "manifest.json").exists():
            build(settings, encoder)
        elif settings.auto_build and is_outdated(index_dir):  # built by an older version: rebuilt, as if missing
            build(settings, encoder, rebuild=True)
        index = Index.load(Path(settings.index_dir))
        return cls(index, encoder, settings, llm=llm, glossary=glossary, reranker=reranker)

    def _build_chain(self) -> Runnable:
        def validate(q: str) -> str:
            return validate_question(q, self.settings.max_question_chars)

        def retrieve(q: str) -> dict:
            self._check_not_empty()
            return {"question": q, "hits": self.searcher.search(q, self.settings.top_k)}

        def answer(x: dict) -> Answer:
            if self.generator is not None:
                return self.generator.answer(x["question"], x["hits"])
            return self.answerer.answer(x["question"], x["hits"])

        return RunnableLambda(validate) | RunnableLambda(retrieve) | RunnableLambda(answer)

    def ask(self, question: str, history: list | None = None) -> Answer:
        """Answer or explain why not; never raises for bad input.

        ``history``: earlier turns, as (user, assistant) pairs or {"role", "content"}
        messages; a follow-up is condensed into a standalone question before retrieval.
        """
        try:
            if history:
                asked = validate_question(question, self.settings.max_question_chars)
                more = self._more(asked, history)
                if more is not None:
                    return more
                question = self.condense(asked, history)
            else:
                check_first_question(question)
            return self.chain.invoke(question)
        except InputError as exc:
            text = str(exc)
            return Answer(question=str(question)[:200], text=text, refused=True, message=text)

    def stream(self, question: str, history: list | None = None) -> Iterator[str | Answer]:
        """Text pieces (deltas) as they are produced, then the final verified ``Answer`` last."""
        try:
            q = validate_question(question, self.settings.max_question_chars)
            self._check_not_empty()
            more = self._more(q, history) if history else None
            if more is not None:
                yield more.text
                yield more
                return
            if history:
                q = self.condense(q, history)
            else:
                check_first_question(q)
        except InputError as exc:
            text = str(exc)
            yield text
            yield Answer(question=str(question)[:200], text=text, refused=True, message=text)
            return
        hits = self.searcher.search(q, self.settings.top_k)
        if self.generator is not None:
            yield from self.generator.stream(q, hits)
            return
        answer = self.answerer.answer(q, hits)
        yield answer.text
        yield answer

    def _more(self, question: str, history: list) -> Answer | None:
        """"还有呢？": more of the previous answer, leaving out what it quoted (offline answerer
        only; a chat model condenses the follow-up itself)."""
        from rag.history import normalize_history
        from rag.more import asked_more_of, asks_more

        pairs = normalize_history(history)
        if self.generator is not None or not asks_more(question) or not pairs:
            return None
        previous, shown = asked_more_of(pairs)
        if not previous:
            return None
        self._check_not_empty()
        return self.answerer.answer_more(previous, self.searcher.search(previous, self.settings.top_k), shown)

    def _check_not_empty(self) -> None:
        if not self.index.docs:  # else every question gets 资料中未找到, as if the documents said nothing
            raise InputError("索引中还没有任何文档。请把文档放进语料目录（如 corpus/）后运行 python -m rag ingest，"
                             "或在「资料库」页上传。")

    def condense(self, question: str, history: list) -> str:
        """A follow-up ("那苏北呢？") rewritten as a standalone question (rag.followup)."""
        from rag.followup import condense, normalize_history

        return condense(question, normalize_history(history), self.llm, self.settings.prompts_dir)

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        return self.searcher.search(question, k or self.settings.top_k)


def make_searcher(index: Index, encoder: Encoder | None, settings: Settings, glossary: Glossary | None) -> HybridSearcher:
    """The hybrid search the settings ask for; with a glossary the question is also searched in
    the glossary's wordings (rag/retrieval.py)."""
    rewrite = (lambda q: glossary.search_text(expand(q))) if glossary is not None else None
    return HybridSearcher(index, encoder, settings.dense_weight, settings.candidates, settings.rrf_k, rewrite)


def make_answerer(
    index: Index,
    encoder: Encoder | None,
    settings: Settings,
    glossary: Glossary | None,
    reranker: Reranker | None = None,
    search: Callable[[str], list[Hit]] | None = None,
) -> ExtractiveAnswerer:
    """The offline answerer the settings ask for: sentences reranked by a cross-encoder when
    one is given, else by the index's encoder (``settings.semantic_rerank``), compared in the
    glossary's words."""
    encoder = encoder if settings.semantic_rerank else None
    answerer = ExtractiveAnswerer(index, encoder=encoder, glossary=glossary, reranker=reranker, search=search)
    if encoder is not None and encoder.name != DEFAULT_EMBED_MODEL:
        # the cosine thresholds were measured with USE only: off (docs/quality.md)
        answerer.sem_trust = answerer.pair_trust = 2.0
    return answerer


def build(settings: Settings, encoder: Encoder | None, rebuild: bool = False, progress=None) -> IngestReport:
    return ingest(
        Path(settings.corpus_dir),
        Path(settings.index_dir),
        encoder,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        rebuild=rebuild,
        max_bytes=settings.max_file_mb * 1024 * 1024,
        progress=progress,
        workers=settings.embed_workers,
    )


__all__ = ["Assistant", "InputError", "IndexError_", "build", "validate_question"]
