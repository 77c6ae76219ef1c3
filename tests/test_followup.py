"""Multi-turn chat: follow-ups rewritten into standalone questions, by rules and by a
chat model (a small real LangChain model that answers from a script and records prompts)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Q_482
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from rag.chain import Assistant
from rag.followup import condense, condense_by_rules, normalize_history

SOUTH = "苏南地区新增省级企业技术中心多少家？"


class ScriptedChat(BaseChatModel):
    reply: Any  # a string, or an exception to raise
    prompts: list = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> ChatResult:
        self.prompts.append("\n".join(str(m.content) for m in messages))
        if isinstance(self.reply, Exception):
            raise self.reply
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])


@pytest.mark.parametrize(
    ("question", "history", "expected"),
    [
        ("那苏北呢？", [(SOUTH, "……")], "苏北地区新增省级企业技术中心多少家？"),
        ("它的答复时间是？", [(Q_482, "……胡伏原。[1]")], "482号建议的答复时间是？"),
        ("那118号呢？", [(Q_482, "……")], "118号建议是谁提出的？"),
        ("那2021年呢？", [("2020年苏北地区新增了多少家省级企业技术中心？", "")],
         "2021年苏北地区新增了多少家省级企业技术中心？"),
        ("那无锡呢？", [("苏州2023年规上工业总产值是多少？", "")], "无锡2023年规上工业总产值是多少？"),
        ("其主要观点是什么？", [("《以科技创新推动产业创新》的作者是谁？", "")], "《以科技创新推动产业创新》的主要观点是什么？"),
        # the latest subject wins: "它" is 118号 after the user moved on from 482
        ("它的答复时间是？", [(Q_482, "……"), ("那118号呢？", "第118号建议的建议人是市致公党。[1]")],
         "118号建议的答复时间是？"),
        # a follow-up of a follow-up keeps what the first one changed
        ("那2021年呢？", [(SOUTH, ""), ("那苏北呢？", "")], "2021年苏北地区新增省级企业技术中心多少家？"),
        # "他" is the proposal's author: the proposal, not "482号建议的提了…"
        ("他提了哪些对策建议？", [(Q_482, "……胡伏原。[1]")], "482号建议提了哪些对策建议？"),
        ("他是哪个单位的？", [(Q_482, "……胡伏原。[1]")], "482号建议的建议人是哪个单位的？"),
        # the last count is what is counted: not "近几年" of "近几年…多少家企业技术中心"
        ("那智能车间呢？", [("近几年苏州新增了多少家企业技术中心？", "")], "近几年苏州新增了多少家智能车间？"),
        # a thing for a thing: the same count, not 智能车间 put where the place 苏北 was
        ("那智能车间呢？", [("2020年苏北地区新增了多少家省级企业技术中心？", "")], "2020年苏北地区新增了多少家智能车间？"),
        ("那北京呢？", [("苏州有几家灯塔工厂？", "")], "北京有几家灯塔工厂？"),
        # a question with no subject of its own asks about the same document
        ("第三条具体怎么说的？", [(Q_482, "……")], "482号建议的第三条具体怎么说的？"),
        ("什么时候答复的？", [(Q_482, "……")], "482号建议什么时候答复的？"),
        ("这封信是谁落款的？", [("1002号建议是怎么答复的？", "……")], "1002号建议是谁落款的？"),
        ("第二个问题具体是什么？", [("118号建议存在哪些问题？", "……")], "118号建议的第二个问题具体是什么？"),
        # another field of the same document
        ("承办单位呢？", [(Q_482, "……胡伏原。[1]")], "482号建议的承办单位是什么？"),
        # standalone questions and first turns stay as they are
        ("苏州有多少家国家级专精特新企业？", [(SOUTH, "")], "苏州有多少家国家级专精特新企业？"),
        ("那苏北呢？", [], "那苏北呢？"),
    ],
)
def test_rules_carry_the_previous_subject(question: str, history: list, expected: str) -> None:
    assert condense(question, history) == expected


def test_history_as_chat_messages() -> None:
    messages = [
        {"role": "system", "content": "你是助手"},
        {"role": "user", "content": Q_482},
        {"role": "assistant", "content": [{"type": "text", "text": "胡伏原。[1]"}]},
    ]
    assert normalize_history(messages) == [(Q_482, "胡伏原。[1]")]
    assert condense("它的答复时间是？", normalize_history(messages)) == "482号建议的答复时间是？"


def test_llm_rewrites_with_the_condense_prompt(tmp_path_factory: pytest.TempPathFactory) -> None:
    from rag.config import ROOT

    llm = ScriptedChat(reply="完整问题：“苏北地区新增省级企业技术中心多少家？”\n")
    out = condense("那苏北呢？", [(SOUTH, "新增85家。[1]")], llm, ROOT / "prompts")
    assert out == "苏北地区新增省级企业技术中心多少家？"
    prompt = llm.prompts[-1]
    assert SOUTH in prompt and "那苏北呢？" in prompt and "新增85家" in prompt and "[1]" not in prompt


@pytest.mark.parametrize("reply", ["", "\n  \n", "问" * 400, ConnectionError("refused")])
def test_unusable_llm_output_falls_back_to_rules(reply: Any) -> None:
    from rag.config import ROOT

    llm = ScriptedChat(reply=reply)
    out = condense("那苏北呢？", [(SOUTH, "")], llm, ROOT / "prompts")
    assert out == condense_by_rules("那苏北呢？", [(SOUTH, "")]) == "苏北地区新增省级企业技术中心多少家？"
    assert llm.prompts  # the model was asked first


def test_assistant_answers_a_follow_up(assistant: Assistant) -> None:
    first = assistant.ask(Q_482)
    assert "胡伏原" in first.text
    second = assistant.ask("它的答复时间是？", history=[(Q_482, first.text)])
    assert second.question == "482号建议的答复时间是？"
    assert "2025-06-19" in second.text and second.citations
    streamed = list(assistant.stream("它的答复时间是？", history=[{"role": "user", "content": Q_482}]))
    assert streamed[-1].text == second.text and streamed[0] == second.text


def test_assistant_without_history_is_unchanged(assistant: Assistant) -> None:
    assert assistant.ask("它的答复时间是？").question == "它的答复时间是？"
    bad = assistant.ask("  ", history=[(Q_482, "")])
    assert bad.refused and bad.message == "请输入问题。"


def test_a_pronoun_with_nothing_before_asks_which_document(assistant):
    """"它的答复时间是？" as the first question: say what to write, not a generic refusal."""
    a = assistant.ask("它的答复时间是？")
    assert a.refused and "请写明问的是哪份文件" in a.text
    streamed = list(assistant.stream("该建议的主办单位是哪个？"))
    assert "请写明问的是哪份文件" in streamed[-1].text
    after = assistant.ask("它的答复时间是？", history=[("482号建议是谁提出的？", "胡伏原")])
    assert not after.refused and "2025-06-19" in after.text


def test_a_field_follow_up_keeps_the_document_and_a_kind_follow_up_keeps_the_field(assistant):
    first = [("新闻的记者是谁？", "……")]
    editor = condense_by_rules("编辑呢？", first)
    assert editor == "新闻的编辑是什么？" and "汪泽" in assistant.ask(editor).text
    comment = condense_by_rules("评论的呢？", [*first, ("编辑呢？", "……")])
    assert comment == "评论的编辑是什么？" and "曹子健" in assistant.ask(comment).text


def test_其中_asks_a_part_of_what_was_just_counted(assistant):
    # 其中 is not 其 (it) + 中: "1002号建议的中苏北占多少" lost the topic
    q = condense_by_rules("其中苏北有多少？", [("全省有多少个项目纳入先进制造业集群项目库？", "……")])
    assert q.startswith("全省有多少个项目纳入先进制造业集群项目库") and "其中苏北有多少" in q
    assert "338个" in assistant.ask(q).text


def test_he_after_who_is_the_person_the_answer_named():
    # QA: "苏州市委书记是谁？" → "…刘小涛…"; "他提出了什么目标？" had become "苏州提出了什么目标？"
    history = [("苏州市委书记是谁？", "省委常委、苏州市委书记刘小涛指出,要牢牢把握苏州推进新型工业化的目标任务…[1]")]
    assert condense_by_rules("他提出了什么目标？", history) == "刘小涛提出了什么目标？"
    # after "who filed it", 他 still stands for the document
    filed = [("482号建议是谁提出的？", "……建议人是胡伏原。[1]")]
    assert condense_by_rules("他提了哪些对策建议？", filed) == "482号建议提了哪些对策建议？"


@pytest.mark.parametrize(
    ("previous", "answer", "question", "standalone"),
    [
        # QA tester's follow-ups that were left as they were, or garbled
        ("苏州有几家灯塔工厂？", "其中,集聚“灯塔工厂”7家,数量位居全国第一[1]", "全国排第几？", "苏州有几家灯塔工厂，全国排第几？"),
        ("新年第一会上谁提出了目标任务？", "省委常委、苏州市委书记刘小涛指出,要牢牢把握…[1]", "他是什么职务？",
         "刘小涛是什么职务？"),
        ("苏州有多少家国家级绿色工厂？", "国家级绿色工厂77家[1]", "省级的呢？", "苏州有多少家省级绿色工厂？"),
        ("广东有多少个战略性产业集群？", "广东20个战略性产业集群[1]", "高新技术企业呢？", "广东有多少个高新技术企业？"),
        ("苏州有几家灯塔工厂？", "7家[1]", "占全省比例多少？", "苏州有几家灯塔工厂，占全省比例多少？"),
    ],
)
def test_short_follow_ups_carry_the_previous_question(previous, answer, question, standalone):
    assert condense_by_rules(question, [(previous, answer)]) == standalone


def test_a_part_of_a_list_named_with_zhong_is_not_doubled():
    """"…清单中共有多少项？" + "其中苏北有多少？" had become "…清单中中，苏北有多少？"."""
    assert condense_by_rules("其中苏北有多少？", [("2021年度省重大工业项目清单中共有多少项？", "514项")]) == \
        "2021年度省重大工业项目清单中，苏北有多少？"


def test_more_gives_what_the_previous_answer_did_not_quote(assistant):
    """A QA tester's follow-up failure: "还有呢？" repeated the last answer word for word."""
    first = assistant.ask("苏州有几家灯塔工厂？")
    history = [("苏州有几家灯塔工厂？", first.text)]
    more = assistant.ask("还有呢？", history=history)
    assert not more.refused and more.citations
    assert all(c.quote not in first.text for c in more.citations) and "灯塔工厂" in more.text
    history.append(("还有呢？", more.text))
    shown = {c.quote for c in first.citations + more.citations}
    for _ in range(3):  # asked again and again: never a passage already quoted, at last a refusal
        again = assistant.ask("还有吗？", history=history)
        assert not any(c.quote in shown for c in again.citations)
        history.append(("还有吗？", again.text))
        shown |= {c.quote for c in again.citations}
    assert again.refused and again.text.startswith("资料中未找到更多")


