"""Numbers and the person in a note: the quantities found by :mod:`.quantities`, and sex and pregnancy.

What it does: :func:`record_quantity` puts one number where it belongs (age unless it dates something
else, the highest CRP / ESR / white count / temperature, vitamin D, weeks or trimester of pregnancy,
minutes of morning stiffness, a DXA T-score or loss versus the healthy side, a synovial cell count)
unless it is hypothetical or about a relative; :func:`record_person` reads the sex (the first asserted
cue, else the pronouns) and pregnancy or post-partum, and keeps them consistent (a man is not
pregnant; a pregnant patient is a woman).

What it leaves out: finding the numbers (:mod:`.quantities`) and grading them (``criteria.yaml``).
"""
from __future__ import annotations

from . import lexicon as lx

PATHS = {"age": "age", "temperature": "temperature_c", "crp": "labs.crp", "esr": "labs.esr", "wbc": "labs.wbc",
         "vitamin_d": "labs.vitamin_d", "pregnancy_weeks": "pregnancy.weeks", "trimester": "pregnancy.trimester",
         "stiffness_min": "morning_stiffness_minutes"}


def record_quantity(r, q, a: int, sent: tuple[int, int]) -> None:
    notes = r.notes
    f = notes.f
    s, e = a + q.start, a + q.end
    fl = notes.flags(s, e)
    sentence = f[sent[0]:sent[1]]
    m = notes.mention(PATHS.get(q.kind, q.kind), q.value, s, e, fl, q.kind)
    if fl.family or fl.hypothetical:
        notes.ignore(m)
        return
    if q.kind == "age":
        if "age" not in notes.data and not lx.cue("not_current_age").search(f[max(0, s - 12):e + 6]):
            notes.set_case("age", q.value, m)
    elif q.kind in ("crp", "esr", "wbc", "temperature"):
        if q.kind != "esr" or lx.cue("esr_word").search(f[s:e]):
            notes.set_case(PATHS[q.kind], q.value, m, mode="max")
    elif q.kind in ("vitamin_d", "pregnancy_weeks"):
        notes.set_case(PATHS[q.kind], q.value, m)
    elif q.kind == "trimester":
        if lx.cue("pregnancy").search(sentence) or lx.cue("trimester_word").search(f[s:e]):
            notes.set_case("pregnancy.trimester", int(q.value), m)
    elif q.kind == "stiffness_min":
        notes.data["morning_stiffness_minutes"] = q.value  # a stated duration beats "prolonged"
        notes.prov.used.setdefault("morning_stiffness_minutes", []).insert(0, m)
    elif q.kind == "t_score":
        idx = r.tl.ensure()
        m.field = "dxa.t_score"
        r.tl.set(idx, "dxa.t_score", q.value, m)
        hist = "history.osteoporosis" if q.value <= -2.5 else "history.osteopenia" if q.value < -1 else None
        if hist:
            notes.set_case(hist, True, m)
    elif q.kind == "loss_percent":
        idx = r.tl.ensure()
        m.field = "dxa.loss_percent"
        r.tl.set(idx, "dxa.loss_percent", q.value, m)
    elif q.kind == "fluid_cells" and any(k == "fluid" for k, _, _ in lx.modality_matches(sentence)):
        notes.set_case("joint_fluid.wbc_per_mm3", q.value, m)


def record_person(notes) -> None:
    f, data = notes.f, notes.data
    for sex in ("female", "male"):
        for mt in lx.cue(sex).finditer(f):
            fl = notes.flags(mt.start(), mt.end())
            if not fl.family:
                data.setdefault("sex", sex)
                notes.prov.used.setdefault("sex", []).append(notes.mention("sex", sex, mt.start(), mt.end(), fl, "sex"))
                break
        if "sex" in data:
            break
    if "sex" not in data:
        counts = {sex: len(lx.cue(f"pronoun_{sex}").findall(f)) for sex in ("female", "male")}
        if max(counts.values()) > 0 and counts["female"] != counts["male"]:
            data["sex"] = max(counts, key=counts.get)  # type: ignore[arg-type]
    for key, cue in (("pregnant", "pregnancy"), ("postpartum", "postpartum")):
        for mt in lx.cue(cue).finditer(f):
            fl = notes.flags(mt.start(), mt.end())
            m = notes.mention(f"pregnancy.{key}", not fl.negated, mt.start(), mt.end(), fl, key)
            if fl.family or fl.hypothetical:
                notes.ignore(m)
                continue
            notes.set_case(f"pregnancy.{key}", not fl.negated, m)
    preg = data.get("pregnancy")
    if preg:
        if preg.get("postpartum") and preg.get("pregnant") and "weeks" not in preg and "trimester" not in preg:
            preg["pregnant"] = None
        if preg.get("pregnant") is False:
            preg.pop("weeks", None)
            preg.pop("trimester", None)
        if data.get("sex") == "male":
            data.pop("pregnancy")
        elif preg.get("pregnant") or preg.get("postpartum"):
            data["sex"] = "female"
    # onset: an asserted sudden onset wins over a gradual one (set_case keeps the first value)
    if any(m.value == "sudden" for m in notes.prov.used.get("onset", [])):
        data["onset"] = "sudden"
