"""rag/webapp.py: what the Gradio app shows and does, without a browser.

A corpus copy and a BM25-only index (embed_model="none") are built once; tests
that edit the corpus get their own copy of both.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DOC_482, Q_482, CountingEncoder, copy_corpus, make_settings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult

from rag.documents import Answer, Citation
from rag.webapp import LiveAssistant, WebApp
from rag.webview import (
    UploadError,
    answer_key,
    escape,
    highlight_placeholders,
    passage_html,
    plain_answer,
    proposal_choices,
    render_answer,
    render_sources,
    sanitize_filename,
    unique_name,
)

NEW_DOC = (
    "关于加快发展低空经济的实施意见\n\n发布时间：2025-03-01 09:00\n\n为抢抓低空经济发展机遇，现提出如下意见。\n"
    "一、建设示范区。到2031年，苏州市低空经济示范区首批规划建设无人机起降点120个，开通低空航线30条。\n"
)
Q_NEW = "到2031年低空经济示范区要建设多少个无人机起降点？"  # its year makes a refusal certain once deleted


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("webapp")
    WebApp(make_settings(copy_corpus(root / "corpus"), root / "index"))  # builds index/ on open
    return root


@pytest.fixture(scope="module")
def web(built: Path) -> WebApp:
    app = WebApp(make_settings(built / "corpus", built / "index"))
    app.downloads = built / "downloads"  # keep drafts out of the system temp folder
    return app


@pytest.fixture
def fresh(built: Path, tmp_path: Path) -> WebApp:
    """A WebApp over its own corpus and index copies, free to upload and delete."""
    shutil.copytree(built / "corpus", tmp_path / "corpus")
    shutil.copytree(built / "index", tmp_path / "index")
    return WebApp(make_settings(tmp_path / "corpus", tmp_path / "index"))


def last_reply(web: WebApp, question: str, history: list | None = None) -> tuple[list[dict], str, str]:
    *_, (messages, sources, copy, _box) = web.chat(question, history or [])
    return messages, sources, copy


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> str:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return str(path)


# ---------------------------------------------------------------- rendering


def test_answer_markers_link_to_sources_and_html_is_escaped() -> None:
    cite = Citation(n=1, doc_id="a.txt", title="标题<b>", quote="甲", start=0, end=1)
    answer = Answer(question="q", text="甲<script>x</script>[1]", citations=[cite])
    html = render_answer(answer)
    key = answer_key(answer)
    assert f'<a href="#src-{key}-1" class="cite" title="《标题&lt;b&gt;》：甲">[1]</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_earlier_answers_markers_never_open_the_latest_answers_sources(web: WebApp) -> None:
    """Each answer's [n] link to its own sources: [1] of the first answer is not [1] of the second."""
    first, second = web.assistant.ask(Q_482), web.assistant.ask("1002号建议是谁提出的？")
    assert answer_key(first) != answer_key(second)
    panel = render_sources(second, web.docs)
    assert f'id="src-{answer_key(second)}-1"' in panel and f"src-{answer_key(first)}-1" not in panel
    assert f'href="#src-{answer_key(first)}-1"' in render_answer(first)


def test_passage_marks_the_exact_quote_inside_whole_sentences() -> None:
    text = "第一句很长。" * 40 + "前文。引用<的>句子。后文。" + "尾句。" * 60
    start = text.index("引用")
    end = start + len("引用<的>句子。")
    html = passage_html(text, start, end, context=20)
    assert "<mark>引用&lt;的&gt;句子。</mark>" in html
    assert html.startswith('<p class="passage">…') and html.endswith("…</p>")
    before = html.split("<mark>")[0].removeprefix('<p class="passage">…')
    assert before.replace("第一句很长。", "") == "前文。"  # whole sentences only, no cut-off half


