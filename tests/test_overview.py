"""Questions about a whole document: a proposal's points, a reply's sections, a reply not collected."""

from __future__ import annotations

import pytest

from rag.documents import Document
from rag.metadata import extract_metadata
from rag.overview import answer_overview, asks_about


def _quotes_are_exact(assistant, answer) -> None:
    for c in [*answer.citations, *answer.closest]:
        assert assistant.index.docs[c.doc_id].text[c.start : c.end] == c.quote


@pytest.mark.parametrize("question", ["482号建议提出了哪些对策建议？", "胡伏原的建议有哪些具体措施？"])
def test_a_proposals_recommendations_are_listed_each_cited(assistant, question):
    """Not the sentence "…并提出对策建议。" of the introduction: the four numbered points."""
    a = assistant.ask(question)
    assert not a.refused and "提出了4条对策建议" in a.text and len(a.citations) == 4
    assert "有计划推进关键核心技术联合攻关[1]" in a.text
    _quotes_are_exact(assistant, a)


@pytest.mark.parametrize("question", ["118号建议的主要内容是什么？", "市致公党的建议讲了什么？", "第118号提案概括一下"])
def test_what_a_proposal_is_about_names_its_proposer_and_points(assistant, question):
    """Was "答复内容:[1]建议内容:[2]": two bare field labels quoted as the answer."""
    a = assistant.ask(question)
    assert not a.refused and "建议人：市致公党[1]" in a.text and "提出了4条对策建议" in a.text
    assert "以“人工智能+引智育才”开拓产才融合新局面[5]" in a.text and len(a.citations) == 5
    assert "答复内容" not in a.text
    _quotes_are_exact(assistant, a)


@pytest.mark.parametrize(
    "question",
    [
        "1002号建议是怎么答复的？",
        "省工信厅对1002号建议的答复主要讲了什么？",
        "陆惠芬代表的建议是怎么答复的？",
        "1002号建议的答复提到哪些措施？",  # was the letter's opening sentence ("采取了一系列…措施")
        "省工信厅针对1002号建议采取了哪些措施？",
    ],
)
def test_how_a_proposal_was_answered_lists_the_reply_letters_sections(assistant, question):
    a = assistant.ask(question)
    assert not a.refused and "分4个方面作答" in a.text
    assert "一、强化创新载体建设,提升企业创新能力[1]" in a.text and "四、推动重大项目建设,统筹区域协调发展[4]" in a.text
    assert "落款：江苏省工业和信息化厅，2021年6月18日。[5]" in a.text
    assert "2021年6月18日" in a.citations[4].quote and "江苏省工业和信息化厅" in a.citations[4].quote
    _quotes_are_exact(assistant, a)


def test_a_reply_that_is_only_an_attachment_is_refused_with_where_it_is(assistant):
    """The 118 page's 答复内容 holds only "118号提案的答复.doc", which was not collected."""
    a = assistant.ask("118号建议是怎么答复的？")
    assert a.refused and a.citations == []
    assert a.text.startswith("资料中未找到第118号建议的答复正文") and "118号提案的答复.doc" in a.text
    assert [c.quote.split(":")[0] for c in a.closest[:2]] == ["答复时间", "办理类型"]
    assert "118号提案的答复.doc" in a.closest[2].quote
    _quotes_are_exact(assistant, a)



@pytest.mark.parametrize(
    "question", ["482号的答复函说了什么？", "482号建议的答复函具体内容是什么？", "482号答复函第二部分讲什么？"]
)
def test_a_reply_letter_the_corpus_lacks_is_not_another_documents(assistant, question):
    """Not the corpus's one reply letter (1002's), nor the proposal's own content or part."""
    a = assistant.ask(question)
    assert a.refused and a.text.startswith("资料中未找到第482号建议的答复正文"), a.text
    assert "1002" not in a.text and "482号提案的答复.doc" in a.text
    assert assistant.ask("1002号答复函第二部分讲什么？").text.count("大力发展智能制造") == 1

def test_asking_what_a_proposal_says_when_only_its_reply_is_collected(assistant):
    a = assistant.ask("1002号建议的主要内容是什么？")
    assert not a.refused and a.text.startswith("据答复函，第1002号建议是《关于支持苏北地区")
    assert "资料库没有收录建议原文" in a.text and "分4个方面作答" in a.text
    _quotes_are_exact(assistant, a)


