"""Case schema: clear errors naming the field; missing means unknown; the exported JSON Schema is current."""
from __future__ import annotations

import json

import pytest

from assistant.checker import CaseError, check, parse_case
from assistant.checker.case import SCHEMA_PATH, Case


@pytest.mark.parametrize("bad, field, words", [
    ({"agee": 54}, "agee", ["unknown field", "age"]),
    ({"age": -3}, "age", ["greater than or equal to 0"]),
    ({"age": 300}, "age", ["less than or equal"]),
    ({"labs": {"crp": "high"}}, "labs.crp", ["expected a number", "mg/L", "inflammatory_syndrome"]),
    ({"labs": {"crp": {"value": 3, "unit": "furlong"}}}, "labs.crp", ["unknown unit"]),
    ({"labs": {"crp": -1}}, "labs.crp", ["impossible"]),
    ({"episodes": [{"date": "2019-01-01"}, {"date": "2018-01-01"}]}, "episodes[1].date", ["before", "oldest first"]),
    ({"episodes": [{"date": "2019-05-01", "resolution": {"date": "2019-01-01"}}]}, "episodes[0].resolution.date", ["before"]),
    ({"episodes": [{"joint": "nose"}]}, "episodes[0].joint", ["not allowed", "knee"]),
    ({"episodes": [{"mri": {"findngs": []}}]}, "episodes[0].mri.findngs", ["did you mean `findings`"]),
    ({"episodes": [{"date": "32/13/2018"}]}, "episodes[0].date", ["out of range"]),
    ({"sex": "male", "pregnancy": {"weeks": 30}}, "pregnancy", ["male"]),
    ({"pregnancy": {"weeks": 30, "trimester": 1}}, "pregnancy.trimester", ["trimester 3"]),
    ({"fever": "maybe"}, "fever", ["true or false"]),
])
def test_bad_case_names_the_field(bad, field, words):
    with pytest.raises(CaseError) as err:
        parse_case(bad)
    assert err.value.field == field
    msg = str(err.value)
    assert field in msg
    for w in words:
        assert w in msg


@pytest.mark.parametrize("raw", ["{bad json", "[1, 2]", "42", '"text"'])
def test_malformed_json(raw):
    with pytest.raises(CaseError) as err:
        parse_case(raw)
    assert "JSON" in str(err.value) or "expected a JSON object" in str(err.value)


def test_case_error_is_value_error():
    assert issubclass(CaseError, ValueError)


def test_missing_is_unknown_not_false():
    report = check({"episodes": [{"joint": "knee"}]})
    status = {c["id"]: c["status"] for c in report.to_dict()["criteria"]}
    assert status["rf_fever"] == "unknown"
    assert status["no_trauma"] == "unknown"
    assert status["mri_bone_marrow_edema"] == "unknown"


def test_units_and_aliases():
    case = parse_case({"sex": "F", "labs": {"crp": {"value": 1.8, "unit": "mg/dL"}, "wbc": {"value": 15000, "unit": "/mm3"}},
                       "pregnancy": 34, "episodes": [{"joint": "genou", "side": "gauche", "site": "medial femoral condyle",
                                                      "date": "9/3/2018"}]})
    assert case.sex == "female"
    assert case.labs.crp == pytest.approx(18.0)
    assert case.labs.wbc == pytest.approx(15.0)
    assert case.pregnancy.trimester == 3 and case.pregnancy.pregnant
    ep = case.episodes[0]
    assert (ep.joint, ep.side, ep.sites, ep.date) == ("knee", "left", ["medial_femoral_condyle"], "2018-03-09")


def test_exported_schema_is_current():
    on_disk = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    fresh = Case.model_json_schema()
    on_disk.pop("$comment", None)
    assert json.loads(json.dumps(fresh, sort_keys=True)) == on_disk, \
        "knowledge/case.schema.json is stale: run python -c 'from assistant.checker.case import export_schema; export_schema()'"
