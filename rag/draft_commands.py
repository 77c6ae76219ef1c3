"""The ``draft-reply`` and ``brief`` sub-commands (rag/drafting.py, rag/briefing.py).

``python -m rag draft-reply PROPOSAL [--out FILE.docx|FILE.md]`` and
``python -m rag brief "主题" [--out …]``: Markdown on stdout, or a file plus its 起草提示 lines.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rag.cli import EXTRA_PARSERS, command
from rag.config import Settings
from rag.drafting import DraftError, draft_reply
from rag.render import Draft


def _add_parsers(sub, common) -> None:
    sp = sub.add_parser("draft-reply", help="draft a reply letter (答复函) to a proposal, every fact cited")
    sp.add_argument("proposal", help="doc_id in the corpus, proposal number, or path to a proposal file")
    sp.add_argument("--out", help="write FILE.docx or FILE.md instead of printing Markdown")
    common(sp)
    sp = sub.add_parser("brief", help="a briefing for new staff on a topic, every fact cited")
    sp.add_argument("topic")
    sp.add_argument("--out", help="write FILE.docx or FILE.md instead of printing Markdown")
    common(sp)


EXTRA_PARSERS.append(_add_parsers)


def _emit(draft: Draft, out: str | None) -> int:
    if out:
        path = draft.save(Path(out))
        print(f"已写入 {path}")
        for p in draft.problems:
            print(f"提示：{p}")
    else:
        print(draft.markdown())
    return 0


@command("draft-reply")
def cmd_draft_reply(args: argparse.Namespace, s: Settings) -> int:
    from rag.chain import Assistant

    if args.out and Path(args.out).suffix.lower() not in (".md", ".docx"):
        raise DraftError("--out 只支持 .docx 或 .md 文件。")
    return _emit(draft_reply(Assistant.open(s), args.proposal), args.out)


@command("brief")
def cmd_brief(args: argparse.Namespace, s: Settings) -> int:
    from rag.briefing import brief
    from rag.chain import Assistant

    if args.out and Path(args.out).suffix.lower() not in (".md", ".docx"):
        raise DraftError("--out 只支持 .docx 或 .md 文件。")
    return _emit(brief(Assistant.open(s), args.topic), args.out)
