"""Command line for the API (rag/api.py): ``serve-api``, and ``ask --stream``, which prints the
answer as the assistant produces it, then the verified text and its sources."""

import json
from typing import Any

from rag.api import MODEL_ID, create_app
from rag.cli import EXTRA_PARSERS, command
from rag.documents import Answer


def _add_parsers(subparsers: Any, common: Any) -> None:
    sp = subparsers.add_parser("serve-api", help="serve the OpenAI-compatible API (POST /v1/chat/completions)")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    common(sp)
    ask = subparsers.choices.get("ask")
    if ask is not None:
        ask.add_argument("--stream", action="store_true",
                         help='print the answer as it is generated (with --json: {"delta": …} lines, then the answer)')


EXTRA_PARSERS.append(_add_parsers)


@command("serve-api")
def cmd_serve_api(args: Any, settings: Any) -> int:
    import uvicorn

    from rag.chain import Assistant

    assistant = Assistant.open(settings)  # --host/--port are settings fields, checked (rag/cli.py)
    print(f"* API：http://{settings.host}:{settings.port}/v1  （模型名 {MODEL_ID}）", flush=True)
    uvicorn.run(create_app(assistant), host=settings.host, port=settings.port, log_level="warning")
    return 0


def _wrap_ask() -> None:
    """``ask --stream`` prints pieces as they come; without the flag the original ``ask`` runs."""
    from rag.cli import COMMANDS

    plain = COMMANDS.get("ask")
    if plain is None or getattr(plain, "_streams", False):
        return

    def ask(args: Any, settings: Any) -> int:
        if not getattr(args, "stream", False) or getattr(args, "jsonl", False) or args.question is None:
            return plain(args, settings)
        return stream_to_terminal(args, settings)

    ask._streams = True  # type: ignore[attr-defined]
    COMMANDS["ask"] = ask


def stream_to_terminal(args: Any, settings: Any) -> int:
    import sys

    from rag.chain import Assistant
    from rag.cli import answer_json, format_answer

    sent = ""
    for piece in Assistant.open(settings).stream(args.question):
        if isinstance(piece, Answer):
            if args.json:
                sys.stdout.write(json.dumps(answer_json(piece), ensure_ascii=False) + "\n")
            else:
                if piece.text != sent:
                    sys.stdout.write(f"\n\n——{piece.message or '核实后的回答'}\n{piece.text}")
                sources = format_answer(piece)[len(piece.text):]
                sys.stdout.write(f"{sources}\n")
                if piece.unsupported:
                    sys.stdout.write("\n未能核实的句子：\n" + "\n".join(f"- {u}" for u in piece.unsupported) + "\n")
            sys.stdout.flush()
        else:
            sent += piece
            sys.stdout.write(json.dumps({"delta": piece}, ensure_ascii=False) + "\n" if args.json else piece)
            sys.stdout.flush()
    return 0


_wrap_ask()
