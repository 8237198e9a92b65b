"""Offline answer to `purchase_backstory` (paper Figure 16): an upcoming event, its setting and
emotions, and requirements on exactly two features of the target, never naming it.

The two features are abstract needs derived from the product's attributes (a linen shirt ->
"breathable in the heat"), so the story points at the target without describing it. Each
sentence is drawn from several structures with slots close together, so that two stories
rarely share a run of four words (the BLEU dedup screen compares exactly that)."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.vision import ImageFacts

# product attribute words -> the need a shopper would voice
MATERIAL_NEEDS = {
    "linen": "breathable in warm hours", "cotton": "soft against skin",
    "wool": "genuinely warm without bulk", "merino": "warm yet light", "cashmere": "soft and cosy",
    "fleece": "cosy on chilly evenings", "leather": "sturdy and able to age well", "suede": "soft with a refined look",
    "nylon": "light and quick to dry", "polyester": "easy to wash and quick to dry", "mesh": "airy on long runs",
    "denim": "tough enough for daily wear", "silk": "smooth with a gentle sheen", "canvas": "hard-wearing and casual",
    "spandex": "stretchy enough to move freely", "waterproof": "able to keep the rain out",
    "sterling silver": "safe for sensitive skin", "gold": "a warm, polished shine", "stainless steel": "tarnish-free",
    "chiffon": "light and floaty", "satin": "elegant with a soft gleam", "straw": "shady and light in the sun",
}
COLOUR_NEEDS = {
    "black": "dark, forgiving shade", "navy": "deep calm colour", "white": "crisp light tone",
    "grey": "neutral tone", "red": "bold standout colour",
    "burgundy": "a rich, deep tone", "pink": "a soft, cheerful colour", "green": "an earthy colour",
    "olive": "a muted, earthy tone", "yellow": "a sunny colour", "orange": "a warm, lively colour",
    "beige": "a quiet, neutral colour", "brown": "a warm, earthy colour", "purple": "a striking jewel tone",
    "blue": "a fresh blue tone", "light blue": "a pale, airy colour", "gold": "a warm metallic tone",
    "silver": "a cool metallic tone",
}
PATTERN_NEEDS = {"striped": "lively stripes", "checked": "classic checks", "floral": "playful print",
                 "polka dot": "retro dots", "colour-block": "bold two-tone", "solid": "plain design",
                 "patterned": "some pattern", "printed": "a print"}

# Each sentence is a chain of short phrases drawn independently, so that two stories share a
# run of four words only where two neighbouring draws coincide.
WHEN = ["Next Saturday", "In two weeks", "By the end of the month", "This coming Friday", "Early next month",
        "In ten days", "Right after the holidays", "The weekend after next", "In a few weeks", "On Sunday",
        "Soon enough", "Before long", "Within the month", "Next Thursday", "In under a fortnight", "Come spring",
        "By midsummer", "After the long weekend", "Later this season", "On the first of the month"]
FACES = ["was facing", "had ahead", "looked toward", "was counting down to", "kept picturing", "had signed up for",
         "had promised", "was planning", "couldn't stop imagining", "had agreed to", "was bracing for",
         "quietly looked forward to", "had marked down", "was preparing for", "had said yes to"]
MOMENTS = ["One rainy evening", "During lunch", "Late on Tuesday", "Over breakfast", "Before bed", "On the way home",
           "One slow afternoon", "Early Sunday", "Between meetings", "After the school run", "At dawn",
           "Halfway through dinner", "On a crowded train", "While cooking", "In a quiet moment", "After practice"]
SPOTS = ["on the balcony", "at the kitchen table", "on the bus", "in a café", "on a bench", "by the window",
         "in the break room", "on the sofa", "at work", "in the garden", "on the porch", "in bed", "at the gym",
         "near the harbour", "in the car", "at grandma's"]
PONDERS = ["went over", "pictured", "sketched out", "talked through", "weighed", "daydreamed about", "listed",
           "rehearsed", "mulled over", "planned out", "replayed", "imagined"]
TOPICS = ["every detail", "the whole day", "what could go wrong", "the guest list", "the route there",
          "how it would feel", "each hour", "the plan", "the weather forecast", "who would come", "the timing",
          "the first impression"]
FEELINGS = ["Pride", "Nervousness", "Excitement", "Quiet joy", "Some worry", "Restlessness", "Gratitude",
            "Curiosity", "Nostalgia", "Determination", "Impatience", "Relief", "Hope", "A flutter"]
BLENDS = ["mixed with", "gave way to", "sat alongside", "fought with", "outweighed", "turned into", "came with",
          "battled", "softened into", "grew beside"]
FEELINGS_2 = ["a little doubt", "plain happiness", "old memories", "some stage fright", "childlike glee",
              "tired calm", "fresh energy", "mild panic", "warm affection", "real confidence", "a racing heart",
              "wistful smiles"]
LINKS = ["", "it all:", "the big one:", "one thing -", "at last:", "(finally)", "-", "the idea of"]
COMPANIONS = ["A sister", "An old friend", "The neighbour", "A colleague", "Some cousin", "Their partner",
              "The roommate", "Grandma", "A teammate", "The boss", "Mum", "Dad", "A classmate", "The landlord"]
REACTIONS = ["kept asking questions", "offered advice", "sent photos", "laughed about it", "had opinions",
             "promised help", "called twice", "teased gently", "shared tips", "got excited too"]
WEATHER = ["Rain drummed outside", "The heat lingered", "Frost coated everything", "Wind rattled windows",
           "Sunlight filled rooms", "Fog hid streets", "Snow threatened", "A storm rolled in"]
MEMORIES = ["Last year's mishap", "An awkward photo", "Blistered feet", "A soaked jacket", "Old regrets",
            "A borrowed outfit", "That cheap purchase", "Past compromises"]
STINGS = ["stung a bit", "felt vivid", "came back", "lingered", "made them wary", "was a lesson",
          "echoed loudly", "nagged"]
EXTRA_NEEDS = ["comfortable all day", "easy to care for", "good value", "light to carry", "quick to pack",
               "fits true to size", "gentle on a budget", "built to last"]
NEED_INTRO = ["Top of the list:", "Non-negotiable:", "Priority one -", "First,", "Crucially,", "Above all,",
              "Must-have:", "Key point:", "Requirement one:", "Most of all,", "Before anything else,",
              "Lesson learned:"]
NEED_INTRO_2 = ["Also,", "Second,", "Bonus points for", "Plus", "Equally,", "Then", "And ideally", "Oh, and",
                "Next,", "Finally,", "Just as much,", "Beyond that,"]
CLOSE_WHEN = ["That night", "After dinner", "Next morning", "Right away", "Without delay", "Over coffee",
              "Later", "On the commute", "At lunchtime", "Before sleeping", "By evening", "Straight after"]
CLOSE_DO = ["started browsing online", "opened a shopping app", "searched the web", "made a wishlist",
            "messaged a shop assistant", "compared options online", "began scrolling", "asked an online store",
            "opened the laptop", "went looking online", "checked a few sites", "typed a first search"]

def _needs(product: dict[str, Any]) -> list[str]:
    """Abstract needs this product can satisfy, from its attributes (most specific first)."""
    facts = product.get("attributes") or {}
    text = " ".join([product.get("title", ""), *facts.get("materials", [])]).lower()
    needs = [need for word, need in MATERIAL_NEEDS.items() if word in text]
    needs += [COLOUR_NEEDS[c] for c in facts.get("colors", []) if c in COLOUR_NEEDS][:1]
    needs.append(PATTERN_NEEDS.get(facts.get("pattern", "solid"), "a clean, plain look"))
    needs += [f"suited to {occasion}" for occasion in facts.get("occasions", [])[:2]]
    return list(dict.fromkeys(needs))


def _phrase(need: str, rng: random.Random) -> str:
    """One of several framings of a need, so the same need is not always the same words."""
    return rng.choice(["{}", "honestly {}", "{}, please", "{} - simple", "ideally {}", "{} for sure",
                       "surely {}", "{}, nothing fancy", "just {}", "{} again"]).format(need)


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    persona, product, scenario = inputs["persona"], inputs["product"], inputs["scenario"].strip().rstrip(".")
    first, second = rng.sample(_needs(product) + [rng.choice(EXTRA_NEEDS)], 2)
    pronoun = {"female": "she", "male": "he"}.get(persona["gender"], "they")
    name = persona["name"] if rng.random() < 0.5 else persona["name"].split()[0]
    who = rng.choice([name, f"{name}, {persona['age']},", f"{name} ({persona['age']})"])
    if persona.get("profession") and rng.random() < 0.5:
        who = rng.choice([f"{name}, a {persona['profession']},", f"{name} the {persona['profession']}"])
    event = scenario[0].lower() + scenario[1:]
    pick = rng.choice
    optional = [
        f"{pick(MOMENTS)} {pick(SPOTS)}, {pronoun} {pick(PONDERS)} {pick(TOPICS)}.",
        f"{pick(FEELINGS)} {pick(BLENDS)} {pick(FEELINGS_2)}.",
        f"{pick(COMPANIONS)} {pick(REACTIONS)} {pick(SPOTS)}.",
        f"{pick(WEATHER)}; {pronoun} {pick(PONDERS)} {pick(TOPICS)} {pick(MOMENTS).lower()}.",
        f"{pick(MEMORIES)} still {pick(STINGS)}.",
    ]
    rng.shuffle(optional)
    sentences = [f"{pick(WHEN)}, {who} {pick(FACES)} {pick(LINKS)} {event}.", *optional[: rng.randint(2, 4)]]
    rng.shuffle(sentences)  # the event need not come first
    sentences += [
        f"{pick(NEED_INTRO)} {_phrase(first, rng)}.",
        f"{pick(NEED_INTRO_2)} {_phrase(second, rng)}.",
        f"{pick(CLOSE_WHEN)}, {pronoun} {pick(CLOSE_DO)}.",
    ]
    return {"backstory": " ".join(sentences), "requirements": [first, second]}