def test_sources_panel_shows_citation_or_closest_passages(web: WebApp) -> None:
    answer = web.assistant.ask(Q_482)
    html = render_sources(answer, web.docs)
    assert f'id="src-{answer_key(answer)}-1"' in html and "<mark>" in html and "胡伏原" in html and DOC_482 in html
    refused = web.assistant.ask("杭州市推进新型工业化的主要举措有哪些？")
    assert refused.refused and refused.closest
    html = render_sources(refused, web.docs)
    assert "最接近的原文" in html and "<mark>" in html  # each closest sentence marked inside its passage
    assert all(f"<mark>{escape(c.quote)}</mark>".replace("\n", "<br>") in html for c in refused.closest)
    bare = Answer(question="q", text="资料中未找到", refused=True, hits=refused.hits)
    assert "最接近的资料" in render_sources(bare, web.docs)  # no closest sentences: chunk openings
    assert "提问后" in render_sources(None, {})


def test_copy_text_lists_the_sources(web: WebApp) -> None:
    text = plain_answer(web.assistant.ask(Q_482))
    assert "胡伏原" in text and "来源：" in text and "[1] 《关于从科教维度推进我市新型工业化的建议》" in text


def test_placeholders_are_marked_and_raw_html_escaped() -> None:
    out = highlight_placeholders('# 答复\n〔待补：日期〕<img src=x onerror=alert(1)>\n<div align="right">〔待补：日期〕</div>')
    assert '<mark class="todo">〔待补：日期〕</mark>' in out
    assert "<img" not in out and "&lt;img" in out
    assert '<div align="right"><mark class="todo">〔待补：日期〕</mark></div>' in out  # the signature stays right-aligned
    assert "<div" not in highlight_placeholders('<div onclick="x">a</div>')


# ---------------------------------------------------------------- 问答


def test_chat_answers_with_a_linked_citation(web: WebApp) -> None:
    messages, sources, copy = last_reply(web, Q_482)
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "胡伏原" in messages[-1]["content"] and re.search(r'href="#src-\w+-1"', messages[-1]["content"])
    assert "<mark>建议人：胡伏原 建议号：482</mark>" in sources  # the header line names both
    assert "胡伏原" in copy


def test_chat_streams_text_then_the_linked_answer(web: WebApp) -> None:
    steps = [messages[-1]["content"] for messages, *_ in web.chat(Q_482, [])]
    assert steps[0] == "……" and "胡伏原" in steps[-2] and "href" not in steps[-2]
    assert re.search(r'href="#src-\w+-1"', steps[-1])


class UnreachableChat(BaseChatModel):
    """A chat model whose endpoint refuses every connection, as a dead RAG_LLM_BASE_URL does."""

    @property
    def _llm_type(self) -> str:
        return "unreachable"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: object) -> ChatResult:
        raise ConnectionError("Connection refused")


def test_chat_says_when_the_extractive_answer_stands_in_for_a_failed_llm(built: Path) -> None:
    """The page used to show the extractive answer as if the model had written it."""
    web = WebApp(make_settings(built / "corpus", built / "index"))
    web.llm = UnreachableChat()
    web.reload()  # the chat model is handed on to the new Assistant
    messages, _, copy = last_reply(web, Q_482)
    reply = messages[-1]["content"]
    assert "胡伏原" in reply and re.search(r'href="#src-\w+-1"', reply)
    assert '<p class="note">注意：生成模型调用失败（Connection refused），已改用摘录式回答。</p>' in reply
    assert "Traceback" not in reply and "生成模型" not in copy  # the copied answer stays the answer
    plain, _, _ = last_reply(WebApp(make_settings(built / "corpus", built / "index")), Q_482)
    assert 'class="note"' not in plain[-1]["content"]  # no note when nothing went wrong


def test_chat_keeps_history_for_a_follow_up(web: WebApp) -> None:
    first, _, _ = last_reply(web, Q_482)
    messages, _, _ = last_reply(web, "118号建议由哪个部门主办？", first)
    assert len(messages) == 4 and "苏州市工业和信息化局" in messages[-1]["content"]


