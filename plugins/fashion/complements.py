"""What goes with what in an outfit: the fashion domain's complement rule for the multimodal
opening (paper A.3: "please select a T-shirt to complement these pants")."""

from __future__ import annotations

TOPS = ["t-shirt", "shirt", "blouse", "polo shirt", "tank top", "top", "sweater", "cardigan", "hoodie", "sweatshirt"]
BOTTOMS = ["jeans", "trousers", "shorts", "skirt", "leggings", "joggers"]
OUTER = ["jacket", "coat", "blazer", "parka", "vest"]
SHOES = ["sneakers", "running shoes", "boots", "hiking boots", "sandals", "heels", "loafers", "flats", "shoes",
         "oxford shoes", "clogs", "slippers"]
JEWELRY = ["necklace", "earrings", "ring", "bracelet", "anklet", "watch"]
BAGS = ["handbag", "tote bag", "crossbody bag", "purse", "backpack", "bag"]
HEADWEAR = ["hat", "cap", "beanie", "scarf", "sunglasses"]
ONE_PIECE = ["dress", "jumpsuit", "romper", "suit"]


def _rule() -> dict[str, list[str]]:
    rule: dict[str, list[str]] = {}
    for t in TOPS:
        rule[t] = BOTTOMS + OUTER + SHOES[:4]
    for t in BOTTOMS:
        rule[t] = TOPS + SHOES[:8]
    for t in OUTER:
        rule[t] = TOPS + BOTTOMS + ["dress", "scarf"]
    for t in SHOES:
        rule[t] = BOTTOMS + ONE_PIECE[:2] + ["socks"]
    for t in JEWELRY:
        rule[t] = ONE_PIECE[:2] + ["blouse", "top", "shirt"] + JEWELRY
    for t in BAGS:
        rule[t] = ONE_PIECE[:2] + OUTER[:3] + ["shoes", "heels", "sneakers"]
    for t in HEADWEAR:
        rule[t] = OUTER + TOPS[:4] + ["dress"]
    for t in ONE_PIECE:
        rule[t] = SHOES + JEWELRY + BAGS[:3] + OUTER[:3]
    rule["swimsuit"] = ["sandals", "hat", "sunglasses", "tote bag", "shorts"]
    rule["swim trunks"] = ["t-shirt", "sandals", "cap", "sunglasses"]
    rule["socks"] = ["sneakers", "boots", "running shoes"]
    return {t: [c for c in dict.fromkeys(cs) if c != t] for t, cs in rule.items()}


COMPLEMENTS = _rule()
