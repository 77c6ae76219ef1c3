r"""An OpenAI-compatible HTTP API over the assistant, so office systems can call it
with the standard OpenAI client.

Endpoints::

    POST /v1/chat/completions   {"model": "policy-qa", "messages": [...], "stream": false}
    GET  /v1/models             the one model, "policy-qa"
    GET  /health                {"status": "ok", "docs": N, "chunks": N, "backend": "..."}

The last message must come from the user: it is the question.  Earlier user and
assistant messages are the conversation, used to rewrite a follow-up ("那苏北呢？")
into a standalone question; system messages are ignored (the prompts live in
``prompts/``).  Besides the standard fields, a response carries:

* ``citations``: ``[{"n", "doc_id", "title", "quote", "start", "end", "date"}]``, one per
  ``[n]`` marker in the answer; ``start``/``end`` are character offsets of ``quote``
  in the cleaned document text;
* ``unsupported``: sentences of a generated answer whose figures or markers failed
  verification (empty when all checks passed);
* ``refused`` (the sources do not answer), ``closest`` (a refusal's best candidate
  sentences, citation-shaped, quoted but not trusted as the answer), ``note`` (what was changed and why),
  ``question`` (the standalone question that was searched for).

When streaming, content arrives as ``chat.completion.chunk`` deltas and the last chunk
(``finish_reason: "stop"``) carries these fields plus ``answer``, the verified text;
``data: [DONE]`` ends the stream.  A generated draft that verification changed (a bad
marker removed, or replaced by the extractive answer) is followed by one more content
delta, ``"\n\n——<note>\n<verified answer>"``, so plain clients show the checked text too.

Malformed requests get HTTP 4xx with ``{"error": {"message", "type", "param", "code"}}``, never a stack trace.

Serving it beside the Gradio UI (``app.py`` does this)::

    app = rag.api.create_app(assistant)
    app = gr.mount_gradio_app(app, blocks, path="")   # API routes are matched first
    uvicorn.run(app, host=..., port=...)

Alone: ``python -m rag serve-api --host 127.0.0.1 --port 8000`` (rag/serve.py).
"""

# No ``from __future__ import annotations``: FastAPI must see the real ``Request`` class,
# which is imported inside ``create_app`` to keep ``python -m rag`` start-up light.
import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

from rag.documents import Answer

MODEL_ID = "policy-qa"
MAX_BODY_BYTES = 1024 * 1024  # a question and its conversation fit many times over
_ROLES = {"system", "developer", "user", "assistant", "tool"}
log = logging.getLogger("rag.api")


class ApiError(Exception):
    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.param, self.code = status, message, param, code

    def body(self) -> dict[str, Any]:
        kind = "invalid_request_error" if self.status < 500 else "server_error"
        return {"error": {"message": self.message, "type": kind, "param": self.param, "code": self.code}}


def parse_request(body: Any, max_chars: int = 500) -> dict[str, Any]:
    """Check a chat-completions body; returns question, history, stream, model, include_usage.

    >>> parse_request({"messages": [{"role": "user", "content": "482号建议是谁提出的？"}]})["question"]
    '482号建议是谁提出的？'
    >>> try:
    ...     parse_request({"messages": []})
    ... except ApiError as exc:
    ...     print(exc.status, exc.message)
    400 messages 不能为空：请至少给出一条用户消息。
    """
    from rag.validation import InputError, validate_question

    if not isinstance(body, dict):
        raise ApiError(400, "请求体必须是 JSON 对象。")
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise ApiError(400, "缺少 messages 字段，或它不是列表。", "messages")
    if not messages:
        raise ApiError(400, "messages 不能为空：请至少给出一条用户消息。", "messages")
    turns = [_message(m, i) for i, m in enumerate(messages)]
    if turns[-1]["role"] != "user":
        raise ApiError(400, "最后一条消息必须是用户（user）的问题。", f"messages[{len(turns) - 1}].role")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "stream 必须是 true 或 false。", "stream")
    n = body.get("n", 1)
    if n not in (1, None):
        raise ApiError(400, "只支持 n=1（每次返回一个回答）。", "n")
    model = body.get("model", MODEL_ID)
    if not isinstance(model, str):
        raise ApiError(400, "model 必须是字符串。", "model")
    try:
        question = validate_question(turns[-1]["content"], max_chars)
    except InputError as exc:
        raise ApiError(400, str(exc), f"messages[{len(turns) - 1}].content") from exc
    options = body.get("stream_options") or {}
    return {
        "question": question,
        "history": [t for t in turns[:-1] if t["role"] in ("user", "assistant")],
        "stream": stream,
        "model": model or MODEL_ID,
        "include_usage": bool(isinstance(options, dict) and options.get("include_usage")),
    }


