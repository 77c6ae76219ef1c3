"""The LangChain chain wiring the stages: validate → retrieve → answer.

``Assistant`` is what the CLI, the Gradio app and the API talk to.  The chain
itself is a LangChain ``Runnable``::

    validate (RunnableLambda) → {"question", "hits"} (PolicyRetriever) → answerer

Models are passed in (encoder, optional LLM), so tests hand in tiny real ones.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering import BARE_NUMBER, BARE_STRIP, ExtractiveAnswerer
from rag.config import DEFAULT_EMBED_MODEL, Settings
from rag.documents import Answer, Hit
from rag.embedding import Encoder, make_encoder
from rag.followup import refers_back
from rag.glossary import Glossary, load_glossary
from rag.index import Index, IndexError_
from rag.index_manifest import is_outdated
from rag.ingest import IngestReport, ingest, rebuild_command
from rag.questions import expand
from rag.refs import FULL_WIDTH
from rag.reranking import Reranker, make_reranker
from rag.retrieval import HybridSearcher, PolicyRetriever


class InputError(ValueError):
    """A question the assistant will not process, with a message for the user."""


def validate_question(question: object, max_chars: int = 500) -> str:
    """The question as the assistant searches it, or an ``InputError`` saying what is wrong.

    Full-width letters and digits become ASCII (``１１８`` is 118); Chinese punctuation stays.

    >>> validate_question("４８２号建议是谁提出的？"), validate_question("ＡＩ　大模型")
    ('482号建议是谁提出的？', 'AI 大模型')
    """
    if not isinstance(question, str) or not question.strip():
        raise InputError("请输入问题。")
    q = " ".join(question.translate(FULL_WIDTH).split())
    if len(q) > max_chars:
        raise InputError(f"问题过长（{len(q)} 字），请精简到 {max_chars} 字以内，或拆成几个问题。")
    if not re.search(r"\w", q):  # "？？？" or "<>" alone: nothing to search for
        raise InputError("问题中没有文字，请用中文写出要问的内容，例如“482号建议是谁提出的？”。")
    han = re.search(_HAN, q)
    english = len(re.findall(r"[A-Za-z]{2,}", q)) >= 2  # "Who proposed suggestion 482?"
    if not han and (english or not re.search(r"\d", q)):  # "x", "hello": the documents are Chinese
        raise InputError("请用中文提问（资料库中的文件都是中文），例如“482号建议是谁提出的？”。")
    q = to_simplified(q)  # the documents are in simplified characters
    _check_number(q, numbers_only=not han and not re.search(r"[A-Za-z]", q))
    if _SMALL_TALK.fullmatch(q):  # thanks and greetings are not questions about the documents
        # thanks are answered 不客气, a greeting by one, anything else (好的, 收到) by neither
        reply = "不客气！" if _THANKS.match(q) else "您好！" if _GREETING.match(q) else ""
        raise InputError(f"{reply}请直接提出与资料有关的问题，例如“118号建议由哪个部门主办？”。")
    return q


_HAN = r"[\u3400-\u9fff]"
# A question that is only a number: the answerer (rag/answering.py) strips these characters and
# gives the record card when BARE_NUMBER ("482", "第482号", "482号建议") matches the rest.
# _NUMBER_ALONE is the same shape with any number of digits: "123456" is no proposal number.
_NUMBER_ALONE = re.compile(r"第?\s*(\d+)\s*号?\s*(?:建议|提案|议案)?")
# A 6+ digit number named as a proposal's inside a question (as rag/questions.py finds 482号建议):
# "123456号建议是谁提出的？" would otherwise be asked about 第23456号.
_LONG_NUMBER_REF = re.compile(r"第\s*(\d{6,})\s*号|(?<!\d)(\d{6,})\s*号(?=建议|提案|议案|答复|代表建议)")


def _check_number(q: str, numbers_only: bool) -> None:
    """Refuse a number that is no proposal number (6+ digits), and a question of digits and
    punctuation only ("-1", "1.5") that is not a bare proposal number; "482" passes.

    >>> _check_number("第482号", numbers_only=False), _check_number("482？", numbers_only=True)
    (None, None)
    """
    bare = q.strip(BARE_STRIP)
    whole = _NUMBER_ALONE.fullmatch(bare)
    if whole and BARE_NUMBER.fullmatch(bare):
        return  # the answerer gives the proposal's record card (or says it has no such proposal)
    long_ref = _LONG_NUMBER_REF.search(q)
    if whole or long_ref:
        number = whole.group(1) if whole else long_ref.group(1) or long_ref.group(2)
        shown = number if len(number) <= 24 else number[:24] + "…"
        raise InputError(f"“{shown}”不是建议号：建议号最多 5 位数字，例如“482”或“第482号”。"
                         "请输入建议号，或用中文写出要问的内容。")
    if numbers_only:
        shown = q if len(q) <= 24 else q[:24] + "…"
        raise InputError(f"“{shown}”不是建议号，也没有可查的文字。请用中文写出要问的内容，"
                         "例如“482号建议是谁提出的？”；只查一件建议时，输入它的编号即可，例如“482”。")


def to_simplified(text: str) -> str:
    """A question written in traditional characters, in simplified ones; anything else as it is.

    Text with no simplified-only character is converted by phrase, so a simplified question
    keeps its 著 (显著).  Mixed text (an input method that gave 建議 beside 号) is converted
    character by character, except the few characters simplified text also uses that the
    converter would change (乾, 於: per character, the only ones among the 4,355 distinct
    characters of CMRC2018 and the corpus, with three rare names).

    >>> to_simplified("482號建議是誰提出的？"), to_simplified("显著的成效有哪些？")
    ('482号建议是谁提出的？', '显著的成效有哪些？')
    >>> to_simplified("482号建議是誰提出的？"), to_simplified("乾隆年间的苏州")
    ('482号建议是谁提出的？', '乾隆年间的苏州')
    """
    t2s, s2t = _converters()
    simple = t2s.convert(text)
    if simple == text:
        return text
    if s2t.convert(text) == text:
        return simple
    return "".join(c if c in _SIMPLIFIED_TOO else t2s.convert(c) for c in text)


# Characters of simplified text that a per-character traditional→simplified conversion changes
_SIMPLIFIED_TOO = frozenset("乾於")


@functools.cache
def _converters():
    from opencc import OpenCC  # opencc-python-reimplemented: pure Python, dictionaries included

    return OpenCC("t2s"), OpenCC("s2t")


def _check_first_question(question: object) -> None:
    """"它的答复时间是？" as the first question: there is nothing for 它 to stand for."""
    if isinstance(question, str) and refers_back(question):
        raise InputError(
            "请写明问的是哪份文件，例如“482号建议的答复时间是？”（“它”“该建议”要接在前面的问题之后才能明白指什么）。"
        )
    if isinstance(question, str) and _NO_SUBJECT.fullmatch(question.strip()):
        raise InputError(
            "问题没有说要问的是什么，请写完整，例如“苏州有多少家灯塔工厂？”“482号建议是谁提出的？”"
            "（“那…呢”要接在前面的问题之后才能明白）。"
        )


# A first question that names nothing to ask about: "多少家？", "苏州有多少家" (of what?),
# "是谁提出的？" (which proposal?), "那苏北呢？" (after what?).  Any answer would be a guess.
_NO_SUBJECT = re.compile(
    r"[\u4e00-\u9fff]{0,4}?(?:有|是|共有|一共有)?(?:多少|几)(?:家|个|项|条|座|所|名|位|批|种|类)[？?！!。]*"
    r"|(?:是|由)?(?:谁|哪个部门|哪个单位|什么时候|哪天)(?:提出|提|写|答复|办理|主办|承办|发布)的?[？?。]*"
    r"|(?:那|那么)[^，,。？?]{1,10}呢[？?。]*"
)


_THANKS = re.compile(r"谢谢|多谢|感谢|谢了")
_GREETING = re.compile(r"你好|您好|嗨|哈喽|早上好|下午好|晚上好")
_SMALL_TALK = re.compile(
    r"(?:谢谢|多谢|感谢|谢了|你好|您好|嗨|哈喽|早上好|下午好|晚上好|再见|拜拜|好的|好|嗯|收到|明白了?|知道了|OK|ok)"
    r"(?:你|您|啦|了|呀|哈|！|!|。|～|~|\s)*"
)


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
                question = self.condense(validate_question(question, self.settings.max_question_chars), history)
            else:
                _check_first_question(question)
            return self.chain.invoke(question)
        except InputError as exc:
            text = str(exc)
            return Answer(question=str(question)[:200], text=text, refused=True, message=text)

    def stream(self, question: str, history: list | None = None) -> Iterator[str | Answer]:
        """Text pieces (deltas) as they are produced, then the final verified ``Answer`` last."""
        try:
            q = validate_question(question, self.settings.max_question_chars)
            self._check_not_empty()
            if history:
                q = self.condense(q, history)
            else:
                _check_first_question(q)
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
