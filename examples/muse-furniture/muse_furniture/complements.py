"""What goes with what in a room: the furniture domain's complement rule for the multimodal
opening ("I have this sofa (photo): find me a piece that goes with it").

Keys and values are product types as the product summary names them (for the offline engine:
the furniture words of plugins/offline/lexicon.py PRODUCT_TYPES). The stylist is told the list
for the target's type as suggestions; the shopper's own piece is then searched in the catalog.
"""

from __future__ import annotations

# pieces that furnish the same room
LIVING = ["sofa", "armchair", "coffee table", "side table", "tv stand", "bookcase", "floor lamp", "table lamp",
          "rug", "cushion", "throw blanket", "curtains", "mirror", "vase"]
BEDROOM = ["bed frame", "nightstand", "dresser", "table lamp", "rug", "throw blanket", "cushion", "curtains",
           "mirror", "armchair"]
DINING = ["dining table", "dining chair", "rug", "vase", "mirror", "curtains", "side table"]
STUDY = ["desk", "desk chair", "bookcase", "floor lamp", "table lamp", "rug"]
NURSERY = ["crib", "changing table", "rocking chair", "dresser", "rug", "curtains", "armchair"]

# type -> what goes with it, most telling first
RULE: dict[str, list[str]] = {
    "sofa": ["coffee table", "rug", "floor lamp", "cushion", "throw blanket", "side table", "armchair", "curtains"],
    "armchair": ["side table", "floor lamp", "cushion", "throw blanket", "rug", "sofa"],
    "coffee table": ["sofa", "rug", "armchair", "vase", "tv stand"],
    "side table": ["armchair", "sofa", "table lamp", "vase", "nightstand"],
    "tv stand": ["sofa", "coffee table", "rug", "bookcase", "floor lamp"],
    "bookcase": ["desk", "armchair", "floor lamp", "rug", "vase"],
    "dining table": ["dining chair", "rug", "vase", "curtains", "mirror"],
    "dining chair": ["dining table", "rug", "cushion", "curtains"],
    "desk": ["desk chair", "table lamp", "bookcase", "rug", "floor lamp"],
    "desk chair": ["desk", "rug", "floor lamp", "bookcase"],
    "bed frame": ["nightstand", "table lamp", "rug", "throw blanket", "dresser", "curtains", "cushion"],
    "nightstand": ["bed frame", "table lamp", "rug", "mirror", "dresser"],
    "dresser": ["mirror", "bed frame", "nightstand", "table lamp", "vase"],
    "crib": ["changing table", "rocking chair", "rug", "curtains", "dresser"],
    "changing table": ["crib", "rocking chair", "rug", "dresser"],
    "rocking chair": ["crib", "cushion", "throw blanket", "rug", "floor lamp", "side table"],
    "floor lamp": ["armchair", "sofa", "side table", "bookcase", "rug"],
    "table lamp": ["nightstand", "desk", "side table", "dresser", "vase"],
    "rug": ["sofa", "coffee table", "armchair", "bed frame", "dining table", "curtains", "cushion"],
    "cushion": ["sofa", "armchair", "throw blanket", "rug", "curtains"],
    "throw blanket": ["sofa", "armchair", "cushion", "bed frame", "rug"],
    "curtains": ["sofa", "rug", "cushion", "bed frame", "armchair"],
    "mirror": ["dresser", "side table", "vase", "rug", "nightstand"],
    "vase": ["coffee table", "dining table", "side table", "dresser", "mirror"],
}


def _rule() -> dict[str, list[str]]:
    """The rule with the rest of each type's rooms appended, without repeats or the type itself."""
    rooms = [LIVING, BEDROOM, DINING, STUDY, NURSERY]
    rule = {}
    for ptype, goes_with in RULE.items():
        more = [t for room in rooms if ptype in room for t in room]
        rule[ptype] = [t for t in dict.fromkeys(goes_with + more) if t != ptype]
    return rule


COMPLEMENTS = _rule()
