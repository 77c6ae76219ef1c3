"""Which proposal was answered first: both dates cited, the order stated (rag/ordering.py)."""

from rag.documents import Document, Field
from rag.ordering import answer_date_order


def _proposal(number: str, reply: str) -> Document:
    text = f"建议号:{number} 答复时间:{reply}"
    a = text.index(reply)
    return Document(f"{number}.txt", text, {"number": Field(number, 4, 4 + len(number)), "reply_date": Field(reply, a, a + len(reply))})


def test_which_was_answered_first_cites_both_dates(assistant):
    a = assistant.ask("118号和482号哪个先答复？")
    assert not a.refused and len(a.citations) == 2
    assert "2025-06-20 14:57" in a.text and "2025-06-19 09:37" in a.text
    assert a.text.endswith("第482号答复在先，第118号在后。")
    quotes = " ".join(c.quote for c in a.citations)
    assert "2025-06-20 14:57" in quotes and "2025-06-19 09:37" in quotes


def test_a_reply_letter_is_dated_by_its_signature(assistant):
    a = assistant.ask("1002号和482号建议哪个答复得更早？")
    assert "2021年6月18日" in a.text and "第1002号答复在先" in a.text


def test_a_date_not_given_is_said_and_no_order_is_claimed():
    docs = [_proposal("7", "2024-03-01 10:00"), Document("8.txt", "建议号:8", {"number": Field("8", 4, 5)})]
    a = answer_date_order("7号和8号哪个先答复？", docs)
    assert a is not None and "资料中没有第8号的答复时间" in a.text and "在先" not in a.text


def test_three_proposals_are_put_in_order():
    docs = [_proposal("1", "2024-05-02"), _proposal("2", "2024-01-09"), _proposal("3", "2024年3月1日")]
    a = answer_date_order("1号、2号和3号建议的答复先后顺序？", docs)
    assert a is not None and a.text.endswith("按答复日期先后依次为第2号、第3号、第1号。")


def test_other_questions_are_not_taken():
    docs = [_proposal("1", "2024-05-02"), _proposal("2", "2024-01-09")]
    assert answer_date_order("1号建议什么时候答复？", docs) is None  # one proposal
    assert answer_date_order("1号和2号建议分别是谁提出的？", docs) is None  # no order asked


def test_documents_named_by_their_kind_are_compared(assistant):
    a = assistant.ask("新闻和评论哪个发布得更早？")
    assert "2024-01-04 10:20" in a.text and "2024-11-18 13:24:40" in a.text
    assert a.text.endswith("新闻发布在先，评论在后。") and len(a.citations) == 2


def test_a_kind_and_a_number_are_compared_and_a_numbered_kind_is_not_counted_twice(assistant):
    a = assistant.ask("评论和118号建议哪个先发布？")
    assert a.text.endswith("评论发布在先，第118号在后。")  # 118's page was published 2025-10-16
    a = assistant.ask("1002号答复函和482号建议哪个答复得早？")
    assert len(a.citations) == 2 and "第1002号答复在先" in a.text


def test_the_earliest_and_the_latest_of_all_documents(assistant):
    a = assistant.ask("哪份文件时间最早？")
    assert a.text.startswith("最早的是第1002号答复函。由早到晚依次是：")
    assert len(a.citations) == 5 and a.citations[0].quote == "2021年6月18日"  # cited in reading order
    a = assistant.ask("哪份文件最新？")
    assert a.text.startswith("最晚的是第118号提案。")


def test_a_date_of_one_kind_is_no_comparison(assistant):
    assert answer_date_order("新闻什么时候发布的？", assistant.index.docs.values()) is None
    assert answer_date_order("新闻里哪家企业最早落户苏州？", assistant.index.docs.values()) is None


def test_last_part_and_newest_policy_are_no_date_order(assistant):
    docs = assistant.index.docs.values()
    assert answer_date_order("第1002号建议答复函的最后一大部分围绕什么主题展开？", docs) is None
    assert answer_date_order("哪份文件讲了最先进的技术？", docs) is None
    assert answer_date_order("哪份文件提到最新政策？", docs) is None
    a = answer_date_order("最早的文件是哪份？", docs)
    assert a is not None and a.text.startswith("最早的是第1002号答复函。")


def test_the_earliest_among_documents_that_have_the_date_asked(assistant):
    a = assistant.ask("哪份文件发布最早？")  # 482's page gives no publication date
    assert a.text.startswith("在有发布时间的4份中，最早的是第1002号答复函。")
    assert "资料中没有第482号提案的发布时间" in a.text
    b = assistant.ask("哪个建议答复得最晚？")
    assert b.text.endswith("第482号提案答复在先，第118号提案在后。")
