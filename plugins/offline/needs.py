"""Shopper needs as the offline querier understands them: the catalog's attribute words (types,
colours, materials, patterns, departments, from the lexicon) and the querier's own, partial
table of the other words shoppers use, each with the catalog attributes it may stand for.

The table is the querier's guess, written for it alone: it does not know every word a shopper
uses ("kicks", "sunnies", "bone white" mean nothing to it), some words stand for several
attributes ("dark" -> black, navy, charcoal) and some guesses are wrong ("pumps" are heels to
it). The shopper's own vocabulary (`plugins/offline/shopper_words.py`) is written separately,
so the querier recovers what the user means only in part (see `plugins/offline/reading.py`)."""

from __future__ import annotations

import re

from muse_plugins.offline.lexicon import COLORS, MATERIALS, PATTERNS, PRODUCT_TYPES, find_all
from muse_plugins.offline.profile_match import POSSESSIVE

DEPARTMENTS = list(POSSESSIVE.values())

# The querier's reading of words that are not the catalog's: word -> the attributes it may mean.
# One attribute: read as that attribute. Several: a need, clarified into all of them.
PARAPHRASES: dict[str, list[str]] = {
    # colours
    "dark blue": ["navy"], "midnight blue": ["navy"], "deep blue": ["navy", "blue", "royal blue"],
    "jet black": ["black"], "pitch black": ["black"], "ebony": ["black", "brown"], "snow white": ["white"],
    "bright white": ["white"], "ecru": ["cream", "beige"], "eggshell": ["off-white", "ivory", "cream"],
    "slate": ["grey", "charcoal", "blue"], "dark grey": ["charcoal"], "graphite": ["charcoal", "grey"],
    "sand": ["beige", "khaki"], "oatmeal": ["beige", "cream"], "nude": ["beige", "pink"],
    "caramel": ["tan", "camel", "brown"], "toffee": ["tan", "brown"], "chocolate": ["brown"], "coffee": ["brown"],
    "army green": ["olive", "khaki"], "moss": ["olive", "green"], "emerald": ["green"],
    "forest green": ["dark green", "green"], "bottle green": ["dark green"], "sage": ["green", "olive", "mint"],
    "aqua": ["turquoise", "teal"], "cobalt": ["blue", "royal blue"], "baby blue": ["light blue", "sky blue"],
    "powder blue": ["light blue"], "pale blue": ["light blue", "sky blue"], "scarlet": ["red"],
    "crimson": ["red", "burgundy"], "cherry red": ["red"], "oxblood": ["burgundy", "maroon"],
    "wine red": ["burgundy", "wine"], "deep red": ["burgundy", "maroon", "red"], "blush": ["pink"],
    "rose": ["pink", "rose gold"], "fuchsia": ["pink", "purple"], "salmon": ["coral", "pink"],
    "peach": ["coral", "orange"], "violet": ["purple"], "plum": ["purple", "burgundy"], "lilac": ["lavender"],
    "mauve": ["lavender", "purple", "pink"], "mustard": ["yellow"], "lemon": ["yellow"], "tangerine": ["orange"],
    "rust": ["orange", "brown"], "golden": ["gold"], "silvery": ["silver"], "chrome": ["silver"],
    "copper": ["rose gold", "orange"],
    # materials
    "hide": ["leather", "suede"], "cowhide": ["leather"], "pleather": ["faux leather"], "nubuck": ["suede"],
    "jersey": ["cotton", "polyester"], "poplin": ["cotton"], "chambray": ["cotton", "denim"], "flax": ["linen"],
    "lambswool": ["wool"], "tweed": ["wool"], "merino": ["merino wool"], "pashmina": ["cashmere", "wool"],
    "poly": ["polyester"], "microfibre": ["polyester"], "ripstop": ["nylon"], "lycra": ["spandex", "elastane"],
    "stretch": ["spandex", "elastane"], "tencel": ["modal", "rayon", "viscose"], "lyocell": ["rayon"],
    "sherpa": ["fleece"], "velour": ["velvet"], "cord": ["corduroy"], "cords": ["corduroy"], "netting": ["mesh"],
    "latex": ["rubber"], "solid silver": ["sterling silver"], "925 silver": ["sterling silver"],
    "surgical steel": ["stainless steel"], "vermeil": ["gold-plated"], "gold-dipped": ["gold-plated"],
    "sateen": ["satin"], "dark wood": ["walnut"], "hardwood": ["oak", "walnut", "teak"], "cane": ["rattan", "wicker"],
    # patterns
    "stripes": ["striped"], "pinstripes": ["striped"], "tartan": ["checked"], "checks": ["checked"],
    "houndstooth": ["checked"], "flowers": ["floral"], "flowery": ["floral"], "spots": ["polka dot", "animal print"],
    "dotted": ["polka dot"], "two-tone": ["colour-block"], "plain": ["solid"], "unpatterned": ["solid"],
    "logo": ["graphic print"],
    # kinds of item
    "jumper": ["sweater"], "pullover": ["sweater", "sweatshirt", "hoodie"], "knit": ["sweater", "cardigan"],
    "hoody": ["hoodie"], "hooded": ["hoodie", "jacket"], "crewneck": ["sweatshirt", "sweater", "t-shirt"],
    "windbreaker": ["jacket"], "bomber": ["jacket"], "overcoat": ["coat"], "trench": ["coat"],
    "puffer": ["parka", "jacket", "coat"], "anorak": ["parka", "jacket"], "gilet": ["vest"], "waistcoat": ["vest"],
    "frock": ["dress"], "gown": ["dress"], "sundress": ["dress"], "playsuit": ["romper", "jumpsuit"],
    "all-in-one": ["jumpsuit", "romper"], "denims": ["jeans"], "slacks": ["trousers"],
    "bottoms": ["trousers", "shorts", "skirt"], "track pants": ["joggers"],
    "sweatpants": ["joggers"], "trackies": ["joggers"], "bathing suit": ["swimsuit"],
    "swimming costume": ["swimsuit"], "board shorts": ["swim trunks", "shorts"], "pjs": ["pajamas"],
    "sleepwear": ["pajamas"], "trainers": ["sneakers", "running shoes"], "runners": ["running shoes", "sneakers"],
    "walking boots": ["hiking boots", "boots"], "stilettos": ["heels"], "high heels": ["heels"],
    "slip-ons": ["loafers", "sneakers"], "moccasins": ["loafers", "slippers"], "ballerinas": ["flats"],
    "brogues": ["oxford shoes"], "lace-ups": ["oxford shoes", "sneakers", "boots"], "sliders": ["sandals", "slippers"],
    "chain": ["necklace", "bracelet"], "choker": ["necklace"], "studs": ["earrings"],
    "hoops": ["earrings"], "bangle": ["bracelet"], "cuff": ["bracelet"], "wristwatch": ["watch"],
    "timepiece": ["watch"], "shoulder bag": ["handbag"], "rucksack": ["backpack"],
    "daypack": ["backpack"], "knapsack": ["backpack"], "billfold": ["wallet"], "fedora": ["hat"], "sun hat": ["hat"],
    "snapback": ["cap"], "woolly hat": ["beanie", "hat"], "shawl": ["scarf"], "wrap": ["scarf", "dress"],
    "shades": ["sunglasses"], "mittens": ["gloves"], "necktie": ["tie"], "dungarees": ["overalls"],
    "dressing gown": ["robe"], "wellies": ["rain boots"], "wellingtons": ["rain boots"], "holdall": ["duffel bag"],
    "bum bag": ["belt bag"], "brolly": ["umbrella"], "evening bag": ["clutch", "handbag"], "pantyhose": ["tights"],
    # departments
    "for women": ["women's"], "ladies": ["women's"], "for men": ["men's"], "gents": ["men's"],
    "for a girl": ["girls'"], "for my daughter": ["girls'"], "for a boy": ["boys'"], "for my son": ["boys'"],
    # vague words
    "dark": ["black", "navy", "charcoal"], "pale": ["white", "cream", "light blue"],
    "light colour": ["white", "beige", "cream"], "bright": ["red", "yellow", "orange"], "bold": ["red", "orange"],
    "earthy": ["brown", "olive", "khaki"], "neutral": ["beige", "grey", "white", "black"], "cool": ["blue", "grey"],
    "natural fibres": ["cotton", "linen", "wool"], "natural fabric": ["cotton", "linen", "wool"],
    "synthetic": ["polyester", "nylon"], "technical": ["polyester", "nylon"], "cosy": ["wool", "fleece"],
    "snug": ["wool", "fleece"], "dressy": ["satin", "silk"], "sheen": ["satin", "silk"],
    "hard-wearing": ["denim", "canvas"], "sturdy": ["leather", "canvas", "denim"],
    "rugged": ["denim", "canvas", "leather"], "metal": ["stainless steel", "sterling silver"],
    "tarnish": ["stainless steel", "sterling silver"], "drapey": ["viscose", "rayon"], "flowy": ["viscose", "silk"],
    "pattern": ["printed", "striped", "floral", "checked"], "simple": ["solid"],
    "preppy": ["striped", "checked"], "playful": ["floral", "printed", "polka dot"],
    "feet": ["shoes", "sneakers", "boots"], "footwear": ["shoes", "sneakers", "boots"],
    "jewellery": ["necklace", "earrings", "bracelet"], "carry my things": ["bag", "backpack", "tote bag"],
    "legs": ["trousers", "jeans"], "on top": ["top", "shirt", "sweater"], "outer layer": ["jacket", "coat"],
    "throw over": ["jacket", "cardigan"],
    # abstract needs ("quick to dry" -> nylon, polyester: paper 3.3.2), by their key words
    "breathable": ["linen", "cotton", "mesh"], "warm hours": ["linen", "cotton"], "heat": ["linen", "cotton"],
    "soft against skin": ["cotton"], "warm": ["wool", "fleece"], "warm yet light": ["merino wool"],
    "chilly": ["fleece", "wool"], "age well": ["leather"], "refined": ["suede", "silk"],
    "quick to dry": ["nylon", "polyester"], "easy to wash": ["polyester", "cotton"], "airy": ["mesh", "linen"],
    "daily wear": ["denim", "cotton"], "stretchy": ["spandex", "elastane"], "move freely": ["spandex", "elastane"],
    "rain": ["nylon", "polyester", "rubber"], "sensitive skin": ["sterling silver", "titanium"],
    "shine": ["gold", "gold-plated"], "gleam": ["satin", "silk"], "floaty": ["silk", "viscose"],
    "forgiving": ["black", "navy"], "calm": ["navy", "blue"], "crisp": ["white"], "standout": ["red"],
    "rich": ["burgundy", "brown"], "cheerful": ["yellow", "pink"], "sunny": ["yellow"], "lively": ["orange", "red"],
    "jewel tone": ["purple", "green", "teal"], "metallic": ["gold", "silver"],
    "easy to care for": ["polyester", "cotton"], "quick to pack": ["nylon", "polyester"],
    "light to carry": ["nylon"],
}
KINDS = {kind for kind, _ in PRODUCT_TYPES.values()}
# The catalog's own words and values: always read as themselves, whatever the table above says.
CATALOG_WORDS = set(DEPARTMENTS) | set(PRODUCT_TYPES) | KINDS | set(COLORS) | set(MATERIALS) | set(PATTERNS) | \
    set(PATTERNS.values())
