"""Questions that point at one part of a document: the Nth point, the section about a topic, the
attachment; and a document named by the first phrase of its title."""

from __future__ import annotations

import pytest

from rag.parts import nth, part_topic


def _exact(assistant, answer) -> None:
    for c in answer.citations:
        assert assistant.index.docs[c.doc_id].text[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("482号建议介绍苏州推进新型工业化主要情况时，第一点讲的是什么？", "所述现状共4条，第1条是：(一)形成了规模化发展格局"),
        ("118号建议对策部分的第四条以什么为主题？", "对策建议共4条，第4条是：4.以“人工智能+引智育才”"),
        ("118号建议指出的第二个问题是什么？", "所列问题共5条，第2条是：2.人工智能产业与苏州制造业的匹配度不高"),
        ("第1002号建议答复函的最后一大部分围绕什么主题展开？", "答复共4部分，第4部分是：四、推动重大项目建设"),
        ("第1002号建议答复函第二部分的小标题是什么？", "第2部分是：二、大力发展智能制造"),
        # the section about a topic, not the letter's own title (标题)
        ("给陆惠芬的答复中，讲高校科研和人才培训的那一部分标题是什么？", "第3部分是：三、加大人才培育力度"),
    ],
)
def test_the_part_pointed_at_is_quoted_by_its_heading(assistant, question, expected):
    a = assistant.ask(question)
    assert not a.refused and expected in a.text and len(a.citations) == 1
    _exact(assistant, a)


def test_a_position_past_the_end_says_how_many_there_are(assistant):
    a = assistant.ask("118号建议对策部分的第九条是什么？")
    assert a.refused and "对策建议只有4条" in a.text and len(a.closest) == 4
    assert "答复只有4部分" in assistant.ask("1002号答复函第五部分讲什么？").text


def test_a_part_asked_in_detail_quotes_its_opening_too(assistant):
    a = assistant.ask("482号建议的第三条具体怎么说的？")
    assert "第3条是：(三)打造“人工智能+制造业”双向融合的产业生态。[1]其中写道：要打破人工智能产业" in a.text
    _exact(assistant, a)


def test_the_attachment_of_a_page_is_named_and_said_to_be_uncollected(assistant):
    a = assistant.ask("胡伏原这份建议页面底部挂的附件是哪个文件？")
    assert not a.refused and "“482号提案的答复.doc”[1]" in a.text and "没有收进资料库" in a.text
    _exact(assistant, a)


def test_a_document_named_by_the_first_phrase_of_its_title(assistant):
    a = assistant.ask("新年第一会那篇新闻是几点几分发布的？")
    assert not a.refused and "2024-01-04 10:20" in a.text


def test_pointing_words_are_read_only_as_such():
    assert nth("第十二条建议是什么？") == 12 and nth("最后一部分讲什么？") == -1
    assert nth("苏州是第一大工业城市吗？") is None  # 第一大 + a noun, not a part
    assert part_topic("哪一部分讲人才培养？") == "人才培养"


@pytest.mark.parametrize("question", ["资料中有多少家灯塔工厂？", "苏州的工业互联网系统有哪些应用？"])
def test_questions_that_merely_say_资料_or_系统_are_not_about_the_corpus(assistant, question):
    assert not assistant.ask(question).text.startswith("资料库收录了")


def test_a_mixed_ordinal_does_not_crash(assistant):
    assert nth("118号建议的第1十条是什么？") is None
    assert assistant.ask("118号建议的第1十条是什么？").text


def test_a_pdf_named_in_a_text_is_no_attachment():
    from rag.proposals import reply_field

    assert reply_field("详见报告.pdf。") == (None, None)
    label, file = reply_field("答复内容：附件\n\n118号提案的答复.doc")
    assert file.group(0) == "118号提案的答复.doc"


def test_a_heading_written_after_a_space_is_kept():
    from rag.documents import Document
    from rag.proposals import recommendations

    text = "建议内容： 现状。\n1. 完善低空基础设施。做法。\n2. 加强政策支持。办法。\n承办单位：某局"
    doc = Document("p.txt", text)
    points = recommendations(doc)
    assert [p.heading for p in points] == ["完善低空基础设施", "加强政策支持"]
    assert text[slice(*points[0].heading_span(text))] == "1. 完善低空基础设施"