def test_a_follow_up_reads_the_history_as_gradio_6_sends_it(web: WebApp) -> None:
    """Gradio 6 gives each message's content as a list of parts: read as empty, every
    follow-up ("那它的承办单位呢？") was asked without its subject and answered about another proposal."""
    history = [{"role": "user", "content": [{"type": "text", "text": "118号建议的主要内容是什么？"}]},
               {"role": "assistant", "content": [{"type": "text", "text": "《关于“人工智能+产业”…》提出了4条对策建议…"}]}]
    messages, _, _ = last_reply(web, "那它的承办单位呢？", history)
    assert "苏州市工业和信息化局" in messages[-1]["content"] and "科学技术局" not in messages[-1]["content"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [("", "请输入问题"), ("   ", "请输入问题"), ("长" * 10_000, "问题过长"), ("？？？！", "没有文字"), ("x", "请用中文")],
)
def test_bad_questions_get_a_message_not_a_traceback(web: WebApp, question: str, expected: str) -> None:
    messages, _, copy = last_reply(web, question)
    assert expected in messages[-1]["content"] and copy == ""
    assert all(len(m["content"]) < 200 for m in messages)  # the 10,000 characters are not echoed


def test_missing_corpus_is_reported_in_the_chat(tmp_path: Path) -> None:
    web = WebApp(make_settings(tmp_path / "no-corpus", tmp_path / "index"))
    assert web.assistant is None and "索引不可用" in web.error
    messages, _, _ = last_reply(web, Q_482)
    assert "索引不可用" in messages[-1]["content"]
    assert web.library() == []
    assert "请先选择" in web.upload([])


@pytest.mark.parametrize(
    ("setting", "expected"),
    [({"embed_model": "/nonexistent/bge-small-zh"}, "找不到向量模型文件夹"),
     ({"rerank_model": "/nonexistent/bge-reranker-base"}, "找不到重排模型文件夹")],
)
def test_a_model_that_fails_to_load_is_a_message_and_the_page_and_api_still_start(
    built: Path, tmp_path: Path, setting: dict, expected: str
) -> None:
    import httpx

    from rag.api import create_app

    web = WebApp(make_settings(built / "corpus", tmp_path / "index", **setting))
    assert web.assistant is None and expected in web.error
    messages, _, _ = last_reply(web, Q_482)
    assert expected in messages[-1]["content"]
    assert "建立索引失败" in web.rebuild() and expected in web.error
    live = LiveAssistant(web)
    assert live.settings is web.settings
    app = create_app(live)  # what app.py serves beside the page
    transport = httpx.ASGITransport(app=app)

    async def call() -> tuple[dict, httpx.Response]:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = {"messages": [{"role": "user", "content": Q_482}]}
            return (await client.get("/health")).json(), await client.post("/v1/chat/completions", json=body)

    import asyncio

    health, chat = asyncio.run(call())
    assert health["status"] == "error" and expected in health["error"]
    assert chat.status_code == 503 and expected in chat.json()["error"]["message"]


# ---------------------------------------------------------------- 资料库


def test_library_lists_parsed_metadata(web: WebApp) -> None:
    rows = {r[0]: r for r in web.library()}
    assert rows[DOC_482][1:6] == ["提案", "关于从科教维度推进我市新型工业化的建议", "482", "胡伏原",
                                  "苏州市工业和信息化局"]
    assert rows[DOC_482][7] > 0  # chunks


def test_proposal_choices_are_the_proposals(web: WebApp) -> None:
    labels = dict((doc_id, label) for label, doc_id in proposal_choices(web.docs))
    assert set(labels) == {DOC_482, "118号建议_人工智能与产业深度融合.txt"}
    assert labels[DOC_482].startswith("482号 ") and "（胡伏原）" in labels[DOC_482]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/.passwd.txt", "passwd.txt"),
        ("C:\\temp\\政策 文件.DOCX", "政策 文件.docx"),
        ("..\\..\\x.md", "x.md"),
        ("a\x00b<c>|.txt", "abc.txt"),
        (".txt", "上传文件.txt"),
        ("~$草稿.docx", "草稿.docx"),
    ],
)
def test_file_names_are_sanitised(raw: str, safe: str) -> None:
    assert sanitize_filename(raw) == safe


@pytest.mark.parametrize("raw", ["evil.exe", "noext", "archive.tar.gz", "x.py"])
def test_unsupported_types_are_refused(raw: str) -> None:
    with pytest.raises(UploadError, match="不支持|没有扩展名"):
        sanitize_filename(raw)


