"""The OpenAI-compatible API, served by uvicorn on 127.0.0.1 in a thread and called
with the official ``openai`` client (and raw httpx for malformed requests)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import openai
import pytest
from conftest import DOC_482, Q_482
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from rag.api import create_app
from rag.chain import Assistant


@contextmanager
def running_server(app) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields the base URL; stops on exit."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        started = threading.Event()
        while not started.wait(0.02):  # bounded by the join below if the server dies
            if server.started or not thread.is_alive():
                break
        assert server.started, "the API server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def base_url(assistant: Assistant) -> Iterator[str]:
    with running_server(create_app(assistant)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key="not-needed", max_retries=0, timeout=60)


def test_cited_answer_not_streamed(client: openai.OpenAI, assistant: Assistant) -> None:
    r = client.chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": Q_482}])
    text = r.choices[0].message.content
    assert "胡伏原" in text and "[1]" in text and r.choices[0].finish_reason == "stop"
    extra = r.model_extra
    assert extra["refused"] is False and extra["unsupported"] == []
    cite = extra["citations"][0]
    assert cite["n"] == 1 and cite["doc_id"] == DOC_482
    assert assistant.index.docs[DOC_482].text[cite["start"] : cite["end"]] == cite["quote"]
    assert extra["closest"] == []


def test_refusal_carries_its_closest_sentences(client: openai.OpenAI, assistant: Assistant) -> None:
    q = "杭州市推进新型工业化的主要举措有哪些？"
    extra = client.chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": q}]).model_extra
    assert extra["refused"] is True and extra["citations"] == [] and extra["closest"]
    for c in extra["closest"]:
        assert assistant.index.docs[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"]


def test_cited_answer_streamed(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": Q_482}], stream=True)
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "胡伏原" in text
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.model_extra["citations"][0]["doc_id"] == DOC_482
    assert last.model_extra["answer"] == text


def test_stream_sse_format_and_usage(base_url: str) -> None:
    body = {"model": "policy-qa", "messages": [{"role": "user", "content": Q_482}], "stream": True,
            "stream_options": {"include_usage": True}}
    with httpx.stream("POST", f"{base_url}/v1/chat/completions", json=body, timeout=60) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines) and lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_follow_up_uses_the_conversation(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": Q_482}])
    messages = [
        {"role": "system", "content": "你是政策问答助手。"},
        {"role": "user", "content": Q_482},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "它的答复时间是？"},
    ]
    r = client.chat.completions.create(model="policy-qa", messages=messages)
    assert r.model_extra["question"] == "482号建议的答复时间是？"
    assert "2025-06-19" in r.choices[0].message.content


def test_models_and_health(client: openai.OpenAI, base_url: str) -> None:
    assert [m.id for m in client.models.list()] == ["policy-qa"]
    health = httpx.get(f"{base_url}/health").json()
    assert health["status"] == "ok" and health["docs"] == 5 and health["backend"] == "extractive"
    assert health["reranker"] == "none"


def test_client_gets_a_clear_4xx(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="policy-qa", messages=[])
    assert "messages" in err.value.message
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="policy-qa", messages=[{"role": "assistant", "content": "你好"}])
    assert "最后一条消息" in err.value.message


MALFORMED = [
    (b"{not json", "JSON"),
    (b"[1, 2]", "JSON 对象"),
    (json.dumps({"model": "policy-qa"}).encode(), "messages"),
    (json.dumps({"messages": "482号建议是谁提出的？"}).encode(), "messages"),
    (json.dumps({"messages": [{"role": "robot", "content": "hi"}]}).encode(), "role"),
    (json.dumps({"messages": [{"role": "user", "content": 42}]}).encode(), "content"),
    (json.dumps({"messages": [{"role": "user", "content": "   "}]}).encode(), "请输入问题"),
    (json.dumps({"messages": [{"role": "user", "content": "问" * 600}]}).encode(), "问题过长"),
    (json.dumps({"messages": [{"role": "user", "content": Q_482}], "stream": "yes"}).encode(), "stream"),
    (json.dumps({"messages": [{"role": "user", "content": Q_482}], "n": 3}).encode(), "n=1"),
    (json.dumps({"messages": ["482号建议是谁提出的？"]}).encode(), "对象"),
]


@pytest.mark.parametrize(("body", "says"), MALFORMED)
def test_malformed_requests_get_400_with_a_message(base_url: str, body: bytes, says: str) -> None:
    r = httpx.post(f"{base_url}/v1/chat/completions", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert says in error["message"] and error["type"] == "invalid_request_error"
    assert "Traceback" not in r.text


def test_unknown_route_and_wrong_method_are_json(base_url: str) -> None:
    r = httpx.get(f"{base_url}/v1/nothing")
    assert r.status_code == 404 and "没有这个接口" in r.json()["error"]["message"]
    r = httpx.get(f"{base_url}/v1/chat/completions")
    assert r.status_code == 405 and "GET" in r.json()["error"]["message"]


# -- a generative assistant behind the API: verification shows in the JSON ------------------


class InventingChat(BaseChatModel):
    """Cites source [1] for a figure it made up."""

    @property
    def _llm_type(self) -> str:
        return "inventing"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> ChatResult:
        text = "482号建议由胡伏原提出，共收到1234条意见。[1]"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def test_invented_figure_is_flagged_in_the_response(assistant: Assistant) -> None:
    generative = Assistant(assistant.index, None, assistant.settings, llm=InventingChat())
    with running_server(create_app(generative)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="x", max_retries=0, timeout=60)
        messages = [{"role": "user", "content": Q_482}]
        r = client.chat.completions.create(model="policy-qa", messages=messages)
        chunks = list(client.chat.completions.create(model="policy-qa", messages=messages, stream=True))
    flagged = ["482号建议由胡伏原提出，共收到1234条意见。[1]"]
    # fallback_on_unsupported (the default): the extractive answer, the rejected sentence still listed
    assert r.model_extra["unsupported"] == flagged and "改用摘录式回答" in r.model_extra["note"]
    assert "1234" not in r.choices[0].message.content and r.model_extra["citations"]
    last = chunks[-1].model_extra
    assert last["unsupported"] == flagged and "1234" not in last["answer"]
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed.endswith(last["answer"])  # plain clients see the verified answer after the draft


def test_cli_ask_stream_prints_answer_and_sources(assistant: Assistant, capsys: pytest.CaptureFixture) -> None:
    from rag.cli import COMMANDS, build_parser, settings_from

    argv = ["ask", Q_482, "--stream", "--index", str(assistant.settings.index_dir), "--embed-model", "none"]
    args = build_parser().parse_args(argv)
    assert args.stream and COMMANDS["ask"](args, settings_from(args)) == 0
    out = capsys.readouterr().out
    assert "胡伏原" in out and "来源：" in out and "[1]" in out


def test_oversized_body_is_rejected(base_url: str) -> None:
    body = json.dumps({"messages": [{"role": "assistant", "content": "字" * 600_000}, {"role": "user", "content": Q_482}]})
    r = httpx.post(f"{base_url}/v1/chat/completions", content=body.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "过大" in r.json()["error"]["message"]


def test_cli_ask_stream_json_lines(assistant: Assistant, capsys: pytest.CaptureFixture) -> None:
    from rag.cli import COMMANDS, build_parser, settings_from

    argv = ["ask", Q_482, "--stream", "--json", "--index", str(assistant.settings.index_dir), "--embed-model", "none"]
    args = build_parser().parse_args(argv)
    assert COMMANDS["ask"](args, settings_from(args)) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    deltas, final = rows[:-1], rows[-1]
    assert deltas and all(set(d) == {"delta"} for d in deltas)
    assert "".join(d["delta"] for d in deltas) == final["answer"] and final["citations"][0]["doc_id"] == DOC_482
