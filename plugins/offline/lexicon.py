"""Words the offline engine recognises in product text. Plain lists, longest phrases first."""

from __future__ import annotations

import random
import re
from functools import lru_cache

PRODUCT_TYPES = {
    # phrase -> (product type, group)
    "t-shirt": ("t-shirt", "clothing"), "tee": ("t-shirt", "clothing"), "blouse": ("blouse", "clothing"),
    "button-down": ("shirt", "clothing"), "shirt": ("shirt", "clothing"), "polo": ("polo shirt", "clothing"),
    "tank top": ("tank top", "clothing"), "top": ("top", "clothing"),
    "sweater": ("sweater", "clothing"), "cardigan": ("cardigan", "clothing"), "hoodie": ("hoodie", "clothing"),
    "sweatshirt": ("sweatshirt", "clothing"), "jacket": ("jacket", "clothing"), "coat": ("coat", "clothing"),
    "parka": ("parka", "clothing"), "vest": ("vest", "clothing"), "blazer": ("blazer", "clothing"),
    "suit": ("suit", "clothing"), "dress": ("dress", "clothing"), "jumpsuit": ("jumpsuit", "clothing"),
    "romper": ("romper", "clothing"), "skirt": ("skirt", "clothing"), "jeans": ("jeans", "clothing"),
    "trousers": ("trousers", "clothing"), "pants": ("trousers", "clothing"), "chinos": ("trousers", "clothing"),
    "shorts": ("shorts", "clothing"), "leggings": ("leggings", "clothing"), "joggers": ("joggers", "clothing"),
    "swimsuit": ("swimsuit", "clothing"), "bikini": ("swimsuit", "clothing"), "swim trunks": ("swim trunks", "clothing"),
    "pajama": ("pajamas", "clothing"), "socks": ("socks", "clothing"), "bra": ("bra", "clothing"),
    "running shoes": ("running shoes", "shoes"), "sneakers": ("sneakers", "shoes"), "sneaker": ("sneakers", "shoes"),
    "hiking boots": ("hiking boots", "shoes"), "boots": ("boots", "shoes"), "boot": ("boots", "shoes"),
    "sandals": ("sandals", "shoes"), "sandal": ("sandals", "shoes"), "heels": ("heels", "shoes"),
    "pumps": ("heels", "shoes"), "loafers": ("loafers", "shoes"), "flats": ("flats", "shoes"),
    "slippers": ("slippers", "shoes"), "clogs": ("clogs", "shoes"), "oxfords": ("oxford shoes", "shoes"),
    "shoes": ("shoes", "shoes"),
    "necklace": ("necklace", "jewelry"), "pendant": ("necklace", "jewelry"), "earrings": ("earrings", "jewelry"),
    "ring": ("ring", "jewelry"), "bracelet": ("bracelet", "jewelry"), "anklet": ("anklet", "jewelry"),
    "watch": ("watch", "accessories"), "handbag": ("handbag", "accessories"), "tote": ("tote bag", "accessories"),
    "crossbody": ("crossbody bag", "accessories"), "purse": ("purse", "accessories"),
    "backpack": ("backpack", "accessories"), "wallet": ("wallet", "accessories"),
    "card holder": ("card holder", "accessories"), "belt": ("belt", "accessories"), "hat": ("hat", "accessories"),
    "cap": ("cap", "accessories"), "beanie": ("beanie", "accessories"), "scarf": ("scarf", "accessories"),
    "sunglasses": ("sunglasses", "accessories"), "gloves": ("gloves", "accessories"), "tie": ("tie", "accessories"),
    "bag": ("bag", "accessories"),
    # home furniture (the muse-furniture example plugin); compound names only where a bare word
    # ("table", "chair", "lamp", "bed") would also match everyday speech
    "sofa": ("sofa", "furniture"), "couch": ("sofa", "furniture"), "armchair": ("armchair", "furniture"),
    "rocking chair": ("rocking chair", "furniture"), "dining chair": ("dining chair", "furniture"),
    "desk chair": ("desk chair", "furniture"),
    "coffee table": ("coffee table", "furniture"), "side table": ("side table", "furniture"),
    "dining table": ("dining table", "furniture"), "changing table": ("changing table", "furniture"),
    "desk": ("desk", "furniture"), "bookcase": ("bookcase", "furniture"), "bookshelf": ("bookcase", "furniture"),
    "tv stand": ("tv stand", "furniture"), "dresser": ("dresser", "furniture"),
    "chest of drawers": ("dresser", "furniture"), "nightstand": ("nightstand", "furniture"),
    "bedside table": ("nightstand", "furniture"), "bed frame": ("bed frame", "furniture"),
    "crib": ("crib", "furniture"), "floor lamp": ("floor lamp", "decor"), "table lamp": ("table lamp", "decor"),
    "rug": ("rug", "decor"), "cushion": ("cushion", "decor"), "throw blanket": ("throw blanket", "decor"),
    "curtains": ("curtains", "decor"), "mirror": ("mirror", "decor"), "vase": ("vase", "decor"),
    # fashion types of generated catalogs (plugins/fashion/catalog_generator.py); two-word names
    # where the head word alone ("bag", "shirt", "shoes", "boots") would name a wider type
    "polo shirt": ("polo shirt", "clothing"), "overalls": ("overalls", "clothing"), "tights": ("tights", "clothing"),
    "robe": ("robe", "clothing"), "bathrobe": ("robe", "clothing"), "pajamas": ("pajamas", "clothing"),
    "rain boots": ("rain boots", "shoes"), "mules": ("mules", "shoes"), "espadrilles": ("espadrilles", "shoes"),
    "flip-flops": ("flip-flops", "shoes"), "flip flops": ("flip-flops", "shoes"),
    "oxford shoes": ("oxford shoes", "shoes"),
    "brooch": ("brooch", "jewelry"), "cufflinks": ("cufflinks", "jewelry"), "cuff links": ("cufflinks", "jewelry"),
    "tote bag": ("tote bag", "accessories"), "crossbody bag": ("crossbody bag", "accessories"),
    "clutch": ("clutch", "accessories"), "duffel bag": ("duffel bag", "accessories"),
    "duffel": ("duffel bag", "accessories"), "belt bag": ("belt bag", "accessories"),
    "fanny pack": ("belt bag", "accessories"), "umbrella": ("umbrella", "accessories"),
}

