"""The Gradio app: layout and event wiring (the only module that imports gradio).

What it does: :func:`build_app` returns a ``gr.Blocks`` with four tabs (Chat, Case checker,
Timeline, Sources), an FR/EN interface switch that follows the browser at first, the
disclaimer, opt-in feedback, and the ``/chat`` API endpoint (``api_name="chat"``: inputs
``(message, history)``, history kept per client session; it streams and returns the answer
text). :func:`launch` loads the assistant once, warms it up, queues and serves on the given
host only.

What it leaves out: the handlers' logic (:mod:`.chat`, :mod:`.checking`, :mod:`.feedback`,
:mod:`.sources`, :mod:`.timeline`), which are plain Python and tested without a server.
"""
import os
import sys
from pathlib import Path

from .chat import answer_turn, api_chat, respond, turn_at
from .checking import (EPISODE_COLUMNS, EPISODE_HEADERS, FORM_FIELDS, FORM_GROUPS, case_from_form, choices,
                       empty_rows, form_from_case, run_check)
from .feedback import FeedbackStore, give_feedback
from .sources import sources_html
from .texts import EXAMPLE_QUESTIONS, EXAMPLE_VIGNETTES, SAMPLE_CASE, T, t
from .timeline import case_figure, kb_figure, timeline_table_html, worth_a_chart

CSS = """
#tmo-lang {align-self: flex-start;}
.tmo-header h1 {margin: 0 0 .2rem 0; font-size: 1.5rem;}
.tmo-header p {margin: .1rem 0;}
.tmo-disclaimer-banner {display: inline-block; margin-top: .35rem; padding: .25rem .6rem; border-radius: 6px;
  background: #fff4e5; color: #8a4b00; border: 1px solid #f5c27a; font-weight: 600;}
.tmo-report h4 {margin: .9rem 0 .3rem 0;}
.tmo-verdict {padding: .6rem .8rem; border-radius: 8px; font-size: 1.05rem; border: 1px solid #ccc;}
.tmo-verdict-confirmed {background: #e6f6ec; border-color: #27ae60;}
.tmo-verdict-probable {background: #eef7e6; border-color: #7cb342;}
.tmo-verdict-possible {background: #fff8e1; border-color: #f0b400;}
.tmo-verdict-unlikely {background: #fdecea; border-color: #e57373;}
.tmo-verdict-insufficient {background: #f1f1f1; border-color: #9e9e9e;}
.tmo-urgent {margin-top: .5rem; padding: .55rem .8rem; border-radius: 8px; background: #c62828; color: #fff;
  font-weight: 700;}
.tmo-diff-urgent {border-left: 5px solid #c62828; padding-left: .5rem; background: #fff1f0;}
.tmo-urgent-tag {background: #c62828; color: #fff; border-radius: 4px; padding: 0 .35rem; font-size: .8rem;
  font-weight: 700;}
.tmo-diffs > li {margin-bottom: .45rem;}
.tmo-criteria {width: 100%; border-collapse: collapse; font-size: .9rem;}
.tmo-criteria th, .tmo-criteria td {border-bottom: 1px solid #e3e3e3; padding: .3rem .4rem; vertical-align: top;
  text-align: left;}
.tmo-badge {border-radius: 4px; padding: 0 .35rem; white-space: nowrap; font-weight: 600;}
.tmo-badge-met {background: #e6f6ec; color: #1b7a3d;}
.tmo-badge-not_met {background: #fdecea; color: #a12622;}
.tmo-badge-unknown {background: #eeeeee; color: #555;}
.tmo-muted {color: #777; font-size: .9rem;}
.tmo-disclaimer {margin-top: .8rem; padding: .5rem .7rem; border-radius: 6px; background: #fff4e5; color: #6b3a00;
  font-size: .9rem;}
.tmo-note {padding: .6rem .8rem; border-radius: 8px; background: #f3f6fb; border: 1px solid #cfd8e3;}
.tmo-note-error {background: #fdecea; border-color: #e57373;}
.tmo-para {border-bottom: 1px solid #e6e6e6; padding: .5rem 0; scroll-margin-top: 80px;}
.tmo-para-head {font-size: .85rem; color: #555; margin-bottom: .2rem;}
.tmo-para-cols, .tmo-para-header {display: grid; grid-template-columns: 1fr 1fr; gap: 1rem;}
.tmo-para-header {font-weight: 700; border-bottom: 2px solid #ccc; padding-bottom: .2rem;}
.tmo-lang {font-size: .7rem; font-weight: 700; color: #fff; background: #8795a8; border-radius: 3px;
  padding: 0 .25rem; margin-right: .2rem;}
.tmo-para.tmo-flash {background: #fff7c2; transition: background 0.4s;}
.tmo-sources mark {background: #ffe58a; padding: 0;}
.tmo-timeline-table {font-size: .85rem;}
"""