@pytest.mark.parametrize(
    "question",
    [
        "482号建议中关于人才培养的内容有哪些？",  # a detail of the document, not the whole
        "胡伏原认为本地智能产业的毛病可以用哪个四字词概括？",
        "苏州有几家灯塔工厂？",
        "新型工业化是什么意思？",
        "1002号建议的答复提到哪些苏北的项目？",  # which projects: a detail of the reply
    ],
)
def test_questions_about_details_are_not_overviews(question):
    assert asks_about(question) is None


def test_detail_questions_about_a_named_proposal_still_quote_sentences(assistant):
    a = assistant.ask("482号建议中关于人才培养的内容有哪些？")
    assert not a.refused and "人才培养" in a.text
    # the last paragraph's quote stops before the page footer (承办单位, the attachment's name)
    assert "承办单位" not in a.text and ".doc" not in a.text


def test_a_reply_letters_sections_are_its_top_level_points():
    """A letter made on the spot: 一、 sections, not the (一)(二) inside them."""
    text = (
        "关于第7号建议的答复\n张三代表：\n您提出的关于某事的建议收悉，现答复如下：\n"
        "一、加强统筹\n(一)甲。 (二)乙。\n二、强化保障\n丙。\n感谢您的关心。\n某市工业和信息化局\n2025年3月1日"
    )
    doc = Document("r.txt", text, extract_metadata(text, "r.txt"))
    a = answer_overview("第7号建议是怎么答复的？", [doc], [doc])
    assert a is not None and not a.refused and "分2个方面作答：一、加强统筹[1]；二、强化保障[2]。" in a.text


@pytest.mark.parametrize(
    ("question", "lead", "n"),
    [
        ("118号建议存在哪些问题？", "指出了5方面问题", 5),
        ("482号建议指出了哪些问题？", "指出了4方面问题", 4),
        ("118号建议的现状部分讲了什么？", "介绍了3方面现状", 3),
        ("482号建议介绍的主要情况有哪些？", "介绍了4方面现状", 4),  # was the bare label "…主要情况:[1]"
    ],
)
def test_a_proposals_problems_or_situation_are_its_numbered_points_there(assistant, question, lead, n):
    a = assistant.ask(question)
    assert not a.refused and lead in a.text and len(a.citations) == n
    assert "对策" not in a.text  # not the recommendations' run
    _quotes_are_exact(assistant, a)


def test_a_proposal_known_only_from_its_reply_is_named_by_the_letters_words(assistant):
    a = assistant.ask("陆惠芬代表提出了什么建议？")
    assert not a.refused and "《关于支持苏北地区加快传统产业高端化、智能化、绿色化改造的建议》[1]" in a.text
    assert "由陆惠芬代表提出[2]" in a.text and "资料库没有收录建议原文" in a.text
    assert "一、强化创新载体建设,提升企业创新能力[3]" in a.text and len(a.citations) == 7
    _quotes_are_exact(assistant, a)
    counted = assistant.ask("陆惠芬代表的第1002号建议原文一共提了几条具体建议？")  # only the original can say
    assert counted.refused and "资料中未找到第1002号建议的原文" in counted.text


def test_the_corpus_says_what_it_holds_each_document_cited(assistant):
    a = assistant.ask("资料库里有哪些建议？")
    assert a.text.startswith("资料库收录了2份") and "第118号提案《" in a.text and "第482号提案《" in a.text
    # 第1002号建议 is known only from its reply letter: named too, the letter cited
    assert "另有第1002号建议（只有答复函《对省十三届人大四次会议第1002号建议的答复》[3]，建议原文未收录）" in a.text
    assert len(a.citations) == 3 and all(assistant.index.docs[c.doc_id].title in c.quote for c in a.citations)
    everything = assistant.ask("资料库一共收录了几份文件？")
    assert everything.text.startswith("资料库收录了5份文档") and "（致陆惠芬代表）" in everything.text
    assert assistant.ask("资料库里有哪些评论？").text.count("[") == 1


def test_settled_proposals_are_listed_with_their_recorded_handling(assistant):
    a = assistant.ask("哪些建议已经办结了？")
    assert not a.refused and a.text.startswith("记录为已办结或已答复的有3份")
    assert a.text.count("办理类型A:已经解决") == 2 and "（2021年6月18日）" in a.text
    _quotes_are_exact(assistant, a)


