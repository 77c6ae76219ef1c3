"""The command line: ``python -m rag ingest|ask|retrieve …``.

Flags map onto ``Settings`` fields; anything not given comes from ``RAG_*``
env vars or the defaults.  Errors print one clear line and exit 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.config import Settings
from rag.documents import Answer
from rag.ingest_guards import would_drop_most, would_empty_index

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = fn
        return fn

    return register


# Each flag that sets a Settings field: a bad value is reported under the flag's own name.
FLAGS = {"index_dir": "--index", "corpus_dir": "--corpus", "embed_model": "--embed-model",
         "rerank_model": "--rerank-model", "top_k": "-k", "host": "--host", "port": "--port"}


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings for ``args``: its flags over the ``RAG_*`` env vars, checked by the same
    rules (``rag.config.validate``), so ``-k 0`` and ``RAG_TOP_K=0`` get the same answer."""
    index = getattr(args, "index", None)
    return Settings.from_env(
        flags=FLAGS,
        index_dir=index,
        corpus_dir=getattr(args, "corpus", None),
        embed_model=getattr(args, "embed_model", None),
        rerank_model=getattr(args, "rerank_model", None),
        top_k=getattr(args, "k", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        # An index named with --index or RAG_INDEX_DIR must exist: a typo must not silently
        # build a new one (RAG_AUTO_BUILD=1 still asks for it).
        auto_build=False if _named_index(index) else None,
    )


def _named_index(flag: str | None) -> bool:
    return bool(flag) or (bool(os.environ.get("RAG_INDEX_DIR")) and "RAG_AUTO_BUILD" not in os.environ)


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _jsonl_questions() -> Iterator[tuple[int, dict | None, str]]:
    """(line number, parsed object or None, error) for each non-empty stdin line."""
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield n, None, f"第 {n} 行不是合法 JSON：{exc}"
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
            yield n, None, f"第 {n} 行缺少字符串字段 q"
            continue
        yield n, obj, ""


@command("ingest")
def cmd_ingest(args: argparse.Namespace, s: Settings) -> int:
    s.corpus_dir = Path(args.corpus_dir)
    if not s.corpus_dir.is_dir():  # say so before spending seconds loading the model
        what = "是一个文件，不是文件夹（请给出存放文档的文件夹）" if s.corpus_dir.exists() else "不存在"
        print(f"错误：语料目录{what}：{s.corpus_dir}", file=sys.stderr)
        return 2
    if not args.rebuild and (problem := would_empty_index(s) or would_drop_most(s)):
        print(problem, file=sys.stderr)
        return 2
    from rag.chain import build
    from rag.embedding import make_encoder

    report = build(s, make_encoder(s), rebuild=args.rebuild)
    print(report.summary())
    return 0


def answer_json(answer: Answer) -> dict:
    """One answer as ``--json``/``--jsonl`` print it.  ``closest`` is ``Answer.closest``, the
    passages a refusal's text lists, with the citations' keys (as the API gives it)."""
    out = answer.to_dict()
    if answer.message:
        out["error"] = answer.message
    return out


@command("ask")
def cmd_ask(args: argparse.Namespace, s: Settings) -> int:
    if args.question is None and not args.jsonl:
        return _no_question("ask")  # before loading anything: the mistake is in the command line
    from rag.chain import Assistant

    assistant = Assistant.open(s)
    if args.jsonl:
        for _, obj, err in _jsonl_questions():
            if obj is None:
                _print_json({**answer_json(Answer(question="", text=err, refused=True, message=err)), "q": None})
            else:
                _print_json(answer_json(assistant.ask(obj["q"])))
        return 0
    answer = assistant.ask(args.question)
    if args.json:
        _print_json(answer_json(answer))
    else:
        print(format_answer(answer))
        print_note(answer)
    return 0


def print_note(answer: Answer) -> None:
    """What changed how the answer was made (the LLM failed, so the extractive answer is shown;
    a marker was removed), one line on stderr: the text alone would pass it off as generated."""
    if answer.message and answer.message != answer.text:  # a rejected question's text is the message
        print(f"注意：{answer.message}", file=sys.stderr, flush=True)


def _no_question(name: str) -> int:
    print(
        f"错误：请给出问题，例如 python -m rag {name} \"482号建议是谁提出的？\"，或用 --jsonl 从标准输入读取。",
        file=sys.stderr,
    )
    return 2


def format_answer(answer) -> str:
    from rag.citations import format_answer as fmt

    return fmt(answer, offsets=True)


@command("retrieve")
def cmd_retrieve(args: argparse.Namespace, s: Settings) -> int:
    if args.question is None and not args.jsonl:
        return _no_question("retrieve")
    from rag.chain import Assistant

    assistant = Assistant.open(s)
    k = args.k or 10
    questions = (
        ((obj["q"] if obj else None), err) for _, obj, err in _jsonl_questions()
    ) if args.jsonl else iter([(args.question, "")])
    from rag.validation import InputError, validate_question

    for q, err in questions:
        if q is None:
            _print_json({"q": None, "hits": [], "error": err})
            continue
        try:  # the same checks as ask: an empty or 10,000-character question gets a reason, not 0 hits
            searched = validate_question(q, s.max_question_chars)  # as ask searches it (１１８ → 118)
        except InputError as exc:
            if not args.jsonl:
                raise
            _print_json({"q": q, "hits": [], "error": str(exc)})
            continue
        hits = assistant.retrieve(searched, k)
        _print_json(
            {
                "q": q,
                "hits": [
                    {"doc_id": h.chunk.doc_id, "chunk_id": h.chunk.chunk_id, "text": h.chunk.text, "score": h.score}
                    for h in hits
                ],
            }
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    _load_extensions()  # every sub-command, whoever builds the parser (main, tests)
    p = argparse.ArgumentParser(prog="python -m rag", description="政策问答助手：离线、可溯源的政策文件问答")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--index", help="index folder (default: index/, built from corpus/ when missing)")
        sp.add_argument("--embed-model", dest="embed_model", help="use-multilingual | none | a sentence-transformers model")
        sp.add_argument("--rerank-model", dest="rerank_model", help="a cross-encoder folder, e.g. bge-reranker-base (default: none)")

    sp = sub.add_parser("ingest", help="build or update the index from a corpus folder")
    sp.add_argument("corpus_dir")
    sp.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    common(sp)

    sp = sub.add_parser("ask", help="answer a question with citations")
    sp.add_argument("question", nargs="?")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--jsonl", action="store_true", help="read {\"q\": …} lines from stdin")
    common(sp)

    sp = sub.add_parser("retrieve", help="show retrieved chunks")
    sp.add_argument("question", nargs="?")
    sp.add_argument("--jsonl", action="store_true")
    sp.add_argument("-k", type=int, default=None)
    common(sp)
    for extra in EXTRA_PARSERS:
        extra(sub, common)
    return p


# Other modules (eval, bench, draft_commands, serve) register their sub-commands here.
EXTRA_PARSERS: list[Callable] = []


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
        if problem := _bad_single_question(args, settings) or _bad_out(args):  # before a model loads
            print(f"错误：{problem}", file=sys.stderr)
            return 2
        return COMMANDS[args.command](args, settings)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `… | head` closed the pipe: not an error worth a message
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except Exception as exc:  # one clear line for the user; RAG_DEBUG=1 shows the traceback
        if os.environ.get("RAG_DEBUG"):
            raise
        print(f"错误：{exc}", file=sys.stderr)
        return 2


def _bad_out(args: argparse.Namespace) -> str:
    """An ``--out`` file whose folder is missing fails now, not after a four-minute benchmark."""
    out = getattr(args, "out", None)
    if not out or Path(out).resolve().parent.is_dir():
        return ""
    return f"--out 的目录不存在：{Path(out).resolve().parent}"


def _bad_single_question(args: argparse.Namespace, s: Settings) -> str:
    """Why ``ask``/``retrieve`` with one question on the command line cannot run ("" when it can).

    A blank, punctuation-only or 10,000-character question is a usage error (stderr, exit 2),
    also with ``--json`` or ``--stream``; in ``--jsonl`` input it is reported per line instead.
    """
    question = getattr(args, "question", None)
    if args.command not in ("ask", "retrieve") or question is None or getattr(args, "jsonl", False):
        return ""
    from rag.validation import InputError, validate_question

    try:
        validate_question(question, s.max_question_chars)
    except InputError as exc:
        return str(exc)
    return ""


def _load_extensions() -> None:
    """The modules that register further sub-commands (imported here: they import this module)."""
    import importlib

    for name in ("rag.evaluation", "rag.bench", "rag.draft_commands", "rag.serve"):
        importlib.import_module(name)
