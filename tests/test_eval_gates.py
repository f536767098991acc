"""The CI gate: the dev sets scored with the default setup must stay above the regression gates."""
from __future__ import annotations

import json

from assistant.evaluation import GATES, run_eval
from assistant.settings import REPO


def test_dev_sets_pass_the_gates(assistant, tmp_path):
    code = run_eval([REPO / "evals/questions.jsonl"], [REPO / "evals/vignettes.jsonl"],
                    [REPO / "evals/conversations.jsonl"], tmp_path, True, assistant.settings)
    report = json.loads((tmp_path / "report.json").read_text())
    failed = [g for g in report["gates"] if not g["ok"]]
    assert {g["name"] for g in report["gates"]} == set(GATES)
    assert code == 0, failed
