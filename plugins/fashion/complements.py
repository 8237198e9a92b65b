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
    for t, cs in MORE.items():  # types with no entry above; the entries above stay as they are
        assert t not in rule, t
        rule[t] = cs
    return {t: [c for c in dict.fromkeys(cs) if c != t] for t, cs in rule.items()}


# Types of generated catalogs (plugins/fashion/catalog_generator.py) that the lists above leave out.
MORE: dict[str, list[str]] = {
    "overalls": ["t-shirt", "shirt", "tank top", "sweater", "hoodie", "sneakers", "boots", "rain boots", "cap"],
    "tights": ["dress", "skirt", "boots", "heels", "flats", "loafers", "coat"],
    "pajamas": ["robe", "slippers", "socks"],
    "robe": ["pajamas", "slippers", "socks"],
    "rain boots": ["jeans", "leggings", "jacket", "parka", "coat", "umbrella", "socks", "overalls"],
    "mules": ["jeans", "trousers", "skirt", "dress", "jumpsuit", "blouse", "tote bag"],
    "espadrilles": ["shorts", "skirt", "dress", "jumpsuit", "romper", "trousers", "hat", "sunglasses"],
    "flip-flops": ["shorts", "swimsuit", "swim trunks", "t-shirt", "tank top", "sunglasses", "hat", "tote bag"],
    "brooch": ["coat", "blazer", "cardigan", "sweater", "dress", "scarf", "blouse"],
    "cufflinks": ["shirt", "suit", "blazer", "tie", "watch", "oxford shoes"],
    "clutch": ["dress", "jumpsuit", "heels", "earrings", "necklace", "bracelet", "blazer"],
    "duffel bag": ["sneakers", "hoodie", "joggers", "jacket", "t-shirt", "cap", "jeans"],
    "belt bag": ["t-shirt", "hoodie", "jeans", "shorts", "joggers", "sneakers", "jacket"],
    "umbrella": ["coat", "jacket", "parka", "rain boots", "boots", "scarf", "tote bag"],
    "wallet": ["jeans", "trousers", "jacket", "blazer", "belt", "watch", "card holder"],
    "card holder": ["wallet", "blazer", "jacket", "trousers", "watch", "tote bag"],
    "belt": ["jeans", "trousers", "shorts", "dress", "skirt", "shirt", "loafers", "boots"],
    "gloves": ["coat", "parka", "jacket", "scarf", "beanie", "boots"],
    "tie": ["shirt", "suit", "blazer", "trousers", "oxford shoes", "loafers", "cufflinks"],
}


COMPLEMENTS = _rule()