# Citation links (href="#para-<id>") anywhere in the app open the Sources tab at that paragraph.
CITE_JS = """
if (!window.__tmoCite) {
  window.__tmoCite = true;
  const openPara = (id) => {
    const tab = document.querySelector('#tab-sources-button') ||
      [...document.querySelectorAll('button[role="tab"]')].find(b => b.textContent.trim() === 'Sources');
    if (tab) tab.click();
    let tries = 0;
    const show = () => {
      const el = document.getElementById('para-' + id);
      if (el) {
        el.scrollIntoView({block: 'center'});
        el.classList.add('tmo-flash');
        setTimeout(() => el.classList.remove('tmo-flash'), 2500);
      } else if (tries++ === 6) {
        const box = document.querySelector('#tmo-search textarea, #tmo-search input');
        if (box) { box.value = id; box.dispatchEvent(new Event('input', {bubbles: true})); }
        setTimeout(show, 300);
      } else if (tries < 20) {
        setTimeout(show, 150);
      }
    };
    setTimeout(show, 120);
  };
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href^="#para-"]');
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    openPara(a.getAttribute('href').slice(6));
  }, true);
}
"""

EPISODE_WIDTHS = [100, 70, 60, 190, 80, 100, 110, 110, 90, 170, 100, 100, 110]

DETECT_LANG_JS = "() => ((navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en')"


def header_html(lang: str) -> str:
    return (f'<div class="tmo-header"><h1>{t("title", lang)}</h1><p>{t("subtitle", lang)}</p>'
            f'<span class="tmo-disclaimer-banner" id="tmo-disclaimer">⚠️ {T["disclaimer"]["en"]} / '
            f'{T["disclaimer"]["fr"]}</span></div>')


def launch_options() -> dict:
    """Keyword arguments for ``Blocks.launch`` that the app's look needs (Gradio 6 takes css there)."""
    return {"css": CSS}