def test_more_streams_the_same_answer(assistant):
    history = [("苏州有几家灯塔工厂？", assistant.ask("苏州有几家灯塔工厂？").text)]
    *_, final = assistant.stream("还有别的吗？", history=history)
    assert final.text == assistant.ask("还有别的吗？", history=history).text


def test_which_ones_after_a_count_must_be_listed_not_the_count_again(assistant):
    first = assistant.ask("苏州集聚了几家灯塔工厂？")
    assert "7家" in first.text
    a = assistant.ask("分别是哪几家？", history=[("苏州集聚了几家灯塔工厂？", first.text)])
    assert a.refused  # the corpus counts them and never names them


def test_a_bare_when_after_a_question_about_a_proposal_asks_its_date(assistant):
    a = assistant.ask("哪一年？", history=[("482号建议是谁提的？", "……建议人是胡伏原。[1]")])
    assert not a.refused and "2025-06-19" in a.text and "答复时间" in a.text


def test_he_after_an_author_question_is_the_author(assistant):
    first = assistant.ask("评论作者是谁？")
    a = assistant.ask("他是什么职务？", history=[("评论作者是谁？", first.text)])
    assert not a.refused and "院长" in a.text


def test_a_rank_of_the_count_just_answered(assistant):
    first = assistant.ask("苏州有几家灯塔工厂？")
    a = assistant.ask("数量在全国排第几？", history=[("苏州有几家灯塔工厂？", first.text)])
    assert not a.refused and "位居全国第一" in a.text


