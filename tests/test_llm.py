"""The generative backends: a tiny random Qwen2 built here and loaded through the real
transformers path (chat template, generate loop, streaming), and the openai backend
talking to this project's own API server on 127.0.0.1.  Flow and shapes, not content."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CORPUS, DOC_482, Q_482, copy_corpus, make_settings
from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage
from test_api import running_server

from rag.api import create_app
from rag.chain import Assistant
from rag.config import Settings
from rag.documents import Answer
from rag.llm import LLMError, OpenAICompatChat, TransformersChat, make_chat_model

TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SPECIALS = ["<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"]


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random Qwen2 with a byte-level BPE trained here on the corpus (the format of
    the real Qwen tokenizers, so transformers' Qwen2Tokenizer loads it) and a chat template."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GenerationConfig, PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    texts = [p.read_text(encoding="utf-8") for p in CORPUS.iterdir()]
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=800, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    core.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="<unk>", pad_token="<|endoftext|>", eos_token="<|im_end|>",
        additional_special_tokens=["<|im_start|>"],
    )
    tokenizer.chat_template = TEMPLATE

    torch.manual_seed(0)
    vocab_size = len(tokenizer)
    config = Qwen2Config(
        vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=8192,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
    )
    folder = tmp_path_factory.mktemp("tiny-qwen2")
    model = Qwen2ForCausalLM(config)
    # no eos: the random model always generates max_new_tokens, so every run streams the same shape
    model.generation_config = GenerationConfig(pad_token_id=config.pad_token_id, eos_token_id=None)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_corpus(tmp_path_factory.mktemp("llm") / "corpus")


def settings(corpus: Path, **kw: object) -> Settings:
    return make_settings(corpus, corpus.parent / "index", **kw)


# -- choosing a backend ----------------------------------------------------------------------


def test_extractive_needs_no_model(corpus_copy: Path) -> None:
    assert make_chat_model(settings(corpus_copy)) is None


@pytest.mark.parametrize(
    ("kw", "says"),
    [
        ({"llm_backend": "gpt"}, "未知的生成后端"),
        ({"llm_backend": "transformers", "llm_model": "/no/such/model"}, "找不到本地模型文件夹"),
        ({"llm_backend": "openai", "llm_model": ""}, "RAG_LLM_MODEL"),
    ],
)
def test_misconfigured_backend_says_what_to_set(corpus_copy: Path, kw: dict, says: str) -> None:
    # replace(), not from_env: from_env refuses an unknown backend itself (tests/test_settings.py);
    # a Settings built in code must still get the backend's own message
    with pytest.raises(LLMError, match=says):
        make_chat_model(replace(settings(corpus_copy), **kw))


# -- transformers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_llm(tiny_lm: Path, corpus_copy: Path) -> TransformersChat:
    llm = make_chat_model(settings(corpus_copy, llm_backend="transformers", llm_model=str(tiny_lm),
                                   llm_max_new_tokens=12))
    assert isinstance(llm, TransformersChat)
    return llm


def test_transformers_loads_the_tokenizer_and_chat_template(local_llm: TransformersChat) -> None:
    tokens = local_llm.tokenizer("苏州工业园区")["input_ids"]
    assert local_llm.tokenizer.decode(tokens) == "苏州工业园区" and len(tokens) < 6  # the trained merges
    ids = local_llm._inputs([SystemMessage(content="规则"), HumanMessage(content=Q_482)])["input_ids"]
    prompt = local_llm.tokenizer.decode(ids[0])
    assert prompt.startswith("<|im_start|>system\n规则<|im_end|>") and prompt.endswith("<|im_start|>assistant\n")


def test_transformers_streams_pieces_and_invokes(local_llm: TransformersChat) -> None:
    messages = [HumanMessage(content=Q_482)]
    pieces = list(local_llm.stream(messages))
    assert all(isinstance(p, AIMessageChunk) for p in pieces)
    # tokens arrive as they are decoded, not as one block, and no more than max_new_tokens of them
    assert 2 <= sum(1 for p in pieces if p.content) <= 12
    streamed = "".join(p.content for p in pieces)
    assert local_llm.invoke(messages).content == streamed  # greedy: the same text both ways


@pytest.mark.parametrize("fallback", [False, True])
def test_assistant_with_local_model_streams_then_verifies(
    tiny_lm: Path, corpus_copy: Path, fallback: bool
) -> None:
    s = settings(corpus_copy, llm_backend="transformers", llm_model=str(tiny_lm), llm_max_new_tokens=12,
                 fallback_on_unsupported=fallback)
    assistant = Assistant.open(s)  # builds the chat model from settings
    assert isinstance(assistant.llm, TransformersChat)
    items = list(assistant.stream(Q_482))
    pieces, final = items[:-1], items[-1]
    assert pieces and all(isinstance(p, str) for p in pieces) and isinstance(final, Answer)
    # random text carries no [n] marker, so verification rejects it ...
    assert final.unsupported
    if fallback:  # ... and the extractive answer is returned instead, with a note
        assert "胡伏原" in final.text and "摘录式" in final.message
    else:
        assert final.text.strip() and "未能" in final.message and final.citations == []


# -- openai-compatible endpoint: this project's own API on 127.0.0.1 --------------------------


@pytest.fixture(scope="module")
def api_url(corpus_copy: Path):
    server_side = Assistant.open(settings(corpus_copy))  # extractive: a deterministic "model"
    with running_server(create_app(server_side)) as url:
        yield f"{url}/v1"


def test_openai_backend_answers_through_the_chain(corpus_copy: Path, api_url: str) -> None:
    s = settings(corpus_copy, llm_backend="openai", llm_base_url=api_url, llm_model="policy-qa",
                 llm_api_key="local")
    assistant = Assistant.open(s)
    assert type(assistant.llm).__name__ in ("ChatOpenAI", "OpenAICompatChat")
    answer = assistant.ask(Q_482)
    # the server's answer cites its [1]; our source [1] is the same passage, so it verifies
    assert "胡伏原" in answer.text and answer.unsupported == [] and answer.message == ""
    assert answer.citations[0].doc_id == DOC_482
    items = list(assistant.stream(Q_482))
    assert all(isinstance(p, str) for p in items[:-1]) and items[-1].text == answer.text


def test_openai_compat_chat_over_the_official_client(api_url: str) -> None:
    llm = OpenAICompatChat(model_name="policy-qa", base_url=api_url, api_key="local")
    messages = [HumanMessage(content=Q_482)]
    assert "胡伏原" in llm.invoke(messages).content
    pieces = [p.content for p in llm.stream(messages)]
    assert len(pieces) >= 1 and "胡伏原" in "".join(pieces)


def test_unreachable_endpoint_falls_back_with_a_note(corpus_copy: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    s = settings(corpus_copy, llm_backend="openai", llm_base_url=dead, llm_model="m")
    llm = OpenAICompatChat(model_name="m", base_url=dead, timeout=5)
    answer = Assistant.open(s, llm=llm).ask(Q_482)
    assert "胡伏原" in answer.text and "生成模型调用失败" in answer.message
