"""The Case checker tab: free text or a form in, the graded report (and its course) out.

What it does: :func:`checker_tab` builds the two ways in (free text with example vignettes; a
form of the case's main fields, unknown by default, with an episodes table) and the report
area (HTML, the case's course chart, the report as JSON), plus the hidden components of the
``/check`` API; :func:`wire_checker` runs a check from either way in, shows the report and, when
the course is worth a chart, draws it here and in the Timeline tab, loads the sample case,
clears the form, and serves ``/check``: free text or a JSON case in, the ``tmo check --json``
report (or an error) out.

What it leaves out: the form's declarations, running the check and the report's HTML
(:mod:`.checking`, plain Python, tested without a server).
"""
from __future__ import annotations

import json
from types import SimpleNamespace

from .checking import (EPISODE_COLUMNS, EPISODE_HEADERS, FORM_FIELDS, FORM_GROUPS, CheckResult, _note, case_from_form,
                       choices, empty_rows, form_from_case, run_check)
from .texts import EXAMPLE_VIGNETTES, SAMPLE_CASE, t
from .timeline import case_figure, worth_a_chart

# Pixel widths of the episodes table's columns, in EPISODE_COLUMNS order.
EPISODE_WIDTHS = [100, 70, 60, 190, 80, 100, 110, 110, 90, 170, 100, 100, 110]


def checker_tab(tr, lang0: str) -> SimpleNamespace:
    """The tab's components, built inside the current ``gr.Tabs``; ``tr`` registers relabelled ones."""
    import gradio as gr

    with tr(gr.Tab(t("tab_check", lang0), id="checker", elem_id="tab-checker"), label="tab_check"):
        with gr.Row():
            with gr.Column(scale=5):
                with gr.Tabs():
                    with tr(gr.Tab(t("mode_text", lang0), id="mode-text"), label="mode_text"):
                        free_text = tr(gr.Textbox(label=t("free_text", lang0), lines=8, max_lines=20,
                                                  placeholder=t("free_text_ph", lang0), elem_id="tmo-free-text"),
                                       label="free_text", placeholder="free_text_ph")
                        check_text_btn = tr(gr.Button(t("check_text", lang0), variant="primary",
                                                      elem_id="tmo-check-text"), value="check_text")
                        gr.Examples([[v] for v in EXAMPLE_VIGNETTES], inputs=[free_text],
                                    label="Exemples / Examples")
                    with tr(gr.Tab(t("mode_form", lang0), id="mode-form"), label="mode_form"):
                        with gr.Row():
                            sample_btn = tr(gr.Button(t("load_sample", lang0), size="sm"), value="load_sample")
                            clear_form_btn = tr(gr.Button(t("clear_form", lang0), size="sm"), value="clear_form")
                        fields = _form_fields(gr, tr, lang0)
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
    return SimpleNamespace(free_text=free_text, check_text_btn=check_text_btn, sample_btn=sample_btn,
                           clear_form_btn=clear_form_btn, fields=fields, episodes=episodes,
                           check_form_btn=check_form_btn, report=report, case_plot=case_plot,
                           report_json=report_json, case_state=case_state, api_case=api_case,
                           api_report=api_report, api_check_btn=api_check_btn)


def _form_fields(gr, tr, lang0: str) -> dict:
    """The form's inputs by field key, one row per group, each group under its heading."""
    fields = {}
    kinds = {k: kind for k, kind, _ in FORM_FIELDS}
    for gkey, keys in FORM_GROUPS.items():
        tr(gr.Markdown(f"**{t(gkey, lang0)}**"), value=lambda lg, g=gkey: f"**{t(g, lg)}**")
        with gr.Row():
            for k in keys:
                kind = kinds[k]
                if kind == "number":
                    # a Textbox: gr.Number shows 0 for "unknown" after a relabel
                    comp = gr.Textbox(label=t(k, lang0), value="", min_width=110, max_lines=1, placeholder="—")
                    tr(comp, label=k)
                else:
                    comp = gr.Dropdown(choices(kind, lang0), value="unknown", label=t(k, lang0), min_width=140)
                    tr(comp, label=k, choices=lambda lg, kd=kind: choices(kd, lg))
                fields[k] = comp
    return fields


def wire_checker(checker: SimpleNamespace, timeline: SimpleNamespace, lang, assistant, kb) -> None:
    """The tab's events: check free text or the form, the ``/check`` API, the sample case, clear."""
    import gradio as gr

    field_list = [checker.fields[k] for k, _, _ in FORM_FIELDS]
    kinds = {k: kind for k, kind, _ in FORM_FIELDS}

    def show(result, ui_lang):
        fig = case_figure(result.case, ui_lang) if worth_a_chart(result.case) else None
        has = fig is not None
        return (result.html, result.report, gr.update(value=fig, visible=has),
                gr.update(value=fig, visible=has),
                gr.update(visible=not has), result.case if has else None)

    check_outputs = [checker.report, checker.report_json, checker.case_plot, timeline.case_plot,
                     timeline.case_note, checker.case_state]

    def check_text(text, ui_lang):
        return show(run_check(assistant, text or "", ui_lang, kb), ui_lang)

    def check_form(ui_lang, rows, *values):
        try:
            case = case_from_form(dict(zip([k for k, _, _ in FORM_FIELDS], values)), rows)
        except ValueError as exc:
            msg_ = t("case_error", ui_lang, err=str(exc))
            return show(CheckResult(_note(msg_, "error"), error=msg_), ui_lang)
        return show(run_check(assistant, case, ui_lang, kb), ui_lang)

    checker.check_text_btn.click(check_text, [checker.free_text, lang], check_outputs, api_visibility="private",
                                 concurrency_id="check")

    def api_check(case_text):
        """Check a case: free text (FR or EN) or a JSON case object; returns the report as a dict."""
        text = (case_text or "").strip()
        case = text
        if text.startswith("{"):
            try:
                case = json.loads(text)
            except json.JSONDecodeError as exc:
                return {"error": f"the case is not valid JSON: {exc.msg} (line {exc.lineno})"}
        result = run_check(assistant, case, "en", kb, form_follows_ui=False)
        return result.report if result.report is not None else {"error": result.error}

    checker.api_check_btn.click(api_check, [checker.api_case], [checker.api_report], api_name="check",
                                concurrency_id="check")
    checker.check_form_btn.click(check_form, [lang, checker.episodes] + field_list, check_outputs,
                                 api_visibility="private", concurrency_id="check")

    def load_sample():
        values, rows = form_from_case(SAMPLE_CASE)
        return [("" if values[k] is None else values[k]) for k, _, _ in FORM_FIELDS] + [rows]

    checker.sample_btn.click(load_sample, None, field_list + [checker.episodes], queue=False,
                             api_visibility="private")
    checker.clear_form_btn.click(lambda: ["" if kinds[k] == "number" else "unknown" for k, _, _ in FORM_FIELDS]
                                 + [empty_rows()], None, field_list + [checker.episodes], queue=False,
                                 api_visibility="private")