def _message(m: Any, i: int) -> dict[str, str]:
    if not isinstance(m, dict):
        raise ApiError(400, f"messages[{i}] 必须是对象，形如 {{\"role\": \"user\", \"content\": \"…\"}}。", f"messages[{i}]")
    role = m.get("role")
    if role not in _ROLES:
        raise ApiError(400, f"messages[{i}].role 无效：{role!r}，应为 user、assistant 或 system。", f"messages[{i}].role")
    content = m.get("content")
    if isinstance(content, list):  # [{"type": "text", "text": "…"}]
        if not all(isinstance(p, dict) and isinstance(p.get("text", ""), str) for p in content):
            raise ApiError(400, f"messages[{i}].content 的分段格式无效。", f"messages[{i}].content")
        content = "".join(p.get("text", "") for p in content)
    if content is None and role in ("assistant", "tool"):
        content = ""
    if not isinstance(content, str):
        raise ApiError(400, f"messages[{i}].content 必须是字符串。", f"messages[{i}].content")
    return {"role": role, "content": content}


def rag_fields(answer: Answer) -> dict[str, Any]:
    """The documented extra fields: citations, unsupported, refused, closest, note, question."""
    return {
        "citations": [c.to_dict() for c in answer.citations],
        "closest": [c.to_dict() for c in answer.closest],
        "unsupported": list(answer.unsupported),
        "refused": answer.refused,
        "note": answer.message,
        "question": answer.question,
    }


def _usage(question: str, text: str) -> dict[str, int]:
    # characters, not tokens: the extractive backend has no tokenizer
    return {"prompt_tokens": len(question), "completion_tokens": len(text), "total_tokens": len(question) + len(text)}


def completion(answer: Answer, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": "stop"}],
        "usage": _usage(answer.question, answer.text),
        **rag_fields(answer),
    }


def stream_events(pieces: Iterator[str | Answer], model: str, include_usage: bool = False) -> Iterator[str]:
    """SSE lines for an ``Assistant.stream`` iterator: deltas, a final chunk with citations, [DONE]."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}

    def event(delta: dict, finish: str | None = None, **extra: Any) -> str:
        chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    sent, final = "", None
    try:
        for piece in pieces:
            if isinstance(piece, Answer):
                final = piece
                break
            sent += piece
            yield event({"content": piece})
    except Exception as exc:  # the stream has started: report in-band, never a traceback
        log.exception("stream failed")
        final = Answer(question="", text=f"出错了：{exc}", refused=True, message="生成过程出错。")
    final = final or Answer(question="", text="", refused=True, message="没有得到答案。")
    if final.text != sent:  # markers removed or fallback: plain clients still see the verified text
        yield event({"content": f"\n\n——{final.message or '核实后的回答'}\n{final.text}" if sent else final.text})
    yield event({}, "stop", answer=final.text, **rag_fields(final))
    if include_usage:
        yield f"data: {json.dumps({**base, 'choices': [], 'usage': _usage(final.question, final.text)})}\n\n"
    yield "data: [DONE]\n\n"


def create_app(assistant: Any, model_id: str = MODEL_ID) -> Any:
    """A FastAPI app serving ``assistant`` (anything with ``ask``/``stream`` like ``rag.chain.Assistant``)."""
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, StreamingResponse
    from starlette.exceptions import HTTPException

    app = FastAPI(title="政策问答助手 API", version="1", docs_url="/docs", redoc_url=None)
    max_chars = getattr(getattr(assistant, "settings", None), "max_question_chars", 500)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        text = {404: f"没有这个接口：{request.url.path}", 405: f"{request.url.path} 不支持 {request.method} 方法。"}
        return JSONResponse(ApiError(exc.status_code, text.get(exc.status_code, str(exc.detail))).body(),
                            status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(ApiError(400, "请求格式无效。").body(), status_code=400)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed")  # the traceback goes to the server log only
        return JSONResponse(ApiError(500, "服务器内部错误，请稍后再试或联系管理员。").body(), status_code=500)

    @app.get("/v1/models")
    def models() -> dict:
        return {"object": "list", "data": [{"id": model_id, "object": "model", "created": 0, "owned_by": "policy-qa"}]}

    @app.get("/health")
    def health() -> dict:
        try:
            index = assistant.index
        except Exception as exc:  # no index can be opened (LiveAssistant): say why, do not fail
            return {"status": "error", "error": str(exc)}
        return {"status": "ok", "docs": len(getattr(index, "docs", {}) or {}),
                "chunks": len(getattr(index, "chunks", []) or []),
                "backend": getattr(getattr(assistant, "settings", None), "llm_backend", "extractive"),
                "reranker": getattr(getattr(getattr(assistant, "answerer", None), "reranker", None), "name", "none")}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, f"请求体过大（超过 {MAX_BODY_BYTES // 1024} KB）。")
        try:
            body = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "请求体不是合法的 JSON。") from exc
        req = parse_request(body, max_chars)
        if req["stream"]:
            pieces = assistant.stream(req["question"], req["history"] or None)
            return StreamingResponse(stream_events(pieces, req["model"], req["include_usage"]),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        from starlette.concurrency import run_in_threadpool

        answer = await run_in_threadpool(assistant.ask, req["question"], req["history"] or None)
        return JSONResponse(completion(answer, req["model"]))

    return app


__all__ = ["MODEL_ID", "ApiError", "completion", "create_app", "parse_request", "rag_fields", "stream_events"]
