"""Offline answer to `profile_match` (paper Figure 16): Yes only if the product suits the persona
(who wears it: age group and gender of the department) AND the scenario (what the occasion
calls for: product types that fit it)."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.vision import ImageFacts

# scenario words -> product types that suit them (types as the product summary names them)
NEEDS: list[tuple[str, set[str]]] = [
    (r"run|marathon|10k|fun run|triathlon|spin|gym|pilates|yoga|badminton|tennis|volleyball|fitness",
     {"running shoes", "sneakers", "leggings", "shorts", "t-shirt", "hoodie", "tank top", "joggers", "swimsuit",
      "backpack", "cap", "sunglasses", "watch"}),
    (r"hik|trail|camp|climb|orienteer|mountain|nordic|kayak|paddle|outdoor|arctic",
     {"hiking boots", "boots", "jacket", "backpack", "shorts", "hoodie", "t-shirt", "hat", "sunglasses", "leggings",
      "sneakers", "socks", "scarf", "watch"}),
    (r"swim|beach|coast|pool|surf|lake|heatwave|summer|vacation",
     {"swimsuit", "swim trunks", "shorts", "sandals", "hat", "sunglasses", "dress", "t-shirt", "tote bag",
      "handbag", "shirt", "skirt"}),
    (r"winter|cold|snow|ski|ice skat|rain|autumn",
     {"coat", "jacket", "sweater", "boots", "scarf", "hat", "beanie", "gloves", "hoodie", "trousers", "jeans"}),
    (r"wedding|gala|award|premiere|opening|christening|engagement|formal|date|dinner|cocktail|concert|theatre|party",
     {"dress", "blazer", "suit", "heels", "shirt", "loafers", "skirt", "necklace", "earrings", "ring", "bracelet",
      "watch", "handbag", "trousers", "flats", "tie"}),
    (r"office|interview|work|job|client|court|meeting|investor|team lead|tutor|teaching|conference|shift|intern",
     {"shirt", "blazer", "trousers", "loafers", "flats", "heels", "watch", "handbag", "tote bag", "backpack",
      "bag", "sweater", "skirt", "dress", "coat", "belt", "wallet", "boots", "sneakers", "running shoes"}),
    (r"gift|present|thank-you|birthday|anniversary|retire",
     {"necklace", "earrings", "ring", "bracelet", "watch", "scarf", "wallet", "handbag", "tote bag", "sunglasses",
      "hat", "sweater", "belt", "backpack", "card holder", "slippers", "hoodie"}),
]
ADULT_DEPARTMENTS = {"women": "female", "men": "male"}
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
    """Whether a product type fits what the scenario calls for; None when the scenario says nothing."""
    wanted = set().union(*(types for pattern, types in NEEDS if re.search(pattern, scenario.lower())))
    return product_type in wanted if wanted else None


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    persona, product, scenario = inputs["persona"], inputs["product"], inputs["scenario"].lower()
    ptype = (product.get("attributes") or {}).get("product_type", "")
    gift = bool(re.search(r"gift|present", scenario))
    unsuitable = suits_person(persona, product, gift)
    if unsuitable:
        return {"answer": "No", "reason": f"The product does not match the user: {unsuitable}."}
    fits = suits_scenario(ptype, scenario)
    if fits is False:
        return {"answer": "No", "reason": f"A {ptype} does not fit the scenario '{inputs['scenario']}'."}
    if fits is None and rng.random() < 0.3:  # nothing in the scenario speaks for or against it
        return {"answer": "No", "reason": f"Nothing ties a {ptype} to the scenario '{inputs['scenario']}'."}
    return {"answer": "Yes", "reason": f"A {ptype} suits {persona['name']} and the scenario."}
