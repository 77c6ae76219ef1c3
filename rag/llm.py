"""Generative backends as LangChain chat models, chosen by ``settings.llm_backend``.

* ``extractive`` (default): no model, ``make_chat_model`` returns ``None``.
* ``transformers``: a local model folder (e.g. Qwen2.5-1.5B-Instruct) loaded with
  ``AutoModelForCausalLM``/``AutoTokenizer``; prompts go through the folder's own
  chat template; tokens stream through ``TextIteratorStreamer``.
* ``openai``: any OpenAI-compatible endpoint (vLLM, Ollama, Xinference, a hosted
  service, or this project's own ``serve-api``): ``langchain_openai.ChatOpenAI``
  when installed, else the small ``OpenAICompatChat`` over the official client.

    >>> from rag.config import Settings
    >>> make_chat_model(Settings(llm_backend="extractive")) is None
    True

Every model here is a ``BaseChatModel``: ``.invoke(messages)`` and
``.stream(messages)`` work the same whichever backend is chosen.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from rag.config import LLM_BACKENDS as BACKENDS
from rag.config import Settings

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


class LLMError(RuntimeError):
    """The chosen backend cannot be used; the message is meant for the user."""


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model ``settings`` asks for, or ``None`` for the extractive backend."""
    backend = (settings.llm_backend or "extractive").strip().lower()
    if backend == "extractive":
        return None
    if backend == "transformers":
        return load_transformers_chat(settings.llm_model, settings.llm_max_new_tokens)
    if backend == "openai":
        return make_openai_chat(settings)
    raise LLMError(f"未知的生成后端 {settings.llm_backend!r}，可选：{' / '.join(BACKENDS)}（RAG_LLM_BACKEND）。")


def to_openai_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages → ``[{"role", "content"}]`` as chat templates and OpenAI expect."""
    return [{"role": _ROLES.get(m.type, "user"), "content": _text(m.content)} for m in messages]


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    # multi-part content: keep the text parts
    return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content or [])


# -- transformers -------------------------------------------------------------------------------


class TransformersChat(BaseChatModel):
    """A local causal LM behind LangChain's chat interface (greedy decoding by default).

    ``_stream`` runs ``model.generate`` in a thread and yields what
    ``TextIteratorStreamer`` decodes, so callers see tokens as they come.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model: Any
    tokenizer: Any
    max_new_tokens: int = 512
    temperature: float = 0.0
    model_name: str = "local"

    @property
    def _llm_type(self) -> str:
        return "transformers-local"

    def _inputs(self, messages: list[BaseMessage]) -> dict[str, Any]:
        ids = self.tokenizer.apply_chat_template(
            to_openai_messages(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        return {k: v.to(self.model.device) for k, v in ids.items()}

    def _gen_kwargs(self, inputs: dict[str, Any], stop: list[str] | None) -> dict[str, Any]:
        kw: dict[str, Any] = dict(inputs, max_new_tokens=self.max_new_tokens)
        if self.temperature > 0:
            kw.update(do_sample=True, temperature=self.temperature)
        else:
            kw.update(do_sample=False)
        if self.tokenizer.pad_token_id is None:  # silences the "setting pad_token_id" warning
            kw["pad_token_id"] = self.tokenizer.eos_token_id
        if stop:
            kw.update(stop_strings=stop, tokenizer=self.tokenizer)
        return kw

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600)
        kw = self._gen_kwargs(self._inputs(messages), stop)
        cancelled = threading.Event()  # set when the caller stops reading (e.g. an API client left)
        kw["stopping_criteria"] = _stopping(cancelled)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                self.model.generate(**kw, streamer=streamer)
            except BaseException as exc:  # surfaced to the caller below, not lost in the thread
                errors.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        try:
            for piece in streamer:
                if piece:
                    if run_manager:
                        run_manager.on_llm_new_token(piece)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        finally:
            cancelled.set()
            worker.join()
        if errors:
            raise LLMError(f"本地模型生成失败：{errors[0]}") from errors[0]

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(c.message.content) for c in self._stream(messages, stop, run_manager))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _stopping(event: threading.Event) -> Any:
    """Stopping criteria ending ``generate`` once ``event`` is set."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class Cancelled(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            return torch.full((input_ids.shape[0],), event.is_set(), dtype=torch.bool, device=input_ids.device)

    return StoppingCriteriaList([Cancelled()])


def load_transformers_chat(folder: str | Path, max_new_tokens: int = 512, device: str | None = None) -> TransformersChat:
    """Load a local model folder (never downloads: ``local_files_only``)."""
    path = Path(folder) if folder else None
    if path is None or not (path / "config.json").is_file():
        raise LLMError(
            f"找不到本地模型文件夹 {folder!r}（需包含 config.json）。"
            "请用 RAG_LLM_MODEL 指向已下载的模型目录，例如 Qwen2.5-1.5B-Instruct。"
        )
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    if not getattr(tokenizer, "chat_template", None):
        raise LLMError(f"模型 {path} 的分词器没有对话模板（chat_template），请使用 Instruct/Chat 版本的模型。")
    # half precision only where it is fast; CPUs get float32
    dtype = "auto" if device.startswith("cuda") else torch.float32
    model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=dtype).to(device)
    model.eval()
    return TransformersChat(model=model, tokenizer=tokenizer, max_new_tokens=max_new_tokens, model_name=path.name)


# -- OpenAI-compatible endpoints --------------------------------------------------------------


def make_openai_chat(settings: Settings) -> BaseChatModel:
    """ChatOpenAI when langchain-openai is installed, else ``OpenAICompatChat``; same settings."""
    if not settings.llm_model:
        raise LLMError("使用 openai 后端时请设置模型名 RAG_LLM_MODEL（例如 qwen2.5-7b-instruct）。")
    base_url = settings.llm_base_url or None  # None = the openai client's default / OPENAI_BASE_URL
    # local servers (vLLM, Ollama) accept any key; hosted ones may take it from OPENAI_API_KEY
    api_key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        return OpenAICompatChat(
            model_name=settings.llm_model,
            base_url=base_url,
            api_key=api_key,
            max_tokens=settings.llm_max_new_tokens,
        )
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=base_url,
        api_key=api_key,
        max_tokens=settings.llm_max_new_tokens,
        temperature=0,
        timeout=120,
        max_retries=1,
    )


class OpenAICompatChat(BaseChatModel):
    """A minimal chat model over the official ``openai`` client (chat completions only)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_name: str
    base_url: str | None = None
    api_key: str = "EMPTY"
    max_tokens: int = 512
    temperature: float = 0.0
    timeout: float = 120.0
    client: Any = None

    @property
    def _llm_type(self) -> str:
        return "openai-compatible"

    def _client(self) -> Any:
        if self.client is None:
            from openai import OpenAI

            self.client = OpenAI(base_url=self.base_url, api_key=self.api_key, timeout=self.timeout, max_retries=1)
        return self.client

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool) -> Any:
        return self._client().chat.completions.create(
            model=self.model_name,
            messages=to_openai_messages(messages),
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            stop=stop or None,
            stream=stream,
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        resp = self._request(messages, stop, stream=False)
        text = resp.choices[0].message.content or "" if resp.choices else ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in self._request(messages, stop, stream=True):
            piece = chunk.choices[0].delta.content if chunk.choices else None
            if piece:
                if run_manager:
                    run_manager.on_llm_new_token(piece)
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


__all__ = [
    "BACKENDS",
    "LLMError",
    "OpenAICompatChat",
    "TransformersChat",
    "load_transformers_chat",
    "make_chat_model",
    "make_openai_chat",
    "to_openai_messages",
]
