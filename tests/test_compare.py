"""Questions comparing documents (rag/compare.py), on the bundled corpus."""

from rag.compare import compared_docs


def test_each_named_document_gets_its_own_cited_sentence(assistant):
    """A QA tester's report: "一致吗" across documents quoted one document only."""
    a = assistant.ask("118号和482号建议对人才的看法一致吗？")
    assert not a.refused
    lines = a.text.splitlines()
    assert lines[0].startswith("《关于“人工智能+产业”深度融合") and lines[1].startswith("《关于从科教维度推进")
    assert {c.doc_id for c in a.citations} == {"118号建议_人工智能与产业深度融合.txt", "482号建议_从科教维度推进我市新型工业化.txt"}
    for c in a.citations:  # every quote is the document's own text and about the topic
        assert assistant.index.docs[c.doc_id].text[c.start : c.end] == c.quote and "人才" in c.quote
    assert "是否一致请对照判断" in a.text  # no verdict drawn


def test_a_document_silent_on_the_topic_is_said_so(assistant):
    a = assistant.ask("新闻和482号建议说的灯塔工厂数量一致吗？")
    assert "《新年第一会 苏州聚焦新型工业化 奋力打造“智造之城”》：未找到关于“灯塔工厂数量”的内容。" in a.text
    assert [c.doc_id for c in a.citations] == ["482号建议_从科教维度推进我市新型工业化.txt"]
    assert "累计7家" in a.text


def test_documents_are_named_by_number_writer_or_kind(assistant):
    docs = list(assistant.index.docs.values())
    ids = [d.doc_id for _, d in compared_docs("致公党和胡伏原的建议有什么不同？", docs)]
    assert ids == ["118号建议_人工智能与产业深度融合.txt", "482号建议_从科教维度推进我市新型工业化.txt"]
    ids = [d.doc_id for _, d in compared_docs("评论和1002号答复说法一样吗", docs)]
    assert ids == ["评论_以科技创新推动产业创新.txt", "答复函_第1002号建议的答复.txt"]
    assert len(compared_docs("两份建议对人工智能人才的说法一致吗？", docs)) == 2


def test_a_field_contrast_is_still_answered_from_the_fields(assistant):
    a = assistant.ask("118号和482号建议的答复时间有什么不同？")
    assert "2025-06-20 14:57" in a.text and "2025-06-19 09:37" in a.text
