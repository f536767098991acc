"""Checker agreement on a vignette file (``evals/vignettes.jsonl``).

What it does: ``score_vignettes(path)`` runs :func:`assistant.checker.check` on every vignette
(``case`` structured dict or ``text``) and compares with ``expected``: verdict agreement,
differential agreement (exact set match per vignette) with micro precision/recall over
differential ids, migratory-flag agreement, per language; every disagreement is listed.
A vignette that cannot be read counts as a failure, never a crash.

What it leaves out: the ``tmo eval`` command and CI gating (they call this function).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from . import CaseError, check


def load_vignettes(path: Path | str) -> list[dict]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            v = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(v, dict) or "expected" not in v or ("case" not in v and "text" not in v):
            raise ValueError(f"{path}:{n}: a vignette needs `expected` and `case` or `text`")
        v.setdefault("id", f"line-{n}")
        out.append(v)
    return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def score_vignettes(path: Path | str) -> dict[str, Any]:
    vignettes = load_vignettes(path)
    rows = []
    tp = fp = fn = 0
    t0 = time.perf_counter()
    for v in vignettes:
        exp = v["expected"]
        lang = v.get("lang")
        try:
            report = check(v["case"] if "case" in v else v["text"], lang)
            got_v, got_d, got_m = report.verdict, sorted(d.id for d in report.differentials), report.migratory
            error = None
        except (CaseError, ValueError) as exc:
            got_v, got_d, got_m, error = None, [], None, str(exc)
        exp_d = sorted(exp.get("differentials", []))
        tp += len(set(got_d) & set(exp_d))
        fp += len(set(got_d) - set(exp_d))
        fn += len(set(exp_d) - set(got_d))
        rows.append({
            "id": v["id"], "lang": lang, "input": "case" if "case" in v else "text",
            "verdict_ok": got_v == exp.get("verdict"), "differentials_ok": got_d == exp_d,
            "migratory_ok": got_m == bool(exp.get("migratory", False)),
            "expected": {"verdict": exp.get("verdict"), "differentials": exp_d, "migratory": bool(exp.get("migratory", False))},
            "got": {"verdict": got_v, "differentials": got_d, "migratory": got_m}, "error": error,
        })

    def agg(sel: list[dict]) -> dict[str, Any]:
        return {
            "n": len(sel),
            "verdict": _ratio(sum(r["verdict_ok"] for r in sel), len(sel)),
            "differentials": _ratio(sum(r["differentials_ok"] for r in sel), len(sel)),
            "migratory": _ratio(sum(r["migratory_ok"] for r in sel), len(sel)),
        }

    summary = agg(rows)
    summary.update({
        "differentials_precision": _ratio(tp, tp + fp),
        "differentials_recall": _ratio(tp, tp + fn),
        "by_lang": {lang: agg([r for r in rows if r["lang"] == lang]) for lang in sorted({r["lang"] for r in rows if r["lang"]})},
        "by_input": {k: agg([r for r in rows if r["input"] == k]) for k in ("case", "text")},
        "failures": [r for r in rows if not (r["verdict_ok"] and r["differentials_ok"] and r["migratory_ok"])],
        "seconds": round(time.perf_counter() - t0, 3),
        "path": str(path),
    })
    return summary