def build_app(assistant, feedback_path: str | Path | None = None, *, stream_delay: float = 0.0,
              default_lang: str = "en"):
    """The app (not launched). ``assistant``: an :class:`assistant.api.Assistant` (or anything
    with ``ask``, ``check`` and ``kb``). ``feedback_path``: where opt-in feedback goes (None: off)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # nothing about the user is sent anywhere
    import gradio as gr

    kb = assistant.kb
    store = FeedbackStore(feedback_path)
    lang0 = default_lang if default_lang in ("fr", "en") else "en"
    relabel: list[tuple[object, dict]] = []  # (component, {param: text key or lang -> value})

    def tr(comp, **params):
        relabel.append((comp, params))
        return comp

    with gr.Blocks(title="tmo — transient migratory osteoporosis", analytics_enabled=False) as demo:
        with gr.Row(equal_height=False):
            tr(gr.HTML(header_html(lang0), js_on_load=CITE_JS, elem_id="tmo-header"), value=header_html)
            lang = gr.Radio([("Français", "fr"), ("English", "en")], value=lang0, label="Langue / Language",
                            elem_id="tmo-lang", scale=0, min_width=230)
        with gr.Tabs(elem_id="tmo-tabs"):
            # ---------------------------------------------------------------- chat
            with tr(gr.Tab(t("tab_chat", lang0), id="chat", elem_id="tab-chat"), label="tab_chat"):
                chatbot = tr(gr.Chatbot(label=t("chatbot", lang0), height=520, elem_id="tmo-chatbot",
                                        examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                                        placeholder=t("chat_hint", lang0), buttons=["copy"],
                                        feedback_options=("Like", "Dislike")),
                             label="chatbot", placeholder="chat_hint")
                msg = tr(gr.Textbox(placeholder=t("placeholder", lang0), show_label=False, submit_btn=True,
                                    elem_id="tmo-msg", lines=1, max_lines=4, autofocus=True),
                         placeholder="placeholder")
                clear = tr(gr.Button(t("clear", lang0), size="sm", variant="secondary", elem_id="tmo-clear"),
                           value="clear")
                pending = gr.State("")
                last_turn = gr.State(None)
                with tr(gr.Accordion(t("fb_title", lang0), open=False, elem_id="tmo-feedback"), label="fb_title"):
                    fb_enable = tr(gr.Checkbox(False, label=t("fb_enable", lang0), interactive=store.configured,
                                               elem_id="tmo-fb-enable"), label="fb_enable")
                    fb_include = tr(gr.Checkbox(False, label=t("fb_include", lang0), interactive=store.configured),
                                    label="fb_include")
                    fb_comment = tr(gr.Textbox(label=t("fb_comment", lang0), lines=2, max_lines=5,
                                               interactive=store.configured), label="fb_comment")
                    with gr.Row():
                        fb_up = tr(gr.Button(t("fb_up", lang0), size="sm", interactive=store.configured), value="fb_up")
                        fb_down = tr(gr.Button(t("fb_down", lang0), size="sm", interactive=store.configured),
                                     value="fb_down")
                    fb_status = gr.Markdown("" if store.configured else t("fb_unavailable", lang0))
                    tr(gr.Markdown(t("privacy", lang0)), value="privacy")
                # The /chat API: (message, history) -> answer text, streamed; history per client session.
                api_msg = gr.Textbox(visible=False)
                api_out = gr.Textbox(visible=False)
                api_hist = gr.State([])
                api_btn = gr.Button("chat", visible=False)

            # ---------------------------------------------------------------- checker
            with tr(gr.Tab(t("tab_check", lang0), id="checker", elem_id="tab-checker"), label="tab_check"):
                with gr.Row():
                    with gr.Column(scale=5):
                        with gr.Tabs():
                            with tr(gr.Tab(t("mode_text", lang0), id="mode-text"), label="mode_text"):
                                free_text = tr(gr.Textbox(label=t("free_text", lang0), lines=8, max_lines=20,
                                                          placeholder=t("free_text_ph", lang0),
                                                          elem_id="tmo-free-text"),
                                               label="free_text", placeholder="free_text_ph")
                                check_text_btn = tr(gr.Button(t("check_text", lang0), variant="primary",
                                                              elem_id="tmo-check-text"), value="check_text")
                                gr.Examples([[v] for v in EXAMPLE_VIGNETTES], inputs=[free_text],
                                            label="Exemples / Examples")
                            with tr(gr.Tab(t("mode_form", lang0), id="mode-form"), label="mode_form"):
                                with gr.Row():
                                    sample_btn = tr(gr.Button(t("load_sample", lang0), size="sm"), value="load_sample")
                                    clear_form_btn = tr(gr.Button(t("clear_form", lang0), size="sm"),
                                                        value="clear_form")
                                fields = {}
                                kinds = {k: kind for k, kind, _ in FORM_FIELDS}
                                for gkey, keys in FORM_GROUPS.items():
                                    tr(gr.Markdown(f"**{t(gkey, lang0)}**"), value=lambda lg, g=gkey: f"**{t(g, lg)}**")
                                    with gr.Row():
                                        for k in keys:
                                            kind = kinds[k]
                                            if kind == "number":
                                                # a Textbox: gr.Number shows 0 for "unknown" after a relabel
                                                comp = gr.Textbox(label=t(k, lang0), value="", min_width=110,
                                                                  max_lines=1, placeholder="—")
                                                tr(comp, label=k)
                                            else:
                                                comp = gr.Dropdown(choices(kind, lang0), value="unknown",
                                                                   label=t(k, lang0), min_width=140)
                                                tr(comp, label=k, choices=lambda lg, kd=kind: choices(kd, lg))
                                            fields[k] = comp
                                tr(gr.Markdown(f"**{t('grp_episodes', lang0)}**  \n{t('episodes_help', lang0)}"),
                                   value=lambda lg: f"**{t('grp_episodes', lg)}**  \n{t('episodes_help', lg)}")
                                episodes = gr.Dataframe(value=empty_rows(), headers=EPISODE_HEADERS[lang0],
                                                        datatype="str", type="array", interactive=True,
                                                        column_count=len(EPISODE_COLUMNS), row_count=3,
                                                        elem_id="tmo-episodes", wrap=False,
                                                        column_widths=[f"{w}px" for w in EPISODE_WIDTHS])
                                check_form_btn = tr(gr.Button(t("check_form", lang0), variant="primary",
                                                              elem_id="tmo-check-form"), value="check_form")
                    with gr.Column(scale=6):
                        report = gr.HTML(f'<div class="tmo-note">{t("no_result", lang0)}</div>', elem_id="tmo-report",
                                         js_on_load=None)
                        case_plot = gr.Plot(show_label=False, visible=False, elem_id="tmo-case-plot")
                        with tr(gr.Accordion(t("result_json", lang0), open=False), label="result_json"):
                            report_json = gr.JSON()
                case_state = gr.State(None)
                # The /check API: free text, or a JSON case, -> the report dict (the `tmo check --json` form).
                api_case = gr.Textbox(visible=False)
                api_report = gr.JSON(visible=False)
                api_check_btn = gr.Button("check", visible=False)

            # ---------------------------------------------------------------- timeline
            with tr(gr.Tab(t("tab_timeline", lang0), id="timeline", elem_id="tab-timeline"), label="tab_timeline"):
                tr(gr.Markdown(t("tl_intro", lang0)), value="tl_intro")
                kb_plot = tr(gr.Plot(value=kb_figure(kb, lang0), show_label=False, elem_id="tmo-timeline-plot"),
                             value=lambda lg: kb_figure(kb, lg))
                tl_case_note = tr(gr.Markdown(t("tl_case_none", lang0), elem_id="tmo-tl-case-note"),
                                  value="tl_case_none")
                tl_case_plot = gr.Plot(visible=False, show_label=False, elem_id="tmo-tl-case-plot")
                with tr(gr.Accordion(t("tl_table", lang0), open=False), label="tl_table"):
                    tl_table = tr(gr.HTML(timeline_table_html(kb, lang0), js_on_load=None),
                                  value=lambda lg: timeline_table_html(kb, lg))

            # ---------------------------------------------------------------- sources
            with tr(gr.Tab(t("tab_sources", lang0), id="sources", elem_id="tab-sources"), label="tab_sources"):
                search = tr(gr.Textbox(label=t("search", lang0), placeholder=t("search_ph", lang0),
                                       elem_id="tmo-search", lines=1, max_lines=1),
                            label="search", placeholder="search_ph")
                src = gr.HTML(sources_html(kb, "", lang0), elem_id="tmo-sources", js_on_load=None)

        tr(gr.Markdown(f"{T['disclaimer_both']['en']}. {t('privacy', lang0)}", elem_id="tmo-footer"),
           value=lambda lg: f"{T['disclaimer_both']['en']}. {t('privacy', lg)}")

        # ================================================================ events
        field_list = [fields[k] for k, _, _ in FORM_FIELDS]

        # chat: show the question at once, then stream the answer
        def add_question(message, messages):
            message = message or ""
            messages = list(messages or []) + ([{"role": "user", "content": message}] if message.strip() else [])
            return gr.update(value=""), messages, message

        def bot(message, messages, ui_lang):
            before = list(messages or [])
            if not (message or "").strip():  # an empty submission: a notice, the conversation unchanged
                gr.Warning(answer_turn(assistant, "", [], ui_lang).text.lstrip("⚠️ "))
                yield before, gr.skip()
                return
            if (message or "").strip() and before and before[-1].get("role") == "user":
                before = before[:-1]  # add_question showed it already; respond() adds it back
            for msgs, record in respond(assistant, message, before, ui_lang, stream_delay):
                yield msgs, (record if record is not None else gr.skip())

        msg.submit(add_question, [msg, chatbot], [msg, chatbot, pending], queue=False, api_visibility="private") \
            .then(bot, [pending, chatbot, lang], [chatbot, last_turn], api_visibility="private",
                  concurrency_id="answer", show_progress="hidden")

        def pick_example(messages, evt: gr.SelectData):
            text = evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)
            return list(messages or []) + [{"role": "user", "content": text}], text

        chatbot.example_select(pick_example, [chatbot], [chatbot, pending], queue=False, api_visibility="private") \
            .then(bot, [pending, chatbot, lang], [chatbot, last_turn], api_visibility="private",
                  concurrency_id="answer", show_progress="hidden")
        clear.click(lambda: ([], None, ""), None, [chatbot, last_turn, fb_status], queue=False,
                    api_visibility="private")

        def api_fn(message, history):
            """Ask a question (French or English); returns the answer text, in the question's language."""
            text = ""
            for text in api_chat(assistant, message, history, stream_delay):
                yield text, gr.skip()
            new = list(history or []) + [{"role": "user", "content": message or ""},
                                         {"role": "assistant", "content": text}]
            yield text, new[-40:]

        api_btn.click(api_fn, [api_msg, api_hist], [api_out, api_hist], api_name="chat", concurrency_id="answer")

        # feedback
        def feedback_out(status, ui_lang):  # a saved comment is cleared so it is not sent twice
            return status, (gr.update(value="") if status == t("fb_saved", ui_lang) else gr.skip())

        def rate(rating):
            def fn(enabled, include, comment, turn, ui_lang):
                return feedback_out(give_feedback(store, enabled, include, rating, comment, turn, ui_lang), ui_lang)
            return fn

        fb_inputs = [fb_enable, fb_include, fb_comment, last_turn, lang]
        fb_up.click(rate("up"), fb_inputs, [fb_status, fb_comment], queue=False, api_visibility="private")
        fb_down.click(rate("down"), fb_inputs, [fb_status, fb_comment], queue=False, api_visibility="private")

        def on_like(messages, enabled, include, comment, ui_lang, data: gr.LikeData):
            liked = data.liked if isinstance(data.liked, bool) else str(data.liked).lower() in ("like", "true")
            return feedback_out(give_feedback(store, enabled, include, "up" if liked else "down", comment,
                                              turn_at(messages, data.index), ui_lang), ui_lang)

        chatbot.like(on_like, [chatbot, fb_enable, fb_include, fb_comment, lang], [fb_status, fb_comment],
                     queue=False, api_visibility="private")

        # checker
        def show(result, ui_lang):
            fig = case_figure(result.case, ui_lang) if worth_a_chart(result.case) else None
            has = fig is not None
            return (result.html, result.report, gr.update(value=fig, visible=has),
                    gr.update(value=fig, visible=has),
                    gr.update(visible=not has), result.case if has else None)

        check_outputs = [report, report_json, case_plot, tl_case_plot, tl_case_note, case_state]

        def check_text(text, ui_lang):
            return show(run_check(assistant, text or "", ui_lang, kb), ui_lang)

        def check_form(ui_lang, rows, *values):
            try:
                case = case_from_form(dict(zip([k for k, _, _ in FORM_FIELDS], values)), rows)
            except ValueError as exc:
                from .checking import CheckResult, _note

                msg_ = t("case_error", ui_lang, err=str(exc))
                return show(CheckResult(_note(msg_, "error"), error=msg_), ui_lang)
            return show(run_check(assistant, case, ui_lang, kb), ui_lang)

        check_text_btn.click(check_text, [free_text, lang], check_outputs, api_visibility="private",
                             concurrency_id="check")

        def api_check(case_text):
            """Check a case: free text (FR or EN) or a JSON case object; returns the report as a dict."""
            import json

            text = (case_text or "").strip()
            case = text
            if text.startswith("{"):
                try:
                    case = json.loads(text)
                except json.JSONDecodeError as exc:
                    return {"error": f"the case is not valid JSON: {exc.msg} (line {exc.lineno})"}
            result = run_check(assistant, case, "en", kb, form_follows_ui=False)
            return result.report if result.report is not None else {"error": result.error}

        api_check_btn.click(api_check, [api_case], [api_report], api_name="check", concurrency_id="check")
        check_form_btn.click(check_form, [lang, episodes] + field_list, check_outputs, api_visibility="private",
                             concurrency_id="check")

        def load_sample():
            values, rows = form_from_case(SAMPLE_CASE)
            return [("" if values[k] is None else values[k]) for k, _, _ in FORM_FIELDS] + [rows]

        sample_btn.click(load_sample, None, field_list + [episodes], queue=False, api_visibility="private")
        clear_form_btn.click(lambda: ["" if kinds[k] == "number" else "unknown" for k, _, _ in FORM_FIELDS]
                             + [empty_rows()], None, field_list + [episodes], queue=False, api_visibility="private")

        # sources
        search.change(lambda q, lg: sources_html(kb, q, lg), [search, lang], [src], queue=False,
                      show_progress="hidden", api_visibility="private")

        # interface language: the browser's at first, then the switch
        def switch(ui_lang, query, rows, case, shown):
            import pandas as pd

            ups = []
            for comp, params in relabel:
                kw = {p: (k(ui_lang) if callable(k) else t(k, ui_lang)) for p, k in params.items()}
                ups.append(gr.update(**kw))
            data = [list(r) for r in (rows.values.tolist() if hasattr(rows, "values") else rows or [])]
            ups.append(pd.DataFrame(data or empty_rows(), columns=EPISODE_HEADERS[ui_lang]))
            ups.append(sources_html(kb, query or "", ui_lang))
            ups.append(gr.skip() if shown else f'<div class="tmo-note">{t("no_result", ui_lang)}</div>')
            fig = case_figure(case, ui_lang) if case else None
            ups.append(gr.update(value=fig) if fig is not None else gr.skip())
            ups.append(gr.update(value=fig) if fig is not None else gr.skip())
            return ups

        lang.change(switch, [lang, search, episodes, case_state, report_json],
                    [c for c, _ in relabel] + [episodes, src, report, case_plot, tl_case_plot], queue=False,
                    api_visibility="private")
        demo.load(None, None, [lang], js=DETECT_LANG_JS, api_visibility="private")
    return demo


