"""French and English lexicons of the checker: anatomy, findings, history, signs.

What it does: lists, as data, the phrases (regular expressions over *folded* text: lower case,
no accents, ``oe`` for ``œ``) that name a joint, a side, an anatomical site, an imaging modality,
a finding or a clinical sign, and what each sets in the case when asserted or negated.

What it leaves out: numbers with units and dates (:mod:`.quantities`), negation/hypothesis scopes
(:mod:`.context`), and the assembly into episodes (:mod:`.extract`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# ------------------------------------------------------------------------------ anatomy

JOINT_TERMS: dict[str, str] = {
    "hip": r"hanches?|coxo-?femora\w*|coxalgi\w*|\bhips?\b|coxofemoral|\baine\b|\bgroin\b|inguina\w*",
    "knee": r"genoux|genou|gonalgi\w*|\bknees?\b|femoro-?tibia\w*|femorotibia\w*|femoro-?patella\w*|patellofemora\w*",
    "ankle": r"chevilles?|\bankles?\b|tibio-?tarsien\w*|tibiotalar|talocrural|malleol\w*",
    "foot": r"\bpieds?\b|\bfoot\b|\bfeet\b|\btarse\b|\btarsal\b|midfoot|medio-?pied|avant-?pied|forefoot|hindfoot|arriere-?pied|\borteils?\b|\btoes?\b",
    "shoulder": r"epaules?|shoulders?",
    "elbow": r"\bcoudes?\b|\belbows?\b",
    "wrist": r"poignets?|wrists?",
    "hand": r"\bmains\b|\bla main\b|\bmain (?:droite|gauche)\b|\bhands?\b|\bdoigts?\b|\bfingers?\b",
    "spine": r"\brachis\b|\bspine\b|vertebr\w*|lombaire|lumbar",
    "sacroiliac": r"sacro-?iliaq\w*|sacroiliac\w*|\bsacrum\b|sacral",
}
# Sites, each with the joint it implies.
SITE_TERMS: dict[str, tuple[str, str]] = {
    "medial_femoral_condyle": ("knee", r"condyles? (?:femora\w* )?(?:interne|medial)|(?:medial|internal) (?:femoral )?condyle|\bmfc\b|\bcfi\b|\bcfm\b"),
    "lateral_femoral_condyle": ("knee", r"condyles? (?:femora\w* )?(?:externe|lateral)|lateral (?:femoral )?condyle|\blfc\b|\bcfe\b|\bcfl\b"),
    "femoral_condyles": ("knee", r"condyles femoraux|femoral condyles|(?:deux|both|two) condyles"),
    "trochlea": ("knee", r"trochle\w*"),
    "posterolateral_tibial_plateau": ("knee", r"postero-?(?:lateral|externe) (?:du |of the )?(?:plateau tibial|tibial plateau)|(?:plateau tibial|tibial plateau) postero-?(?:lateral|externe)|posterolateral tibia\w*"),
    "medial_tibial_plateau": ("knee", r"plateau (?:tibial )?(?:interne|medial)|(?:medial|internal) tibial plateau|tibial plateau,? medial|\bpti\b|\bptm\b"),
    "lateral_tibial_plateau": ("knee", r"plateau (?:tibial )?(?:externe|lateral)|lateral tibial plateau|\bltp\b|\bpte\b|\bptl\b"),
    "tibial_plateau": ("knee", r"plateaux? tibia\w*|tibial plateaus?|proximal tibia|tibia proximal"),
    "patella": ("knee", r"(?<!choc )rotule|(?<!choc )rotulien|\bpatella\b|patellar\b"),
    "fibula": ("knee", r"tete (?:de la )?fibula|tete du perone|fibular head|\bfibula\b"),
    "femoral_head": ("hip", r"tetes? (?:femorale|du femur)|femoral heads?|head of the femur"),
    "femoral_neck": ("hip", r"col (?:femoral|du femur)|femoral neck|neck of the femur"),
    "acetabulum": ("hip", r"cotyle|acetabul\w*"),
    "greater_trochanter": ("hip", r"(?:grand )?trochanter\w*"),
    "talus": ("ankle", r"\btalus\b|astragal\w*|talar\b|dome talien|\btalien"),
    "tibial_plafond": ("ankle", r"pilon tibial|plafond tibial|tibial plafond|tibial pilon|plafond of the tibia"),
    "medial_malleolus": ("ankle", r"malleoles? (?:interne|mediale?|tibiale?)|(?:medial|internal|tibial) malleol\w*"),
    "lateral_malleolus": ("ankle", r"malleoles? (?:externe|laterale?|fibulaire|peroniere)|(?:lateral|external|fibular) malleol\w*"),
    "distal_tibia": ("ankle", r"tibia distal|distal tibia|extremite inferieure du tibia|distal tibial (?:metaphysis|epiphysis)"),
    "calcaneus": ("foot", r"calcane\w*"),
    "navicular": ("foot", r"naviculaire|navicular|scaphoide tarsien"),
    "cuboid": ("foot", r"cuboid\w*"),
    "cuneiform": ("foot", r"cuneiform\w*"),
    "metatarsal": ("foot", r"metatars\w*"),
    "sacrum": ("sacroiliac", r"\bsacrum\b"),
}
SIDE_TERMS: dict[str, str] = {
    "right": r"\bdroite?s?\b|\bright\b|\bdt\b|\bd\)",
    "left": r"\bgauches?\b|\bleft\b|\bg\)",
    "bilateral": r"bilatera\w*|\bboth\b|les deux|des deux|\bdeux (?:genoux|hanches|chevilles|pieds)",
    "contralateral": r"controlatera\w*|contralatera\w*|opposite|l'autre (?:genou|hanche|cheville|pied|cote)|\bother (?:knee|hip|ankle|foot|side)",
    "same": r"meme (?:genou|hanche|cheville|pied|cote)|same (?:knee|hip|ankle|foot|side|joint)|ce meme|this same",
}

MODALITY_TERMS: dict[str, str] = {
    "mri": r"\birm\b|\bmri\b|\bmr (?:imaging|scan)\b|resonance magnetique|magnetic resonance|\bt1\b|\bt2\b|\bstir\b|\bdp fs\b|fat[- ]?sat\w*|saturation de graisse|saturation des graisses|sequences?",
    "bone_scan": r"scintigraph\w*|bone scan|scan osseux|\btc ?99\w*|99m?tc|technetium|\bspect\b",
    "radiograph": r"radiograph\w*|\bradios?\b|x-?rays?|plain films?|cliches?|\bct\b|scanner|tomodensitometr\w*|tomograph\w*",
    "dxa": r"osteodensitometr\w*|densitometr\w*|\bdxa\b|\bdexa\b|absorptiometr\w*|bone (?:mineral )?density|\bbmd\b|densite minerale",
    "fluid": r"ponction|arthrocentes\w*|aspiration|aspirate|liquide (?:articulaire|synovial)|synovial fluid|joint fluid|liquide de ponction",
}

# ------------------------------------------------------------------------------ concepts


@dataclass(frozen=True)
class Concept:
    """A phrase family and what it sets.

    ``path``: a case field (``fever``, ``labs.inflammatory_syndrome``) or, with ``episode=True``, an
    episode field (``mri.findings``, ``resolution.clinical``); for a list field the value is appended.
    ``yes``/``no``: the value when asserted / negated (``None``: negation sets nothing).
    ``history``: whether a mention in the history ("antécédent de", "history of") still counts.
    ``modality``: for imaging findings, the modality they belong to ("imaging" = the sentence's).
    """

    id: str
    pattern: str
    path: str
    yes: Any = True
    no: Any = False
    history: bool = False
    episode: bool = False
    modality: str | None = None


_TMO = (r"osteoporose (?:regionale |focale )?transitoire|transient (?:regional |focal |migratory )*osteoporosis|"
        r"(?:syndrome d')?oedeme (?:medullaire|osseux) transitoire|transient (?:bone )?marrow o?edema|"
        r"bone marrow o?edema syndrome|algodystrophi\w*|\bbmes\b|\btoh\b|\btrom\b|\brmo\b")

CONCEPTS: list[Concept] = [
    # --- onset, trauma, course
    Concept("sudden_onset", r"brutal\w*|soudain\w*|sudden\w*|abrupt\w*|\bacute\b|\baigue?s?\b|d'emblee intense|"
            r"du jour au lendemain|overnight|en quelques heures|within hours|(?:came on|developed|began|started) (?:over|within|in) (?:a few|\d+|two|three|several) hours|d'installation rapide|rapid onset|"
            r"(?:started|began|appeared|came on) suddenly", "onset", "sudden", None),
    Concept("gradual_onset", r"installation progressive|apparition progressive|debut progressif|d'installation lente|"
            r"insidieu\w*|insidious\w*|gradual\w*|progressive onset|progressivement (?:croissante?|aggrav\w*|install\w*)|"
            r"progressively (?:worsening|increasing)|slowly (?:worsening|progressive)|s'installant progressivement",
            "onset", "gradual", None),
    Concept("trauma", r"traumatism\w*|traumatiqu\w*|\btrauma\b|\btraumatic\b|\bchute\b|\bchutes\b|\bfall\b|\bfell\b|\bentorse\w*|"
            r"sprain\w*|\btorsion\b|twist\w*|faux mouvement|accident\w*(?! vasculaire)|\binjur\w*|\bblow\b|\bimpact\b|\bchoc direct\b|"
            r"(?<!tout a )\bcoup (?:de|direct|sur)\b|\bbumped\b|\bknocked\b|\bstruck\b|stumbl\w*|\bheurt\w*|\bcogne\w*|\bfaux pas\b|misstep|tackle\w*|reception d'un saut|landing from a jump|\bcollision\b|s'est tordu\w*|tordu",
            "trauma", True, False, history=True),
    Concept("atraumatic", r"a-?traumati\w*|non[- ]traumati\w*|without (?:any )?(?:preceding |prior )?injury|"
            r"spontaneous onset|apparition spontanee|douleur spontanee", "trauma", False, None),
    Concept("immobilisation", r"platre\w*|botte platree|resine|attelle\w*|immobilis\w*|immobiliz\w*|\bcast\b|\bsplint\w*|"
            r"orthese|\bbrace\b|\bbed ?rest\b|alitement", "immobilisation", True, False, history=True),
    Concept("overload", r"surcharge\w*|surmenage|overuse|overload\w*|marathon\w*|randonnee\w*|long (?:walk|hike|run)|"
            r"reprise (?:intensive |brutale )?(?:du sport|de la course|d'une activite)|intense (?:training|exercise)|"
            r"increase in (?:activity|training)", "overload", True, False, history=True),
    Concept("mechanical", r"mecanique\w*|mechanical|a la marche|on walking|when walking|a l'appui|en charge|"
            r"on weight[- ]bearing|weight[- ]bearing pain|worse (?:with|on) (?:activity|walking|standing)|"
            r"calmee? (?:par|au) (?:le )?repos|soulagee? (?:par|au) (?:le )?repos|relieved by rest|eased by rest|"
            r"improves? with rest|better (?:with|at) rest", "pain_rhythm", "mechanical", None),
    Concept("inflammatory_rhythm", r"rythme inflammatoire|horaire inflammatoire|inflammatory (?:pain|rhythm|pattern)|"
            r"douleurs? inflammatoires?", "pain_rhythm", "inflammatory", None),
    Concept("night_pain", r"douleurs? (?:\w+ )?nocturnes?|reveils? nocturnes?|insomniante\w*|night pain|pain at night|"
            r"nocturnal pain|rest pain|pain at rest|douleurs? (?:de|au) repos|wakes? (?:him|her|them) (?:up )?at night|"
            r"(?:waking|woken) (?:\w+ )?at night|pain (?:\w+ ){0,2}at night", "night_pain", True, False),
    Concept("chronic_pain", r"(?:douleurs?|gonalgies?|coxalgies?) chroniques?|chronic (?:\w+ )?pain|"
            r"(?:douleurs?|gonalgies?|coxalgies?|pain) (?:\w+ ){0,3}(?:depuis|for) (?:plusieurs |des |many |several |\d+ )"
            r"(?:annees|ans|years)|longstanding|long-standing|de longue date|\d+ years? of (?:\w+ )?pain|"
            r"(?:slowly|steadily) progressive (?:\w+ )?pain over (?:several |many |\d+ )?years", "chronic_pain", True, False),
    Concept("impairment", r"impotence fonctionnelle|boiterie\w*|\blimp\w*|unable to (?:bear weight|walk|stand)|"
            r"impossibilite (?:de marcher|d'appui|de la marche)|appui impossible|functional (?:impairment|limitation|disability)|"
            r"difficult\w* (?:walking|to walk|bearing weight)|antalgic gait|marche (?:difficile|impossible)|"
            r"boite|cannot (?:bear weight|walk)|gene fonctionnelle", "functional_impairment", True, False),
    Concept("effusion", r"epanchement\w*|effusion\w*|hydarthrose|choc rotulien|ballottement|patellar tap|"
            r"(?:joint|knee) swelling|genou gonfle|swollen knee", "effusion", True, False),
    Concept("warm_joint", r"\bchaude?s?\b|\bwarm\w*|\bhot\b|rougeur\w*|\brouge\b|(?<!lupus )erythem\w*|\bred\b|redness|"
            r"chaleur (?:locale|cutanee)|majoration de la (?:chaleur|temperature) (?:locale|cutanee)|temperature cutanee|"
            r"local (?:heat|warmth)|increased (?:local |skin )?(?:temperature|warmth)|tumefaction inflammatoire|"
            r"genou inflammatoire|articulation inflammatoire|inflamed (?:joint|knee|hip|ankle)|arthrite aigue",
            "warm_swollen_joint", True, False),
    Concept("fever", r"fievre\w*|\bfebri\w*|fever\w*|pyrexi\w*|hyperthermi\w*|frissons?|\bchills\b|rigors?|"
            r"syndrome febrile", "fever", True, False),
    Concept("afebrile", r"apyreti\w*|apyrexi\w*|\bafebrile\b|\ba-febrile\b|normotherm\w*", "fever", False, None),
    Concept("weight_loss", r"amaigrissement|perte de poids|weight loss|lost weight|(?:a perdu|lost) \d+ ?kg|"
            r"alteration de l'etat general|\baeg\b|cachexi\w*|asthenie,? anorexie", "weight_loss", True, False),
    Concept("skin_breach", r"\bplaies?\b|ulcere\w*|\bulcer\w*|fistul\w*|sinus tract|mal perforant|\bwounds?\b|escarre\w*|"
            r"pressure sore|draining sinus|ecoulement purulent|cellulit\w*|dermohypoderm\w*", "skin_breach", True, False,
            history=True),
    Concept("polyarticular", r"polyarthrit\w*|polyarthralgi\w*|polyarticul\w*|oligoarthrit\w*|oligo-?articul\w*|"
            r"plusieurs articulations|several joints|multiple joints|many joints|small joints|petites articulations|"
            r"(?:both|deux) (?:hands|wrists|mains|poignets)|metacarpo-?phalang\w*|\bmcp\b|\bmtp\b|\bipp\b|\bpip\b|"
            r"synovites? (?:multiples|des mains|bilaterales)|symmetric(?:al)? (?:poly)?arthritis",
            "polyarticular", True, False),
    Concept("morning_stiffness", r"raideur matinale|derouillage(?: matinal)?|morning stiffness|stiff in the morning",
            "morning_stiffness_minutes", 60.0, 0.0),
    Concept("allodynia", r"allodyni\w*|hyperesthesi\w*|hyperaesthesi\w*|hyperalgesi\w*|hyperpathi\w*|"
            r"(?:pain|douleur) (?:to|au) (?:light |simple |moindre )?(?:touch|effleurement|toucher|frottement)|"
            r"(?:cannot|can't|ne supporte pas) (?:tolerate |bear )?(?:the )?(?:drap|bed ?sheets?|contact|touch)|"
            r"light touch", "allodynia", True, False),
    Concept("vasomotor", r"troubles? vasomoteurs?|vasomot\w*|changements? de (?:couleur|coloration)|"
            r"colorations? (?:violacee|rouge violace|cyanique|bleutee|marbree)|skin (?:colou?r|temperature) (?:change|asymmetr)\w*|"
            r"(?:colou?r|temperature) asymmetr\w*|asymetrie (?:de (?:couleur|temperature|coloration)|thermique)|"
            r"mottl\w*|marbr\w*|cyanos\w*|livid\w*|discolou?r\w*|purplish|violace\w*|peau (?:froide|rouge|violacee|luisante et rouge)",
            "vasomotor_changes", True, False),
    Concept("sudomotor", r"sudation|hypersudation|hyperhidros\w*|sweating|transpiration|sudomot\w*|troubles? sudoraux|"
            r"oedeme (?:du pied|de la main|du membre|des parties molles|prenant le godet)|limb (?:o)?edema|swelling of the (?:whole )?(?:foot|hand|limb)",
            "sudomotor_changes", True, False),
    Concept("trophic", r"troubles? trophiques?|\btrophi\w*|peau (?:luisante|fine|atrophique|lisse)|shiny skin|thin(?:ned)? skin|"
            r"(?:nail|hair) (?:changes|growth)|(?:ongles|pilosite|phaneres)|depilation|hair loss on", "trophic_changes", True, False),
    # --- exposures and history
    Concept("corticosteroids", r"cortico\w*|cortison\w*|prednis\w*|methylprednisolon\w*|dexamethason\w*|hydrocortison\w*|"
            r"glucocortic\w*|\bsteroids?\b|steroid\w*|solupred|medrol|cortancyl|celestene|betamethason\w*|budesonid\w*",
            "exposures.corticosteroids", True, False, history=True),
    Concept("alcohol", r"alcool\w*|\bethyli\w*|ethylisme|\boenoli\w*|alcohol\w*|heavy drink\w*|drinks? heavily|"
            r"\bbinge\b|(?:bieres?|beers?|verres? de vin|glasses of wine|units? of alcohol|spirits|whisky|vodka)",
            "exposures.alcohol", True, False, history=True),
    Concept("smoking", r"tabagi\w*|\btabac\b|fumeu\w*|\bfume\b|smok\w*|cigarette\w*|paquets?-annees?|pack-?years?|\d+ ?pa\b",
            "exposures.smoking", True, False, history=True),
    Concept("sickle_cell", r"drepanocyt\w*|sickle[- ]cell|\bhbss\b|\bhbsc\b|anemie falciforme", "history.sickle_cell",
            True, False, history=True),
    Concept("lupus", r"\blupus\b|lupique|\bsle\b|lupus erythemateux", "history.lupus", True, False, history=True),
    Concept("transplant", r"greff\w*|transplant\w*|allograft", "history.transplant", True, False, history=True),
    Concept("cancer", r"\bcancer\w*|carcinom\w*|neoplas\w*|\bneo\b|tumeur maligne|malignan\w*|metasta\w*|myelom\w*|"
            r"lymphom\w*|leucemi\w*|leukemi\w*|leukaemi\w*|sarcom\w*|\bk du sein\b|hemopathie", "history.cancer", True, False,
            history=True),
    Concept("meniscectomy", r"menisectom\w*|meniscectom\w*|meniscal (?:surgery|resection)|arthroscopic (?:partial )?meniscectomy|"
            r"resection meniscale", "history.meniscectomy", True, False, history=True),
    Concept("osteoporosis", r"(?<!transient )(?<!regional )(?<!focal )(?<!migratory )(?<!transitory )osteoporo\w*(?! (?:regionale|focale|transitoire|migratrice|migrante|localisee))(?!\w)",
            "history.osteoporosis", True, False, history=True),
    Concept("osteopenia", r"osteopeni\w*|osteopaeni\w*", "history.osteopenia", True, False, history=True),
    Concept("bone_metabolism", r"hyperparathyro\w*|osteomalaci\w*|hypovitaminose d|vitamin d deficiency|carence en vitamine d|"
            r"deficit en vitamine d|paget", "history.bone_metabolism_disorder", True, False, history=True),
    Concept("inflammatory_disease", r"polyarthrite rhumatoide|rheumatoid arthritis|spondyl\w*arthr\w*|spondylarthrit\w*|"
            r"spondylitis|rhumatisme (?:psoriasique|inflammatoire)|psoriatic arthritis|\bgoutte\b|\bgout\b|gouty|"
            r"chondrocalcinos\w*|pseudo-?gout\w*|\bcppd\b|arthrite reactionnelle|reactive arthritis|arthrite microcristalline|"
            r"crystal arthropathy|connectivit\w*", "history.inflammatory_arthritis", True, False, history=True),
    Concept("osteoarthritis", r"\barthrose\w*|gonarthros\w*|coxarthros\w*|osteoarthrit\w*|osteoarthros\w*|"
            r"degenerative (?:joint disease|arthritis|changes)|arthrosique\w*|\boa\b", "history.osteoarthritis", True, False,
            history=True),
    Concept("osteonecrosis_dx", r"osteonecros\w*|necrose (?:avasculaire|aseptique|osseuse|de la tete)|avascular necrosis|"
            r"\bavn\b|aseptic necrosis|infarctus osseux|bone infarct\w*|\bontf\b", "history.osteonecrosis", True, None,
            history=True),
    Concept("previous_tmo", _TMO, "history.previous_transient_osteoporosis", True, None, history=True),
    Concept("previous_episode", r"(?:episode|poussee|atteinte) (?:similaire|identique|comparable|semblable)|"
            r"(?:similar|identical|comparable) episode|same (?:kind of )?(?:pain|episode) (?:in|at|of) the",
            "history.previous_transient_osteoporosis", True, None, history=True),
    # --- labs (summaries; numbers are in quantities.py)
    Concept("inflammatory_syndrome", r"syndrome inflammatoire|inflammatory syndrome|syndrome infectieux|infectious syndrome|"
            r"(?:raised|elevated|high|increased) (?:inflammatory markers|crp|c-reactive protein|esr)|"
            r"inflammatory markers (?:were |are )?(?:raised|elevated|high|increased)|crp (?:was |is )?(?:raised|elevated|high)|"
            r"crp (?:elevee|augmentee)|elevation de la crp|biologie inflammatoire|bilan inflammatoire (?:positif|perturbe)",
            "labs.inflammatory_syndrome", True, False),
    Concept("normal_labs", r"(?:bilan|biologie|labs?|laboratory (?:tests|work-?up)|blood tests?|blood work|inflammatory markers|"
            r"marqueurs inflammatoires|bilan inflammatoire|bilan biologique|crp et vs|crp and esr|vs et crp|esr and crp|"
            r"\bcrp\b|\bvs\b|\besr\b)(?: \w+){0,4} (?:normaux|normales?|normal|negati\w*|sans particularite|unremarkable|"
            r"within normal limits|strictement normal\w*)|normal (?:inflammatory markers|crp|esr|blood tests|labs|"
            r"laboratory (?:tests|findings)|white (?:cell|blood cell) count)|indemne de syndrome", "labs.inflammatory_syndrome",
            False, None),
    Concept("rf_positive", r"facteurs? rhumatoides?|rheumatoid factors?|\brf\b|anti-?ccp|\bacpa\b|anti-?peptides? citrullines?",
            "labs.rheumatoid_factor", True, False),
    Concept("crystals", r"cristaux|crystals?|microcristau\w*|birefringent|\burates?\b|pyrophosphate", "joint_fluid.crystals",
            True, False),
    Concept("culture_positive", r"culture positive|positive culture|germe|staphylo\w*|strepto\w*|gram[- ]positi\w*|"
            r"\bcocci\b|bacteri\w*|s\. aureus|aureus|\bpus\b|pyarthros\w*", "joint_fluid.culture_positive", True, False),
    Concept("septic_dx", r"arthrite septique|septic arthritis|pyarthros\w*|arthrite (?:infectieuse|bacterienne)|"
            r"infectious arthritis|bacterial arthritis|joint infection|infected joint", "joint_fluid.culture_positive", True, None),
    Concept("culture_negative", r"\bsterile\b|cultures? (?:negatives?|steriles?)|negative cultures?",
            "joint_fluid.culture_positive", False, None),
    Concept("fluid_turbid", r"\btroubles?\b|\bturbid\b|cloudy|\blouche\b", "joint_fluid.appearance", "turbid", None),
    Concept("fluid_purulent", r"purulent\w*|\bpus\b|pyarthros\w*", "joint_fluid.appearance", "purulent", None),
    Concept("fluid_clear", r"\bclair\b|\bclear\b|citrin|limpide|straw[- ]colou?red|mecanique|non[- ]inflammatory fluid|"
            r"paucicellulaire", "joint_fluid.appearance", "clear", None),
    Concept("fluid_bloody", r"hemorragique|hematique|bloody|ha?emorrhagic|hemarthros\w*|haemarthros\w*",
            "joint_fluid.appearance", "bloody", None),
    # --- imaging findings (episode level)
    Concept("bme", r"\b(?:oe|o|e)dem(?:e|a)s?\b(?! (?:des parties molles|du pied|de la main|du membre|prenant|of the (?:soft|foot|hand|limb)))|"
            r"oedemat\w*|edemat\w*|\bbme\b|\bbmo\b|\bomo\b|bone bruis\w*|(?:increased|high|abnormal|bright) signal(?: intensity)? (?:\w+ ){0,3}(?:t2|stir|fat[- ]?(?:sat\w*|suppress\w*)|fluid[- ]sensitive|pd)\w*|hypersignal (?:t2|stir|dp)\w*|high (?:t2|stir) signal|"
            r"(?:t2|stir)[- ]hyperintens\w*|hyperintens\w* (?:on|in) (?:t2|stir|fluid)|signal (?:abnormality|anomaly) of the (?:bone )?marrow|"
            r"marrow signal (?:abnormality|change)|infiltrat (?:oedemateux|medullaire)", "mri.bone_marrow_edema", True, False,
            episode=True, modality="mri"),
    Concept("t1_low", r"hyposignal (?:en )?(?:ponderation )?t1|low (?:signal (?:on|in) )?t1|t1[- ]hypointens\w*|hypointens\w* on t1|"
            r"low t1 signal", "mri.findings", "t1_low", None, episode=True, modality="mri"),
    Concept("ill_defined", r"mal (?:limite|delimite|defini)\w*|contours? flous?|flous|ill[- ]defined|poorly (?:defined|demarcated)|"
            r"blurred (?:margins|borders)|\bdiffus\w*", "mri.findings", "ill_defined", None, episode=True, modality="mri"),
    Concept("enhancement", r"rehauss\w*|prise de contraste|enhanc\w*", "mri.findings", "enhancement", None, episode=True,
            modality="mri"),
    Concept("double_line", r"double (?:liser\w*|ligne|contour|line)|double[- ]line", "mri.findings", "double_line_sign", None,
            episode=True, modality="mri"),
    Concept("serpiginous", r"serpigin\w*|serpentin\w*|bande (?:bien limitee|de demarcation)|liser\w* de demarcation|demarcation line|"
            r"well[- ](?:demarcated|defined|delineated) (?:band|line|rim)|geographic (?:area|lesion|band)|reactive interface|"
            r"band-like (?:low signal|lesion)|bande en hyposignal", "mri.findings", "serpiginous_band", None, episode=True,
            modality="mri"),
    Concept("crescent", r"croissant|crescent", "mri.findings", "crescent_sign", None, episode=True, modality="imaging"),
    Concept("collapse", r"effondrement|collapse\w*|affaissement|tassement de la tete", "mri.findings", "collapse", None,
            episode=True, modality="imaging"),
    Concept("contour_depression", r"enfoncement|depression (?:du contour|de la surface|of the (?:articular )?(?:surface|contour))|"
            r"contour depression|aplatissement|flattening|deformation (?:du contour|de la surface)|surface irregularit\w*|"
            r"step-?off", "mri.findings", "contour_depression", None, episode=True, modality="mri"),
    Concept("subchondral_line", r"(?:liser\w*|ligne|bande|trait|zone|plage|image) (?:\w+ ){0,3}(?:en )?hyposignal (?:\w+ ){0,3}sous-?chondral\w*|"
            r"(?:liser\w*|ligne|bande) sous-?chondral\w*|hyposignal (?:\w+ ){0,2}sous-?chondral\w*|"
            r"subchondral (?:\w+ ){0,2}(?:low[- ]signal|hypointens\w*|t1[- ]hypointens\w*) (?:line|band|area|zone|focus)|"
            r"(?:low[- ]signal|hypointense) (?:subchondral )?(?:line|band|area)(?: \w+){0,3} subchondral\w*|subchondral line|subchondral band",
            "mri.findings", "subchondral_line", None, episode=True, modality="mri"),
    Concept("fracture_line", r"(?:trait|ligne|fissure) de fracture|fracture (?:line|sous-?chondrale|subchondral\w*)|"
            r"subchondral (?:insufficiency )?fracture|fracture sous-?chondrale|insufficiency fracture|"
            r"fractures? (?:de fatigue|de contrainte|par insuffisance)|stress fractures?|fissure (?:sous-?chondrale|osseuse)|\bsonk\b|\bsifk?\b",
            "mri.findings", "fracture_line", None, episode=True, modality="imaging"),
    # A bare "fracture": on imaging, a fracture line; elsewhere, the injury itself (see extract.py).
    Concept("fracture", r"(?<!pathological )(?<!stress )(?<!insufficiency )\bfractur\w*(?! pathologique| line| sous| de fatigue| de contrainte| par insuffisance)",
            "mri.findings", "fracture_line", None, episode=True, modality="imaging"),
    Concept("normal_imaging", r"\bnormale?s?\b|\bnormaux\b|sans anomalie|sans particularite|unremarkable|no abnormalit\w*|"
            r"without abnormalit\w*|pas d'anomalie|aucune anomalie|rien de particulier|strictly normal|within normal limits|"
            r"\bnegati(?:ve|f|ves|fs)\b|\bnormal signal\b|signal normal",
            "normal_imaging", True, None, episode=True),
    Concept("meniscal_root", r"(?:desinsertion|rupture|lesion|avulsion|arrachement|fissure) (?:\w+ ){0,2}racine|"
            r"(?:meniscal |meniscus )?root (?:tear|avulsion|lesion|injury)|racine (?:meniscale|posterieure)", "mri.findings",
            "meniscal_root_tear", None, episode=True, modality="mri"),
    Concept("meniscal_tear", r"(?:lesion|fissure|rupture|dechirure|languette) (?:\w+ ){0,2}menisc\w*|menisque (?:\w+ )?(?:fissure|rompu|lese)|"
            r"menisc\w* (?:tear|lesion|rupture)|torn (?:\w+ )?menisc\w*|(?:tear|lesion) of the (?:\w+ )?meniscus|"
            r"anse de seau|bucket[- ]handle", "mri.findings", "meniscal_tear", None, episode=True, modality="mri"),
    Concept("ligament_tear", r"(?:rupture|dechirure|lesion|entorse grave) (?:\w+ ){0,2}(?:ligament\w*|\blca\b|\blcp\b|\blli\b|\blle\b|croise)|"
            r"(?:\blca\b|\blcp\b|\bacl\b|\bpcl\b|\bmcl\b|\blcl\b) (?:\w+ )?(?:rompu|rupture|tear|torn|lesion)|"
            r"(?:torn|ruptured|tear of the|rupture of the) (?:\w+ ){0,2}(?:acl|pcl|ligament|cruciate)|"
            r"ligament\w* (?:tear|injury|rupture|lesion)|cruciate (?:ligament )?(?:tear|rupture|injury)",
            "mri.findings", "ligament_tear", None, episode=True, modality="mri"),
    Concept("kissing", r"(?:contusions?|lesions?) (?:osseuses? )?en miroir|kissing (?:contusions?|lesions?|bone bruises?)|"
            r"pivot[- ]shift|contusions? osseuses?|bone contusions?|bone bruis\w*|contusion du", "mri.findings", "kissing_contusions",
            None, episode=True, modality="mri"),
    Concept("synovitis", r"synovit\w*|epaississement synovial|synovial (?:thickening|hypertrophy|proliferation|enhancement)|"
            r"rehaussement synovial|hypertrophie synoviale|\bpannus\b", "mri.findings", "synovitis", None, episode=True,
            modality="mri"),
    Concept("erosions", r"erosi\w*", "mri.findings", "erosions", None, episode=True, modality="imaging"),
    Concept("confluent_t1", r"remplacement medullaire|marrow replacement|confluent\w* (?:\w+ ){0,3}(?:t1|hyposignal|low signal)|"
            r"(?:t1|hyposignal|low signal)(?: \w+){0,3} confluent\w*|replacement of (?:the )?(?:fatty )?marrow",
            "mri.findings", "confluent_t1_replacement", None, episode=True, modality="mri"),
    Concept("cortical", r"(?:destruction|rupture|effraction|lyse|erosion|interruption) (?:\w+ )?corticale?|"
            r"cortical (?:destruction|breach|disruption|erosion|break|lysis)|cortex (?:is )?(?:destroyed|breached)|"
            r"breach(?:ing)? (?:of )?the cortex", "mri.findings", "cortical_destruction", None, episode=True, modality="imaging"),
    Concept("abscess", r"abc[e]s|abscess\w*|collection (?:liquidienne )?(?:intra-?osseuse|sous-?periostee|des parties molles)|"
            r"(?:intraosseous|subperiosteal) collection", "mri.findings", "abscess", None, episode=True, modality="mri"),
    Concept("osteitis_dx", r"osteomyelit\w*|\bosteite\w*|\bosteitis\b|osteo-?arthrite septique|spondylodiscit\w*|"
            r"\bbone infection\b|infection osseuse", "mri.findings", "osteomyelitis", None, episode=True, modality="mri"),
    Concept("sequestrum", r"sequestr\w*", "mri.findings", "sequestrum", None, episode=True, modality="mri"),
    Concept("focal_lesion", r"lesion (?:\w+ )?(?:bien (?:limitee|circonscrite)|osteolytique|lytique|condensante|tumorale|expansive)|"
            r"well[- ](?:defined|circumscribed|demarcated|marginated) (?:\w+ )?(?:focal )?(?:lesion|mass|lytic)|"
            r"(?:osteo)?lytic (?:lesion|area|focus)|osteolys\w*|tumeur osseuse|bone tumou?rs?|tumou?r\b|tumeur\b|"
            r"chondrosarcom\w*|osteosarcom\w*|osteoid osteoma|osteome osteoide|\bnidus\b|ewing\w*|giant cell tumou?r|tumeur a cellules geantes|enchondrom\w*|"
            r"bone metastas\w*|metastase osseuse|lesion (?:\w+ )?suspecte", "mri.findings", "focal_lesion", None,
            episode=True, modality="imaging"),
    Concept("mass", r"(?:soft[- ]tissue|parties molles) (?:mass|component|masse)|masse (?:tissulaire|des parties molles)|"
            r"\bune masse\b|\ba mass\b", "mri.findings", "soft_tissue_mass", None, episode=True, modality="mri"),
    Concept("periosteal", r"reactions? periostee\w*|periosteal (?:reaction|new bone|elevation)|apposition periostee|periostit\w*",
            "mri.findings", "periosteal_reaction", None, episode=True, modality="imaging"),
    Concept("pathological_fracture", r"fracture pathologique|pathological fracture", "mri.findings", "pathological_fracture",
            None, episode=True, modality="imaging"),
    Concept("cartilage_loss", r"chondropathi\w*|chondrolys\w*|(?:perte|amincissement|usure|fissuration) (?:\w+ )?cartilag\w*|"
            r"cartilag\w* (?:loss|thinning|wear|defect|usee?|amincie?)|(?:worn|thinned|denuded) cartilage|chondral (?:loss|thinning|defect|wear)|"
            r"full-thickness cartilage", "mri.findings", "cartilage_loss", None, episode=True, modality="mri"),
    Concept("osteophytes", r"osteophyt\w*", "mri.findings", "osteophytes", None, episode=True, modality="imaging"),
    Concept("jsn", r"pincement\w*|joint[- ]space (?:narrowing|loss)|narrow(?:ed|ing) (?:of the )?(?:joint|articular|medial|lateral)(?: \w+)? space|"
            r"interligne (?:\w+ )?(?:pince|diminue)", "mri.findings", "joint_space_narrowing", None, episode=True, modality="imaging"),
    Concept("chondrocalcinosis_xr", r"chondrocalcinos\w*|liser\w* calcique|meniscal calcification", "radiograph.findings",
            "chondrocalcinosis", None, episode=True, modality="radiograph"),
    Concept("osteopenia_xr", r"demineralis\w*|demineraliz\w*|osteopeni\w*|radiolucen\w*|transparence osseuse|hypertransparence|"
            r"regional osteopenia|osteoporose (?:regionale|focale|localisee)", "radiograph.findings", "osteopenia", None,
            episode=True, modality="radiograph"),
    Concept("uptake", r"hyperfixa\w*|hypercapta\w*|(?:increased|intense|marked|high|focal|avid) (?:tracer )?(?:uptake|activity)|"
            r"\buptake\b|hot spot|foyer hyperfixant|remaniements? osteoblastique\w*|osteoblastic (?:remodel\w*|activity|reaction)|fixation (?:intense|accrue|augmentee)|"
            r"hyperhemi\w*|blood[- ]pool", "bone_scan.uptake", "increased", "normal", episode=True, modality="bone_scan"),
    Concept("cold_spot", r"hypofixa\w*|zone froide|cold (?:spot|area|defect|lesion)|photopeni\w*|defect of uptake|"
            r"(?:decreased|absent|reduced) uptake|absence de fixation|lacune de fixation", "bone_scan.uptake", "decreased",
            None, episode=True, modality="bone_scan"),
    Concept("focal_dxa", r"(?:diminution|baisse|perte|deficit|reduction|decrease|loss|lower) (?:\w+ ){0,4}(?:par rapport au|compared (?:with|to) the|than the|versus the|vs\.? the) (?:cote )?(?:sain|controlatera\w*|healthy|contralateral|unaffected|opposite)|"
            r"demineralisation (?:focale|regionale|localisee)|focal (?:demineralis\w*|demineraliz\w*|osteopeni\w*|osteoporo\w*|bone loss)|"
            r"(?:osteopenie|osteoporose) (?:focale|regionale|localisee)|regional (?:bone loss|osteopeni\w*)",
            "dxa.focal_osteoporosis", True, False, episode=True, modality="dxa"),
    # --- resolution (episode level)
    Concept("resolution", r"resolution|resolu\w*|resolved|resolving|regression|regress\w*|disparition|disparu\w*|"
            r"disappear\w*|normalis\w*|normaliz\w*|retour a la normale|back to normal|restitution ad integrum|ad integrum|"
            r"guerison|gueri\b|healed|healing|recovery|recovered|complete recovery|sans sequelles?|without sequelae|"
            r"free of (?:symptoms|pain)|symptom-free|pain-free|pain free|painless|indolore|asymptomatique\w*|asymptomatic|"
            r"plus de douleurs?|no (?:more|longer) (?:pain|painful|symptoms)|ne (?:souffre|se plaint) plus|no longer (?:in pain|complains?)|reprise (?:\w+ ){0,2}(?:marche|travail|activites?|sport)|"
            r"return(?:ed)? to (?:work|sport|normal|full|her|his)|resumed (?:\w+ )?activit\w*|walks? normally|marche normalement|"
            r"subsided|settled|abated|s'est estompee?|\bcede|ont cede|s'est amendee?|amendement|improved completely|completely improved",
            "resolution", True, None, episode=True),
    Concept("sequelae", r"sequelles?|sequelae", "resolution.sequelae", True, False, episode=True),
    Concept("persistent", r"persist\w*|toujours (?:douloureu\w*|present\w*)|still (?:painful|present)|ongoing pain|"
            r"no improvement|sans amelioration|aggravation", "persistent", True, None, episode=True),
]

_CONCEPT_RX = {c.id: re.compile(c.pattern) for c in CONCEPTS}
_JOINT_RX = {k: re.compile(v) for k, v in JOINT_TERMS.items()}
_SITE_RX = {k: re.compile(v[1]) for k, v in SITE_TERMS.items()}
_SIDE_RX = {k: re.compile(v) for k, v in SIDE_TERMS.items()}
_MOD_RX = {k: re.compile(v) for k, v in MODALITY_TERMS.items()}

TMO_RX = re.compile(_TMO)
TREATMENT_RX = re.compile(
    r"traite\w* (?:par|avec)|traitement|treated with|treatment|prescri\w*|was (?:given|started)|a ete (?:debute|instaure)|"
    r"infiltration|injection|intra-?articul\w*|sans (?:amelioration|effet|benefice)|without (?:benefit|improvement|relief|effect)|"
    r"conservative|conservateur|decharge|offloading|antalgi\w*|analgesi\w*|bisphosphonat\w*|\bfor (?:her|his) (?:pain|knee|hip)")
LONG_TERM_RX = re.compile(
    r"au long cours|long[- ]term|chronic|chronique|depuis (?:\d+|plusieurs|des)|for (?:\d+|several|many) (?:years|months)|"
    r"pendant (?:\d+|plusieurs) (?:ans|annees|mois)|pour (?:son|sa|une?) (?:asthme|lupus|bpco|polyarthrite|maladie|greffe|"
    r"pseudo-?polyarthrite|horton|sarcoidose|crohn)|for (?:her|his|an?) (?:asthma|copd|lupus|rheumatoid|disease|transplant|"
    r"polymyalgia|sarcoidosis|crohn)|high[- ]dose|forte dose|bolus|\bmg/(?:j|jour|day|d)\b|daily")
LIGHT_ALCOHOL_RX = re.compile(
    r"occasion\w*|social\w*|moder\w*|leger\w*|light|rare\w*|festi\w*|weekend|week-end|"
    r"\b[0-2] (?:verres?|glass(?:es)?|drinks?|units?|bieres?|beers?)|(?:un|une|one|a) (?:verre|glass|drink|beer|biere)|"
    r"peu d'alcool|little alcohol")
HEAVY_ALCOHOL_RX = re.compile(
    r"alcoolisme|ethylisme|alcoholism|alcohol (?:abuse|use disorder|dependence)|heavy|chronique|chronic|importante?|excessi\w*|"
    r"\b(?:[3-9]|\d\d) (?:verres?|glass(?:es)?|drinks?|units?|bieres?|beers?)|sevrage|withdrawal|binge|ethylique|alcoolique")
MIGRATION_RX = re.compile(
    r"migr\w*|s'est deplace\w*|deplacement|shift\w*|moved|passed to|passee? (?:au|a la|du|de la)|spread\w*|s'etend\w*|"
    r"extension (?:au|a la|vers)|gagn\w*|atteint ensuite|puis (?:au|a la|le|la)|touch\w* successivement|successive\w*|"
    r"nouvel episode|new episode|recidiv\w*|recurr\w*|relaps\w*|rechute|new (?:pain|symptoms|onset)|nouvelle douleur|"
    r"nouvelles douleurs|similar pain|douleurs? (?:identiques?|similaires?)|same (?:pain|symptoms)")
TIME_CONNECTIVE_RX = re.compile(
    r"\bpuis\b|\bensuite\b|\bthen\b|followed by|suivie? (?:d'une?|de la|du|par)|\bavant d'atteindre\b|\bpour atteindre\b|"
    r"before (?:reaching|involving|moving to|spreading to)|\band later\b|\bet plus tard\b|\bthereafter\b|\bsubsequently\b|"
    r"\bpar la suite\b|\bsecondairement\b|\bafterwards\b|\bsubsequent\b|\blater (?:involvement|extension|spread)\b")


def finditer(concept_id: str, text: str):
    return _CONCEPT_RX[concept_id].finditer(text)


def concept_matches(text: str):
    """All concept matches in a folded text: (concept, start, end)."""
    out = []
    for c in CONCEPTS:
        for m in _CONCEPT_RX[c.id].finditer(text):
            if m.end() > m.start():
                out.append((c, m.start(), m.end()))
    return out


def joint_matches(text: str):
    return [(j, m.start(), m.end()) for j, rx in _JOINT_RX.items() for m in rx.finditer(text)]


def site_matches(text: str):
    found = [(s, m.start(), m.end()) for s, rx in _SITE_RX.items() for m in rx.finditer(text)]
    # A specific site wins over a generic one on the same span (posterolateral over tibial plateau).
    found.sort(key=lambda x: (x[1], -(x[2] - x[1])))
    out: list[tuple[str, int, int]] = []
    for s, a, b in found:
        if any(a < ob and oa < b for _, oa, ob in out):
            continue
        out.append((s, a, b))
    return out


def side_matches(text: str):
    return [(s, m.start(), m.end()) for s, rx in _SIDE_RX.items() for m in rx.finditer(text)]


def modality_matches(text: str):
    return [(k, m.start(), m.end()) for k, rx in _MOD_RX.items() for m in rx.finditer(text)]
