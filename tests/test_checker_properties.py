"""Property tests: random dicts and random text never crash the checker (a Report or a CaseError)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.checker import CaseError, check
from assistant.checker.case import JOINTS, MRI_FINDINGS, SITES

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                         st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=4)), max_leaves=20)
field_names = st.sampled_from(["age", "sex", "onset", "trauma", "fever", "temperature_c", "labs", "episodes",
                               "pregnancy", "exposures", "history", "lang", "joint_fluid", "morning_stiffness_minutes"])
case_like = st.dictionaries(st.one_of(field_names, st.text(max_size=8)), json_values, max_size=8)

episode = st.fixed_dictionaries({}, optional={
    "joint": st.sampled_from(JOINTS), "side": st.sampled_from(["right", "left", "bilateral"]),
    "sites": st.lists(st.sampled_from(SITES), max_size=3),
    "date": st.sampled_from(["2018", "2018-03", "2019-05-07", "2020-01"]),
    "mri": st.fixed_dictionaries({}, optional={"bone_marrow_edema": st.booleans(),
                                               "findings": st.lists(st.sampled_from(MRI_FINDINGS), max_size=3),
                                               "subchondral_line_mm": st.floats(0, 50)}),
    "resolution": st.fixed_dictionaries({}, optional={"clinical": st.booleans(), "mri": st.booleans()}),
})
valid_case = st.fixed_dictionaries({}, optional={
    "age": st.integers(0, 120), "sex": st.sampled_from(["male", "female"]), "onset": st.sampled_from(["sudden", "gradual"]),
    "trauma": st.booleans(), "fever": st.booleans(), "temperature_c": st.floats(30, 45),
    "labs": st.fixed_dictionaries({}, optional={"crp": st.floats(0, 1000), "wbc": st.floats(0, 500)}),
    "exposures": st.fixed_dictionaries({}, optional={"corticosteroids": st.booleans(), "alcohol": st.booleans()}),
    "episodes": st.lists(episode, max_size=3),
})
VERDICTS = {"confirmed", "probable", "possible", "unlikely", "insufficient"}
settings.register_profile("checker", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])


@settings(settings.get_profile("checker"))
@given(case_like)
def test_random_dicts_never_crash(data):
    try:
        report = check(data)
    except CaseError as exc:
        assert str(exc) and exc.field
        return
    assert report.verdict in VERDICTS


@settings(settings.get_profile("checker"))
@given(valid_case)
def test_valid_cases_grade_consistently(data):
    try:
        report = check(data)
    except CaseError:
        return  # e.g. episodes out of date order: a clear error is fine
    d = report.to_dict()
    assert d["verdict"] in VERDICTS
    assert isinstance(d["migratory"], bool)
    if d["differentials"]:
        assert d["verdict"] == "unlikely"
    if d["verdict"] in ("probable", "confirmed"):
        assert any(c["id"] == "mri_bone_marrow_edema" and c["status"] == "met" for c in d["criteria"])
    if len([e for e in data.get("episodes", []) if e.get("joint")]) < 2:
        assert d["migratory"] is False


@settings(settings.get_profile("checker"))
@given(st.text(max_size=400))
def test_random_unicode_text_never_crashes(text):
    try:
        report = check(text)
    except CaseError as exc:
        assert exc.field == "text"
        return
    assert report.verdict in VERDICTS


words = st.sampled_from(["pas de", "no", "fièvre", "fever", "IRM", "MRI", "œdème", "edema", "genou", "knee", "droit",
                         "left", "3 mois plus tard", "then", "38,6 °C", "CRP 180 mg/L", "rule out", "mère", "history of",
                         "condyle fémoral interne", "hip", "2018-03-09", "9/3/2018", "résolution", "ostéonécrose", ".",
                         ",", ";", "(", ")", "?", "sans", "contralateral", "34 SA", "54 ans", "54-year-old"])


@settings(settings.get_profile("checker"))
@given(st.lists(words, max_size=40).map(" ".join))
def test_clinical_word_salad_never_crashes(text):
    try:
        report = check(text)
    except CaseError:
        return
    assert report.verdict in VERDICTS
