"""rag/enumeration.py: a set named by its count ("五个强化") and given in the paragraphs after it."""

from __future__ import annotations

import pytest

from rag.documents import Document
from rag.enumeration import answer_enumeration

LISTED = "苏州聚焦“三个强化”,全面推进。\n\n在强化甲方面,做甲。\n\n在强化乙方面,做乙。\n\n在强化丙方面,做丙。\n"


def test_the_items_are_the_opening_clauses_of_the_paragraphs_after_it():
    doc = Document("a.txt", LISTED)
    a = answer_enumeration("“三个强化”是什么？", [doc])
    assert a is not None and [c.quote for c in a.citations] == [
        "苏州聚焦“三个强化”,全面推进。", "在强化甲方面", "在强化乙方面", "在强化丙方面"]
    assert a.text == "苏州聚焦“三个强化”,全面推进。[1]“三个强化”是：在强化甲方面[2]；在强化乙方面[3]；在强化丙方面[4]。"
    assert all(doc.text[c.start : c.end] == c.quote for c in a.citations)


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("“三个强化”是什么？", "苏州聚焦“三个强化”。\n\n在强化甲方面,做甲。\n\n另外,做乙。\n\n在强化丙方面,做丙。\n"),  # not alike
        ("“三个强化”是什么？", "苏州聚焦“三个强化”。\n\n在强化甲方面,做甲。\n"),  # fewer paragraphs than the count
        ("“三个强化”是什么？", "强化甲、强化乙、强化丙“三个强化”。\n\n在甲方面。\n\n在乙方面。\n\n在丙方面。\n"),  # inline
        ("“三个强化”由谁提出？", LISTED),  # does not ask what the set holds
        ("无锡的“三个强化”是什么？", LISTED),  # another place
    ],
)
def test_no_enumeration_answer_otherwise(question, text):
    from rag.questions import places

    assert answer_enumeration(question, [Document("a.txt", text)], places(question)) is None


def test_the_news_items_five_strengthenings_are_listed(assistant):
    a = assistant.ask("苏州提出的“五个强化”是什么？")
    assert not a.refused and len(a.citations) == 6
    assert [c.quote[:6] for c in a.citations[1:]] == ["在强化产业体", "在强化企业梯", "在强化产业创", "在强化数字技", "在强化绿色低"]
    assert assistant.ask("五个强化具体指什么？").text == a.text  # the question's own words are not the set's