def test_more_after_a_sentence_quoted_cut_gives_the_rest_of_it(assistant):
    """A QA tester's follow-up failure: 刘小涛's targets were quoted cut at 120 characters, and
    "还有呢？" refused instead of giving the rest (推动GDP迈上3万亿台阶, 到2035年…)."""
    first = assistant.ask("刘小涛提出了什么目标？")
    assert "GDP" not in first.text
    more = assistant.ask("还有呢？", history=[("刘小涛提出了什么目标？", first.text)])
    assert not more.refused and more.citations[0].quote.startswith("推动GDP迈上3万亿台阶")
    assert "到2035年" in more.text


def test_more_after_a_part_reads_on_through_that_part(assistant):
    """A QA tester's follow-up failure: "还有呢？" after 1002第二部分讲什么 quoted sentences of
    other sections. It reads on after the last sentence shown, one point (一是, 二是…) at a time,
    never past the section's end, and then says the part is done."""
    history = [("1002号建议的答复第二部分讲什么？", assistant.ask("1002号建议的答复第二部分讲什么？").text)]
    assert "一是推进智能车间" in history[0][1]
    letter = assistant.index.docs["答复函_第1002号建议的答复.txt"].text
    section = letter[letter.index("二、大力发展智能制造") : letter.index("三、加大人才培育力度")]
    quotes = []
    for _ in range(8):
        more = assistant.ask("还有呢？", history=history)
        history.append(("还有呢？", more.text))
        if more.refused:
            break
        quote = more.citations[0].quote
        assert quote in section and quote not in "".join(quotes)
        assert "二是" not in quote[2:] and "三是" not in quote[2:]  # one point at a time
        quotes.append(quote)
    assert more.refused and "这一部分更多的内容" in more.text
    assert quotes[1].startswith("二是提升智能制造服务能力")
    assert "".join(quotes).endswith(section.strip()[-20:])  # read to the section's last sentence


