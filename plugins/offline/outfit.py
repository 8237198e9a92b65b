"""Offline answers of the multimodal opening (paper A.3): the stylist describes a complementary
item; the consultant checks, from both photos, that the pair coordinates and suits the scenario."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.profile_match import POSSESSIVE, department, suits_scenario
from muse_plugins.offline.vision import ImageFacts

NEUTRALS = {"black", "white", "grey", "silver", "navy", "beige", "khaki", "brown", "gold"}
# colour pairs that clash for the consultant (neither is a neutral)
CLASHES = {frozenset(p) for p in [("red", "pink"), ("red", "orange"), ("orange", "pink"), ("green", "red"),
                                   ("purple", "orange"), ("yellow", "purple"), ("teal", "red"), ("olive", "pink")]}


def stylist(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, str]:
    target = inputs["target"]
    facts = target.get("attributes") or {}
    # only a kind the domain's complement rule offers; with none offered, the opening is refused
    kind = rng.choice(inputs.get("complements") or ["none"])
    seen = images[0].colors if images and images[0].colors else facts.get("colors") or []
    base = seen[0] if seen else "neutral"
    colour = rng.choice(sorted(NEUTRALS - {base})) if base not in NEUTRALS or rng.random() < 0.5 else \
        rng.choice(["blue", "green", "red", "pink", "olive", "burgundy", "light blue"])
    style = rng.choice(["classic", "relaxed", "tailored", "casual", "smart", "minimal"])
    dept = department(target)  # the outfit is worn by the same person
    who = f"{POSSESSIVE[dept]} " if dept else ""
    return {"item_type": kind, "description": f"a {style} {colour} {who}{kind} to wear with a {base} "
                                              f"{facts.get('product_type', 'piece')}"}


def check(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, str]:
    outfit, target = inputs["outfit"], inputs["target"]
    o, t = outfit.get("attributes") or {}, target.get("attributes") or {}
    o_dept, t_dept = department(outfit), department(target)
    if o_dept and t_dept and o_dept != t_dept:
        return {"answer": "No", "reason": f"a {POSSESSIVE[o_dept]} {o.get('product_type')} and a "
                                          f"{POSSESSIVE[t_dept]} {t.get('product_type')} are not one person's outfit"}
    o_colours = images[0].colors if images and images[0].colors else o.get("colors") or []
    t_colours = images[1].colors if len(images) > 1 and images[1].colors else t.get("colors") or []
    clash = next((frozenset((a, b)) for a in o_colours[:1] for b in t_colours[:1] if frozenset((a, b)) in CLASHES), None)
    if clash:
        return {"answer": "No", "reason": f"the {' and '.join(sorted(clash))} clash"}
    if o.get("pattern") not in (None, "solid") and t.get("pattern") not in (None, "solid") and rng.random() < 0.7:
        return {"answer": "No", "reason": f"two patterns ({o['pattern']}, {t['pattern']}) compete"}
    if suits_scenario(o.get("product_type", ""), inputs["scenario"]) is False:
        return {"answer": "No", "reason": f"a {o.get('product_type')} does not suit the scenario"}
    return {"answer": "Yes", "reason": f"the {o_colours[0] if o_colours else ''} {o.get('product_type')} "
                                       f"coordinates with the {t.get('product_type')}".replace("  ", " ")}
