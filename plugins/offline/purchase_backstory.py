"""Offline answer to `purchase_backstory` (paper Figure 16): an upcoming event, its setting and
emotions, and requirements on exactly two features of the target, never naming it.

The two features are abstract needs derived from the product's attributes (a linen shirt ->
"breathable in the heat"), so the story points at the target without describing it. Each
sentence is drawn from several structures with slots close together, so that two stories
rarely share a run of four words (the BLEU dedup screen compares exactly that)."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.vision import ImageFacts

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

# Each sentence is a chain of short slots drawn independently (most of one to three words), so
# two stories share a run of four words only where neighbouring draws coincide; stories differ in
# which sentence kinds they hold and in what order. Shared scenarios are restated (`restate`), never
# copied whole: a scenario serves many profiles, and a copied scenario alone made two stories of
# it near-duplicates for the BLEU screen (87% of such pairs scored above 0.15).
WHEN = ["Next Saturday", "In two weeks", "By month end", "This coming Friday", "Early next month",
        "In ten days", "Right after the holidays", "The weekend after next", "In a few weeks", "On Sunday",
        "Soon enough", "Before long", "Within the month", "Next Thursday", "Within a fortnight", "Come spring",
        "By midsummer", "After the long weekend", "Later this season", "On the first",
        "Quite soon", "In nine days", "Around Easter", "Mid-October", "Shortly", "Any day now", "In June",
        "By Christmas", "This autumn", "On Monday week", "Next month", "In three weekends", "Tomorrow fortnight"]
FACES = ["was facing", "had ahead", "looked toward", "counted down to", "kept picturing", "signed up for",
         "had promised", "was planning", "imagined", "agreed to", "braced for", "awaited", "marked down",
         "prepared for", "said yes to", "dreaded", "anticipated", "circled", "booked", "could not wait for",
         "worried over", "obsessed about", "juggled", "organised", "talked up", "half-forgot"]
LINKS = ["", "", "", "it all:", "the big one:", "one thing -", "at last:", "(finally)", "-", "the idea of",
         "something new:", "a first:", "quite simply", "once more"]
MOMENTS = ["One rainy evening", "During lunch", "Late on Tuesday", "Over breakfast", "Before bed", "On the way home",
           "One afternoon", "Early Sunday", "Between meetings", "After school", "At dawn",
           "At dinner", "On a train", "While cooking", "In a quiet moment", "After practice",
           "Past midnight", "At noon", "Mid-shift", "On Wednesday", "Over tea", "After a swim", "At recess",
           "During a walk", "Pre-dawn", "On payday", "While ironing", "Mid-commute", "At the weekend", "One foggy morning", "On a lazy Sunday", "Around teatime", "Late one night", "On the school run", "During a heatwave", "On a slow Friday", "Over a late supper", "In the lunch queue", "Half asleep", "At the bus stop", "On a long drive", "Mid-afternoon", "At first light", "In the waiting room"]
SPOTS = ["on the balcony", "at the kitchen table", "on the bus", "in a café", "on a bench", "by the window",
         "in the break room", "on the sofa", "at work", "in the garden", "on the porch", "in bed", "at the gym",
         "near the harbour", "in the car", "at grandma's", "in a library", "on the stairs", "at a bus stop",
         "in the attic", "at a diner", "on a ferry", "in the queue", "by the fire", "on the roof", "in a park", "in the hallway", "at the allotment", "on the pier", "in the laundrette", "at the station", "in a taxi", "at the market", "on the terrace", "in the staff canteen", "by the canal", "in the bath", "at the corner shop", "on a park bench", "in the study", "at the bakery"]
PONDERS = ["went over", "pictured", "sketched out", "talked through", "weighed", "daydreamed about", "listed",
           "rehearsed", "mulled over", "planned out", "replayed", "imagined", "doodled", "scribbled down",
           "argued about", "pondered", "counted", "reconsidered", "mapped", "budgeted", "fretted over", "sorted through", "puzzled over", "hummed about", "made lists of", "reviewed", "tallied", "fussed over", "planned around", "chewed over", "dreamed up", "worked out"]
TOPICS = ["every detail", "the whole day", "what could go wrong", "the guest list", "the route there",
          "how it would feel", "each hour", "the plan", "the weather forecast", "who would come", "the timing",
          "the first impression", "the photos", "small talk", "the costs", "parking", "the music", "shoes",
          "spare options", "the packing", "their nerves", "the menu", "old habits", "the dress code", "the seating plan", "the speeches", "the journey home", "the first dance", "the timetable", "the gifts", "the small print", "the neighbours", "the budget", "the weather app", "the invitations", "the playlist", "the schedule", "the backup plan", "the toasts", "the car park"]
FEELINGS = ["Pride", "Nervousness", "Excitement", "Quiet joy", "Some worry", "Restlessness", "Gratitude",
            "Curiosity", "Nostalgia", "Determination", "Impatience", "Relief", "Hope", "A flutter", "Doubt",
            "Giddiness", "Calm", "Dread", "Tenderness", "Ambition", "Shyness", "Glee", "Unease", "Resolve", "Wonder", "Jitters", "Elation", "Bashfulness", "Contentment", "Anxiety", "Delight", "Suspense", "Eagerness", "Fondness", "Jubilation", "Wistfulness"]
BLENDS = ["mixed with", "gave way to", "sat alongside", "fought with", "outweighed", "turned into", "came with",
          "battled", "softened into", "grew beside", "masked", "chased", "met", "tangled with", "beat", "blurred into", "made room for", "wrestled with", "gave in to", "danced with", "overtook", "nudged aside", "walked with"]
FEELINGS_2 = ["a little doubt", "plain happiness", "old memories", "some stage fright", "childlike glee",
              "tired calm", "fresh energy", "mild panic", "warm affection", "real confidence", "a racing heart",
              "wistful smiles", "sleepless nights", "big plans", "cold feet", "butterflies", "stubbornness",
              "laughter", "a grin", "homesickness", "impatience", "shaky hands", "a happy buzz", "quiet pride", "a lump in the throat", "second thoughts", "a sense of occasion", "idle worry", "a spring in the step", "a nervous laugh", "tears of joy", "a pounding pulse", "a dreamy haze"]
COMPANIONS = ["A sister", "An old friend", "The neighbour", "A colleague", "Some cousin", "Their partner",
              "The roommate", "Grandma", "A teammate", "The boss", "Mum", "Dad", "A classmate", "The landlord",
              "An uncle", "The barber", "A flatmate", "Her coach", "His aunt", "A penfriend", "The vicar",
              "A stepbrother", "The dog walker", "An ex", "A godparent", "The baker", "A godson", "The postman", "A workmate", "An aunt", "The lodger", "A school friend", "Grandpa", "The hairdresser", "A niece", "The yoga teacher", "A cousin twice removed", "The choir leader"]
REACTIONS = ["kept asking questions", "offered advice", "sent photos", "laughed about it", "had opinions",
             "promised help", "called twice", "teased gently", "shared tips", "got excited too", "disagreed",
             "sent links", "shrugged", "cheered", "lent a hand", "warned", "nodded", "texted daily",
             "fussed", "swapped stories", "joked", "rang at dawn", "made a spreadsheet", "offered a lift", "told old stories", "sent a voice note", "drew a map", "baked a cake", "asked about the date", "wrote a poem", "started a group chat", "raised an eyebrow", "clapped"]
WEATHER = ["Rain drummed outside", "The heat lingered", "Frost coated everything", "Wind rattled windows",
           "Sunlight filled rooms", "Fog hid streets", "Snow threatened", "A storm rolled in", "Drizzle fell",
           "Hail bounced", "Mist rose", "Clouds gathered", "A breeze stirred", "Thunder grumbled",
           "Sleet blew sideways", "Puddles spread", "A gale howled", "The sun broke through", "Leaves swirled", "A rainbow appeared", "Sleet hissed", "Dew covered the lawn", "The sky cleared", "A chill crept in", "Rain lashed the glass", "Heat shimmered"]
MEMORIES = ["Last year's mishap", "An awkward photo", "Blistered feet", "A soaked jacket", "Old regrets",
            "A borrowed outfit", "That cheap purchase", "Past compromises", "A torn hem", "Cold toes",
            "A missed bus", "A spilled drink", "Itchy seams", "A snapped heel", "Faded colours", "A lost button",
            "Sore shoulders", "A wardrobe fail", "A rained-off picnic", "A wobbly toast", "An early exit", "A late taxi", "A blown fuse", "A forgotten ticket", "A rushed morning", "An overheated hall", "A long queue", "A windy ceremony"]
STINGS = ["stung a bit", "felt vivid", "came back", "lingered", "made them wary", "was a lesson",
          "echoed loudly", "nagged", "resurfaced", "still rankled", "amused everyone", "taught caution", "still made them laugh", "left a mark", "came up again", "stayed with them", "got retold", "felt recent", "was hard to shake"]
PLANS = ["booked a taxi", "set two alarms", "wrote a checklist", "cleared the diary", "asked for leave",
         "saved a little", "tried on everything", "practised a toast", "bought a card", "printed tickets",
         "checked train times", "borrowed a suitcase", "called ahead", "made a playlist", "ironed everything", "packed early", "polished the car", "rehearsed the route", "wrote the speech", "charged the camera", "ordered a bouquet", "tidied the flat", "asked a neighbour for help", "labelled every bag"]
HOPES = ["look the part", "feel at ease", "blend in", "stand out", "stay comfortable", "keep warm", "stay cool",
         "move freely", "not fuss", "travel light", "feel confident", "impress quietly", "look sharp", "relax",
         "be practical", "shine", "dress up", "keep it simple", "fit in", "be bold", "stay dry", "feel fresh",
         "look polished", "be ready", "feel good", "look smart", "avoid stress", "be sensible"]
DESPITE = ["or not", "regardless", "aside", "notwithstanding", "be damned", "and all", "included", "or no",
           "permitting", "allowing"]
WANTS = ["wanted to", "hoped to", "meant to", "needed to", "planned to", "longed to", "aimed to", "tried to"]
EXTRA_NEEDS = ["comfortable all day", "easy to care for", "good value", "light to carry", "quick to pack",
               "fits true to size", "gentle on a budget", "built to last"]
NEED_INTRO = ["Topmost:", "Non-negotiable:", "Priority one -", "First,", "Crucially,", "Above all,",
              "Must-have:", "Key point:", "Requirement one:", "Most of all,", "Before all else,",
              "Lesson learned:", "Rule one:", "Essential:", "Point one -", "Mainly", "Chiefly,", "Importantly:",
              "Number one:", "At minimum,", "Foremost:", "Simply put,"]
NEED_INTRO_2 = ["Also,", "Second,", "Bonus points for", "Plus", "Equally,", "Then", "And ideally", "Oh, and",
                "Next,", "Finally,", "Just as much,", "Beyond that,", "Additionally,", "On top,", "Also key:",
                "Besides,", "Not least,", "Then again,", "Second wish:", "Likewise,", "Further,"]
NEED_FRAMES = ["{}", "honestly {}", "{}, please", "{} - simple", "ideally {}", "{} for sure", "surely {}",
               "{}, nothing fancy", "just {}", "{} again", "{} above all", "really {}", "{}, no question",
               "clearly {}", "{} this time", "{}, ideally", "definitely {}", "{}, really", "{}!", "truly {}",
               "{} - yes", "{}, mostly", "absolutely {}", "{} (obviously)"]
CLOSE_WHEN = ["That night", "After dinner", "Next morning", "Right away", "Without delay", "Over coffee",
              "Later", "On the commute", "At lunchtime", "Before sleeping", "By evening", "Straight after",
              "Eventually", "Soon", "At midnight", "Impatiently", "Finally", "Monday morning", "Then", "Next",
              "Meanwhile", "Quickly", "Tonight", "At once"]
CLOSE_DO = ["browsed", "searched", "scrolled", "looked", "shopped", "hunted", "checked", "asked around",
            "went looking", "started", "compared", "dug", "clicked around", "window-shopped"]
CLOSE_WHERE = ["online", "the web", "some shops", "an app", "a few sites", "for ideas", "in earnest",
               "carefully", "at length", "from the sofa", "on the phone", "by laptop", "a while", "everywhere"]

# where a scenario breaks into parts: before a preposition or time word, or at punctuation
_BREAK = re.compile(r"\s*[,;]\s*|\s+-\s+|\s+(?=(?:by|at|in|on|with|for|during|before|after|ahead|over|from|next|"
                    r"this|when|while|beside|near|around|right|that|who|where|every|each)\b)", re.IGNORECASE)
_LABEL = re.compile(r"^[A-Z][\w' -]{0,30}:\s+(?=\S)")  # "Sports need: ", "Guest of honour: "
NOUNS = ["the occasion", "the event", "the day", "it", "the whole thing", "the plan", "the date"]


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
    return rng.choice(NEED_FRAMES).format(need)


def restate(scenario: str, rng: random.Random) -> str:
    """The scenario in other words: its parts (split before prepositions and time words) in a new
    order, some left out or named by a noun, so the stories of one scenario do not all repeat it."""
    text = _LABEL.sub("", scenario.strip().rstrip("."))
    parts = [p for p in _BREAK.split(text) if p]
    if not parts:
        return rng.choice(NOUNS)
    while len(parts) > 1 and len(parts[0].split()) < 3:  # "Preparing" alone says nothing: keep its object
        parts[:2] = [f"{parts[0]} {parts[1]}"]
    core, rest = parts[0][0].lower() + parts[0][1:], parts[1:]
    rest = [p for p in rest if rng.random() < 0.6]
    rng.shuffle(rest)
    if rng.random() < 0.3 and rest:  # the occasion by its setting alone
        core = rng.choice(NOUNS)
    glue = rng.choice([", ", " ", " - ", " ... ", "; "])
    if rest and rng.random() < 0.5:
        return f"{glue.join(rest)}{rng.choice([', ', ' - ', ': '])}{core}"
    return glue.join([core, *rest])


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    persona, product = inputs["persona"], inputs["product"]
    first, second = rng.sample(_needs(product) + [rng.choice(EXTRA_NEEDS)], 2)
    pronoun = {"female": "she", "male": "he"}.get(persona["gender"], "they")
    name = persona["name"] if rng.random() < 0.5 else persona["name"].split()[0]
    who = rng.choice([name, f"{name}, {persona['age']},", f"{name} ({persona['age']})"])
    if persona.get("profession") and rng.random() < 0.5:
        who = rng.choice([f"{name}, a {persona['profession']},", f"{name} the {persona['profession']}"])
    event = restate(inputs["scenario"], rng)
    pick = rng.choice
    opening = rng.choice([
        f"{pick(WHEN)}, {who} {pick(FACES)} {pick(LINKS)} {event}.",
        f"{who[0].upper() + who[1:]} {pick(FACES)} {event} {pick(WHEN).lower()}.",
        f"{event[0].upper() + event[1:]} - {pick(WHEN).lower()} - {who} {pick(FACES)} it.",
        f"For {who}: {event}, {pick(WHEN).lower()}.",
    ]).replace("  ", " ").replace(",,", ",")
    optional = [
        f"{pick(MOMENTS)} {pick(SPOTS)}, {pronoun} {pick(PONDERS)} {pick(TOPICS)}.",
        f"{pick(FEELINGS)} {pick(BLENDS)} {pick(FEELINGS_2)}.",
        f"{pick(COMPANIONS)} {pick(REACTIONS)} {pick(SPOTS)}.",
        f"{pick(WEATHER)}; {pronoun} {pick(PONDERS)} {pick(TOPICS)} {pick(MOMENTS).lower()}.",
        f"{pick(MEMORIES)} {pick(STINGS)}.",
        f"{pronoun.capitalize()} {pick(PLANS)} {pick(MOMENTS).lower()}.",
        f"{pronoun.capitalize()} {pick(WANTS)} {pick(HOPES)}{pick([',', ' -', ';', ''])} "
        f"{pick(FEELINGS_2)} {pick(DESPITE)}.",
        f"{pick(COMPANIONS)} {pick(REACTIONS)}; {pick(FEELINGS).lower()} {pick(BLENDS)} {pick(FEELINGS_2)}.",
        f"{pick(MOMENTS)}, {pick(WEATHER).lower()}.",
    ]
    rng.shuffle(optional)
    sentences = [opening, *optional[: rng.randint(3, 5)]]
    rng.shuffle(sentences)  # the event need not come first
    needs = [f"{pick(NEED_INTRO)} {_phrase(first, rng)}.", f"{pick(NEED_INTRO_2)} {_phrase(second, rng)}."]
    sentences.insert(rng.randint(len(sentences) - 1, len(sentences)), needs[0])
    sentences.append(needs[1])
    if rng.random() < 0.6:
        sentences.append(f"{pick(CLOSE_WHEN)}, {pronoun} {pick(CLOSE_DO)} {pick(CLOSE_WHERE)}.")
    return {"backstory": " ".join(sentences), "requirements": [first, second]}