def test_unique_name_never_reuses_an_existing_name(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a_2.txt").write_text("x")
    assert unique_name(tmp_path, "b.txt") == "b.txt"
    assert unique_name(tmp_path, "A.TXT".lower()) == "a_3.txt"


def test_upload_is_indexed_answered_then_deleted(fresh: WebApp, tmp_path: Path) -> None:
    src = tmp_path / "up" / "低空经济.txt"
    src.parent.mkdir()
    message = fresh.upload([write(src, NEW_DOC)])
    assert "已收录：低空经济.txt" in message and "新增 1" in message
    assert (Path(fresh.settings.corpus_dir) / "低空经济.txt").is_file()
    _, sources, copy = last_reply(fresh, Q_NEW)
    assert "120个" in copy and "低空经济.txt" in sources
    assert "低空经济.txt" in fresh.delete("低空经济.txt")
    assert not (Path(fresh.settings.corpus_dir) / "低空经济.txt").exists()
    assert "低空经济.txt" not in fresh.docs
    messages, _, _ = last_reply(fresh, Q_NEW)
    assert "资料中未找到" in messages[-1]["content"]


def test_docx_and_html_uploads_report_progress(fresh: WebApp, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in NEW_DOC.splitlines():
        document.add_paragraph(line)
    document.save(tmp_path / "意见.docx")
    page = "<html><head><title>t</title><script>x()</script></head><body><p>" + NEW_DOC.replace("\n", "</p><p>")
    write(tmp_path / "page.html", page + "</p></body></html>")
    steps: list[tuple[float, str]] = []
    message = fresh.upload([str(tmp_path / "意见.docx"), str(tmp_path / "page.html")],
                           progress=lambda f, desc="": steps.append((f, desc)))
    assert "已收录：意见.docx" in message and "已收录：page.html" in message and "新增 2" in message
    assert "x()" not in fresh.docs["page.html"].text
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] < 1 and {"校验文件", "建立索引"} <= {d for _, d in steps}


def test_upload_never_overwrites_and_skips_duplicates(fresh: WebApp, tmp_path: Path) -> None:
    corpus = Path(fresh.settings.corpus_dir)
    original = (corpus / DOC_482).read_bytes()
    same_name = write(tmp_path / DOC_482, NEW_DOC)
    message = fresh.upload([same_name])
    assert "已有同名文件" in message and (corpus / DOC_482).read_bytes() == original
    assert f"请删除旧的 {DOC_482}" in message  # both versions are searched: the page says so
    assert (corpus / DOC_482.replace(".txt", "_2.txt")).is_file()
    again = fresh.upload([write(tmp_path / "copy.txt", NEW_DOC)])
    assert "内容完全相同" in again and not (corpus / "copy.txt").exists()


def test_bad_files_are_refused_and_not_stored(fresh: WebApp, tmp_path: Path) -> None:
    files = [
        write(tmp_path / "binary.txt", bytes(range(256)) * 8),
        write(tmp_path / "empty.md", b""),
        write(tmp_path / "fake.docx", b"not a zip"),
        write(tmp_path / "fake.pdf", b"%PDF-1.4 nonsense"),
        write(tmp_path / "script.exe", b"MZ"),
    ]
    before = sorted(p.name for p in Path(fresh.settings.corpus_dir).iterdir())
    message = fresh.upload(files)
    assert message.count("未收录") == 5 and "已收录" not in message
    assert sorted(p.name for p in Path(fresh.settings.corpus_dir).iterdir()) == before


def test_gbk_file_is_accepted(fresh: WebApp, tmp_path: Path) -> None:
    message = fresh.upload([write(tmp_path / "gbk.txt", NEW_DOC, encoding="gbk")])
    assert "已收录：gbk.txt" in message
    assert "苏州市低空经济示范区" in fresh.docs["gbk.txt"].text


def test_size_limit(fresh: WebApp, tmp_path: Path) -> None:
    fresh.settings.max_file_mb = 0  # every non-empty file is now too large
    message = fresh.upload([write(tmp_path / "a.txt", NEW_DOC)])
    assert "过大" in message and not (Path(fresh.settings.corpus_dir) / "a.txt").exists()


def test_failed_indexing_removes_the_stored_file(fresh: WebApp, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the index folder's parent should be")
    fresh.settings.index_dir = blocker / "index"  # every save now fails
    message = fresh.upload([write(tmp_path / "new.txt", NEW_DOC)])
    assert "建立索引失败" in message and "已撤销" in message
    assert not (Path(fresh.settings.corpus_dir) / "new.txt").exists()


def test_delete_refuses_unknown_and_outside_paths(fresh: WebApp) -> None:
    assert "请先选择" in fresh.delete("")
    assert "没有文件" in fresh.delete("nope.txt")
    assert "没有文件" in fresh.delete("../index/manifest.json")
    assert (Path(fresh.settings.index_dir) / "manifest.json").exists()


def test_rebuild(fresh: WebApp) -> None:
    assert "已全部重建" in fresh.rebuild()
    assert len(fresh.docs) == 5


def test_live_assistant_follows_reloads(fresh: WebApp, tmp_path: Path) -> None:
    live = LiveAssistant(fresh)
    fresh.upload([write(tmp_path / "low.txt", NEW_DOC)])
    assert "low.txt" in live.index.docs
    assert "120个" in live.ask(Q_NEW).text


# ---------------------------------------------------------------- 答复函起草 / 新人简报


def test_draft_reply_for_482_with_downloads(web: WebApp) -> None:
    html, md, docx, message = web.draft(DOC_482, None)
    assert "第482号建议的答复" in html and '<mark class="todo">〔待补' in html and "已生成" in message
    assert md and Path(md).read_text(encoding="utf-8").startswith("# ")
    assert Path(md).parent.parent == web.downloads
    assert docx and zipfile.is_zipfile(docx)


def test_draft_from_an_upload_and_bad_inputs(web: WebApp, tmp_path: Path) -> None:
    text = (Path(web.settings.corpus_dir) / DOC_482).read_text(encoding="utf-8")
    html, _, docx, _ = web.draft(None, write(tmp_path / "提案.txt", text))
    assert "第482号建议的答复" in html and docx
    assert "请选择" in web.draft(None, None)[3]
    assert "无法读取" in web.draft(None, write(tmp_path / "bad.txt", bytes(range(256)) * 4))[3]
    assert "不支持" in web.draft(None, write(tmp_path / "x.exe", b"MZ"))[3]


def test_brief_and_its_bad_inputs(web: WebApp) -> None:
    html, md, docx, _ = web.brief("新型工业化")
    assert "新型工业化" in html and md and docx
    assert web.brief("")[1] is None and web.brief("")[3]
    assert web.brief("主" * 10_000)[3]


def test_a_vanished_upload_does_not_strand_the_files_before_it(fresh: WebApp, tmp_path: Path) -> None:
    """A temp file gone before it is read: the others are still stored *and indexed*, not left unindexed."""
    message = fresh.upload([write(tmp_path / "low.txt", NEW_DOC), str(tmp_path / "gone.txt")])
    assert "已收录：low.txt" in message and "未收录" in message and "gone.txt" in message
    assert "low.txt" in fresh.docs and "索引完成" in message


def test_draft_status_messages_are_escaped(web: WebApp) -> None:
    """The status is shown as Markdown: a topic like <script> must come back as text."""
    _, _, _, message = web.brief("<script>苏州</script>")
    assert "<script" not in message and "&lt;script&gt;" in message


def test_index_of_another_model_is_explained_everywhere(built: Path, tmp_path: Path) -> None:
    """A BM25-only index opened with another encoder: the chat and the draft tab say why and how to fix."""
    shutil.copytree(built / "index", tmp_path / "index")
    settings = make_settings(built / "corpus", tmp_path / "index")
    web = WebApp(settings, encoder=CountingEncoder())
    assert web.assistant is None and "全部重建索引" in web.error
    messages, _, _ = last_reply(web, Q_482)
    assert "索引不可用" in messages[-1]["content"]
    assert "索引不可用" in web.draft(DOC_482, None)[3]