@pytest.mark.parametrize(
    ("question", "head", "n"),
    [
        ("482号建议有几条建议？", "对策建议共4条", 4),
        ("胡伏原的建议有几条？", "对策建议共4条", 4),
        ("答复函一共分几个部分？", "答复共4部分", 4),
    ],
)
def test_how_many_points_or_parts_lists_each_heading(assistant, question, head, n):
    a = assistant.ask(question)
    assert not a.refused and head in a.text and len(a.citations) == n, a.text
    text = assistant.index.docs[a.citations[0].doc_id].text
    assert all(text[c.start : c.end] == c.quote for c in a.citations)


def test_a_time_or_the_letters_own_proposal_is_no_count_of_parts(assistant):
    assert "共4条" not in assistant.ask("118号建议的答复时间具体到几点几分？").text
    assert "答复共4部分" not in assistant.ask("陆惠芬代表的第1002号建议原文一共提了几条具体建议？").text


@pytest.mark.parametrize(
    "question",
    ["1002号答复函关于人才培育说了什么？", "1002号答复函在人才培育方面说了什么？", "1002号答复函的人才培育部分讲了什么？"],
)
def test_what_a_reply_says_about_a_topic_is_the_section_headed_by_it(assistant, question):
    a = assistant.ask(question)
    assert not a.refused and "三、加大人才培育力度" in a.text and "其中写道" in a.text  # heading and opening


def test_a_topic_no_heading_names_is_not_taken_for_a_section(assistant):
    # "数据" is in a point's text, not its heading: the question is about the whole document
    assert "对策建议共4条" not in assistant.ask("118号建议关于数据说了什么？").text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # both numbers: section, then item ("第三部分的“四是”")
        ("1002号答复函第三部分的“四是”是什么？", "第3部分“加大人才培育力度,提升科技创新能力”中列了4项，第4项是：四是开展“英才名匠”产业人才培训"),
        # the section by its topic, the item by 第N项
        ("答复函讲智能制造那部分的第一项工作是什么？", "第2部分“大力发展智能制造,助推产业转型升级”中列了4项，第1项是：一是推进智能车间、工厂建设"),
        # no document named: the letter whose section heading is quoted
        ("“推动重大项目建设”这一节的第四项叫什么？", "第4部分“推动重大项目建设,统筹区域协调发展”中列了4项，第4项是：四是推动苏北地区产业协同发展"),
    ],
)
def test_an_item_inside_a_reply_section(assistant, question, expected):
    """Was the section's heading (第三部分) or a sentence of it: the 一是/二是 items were not parts."""
    a = assistant.ask(question)
    assert not a.refused and expected in a.text and len(a.citations) == 1
    assert a.citations[0].quote.startswith(expected.split("：")[-1])
    _exact(assistant, a)


def test_an_item_past_the_end_of_a_section_says_how_many_there_are(assistant):
    a = assistant.ask("1002号答复函第二部分的“六是”讲什么？")
    assert a.refused and "第2部分“大力发展智能制造,助推产业转型升级”只列了4项" in a.text


def test_a_detail_asked_of_a_point_is_quoted_from_its_body(assistant):
    """"第四条…什么样的数字生态文明": the heading says 加快数字生态文明建设, the body says which kind."""
    a = assistant.ask("482号建议第四条对策提出要加快建设什么样的数字生态文明？")
    assert "(四)推进制造业智能化绿色化深度融合" in a.text and "绿色智慧的数字生态文明" in a.text
    assert len(a.citations) == 2 and "绿色智慧" in a.citations[1].quote
    # a question about the point itself still gets its heading alone
    assert len(assistant.ask("482号建议第四条对策讲的是什么？").citations) == 1


@pytest.mark.parametrize("question", ["482号建议有附件吗？", "482号建议有没有附件？"])
def test_whether_there_is_an_attachment_names_it(assistant, question):
    a = assistant.ask(question)
    assert not a.refused and "482号提案的答复.doc" in a.text


