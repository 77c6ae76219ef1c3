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
