"""Offline answer to `profile_match` (paper Figure 16): Yes only if the product suits the persona
(who wears it: age group and gender of the department) AND the scenario (what the occasion
calls for: product types that fit it)."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.vision import ImageFacts

# scenario words -> product types that suit them (types as the product summary names them). A
# pattern matches at the start of a word ("run" finds "running", not "brunch"; "present" finds
# "presents", not "presenting"), and each need lists every type of the summary's lexicon that
# serves it, so a fitting pair is not refused for a word the table forgot. A type no need lists
# (furniture, say) is one the table has no opinion on: no scenario word rules it out.
_SPORT_WEAR = {"running shoes", "sneakers", "leggings", "shorts", "t-shirt", "tank top", "top", "hoodie", "sweatshirt",
               "joggers", "socks", "cap", "sunglasses", "watch", "backpack", "bag", "jacket", "vest", "bra",
               "belt bag", "duffel bag"}
_TOPS = {"t-shirt", "shirt", "blouse", "polo shirt", "top", "tank top"}
_SMART = {"shirt", "blouse", "polo shirt", "top", "blazer", "suit", "trousers", "skirt", "dress", "jumpsuit",
          "cardigan", "sweater", "loafers", "oxford shoes", "flats", "heels", "mules", "shoes", "belt", "tie", "watch",
          "tights", "cufflinks"}
_JEWELRY = {"necklace", "earrings", "ring", "bracelet", "anklet", "brooch", "cufflinks", "watch"}
_BAGS = {"handbag", "tote bag", "crossbody bag", "purse", "bag", "backpack", "wallet", "card holder"}
NEEDS: list[tuple[str, set[str]]] = [
    (r"\b(?:run|jog|marathon|10k|triathlon|spin|gym|pilates|yoga|badminton|tennis|volleyball|fitness|squash|"
     r"fencing|archery|rowing|parkour|water polo|aqua|boulder|tai chi|danc|salsa|cycl|bik|golf|skating|training|"
     r"sport|workout|football|basketball|netball|hockey|athletic)",
     _SPORT_WEAR | {"swimsuit", "swim trunks"}),
    (r"\b(?:hik|trail|camp|climb|orienteer|mountain|nordic|kayak|paddle|outdoor|arctic|snowshoe|walk|hills?\b)",
     _SPORT_WEAR | {"hiking boots", "boots", "rain boots", "parka", "hat", "beanie", "scarf", "gloves", "trousers",
                   "coat", "overalls"}),
    (r"\b(?:swim|beach|coast|seaside|pool|surf|lake|heatwave|summer|vacation|holiday|pier|sun\b|hot\b)",
     _TOPS | {"swimsuit", "swim trunks", "shorts", "sandals", "hat", "cap", "sunglasses", "dress", "skirt",
              "romper", "jumpsuit", "flats", "anklet", "tote bag", "handbag", "bag", "sneakers", "flip-flops",
              "espadrilles", "mules", "belt bag", "duffel bag"}),
    (r"\b(?:winter|cold|snow|ski\b|skiing|ice\b|rain|autumn|frost|wet|chill|storm)",
     {"coat", "jacket", "parka", "vest", "sweater", "cardigan", "sweatshirt", "hoodie", "boots", "hiking boots",
      "scarf", "hat", "beanie", "gloves", "trousers", "jeans", "socks", "leggings", "joggers", "slippers",
      "pajamas", "rain boots", "umbrella", "tights", "robe"}),
    (r"\b(?:wedding|gala|award|premiere|opening|christening|engagement|formal|date\b|dinner|cocktail|concert|"
     r"theatre|party|reunion|jubilee|ceremony|vow|launch|bar mitzvah|quincea|toast|guest|tasting|screening)",
     _SMART | _JEWELRY | {"handbag", "crossbody bag", "purse", "clutch"}),
    (r"\b(?:office|interview|work|job|client|court\b|courtroom|meeting|investor|team lead|tutor|teach|conference|shift|"
     r"intern\b|internship|career|promotion|business|commut|manager|bank|lab\b|nurses?\b|nursing|ward\b|construction|uniform)",
     _SMART | _BAGS | {"coat", "jacket", "vest", "boots", "sneakers", "running shoes", "clogs", "backpack", "overalls",
                      "umbrella"}),
    (r"\b(?:gifts?\b|presents?\b|thank-you|birthday|anniversary|retir|christmas|surpris)",
     _JEWELRY | _BAGS | {"scarf", "sunglasses", "hat", "beanie", "gloves", "sweater", "cardigan", "hoodie",
                         "sweatshirt", "belt", "slippers", "pajamas", "robe", "socks", "tie", "umbrella"}),
]
NEED_TYPES = set().union(*(types for _, types in NEEDS))  # the types the table has an opinion on
ADULT_DEPARTMENTS = {"women": "female", "men": "male"}
# how a shopper or a listing names each department's wear: "a women's coat", "a boys' jacket"
POSSESSIVE = {"women": "women's", "men": "men's", "girls": "girls'", "boys": "boys'"}
CHILD_DEPARTMENTS = {"girls": "female", "boys": "male"}


def department(product: dict[str, Any]) -> str | None:
    """women | men | girls | boys, from the category path or the title."""
    words = " ".join([*(product.get("categories") or []), product.get("title") or ""]).lower()
    for name in ("girls", "boys", "women", "men"):
        if re.search(rf"\b{name}('s|')?\b", words):
            return name
    return None


def suits_person(persona: dict[str, Any], product: dict[str, Any], gift: bool) -> str | None:
    """Why the product does not suit the person, or None when it does."""
    if gift:  # bought for someone else: who wears it is the recipient
        return None
    dept, age, gender = department(product), persona["age"], persona["gender"]
    if dept in CHILD_DEPARTMENTS and age >= 16:
        return f"it is a {dept}' item and the user is {age}"
    if dept in ADULT_DEPARTMENTS and age <= 12:
        return f"it is sized for adults and the user is {age}"
    wearer = ADULT_DEPARTMENTS.get(dept or "") or CHILD_DEPARTMENTS.get(dept or "")
    if wearer and gender != "unspecified" and wearer != gender:
        return f"it is cut for the {dept}' department and the user is {gender}"
    return None


def suits_scenario(product_type: str, scenario: str) -> bool | None:
    """Whether a product type fits what the scenario calls for; None when the scenario says nothing,
    or when the type is one no need lists (the table cannot tell what a sofa suits)."""
    if product_type not in NEED_TYPES:
        return None
    wanted = set().union(*(types for pattern, types in NEEDS if re.search(pattern, scenario.lower())))
    return product_type in wanted if wanted else None


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    persona, product, scenario = inputs["persona"], inputs["product"], inputs["scenario"].lower()
    ptype = (product.get("attributes") or {}).get("product_type", "")
    gift = bool(re.search(r"\b(?:gifts?|presents?)\b", scenario))
    unsuitable = suits_person(persona, product, gift)
    if unsuitable:
        return {"answer": "No", "reason": f"The product does not match the user: {unsuitable}."}
    fits = suits_scenario(ptype, scenario)
    if fits is False:
        return {"answer": "No", "reason": f"A {ptype} does not fit the scenario '{inputs['scenario']}'."}
    if fits is None and rng.random() < 0.3:  # nothing in the scenario speaks for or against it
        return {"answer": "No", "reason": f"Nothing ties a {ptype} to the scenario '{inputs['scenario']}'."}
    return {"answer": "Yes", "reason": f"A {ptype} suits {persona['name']} and the scenario."}
