"""A refusal's closest passages are one list, whoever shows them: the answer's text, the CLI's
``--json``/``--jsonl`` (rag/cli.py ``answer_json``), the API (rag/api.py ``rag_fields``) and the
page's sources panel all take ``Answer.closest``: citations with offsets into the document."""

from __future__ import annotations

from conftest import Q_HANGZHOU

from rag.api import rag_fields
from rag.chain import Assistant
from rag.citations import one_line
from rag.cli import answer_json
from rag.webview import escape, render_sources

CITATION_KEYS = {"n", "doc_id", "title", "quote", "start", "end", "date"}


def test_cli_json_and_api_give_the_closest_sentences_the_text_lists(assistant: Assistant) -> None:
    answer = assistant.ask(Q_HANGZHOU)
    assert answer.refused and answer.closest
    shown = answer_json(answer)["closest"]
    assert shown == rag_fields(answer)["closest"] == [c.to_dict() for c in answer.closest]
    for c in shown:
        assert set(c) == CITATION_KEYS
        assert assistant.index.docs[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"]
        assert f"{c['n']}. 《{c['title']}》：{one_line(c['quote'])}" in answer.text.splitlines()


def test_a_refusal_without_candidate_sentences_cites_the_chunk_openings_it_lists(assistant: Assistant) -> None:
    """No sentence to offer: the text lists the closest chunks' openings, and those openings,
    not nothing, are what the JSON, the API and the page get."""
    hits = assistant.retrieve(Q_HANGZHOU)
    answer = assistant.answerer.refuse(Q_HANGZHOU, hits)
    lines = answer.text.splitlines()
    assert lines[1] == "最接近的资料：" and len(answer.closest) == len(lines) - 2 == 3
    for c, line, hit in zip(answer.closest, lines[2:], hits, strict=False):
        assert (c.doc_id, c.start) == (hit.chunk.doc_id, hit.chunk.start) and c.quote == hit.chunk.text[:60]
        assert assistant.index.docs[c.doc_id].text[c.start : c.end] == c.quote
        assert line == f"{c.n}. 《{c.title}》：{one_line(c.quote)}…"
    assert answer_json(answer)["closest"] == rag_fields(answer)["closest"] == [c.to_dict() for c in answer.closest]
    html = render_sources(answer, assistant.index.docs)
    assert all(f"<mark>{escape(c.quote)}</mark>".replace("\n", "<br>") in html for c in answer.closest)


def test_a_refusal_with_nothing_retrieved_has_no_closest(assistant: Assistant) -> None:
    answer = assistant.answerer.refuse("第99999号建议是谁提出的？", [], "第99999号建议或提案")
    assert answer.closest == [] and answer_json(answer)["closest"] == [] and len(answer.text.splitlines()) == 1