MATERIALS = [
    "sterling silver", "stainless steel", "gold-plated", "rose gold", "faux leather", "vegan leather",
    "merino wool", "organic cotton", "cotton", "linen", "polyester", "nylon", "spandex", "elastane", "rayon",
    "viscose", "modal", "wool", "cashmere", "silk", "satin", "denim", "leather", "suede", "canvas", "mesh",
    "fleece", "velvet", "corduroy", "acrylic", "rubber", "titanium", "brass", "alloy", "pearl", "cubic zirconia",
    # home furniture (the muse-furniture example plugin)
    "solid oak", "oak", "walnut", "pine", "beech", "birch", "teak", "acacia", "mango wood", "plywood", "rattan",
    "wicker", "bamboo", "jute", "marble", "glass", "ceramic", "stoneware", "steel", "iron", "aluminium",
    "boucle", "chenille",
    # generated fashion catalogs
    "flannel", "terry",
]

COLORS = [
    "light blue", "navy blue", "royal blue", "sky blue", "dark green", "rose gold", "off-white",
    "black", "white", "grey", "gray", "silver", "navy", "blue", "teal", "turquoise", "green", "olive", "yellow",
    "gold", "orange", "red", "burgundy", "maroon", "wine", "pink", "purple", "lavender", "beige", "cream",
    "ivory", "tan", "camel", "brown", "khaki", "charcoal", "coral", "mint",
]

PATTERNS = {
    "striped": "striped", "stripe": "striped", "plaid": "checked", "checked": "checked", "check": "checked",
    "gingham": "checked", "polka dot": "polka dot", "dots": "polka dot", "floral": "floral", "flower": "floral",
    "leopard": "animal print", "camo": "camouflage", "color block": "colour-block", "colour-block": "colour-block",
    "colorblock": "colour-block", "solid": "solid", "print": "printed", "graphic": "graphic print",
}

