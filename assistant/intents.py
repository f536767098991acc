"""What a question asks about: bilingual cue lists mapped to intents and retrieval topics.

What it does: matches folded word prefixes and phrases of French and English cues (lay and
clinical wording, common abbreviations) to intents such as ``risk_factors`` or
``imaging_mri``, so retrieval can prefer passages of that topic and the answer can pick the
matching structured facts. Cues are prefixes of folded words, so 'scintigraphie',
'scintigraphique' and 'scinti' all hit ``scinti``; they tolerate a missing last letter.

What it leaves out: any learned model; cues are data below, easy to extend.
"""
from __future__ import annotations

from dataclasses import dataclass

from .text import STOPWORDS, fold, names_topic, strip_topic_name, words

# intent -> cue prefixes (single folded words) and phrases (folded, space separated).
CUES: dict[str, tuple[str, ...]] = {
    "risk_factors": ("facteur de risque", "facteurs de risque", "risk factor", "risque", "risk", "predispos",
                     "favoris", "tabac", "smok", "tobacco", "cigaret", "surcharge", "overload", "osteopeni",
                     "prone", "susceptib", "who is at risk"),
    "population": ("qui est touche", "qui touche", "who gets", "who is affected", "who does it affect",
                   "who typically", "who usually", "who tends", "qui fait", "typiquement touche", "quel patient",
                   "attrap", "catch", "quel genre de personnes", "kind of people", "qui peut avoir", "who can get",
                   "quels patients", "what kind of patient", "which patients", "profil", "terrain",
                   "touche-t-elle", "homme", "men", "male", "femme", "women", "woman", "female", "enceinte",
                   "pregnan", "grossesse", "trimest", "age moyen", "middle-aged", "middle aged", "frequen",
                   "incidence", "epidemio", "rare", "common", "population", "sexe", "sex", "sous-estim",
                   "underestim", "meconn", "unrecogn", "underdiagn", "sous-diagn", "under-diagn"),
    "sites": ("articulation", "joint", "site", "localis", "location", "where", "ou se", "quelle zone",
              "which part", "condyle", "hanche", "hip", "cheville", "ankle", "pied", "feet", "foot", "main",
              "hand", "sacr", "bilateral", "bilaterale", "patella", "rotule", "fibula", "perone", "plateau",
              "epiphys", "membres superieurs", "upper limb", "vascularis"),
    "imaging_mri": ("irm", "mri", "resonance", "t1", "t2", "stir", "gadolin", "saturation", "fat-sat",
                    "fat sat", "hypersignal", "hyposignal", "signal", "sequence", "contrast", "rehauss", "enhanc"),
    "imaging_bone_scan": ("scinti", "bone scan", "scan osseu", "uptake", "hyperfix", "fixation", "technetium",
                          "nuclear", "isotop", "tracer", "hot spot"),
    "imaging_dxa": ("dxa", "dexa", "densit", "absorptiom", "bmd", "dmo", "mineral", "densitometr"),
    "imaging_radiograph": ("radio", "x-ray", "xray", "x ray", "rx", "scanner", "ct", "tomodensit", "tdm",
                           "plain film", "cliche"),
    "imaging": ("imagerie", "imaging", "iconograph", "examen complementaire", "investigation", "work-up",
                "bilan", "signe", "sign", "show", "montre", "exam"),
    "labs": ("biolog", "lab", "crp", "sang", "blood", "sanguin", "infectieu", "syndrome inflam", "bilan inflam",
             "signes inflam", "marqueurs inflam", "inflammatory marker", "inflammatory syndrome",
             "vitamin", "hypovitamin", "26,1", "26.1", "ng/ml"),
    "fluid_biopsy": ("ponction", "aspirat", "liquide", "fluid", "biops", "synovi", "arthrocent", "tap"),
    "treatment": ("trait", "treat", "therap", "medic", "medicament", "drug", "manag", "prise en charge", "soign",
                  "bisphos", "calciton", "iloprost", "alendron", "pamidron", "cortic", "steroid", "cortison",
                  "decharg", "offload", "unload", "non-weight", "weight-bearing", "weight bearing", "bequill",
                  "crutch", "antalg", "analges", "painkill", "antidoul", "anti-inflam", "ains", "nsaid",
                  "nabumet", "tramadol", "paracetam", "calcium", "forage", "drill", "tx", "rx", "tt", "ttt", "cure",
                  "heal",
                  "soulag", "relief", "prescri", "took", "recu", "given", "donne", "administr",
                  # a patient asking what to do asks for management
                  "should i", "dois-je", "est-ce que je dois", "do i need to", "do i have to", "what can i do",
                  "que faire", "que dois-je faire", "weight off", "appuyer", "bear weight", "avoid", "eviter"),
    "dose": ("dose", "posolog", "dosage", "mg", "combien de mg", "how much", "how many mg", "ui", "iu",
             "quantite", "amount"),
    "duration": ("combien de temps", "how long", "duree", "duration", "pendant", "for how", "mois", "months",
                 "semaine", "week", "intervalle", "interval", "delai", "how often", "tous les"),
    "course": ("evolution", "evolu", "course", "prognos", "pronostic", "gueri", "heal", "resol", "recover",
               "sequel", "outcome", "benin", "benign", "dure", "last", "spontan", "self-limit", "chronic",
               "chroniq", "suivi", "follow-up", "follow up", "outlook", "devenir", "s'en remet", "go away",
               "disparai", "better", "back to normal", "redevenir normal", "revenir a la normale",
               "normal again", "lasting", "damage", "sequelle", "sequelae"),
    "migration": ("migr", "recid", "recur", "autre genou", "other knee", "contralat", "shift", "deplac",
                  "move", "spread", "successi", "another joint", "autre articulation", "second episode",
                  "nouvel episode", "relapse", "rechute", "distal", "proximal", "3-4 mois", "3-4 months",
                  "other leg", "autre jambe", "come back", "revenir", "reviendr", "other side", "autre cote"),
    "differential": ("differentiel", "differential", "distingu", "confond", "mimic", "rule out", "elimin",
                     "autres diagnostics", "ddx", "dd", "versus", "vs", "osteonecros", "necros", "arthrose",
                     "osteoarthr", "insuffisance osseuse", "insufficiency", "fracture", "tumeur", "tumour",
                     "tumor", "cancer", "infecti", "septi", "sdrc", "crps", "algodystro", "contusion", "bruise",
                     "osteite", "osteitis", "arthropath", "arthrit", "look like", "ressembl", "differen"),
    "pathophysiology": ("physiopath", "pathophys", "mecanism", "mechanism", "pourquoi", "why", "hypoth",
                        "vascul", "ischem", "ischemi", "rap", "regional accelera", "acceler", "cause",
                        "origine", "etiolog", "aetiolog", "pression intra", "intraosseous", "pathogen"),
    "histology": ("histolog", "histo", "microscop", "remodel", "trabec", "fibros", "tissu", "tissue",
                  "cellul", "osteoclast", "biopsie osseuse", "bone biopsy"),
    "history": ("premiere fois", "first described", "first time", "1959", "decrit", "described", "curtis",
                "kincaid", "histori", "discover", "decouv", "qui a decrit", "who described", "first report"),
    "case": ("patient", "m. cm", "mr cm", "monsieur", "ce cas", "this case", "the case", "le cas", "he", "his",
             "him", "il", "lui", "sa", "son", "54", "genou droit", "right knee", "genou gauche", "left knee",
             "cas rapporte", "case report", "reported case", "presented", "presente", "consult", "figure"),
    "definition": ("qu'est-ce", "qu est-ce", "qu'est ce", "what is", "what's", "c'est quoi", "defin", "def", "nom",
                   "appel", "name", "terme", "term", "signifie", "mean", "entite",
                   "entity", "kind of", "type of"),
    "names": ("autres noms", "other names", "mots-cles", "mots cles", "keyword", "synonym", "also called",
              "aussi appel", "known as", "known by", "connue sous", "connu sous", "appelle aussi", "autre nom",
              "other name", "denomination", "terminolog"),
    "diagnosis": ("diagnos", "diag", "confirm", "exclusion", "critere", "criteria", "affirm", "prove",
                  "how do you know", "comment savoir", "poser le"),
    "timeline": ("chronolog", "timeline", "dates", "date", "quand", "when", "deroul",
                 "etapes", "steps", "ordre", "order", "ensuite", "then", "after", "apres", "calendrier"),
}