# Needs: words that stand for several attributes; the querier clarifies them into all of them.
CLARIFY: dict[str, list[str]] = {word: means for word, means in PARAPHRASES.items()
                                 if len(means) > 1 and word not in CATALOG_WORDS}
# Words the querier reads as one catalog attribute.
SAME_AS: dict[str, str] = {word: means[0] for word, means in PARAPHRASES.items()
                           if len(means) == 1 and word not in CATALOG_WORDS}


def attribute_terms(text: str) -> list[str]:
    """Catalog attribute words in a text, in order: departments, types, colours, materials, patterns."""
    lowered = text.lower()
    found = [d for d in DEPARTMENTS if re.search(rf"(?<![a-z]){re.escape(d)}", lowered)]
    found += find_all(text, sorted(PRODUCT_TYPES, key=len, reverse=True))
    found += find_all(text, COLORS) + find_all(text, MATERIALS) + find_all(text, sorted(PATTERNS, key=len, reverse=True))
    return list(dict.fromkeys(found))


def canonical(term: str) -> str:
    """The catalog's value for a lexicon word ("pants" -> "trousers", "plaid" -> "checked")."""
    if term in PRODUCT_TYPES:
        return PRODUCT_TYPES[term][0]
    return PATTERNS.get(term, term)


def product_type_of(term: str) -> str | None:
    if term in PRODUCT_TYPES:
        return PRODUCT_TYPES[term][0]
    return term if term in KINDS else None


def a_kind(kind: str) -> str:
    """'a jacket', 'an olive coat', 'a pair of boots': the article a shopper would use."""
    last = kind.split()[-1] if kind else "item"
    if last.endswith("s") and last not in {"dress", "swimsuit", "bikinis"}:
        return f"a pair of {kind}" if last in PAIRED else f"some {kind}"
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"


PAIRED = {"trousers", "jeans", "shorts", "leggings", "joggers", "sneakers", "boots", "sandals", "heels", "loafers",
          "flats", "slippers", "clogs", "shoes", "socks", "earrings", "gloves", "sunglasses", "pajamas",
          "swim trunks", "trunks"}
