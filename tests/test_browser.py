"""The app as a person uses it, in headless Chromium (Debian's /usr/bin/chromium).

``python app.py`` runs in a subprocess on a free port over a copy of corpus/
and a fresh index (BM25 only, for speed).  The steps run in order on one page:
ask → open a source → draft a reply → brief → upload → ask → delete → ask;
every request the page makes is recorded and must stay on 127.0.0.1.
Screenshots of each tab go to docs/screenshots/.  Never downloads a browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, copy_corpus

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (/usr/bin/chromium)")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")


SHOTS = ROOT / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NEW_DOC = (
    "关于加快发展低空经济的实施意见\n\n发布时间：2025-03-01 09:00\n\n为抢抓低空经济发展机遇，现提出如下意见。\n"
    "一、建设示范区。到2031年，苏州市低空经济示范区首批规划建设无人机起降点120个，开通低空航线30条。\n"
)
Q_NEW = "到2031年低空经济示范区要建设多少个无人机起降点？"  # its year makes a refusal certain once deleted
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WAIT = 90_000  # ms: generous for a loaded 2-core CI machine; steps normally take < 2 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = {**os.environ, "RAG_CORPUS_DIR": str(copy_corpus(root / "corpus")), "RAG_INDEX_DIR": str(root / "index"),
           "RAG_EMBED_MODEL": "none", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "GRADIO_TEMP_DIR": str(root / "gradio")}
    log = (root / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, root / "app.log")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"app.py did not answer on {url} within {timeout} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser_page(server: str, tmp_path_factory: pytest.TempPathFactory):
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a new, empty user-data-dir
            executable_path=str(CHROMIUM), headless=True, args=ARGS, accept_downloads=True,
            viewport={"width": 1280, "height": 900}, locale="zh-CN",
        )
        context.set_default_timeout(WAIT)
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server)
        page.wait_for_selector("#question textarea")
        yield page, requests
        context.close()


def ask(page, question: str) -> str:
    """Type a question, submit it with Enter, and return the text of the final reply."""
    bots = "#chat [data-testid='bot']"
    n = page.locator(bots).count()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        """([sel, n]) => {
            const bots = document.querySelectorAll(sel);
            const busy = [...document.querySelectorAll('#chat [data-testid=status-tracker], #sources [data-testid=status-tracker]')]
                .some(t => !t.classList.contains('hide'));
            return bots.length > n && !busy && bots[bots.length - 1].innerText.trim() !== '……';
        }""",
        arg=[bots, n],
    )
    return page.locator(bots).last.inner_text()


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def choose(page, dropdown: str, option_text: str) -> None:
    page.click(f"{dropdown} input")
    page.get_by_role("option", name=option_text).first.click()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # let transitions settle before the picture
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_ask_and_open_a_source(browser_page) -> None:
    page, _ = browser_page
    reply = ask(page, "482号建议是谁提出的？")
    assert "胡伏原" in reply and "[1]" in reply
    marker = page.locator("#chat a.cite").last
    marker.click()  # the marker opens source [1]
    source = page.locator("#sources " + marker.get_attribute("href"))
    assert source.get_attribute("open") is not None
    assert "胡伏原" in source.locator("mark").inner_text()
    assert "胡伏原" in page.input_value("#copy textarea")
    shot(page, "qa.png")


def test_a_refusal_shows_its_closest_sentences(browser_page) -> None:
    page, _ = browser_page
    reply = ask(page, "本地院校培养智能领域的人，数量和档次怎么样？")
    assert "资料中未找到" in reply and "最接近的原文" in reply
    panel = page.locator("#sources")
    assert "最接近的原文" in panel.inner_text()
    assert panel.locator("details.closest").count() == 3 and panel.locator("mark").count() == 3
    panel.locator("details.closest summary").first.click()  # each opens on its passage, quote marked
    shot(page, "refusal.png")


def test_too_long_question_gets_a_message(browser_page) -> None:
    page, _ = browser_page
    reply = ask(page, "长" * 10_000)
    assert "问题过长" in reply


def test_draft_reply_for_482_and_download_docx(browser_page, tmp_path: Path) -> None:
    page, _ = browser_page
    open_tab(page, "答复函起草")
    choose(page, "#proposal", "482号")
    page.click("#draft-go")
    page.wait_for_selector("#draft-view mark.todo")
    view = page.inner_text("#draft-view")  # 482's filer is labelled 建议人: the salutation is left to the drafter
    assert "第482号建议的答复" in view and "〔待补：称呼〕" in view
    shot(page, "draft.png")
    with page.expect_download() as info:
        page.click("#draft-docx")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == ".docx" and zipfile.is_zipfile(target)
    assert b"word/document.xml" in target.read_bytes()


def test_brief(browser_page) -> None:
    page, _ = browser_page
    open_tab(page, "新人简报")
    page.fill("#topic textarea", "新型工业化")
    page.click("#brief-go")
    page.wait_for_selector("#brief-view h1")
    assert "新型工业化" in page.inner_text("#brief-view")
    shot(page, "brief.png")


def test_upload_answer_delete_refuse(browser_page, tmp_path: Path) -> None:
    page, _ = browser_page
    open_tab(page, "资料库")
    page.wait_for_selector("#library table")
    bad = tmp_path / "乱码.txt"
    bad.write_bytes(bytes(range(256)) * 8)  # binary data dressed up as text
    page.set_input_files("#upload input[type=file]", str(bad))
    page.wait_for_selector("#upload :text('乱码.txt')")
    page.click("#upload-go")
    page.wait_for_function("() => document.querySelector('#library-status textarea').value.includes('未收录')")
    assert "二进制" in page.input_value("#library-status textarea")
    # The upload box is cleared with the status; a file chosen before that clear lands would be
    # wiped with it (seen once on a loaded CI machine), as a user's would.
    page.wait_for_selector("#upload :text('乱码.txt')", state="detached")

    new = tmp_path / "低空经济实施意见.txt"
    new.write_text(NEW_DOC, encoding="utf-8")
    page.set_input_files("#upload input[type=file]", str(new))
    page.wait_for_selector("#upload :text('低空经济实施意见.txt')")
    page.click("#upload-go")
    page.wait_for_function("() => document.querySelector('#library-status textarea').value.includes('索引完成')")
    assert "已收录：低空经济实施意见.txt" in page.input_value("#library-status textarea")
    page.wait_for_selector("#library :text('关于加快发展低空经济的实施意见')")
    shot(page, "library.png")

    open_tab(page, "问答")
    assert "120个" in ask(page, Q_NEW)

    open_tab(page, "资料库")
    choose(page, "#delete-doc", "低空经济实施意见.txt")
    page.click("#delete-go")
    page.wait_for_function("() => document.querySelector('#library-status textarea').value.includes('已删除')")
    assert page.locator("#library :text('关于加快发展低空经济的实施意见')").count() == 0

    open_tab(page, "问答")
    assert "资料中未找到" in ask(page, Q_NEW)


def test_every_request_stays_on_localhost(browser_page) -> None:
    _, requests = browser_page
    assert requests, "no requests were recorded"
    outside = [u for u in requests
               if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL_HOSTS]
    assert outside == []