def warm_up(assistant) -> None:
    """One question in each language and one check, so the first user does not pay for loading."""
    assistant.ask("Quels sont les facteurs de risque ?")
    assistant.ask("What does the MRI show?")
    assistant.check("Homme de 50 ans, douleur brutale du genou droit, IRM : œdème médullaire du condyle.")


def serve(app, host: str = "127.0.0.1", port: int = 7860, *, concurrency: int = 16,
          prevent_thread_lock: bool = True) -> str:
    """Queue and launch a built app on ``host:port`` only; return its local URL."""
    # Gradio's queue rebuilds a pandas summary of its last 10,000 events after every event (3 ms at
    # 200 events, 18 ms at 10,000, per event, on the server's CPU) for a monitoring page this app
    # does not enable; compute it never, and keep a short record.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    # status_update_rate=1: queued users get their position and ETA once a second, instead of a
    # message to every waiting user each time any event joins or starts (n^2 messages under load)
    app.queue(default_concurrency_limit=concurrency, max_size=512, status_update_rate=1)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, show_error=False,
               ssr_mode=False, quiet=True, max_threads=max(40, concurrency * 3), **launch_options())
    return f"http://{host if ':' not in host else f'[{host}]'}:{port}/"


def launch(settings=None, host: str = "127.0.0.1", port: int = 7860, feedback_path: str | Path | None = None, *,
           concurrency: int = 16, stream_delay: float = 0.03, prevent_thread_lock: bool = False):
    """Load the assistant once, warm it up, and serve the app on ``host:port`` (loopback by default)."""
    import time

    from ..api import Assistant

    t0 = time.perf_counter()
    print("tmo: loading the knowledge base, the embedding model and the index…", file=sys.stderr, flush=True)
    assistant = Assistant(settings)
    warm_up(assistant)
    print(f"tmo: ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    app = build_app(assistant, feedback_path, stream_delay=stream_delay)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    print(f"tmo: open {url}  (Ctrl-C to stop)", flush=True)
    serve(app, host, port, concurrency=concurrency, prevent_thread_lock=prevent_thread_lock)
    return app
