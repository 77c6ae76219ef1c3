"""政策问答助手 — the Gradio app.  Layout only; ``rag/webapp.py`` does the work.

    python app.py                      # http://127.0.0.1:7860, builds index/ on first start
    python app.py --host 0.0.0.0 --port 8080

Offline by construction: analytics off, system fonts only (no CDN), no share
link.  The OpenAI-compatible API (``rag.api``) is served beside the UI.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # read when gradio is imported

import gradio as gr  # noqa: E402

from rag.config import Settings, SettingsError  # noqa: E402
from rag.loading import SUPPORTED  # noqa: E402
from rag.webapp import EXAMPLES, LiveAssistant, WebApp  # noqa: E402
from rag.webview import LIBRARY_HEADERS, proposal_choices, render_sources  # noqa: E402

THEME = gr.themes.Default(  # strings only: a GoogleFont would fetch from a CDN
    font=["system-ui", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"],
    font_mono=["ui-monospace", "monospace"],
)
CSS = """
mark { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 2px; }
mark.todo { background: #fecaca; }
.sources details { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.sources summary { cursor: pointer; font-weight: 600; }
.sources .passage { line-height: 1.8; margin: 8px 0 4px; }
.sources .where, .sources .note { color: var(--body-text-color-subdued); font-size: 0.85em; }
a.cite { text-decoration: none; font-weight: 600; }
#chat .note { color: #b45309; font-size: 0.9em; }
"""
# A click on a marker [n] in an answer opens and shows source n in the sources panel.
HEAD = """<script>
document.addEventListener('click', function (e) {
  var a = e.target.closest ? e.target.closest('a[href^="#src-"]') : null;
  if (!a) return;
  e.preventDefault(); e.stopPropagation();
  var el = document.getElementById(a.getAttribute('href').slice(1));
  if (el) { el.open = true; el.scrollIntoView({behavior: 'smooth', block: 'center'}); }
}, true);
</script>"""


def build_ui(web: WebApp) -> gr.Blocks:
    with gr.Blocks(title="政策问答助手", analytics_enabled=False) as demo:
        gr.Markdown("## 政策问答助手\n离线运行；每句回答都标注来源 [n]，点击可查看原文。")
        with gr.Tabs():
            with gr.Tab("问答", id="qa", elem_id="tab-qa"):
                _qa_tab(web)
            with gr.Tab("答复函起草", id="draft", elem_id="tab-draft"):
                proposal = _draft_tab(web)
            with gr.Tab("新人简报", id="brief", elem_id="tab-brief"):
                _brief_tab(web)
            with gr.Tab("资料库", id="library", elem_id="tab-library"):
                _library_tab(web, proposal, demo)
    return demo


def _qa_tab(web: WebApp) -> None:
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="对话", height=460, elem_id="chat", buttons=["copy", "copy_all"],
                              feedback_options=None, placeholder="请在下方输入问题，或点选示例问题。")
            question = gr.Textbox(label="问题", placeholder="例如：482号建议是谁提出的？", elem_id="question",
                                  lines=1, max_lines=6, submit_btn="提问")
            gr.Examples(EXAMPLES, inputs=question, label="示例问题")
            clear = gr.Button("清空对话", size="sm")
        with gr.Column(scale=2):
            gr.Markdown("**来源**　点击条目展开原文，黄色为答案引用的句子。")
            sources = gr.HTML(render_sources(None, {}), label="来源", elem_id="sources", js_on_load=None)
            copy = gr.Textbox(label="答案与来源（可复制）", lines=4, max_lines=12, interactive=False,
                              buttons=["copy"], elem_id="copy")
    question.submit(web.chat, [question, chat], [chat, sources, copy, question])
    clear.click(lambda: ([], render_sources(None, {}), ""), None, [chat, sources, copy])


def _draft_tab(web: WebApp) -> gr.Dropdown:
    gr.Markdown("选择资料库中的建议/提案，或上传一份，生成答复函初稿。红色〔待补〕处需人工填写。")
    with gr.Row():
        proposal = gr.Dropdown(proposal_choices(web.docs), value=None, label="资料库中的建议/提案",
                               elem_id="proposal", scale=3)
        upload = gr.File(label="或上传建议/提案", file_types=list(SUPPORTED), elem_id="proposal-upload", scale=2)
    go = gr.Button("起草答复函", variant="primary", elem_id="draft-go")
    _draft_outputs(go, lambda d, u: web.draft(d, u), [proposal, upload], "draft")
    return proposal


def _brief_tab(web: WebApp) -> None:
    gr.Markdown("输入主题（如“新型工业化”），从资料库汇总一份带出处的新人简报。")
    topic = gr.Textbox(label="主题", placeholder="例如：苏州推进新型工业化", elem_id="topic")
    go = gr.Button("生成简报", variant="primary", elem_id="brief-go")
    _draft_outputs(go, web.brief, [topic], "brief")


def _draft_outputs(go: gr.Button, fn, inputs: list, name: str) -> None:
    status = gr.Markdown(elem_id=f"{name}-status")
    with gr.Row():
        md = gr.DownloadButton("下载 .md", interactive=False, elem_id=f"{name}-md", size="sm")
        docx = gr.DownloadButton("下载 .docx", interactive=False, elem_id=f"{name}-docx", size="sm")
    view = gr.Markdown(elem_id=f"{name}-view", container=True, padding=True, line_breaks=True)

    def run(*args):
        html, md_path, docx_path, message = fn(*args)
        return (html, message, gr.DownloadButton(value=md_path, interactive=bool(md_path)),
                gr.DownloadButton(value=docx_path, interactive=bool(docx_path)))

    go.click(run, inputs, [view, status, md, docx])


def _library_tab(web: WebApp, proposal: gr.Dropdown, demo: gr.Blocks) -> None:
    table = gr.Dataframe(web.library(), headers=LIBRARY_HEADERS, interactive=False, wrap=True,
                         column_widths=["20%", "6%", "28%", "6%", "12%", "12%", "10%", "6%"],
                         label="资料库文档（元数据由系统从原文解析）", elem_id="library")
    with gr.Row():
        with gr.Column():
            files = gr.File(label=f"上传文档（{' '.join(SUPPORTED)}，每个不超过 {web.settings.max_file_mb} MB）",
                            file_count="multiple", file_types=list(SUPPORTED), elem_id="upload")
            add = gr.Button("上传并建索引", variant="primary", elem_id="upload-go")
        with gr.Column():
            victim = gr.Dropdown(sorted(web.docs), value=None, label="选择要删除的文档", elem_id="delete-doc")
            delete = gr.Button("删除文档", variant="stop", elem_id="delete-go")
            rebuild = gr.Button("全部重建索引", elem_id="rebuild-go")
    status = gr.Textbox(label="状态", lines=3, interactive=False, elem_id="library-status")

    def refresh(message: str):
        return (message, web.library(), gr.Dropdown(choices=sorted(web.docs), value=None),
                gr.Dropdown(choices=proposal_choices(web.docs), value=None), None)

    outputs = [status, table, victim, proposal, files]
    demo.load(lambda: refresh(web.error)[:4], None, [status, table, victim, proposal])
    add.click(lambda f, progress=gr.Progress(): refresh(web.upload(f, progress)), files, outputs)
    delete.click(lambda d, progress=gr.Progress(): refresh(web.delete(d, progress)), victim, outputs)
    rebuild.click(lambda progress=gr.Progress(): refresh(web.rebuild(progress)), None, outputs)


def serve(web: WebApp, host: str, port: int) -> None:
    demo = build_ui(web).queue()
    look = {"theme": THEME, "css": CSS, "head": HEAD, "footer_links": ["settings"]}
    off = {"ssr_mode": False, "mcp_server": False, "pwa": False, "enable_monitoring": False,
           "max_file_size": f"{web.settings.max_file_mb}mb"}  # Gradio refuses bigger uploads before storing them
    import uvicorn

    from rag.api import create_app

    # LiveAssistant: the API keeps answering from the current index after uploads and deletions.
    app = gr.mount_gradio_app(create_app(LiveAssistant(web)), demo, path="", **off, **look)
    print(f"* 界面：http://{host}:{port}/   API：http://{host}:{port}/v1/chat/completions", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="政策问答助手网页界面")
    p.add_argument("--host", help="listen address (default: RAG_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: RAG_PORT or 7860)")
    args = p.parse_args(argv)
    try:  # a bad RAG_* value or flag: one line naming it, as the CLI does
        settings = Settings.from_env(host=args.host, port=args.port, flags={"host": "--host", "port": "--port"})
    except SettingsError as exc:
        print(f"错误：{exc}", file=sys.stderr, flush=True)
        return 2
    if not _port_free(settings.host, settings.port):
        print(f"错误：端口 {settings.port} 已被占用。请用 --port 换一个端口，例如 python app.py --port {settings.port + 1}",
              flush=True)
        return 2
    print("正在加载索引（首次启动会从 corpus/ 建索引）…", flush=True)
    web = WebApp(settings)
    if web.error:
        print(web.error + "\n界面仍会启动：可在「资料库」页点“全部重建索引”。", flush=True)
    serve(web, settings.host, settings.port)
    return 0


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
