"""What a reply letter says will be done next: its "下一步,我们将…" sentences, one per section.

A reply letter (答复函) ends each numbered section with the department's plan.  "答复函提到了哪些下一步
措施？" asks for all of them, each cited where it is written and placed under its section:

    >>> asks_plans("1002号建议的答复函提到了哪些下一步措施？"), asks_plans("下一步苏州要建多少个智能工厂？")
    (True, False)
    >>> text = "一、甲\\n做了甲。下一步,我们将继续甲。\\n二、乙\\n做了乙。下一步,我们将推进乙。"
    >>> [text[a:b] for a, b in plan_spans(text)]
    ['下一步,我们将继续甲。', '下一步,我们将推进乙。']
"""

from __future__ import annotations

import re

from rag.citations import make_citation, one_line
from rag.documents import Answer, Document
from rag.proposals import reply_sections
from rag.subpoints import section_nth

# "下一步措施", "今后有什么打算", "接下来准备怎么做": the plans, asked of the whole letter
_ASKS = re.compile(
    r"(?:下一步|今后|接下来|下阶段|未来)(?:还|将|会|要|准备|打算|计划)?(?:有|采取|做|开展|推进)?(?:哪些|什么|怎么|如何)"
    r"|(?:哪些|什么)(?:下一步|今后|后续)(?:的)?(?:措施|举措|打算|计划|安排|工作)"
    r"|(?:下一步|后续|今后)(?:的)?(?:措施|举措|打算|计划|安排|工作)(?:有|是)?(?:哪些|什么)?"
)
_PLAN = re.compile(r"(?:下一步|今后|下阶段)[,，]?(?:我们|我厅|我局|我委)?将[^。！？]*[。！？]?")


def asks_plans(question: str) -> bool:
    """Whether the question asks what the letter plans as a whole (not one planned figure)."""
    return bool(_ASKS.search(question)) and not re.search(r"多少|几[个家项条]", question)


def plan_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the plan sentences, in order."""
    return [(m.start(), m.end()) for m in _PLAN.finditer(text)]


def answer_plans(question: str, named: list[Document]) -> Answer | None:
    """The plan sentences of the named reply letter, each cited under its section; None when the
    question does not ask for them or names no letter that states any."""
    if not asks_plans(question):
        return None
    for doc in (d for d in named if d.kind == "答复函"):
        spans = plan_spans(doc.text)
        if not spans:
            continue
        sections = reply_sections(doc)
        # "在强化创新载体建设部分的下一步打算": only the plans of the sections the question names
        asked = [s for s in sections if any(len(w) >= 4 and w in question for w in re.split(r"[,，、]", s.heading))]
        n = section_nth(question)  # "第二部分的下一步打算"
        asked = asked or ([sections[n - 1]] if n and n <= len(sections) else [])
        if asked:
            spans = [(a, b) for a, b in spans if any(s.start <= a < s.end for s in asked)] or spans
        cites, lines = [], []
        for a, b in spans:
            cites.append(make_citation(len(cites) + 1, doc, a, b))
            where = next((s for s in sections if s.start <= a < s.end), None)
            head = f"（{where.marker}{one_line(where.heading)}）" if where else ""
            lines.append(f"{len(cites)}. {head}{one_line(cites[-1].quote)}[{len(cites)}]")
        intro = f"《{doc.title}》写明的下一步工作有{len(cites)}项：" if len(cites) > 1 else f"《{doc.title}》写明的下一步工作："
        return Answer(question=question, text="\n".join([intro, *lines]), citations=cites)
    return None