# Intent -> knowledge topics to prefer in retrieval.
TOPICS: dict[str, tuple[str, ...]] = {
    "risk_factors": ("risk_factors",),
    "population": ("epidemiology",),
    "sites": ("sites",),
    "imaging_mri": ("imaging",), "imaging_bone_scan": ("imaging",), "imaging_dxa": ("imaging",),
    "imaging_radiograph": ("imaging",), "imaging": ("imaging",),
    "labs": ("labs",), "fluid_biopsy": ("labs", "histology"),
    "treatment": ("treatment",), "dose": ("treatment",), "duration": (),
    "course": ("course", "prognosis"), "migration": ("migration",),
    "differential": ("differential",), "pathophysiology": ("pathophysiology",), "histology": ("histology",),
    "history": ("history",), "case": ("case",), "definition": ("definition",), "diagnosis": ("diagnosis",),
    "timeline": ("case",), "names": ("names",),
}

# Intent -> the knowledge base's modalities it asks about.
MODALITIES: dict[str, tuple[str, ...]] = {
    "imaging_mri": ("mri",), "imaging_bone_scan": ("bone_scan",), "imaging_dxa": ("dxa",),
    "imaging_radiograph": ("radiograph_ct",), "labs": ("labs",), "fluid_biopsy": ("joint_fluid", "biopsy")}

