"""The offline shopper's own words for catalog attributes: synonyms and paraphrases ("navy" ->
"dark blue", "leather" -> "real hide"), vague family words ("something dark", "a bit dressy"),
and the near misses a shopper confuses a value with.

Written by hand for the user simulator, from the catalog's canonical values (the lexicon's
words) to what a shopper would say. It never reads the querier's tables: the querier's parser
(`plugins/offline/reading.py`) has its own, partial and imperfect idea of these words, so what
the user means is only partly recovered, as with two real speakers."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from muse_core.config import OfflineConfig

# How often the shopper uses a word of its own rather than the catalog's for a value it names.
OWN_WORDS_P = 0.5

# canonical value -> the shopper's names for it
COLOUR_WORDS: dict[str, list[str]] = {
    "navy": ["dark blue", "midnight blue", "deep blue", "ink blue", "a sailor's blue"],
    "navy blue": ["dark blue", "midnight blue", "deep blue"],
    "black": ["jet black", "pitch black", "inky black", "coal black", "ebony"],
    "white": ["snow white", "bright white", "pure white", "chalk white", "optic white"],
    "off-white": ["ecru", "eggshell", "bone", "natural white"],
    "cream": ["ecru", "vanilla", "buttermilk", "oat"],
    "ivory": ["eggshell", "ecru", "pearl white", "bone"],
    "grey": ["slate", "ash grey", "dove grey", "heather grey", "stone grey", "pewter"],
    "gray": ["slate", "ash grey", "dove grey", "heather grey"],
    "charcoal": ["dark grey", "graphite", "slate grey", "anthracite"],
    "silver": ["silvery", "metallic grey", "chrome", "platinum", "pewter"],
    "beige": ["sand", "oatmeal", "stone", "biscuit", "nude", "fawn"],
    "tan": ["caramel", "toffee", "honey brown", "cognac"],
    "camel": ["caramel", "toffee", "biscuit brown", "honey"],
    "brown": ["chocolate", "coffee", "chestnut", "mocha", "cocoa", "walnut brown"],
    "khaki": ["army green", "sand", "safari green", "desert tan"],
    "olive": ["army green", "moss", "khaki green", "military green"],
    "green": ["emerald", "forest green", "bottle green", "grass green", "sage", "jade"],
    "dark green": ["forest green", "bottle green", "hunter green", "pine green"],
    "mint": ["pistachio", "pale green", "seafoam", "mint green"],
    "teal": ["petrol blue", "peacock blue", "duck egg", "deep aqua"],
    "turquoise": ["aqua", "sea green", "lagoon blue", "cyan"],
    "blue": ["cobalt", "denim blue", "azure", "cornflower", "true blue"],
    "light blue": ["baby blue", "powder blue", "pale blue", "ice blue"],
    "sky blue": ["baby blue", "powder blue", "pale blue", "cloud blue"],
    "royal blue": ["cobalt", "electric blue", "bright blue", "sapphire"],
    "red": ["scarlet", "cherry red", "fire-engine red", "crimson", "tomato red", "poppy"],
    "burgundy": ["oxblood", "wine red", "deep red", "merlot", "claret"],
    "maroon": ["oxblood", "deep red", "brick red", "claret"],
    "wine": ["merlot", "claret", "deep red", "plum red"],
    "pink": ["blush", "rose", "bubblegum", "dusty pink", "fuchsia", "salmon pink"],
    "coral": ["salmon", "peach", "apricot", "melon"],
    "purple": ["violet", "plum", "aubergine", "grape", "amethyst"],
    "lavender": ["lilac", "pale purple", "mauve", "wisteria"],
    "yellow": ["mustard", "lemon", "sunflower", "butter yellow", "canary"],
    "orange": ["tangerine", "rust", "burnt orange", "pumpkin", "terracotta"],
    "gold": ["golden", "gilt", "brassy gold", "honey gold"],
    "rose gold": ["pinkish gold", "blush gold", "copper"],
}
MATERIAL_WORDS: dict[str, list[str]] = {
    "leather": ["real hide", "genuine hide", "cowhide", "proper leather"],
    "faux leather": ["pleather", "fake leather", "leather-look stuff", "animal-free leather"],
    "vegan leather": ["pleather", "animal-free leather", "plant leather"],
    "suede": ["nubuck", "brushed hide", "velvety leather"],
    "cotton": ["jersey", "poplin", "pure cotton", "chambray", "terry"],
    "organic cotton": ["eco cotton", "natural cotton", "pesticide-free cotton"],
    "linen": ["flax", "a linen weave", "crumpled flax"],
    "wool": ["lambswool", "tweed", "a proper knit", "woollen knit"],
    "merino wool": ["merino", "fine merino", "soft merino"],
    "cashmere": ["pashmina", "goat hair", "a cashmere blend"],
    "silk": ["charmeuse", "crepe de chine", "pure silk"],
    "satin": ["sateen", "a glossy weave", "charmeuse"],
    "polyester": ["poly", "microfibre", "a man-made fabric", "performance fabric"],
    "nylon": ["ripstop", "parachute fabric", "a tech shell"],
    "spandex": ["lycra", "stretch fabric", "something stretchy"],
    "elastane": ["lycra", "stretch fabric", "stretchy stuff"],
    "rayon": ["lyocell", "tencel", "a silky synthetic"],
    "viscose": ["lyocell", "tencel", "a drapey weave"],
    "modal": ["tencel", "beech-wood fibre", "a silky jersey"],
    "denim": ["jean fabric", "dungaree cloth", "raw selvedge"],
    "canvas": ["duck cloth", "sailcloth", "heavy cotton"],
    "fleece": ["sherpa", "teddy fabric", "polar fleece", "pile"],
    "velvet": ["velour", "crushed velvet", "plush"],
    "corduroy": ["cord", "cords", "needlecord", "wale cloth"],
    "mesh": ["netting", "a perforated fabric", "airy net"],
    "acrylic": ["a synthetic knit", "acrylic yarn"],
    "rubber": ["latex", "gum", "a rubbery sole"],
    "sterling silver": ["solid silver", "925 silver", "real silver"],
    "stainless steel": ["surgical steel", "steel that won't rust"],
    "gold-plated": ["gold-dipped", "gold-coated", "vermeil"],
    "titanium": ["aircraft-grade metal", "a featherweight metal"],
    "pearl": ["freshwater pearls", "pearls"],
    "cubic zirconia": ["cz stones", "faux diamonds", "sparkly stones"],
    "oak": ["light hardwood", "solid wood"],
    "solid oak": ["light hardwood", "solid wood"],
    "walnut": ["dark hardwood", "dark wood"],
    "rattan": ["cane", "woven cane"],
    "wicker": ["woven cane", "basket weave"],
}
PATTERN_WORDS: dict[str, list[str]] = {
    "striped": ["stripes", "pinstripes", "Breton stripes", "lines"],
    "checked": ["tartan", "houndstooth", "checks", "windowpane checks"],
    "floral": ["flowers", "a flowery print", "blossoms", "a botanical print", "ditsy flowers"],
    "polka dot": ["spots", "dotted", "spotty"],
    "animal print": ["leopard spots", "zebra stripes", "snakeskin"],
    "camouflage": ["army print", "military print"],
    "colour-block": ["two-tone", "blocks of colour", "contrast panels"],
    "solid": ["plain", "one colour", "unpatterned", "a single colour"],
    "printed": ["a print", "a pattern print", "an all-over print"],
    "graphic print": ["a graphic", "a logo print", "a slogan"],
}
KIND_WORDS: dict[str, list[str]] = {
    "t-shirt": ["tee shirt", "short-sleeved top", "crew-neck tee"],
    "shirt": ["button-up", "dress shirt", "collared shirt"],
    "blouse": ["dressy top", "silky top", "pretty top"],
    "polo shirt": ["golf shirt", "collared tee", "polo"],
    "tank top": ["vest top", "sleeveless top", "cami"],
    "sweater": ["jumper", "pullover", "knit", "knitted top"],
    "cardigan": ["cardi", "button-up knit", "knitted jacket"],
    "hoodie": ["hooded sweatshirt", "hoody", "hooded top"],
    "sweatshirt": ["crewneck", "sweat top", "pullover"],
    "jacket": ["windbreaker", "bomber", "light coat", "shell"],
    "coat": ["overcoat", "topcoat", "trench", "winter coat"],
    "parka": ["puffer", "anorak", "winter jacket"],
    "vest": ["gilet", "waistcoat", "body warmer"],
    "blazer": ["sports coat", "tailored jacket", "suit jacket"],
    "suit": ["two-piece", "matching set", "three-piece"],
    "dress": ["frock", "gown", "sundress", "shift"],
    "jumpsuit": ["boilersuit", "all-in-one", "onesie"],
    "romper": ["playsuit", "short all-in-one"],
    "skirt": ["midi", "a-line", "mini"],
    "jeans": ["denims", "five-pockets", "jean trousers"],
    "trousers": ["slacks", "pants", "bottoms", "chinos"],
    "shorts": ["cut-offs", "bermudas", "short pants"],
    "leggings": ["tights", "yoga pants", "footless tights"],
    "joggers": ["track pants", "sweatpants", "trackies"],
    "swimsuit": ["swimming costume", "bathing suit", "one-piece"],
    "swim trunks": ["board shorts", "swim shorts"],
    "pajamas": ["pjs", "sleepwear", "nightwear"],
    "socks": ["ankle socks", "crew socks"],
    "bra": ["bralette", "sports top"],
    "running shoes": ["runners", "jogging shoes", "trainers"],
    "sneakers": ["trainers", "kicks", "tennis shoes", "plimsolls"],
    "hiking boots": ["walking boots", "trail boots", "hikers"],
    "boots": ["booties", "ankle boots", "wellies"],
    "sandals": ["sliders", "flip-flops", "slides"],
    "heels": ["stilettos", "court shoes", "high heels"],
    "loafers": ["slip-ons", "moccasins", "penny loafers"],
    "flats": ["ballet flats", "ballerinas", "pumps"],
    "slippers": ["house shoes", "mules"],
    "clogs": ["mules", "wooden shoes"],
    "oxford shoes": ["brogues", "lace-ups", "derbies"],
    "shoes": ["footwear", "lace-ups"],
    "necklace": ["chain", "choker", "locket"],
    "earrings": ["studs", "hoops", "danglers"],
    "ring": ["band", "signet"],
    "bracelet": ["bangle", "cuff", "wristband"],
    "anklet": ["ankle chain", "ankle bracelet"],
    "watch": ["timepiece", "wristwatch"],
    "handbag": ["shoulder bag", "clutch", "purse"],
    "tote bag": ["shopper", "carryall"],
    "crossbody bag": ["sling bag", "messenger bag"],
    "purse": ["coin purse", "clutch"],
    "backpack": ["rucksack", "daypack", "knapsack"],
    "wallet": ["billfold", "cardholder"],
    "belt": ["waist belt", "buckle belt"],
    "hat": ["fedora", "sun hat", "panama"],
    "cap": ["baseball cap", "snapback", "ball cap"],
    "beanie": ["woolly hat", "knit hat", "toque"],
    "scarf": ["shawl", "wrap", "muffler", "stole"],
    "sunglasses": ["shades", "sunnies"],
    "gloves": ["mittens", "mitts"],
    "tie": ["necktie", "cravat"],
    "overalls": ["dungarees", "bib overalls"],
    "tights": ["hosiery", "pantyhose", "nylons"],
    "robe": ["dressing gown", "housecoat"],
    "rain boots": ["wellies", "wellingtons", "galoshes"],
    "mules": ["backless slip-ons", "slides"],
    "espadrilles": ["rope-soled shoes", "jute sandals"],
    "flip-flops": ["thongs", "jandals"],
    "brooch": ["lapel pin", "pin"],
    "cufflinks": ["shirt studs", "cuff studs"],
    "duffel bag": ["holdall", "gym bag", "weekender"],
    "belt bag": ["bum bag", "waist bag", "hip pack"],
    "clutch": ["evening bag", "pochette"],
    "umbrella": ["brolly", "parasol"],
}
DEPARTMENT_WORDS: dict[str, list[str]] = {
    "women's": ["a cut for women", "a ladies' fit", "one made for a woman", "something from the women's range"],
    "men's": ["a cut for men", "a gents' fit", "one made for a man", "something from the men's range"],
    "girls'": ["a fit for a girl", "one for my daughter", "something in girls' sizes"],
    "boys'": ["a fit for a boy", "one for my son", "something in boys' sizes"],
}
WORDS = {"colour": COLOUR_WORDS, "material": MATERIAL_WORDS, "pattern": PATTERN_WORDS, "kind": KIND_WORDS,
         "department": DEPARTMENT_WORDS}

# Vague family words: (the values a phrase can stand for, the phrases)
VAGUE: dict[str, list[tuple[set[str], list[str]]]] = {
    "colour": [
        ({"black", "navy", "navy blue", "charcoal", "brown", "burgundy", "maroon", "wine", "dark green"},
         ["something dark", "a darker shade", "something on the dark side", "a deep, moody colour"]),
        ({"white", "off-white", "cream", "ivory", "beige", "light blue", "sky blue", "lavender", "mint"},
         ["something light", "a pale shade", "a soft, light colour", "something pale and airy"]),
        ({"red", "yellow", "orange", "pink", "coral", "royal blue", "turquoise", "green", "purple"},
         ["something bright", "a bold colour", "a colour that pops", "something cheerful and punchy"]),
        ({"brown", "olive", "khaki", "tan", "camel", "beige"},
         ["an earthy tone", "something earthy", "a natural, outdoorsy colour"]),
        ({"grey", "gray", "black", "white", "beige", "cream", "charcoal", "tan"},
         ["something neutral", "a quiet neutral", "a colour that goes with everything"]),
        ({"blue", "navy", "teal", "turquoise", "light blue", "lavender", "mint", "silver"},
         ["a cool tone", "something cool-toned", "a calm, cool colour"]),
        ({"gold", "rose gold"}, ["a warm metal", "something golden-ish"]),
    ],
    "material": [
        ({"cotton", "organic cotton", "linen", "wool", "merino wool", "silk", "cashmere"},
         ["natural fibres", "something natural", "a natural fabric"]),
        ({"polyester", "nylon", "spandex", "elastane", "acrylic", "mesh"},
         ["a technical fabric", "something synthetic", "a sporty, techy fabric"]),
        ({"fleece", "cashmere", "velvet", "wool", "merino wool", "modal"},
         ["something soft and cosy", "a fabric that feels snug", "something cuddly"]),
        ({"silk", "satin", "velvet"}, ["something a bit dressy", "a fabric with a sheen", "something dressy"]),
        ({"denim", "canvas", "leather", "corduroy", "suede"},
         ["something hard-wearing", "a sturdy material", "something rugged"]),
        ({"sterling silver", "stainless steel", "titanium", "brass", "gold-plated", "alloy"},
         ["a proper metal", "real metal", "a metal that won't tarnish"]),
        ({"rayon", "viscose", "modal"}, ["something drapey", "a flowy fabric"]),
        ({"oak", "solid oak", "walnut", "pine", "beech", "birch", "teak", "acacia", "mango wood"},
         ["real wood", "a natural wood"]),
    ],
    "pattern": [
        ({"striped", "checked", "floral", "polka dot", "animal print", "camouflage", "printed", "graphic print",
          "patterned", "colour-block"},
         ["something with a pattern", "a busier look", "a bit of pattern"]),
        ({"solid"}, ["something simple", "nothing fussy", "a clean, simple look"]),
        ({"striped", "checked"}, ["a classic pattern", "something preppy"]),
        ({"floral", "polka dot", "printed", "graphic print", "animal print"}, ["something playful", "a fun print"]),
    ],
    "kind": [
        ({"t-shirt", "shirt", "blouse", "polo shirt", "tank top", "top", "sweater", "cardigan", "hoodie",
          "sweatshirt"}, ["something to wear on top", "a top of some sort", "something for my upper half"]),
        ({"jacket", "coat", "parka", "vest", "blazer", "cardigan"},
         ["a layer to throw over", "something to wear over everything", "an outer layer"]),
        ({"dress", "jumpsuit", "romper", "suit"}, ["a one-piece outfit", "a whole outfit in one"]),
        ({"skirt", "jeans", "trousers", "shorts", "leggings", "joggers"},
         ["something for my legs", "some bottoms", "something to wear below"]),
        ({"running shoes", "sneakers", "hiking boots", "boots", "sandals", "heels", "loafers", "flats",
          "slippers", "clogs", "oxford shoes", "shoes", "rain boots", "mules", "espadrilles", "flip-flops"},
         ["something for my feet", "new footwear", "a pair for my feet"]),
        ({"necklace", "earrings", "ring", "bracelet", "anklet", "watch", "brooch", "cufflinks"},
         ["a piece of jewellery", "something sparkly to wear", "a little jewellery"]),
        ({"handbag", "tote bag", "crossbody bag", "purse", "backpack", "wallet", "card holder", "bag", "duffel bag",
          "belt bag", "clutch"},
         ["something to carry my things in", "a bag of some kind", "something to hold my stuff"]),
        ({"hat", "cap", "beanie", "scarf", "sunglasses", "gloves", "tie", "belt", "umbrella"},
         ["a small accessory", "a finishing touch", "an accessory"]),
    ],
}

# Near misses a shopper mixes a value up with (a wrong attribute is drawn from these first).
CONFUSED: dict[str, list[str]] = {
    "navy": ["black", "blue", "charcoal"], "black": ["navy", "charcoal"], "charcoal": ["black", "grey"],
    "grey": ["silver", "charcoal"], "white": ["cream", "ivory"], "cream": ["beige", "white"],
    "beige": ["cream", "khaki", "tan"], "tan": ["camel", "brown"], "brown": ["tan", "burgundy"],
    "khaki": ["olive", "beige"], "olive": ["khaki", "green"], "green": ["olive", "teal"],
    "red": ["burgundy", "pink", "orange"], "burgundy": ["red", "purple"], "pink": ["coral", "red", "lavender"],
    "purple": ["lavender", "burgundy"], "blue": ["navy", "light blue", "teal"], "light blue": ["blue", "mint"],
    "gold": ["rose gold", "silver"], "silver": ["gold", "grey"],
    "cotton": ["linen", "polyester"], "linen": ["cotton"], "wool": ["cashmere", "acrylic"],
    "cashmere": ["wool"], "leather": ["faux leather", "suede"], "suede": ["leather"], "silk": ["satin", "polyester"],
    "satin": ["silk"], "polyester": ["nylon", "cotton"], "nylon": ["polyester"], "denim": ["canvas", "cotton"],
    "sterling silver": ["stainless steel", "gold-plated"], "stainless steel": ["sterling silver", "titanium"],
    "striped": ["checked"], "checked": ["striped"], "floral": ["printed", "polka dot"], "solid": ["striped"],
    "sweater": ["cardigan", "sweatshirt"], "cardigan": ["sweater"], "hoodie": ["sweatshirt"],
    "jacket": ["coat", "blazer"], "coat": ["jacket", "parka"], "blazer": ["jacket"], "dress": ["skirt", "jumpsuit"],
    "jeans": ["trousers"], "trousers": ["jeans", "joggers"], "shorts": ["skirt"], "sneakers": ["running shoes"],
    "running shoes": ["sneakers"], "boots": ["hiking boots"], "heels": ["flats"], "flats": ["loafers"],
    "loafers": ["flats", "oxford shoes"], "sandals": ["flats"], "necklace": ["bracelet"], "earrings": ["necklace"],
    "handbag": ["tote bag", "crossbody bag"], "tote bag": ["handbag"], "backpack": ["tote bag"],
    "hat": ["cap"], "cap": ["hat", "beanie"], "scarf": ["gloves"],
}


@dataclass(frozen=True)
class Said:
    """How the shopper put one value: the words ('' when left out) and in which way."""
    text: str
    mode: str  # "catalog" (the catalog's word) | "own" (a synonym) | "vague" | "omitted"


def own_word(aspect: str, value: str, rng: random.Random) -> str:
    """The shopper's name for a value: a synonym of its own half the time, else the catalog's word."""
    choices = WORDS[aspect].get(value)
    return rng.choice(choices) if choices and rng.random() < OWN_WORDS_P else value


def vague_word(aspect: str, value: str, rng: random.Random) -> str | None:
    """A family word that covers the value ("something dark" for navy), if the shopper has one."""
    families = [phrases for members, phrases in VAGUE.get(aspect, []) if value in members]
    return rng.choice(rng.choice(families)) if families else None


def say(aspect: str, value: str, rng: random.Random, options: OfflineConfig) -> Said:
    """One value as the shopper states it: left out at `need_omit_p`, a vague word at `need_vague_p`,
    otherwise in its own words or the catalog's (one draw, so the rates hold as set)."""
    draw = rng.random()
    if draw < options.need_omit_p:
        return Said("", "omitted")
    if draw < options.need_omit_p + options.need_vague_p:
        vague = vague_word(aspect, value, rng)
        if vague:
            return Said(vague, "vague")
    word = own_word(aspect, value, rng)
    return Said(word, "catalog" if word == value else "own")


def wrong_value(aspect: str, value: str, avoid: set[str], rng: random.Random) -> str | None:
    """A value of the same aspect the shopper confuses with `value`, none of `avoid` (what the
    target has): a near miss if there is one, else any other value the shopper has words for."""
    near = [v for v in CONFUSED.get(value, []) if v not in avoid and v != value]
    if near:
        return rng.choice(near)
    pool = sorted(v for v in WORDS.get(aspect, {}) if v not in avoid and v != value)
    return rng.choice(pool) if pool else None


# Every value the shopper has words for, and its words, longest first (for `names_an_attribute`).
_NAMED = re.compile(r"(?<![a-z])(" + "|".join(re.escape(w) for w in sorted(
    {w.lower() for table in WORDS.values() for value, words in table.items() for w in [value, *words]} |
    {p.lower() for families in VAGUE.values() for _, phrases in families for p in phrases},
    key=len, reverse=True)) + r")(?![a-z])")


def names_an_attribute(text: str) -> bool:
    """Whether a text names a colour, material, pattern, kind or department the shopper knows (in
    the catalog's words or its own): a sentence the shopper retells from its story must not."""
    return _NAMED.search(text.lower()) is not None
