"""``tmo eval``: score answers, retrieval, abstention, follow-ups and checker agreement.

What it does: reads question files (JSONL, schema in ``evals/README.md``), asks each question
once through :class:`~assistant.api.Assistant`, and scores answer accuracy (every key-fact
group present, accent-folded), abstention precision and recall, answered-when-answerable,
language match, and retrieval Recall@1/3/5 and MRR for each question-language -> passage-
language pair (FR->FR, FR->EN, EN->EN, EN->FR, and both) for dense, BM25 and hybrid. Runs the
conversation files turn by turn with history, and the checker on vignette files. Writes JSON
and Markdown reports and a PNG chart by language and topic; with ``--gate`` it exits 1 when a
score falls below :data:`GATES`.

What it leaves out: answer generation by a language model (scored extractive only).
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .settings import REPO, Settings
from .text import fold

# Regression gates for CI: set just under what the default setup measures today (README);
# the targets in the issues are higher and are reported next to these.
# Set a little under the measured dev figures (0.95, 1.00, 1.00, 1.00, 0.95), so a regression
# fails CI while a one-question wobble does not.
GATES = {
    "answer_accuracy": 0.92,
    "answer_first": 0.78,
    "answered_when_answerable": 0.97,
    "abstention_precision": 0.9,
    "language_match": 0.99,
    "retrieval_recall@3_fused": 0.92,
    "checker_verdict": 0.95,
    "checker_differentials": 0.95,
}


class Question(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None = None
    question: str = Field(min_length=1)
    language: str = Field(pattern="^(fr|en)$")
    answerable: bool = True
    key_facts: list[list[str]] = []
    gold_ids: list[str] = []
    topic: str = "unspecified"


def load_jsonl(path: Path, model: type[BaseModel] | None = None) -> list:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
            rows.append(model.model_validate(obj) if model else obj)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not a JSON object ({exc.msg} at column {exc.colno}). "
                             "One JSON object per line; see evals/README.md for the schema.") from None
        except ValidationError as exc:
            fields = "; ".join(f"field '{'.'.join(str(x) for x in e['loc']) or '(line)'}': {e['msg']}"
                               for e in exc.errors())
            raise ValueError(f"{path}:{n}: {fields}. See evals/README.md for the schema.") from None
    return rows


def facts_present(answer: str, key_facts: list[list[str]]) -> bool:
    text = fold(answer)
    return all(any(fold(alt) in text for alt in group) for group in key_facts)


LEAD_CHARS = 300  # answer-first: the asked facts within the answer's opening (two sentences, about 300 chars)


def _ratio(a: float, b: float) -> float | None:
    """a / b, or None (reported as n/a) when there is nothing to count."""
    return round(a / b, 4) if b else None


def answer_row(q: Question, text: str, abstained: bool, lang: str, cites: list[str]) -> dict:
    """One scored question: correct, answered first, language, from an answer however obtained."""
    ok = not abstained and facts_present(text, q.key_facts)
    return {"id": q.id, "question": q.question, "language": q.language, "topic": q.topic,
            "answerable": q.answerable, "abstained": abstained, "lang_ok": lang == q.language,
            "correct": ok if q.answerable else abstained,
            "first": ok and facts_present(text[:LEAD_CHARS], q.key_facts) if q.answerable else None,
            "citations": cites, "answer": text}


def summarise(rows: list[dict]) -> dict:
    def summary(sel):
        a = [r for r in sel if r["answerable"]]
        return {"n": len(sel), "answer_accuracy": _ratio(sum(r["correct"] for r in a), len(a)),
                "answer_first": _ratio(sum(bool(r["first"]) for r in a), len(a)),
                "answered_when_answerable": _ratio(sum(not r["abstained"] for r in a), len(a)),
                "language_match": _ratio(sum(r["lang_ok"] for r in sel), len(sel)),
                "refused_rate": _ratio(sum(r["abstained"] for r in sel), len(sel))}

    refused = [r for r in rows if r["abstained"]]
    una = [r for r in rows if not r["answerable"]]
    out = summary(rows)
    out.update({
        "abstention_precision": _ratio(sum(not r["answerable"] for r in refused), len(refused)),
        "abstention_recall": _ratio(sum(r["abstained"] for r in una), len(una)),
        "by_language": {l: summary([r for r in rows if r["language"] == l]) for l in ("fr", "en")},
        "by_topic": {t: summary([r for r in rows if r["topic"] == t]) for t in sorted({r["topic"] for r in rows})},
        "failures": [r for r in rows if not r["correct"]],
        "not_first": [r for r in rows if r["answerable"] and r["correct"] and not r["first"]],
    })
    return out


def score_questions(assistant, questions: list[Question]) -> dict:
    rows = []
    t0 = time.perf_counter()
    for q in questions:
        try:
            ans = assistant.ask(q.question)
            rows.append(answer_row(q, ans.answer, ans.abstained, ans.lang, [c.id for c in ans.citations]))
        except ValueError as exc:  # a refused input counts as an abstention
            rows.append(answer_row(q, str(exc), True, q.language, []))
    per_q_ms = (time.perf_counter() - t0) * 1000 / max(1, len(questions))
    out = summarise(rows)
    out["ms_per_question"] = round(per_q_ms, 1)
    return out


def score_retrieval(assistant, questions: list[Question], k: int = 5) -> dict:
    res: dict = {}
    qs = [q for q in questions if q.answerable and q.gold_ids]
    for mode in ("dense", "bm25", "rrf"):
        for qlang in ("fr", "en"):
            for plangs, label in ((("fr",), "fr"), (("en",), "en"), (("fr", "en"), "fused")):
                sel = [q for q in qs if q.language == qlang]
                r1 = r3 = r5 = mrr = 0.0
                for q in sel:
                    hits = [h.paragraph_id for h in assistant.retriever.search(q.question, k=10, langs=plangs, mode=mode)]
                    rank = next((i for i, h in enumerate(hits) if h in set(q.gold_ids)), None)
                    if rank is not None:
                        r1 += rank < 1
                        r3 += rank < 3
                        r5 += rank < 5
                        mrr += 1 / (rank + 1)
                n = len(sel)
                res[f"{mode}:{qlang}->{label}"] = {"n": n, "recall@1": _ratio(r1, n), "recall@3": _ratio(r3, n),
                                                   "recall@5": _ratio(r5, n), "mrr": _ratio(mrr, n)}
    return res


def score_conversations(assistant, convs: list[dict]) -> dict:
    turns = ok = 0
    fails = []
    for c in convs:
        history: list[str] = []
        for t in c["turns"]:
            ans = assistant.ask(t["question"], history=history)
            good = ans.abstained if not t.get("key_facts") else (not ans.abstained and facts_present(ans.answer, t["key_facts"]))
            turns += 1
            ok += good
            if not good:
                fails.append({"id": c.get("id"), "question": t["question"], "answer": ans.answer[:300]})
            history.append(t["question"])
    return {"turns": turns, "accuracy": _ratio(ok, turns), "failures": fails}


def _na(v) -> str:
    return "n/a" if v is None else str(v)


def _markdown(report: dict) -> str:
    lines = ["# tmo evaluation report", ""]
    for name, q in report.get("questions", {}).items():
        lines += [f"## Questions: {name}", "", "| metric | value |", "|---|---|"]
        for key in ("n", "answer_accuracy", "answer_first", "answered_when_answerable", "abstention_precision",
                    "abstention_recall", "language_match", "ms_per_question"):
            lines.append(f"| {key} | {'n/a' if q.get(key) is None else q[key]} |")
        lines += ["", "| language | n | accuracy | answered when answerable |", "|---|---|---|---|"]
        for l, s in q["by_language"].items():
            lines.append(f"| {l} | {s['n']} | {_na(s['answer_accuracy'])} | {_na(s['answered_when_answerable'])} |")
        lines.append("")
    for name, r in report.get("retrieval", {}).items():
        lines += [f"## Retrieval: {name}", "", "| mode:pair | R@1 | R@3 | R@5 | MRR |", "|---|---|---|---|---|"]
        for key, m in r.items():
            lines.append(f"| {key} | {_na(m['recall@1'])} | {_na(m['recall@3'])} | {_na(m['recall@5'])} | {_na(m['mrr'])} |")
        lines.append("")
    for name, c in report.get("conversations", {}).items():
        lines += [f"## Conversations: {name}", "", f"turns {c['turns']}, accuracy {c['accuracy']}", ""]
    for name, v in report.get("vignettes", {}).items():
        lines += [f"## Checker: {name}", "", f"n {v['n']}, verdict {v['verdict']}, differentials "
                  f"{v['differentials']}, migratory {v['migratory']}", ""]
    if report.get("gates"):
        lines += ["## Gates", "", "| gate | threshold | measured | pass |", "|---|---|---|---|"]
        for g in report["gates"]:
            lines.append(f"| {g['name']} | {g['threshold']} | {g['value']} | {'yes' if g['ok'] else 'NO'} |")
    return "\n".join(lines) + "\n"


def _chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    q = next(iter(report.get("questions", {}).values()), None)
    if not q:
        return
    topics = sorted(q["by_topic"])
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), gridspec_kw={"width_ratios": [1, 4]})
    langs = list(q["by_language"])
    axes[0].bar(langs, [q["by_language"][l]["answer_accuracy"] or 0 for l in langs], color=["#3b6ea5", "#c0504d"])
    axes[0].set_ylim(0, 1)
    axes[0].set_title("Answer accuracy by language")
    axes[1].bar(topics, [(q["by_topic"][t]["answer_accuracy"] if t != "out_of_scope" else
                          q["by_topic"][t]["refused_rate"]) or 0 for t in topics], color="#4f81bd")
    axes[1].set_ylim(0, 1)
    axes[1].set_title("Accuracy by topic (out_of_scope: share refused)")
    axes[1].tick_params(axis="x", rotation=70, labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run_eval(questions: list[Path], vignettes: list[Path], conversations: list[Path], out: Path, gate: bool,
             settings: Settings) -> int:
    from .api import Assistant

    evals = REPO / "evals"
    if not (questions or vignettes or conversations):
        questions = [evals / "questions.jsonl"]
        vignettes = [evals / "vignettes.jsonl"]
        conversations = [evals / "conversations.jsonl"]
    report: dict = {"questions": {}, "retrieval": {}, "conversations": {}, "vignettes": {}, "gates": []}
    try:
        qsets = {str(p): load_jsonl(p, Question) for p in questions}
        csets = {str(p): load_jsonl(p) for p in conversations}
    except (OSError, ValueError) as exc:
        print(f"tmo eval: error: {exc}")
        return 2
    if qsets or csets:
        assistant = Assistant(settings)
        for name, qs in qsets.items():
            report["questions"][name] = score_questions(assistant, qs)
            report["retrieval"][name] = score_retrieval(assistant, qs)
        for name, cs in csets.items():
            report["conversations"][name] = score_conversations(assistant, cs)
    if vignettes:
        from .checker.evaluate import score_vignettes

        for p in vignettes:
            try:
                report["vignettes"][str(p)] = score_vignettes(p)
            except (OSError, ValueError) as exc:
                print(f"tmo eval: error: {exc}")
                return 2
    measured = defaultdict(list)
    for q in report["questions"].values():
        for key in ("answer_accuracy", "answer_first", "answered_when_answerable", "abstention_precision",
                    "language_match"):
            if q.get(key) is not None:  # n/a: nothing of that kind in the file
                measured[key].append(q[key])
    for r in report["retrieval"].values():
        measured["retrieval_recall@3_fused"] += [x for x in (r["rrf:fr->fused"]["recall@3"],
                                                             r["rrf:en->fused"]["recall@3"]) if x is not None]
    for v in report["vignettes"].values():
        measured["checker_verdict"].append(v["verdict"])
        measured["checker_differentials"].append(v["differentials"])
    for name, threshold in GATES.items():
        if measured.get(name):
            value = min(measured[name])
            report["gates"].append({"name": name, "threshold": threshold, "value": value, "ok": value >= threshold})
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    md = _markdown(report)
    (out / "report.md").write_text(md)
    try:
        _chart(report, out / "report.png")
    except ImportError:
        pass
    print(md)
    print(f"reports: {out / 'report.json'}, {out / 'report.md'}, {out / 'report.png'}")
    failed = [g for g in report["gates"] if not g["ok"]]
    return 1 if gate and failed else 0