@pytest.mark.parametrize(
    ("first", "start", "end"),
    [
        # the quoted heading is split with the heading above it as one sentence ("(一)…对策建议 1.以…")
        ("118号建议的第一条对策是什么？", "1.以“人工智能+本土制造”", "2.以“人工智能+场景牵引”"),
        # …and with the body below it ("2.…数字红利 通过调研发现…"): more is in the part, not the opening
        ("118号建议存在哪些问题？第二个问题具体说的什么？", "2.人工智能产业与苏州制造业的匹配度不高", "3.人工智能应用的场景开发"),
    ],
)
def test_more_after_a_proposals_point_stays_in_that_point(assistant, first, start, end):
    """QA tester: "还有呢" after a proposal's point gave the page's opening; then it ran into the next point."""
    history = []
    for q in first.split("？")[:-1]:
        history.append((q + "？", assistant.ask(q + "？", history=list(history)).text))
    text = assistant.index.docs["118号建议_人工智能与产业深度融合.txt"].text
    point = text[text.index(start) : text.index(end)]
    more = assistant.ask("还有呢", history=history)
    assert not more.refused and more.citations[0].quote in point, more.text
    history.append(("还有呢", more.text))
    for _ in range(4):
        more = assistant.ask("还有呢", history=history)
        history.append(("还有呢", more.text))
        if more.refused:
            break
        assert more.citations[0].quote in point
    assert more.refused and "这一部分更多的内容" in more.text


def test_he_after_a_post_answered_is_the_person_named_after_the_post(assistant):
    """QA tester: 他 became 苏州; jieba does not tag 万利, who stands after his post ("局长万利表示")."""
    first = assistant.ask("新闻里苏州市工信局局长是谁？")
    assert "万利" in first.text
    a = assistant.ask("他说了什么？", history=[("新闻里苏州市工信局局长是谁？", first.text)])
    assert a.question == "万利说了什么？"