OCCASIONS = {
    "work": "work", "office": "work", "business": "work", "wedding": "weddings", "party": "parties",
    "cocktail": "parties", "beach": "the beach", "vacation": "travel", "travel": "travel", "hiking": "hiking",
    "trail": "hiking", "running": "running", "gym": "the gym", "workout": "workouts", "yoga": "yoga",
    "winter": "winter", "summer": "summer", "casual": "casual wear", "everyday": "everyday wear",
    "formal": "formal events", "school": "school", "holiday": "holidays", "date": "date nights",
    # home furniture (the muse-furniture example plugin): the rooms a piece is made for
    "living room": "the living room", "bedroom": "the bedroom", "dining room": "the dining room",
    "nursery": "the nursery", "hallway": "the hallway", "home office": "home working",
    "guest room": "guest rooms", "small spaces": "small spaces",
    # occasions of generated fashion catalogs
    "golf": "golf", "festival": "festivals", "rainy": "rainy days", "skiing": "skiing", "pool": "the pool",
    "sleepover": "sleepovers",
}

# Sentences that sell rather than describe: the summary leaves them out (paper A.1).
MARKETING = re.compile(
    r"(!|perfect gift|great gift|best gift|\bgift\b|satisf|guarantee|money back|customer service|buy now|"
    r"don't miss|order now|limited time|100%|must-have|must have|\bbest\b|hurry|amazing|exclusive)",
    re.IGNORECASE,
)


def capitalised(text: str) -> str:
    """The text with its first letter upper-cased, as it starts a sentence."""
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4096)
def _whole_word(phrase: str) -> re.Pattern[str]:
    """A pattern for `phrase` (lower-case) between non-letters: "tie" is not found in "tiered"."""
    return re.compile(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])")


def has_word(text: str, phrase: str) -> bool:
    """Whether the lower-case `phrase` occurs in `text` as whole words (case-insensitive)."""
    lowered = text.lower()
    # the substring test first: most phrases are absent, and it is a hundred times cheaper
    return phrase in lowered and _whole_word(phrase).search(lowered) is not None


def find_all(text: str, phrases) -> list[str]:
    """Phrases of `phrases` that occur in `text` as whole words, in order of first occurrence."""
    lowered = text.lower()
    hits = []
    for phrase in phrases:
        match = _whole_word(phrase).search(lowered) if phrase in lowered else None  # see has_word
        if match:
            hits.append((match.start(), phrase))
    # A phrase inside a longer hit ("blue" in "navy blue") is not a separate mention.
    kept = [p for s, p in sorted(hits) if not any(p != q and p in q for _, q in hits)]
    return list(dict.fromkeys(kept))


DANGLING = {"the", "a", "an", "by", "at", "in", "on", "of", "for", "to", "with", "and", "my", "-", "is", "from",
            "this", "that", "some", "our", "your", "before", "after", "during", "as", "it", "so", "about", "into",
            "over", "up", "out", "around", "through", "than", "like", "when", "while", "where", "who", "which",
            "was", "were", "are", "be", "had", "has", "have", "would", "could", "will", "but", "or", "i", "me"}


def echo(text: str, rng: random.Random, skip: re.Pattern[str] | None = None) -> str | None:
    """A few words of a turn said back ("a wedding by the lake"), as a listener does: a run of
    3-6 words from its longest sentence (none that `skip` matches), after any "Here's my
    situation:" head."""
    sentences = [re.split(r":\s|\s-\s", s)[-1] for s in re.split(r"(?<=[.!?])\s+", text) if s]
    sentences = [s for s in sentences if not (skip and skip.search(s))]
    if not sentences:
        return None
    words = max(sentences, key=lambda s: len(s.split())).rstrip(".!?").split()
    if len(words) < 4:
        return None
    n = rng.randint(3, min(6, len(words)))
    start = rng.randrange(len(words) - n + 1)
    run = words[start:start + n]
    while run and run[-1].lower().strip(",;") in DANGLING:  # "a wedding by the" ends too soon
        run.pop()
    while run and run[0].lower().strip(",;") in DANGLING - {"a", "an", "the", "my", "our", "this"}:  # "at a diner"
        run.pop(0)
    if len(run) < 3:
        return None
    if words.index(run[0]) == 0 and run[0] != "I":  # a sentence's first word is not capitalised mid-sentence
        run[0] = run[0].lower()
    return " ".join(run).strip(",;")
