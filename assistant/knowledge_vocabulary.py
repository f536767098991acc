"""The knowledge base's closed vocabularies, and the labels the interface and the index show for them.

What it does: names the two languages, the sections of the source, the topics a paragraph may
carry, the categories of a fact and the imaging or test modalities, and gives each section,
category and modality its French and English label.

What it leaves out: the records that use these values (:mod:`assistant.knowledge_records`) and
any word a question may use (those are per-language data under ``assistant/lang/``).
"""
from __future__ import annotations

from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

SECTIONS = (
    "title", "front", "summary", "resume", "introduction", "case", "figures", "discussion", "conclusion",
)
TOPICS = (
    "risk_factors", "epidemiology", "sites", "imaging", "labs", "treatment", "course", "migration",
    "differential", "pathophysiology", "histology", "history", "case", "definition", "diagnosis", "prognosis",
    "names",  # the keyword lists: the other names the disease goes by
)
FACT_CATEGORIES = (
    "definition", "risk_factor", "population", "site", "sign", "course", "migration", "treatment",
    "patient_treatment", "differential", "pathophysiology", "histology", "history", "diagnosis",
)
MODALITIES = ("clinical", "mri", "bone_scan", "dxa", "radiograph_ct", "labs", "joint_fluid", "biopsy")

SECTION_LABELS: dict[str, dict[str, str]] = {
    "title": {"fr": "Titre", "en": "Title"},
    "front": {"fr": "Auteurs", "en": "Authors"},
    "summary": {"fr": "Résumé anglais", "en": "Summary"},
    "resume": {"fr": "Résumé", "en": "French abstract"},
    "introduction": {"fr": "Introduction", "en": "Introduction"},
    "case": {"fr": "Histoire clinique", "en": "Clinical history"},
    "figures": {"fr": "Figures", "en": "Figures"},
    "discussion": {"fr": "Discussion", "en": "Discussion"},
    "conclusion": {"fr": "Conclusion", "en": "Conclusion"},
}

# What each fact category is about, in words a question uses; prefixed to fact views so that
# 'how long does it last?' meets 'resolves in 6 to 12 months' through 'course, duration'.
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "definition": {"fr": "Définition", "en": "Definition"},
    "risk_factor": {"fr": "Facteur de risque, cause favorisante", "en": "Risk factor, predisposing cause"},
    "population": {"fr": "Qui est touché, fréquence", "en": "Who is affected, frequency"},
    "site": {"fr": "Localisation, articulations touchées", "en": "Site, joints affected"},
    "sign": {"fr": "Signe, examen, résultat", "en": "Sign, examination, finding"},
    "course": {"fr": "Évolution, durée, pronostic, guérison",
               "en": "Course, duration, prognosis, recovery, healing"},
    "migration": {"fr": "Migration, récidive, autre articulation", "en": "Migration, recurrence, another joint"},
    "treatment": {"fr": "Traitement", "en": "Treatment"},
    "patient_treatment": {"fr": "Traitement reçu par le patient", "en": "Treatment the patient received"},
    "differential": {"fr": "Diagnostic différentiel", "en": "Differential diagnosis"},
    "pathophysiology": {"fr": "Physiopathologie, cause, mécanisme", "en": "Pathophysiology, cause, mechanism"},
    "histology": {"fr": "Histologie", "en": "Histology"},
    "history": {"fr": "Histoire, première description", "en": "History, first description"},
    "diagnosis": {"fr": "Diagnostic", "en": "Diagnosis"},
}
MODALITY_LABELS: dict[str, dict[str, str]] = {
    "clinical": {"fr": "Clinique", "en": "Clinical"},
    "mri": {"fr": "IRM", "en": "MRI"},
    "bone_scan": {"fr": "Scintigraphie osseuse", "en": "Bone scan"},
    "dxa": {"fr": "Ostéodensitométrie (DXA)", "en": "Bone densitometry (DXA)"},
    "radiograph_ct": {"fr": "Radiographie / scanner", "en": "Radiograph / CT"},
    "labs": {"fr": "Biologie", "en": "Laboratory tests"},
    "joint_fluid": {"fr": "Liquide articulaire", "en": "Joint fluid"},
    "biopsy": {"fr": "Biopsie", "en": "Biopsy"},
}
