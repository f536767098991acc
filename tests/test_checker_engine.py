"""Engine: verdicts per CLINICAL.md, differentials, migratory, unknowns; criteria as data; sources."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from assistant.checker import check, parse_case
from assistant.checker.criteria import CriteriaError, load_criteria
from assistant.checker.engine import grade
from assistant.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[1]
CRITERIA = ROOT / "knowledge" / "criteria.yaml"
VIGNETTES = ROOT / "evals" / "vignettes.jsonl"


def seed_case() -> dict:
    for line in VIGNETTES.read_text(encoding="utf-8").splitlines():
        v = json.loads(line)
        if v["id"] == "seed-patient":
            return v["case"]
    raise AssertionError("seed-patient vignette missing")


BASE = {"age": 50, "sex": "male", "onset": "sudden", "trauma": False,
        "episodes": [{"joint": "knee", "side": "right", "sites": ["medial_femoral_condyle"]}]}


def with_(**changes) -> dict:
    case = copy.deepcopy(BASE)
    ep = changes.pop("ep", None)
    case.update(changes)
    if ep:
        case["episodes"][0].update(ep)
    return case


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_seed_patient_confirmed_and_migratory(lang):
    report = check(seed_case(), lang)
    assert report.verdict == "confirmed"
    assert report.migratory is True
    assert report.differentials == []
    assert report.lang == lang


@pytest.mark.parametrize("case, verdict", [
    ({"episodes": [{"joint": "knee"}]}, "insufficient"),
    (with_(), "possible"),
    (with_(ep={"mri": {"bone_marrow_edema": True}}), "probable"),
    (with_(ep={"mri": {"bone_marrow_edema": True}, "resolution": {"clinical": True, "mri": True}}), "confirmed"),
    (with_(ep={"mri": {"bone_marrow_edema": True}, "resolution": {"clinical": True}}), "probable"),
    (with_(ep={"mri": {"bone_marrow_edema": False}}), "unlikely"),
    (with_(fever=True, ep={"mri": {"bone_marrow_edema": True}}), "unlikely"),
    (with_(onset="gradual", ep={"mri": {"bone_marrow_edema": True}}), "insufficient"),  # no clinical picture
    (with_(ep={"mri": {"bone_marrow_edema": True, "findings": ["subchondral_line_thin"]}}), "probable"),
    (with_(ep={"mri": {"bone_marrow_edema": True, "subchondral_line_mm": 6}}), "unlikely"),
])
def test_verdicts_follow_clinical_md(case, verdict):
    assert check(case).verdict == verdict


@pytest.mark.parametrize("changes, expected", [
    ({"exposures": {"corticosteroids": True}}, ["osteonecrosis"]),
    ({"ep": {"mri": {"bone_marrow_edema": True, "findings": ["double_line_sign"]}}}, ["osteonecrosis"]),
    ({"history": {"meniscectomy": True}}, ["subchondral_insufficiency_fracture"]),
    ({"trauma": True}, ["bone_contusion"]),
    ({"fever": True, "warm_swollen_joint": True}, ["septic_arthritis"]),
    ({"fever": True, "skin_breach": True}, ["osteitis"]),
    ({"morning_stiffness_minutes": 90}, ["inflammatory_arthritis"]),
    ({"chronic_pain": True, "age": 70}, ["osteoarthritis"]),
    ({"trauma": True, "immobilisation": True, "allodynia": True}, ["crps1"]),
    ({"history": {"cancer": True}}, ["bone_tumour"]),
    ({"labs": {"crp": 14}}, []),  # mildly raised CRP alone: a caution
])
def test_each_differential(changes, expected):
    report = check(with_(**changes))
    assert sorted(d.id for d in report.differentials) == sorted(expected)
    if expected:
        assert report.verdict == "unlikely"
        assert all(d.reasons for d in report.differentials)


def test_infection_is_urgent():
    report = check(with_(fever=True, labs={"crp": 200}))
    assert report.urgent and report.differentials[0].id == "septic_arthritis"
    assert report.to_dict()["urgent"] is True


def test_unknowns_say_what_to_order_next():
    report = check(with_())
    ids = [u.id for u in report.unknowns]
    assert "mri_bone_marrow_edema" in ids
    mri = next(u for u in report.unknowns if u.id == "mri_bone_marrow_edema")
    assert mri.if_met == "probable" and mri.if_not_met == "unlikely"
    assert report.unknowns[0].id == "rf_fever"  # urgent red flags first


def test_migratory_rules():
    two_sites = {"episodes": [{"date": "2020-01", "joint": "knee", "side": "right", "sites": ["medial_femoral_condyle"]},
                              {"date": "2020-05", "joint": "knee", "side": "right", "sites": ["lateral_femoral_condyle"]}]}
    assert check(two_sites).migratory is True
    same_day = copy.deepcopy(two_sites)
    same_day["episodes"][1]["date"] = "2020-01"
    assert check(same_day).migratory is False
    same_site = copy.deepcopy(two_sites)
    same_site["episodes"][1]["sites"] = ["medial_femoral_condyle"]
    assert check(same_site).migratory is False
    assert check({"episodes": [{"joint": "hip"}]}).migratory is False


def test_contract_keys():
    d = check(seed_case(), "en").to_dict()
    assert list(d)[:4] == ["verdict", "criteria", "differentials", "migratory"]
    for c in d["criteria"]:
        assert set(c) >= {"id", "status", "evidence", "sources"} and c["status"] in ("met", "not_met", "unknown")
        assert c["sources"]
    assert d["disclaimer"] and "heuristic" in d["support"]["note"]
    fr = check(seed_case(), "fr").to_dict()
    assert "pas un diagnostic" in fr["disclaimer"] and "not a diagnosis" in d["disclaimer"]


def test_every_source_is_a_seed_paragraph_or_a_listed_reference():
    kb = load_knowledge()
    cs = load_criteria()
    clinical = (ROOT.parent / "shared" / "CLINICAL.md")
    for item in list(cs.criteria) + list(cs.differentials.values()):
        assert item.sources
        for s in item.sources:
            assert kb.has(s) or s in cs.references, (item.id, s)
    if clinical.is_file():
        text = clinical.read_text(encoding="utf-8")
        for ref in cs.references:
            assert ref.split(",")[0] in text, ref
    red = [c for c in cs.criteria if c.kind == "red_flag"]
    assert {d for c in red for d in c.differentials} == set(cs.differentials)


# ------------------------------------------------------------------ criteria as data

def _write(tmp_path, mutate) -> Path:
    data = yaml.safe_load(CRITERIA.read_text(encoding="utf-8"))
    mutate(data)
    p = tmp_path / "criteria.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def _crit(data, cid):
    return next(c for c in data["criteria"] if c["id"] == cid)


def test_changing_a_weight_changes_the_grading(tmp_path):
    case = parse_case(with_(exposures={"corticosteroids": True}, ep={"mri": {"bone_marrow_edema": True}}))
    assert grade(case).verdict == "unlikely"
    p = _write(tmp_path, lambda d: _crit(d, "rf_osteonecrosis_risk").update(weight=1))
    report = grade(case, criteria=load_criteria(p))
    assert report.verdict == "probable" and report.differentials == []
    assert [c.id for c in report.cautions] == ["rf_osteonecrosis_risk"]


def test_changing_a_kind_changes_the_grading(tmp_path):
    case = parse_case(with_(ep={"mri": {"bone_marrow_edema": True}, "resolution": {"mri": True, "clinical": True}}))
    assert grade(case).verdict == "confirmed"

    def mutate(d):
        d["verdict"]["ladder"][0]["all_met"].append("mechanical_pain")
    report = grade(case, criteria=load_criteria(_write(tmp_path, mutate)))
    assert report.verdict == "probable"

    def smoking_red_flag(d):
        c = _crit(d, "risk_factors")
        c.update(kind="red_flag", differentials=["osteonecrosis"], weight=3)
    case2 = parse_case(with_(exposures={"smoking": True}, ep={"mri": {"bone_marrow_edema": True}}))
    assert grade(case2).verdict == "probable"
    assert grade(case2, criteria=load_criteria(_write(tmp_path, smoking_red_flag))).verdict == "unlikely"


@pytest.mark.parametrize("mutate, words", [
    (lambda d: _crit(d, "rf_fever").update(sources=["no-such-paragraph"]), ["no-such-paragraph"]),
    (lambda d: _crit(d, "rf_fever").update(when={"field": "feverr", "eq": True}), ["feverr", "does not exist"]),
    (lambda d: _crit(d, "rf_fever").update(colour="red"), ["colour"]),
    (lambda d: _crit(d, "rf_fever").update(differentials=[]), ["names no differential"]),
    (lambda d: d["verdict"]["ladder"][0]["all_met"].append("nope"), ["nope"]),
    (lambda d: d["criteria"].append(dict(_crit(d, "rf_fever"))), ["duplicate"]),
])
def test_invalid_criteria_are_refused(tmp_path, mutate, words):
    with pytest.raises(CriteriaError) as err:
        load_criteria(_write(tmp_path, mutate))
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_seed_paragraphs_as_free_text(lang):
    """The curated case paragraphs with the MRI captions (fig-4, fig-5) read as one note."""
    kb = load_knowledge()
    ids = ["case-1", "case-2", "case-3", "case-4", "case-5", "fig-4", "case-6", "fig-5", "case-7"]
    report = check(" ".join(kb.paragraph(i).text(lang) for i in ids))
    assert report.verdict == "confirmed" and report.migratory is True and report.differentials == []
    # Without the captions the text never says the follow-up MRI was normal: resolution is clinical only.
    plain = check(" ".join(kb.paragraph(f"case-{i}").text(lang) for i in range(1, 8)))
    assert plain.verdict == "probable" and plain.migratory is True


def test_a_new_differential_and_red_flag_are_yaml_entries(tmp_path):
    """No code edit: a differential and its red flag added to the file are graded and reported."""
    def add(d):
        d["differentials"].append({"id": "stress_fracture", "label": {"fr": "Fracture de fatigue", "en": "Stress fracture"},
                                   "sources": ["disc-8"]})
        d["criteria"].append({"id": "rf_runner", "kind": "red_flag", "differentials": ["stress_fracture"], "weight": 3,
                              "label": {"fr": "Coureur", "en": "Runner"}, "when": {"field": "overload", "eq": True},
                              "sources": ["disc-8"]})
    cs = load_criteria(_write(tmp_path, add))
    report = grade(parse_case(with_(overload=True)), criteria=cs)
    assert [d.id for d in report.differentials] == ["stress_fracture"] and report.verdict == "unlikely"

    def dangling(d):
        _crit(d, "rf_fever")["differentials"] = ["no_such_differential"]
    with pytest.raises(CriteriaError, match="no_such_differential"):
        load_criteria(_write(tmp_path, dangling))