# Words that only carry the question's shape, never its subject (used by scope checks).
GENERIC = frozenset(
    """what which quel quelle quels quelles how comment why pourquoi when quand who qui where ou does do did est
    sont show montre shows montrent seen vu voit describe decrit decrire explain expliquer tell dire give donner
    list lister main principal principaux principales typical typique typiques known connu connus usual
    habituel role found trouve trouver report rapport article source text texte paper document mention
    mentionne say dit says disent according selon""".split()
)


@dataclass(frozen=True)
class Intents:
    scores: dict[str, float]

    @property
    def names(self) -> set[str]:
        return set(self.scores)

    def has(self, *names: str) -> bool:
        return any(n in self.scores for n in names)

    def topics(self) -> set[str]:
        return {t for n in self.scores for t in TOPICS.get(n, ())}

    def modalities(self) -> set[str]:
        return {m for n in self.scores for m in MODALITIES.get(n, ())}


def _matches(cue: str, toks: list[str], folded: str) -> bool:
    if " " in cue or "-" in cue or "'" in cue or "." in cue or "/" in cue:
        return f" {cue}" in f" {folded}"
    if len(cue) <= 3:  # short cues (irm, ct, he, il, rx) must be whole words
        return cue in toks
    # prefix match, tolerating a dropped last letter ('alendronat' for 'alendronate')
    if any(t.startswith(cue) or (len(t) >= 5 and cue.startswith(t) and len(cue) - len(t) <= 1) for t in toks):
        return True
    # one typo in a long cue ('descibed' for 'described', 'scintigrphie')
    return len(cue) >= 6 and any(len(t) >= len(cue) - 1 and t[:2] == cue[:2] and _one_edit(t[:len(cue) + 1], cue)
                                 for t in toks)


def _one_edit(word: str, cue: str) -> bool:
    """Whether ``cue`` is a prefix of ``word`` up to one inserted, dropped or changed letter."""
    for i, (a, b) in enumerate(zip(word, cue)):
        if a != b:
            return word[i + 1:].startswith(cue[i + 1:]) or word[i:].startswith(cue[i + 1:]) \
                or word[i + 1:].startswith(cue[i:])
    return True


def detect_intents(question: str) -> Intents:
    folded = " ".join(fold(question).replace("?", " ").split())
    toks = words(question)
    scores: dict[str, float] = {}
    for intent, cues in CUES.items():
        hits = sum(1 for c in cues if _matches(c, toks, folded))
        if hits:
            scores[intent] = float(hits)
    if "history" in scores:  # 'when was it first described?' dates the literature, not the patient
        scores.pop("timeline", None)
    return Intents(scores)


def asks_name_only(question: str) -> bool:
    """'What is transient osteoporosis?': the disease's name and definition words, nothing else."""
    if not names_topic(question):
        return False
    rest_text = strip_topic_name(question)
    if rest_text == " ".join(question.split()):  # nothing but the name
        return True
    cue_words = {w for c in CUES["definition"] for w in words(c)}
    rest = [w for w in words(rest_text) if w not in STOPWORDS and w not in GENERIC and w not in cue_words
            and not any(w.startswith(c) for c in cue_words if len(c) >= 4) and len(w) > 2
            and not w.startswith(_FILLERS)]
    return not rest


# Words that soften a definition question without adding a subject ('expliquez-moi simplement').
_FILLERS = ("actual", "vraiment", "exact", "expliq", "explain", "simpl", "concret", "brief", "bref", "quickly",
            "rapidement")
