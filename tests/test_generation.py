"""The generative answer path: numbered sources, the qa prompt, verification of
crafted answers (invented figure, marker out of range, citation to an unrelated
source) and the extractive fallback.  The chat model is a small real LangChain
``BaseChatModel`` that answers from the sources it is given."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import Q_482
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.chain import Assistant
from rag.documents import Answer
from rag.generation import GenerativeAnswerer, Source, load_prompt

REPLY = "答复函_第1002号建议的答复.txt"


class ScriptedChat(BaseChatModel):
    """Answers with ``script(messages)``, streamed two characters at a time; records prompts."""

    script: Any
    seen: list = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> ChatResult:
        self.seen.append(messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.script(messages)))])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any):
        self.seen.append(messages)
        text = self.script(messages)
        for i in range(0, len(text), 2):
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i : i + 2]))


def quote_first_source(messages: list[BaseMessage]) -> str:
    """The first sentence of source [1] as the prompt lists it, cited [1]."""
    body = messages[0].content.split("[1] ", 1)[1].split("\n", 1)[1]
    sentence = re.match(r"[^。！？\n]+[。！？]?", body.strip()).group(0)
    return sentence.rstrip("。") + "。[1]"


@pytest.fixture(scope="module")
def reply_sources(assistant: Assistant) -> list[Source]:
    """[1] the passage with "新增省级企业技术中心104家", [2] an unrelated passage of another document."""
    doc = assistant.index.docs[REPLY]
    start = doc.text.index("2020年,苏北地区新增省级企业技术中心104家")
    other = next(d for d in assistant.index.docs.values() if d.doc_id.startswith("482"))
    return [
        Source(1, REPLY, doc.title, doc.text[start : start + 60], start, start + 60, doc.date),
        Source(2, other.doc_id, other.title, other.text[:60], 0, 60, other.date),
    ]


def answerer(assistant: Assistant, fallback: bool, reply: str = "") -> GenerativeAnswerer:
    llm = ScriptedChat(script=lambda m: reply)
    return GenerativeAnswerer(llm, assistant.index, assistant.settings.prompts_dir, assistant.answerer, fallback)


def test_prompt_files_have_their_placeholders(assistant: Assistant) -> None:
    system, user = load_prompt(assistant.settings.prompts_dir, "qa")
    assert "{sources}" in system and "[1]" in system and "资料中未提及" in system
    assert user == "{question}"
    system, user = load_prompt(assistant.settings.prompts_dir, "condense")
    assert "{history}" in user and "{question}" in user and system


def test_supported_answer_passes_with_citations(assistant: Assistant, reply_sources: list[Source]) -> None:
    gen = answerer(assistant, fallback=True)
    a = gen.finalize("苏北新增多少家？", "2020年苏北地区新增省级企业技术中心104家。[1]", reply_sources, [])
    assert a.unsupported == [] and a.message == "" and not a.refused
    assert [c.n for c in a.citations] == [1]
    c = a.citations[0]
    assert assistant.index.docs[c.doc_id].text[c.start : c.end] == c.quote
    assert "104家" in c.quote


def test_invented_figure_is_flagged(assistant: Assistant, reply_sources: list[Source]) -> None:
    text = "2020年苏北地区新增省级企业技术中心105家。[1]"
    a = answerer(assistant, fallback=False).finalize("苏北新增多少家？", text, reply_sources, [])
    assert a.unsupported == [text]
    assert a.text == text + "〔未核实〕" and "1 句未能" in a.message  # marked where it is read
    assert a.to_dict()["unsupported"] == [text]  # the JSON output flags it


def test_invented_figure_falls_back_to_extractive(assistant: Assistant, reply_sources: list[Source]) -> None:
    q = "2020年苏北地区新增了多少家省级企业技术中心？"
    hits = assistant.retrieve(q)
    a = answerer(assistant, fallback=True).finalize(q, "新增省级企业技术中心105家。[1]", reply_sources, hits)
    assert a.unsupported == ["新增省级企业技术中心105家。[1]"]
    assert "改用摘录式回答" in a.message
    assert a.text == assistant.answerer.answer(q, hits).text  # the extractive answer instead


def test_marker_out_of_range_is_removed_and_reported(assistant: Assistant, reply_sources: list[Source]) -> None:
    text = "2020年苏北地区新增省级企业技术中心104家。[1][7]"
    a = answerer(assistant, fallback=False).finalize("q", text, reply_sources, [])
    assert "[7]" not in a.text and a.text.endswith("104家。[1]")
    assert "[7]" in a.message and a.unsupported == []
    assert [c.n for c in a.citations] == [1]


def test_citation_to_unrelated_source_is_unsupported(assistant: Assistant, reply_sources: list[Source]) -> None:
    text = "苏北地区新增省级企业技术中心104家。[2]"  # the figure is only in [1]
    a = answerer(assistant, fallback=False).finalize("q", text, reply_sources, [])
    assert a.unsupported == [text]


def test_sentence_without_marker_is_unsupported_but_not_mentioned_is_a_refusal(
    assistant: Assistant, reply_sources: list[Source]
) -> None:
    gen = answerer(assistant, fallback=False)
    a = gen.finalize("q", "苏北地区发展很快。", reply_sources, [])
    assert a.unsupported == ["苏北地区发展很快。"]
    a = gen.finalize("q", "资料中未提及。", reply_sources, [])
    assert a.refused and a.unsupported == [] and a.citations == [] and a.closest == []


def test_a_generated_refusal_lists_the_closest_sentences(assistant: Assistant, reply_sources: list[Source]) -> None:
    """The model says 资料中未提及; the reader still gets the closest sentences to check, unclaimed."""
    q = "2020年苏北地区新增了多少家省级企业技术中心？"
    hits = assistant.retrieve(q)
    a = answerer(assistant, fallback=True).finalize(q, "资料中未提及。", reply_sources, hits)
    assert a.refused and a.citations == [] and a.closest
    assert any("104家" in c.quote for c in a.closest)
    assert all(assistant.index.docs[c.doc_id].text[c.start : c.end] == c.quote for c in a.closest)


def test_metadata_passage_is_source_one(assistant: Assistant) -> None:
    gen = answerer(assistant, fallback=True)
    sources = gen.sources(Q_482, assistant.retrieve(Q_482))
    assert sources[0].doc_id.startswith("482") and "胡伏原" in sources[0].text
    assert [s.n for s in sources] == list(range(1, len(sources) + 1))
    assert len({(s.doc_id, s.start) for s in sources}) == len(sources)  # no duplicates
    messages = gen.messages(Q_482, sources)
    assert "[1] 《" in messages[0].content and messages[-1].content == Q_482


def test_assistant_streams_a_generated_answer_then_verifies(assistant: Assistant) -> None:
    llm = ScriptedChat(script=quote_first_source)
    gen_assistant = Assistant(assistant.index, None, assistant.settings, llm=llm)
    items = list(gen_assistant.stream(Q_482))
    pieces, final = items[:-1], items[-1]
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert isinstance(final, Answer) and "胡伏原" in final.text
    assert final.text == "".join(pieces) and final.unsupported == [] and final.message == ""
    assert final.citations[0].doc_id.startswith("482")
    assert gen_assistant.ask(Q_482).text == final.text


def test_failing_model_falls_back_with_a_note(assistant: Assistant) -> None:
    def broken(messages: list[BaseMessage]) -> str:
        raise ConnectionError("connection refused")

    gen_assistant = Assistant(assistant.index, None, assistant.settings, llm=ScriptedChat(script=broken))
    a = gen_assistant.ask(Q_482)
    assert "胡伏原" in a.text and "生成模型调用失败" in a.message
