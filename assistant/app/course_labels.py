"""The words a timeline shows: month abbreviations, joints, sides, sites and treatments, FR and EN.

What it does: holds the short names the chart and the event table print (a French joint's
gender picks the side adjective's form: 'genou droit', 'hanche droite'), and turns a joint and
side into a lane's label, a site id into its name, a date into '3 mars', and a treatment's
English text into the short names shown under its mark.

What it leaves out: building courses (:mod:`.course`) and drawing them (:mod:`.course_chart`);
these are display names, not the extraction vocabulary (that is the checker's language data).
"""
from __future__ import annotations

from datetime import date

MONTHS = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
JOINTS = {  # French name and gender (for the side adjective)
    "hip": ("hanche", "f", "hip"), "knee": ("genou", "m", "knee"), "ankle": ("cheville", "f", "ankle"),
    "foot": ("pied", "m", "foot"), "shoulder": ("épaule", "f", "shoulder"), "elbow": ("coude", "m", "elbow"),
    "wrist": ("poignet", "m", "wrist"), "hand": ("main", "f", "hand"), "spine": ("rachis", "m", "spine"),
    "sacroiliac": ("sacro-iliaque", "f", "sacroiliac joint"),
}
SIDES = {"right": ("droit", "droite", "right"), "left": ("gauche", "gauche", "left"),
         "bilateral": ("bilatéral", "bilatérale", "bilateral")}
SITES = {
    "medial_femoral_condyle": ("condyle fémoral interne", "medial femoral condyle"),
    "lateral_femoral_condyle": ("condyle fémoral externe", "lateral femoral condyle"),
    "femoral_condyles": ("condyles fémoraux", "femoral condyles"),
    "medial_tibial_plateau": ("plateau tibial interne", "medial tibial plateau"),
    "lateral_tibial_plateau": ("plateau tibial externe", "lateral tibial plateau"),
    "posterolateral_tibial_plateau": ("plateau tibial postéro-externe", "posterolateral tibial plateau"),
    "tibial_plateau": ("plateau tibial", "tibial plateau"),
    "lateral_compartment": ("compartiment externe", "lateral compartment"),
    "intercondylar_region": ("région intercondylienne", "intercondylar region"),
    "trochlea": ("trochlée", "trochlea"), "patella": ("rotule", "patella"),
    "femoral_head": ("tête fémorale", "femoral head"), "femoral_neck": ("col fémoral", "femoral neck"),
    "talus": ("talus", "talus"), "calcaneus": ("calcanéus", "calcaneus"), "navicular": ("naviculaire", "navicular"),
    "metatarsal": ("métatarsien", "metatarsal"), "distal_tibia": ("tibia distal", "distal tibia"),
}
TREATMENTS = [  # (keyword in the English text, fr, en)
    ("offloading", "décharge", "offloading"), ("calcium", "calcium + vit. D", "calcium + vit. D"),
    ("nabumetone", "nabumétone", "nabumetone"), ("tramadol", "paracétamol + tramadol", "paracetamol + tramadol"),
    ("calcitonin", "calcitonine", "calcitonin"), ("alendronate", "alendronate", "alendronate"),
    ("corticoster", "corticoïdes", "corticosteroids"),
]


def site_label(site: str, lang: str) -> str:
    fr, en = SITES.get(site, (site.replace("_", " "), site.replace("_", " ")))
    return fr if lang == "fr" else en


def lane_label(joint: str | None, side: str | None, lang: str) -> str:
    j = JOINTS.get(joint or "", (joint or "?", "m", joint or "?"))
    if lang == "fr":
        s = SIDES.get(side or "", ("", "", ""))[0 if j[1] == "m" else 1]
        text = f"{j[0]} {s}".strip()
    else:
        s = SIDES.get(side or "", ("", "", ""))[2]
        text = f"{s} {j[2]}".strip()
    return text[:1].upper() + text[1:]


def short_date(d: date, lang: str) -> str:
    return f"{d.day} {MONTHS[lang][d.month - 1]}"


def treatment_names(text: str, lang: str) -> list[str]:
    low = text.lower()
    return [fr if lang == "fr" else en for key, fr, en in TREATMENTS if key in low]
