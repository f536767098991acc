"""Every source a criterion cites must say what the criterion rests on.

A seed paragraph is held to a keyword in BOTH its French and its English text; a literature
reference is held to a keyword in the CLINICAL.md passage that names it (the bullet that names it,
or, for the two general reviews, the red-flag section). A criterion or a citation missing from the
table fails: adding a citation means saying which words of the source support it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.checker.criteria import load_criteria
from assistant.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[1]
CLINICAL = ROOT.parent / "shared" / "CLINICAL.md"
GENERAL = ("Grøvle et al., Osteoporos Int 2024", "Maisi et al., review of transient hip osteoporosis")
DIFF_FR = {"on": r"ost[ée]on[ée]crose", "sif": r"fractures? (?:par insuffisance|sous-chondrale)",
           "contusion": r"contusions? osseuses?", "infection": r"infectieuses", "osteitis": r"ost[ée]ite",
           "inflammatory": r"arthropathies inflammatoires", "tumour": r"tumeurs osseuses", "oa": r"arthrose|d[ée]g[ée]n[ée]rative",
           "crps": r"syndrome (?:douloureux r[ée]gional|r[ée]gional douloureux) complexe de type 1"}
DIFF_EN = {"on": r"osteonecrosis", "sif": r"insufficiency fractures|subchondral fractures?", "contusion": r"bone contusions?",
           "infection": r"infectious", "osteitis": r"osteitis", "inflammatory": r"inflammatory or infectious arthropathies",
           "tumour": r"bone tumours", "oa": r"osteoarthritis|degenerative", "crps": r"complex regional pain syndrome type 1"}


def D(key: str) -> tuple[str, str]:
    """The paragraph supports a red flag by naming the differential it points to."""
    return DIFF_FR[key], DIFF_EN[key]


# (criterion or differential id, source) -> (French keyword, English keyword) or, for a reference, one keyword.
SUPPORT: dict[tuple[str, str], tuple[str, str] | str] = {
    ("weight_bearing_joint", "intro-1"): ("articulations portantes des membres inf[ée]rieurs", "weight-bearing joints of the lower limbs"),
    ("weight_bearing_joint", "disc-1"): ("membres inf[ée]rieurs", "lower limbs"),
    ("weight_bearing_joint", "concl-1"): ("articulations portantes", "weight-bearing joints"),
    ("sudden_onset", "case-1"): ("apparition brutale", "sudden onset"),
    ("sudden_onset", "disc-1"): ("survenue brutale", "sudden onset"),
    ("sudden_onset", "concl-1"): ("apparition brutale", "sudden onset"),
    ("no_trauma", "case-1"): ("sans facteur traumatique", "no recognised traumatic factor"),
    ("no_trauma", "disc-1"): ("en-dehors de tout traumatisme", "absence of any trauma"),
    ("mri_bone_marrow_edema", "disc-5"): ("œdème épiphysaire à l'IRM", "Epiphyseal edema on MRI"),
    ("mri_bone_marrow_edema", "case-2"): ("IRM démontrant la présence d'un œdème épiphysaire", "MRI showing subchondral epiphyseal edema"),
    ("mri_bone_marrow_edema", "fig-2"): ("T2 saturation des graisses : œdème épiphysaire", "T2 fat-saturated slice: epiphyseal edema"),
    ("documented_resolution", "concl-2"): ("contrôle par IRM .* résolution complète sans séquelles", "follow-up MRI .* complete resolution without sequelae"),
    ("documented_resolution", "disc-4"): ("évolution clinique.* régression des anomalies", "clinical course.* regression of the abnormalities"),
    ("documented_resolution", "disc-1"): ("résolutive sans séquelles.* 6 à 12 mois", "resolves without sequelae.* 6 to 12 months"),
    ("documented_resolution", "fig-5"): ("résolution complète", "complete resolution"),
    ("documented_resolution", "case-6"): ("restitution ad integrum", "complete recovery"),
    ("mechanical_pain", "disc-1"): ("rythme mécanique", "mechanical rhythm"),
    ("mechanical_pain", "concl-1"): ("arthralgie mécanique", "mechanical arthralgia"),
    ("functional_impairment", "case-1"): ("impotence fonctionnelle", "functional impairment"),
    ("functional_impairment", "concl-1"): ("impotence fonctionnelle marquée", "marked functional impairment"),
    ("joint_effusion", "case-1"): ("épanchement intra-articulaire modéré", "moderate joint effusion"),
    ("joint_effusion", "disc-5"): ("épanchement intra-articulaire", "joint effusion"),
    ("no_inflammatory_syndrome", "case-3"): ("indemne de syndrome inflammatoire ou infectieux", "no inflammatory or infectious syndrome"),
    ("bone_scan_uptake", "disc-4"): ("hyperfixation scintigraphique est présente aux temps précoces et tardifs", "early and late phases"),
    ("bone_scan_uptake", "fig-1"): ("Scintigraphie osseuse .* hyperfixation", "Bone scan .* increased uptake"),
    ("bone_scan_uptake", "case-2"): ("scintigraphie.* remaniements ostéoblastiques", "bone scan.* osteoblastic remodelling"),
    ("dxa_focal_osteoporosis", "disc-4"): ("ostéoporose focale avec une différence par rapport au côté sain", "focal osteoporosis with a difference from the healthy side"),
    ("radiograph_unremarkable", "disc-5"): ("sans traduction radiographique", "no radiographic"),
    ("ill_defined_edema", "disc-5"): ("flous, mal délimités", "blurred and ill-defined"),
    ("typical_patient", "disc-1"): ("hommes d'âge moyen ou chez la femme au troisième trimestre", "middle-aged men or in women in the third trimester"),
    ("risk_factors", "disc-1"): ("facteurs de risque", "risk factors"),
    ("migratory_course", "disc-3"): ("atteinte migratrice", "Migratory involvement"),
    ("migratory_course", "concl-1"): ("atteint successivement plusieurs sites", "successively involves several sites"),
    ("migratory_course", "case-5"): ("ostéoporose focale transitoire migrante", "migrating transient focal osteoporosis"),
    ("migratory_course", "case-6"): ("genou controlatéral", "contralateral knee"),
    ("rf_osteonecrosis_risk", "disc-8"): D("on"),
    ("rf_osteonecrosis_imaging", "disc-8"): D("on"),
    ("rf_osteonecrosis_imaging", "disc-9"): D("on"),
    ("rf_cold_spot", "disc-8"): D("on"),
    ("rf_sif_subchondral_line", "disc-8"): D("sif"),
    ("rf_fracture", "disc-8"): D("sif"),
    ("rf_fracture", "disc-9"): D("sif"),
    ("rf_trauma", "disc-1"): ("en-dehors de tout traumatisme", "absence of any trauma"),
    ("rf_trauma", "disc-8"): D("contusion"),
    ("rf_trauma", "disc-5"): D("contusion"),
    ("rf_contusion_pattern", "disc-8"): D("contusion"),
    ("rf_contusion_pattern", "disc-5"): D("contusion"),
    ("rf_ligament_tear", "disc-8"): D("contusion"),
    ("rf_fever", "disc-8"): D("infection"),
    ("rf_hot_swollen_joint", "disc-8"): D("infection"),
    ("rf_crp_raised", "disc-8"): D("infection"),
    ("rf_septic_fluid", "disc-8"): D("infection"),
    ("rf_synovitis", "disc-8"): D("inflammatory"),
    ("rf_skin_breach", "disc-8"): D("osteitis"),
    ("rf_osteitis_imaging", "disc-8"): D("osteitis"),
    ("rf_cortical_destruction", "disc-8"): D("osteitis"),
    ("rf_polyarthritis", "disc-8"): D("inflammatory"),
    ("rf_inflammatory_rhythm", "disc-1"): ("rythme mécanique", "mechanical rhythm"),
    ("rf_inflammatory_rhythm", "disc-8"): D("inflammatory"),
    ("rf_known_cancer", "disc-8"): D("tumour"),
    ("rf_tumour_imaging", "disc-8"): D("tumour"),
    ("rf_oa_imaging", "disc-8"): D("oa"),
    ("rf_oa_imaging", "disc-5"): D("oa"),
    # literature: a keyword of the CLINICAL.md passage that names the reference
    ("rf_osteonecrosis_risk", "Grøvle et al., Osteoporos Int 2024"): "corticosteroids, alcohol, sickle cell",
    ("rf_osteonecrosis_imaging", "Grøvle et al., Osteoporos Int 2024"): "double-line sign",
    ("rf_cold_spot", "Grøvle et al., Osteoporos Int 2024"): "cold spot",
    ("rf_sif_subchondral_line", "Lecouvet et al., AJR 1998"): "thicker than 4 mm or longer than 14 mm",
    ("rf_fracture", "Lecouvet et al., AJR 1998"): "insufficiency fracture",
    ("rf_meniscus", "Robertson et al., J Bone Joint Surg Br 2009"): "meniscal root tear or prior meniscectomy",
    ("rf_meniscus", "Yamamoto & Bullough, J Bone Joint Surg Am 2000"): "insufficiency fracture",
    ("rf_thin_subchondral_line", "Lecouvet et al., AJR 1998"): "thin subchondral line alone",
    ("rf_thin_subchondral_line", "Grøvle et al., Osteoporos Int 2024"): "thin subchondral line",
    ("rf_older_age", "Lecouvet et al., AJR 1998"): "older patient",
    ("rf_older_age", "Roemer et al., Osteoarthritis Cartilage 2009"): "older age",
    ("rf_osteoporotic_woman", "Lecouvet et al., AJR 1998"): "a woman with osteoporosis",
    ("rf_contusion_pattern", "Grøvle et al., Osteoporos Int 2024"): "pivot shift",
    ("rf_ligament_tear", "Grøvle et al., Osteoporos Int 2024"): "ligament or meniscal tear",
    ("rf_meniscal_tear", "Grøvle et al., Osteoporos Int 2024"): "ligament or meniscal tear",
    ("rf_fever", "Grøvle et al., Osteoporos Int 2024"): "fever",
    ("rf_hot_swollen_joint", "Grøvle et al., Osteoporos Int 2024"): "hot swollen joint",
    ("rf_crp_raised", "Grøvle et al., Osteoporos Int 2024"): "raised CRP",
    ("rf_wbc_raised", "Grøvle et al., Osteoporos Int 2024"): "white count",
    ("rf_septic_fluid", "Grøvle et al., Osteoporos Int 2024"): "turbid or purulent aspirate",
    ("rf_synovitis", "Grøvle et al., Osteoporos Int 2024"): "synovial enhancement",
    ("rf_erosions", "Grøvle et al., Osteoporos Int 2024"): "erosions",
    ("rf_skin_breach", "Grøvle et al., Osteoporos Int 2024"): "wound, ulcer or sinus tract",
    ("rf_osteitis_imaging", "Grøvle et al., Osteoporos Int 2024"): "confluent T1 marrow replacement",
    ("rf_cortical_destruction", "Grøvle et al., Osteoporos Int 2024"): "cortical destruction",
    ("rf_polyarthritis", "Grøvle et al., Osteoporos Int 2024"): "several joints",
    ("rf_morning_stiffness", "Grøvle et al., Osteoporos Int 2024"): "long morning stiffness",
    ("rf_serology_crystals", "Grøvle et al., Osteoporos Int 2024"): "positive RF/anti-CCP, crystals",
    ("rf_night_pain", "Grøvle et al., Osteoporos Int 2024"): "night or rest pain",
    ("rf_weight_loss", "Grøvle et al., Osteoporos Int 2024"): "weight loss",
    ("rf_known_cancer", "Grøvle et al., Osteoporos Int 2024"): "known cancer",
    ("rf_tumour_imaging", "Grøvle et al., Osteoporos Int 2024"): "periosteal reaction",
    ("rf_immobilisation", "Harden et al., Pain 2010"): "immobilisation (cast, fracture)",
    ("rf_allodynia", "Harden et al., Pain 2010"): "allodynia",
    ("rf_vasomotor", "Harden et al., Pain 2010"): "vasomotor",
    ("rf_sudomotor", "Harden et al., Pain 2010"): "sudomotor",
    ("rf_trophic", "Harden et al., Pain 2010"): "trophic",
    ("rf_chronic_pain", "Roemer et al., Osteoarthritis Cartilage 2009"): "chronic progressive mechanical pain",
    ("rf_oa_imaging", "Roemer et al., Osteoarthritis Cartilage 2009"): "osteophytes",
    # differentials: the paragraph names the differential
    ("osteonecrosis", "disc-8"): D("on"), ("osteonecrosis", "disc-5"): D("on"), ("osteonecrosis", "disc-9"): D("on"),
    ("subchondral_insufficiency_fracture", "disc-8"): D("sif"), ("subchondral_insufficiency_fracture", "disc-5"): D("sif"),
    ("subchondral_insufficiency_fracture", "Lecouvet et al., AJR 1998"): "subchondral",
    ("bone_contusion", "disc-8"): D("contusion"), ("bone_contusion", "disc-5"): D("contusion"),
    ("septic_arthritis", "disc-8"): D("infection"), ("osteitis", "disc-8"): D("osteitis"),
    ("inflammatory_arthritis", "disc-8"): D("inflammatory"), ("bone_tumour", "disc-8"): D("tumour"),
    ("osteoarthritis", "disc-8"): D("oa"), ("osteoarthritis", "disc-5"): D("oa"),
    ("osteoarthritis", "Roemer et al., Osteoarthritis Cartilage 2009"): "osteoarthritis",
    ("crps1", "disc-5"): D("crps"), ("crps1", "disc-6"): D("crps"), ("crps1", "disc-9"): D("crps"),
    ("crps1", "Harden et al., Pain 2010"): "Budapest criteria",
}


def _citations() -> list[tuple[str, str]]:
    cs = load_criteria()
    items = list(cs.criteria) + list(cs.differentials.values())
    return [(item.id, s) for item in items for s in item.sources]


def _passage(ref: str, text: str) -> str:
    """The CLINICAL.md passage a reference vouches for: its bullet, or the red-flag section for a review."""
    if ref in GENERAL:
        return text.split("## Red flags by differential", 1)[1].split("\n## ", 1)[0]
    name = ref.split(",")[0]
    bullets = re.split(r"\n(?=- )", text)
    hits = [b for b in bullets if name in b]
    assert hits, f"{ref!r} is named nowhere in CLINICAL.md"
    return "\n".join(hits)


@pytest.mark.parametrize("item, source", _citations())
def test_each_citation_supports_its_criterion(item, source):
    assert (item, source) in SUPPORT, (
        f"{item} cites {source}: add to SUPPORT the words of {source} the criterion rests on")
    want = SUPPORT[(item, source)]
    cs = load_criteria()
    if source in cs.references:
        assert isinstance(want, str)
        if not CLINICAL.is_file():
            pytest.skip("../shared/CLINICAL.md is not present")
        passage = " ".join(_passage(source, CLINICAL.read_text(encoding="utf-8")).split())
        assert want.lower() in passage.lower(), f"{source} (CLINICAL.md) does not say {want!r} for {item}"
        return
    kb = load_knowledge()
    para = next(p for p in kb.paragraphs if p.id == source)
    fr, en = want
    assert re.search(fr, para.fr, re.I | re.S), f"{source} (fr) does not say /{fr}/ for {item}"
    assert re.search(en, para.en, re.I | re.S), f"{source} (en) does not say /{en}/ for {item}"


def test_the_table_holds_no_stale_citation():
    assert set(SUPPORT) <= set(_citations()), sorted(set(SUPPORT) - set(_citations()))


@pytest.mark.parametrize("item, source", [
    ("dxa_focal_osteoporosis", "case-3"),     # the patient's general osteopenia, not a focal deficit
    ("rf_synovitis", "disc-7"),               # argues against the inflammatory hypothesis
    ("rf_hot_swollen_joint", "case-1"),       # records the absence of warmth
    ("rf_meniscus", "disc-8"),                # never names the meniscus
    ("rf_meniscus", "Lecouvet et al., AJR 1998"),
])
def test_known_wrong_citations_stay_out(item, source):
    assert (item, source) not in _citations()
