"""The app's interface strings in French and English, and the example inputs.

What it does: one table ``T[key][lang]`` for every label the interface shows, the example
questions (both languages) and the free-text vignettes offered as examples. No gradio here.
What it leaves out: answers and reports, which come in the language of the question or case.
"""
from __future__ import annotations

LANGS = ("fr", "en")

T: dict[str, dict[str, str]] = {
    "title": {"fr": "Ostéoporose transitoire migrante — assistant", "en": "Transient migratory osteoporosis — assistant"},
    "subtitle": {
        "fr": "Questions et vérification de cas à partir d'un seul rapport de cas (Rev Med Liège), en français ou en anglais.",
        "en": "Questions and case checks grounded in one case report (Rev Med Liège), in French or English.",
    },
    "disclaimer": {"fr": "Aide pédagogique, pas un diagnostic", "en": "Educational aid, not a diagnosis"},
    "disclaimer_both": {"fr": "Educational aid, not a diagnosis / Aide pédagogique, pas un diagnostic",
                        "en": "Educational aid, not a diagnosis / Aide pédagogique, pas un diagnostic"},
    "privacy": {
        "fr": "Rien de ce que vous tapez n'est enregistré ni envoyé ; l'avis (pouce levé / baissé) n'est sauvegardé, localement, que si vous l'activez.",
        "en": "Nothing you type is stored or sent anywhere; feedback (thumbs up / down) is saved locally only if you turn it on.",
    },
    "lang": {"fr": "Langue / Language", "en": "Langue / Language"},
    # tabs
    "tab_chat": {"fr": "Questions", "en": "Chat"},
    "tab_check": {"fr": "Vérifier un cas", "en": "Case checker"},
    "tab_timeline": {"fr": "Chronologie", "en": "Timeline"},
    "tab_sources": {"fr": "Sources", "en": "Sources"},
    # chat
    "chatbot": {"fr": "Conversation", "en": "Conversation"},
    "placeholder": {"fr": "Posez une question en français ou en anglais…", "en": "Ask a question in French or English…"},
    "chat_hint": {
        "fr": "La réponse suit la langue de la question. Les questions de suivi (« Et le traitement ? ») reprennent le fil.",
        "en": "The answer follows the question's language. Follow-ups (\"And the treatment?\") keep the thread.",
    },
    "sources_title": {"fr": "Sources", "en": "Sources"},
    "open_source": {"fr": "Ouvrir dans l'onglet Sources", "en": "Open in the Sources tab"},
    "not_covered": {"fr": "Non couvert par la source", "en": "Not covered by the source"},
    "error_generic": {
        "fr": "Désolé, une erreur est survenue. Reformulez la question ou réessayez.",
        "en": "Sorry, something went wrong. Rephrase the question or try again.",
    },
    "clear": {"fr": "Effacer", "en": "Clear"},
    # feedback
    "fb_title": {"fr": "Votre avis (facultatif)", "en": "Feedback (optional)"},
    "fb_enable": {"fr": "Enregistrer mon avis (fichier local)", "en": "Save my feedback (local file)"},
    "fb_include": {"fr": "Inclure la question et la réponse", "en": "Include the question and the answer"},
    "fb_comment": {"fr": "Commentaire (facultatif)", "en": "Comment (optional)"},
    "fb_up": {"fr": "✓ Utile", "en": "✓ Helpful"},
    "fb_down": {"fr": "✗ Pas utile", "en": "✗ Not helpful"},
    "fb_off": {"fr": "L'avis n'est pas enregistré (option désactivée).",
               "en": "Feedback not saved (saving is turned off)."},
    "fb_unavailable": {"fr": "L'enregistrement des avis n'est pas configuré (lancez `tmo chat --feedback FICHIER`).",
                       "en": "Feedback saving is not configured (start with `tmo chat --feedback FILE`)."},
    "fb_saved": {"fr": "Merci, avis enregistré.", "en": "Thank you, feedback saved."},
    "fb_failed": {"fr": "Impossible d'enregistrer l'avis : {err}", "en": "Could not save the feedback: {err}"},
    "fb_nothing": {"fr": "Posez d'abord une question.", "en": "Ask a question first."},
    # checker
    "free_text": {"fr": "Texte libre (observation, FR ou EN)", "en": "Free text (case notes, FR or EN)"},
    "free_text_ph": {"fr": "Homme de 50 ans, douleur brutale du genou droit sans traumatisme…",
                     "en": "A 50-year-old man with sudden right knee pain, no trauma…"},
    "check_text": {"fr": "Vérifier le texte", "en": "Check the text"},
    "check_form": {"fr": "Vérifier le formulaire", "en": "Check the form"},
    "load_sample": {"fr": "Exemple : le patient du rapport", "en": "Example: the report's patient"},
    "clear_form": {"fr": "Vider le formulaire", "en": "Clear the form"},
    "mode_text": {"fr": "Texte libre", "en": "Free text"},
    "mode_form": {"fr": "Formulaire", "en": "Form"},
    "vignettes": {"fr": "Exemples de vignettes", "en": "Example vignettes"},
    "result": {"fr": "Résultat", "en": "Result"},
    "result_json": {"fr": "Rapport JSON", "en": "JSON report"},
    "case_course": {"fr": "Évolution du cas vérifié", "en": "Course of the checked case"},
    "no_result": {"fr": "Le résultat s'affichera ici.", "en": "The result will appear here."},
    "empty_case": {"fr": "Rien à vérifier : écrivez un texte ou remplissez le formulaire.",
                   "en": "Nothing to check: write some text or fill in the form."},
    "case_error": {"fr": "Le cas ne peut pas être lu : {err}", "en": "The case cannot be read: {err}"},
    "grp_patient": {"fr": "Patient et tableau clinique", "en": "Patient and presentation"},
    "grp_flags": {"fr": "Signes d'alerte", "en": "Red flags"},
    "grp_labs": {"fr": "Biologie", "en": "Laboratory tests"},
    "grp_history": {"fr": "Antécédents et expositions", "en": "History and exposures"},
    "grp_episodes": {"fr": "Épisodes (un par ligne, du plus ancien au plus récent)",
                     "en": "Episodes (one per row, oldest first)"},
    "episodes_help": {
        "fr": ("Articulation : hip/knee/ankle/foot… (ou hanche, genou…) ; côté : right/left (droit/gauche) ; "
               "sites séparés par des virgules (medial_femoral_condyle…) ; oui/non ou yes/no ; dates AAAA-MM-JJ."),
        "en": ("Joint: hip/knee/ankle/foot…; side: right/left; sites comma-separated (medial_femoral_condyle…); "
               "yes/no; dates YYYY-MM-DD."),
    },
    "f_age": {"fr": "Âge (ans)", "en": "Age (years)"},
    "f_sex": {"fr": "Sexe", "en": "Sex"},
    "f_onset": {"fr": "Début de la douleur", "en": "Pain onset"},
    "f_trauma": {"fr": "Traumatisme préalable", "en": "Preceding trauma"},
    "f_pregnancy": {"fr": "Grossesse ou post-partum", "en": "Pregnancy or postpartum"},
    "f_rhythm": {"fr": "Rythme de la douleur", "en": "Pain rhythm"},
    "f_impairment": {"fr": "Impotence fonctionnelle", "en": "Functional impairment"},
    "f_effusion": {"fr": "Épanchement", "en": "Effusion"},
    "f_warm": {"fr": "Articulation chaude, rouge, gonflée", "en": "Hot, red, swollen joint"},
    "f_fever": {"fr": "Fièvre", "en": "Fever"},
    "f_temp": {"fr": "Température max (°C)", "en": "Highest temperature (°C)"},
    "f_night": {"fr": "Douleur nocturne progressive", "en": "Progressive night pain"},
    "f_weight_loss": {"fr": "Amaigrissement", "en": "Weight loss"},
    "f_poly": {"fr": "Plusieurs articulations inflammatoires", "en": "Several inflamed joints"},
    "f_crp": {"fr": "CRP (mg/L)", "en": "CRP (mg/L)"},
    "f_esr": {"fr": "VS (mm/h)", "en": "ESR (mm/h)"},
    "f_wbc": {"fr": "Leucocytes (G/L)", "en": "White cells (G/L)"},
    "f_inflam": {"fr": "Syndrome inflammatoire", "en": "Inflammatory syndrome"},
    "f_steroids": {"fr": "Corticoïdes", "en": "Corticosteroids"},
    "f_alcohol": {"fr": "Alcool (consommation importante)", "en": "Heavy alcohol use"},
    "f_smoking": {"fr": "Tabac", "en": "Smoking"},
    "f_osteopenia": {"fr": "Ostéopénie / ostéoporose connue", "en": "Known osteopenia / osteoporosis"},
    "f_cancer": {"fr": "Antécédent de cancer", "en": "History of cancer"},
    "f_episodes": {"fr": "Épisodes", "en": "Episodes"},
    "unknown": {"fr": "inconnu", "en": "unknown"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    "male": {"fr": "homme", "en": "male"},
    "female": {"fr": "femme", "en": "female"},
    "sudden": {"fr": "brutal", "en": "sudden"},
    "gradual": {"fr": "progressif", "en": "gradual"},
    "mechanical": {"fr": "mécanique", "en": "mechanical"},
    "inflammatory": {"fr": "inflammatoire", "en": "inflammatory"},
    # report
    "verdict": {"fr": "Verdict", "en": "Verdict"},
    "urgent": {"fr": "URGENT : une infection doit être éliminée sans délai (ponction, hémocultures, avis).",
               "en": "URGENT: infection must be ruled out without delay (aspiration, blood cultures, referral)."},
    "differentials": {"fr": "Diagnostics différentiels signalés", "en": "Differentials flagged"},
    "no_differentials": {"fr": "Aucun signe d'alerte relevé.", "en": "No red flag found."},
    "criteria": {"fr": "Critères", "en": "Criteria"},
    "criterion": {"fr": "Critère", "en": "Criterion"},
    "status": {"fr": "Statut", "en": "Status"},
    "evidence": {"fr": "Éléments", "en": "Evidence"},
    "sources": {"fr": "Sources", "en": "Sources"},
    "met": {"fr": "rempli", "en": "met"},
    "not_met": {"fr": "non rempli", "en": "not met"},
    "st_unknown": {"fr": "inconnu", "en": "unknown"},
    "red_flags": {"fr": "Signes d'alerte vérifiés", "en": "Red flags checked"},
    "unknowns": {"fr": "Inconnues décisives (à demander ou prescrire)", "en": "Decisive unknowns (ask or order next)"},
    "if_met": {"fr": "si oui", "en": "if yes"},
    "if_not_met": {"fr": "si non", "en": "if no"},
    "migratory": {"fr": "Évolution migratrice", "en": "Migratory course"},
    "cautions": {"fr": "Prudence (signes isolés, pas un veto)", "en": "Cautions (isolated signs, not a veto)"},
    "score": {"fr": "Score heuristique", "en": "Heuristic score"},
    "negated": {"fr": "nié", "en": "negated"},
    "hypothetical": {"fr": "hypothèse", "en": "hypothetical"},
    "family": {"fr": "famille", "en": "family"},
    "history": {"fr": "antécédent", "en": "history"},
    "ignored": {"fr": "ignoré", "en": "ignored"},
    # timeline
    "tl_title": {"fr": "Évolution du patient du rapport (M. CM)", "en": "Course of the report's patient (Mr CM)"},
    "tl_case_title": {"fr": "Évolution du cas vérifié", "en": "Course of the checked case"},
    "tl_intro": {
        "fr": "Chaque barre est un épisode douloureux (genou et côté, sites atteints) ; les symboles marquent l'imagerie, "
              "la biologie, les traitements et la résolution. La migration se lit de gauche à droite.",
        "en": "Each bar is a painful episode (knee and side, sites involved); symbols mark imaging, labs, treatments "
              "and resolution. Migration reads from left to right.",
    },
    "tl_case_none": {"fr": "Vérifiez un cas avec des épisodes (onglet « Vérifier un cas ») pour voir son évolution ici.",
                     "en": "Check a case with episodes (Case checker tab) to see its course here."},
    "tl_table": {"fr": "Événements (détail)", "en": "Events (details)"},
    "date": {"fr": "Date", "en": "Date"},
    "knee": {"fr": "Genou", "en": "Knee"},
    "episode": {"fr": "Épisode", "en": "Episode"},
    "site": {"fr": "Site", "en": "Site"},
    "event": {"fr": "Événement", "en": "Event"},
    # sources
    "search": {"fr": "Rechercher dans la source (mot, expression ou identifiant de paragraphe)",
               "en": "Search the source (word, phrase or paragraph id)"},
    "search_ph": {"fr": "ex. calcitonine, IRM, disc-5", "en": "e.g. calcitonin, MRI, disc-5"},
    "n_paragraphs": {"fr": "{n} paragraphe(s) sur {total}", "en": "{n} of {total} paragraph(s)"},
    "section": {"fr": "Section", "en": "Section"},
    "french": {"fr": "Français", "en": "French"},
    "english": {"fr": "Anglais", "en": "English"},
}

ANSWER_T = {  # in the answer's language (it follows the question, not the interface)
    "sources": {"fr": "Sources", "en": "Sources"},
    "open": {"fr": "Ouvrir le paragraphe dans l'onglet Sources", "en": "Open the paragraph in the Sources tab"},
    "not_covered": {"fr": "Non couvert par la source", "en": "Not covered by the source"},
    "score": {"fr": "score", "en": "score"},
}


def t(key: str, lang: str, **fmt) -> str:
    """The interface string ``key`` in ``lang`` ('fr' or 'en'; anything else reads as English)."""
    s = T[key]["fr" if lang == "fr" else "en"]
    return s.format(**fmt) if fmt else s


EXAMPLE_QUESTIONS = [
    "Quels sont les facteurs de risque ?",
    "Que montre l'IRM ?",
    "Quel traitement a reçu le patient ?",
    "What are the differential diagnoses?",
    "How long does the disease last?",
    "Which joints can be affected?",
]

EXAMPLE_VIGNETTES = [
    ("Homme de 57 ans. En janvier 2020, gonalgie droite brutale sans traumatisme. IRM : œdème médullaire du condyle "
     "fémoral interne droit. CRP normale. Décharge. Quatre mois plus tard, nouvelle douleur, cette fois latérale ; "
     "l'IRM montre un œdème du plateau tibial externe du même genou alors que l'anomalie du condyle interne a "
     "complètement disparu. À un an, le patient est indolore et l'IRM est normale."),
    ("A 70-year-old man presented with a hot, red, swollen left knee for two days and a temperature of 38.9 °C. "
     "CRP was 180 mg/L and the white count 16.2 x10^9/L. Aspiration yielded cloudy fluid. MRI showed bone marrow "
     "edema of the lateral femoral condyle."),
    ("A 51-year-old man presented with a two-week history of right knee pain that began abruptly while walking, with "
     "no injury. The knee was not warm; there was a small effusion. CRP 3 mg/L. MRI showed ill-defined bone marrow "
     "edema of the medial femoral condyle, low signal on T1 and high signal on STIR, without a fracture line."),
    ("Femme de 39 ans, asthme sévère sous prednisone au long cours (10 mg/j depuis 4 ans). Coxalgie gauche "
     "d'apparition brutale. IRM : œdème de la tête fémorale et bande de démarcation serpigineuse en hyposignal T1, "
     "avec aspect de double liseré en T2."),
]

# The report's patient as a structured case (the same as evals/vignettes.jsonl "seed-patient").
SAMPLE_CASE = {
    "age": 54, "sex": "male", "onset": "sudden", "trauma": False, "pain_rhythm": "mechanical",
    "functional_impairment": True, "effusion": True, "warm_swollen_joint": False,
    "labs": {"inflammatory_syndrome": False}, "history": {"osteopenia": True},
    "episodes": [
        {"date": "2018-02-08", "joint": "knee", "side": "right", "sites": ["medial_femoral_condyle"],
         "bone_scan": {"date": "2018-02-08", "uptake": "increased"},
         "mri": {"date": "2018-03-09", "bone_marrow_edema": True},
         "treatment": ["offloading", "calcium + vitamin D"],
         "resolution": {"mri": True, "date": "2018-06-09"}},
        {"date": "2018-05-16", "joint": "knee", "side": "right",
         "sites": ["lateral_femoral_condyle", "medial_tibial_plateau"],
         "bone_scan": {"date": "2018-05-16", "uptake": "increased"},
         "mri": {"date": "2018-06-09", "bone_marrow_edema": True},
         "treatment": ["offloading", "calcitonin"],
         "resolution": {"clinical": True, "mri": True, "date": "2018-11-09"}},
        {"date": "2019-05-07", "joint": "knee", "side": "left", "sites": ["medial_femoral_condyle"],
         "mri": {"date": "2019-05-07", "bone_marrow_edema": True},
         "treatment": ["offloading", "alendronate"], "resolution": {"clinical": True}},
    ],
}
