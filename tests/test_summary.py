"""One-line summaries say what labels share once, and drop nothing else."""
from __future__ import annotations

import pytest

from assistant.summary import one_line

CASES = {
    "en": (["drug a by mouth: might help, per some authors", "drug b: might help, per some authors", "rest"],
           "Drug a by mouth; drug b: might help, per some authors. Rest."),
    "fr": (["produit a : pourrait aider, selon certains", "produit b : pourrait aider, selon certains", "repos"],
           "Produit a; produit b : pourrait aider, selon certains. Repos."),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_shared_ending_is_said_once_and_keeps_its_hedge(lang):
    labels, expected = CASES[lang]
    assert one_line(labels) == expected


@pytest.mark.parametrize("sep", [": ", " : "])
def test_a_shared_opening_is_said_once(sep):
    out = one_line([f"hip{sep}sudden pain", f"hip{sep}limp", "knee"])
    assert out == f"Hip{sep}sudden pain; limp. Knee."


def test_labels_without_anything_shared_are_joined_as_before():
    assert one_line(["osteopenia", "smoking", "overload"]) == "Osteopenia; smoking; overload."
    assert one_line(["IRM normale", "scan"], capital=False) == "IRM normale; scan."
    assert one_line(["a: x", "b: y"]) == "A: x; b: y."
    assert one_line([]) == ""


def test_every_label_part_survives():
    labels = ["a: same end", "b: other", "c: same end", "d"]
    out = one_line(labels)
    for part in ("a", "b: other", "c", "same end", "d"):
        assert part in out.lower()
    assert out.count("same end") == 1
