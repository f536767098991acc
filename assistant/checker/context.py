"""A compact ConText/NegEx-style annotator for French and English clinical text.

What it does: folds text to lower case without accents (keeping a map back to the original
characters), splits it into sentences, finds trigger phrases (pre- and post-negation,
pre- and post-hypothesis, family, history, pseudo-triggers that block a trigger, and
terminators that end a scope) and, for any target span, says whether it is negated,
hypothetical, about a family member, or part of the history. Both languages' triggers are
applied to every text (mixed notes are common; the cue words do not collide).

Scopes: a pre-trigger reaches forward to the end of its sentence, at most ``WINDOW`` tokens,
stopping at a terminator ("mais", "but", "however", "avec", "with", a new imaging modality...);
a post-trigger reaches back the same way. Family cues work both ways within their clause.

What it leaves out: parsing and syntax (no dependency trees), coreference, temporality beyond the
history cue. It is a rule list of a few hundred phrases, measured on ``evals/vignettes.jsonl``
(see ``tests/test_checker_context.py``); edsnlp would bring a French clinical pipeline of the same
family (NegEx/ConText rules) for ~630 MB of dependencies and a spaCy start-up.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

WINDOW = 10  # tokens a pre/post trigger reaches

# --------------------------------------------------------------------------- folding

_SPECIAL = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-",
            "‐": "-", "‑": "-", "−": "-", "ß": "ss", "\u00a0": " ", "\u202f": " ", "µ": "µ", "°": "°", "×": "x",
            "³": "3", "²": "2", "≥": ">", "≤": "<"}


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in _SPECIAL:
        return _SPECIAL[c]
    low = c.lower()
    if len(low) != 1:
        low = c
    base = unicodedata.normalize("NFD", low)
    out = "".join(ch for ch in base if not unicodedata.combining(ch))
    return out if out else low


def fold(text: str) -> tuple[str, list[int]]:
    """Lower-cased, accent-free text, and for each of its characters the index in ``text``."""
    out: list[str] = []
    idx: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        out.append(f)
        idx.extend([i] * len(f))
    return "".join(out), idx


# --------------------------------------------------------------------------- sentences

_ABBREV = r"(?<!\bm)(?<!\bmr)(?<!\bmrs)(?<!\bdr)(?<!\bpr)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)(?<!\bfig)(?<!\bmme)(?<!\bmlle)(?<!\bst)"
_SENT_END = re.compile(_ABBREV + r"[.!?]+(?=\s+|$)|[;\n]+|(?<=\S)\s+-\s+(?=[a-z])|\s•\s")


def sentences(folded: str) -> list[tuple[int, int]]:
    """Sentence spans over the folded text (split on . ! ? ; newline, not on decimals or 'M.')."""
    spans = []
    start = 0
    for m in _SENT_END.finditer(folded):
        end = m.start()
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(folded):
        spans.append((start, len(folded)))
    return [(a, b) for a, b in spans if folded[a:b].strip()]


# --------------------------------------------------------------------------- triggers
# Patterns are written over folded text (lower case, no accents, oe for œ).

PSEUDO = [
    r"pas seulement", r"non seulement", r"not only", r"no change", r"sans changement", r"no longer",
    r"sans doute", r"not necessarily", r"no increase in size", r"gram[- ]negati\w+", r"non[- ]specifi\w+",
    r"non[- ]weight[- ]bearing", r"sans appui", r"no further", r"not significantly",
    r"\b(?:\d+|a|one|two|three|four|five|six|several|few)[- ](?:day|week|month)s?[- ](?:long )?history of",
    r"(?:sans|pas d'|aucun) antecedents?(?: (?:particuliers?|notables?|medicaux|personnels?))?(?! (?:\w+ )?d[e'u])",
    r"no (?:significant |relevant |notable )?(?:past )?(?:medical )?history(?! of)", r"unremarkable (?:past )?(?:medical )?history",
]
NEG_PRE = [
    r"pas d[e']", r"pas de", r"pas d'", r"\bpas\b", r"\bni\b", r"\bsans\b", r"aucun\w*", r"absence d[e']",
    r"jamais", r"\bnon\b", r"\bnon-", r"n'a pas", r"n'est pas", r"ne retrouve pas", r"ne montre pas",
    r"n'objective pas", r"ni de", r"exempt\w* d[e']", r"indemne d[e']", r"negati\w+ pour",
    r"\bno\b", r"\bnot\b", r"\bwithout\b", r"\bnever\b", r"\bnone\b", r"\bnor\b", r"\bneither\b",
    r"absence of", r"den(?:y|ies|ied)\b", r"negative for", r"free of", r"\bw/o\b", r"did not (?:show|reveal)",
    r"does not (?:show|reveal)", r"no evidence of", r"no sign of", r"no signs of", r"rather than",
    r"\ba-?febrile\b", r"resolution (?:complete )?d[eu']", r"disparition d[eu']", r"regression (?:totale |complete )?d[eu']",
    r"resolution of", r"disappearance of", r"regression of", r"\belimine(?:e|es|s)?\b", r"excluding", r"exclusion of",
    r"\becarte(?:e|es|s)?\b",
]
NEG_POST = [
    r"absent\w*", r"negati\w+", r"(?:a|ont|ont ete|a ete|est|sont|etait|etaient) (?:elimine|ecarte|exclu)\w*",
    r"(?:was|were|has been|have been|is|are) (?:ruled out|excluded|absent|negative|not (?:seen|found|present))",
    r"ruled out", r"non retrouve\w*", r"not (?:seen|found|present|identified|observed|noted)",
    r"(?:is|was|were|are) not (?:seen|found|present|identified)", r"n'est pas retrouve\w*", r"non visible\w*",
    r"(?:a|ont) disparu", r"(?:has|have|had) (?:resolved|disappeared)", r"denied", r"unlikely", r"peu probable",
    r"\bneant\b", r"\bnil\b", r":\s*(?:non|no|none|absente?s?|negati\w+|nil|neant|0)\b",
]
HYP_PRE = [
    r"suspicion d[e']", r"suspect\w*", r"\bsuspected\b", r"evoqu\w*", r"possibl\w*", r"probabl\w*",
    r"eventuel\w*", r"hypothese d[e']", r"\bhypothesis\b", r"a eliminer", r"pour eliminer", r"afin d'eliminer",
    r"eliminer une?", r"recherche d[e']", r"a la recherche d[e']", r"rule out", r"to exclude", r"\br/o\b",
    r"evaluate for", r"assess for", r"concern for", r"worried about", r"question of", r"query", r"\bsi\b",
    r"\bif\b", r"en cas d[e']", r"in case of", r"risque d[e']", r"risk of", r"\bcould\b", r"\bmay\b",
    r"\bmight\b", r"\bpourrait\b", r"suggestive of", r"suggest\w*", r"compatible avec", r"compatible with",
    r"consistent with", r"in keeping with",
    r"en faveur d[e']", r"diagnostic differentiel", r"differential diagnos\w*", r"differentiel\w*",
    r"\bversus\b", r"\bvs\b", r"\bou\b", r"a discuter", r"discut\w*", r"considered", r"envisag\w*",
    r"look(?:ing)? for", r"screen(?:ing)? for", r"watch for", r"surveill\w*", r"to be excluded",
    r"cannot be (?:excluded|ruled out)", r"can't (?:exclude|rule out)", r"cannot (?:exclude|rule out)",
    r"ne peut (?:etre )?(?:exclu|elimin)\w*", r"non exclu\w*", r"pas exclu\w*", r"not (?:excluded|ruled out)",
    r"inquiet\w* (?:d[e']|pour)", r"craint\w*", r"peur d[e']", r"afraid of", r"awaiting", r"en attente d[e']",
    r"a programmer", r"to be (?:done|performed|obtained|scheduled)", r"should", r"would", r"demand\w* pour",
    r"pour avis", r"in order to exclude", r"potential\w*", r"if any", r"\bdd\b", r"work-?up for", r"bilan d[e']",
]
HYP_POST = [
    r"\?", r"(?:is|was|were|are) suspected", r"(?:est|a ete|etait) (?:suspect|evoqu|envisag|discut)\w*",
    r"a eliminer", r"to be (?:excluded|ruled out)", r"non exclu\w*", r"pas exclu\w*",
    r"cannot be (?:excluded|ruled out)", r"ne peut (?:etre )?(?:exclu|elimin)\w*", r"was considered",
    r"(?:is|was|has been|will be) (?:requested|ordered|planned|scheduled|pending)", r"pending",
    r"(?:est |a ete |sera )?(?:prevue?|programmee?|demandee?|en attente)\b", r"is possible", r"est possible",
    r"was raised", r"a ete evoque\w*", r"a discuter",
]
FAMILY = [
    r"\bmere\b", r"\bpere\b", r"\bfrere\w*", r"\bsoeur\w*", r"\bfils\b", r"\bfille\b", r"grand[- ](?:mere|pere)\w*",
    r"\boncle\b", r"\btante\b", r"\bcousin\w*", r"familia\w*", r"famille", r"antecedents? familia\w*",
    r"\bmother\b", r"\bfather\b", r"\bbrother\w*", r"\bsister\w*", r"\bson\b", r"\bdaughter\w*",
    r"grand(?:mother|father|parent)\w*", r"\buncle\b", r"\baunt\b", r"\bparent\w*", r"family", r"\bsibling\w*",
    r"\bmaternal\b", r"\bpaternal\b", r"\bhereditary\b", r"\bherit\w*", r"\bheredit\w*",
]
HISTORY = [
    r"antecedents? (?:personnels? )?d[e']", r"\bantecedents?\b(?! familia)", r"\batcd\b", r"dans ses antecedents", r"aux antecedents",
    r"history of", r"\bh/o\b", r"past (?:medical )?history", r"medical history", r"known (?:for|case of)",
    r"\bknown\b", r"connue? (?:pour|d[e'])", r"\bconnue?s?\b", r"il y a \d+ ans", r"il y a (?:plusieurs|quelques) (?:annees|ans)",
    r"\d+ years? ago", r"(?:several|many|a few) years ago", r"years earlier", r"ans auparavant", r"auparavant",
    r"in (?:his|her) (?:youth|childhood)", r"dans (?:l'|son )enfance", r"\bancien\w*\b", r"\bold\b (?!man|woman|male|female|patient)",
    r"previously (?:diagnosed|treated)", r"prior history", r"\bpast\b",
]
TERMINATE = [
    r"\bmais\b", r"\bbut\b", r"however", r"cependant", r"toutefois", r"pourtant", r"neanmoins", r"\balthough\b",
    r"\bthough\b", r"\bexcept\b", r"\bsauf\b", r"whereas", r"alors que", r"tandis que", r"\bwhich\b",
    r"\bavec\b", r"\bwith\b", r"\bapart from\b", r"en revanche", r"par contre", r"\bet (?:une?|la|le|l'|des|les)\b",
    r"\bpuis\b", r"\bthen\b", r"\baside from\b", r"\bbesides\b", r"\bpresents?\b",
    r"\bshow(?:s|ed|ing)?\b", r"\bmontr\w*", r"\bobjectiv\w*", r"\breve\w*", r"\bretrouv\w+(?<!pas retrouve)",
    r"\bconfirm\w*", r"\bdemontr\w*", r"\bdemonstrat\w*", r"\bmet en evidence\b", r"\birm\b", r"\bmri\b",
    r"scintigraph\w*", r"bone scan", r"\bradiograph\w*", r"\bx-?rays?\b", r"\bct\b", r"\bscanner\b",
    r"\bdxa\b", r"\bdexa\b", r"densitometri\w*", r"\bcomplains?\b", r"\bse plaint\b", r"\bmother\b",
    r"\bhe\b", r"\bshe\b", r"\bil\b", r"\belle\b", r"\bbrutal\w*",
    r"\bsudden\w*", r"\bsoudain\w*", r"\bacute\b", r"\baigue?\b", r"\bd'apparition\b", r"\bonset\b",
    r"\bdebut\b", r"\bwhile\b", r"\bbiology\b", r"\bbiologie\b", r"\blabs?\b", r"\bcrp\b", r"\bdue to\b",
    r":", r"\(", r"\)",
]

# What ends a family cue's reach: the patient becomes the subject again.
FAMILY_TERMINATE = [
    r"\bmais\b", r"\bbut\b", r"however", r"cependant", r"toutefois", r"\bwhereas\b", r"alors que", r"tandis que",
    r"\bthe patient\b", r"\ble patient\b", r"\bla patiente\b", r"lui-meme", r"elle-meme", r"\bhimself\b", r"\bherself\b",
    r"\bhe\b", r"\bshe\b", r"\bil\b", r"\belle\b", r"\bpresents?\b", r"\bconsult\w*", r"\bpresente\b", r"\bhis own\b",
    r"\bher own\b", r"\bpatient\b", r"\bpatiente\b", r":",
]

_KIND_LISTS = {
    "pseudo": PSEUDO, "neg_pre": NEG_PRE, "neg_post": NEG_POST, "hyp_pre": HYP_PRE, "hyp_post": HYP_POST,
    "family": FAMILY, "history": HISTORY, "term": TERMINATE, "famterm": FAMILY_TERMINATE,
}
_COMPILED = {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in _KIND_LISTS.items()}
_TOKEN = re.compile(r"[\w']+|[^\w\s]")


@dataclass(frozen=True)
class Trigger:
    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Flags:
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    cues: tuple[str, ...] = ()

    @property
    def asserted(self) -> bool:
        return not (self.negated or self.hypothetical or self.family)


class Sentence:
    """One sentence of folded text with its triggers, ready to annotate target spans."""

    def __init__(self, folded: str, start: int, end: int):
        self.start, self.end = start, end
        self.text = folded[start:end]
        found: list[Trigger] = []
        for kind, rx in _COMPILED.items():
            for m in rx.finditer(self.text):
                if m.end() > m.start():
                    found.append(Trigger(kind, m.start() + start, m.end() + start, m.group(0)))
        pseudo = [t for t in found if t.kind == "pseudo"]
        self.triggers = [t for t in found if t.kind != "pseudo" and not any(
            p.start <= t.start < p.end or t.start <= p.start < t.end for p in pseudo)]
        # When a post-negation and a pre-hypothesis overlap ("ruled out" vs "rule out"), keep the longer.
        self.triggers.sort(key=lambda t: (t.start, -(t.end - t.start)))

    def _tokens_between(self, a: int, b: int) -> int:
        return len(_TOKEN.findall(self.text[a - self.start:b - self.start])) if b > a else 0

    def _terminated(self, a: int, b: int, exclude: tuple[int, int] | None = None, kind: str = "term") -> bool:
        for t in self.triggers:
            if t.kind == kind and a <= t.start and t.end <= b:
                if exclude and not (t.end <= exclude[0] or t.start >= exclude[1]):
                    continue
                if t.text == ":" and t.start - a <= 2:
                    continue  # "DD : ostéonécrose, fracture" - a colon right after the cue introduces its list
                return True
        return False

    def flags(self, s: int, e: int) -> Flags:
        neg = hyp = fam = hist = False
        cues: list[str] = []
        for t in self.triggers:
            if t.kind in ("term", "famterm"):
                continue
            inside = t.start >= s and t.end <= e
            if inside and t.kind not in ("family", "history"):
                continue  # a cue inside the target belongs to it ("non-traumatic" handled by the lexicon)
            if t.kind == "history" and t.end <= s:
                if self._tokens_between(t.end, s) > 2 * WINDOW:
                    continue
            elif t.kind == "history" and t.start >= e:
                # "... of the left hip 5 years ago": a time-in-the-past cue after the target
                if not re.search(r"\d|ago|auparavant|plusieurs|quelques|several|many|few|earlier|il y a", t.text) or \
                        self._tokens_between(e, t.start) > WINDOW or self._terminated(e, t.start):
                    continue
            elif t.kind in ("neg_pre", "hyp_pre") and t.end <= s:
                gap = self._tokens_between(t.end, s)
                if gap > WINDOW or self._terminated(t.end, s) or (gap > 1 and self._terminated(s, e)):
                    continue
            elif t.kind in ("neg_post", "hyp_post") and t.start >= e:
                if self._tokens_between(e, t.start) > WINDOW // 2 or self._terminated(e, t.start):
                    continue
            elif t.kind == "family":
                lo, hi = (t.end, s) if t.end <= s else (e, t.start)
                if not inside and (self._tokens_between(lo, hi) > WINDOW or self._terminated(lo, hi, kind="famterm")):
                    continue
            elif t.kind == "history" and inside:
                pass
            else:
                continue
            if t.kind in ("neg_pre", "neg_post"):
                neg = True
            elif t.kind in ("hyp_pre", "hyp_post"):
                hyp = True
            elif t.kind == "family":
                fam = True
            elif t.kind == "history":
                hist = True
            cues.append(f"{t.kind}:{t.text}")
        return Flags(neg, hyp, fam, hist, tuple(cues))


class Annotator:
    """Fold a text once, then annotate any span of it."""

    def __init__(self, text: str):
        self.text = text
        self.folded, self.index = fold(text)
        self.spans = sentences(self.folded)
        self._sent: dict[int, Sentence] = {}

    def sentence(self, i: int) -> Sentence:
        if i not in self._sent:
            a, b = self.spans[i]
            self._sent[i] = Sentence(self.folded, a, b)
        return self._sent[i]

    def sentence_of(self, pos: int) -> int:
        for i, (a, b) in enumerate(self.spans):
            if a <= pos < b:
                return i
        return max(0, len(self.spans) - 1)

    def flags(self, s: int, e: int) -> Flags:
        if not self.spans:
            return Flags()
        return self.sentence(self.sentence_of(s)).flags(s, e)

    def original(self, s: int, e: int) -> tuple[int, int, str]:
        """Map a folded span back to the original text."""
        if not self.index:
            return 0, 0, ""
        a = self.index[min(s, len(self.index) - 1)]
        b = self.index[min(max(e - 1, s), len(self.index) - 1)] + 1
        return a, b, self.text[a:b]


def detect_language(text: str) -> str:
    """'fr' or 'en' from function words and accents (English on a tie)."""
    folded, _ = fold(text[:5000])
    words = re.findall(r"[a-z']+", folded)
    fr_words = {"le", "la", "les", "de", "des", "du", "et", "une", "un", "est", "avec", "pas", "sans", "pour", "au",
                "aux", "dans", "sur", "il", "elle", "ans", "droit", "gauche", "genou", "hanche", "douleur", "d'une",
                "d'un", "l'irm", "mois", "apres", "chez", "qui", "que", "ont", "ete", "puis", "son", "sa", "ses"}
    en_words = {"the", "and", "of", "with", "no", "was", "is", "in", "on", "at", "for", "a", "an", "he", "she",
                "her", "his", "years", "old", "year-old", "right", "left", "knee", "hip", "pain", "months", "after",
                "showed", "had", "were", "has", "then", "which", "who", "later", "this"}
    fr = sum(w in fr_words for w in words) + 2 * len(re.findall(r"[éèêàçùœ]", text[:5000]))
    en = sum(w in en_words for w in words)
    return "fr" if fr > en else "en"
