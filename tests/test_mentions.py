"""Which documents mention a term: every one, each with its sentence cited (rag/mentions.py)."""

import pytest

from rag.mentions import checked


def test_every_document_mentioning_the_term_is_named(assistant):
    """A QA tester's wrong answer: "哪些文件提到了灯塔工厂" named 482 only; 118 has it too."""
    a = assistant.ask("哪些文件提到了灯塔工厂？")
    assert "2份文件" in a.text and len(a.citations) == 2
    assert all("灯塔工厂" in c.quote for c in a.citations)
    assert {c.doc_id[:3] for c in a.citations} == {"118", "482"}


@pytest.mark.parametrize("question", ["“缺芯少核”在哪些文件里出现过？", "哪几份材料提到了缺芯少核？"])
def test_the_term_may_come_first_or_last(assistant, question):
    a = assistant.ask(question)
    assert not a.refused and len(a.citations) == 1 and "缺芯少核" in a.citations[0].quote


def test_a_term_no_document_holds_is_refused(assistant):
    assert assistant.ask("哪些文件提到了量子计算？").refused


def test_a_term_with_quotes_inside_is_found_as_written(assistant):
    """"“1030”产业体系" (a QA tester's: only the news item was named; all three proposals' texts hold it)."""
    a = assistant.ask("哪些文件提到了“1030”产业体系？")
    assert "3份文件" in a.text and all("“1030”产业体系" in c.quote for c in a.citations)


def test_a_named_document_that_says_the_term_answers_yes_with_its_sentence(assistant):
    a = assistant.ask("评论有没有提到低空经济？")
    assert not a.refused and a.text.startswith("有。") and len(a.citations) == 1
    assert "低空经济" in a.citations[0].quote and a.citations[0].doc_id.startswith("评论")


def test_a_named_document_that_does_not_is_refused_and_those_that_do_are_shown(assistant):
    a = assistant.ask("评论有没有提到灯塔工厂？")
    assert a.refused and "《以科技创新推动产业创新》中没有出现“灯塔工厂”" in a.text
    assert a.closest and all("灯塔工厂" in c.quote and not c.doc_id.startswith("评论") for c in a.closest)
    b = assistant.ask("118号建议提到过量子计算吗？")
    assert b.refused and "没有出现“量子计算”" in b.text and not b.closest


def test_a_yes_no_question_about_the_whole_corpus(assistant):
    a = assistant.ask("资料里有没有提到“雁阵效应”？")
    assert not a.refused and a.text.startswith("有。") and a.citations[0].doc_id.startswith("新闻")
    assert checked("苏州有没有灯塔工厂？") is None  # has, not mentions: an ordinary question


def test_quotes_the_asker_left_out_still_match(assistant):
    a = assistant.ask("哪些文件提到了1030产业体系？")
    assert "3份文件" in a.text and all("1030”产业体系" in c.quote for c in a.citations)


def test_a_mention_checked_in_two_documents_answers_for_each(assistant):
    """QA tester: "新闻和评论都提到…了吗" quoted the news and said nothing of the commentary."""
    a = assistant.ask("新闻和评论都提到“老树发新芽”了吗？")
    assert a.text.startswith("不都提到") and "《以科技创新推动产业创新》中没有出现“老树发新芽”" in a.text
    assert [c.doc_id[:2] for c in a.citations] == ["新闻"]
    both = assistant.ask("新闻和482号建议都提到“老树发新芽”了吗？")
    assert both.text.startswith("有。") and {c.doc_id[:2] for c in both.citations} == {"新闻", "48"}
