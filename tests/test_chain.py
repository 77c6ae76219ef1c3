"""rag/chain.py: question validation, the gate every question (CLI, app, API) passes first."""

from __future__ import annotations

import pytest

from rag.chain import InputError, validate_question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("", "请输入问题"),
        (None, "请输入问题"),
        ("长" * 501, "问题过长"),
        ("？？？！！", "没有文字"),  # punctuation only: nothing to search for
        ("<>《》", "没有文字"),
        ("x", "请用中文提问"),  # one letter used to "answer" with the sentence holding "10+X"
        ("who proposed 482?", "482"),  # a digit is something to search for: passes
    ],
)
def test_questions_without_searchable_text_get_a_reason(question: object, expected: str) -> None:
    try:
        result = validate_question(question)
    except InputError as exc:
        result = str(exc)
    assert expected in result


@pytest.mark.parametrize("question", ["482号建议是谁提出的？", "5G工厂有几家", "AI大模型  应用", "  灯塔工厂\n"])
def test_ordinary_questions_pass_with_whitespace_normalised(question: str) -> None:
    assert validate_question(question) == " ".join(question.split())


@pytest.mark.parametrize("text", ["谢谢", "谢谢你！", "您好", "好的。"])
def test_small_talk_gets_a_friendly_pointer_not_a_search(text):
    with pytest.raises(InputError, match="请直接提出与资料有关的问题"):
        validate_question(text)


def test_questions_that_start_like_small_talk_still_pass():
    assert validate_question("你好，482号建议是谁提出的？") == "你好，482号建议是谁提出的？"


def test_a_question_in_traditional_characters_is_answered_like_the_simplified_one(assistant):
    trad = assistant.ask("蘇州有幾家燈塔工廠？")
    simple = assistant.ask("苏州有几家灯塔工厂？")
    assert not trad.refused and trad.text == simple.text and "7家" in trad.text
    assert "胡伏原" in assistant.ask("482號建議是誰提出的？").text


def test_an_index_without_documents_says_so(tmp_path):
    from conftest import make_settings

    from rag.chain import Assistant

    (tmp_path / "corpus").mkdir()
    a = Assistant.open(make_settings(tmp_path / "corpus", tmp_path / "index"))
    for answer in (a.ask("482号建议是谁提出的？"), list(a.stream("灯塔工厂有几家？"))[-1]):
        assert answer.refused and "索引中还没有任何文档" in answer.text