@pytest.mark.parametrize(
    "question", ["1002号答复函第一部分有哪几项工作？", "在“大力发展智能制造”这一节里，省工信厅列了哪些举措？"]
)
def test_all_the_items_of_a_section_are_listed_each_cited(assistant, question):
    """A QA tester's wrong answer: "第一部分有哪几项工作" got the section's heading alone."""
    a = assistant.ask(question)
    assert "列了4项" in a.text and len(a.citations) == 4
    assert [c.quote[:2] for c in a.citations] == ["一是", "二是", "三是", "四是"]


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("1002号答复函结尾怎么写的？", "感谢您提出的宝贵意见"),  # before the signature (a QA tester's)
        ("118号建议的结尾写了什么？", "培育高质量人才"),  # the last sentence, before the page's fields
        ("那篇新闻的结尾怎么说？", "正向着“智造之城”加速迈进"),
    ],
)
def test_the_ending_is_the_last_text_before_fields_and_signature(assistant, question, says):
    a = assistant.ask(question)
    assert not a.refused and says in a.text and "承办单位" not in a.text and "来源" not in a.text


def test_a_detail_the_ending_does_not_hold_is_not_answered_by_it(assistant):
    """"新闻末尾的免责声明说…哪个网站" (the disclaimer is page boilerplate, not in the text)."""
    assert "结尾写道" not in assistant.ask("新闻末尾的免责声明说这篇文章是在哪个网站上由用户上传的？").text
    assert "编辑是曹子健" in assistant.ask("马一德那篇评论文章末尾署名的责任编辑是谁？").text


def test_the_plan_of_a_numbered_section_is_its_own(assistant):
    """"答复函第二部分的下一步打算" (a QA tester's wrong answer: the section's heading)."""
    a = assistant.ask("1002号答复函第二部分的下一步打算是什么？")
    assert len(a.citations) == 1 and "持续推进智能车间和智能工厂建设" in a.text


@pytest.mark.parametrize(
    ("question", "item"),
    [("陆惠芬收到的答复中，统筹区域协调发展那一节排第三的举措是什么？", "三是围绕产业集群推进技术改造"),
     ("强化创新载体建设那一节里，最后一项举措是什么？", "四是推动重大科技成果转化应用")],
)
def test_an_item_ranked_or_last_in_a_named_section(assistant, question, item):
    a = assistant.ask(question)
    assert not a.refused and a.citations[0].quote.startswith(item)


@pytest.mark.parametrize("question", ["《以科技创新推动产业创新》一文由哪几个栏目组成？", "评论分为哪几部分？"])
def test_an_articles_bracketed_sections(assistant, question):
    a = assistant.ask(question)
    assert not a.refused and [c.quote for c in a.citations] == ["【学习金句】", "【实践分享】", "【专家解读】"]


def test_a_reply_letters_parts_are_its_numbered_sections_not_brackets(assistant):
    a = assistant.ask("1002号答复函分为哪几部分？")
    assert "答复共4部分" in a.text and a.citations[0].quote.startswith("一、")


@pytest.mark.parametrize("question", ["答复函最后说了什么？", "答复函的致谢语是什么？"])
def test_a_letters_closing_words(assistant, question):
    a = assistant.ask(question)
    assert not a.refused and a.citations[0].quote.startswith("感谢您提出的宝贵意见")


def test_the_number_of_a_proposer_s_proposal(assistant):
    a = assistant.ask("胡伏原提的是几号建议？")
    assert not a.refused and "482" in a.text


@pytest.mark.parametrize(
    ("question", "item"),
    [("答复函人才培育部分的“三是”讲的是哪项工作？", "三是提升高校基础研究能力"),
     ("给陆惠芬的回复第四大部分，开头那项举措叫什么？", "一是积极推进重大工业项目建设"),
     ("第1002号建议答复函最后一节列的四项工作里，最末一项是什么？", "四是推动苏北地区产业协同发展")],
)
def test_a_section_named_by_topic_or_as_the_last_and_its_first_or_last_item(assistant, question, item):
    a = assistant.ask(question)
    assert not a.refused and a.citations[0].quote.startswith(item)


def test_the_closing_point_of_a_proposal(assistant):
    a = assistant.ask("胡伏原收尾的那条对策，题目是怎么写的？")
    assert "第4条是：(四)推进制造业智能化绿色化深度融合" in a.text