def test_a_bare_label_line_is_never_quoted_as_an_answer(assistant):
    for q in ["482号建议中关于人才培养的内容有哪些？", "118号建议的主要内容是什么？"]:
        a = assistant.ask(q)
        assert "答复内容" not in a.text and "建议内容" not in a.text, a.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("我刚来，1002号答复函讲了什么？", "分4个方面作答"),  # only the clause with the cue counts
        ("482号建议讲的是什么？", "提出了4条对策建议"),
        ("那篇新年第一会的新闻主要讲了什么？", "（新闻）开头写道：新年第一会,苏州聚焦了什么?"),
        ("马一德的评论文章主要观点是什么？", "（评论）开头写道："),
    ],
)
def test_overview_wordings_and_documents_without_numbered_points(assistant, question, expected):
    a = assistant.ask(question)
    assert not a.refused and expected in a.text
    _quotes_are_exact(assistant, a)


@pytest.mark.parametrize(
    ("question", "expected"),
    [("评论文章的作者是谁？", "作者是马一德"), ("新闻来源是哪里？", "来源是江苏广电苏州中心站")],
)
def test_a_document_may_be_named_by_its_kind_when_it_is_the_only_one(assistant, question, expected):
    assert expected in assistant.ask(question).text


@pytest.mark.parametrize(
    ("question", "expected", "n"),
    [
        ("苏州市工业和信息化局主办了哪些建议？", "由苏州市工业和信息化局主办的有2份", 2),  # was "协办[1]"
        ("苏州市科学技术局承办了哪个建议？", "第482号", 1),  # 承办 covers the co-handling unit too
    ],
)
def test_the_proposals_a_unit_handles_are_listed_each_cited(assistant, question, expected, n):
    a = assistant.ask(question)
    assert not a.refused and expected in a.text and len(a.citations) == n
    assert all(("苏州市工业和信息化局" in c.quote or "苏州市科学技术局" in c.quote) for c in a.citations)
    _quotes_are_exact(assistant, a)


def test_a_unit_that_handles_nothing_here_is_refused(assistant):
    a = assistant.ask("苏州市发展和改革委员会主办了哪些建议？")
    assert a.refused and "没有记录由苏州市发展和改革委员会主办" in a.text


@pytest.mark.parametrize("question", ["1002号建议的答复函提到了哪些下一步措施？", "给陆惠芬的答复里，下一步准备怎么做？"])
def test_a_reply_letters_plans_are_its_next_step_sentences(assistant, question):
    """Was the letter's opening sentence (a QA tester's report): each section's 下一步,我们将…"""
    a = assistant.ask(question)
    assert not a.refused and "下一步工作有4项" in a.text and len(a.citations) == 4
    assert all(c.quote.startswith("下一步,我们将") for c in a.citations)
    assert "（二、大力发展智能制造,助推产业转型升级）下一步,我们将持续推进智能车间和智能工厂建设" in a.text
    _quotes_are_exact(assistant, a)


def test_the_plan_of_a_named_section_only(assistant):
    a = assistant.ask("1002号答复中，大力发展智能制造那部分的下一步打算是什么？")
    assert not a.refused and len(a.citations) == 1
    assert a.citations[0].quote.startswith("下一步,我们将持续推进智能车间和智能工厂建设")


def test_a_who_question_is_a_detail_not_the_document_as_a_whole():
    """"…文章观点代表谁" holds the cue 观点, but asks who: no "开头写道" overview for it."""
    assert asks_about("新年第一会报道页面的免责声明说，文章观点代表谁？") is None
    assert asks_about("这篇评论的主要观点是什么？") == "content"


@pytest.mark.parametrize(
    ("question", "kind", "n"),
    [("哪份是答复函？", "答复函", 1), ("新闻是哪一篇？", "新闻", 1), ("哪些文件是提案？", "提案", 2)],
)
def test_which_documents_are_of_a_kind(assistant, question, kind, n):
    a = assistant.ask(question)
    assert not a.refused and a.text.startswith(f"资料库收录了{n}份") and kind in a.text
    assert len([c for c in a.citations if c.doc_id in assistant.index.docs]) >= n


def test_which_countermeasures_a_proposal_makes_are_its_numbered_points(assistant):
    a = assistant.ask("从科教维度推进我市新型工业化的建议提出了哪些对策？")
    assert a.text.startswith("《关于从科教维度推进我市新型工业化的建议》提出了4条对策建议")
    assert len(a.citations) == 4 and a.citations[0].quote.startswith("(一)")
