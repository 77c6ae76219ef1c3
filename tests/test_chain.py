"""rag/chain.py: question validation, the gate every question (CLI, app, API) passes first."""

from __future__ import annotations

import pytest

from rag.validation import InputError, validate_question


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


@pytest.mark.parametrize(("text", "reply"), [("谢谢你！", "不客气！"), ("你好", "您好！"), ("收到", "请直接")])
def test_small_talk_is_answered_in_kind(text, reply):
    """"你好" was answered 不客气 (a QA tester's report)."""
    with pytest.raises(InputError) as err:
        validate_question(text)
    assert str(err.value).startswith(reply)


def test_questions_that_start_like_small_talk_still_pass():
    assert validate_question("你好，482号建议是谁提出的？") == "你好，482号建议是谁提出的？"


def test_a_question_in_traditional_characters_is_answered_like_the_simplified_one(assistant):
    trad = assistant.ask("蘇州有幾家燈塔工廠？")
    simple = assistant.ask("苏州有几家灯塔工厂？")
    assert not trad.refused and trad.text == simple.text and "7家" in trad.text
    assert "胡伏原" in assistant.ask("482號建議是誰提出的？").text


@pytest.mark.parametrize("question", ["482号建議是誰提出的？", "蘇州有几家灯塔工厂？"])
def test_a_question_mixing_the_two_scripts_is_answered(assistant, question):
    """An input method gave 建議 beside 号 (a QA tester's report): it was refused."""
    a = assistant.ask(question)
    assert not a.refused and ("胡伏原" in a.text or "7家" in a.text)


def test_simplified_text_keeps_the_characters_it_shares_with_traditional():
    from rag.validation import to_simplified

    for text in ("显著的成效有哪些？", "乾隆年间苏州於某的建议", "苏州有几家灯塔工厂？"):
        assert to_simplified(text) == text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("１１８", "118"),
        ("４８２号建议是谁提出的？", "482号建议是谁提出的？"),
        ("ＡＩ　大模型", "AI 大模型"),  # the ideographic space too
        ("５Ｇ工厂有几家", "5G工厂有几家"),
        # Chinese punctuation is not ASCII-fied (NFKC would make ？，：（） of these)
        ("苏州有几家灯塔工厂？（含全球），请列出：名称；年份！", "苏州有几家灯塔工厂？（含全球），请列出：名称；年份！"),
        ("增速是多少％…", "增速是多少％…"),
    ],
)
def test_full_width_letters_and_digits_become_ascii_punctuation_stays(question, expected):
    assert validate_question(question) == expected


def test_a_question_in_full_width_digits_is_answered_like_the_ascii_one(assistant):
    """QA: "１１８" got 资料中未找到第１１８号建议 while "118" gave the record card."""
    for full, ascii_ in (("１１８", "118"), ("４８２号建议是谁提出的？", "482号建议是谁提出的？")):
        answer = assistant.ask(full)
        assert not answer.refused and answer.text == assistant.ask(ascii_).text
    assert "市致公党" in assistant.ask("１１８").text and "胡伏原" in assistant.ask("４８２号建议是谁提出的？").text


@pytest.mark.parametrize("question", ["-1", "1.5", "482,118", "%%%1", "——１", "01/04", "118 482"])
def test_digits_and_punctuation_that_are_no_proposal_number_get_a_reason(question):
    with pytest.raises(InputError, match="不是建议号，也没有可查的文字"):
        validate_question(question)


@pytest.mark.parametrize(
    "question", ["12345678901234567890", "123456", "第123456号", "１２３４５６", "123456号建议是谁提出的？",
                 "第1234567号建议的答复时间"],
)
def test_a_number_of_six_or_more_digits_is_said_to_be_no_proposal_number(question):
    with pytest.raises(InputError, match="不是建议号：建议号最多 5 位数字"):
        validate_question(question)


@pytest.mark.parametrize(
    ("question", "expected"),
    [("482", "482"), ("第482号", "第482号"), ("482？", "482？"), ("482！", "482！"), ("118号呢？", "118号呢？"),
     ("482号建议", "482号建议"),
     ("99999", "99999"), ("２０２３", "2023"), ("AI 482", "AI 482")],
)
def test_bare_proposal_numbers_still_pass(question, expected):
    assert validate_question(question) == expected  # the answerer handles them (BARE_NUMBER)


def test_number_only_questions_are_refused_with_the_reason_not_answered_with_junk(assistant):
    """QA: "-1" was answered "01/04\\n10:20[1]" and a 20-digit number with a random sentence."""
    for question, reason in (("-1", "不是建议号，也没有可查的文字"), ("12345678901234567890", "建议号最多 5 位数字")):
        for answer in (assistant.ask(question), list(assistant.stream(question))[-1]):
            assert answer.refused and reason in answer.text and not answer.citations
    card = assistant.ask("482")  # the answerer's record card is untouched
    assert not card.refused and "胡伏原" in card.text


def test_an_index_without_documents_says_so(tmp_path):
    from conftest import make_settings

    from rag.chain import Assistant

    (tmp_path / "corpus").mkdir()
    a = Assistant.open(make_settings(tmp_path / "corpus", tmp_path / "index"))
    for answer in (a.ask("482号建议是谁提出的？"), list(a.stream("灯塔工厂有几家？"))[-1]):
        assert answer.refused and "索引中还没有任何文档" in answer.text


@pytest.mark.parametrize("question", ["who proposed 482?", "Who proposed suggestion 482?", "hello"])
def test_an_english_question_is_asked_to_be_put_in_chinese(question):
    """The documents are Chinese: an English question would only get unrelated passages."""
    with pytest.raises(InputError, match="请用中文提问"):
        validate_question(question)


@pytest.mark.parametrize("question", ["苏州有多少家", "多少家？", "是谁提出的？", "那苏北呢？"])
def test_a_first_question_that_names_nothing_asks_for_more(assistant, question):
    """Each had got a cited but guessed answer (a QA tester's report): no subject, no answer."""
    a = assistant.ask(question)
    assert a.refused and "问题没有说要问的是什么" in a.text and not a.citations


@pytest.mark.parametrize("question", ["苏州有几家灯塔工厂？", "482号建议是谁提出的？", "灯塔工厂有几家？", "灯塔工厂一共有多少家"])
def test_complete_questions_are_not_taken_for_fragments(assistant, question):
    assert not assistant.ask(question).refused


def test_spaces_between_chinese_characters_are_dropped(assistant):
    """"482号建议 是 谁 提 出 的" (a QA tester's input) is the question without them."""
    assert validate_question("482号建议 是 谁 提 出 的") == "482号建议是谁提出的"
    assert "胡伏原" in assistant.ask("482号建议 是 谁 提 出 的").text
    assert validate_question("AI 大模型") == "AI 大模型"  # between a letter and a character it stays
