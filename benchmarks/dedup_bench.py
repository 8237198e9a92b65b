"""Dedup at scale: the `bleu` metric on synthetic purchase backstories against the exhaustive NLTK
loop (muse_core.dedup.exhaustive_bleu_keep), in the same process. Also runs `minhash`.

    python benchmarks/dedup_bench.py [--n 10000] [--exhaustive-prefix 500] [--threshold 0.15] [--seed 0]

The exhaustive loop is quadratic, so it runs on the first --exhaustive-prefix texts only; its
decisions are compared with the indexed run's on that prefix, and its time is extrapolated to
--n twice: quadratically, and by the number of (text, kept text) pairs it would score, which
the indexed run's decisions give. As texts get dropped the kept set grows slower than the
corpus, so the pairs estimate is the fairer (lower) one.
Texts are 60-150 words, built from sentence templates and word lists with a seeded RNG; about
one in six is a light edit (word swaps, replacements, dropped or added sentences, case and
punctuation changes) of an earlier text, so there are real near-duplicates among many distinct ones.
"""

from __future__ import annotations

import argparse
import random
import time

from muse_core.dedup import dedup, exhaustive_bleu_keep
from muse_plugins.bleu_dedup import BleuDedup
from muse_plugins.minhash_dedup import MinHashDedup


def options(choices: str) -> list[str]:
    return choices.split("|")


# Each backstory draws from one topic's vocabulary, so texts on different topics share little.
TOPICS = {
    "hiking": dict(
        item=options("pair of trail boots|rain shell|fleece pullover|pair of wool socks|sun hat|daypack|"
                     "pair of convertible pants"),
        activity=options("a three-day trek in the Rockies|the coastal trail with my club|a sunrise climb|"
                         "a weekend of backcountry camping|the canyon loop everyone keeps talking about"),
        problem=options("gave me blisters by the second mile|soaked through in the first storm|"
                        "ripped on a granite ledge|made my feet ache on the descent"),
    ),
    "office": dict(
        item=options("tailored blazer|pair of pleated trousers|silk blouse|pair of leather loafers|"
                     "structured tote|merino cardigan|pencil skirt"),
        activity=options("the first week at a new law firm|a round of client presentations|the quarterly board meeting|"
                         "a promotion interview on Monday|a conference where I am giving a talk"),
        problem=options("looked wrinkled by lunch|pinched at the shoulders|made me look like an intern|"
                        "lost a button during a meeting"),
    ),
    "wedding": dict(
        item=options("floor-length gown|linen suit|pair of block heels|beaded clutch|satin slip dress|"
                     "pocket square|pair of pearl earrings"),
        activity=options("a cousin's beach wedding|the rehearsal dinner|a vineyard ceremony in the valley|"
                         "a best friend's engagement party|a black-tie reception downtown"),
        problem=options("was the same dress another guest wore|felt stiff while dancing|"
                        "clashed with the bridesmaids|had a zipper that broke"),
    ),
    "gym": dict(
        item=options("pair of running shoes|sports bra|pair of compression leggings|moisture-wicking tee|"
                     "gym bag|pair of lifting gloves|windbreaker"),
        activity=options("a first half marathon|a spin class streak|training for a charity 10K|"
                         "early morning sessions before work|a strength program from a new coach"),
        problem=options("slid around on the treadmill|smelled even after washing|"
                        "chafed during long runs|went see-through when I squatted"),
    ),
    "travel": dict(
        item=options("carry-on suitcase|packable down jacket|pair of slip-on sneakers|crossbody bag|"
                     "wrinkle-free shirt|travel scarf|pair of walking sandals"),
        activity=options("a two-week trip through Portugal|a work trip to Tokyo|backpacking across Vietnam|"
                         "visiting grandparents in Norway|a road trip along the coast"),
        problem=options("broke a wheel at the airport|took up half my luggage|"
                        "got soaked in the first downpour|was impossible to clean on the road"),
    ),
    "kids": dict(
        item=options("winter coat for a growing boy|pair of rain boots for a toddler|school backpack|"
                     "set of pajamas|pair of snow pants|party dress for a niece|hoodie for a teenager"),
        activity=options("the first day of kindergarten|a school trip to the mountains|a daughter's recital|"
                         "a family reunion in the countryside|the soccer season starting next month"),
        problem=options("was outgrown in three months|fell apart after a few washes|"
                        "was too hard for small hands to zip|faded after one season"),
    ),
    "garden": dict(
        item=options("pair of gardening clogs|canvas apron|wide-brim straw hat|pair of work gloves|"
                     "durable overalls|waterproof jacket|pair of knee pads"),
        activity=options("planting a vegetable patch|volunteering at the community garden|"
                         "restoring grandmother's old rose beds|building raised beds this spring|"
                         "the county flower show"),
        problem=options("cracked after a few months in the sun|let the mud straight through|"
                        "tore on the first thorny bush|left my hands blistered"),
    ),
}
WORDS = {
    "job": options("nurse|teacher|software engineer|accountant|chef|firefighter|photographer|librarian|architect|"
                   "pharmacist|electrician|journalist|dentist|pilot|barista|florist|mechanic|lawyer|designer|farmer"),
    "city": options("Denver|Boston|Austin|Seattle|Chicago|Portland|Atlanta|Phoenix|Miami|Detroit|Raleigh|Tucson|"
                    "Omaha|Madison|Boise|Memphis|Richmond|Spokane|Tampa|Buffalo"),
    "relation": options("sister|brother|mother|father|daughter|son|wife|husband|best friend|grandmother|cousin|"
                        "niece|nephew|aunt|uncle|colleague|neighbor|roommate|partner|mentor"),
    "color": options("navy|black|olive|burgundy|cream|grey|mustard|teal|blush|white|charcoal|camel|emerald"),
    "adj": options("comfortable|elegant|durable|lightweight|warm|breathable|classic|stylish|versatile|sturdy|"
                   "waterproof|cozy|casual|formal|minimalist"),
    "material": options("cotton|wool|leather|linen|silk|denim|cashmere|suede|polyester|bamboo"),
    "shop": options("a big online store|a local boutique|a discount outlet|a department store|a thrift shop|"
                    "a sports retailer|an ad on social media|a catalog my neighbor lent me"),
    "feeling": options("excited|nervous|a little overwhelmed|determined|hopeful|anxious|thrilled|picky"),
    "age": [str(age) for age in range(19, 76)],
}

# Narrators differ (first person, or a named third person), so even the pronouns vary.
NARRATORS = [
    dict(i="I", me="me", my="my", am="am", has="have", s="", name="I"),
    *(dict(i=pronoun, me=obj, my=possessive, am="is", has="has", s="s", name=name)
      for name, pronoun, obj, possessive in [
          ("Maria", "she", "her", "her"), ("Daniel", "he", "him", "his"), ("Priya", "she", "her", "her"),
          ("Tom", "he", "him", "his"), ("Aisha", "she", "her", "her"), ("Kenji", "he", "him", "his"),
          ("Lucia", "she", "her", "her"), ("Omar", "he", "him", "his"), ("Grace", "she", "her", "her"),
          ("Mateo", "he", "him", "his"), ("Hannah", "she", "her", "her"), ("Samuel", "he", "him", "his")]),
]
OPENERS = options("|" * 30 + "Lately, |To be honest, |For a while now, |Then again, |On top of that, |Of course, |"
                  "Looking back, |These days, |Meanwhile, |Still, |Funny enough, |In any case, |Apparently, ")
# A sentence of a role is one choice from each of its parts: thousands of sentences per role.
SENTENCES = {
    "intro": [
        options("{name}, a {age}-year-old {job},|{name} work{s} as a {job} and|{name}, a {job},|"
                "as a {job}, {i}|at {age}, {name}|with a job as a {job}, {i}|{name} trained as a {job} and"),
        options(" live{s} in {city}| moved to {city} last year| grew up outside {city}| commute{s} across {city} daily|"
                " rent{s} a small flat in {city}| split{s} time between {city} and the coast"),
        options(".|, rarely shopping for fun.|, with little patience for malls.|, and weekends are precious.|"
                ", where the weather changes by the hour.|."),
    ],
    "trigger": [
        options("right now {i} {am} preparing for|the whole search started with|{my} {relation} talked {me} into|"
                "nothing matters more this month than|an invitation arrived for|{i} signed up for|"
                "soon comes|the calendar says it is almost time for"),
        options(" {activity}"),
        options(".|, and nerves are setting in.|, which feels {feeling}.|, so the closet got a hard look.|"
                " with {my} {relation}.|, the first in years.|."),
    ],
    "need": [
        options("the plan is to find|top of the list is|what is missing is|{i} {am} hunting for|"
                "{name} picture{s}|the ideal buy would be|it has to be|{my} wardrobe lacks|{i} want{s}"),
        options(" a {adj} {item}| a {item} in {color}| a {material} {item}| a {color} {material} {item}|"
                " one good {item}| a {item}, ideally {material},| a {adj} {color} {item}"),
        options(".| that survives {activity}.| without a designer price.| that fits on the first try.|"
                " to wear for years.| that looks {adj} in photos.| for {activity}.|, nothing flashy.|."),
    ],
    "past": [
        options("the last {item}|a bargain from {shop}|the previous attempt|something bought through {shop}|"
                "a gift from {my} {relation}|a {color} one from years ago|the {item} from last season"),
        options(" {problem}"),
        options(".|, a lesson learned the hard way.|, and that still stings.|, so reviews get read now.|"
                ", which {my} {relation} still mentions.|."),
    ],
    "preference": [
        options("{material} beats synthetic blends|{color} suits {me}|fit comes first|"
                "{my} {relation} swears by {material}|anything in {color} catches the eye|"
                "stitching matters more than labels|a {adj} cut wins"),
        options("| every time| without question| most days| in the end| for sure"),
        options(".|, especially for {activity}.|, and {i} {am} sticking to that.|, lesson learned.|."),
    ],
    "budget": [
        options("about {price} dollars is the limit|the budget tops out at {price} dollars|"
                "anything under {price} dollars works|{price} dollars came out of savings|"
                "spending over {price} dollars feels wrong|{price} dollars, not a cent more"),
        options(".|, after rent and bills.|, since {activity} costs enough already.|."),
    ],
    "closing": [
        options("hopefully it all works out|wish {me} luck|the search starts tonight|"
                "feeling {adj} and confident is the point|if it works, {my} {relation} hears about it|"
                "{i} {am} {feeling} but hopeful"),
        options(".|!|, fingers crossed.|."),
    ],
}
ORDER = ["intro", "trigger", "need", "past", "preference", "budget", "closing"]

# Scene-setting sentences from open word lists: the unique content real backstories are full of.
SCENE = dict(
    verb=options("watched|fixed|painted|carried|cleaned|opened|sorted|planted|folded|baked|repaired|photographed|"
                 "borrowed|returned|described|packed|unpacked|measured|counted|noticed|arranged|finished|started|"
                 "skipped|rearranged|labeled|wrapped|delivered|tested|rescued"),
    adjective=options("old|tiny|noisy|quiet|dusty|shiny|broken|borrowed|faded|crooked|heavy|narrow|sunny|rainy|"
                      "crowded|empty|cluttered|spotless|ancient|brand-new|chipped|wobbly|bright|dim|cramped|spacious"),
    noun=options("kitchen table|bicycle|garage|balcony|bookshelf|window|stairwell|garden shed|lamp|piano|"
                 "suitcase|fence|mailbox|bakery|library|train platform|bus stop|cafe|porch|attic|laundry room|"
                 "hallway|rooftop|parking lot|workshop|market stall|fish tank|sofa|desk|closet door"),
    when=options("before breakfast|after dinner|on Sunday morning|during the storm|last night|at dawn|"
                 "over the holidays|between meetings|on the way home|after the game|at midnight|before work"),
)
SCENE_TEMPLATES = [
    "{name} {verb_past} the {adjective} {noun} {when}.",
    "{when} {i} {verb_past} a {adjective} {noun}.",
    "{my} {relation} {verb_past} the {noun} {when} while {i} {verb_past2} the {adjective} {noun2}.",
    "{when}, {name} {verb_past} {my} {adjective} {noun} and then {verb_past2} the {noun2}.",
]


def fill(role: str, topic: dict[str, list[str]], narrator: dict[str, str], rng: random.Random) -> str:
    slots = {key: rng.choice(values) for key, values in (WORDS | topic).items()}
    slots["price"] = str(rng.randrange(30, 400, 10))
    template = rng.choice(OPENERS) + "".join(rng.choice(part) for part in SENTENCES[role])
    sentence = template.format(**slots, **narrator)
    return sentence[0].upper() + sentence[1:]


def scene(narrator: dict[str, str], rng: random.Random) -> str:
    slots = {key: rng.choice(values) for key, values in SCENE.items()}
    slots.update(verb_past=slots.pop("verb"), verb_past2=rng.choice(SCENE["verb"]), noun2=rng.choice(SCENE["noun"]),
                 relation=rng.choice(WORDS["relation"]))
    sentence = rng.choice(SCENE_TEMPLATES).format(**slots, **narrator)
    return sentence[0].upper() + sentence[1:]


def backstory(rng: random.Random) -> str:
    """One topic and narrator; a sentence per role in a natural order, scene-setting sentences
    in between, trimmed or padded to 60-150 words."""
    topic = TOPICS[rng.choice(sorted(TOPICS))]
    narrator = rng.choice(NARRATORS)
    roles = ORDER[:3] + sorted(rng.sample(ORDER[3:], rng.randint(1, 4)), key=ORDER.index)
    sentences = [fill(role, topic, narrator, rng) for role in roles]
    for _ in range(rng.randint(3, 8)):
        sentences.insert(rng.randint(1, len(sentences)), scene(narrator, rng))
    while len(" ".join(sentences).split()) > 150:
        sentences.pop(rng.randrange(1, len(sentences)))
    while len(" ".join(sentences).split()) < 60:
        sentences.insert(-1, scene(narrator, rng))
    return " ".join(sentences)


def near_duplicate(text: str, rng: random.Random) -> str:
    """A light edit of `text`, what a generator repeating itself produces: maybe a sentence
    dropped or added, then 1-6 word swaps, replacements, insertions, deletions, case or
    punctuation changes."""
    sentences = text.split(". ")
    if rng.random() < 0.2 and len(sentences) > 4:
        del sentences[rng.randrange(1, len(sentences) - 1)]
    elif rng.random() < 0.2:
        sentences.insert(rng.randrange(1, len(sentences)), scene(rng.choice(NARRATORS), rng).rstrip("."))
    if not 60 <= len(". ".join(sentences).split()) <= 150:
        sentences = text.split(". ")
    words = ". ".join(sentences).split()
    for _ in range(rng.randint(1, 6)):
        edit, i = rng.randrange(6), rng.randrange(len(words) - 1)
        if edit == 0:
            words[i], words[i + 1] = words[i + 1], words[i]
        elif edit == 1:
            words[i] = rng.choice(WORDS[rng.choice(["adj", "color", "material", "city", "feeling"])])
        elif edit == 2 and len(words) > 60:
            del words[i]
        elif edit == 3 and len(words) < 150:
            words.insert(i, rng.choice(["really", "also", "honestly", "definitely", "just"]))
        elif edit == 4:
            words[i] = words[i].upper() if rng.random() < 0.5 else words[i].capitalize()
        else:
            words[i] = words[i].rstrip(".,!") + rng.choice([",", "!", ";", ""])
    return " ".join(words)


def corpus(n: int, seed: int) -> list[str]:
    """`n` backstories; about one in six edits one of the 500 texts before it."""
    rng = random.Random(seed)
    texts: list[str] = []
    for _ in range(n):
        if texts and rng.random() < 1 / 6:
            texts.append(near_duplicate(rng.choice(texts[-500:]), rng))
        else:
            texts.append(backstory(rng))
    return texts


def pairs_scored(keep: list[bool]) -> int:
    """Pairs the exhaustive loop scores: each text against every text kept before it."""
    total = kept = 0
    for decision in keep:
        total += kept
        kept += decision
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--exhaustive-prefix", type=int, default=500)
    parser.add_argument("--threshold", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts = corpus(args.n, args.seed)
    prefix = texts[: args.exhaustive_prefix]
    words = [len(t.split()) for t in texts]
    print(f"{len(texts)} backstories, {min(words)}-{max(words)} words (mean {sum(words) / len(words):.0f}); "
          f"BLEU threshold {args.threshold}")

    start = time.perf_counter()
    fast = [d.keep for d in dedup(texts, BleuDedup(args.threshold))]
    fast_time = time.perf_counter() - start
    start = time.perf_counter()
    dedup(prefix, BleuDedup(args.threshold))
    fast_prefix_time = time.perf_counter() - start
    print(f"bleu, indexed:    {len(texts):>6} texts {fast_time:8.2f} s   kept {sum(fast)}")
    print(f"bleu, indexed:    {len(prefix):>6} texts {fast_prefix_time:8.2f} s")

    start = time.perf_counter()
    exhaustive = exhaustive_bleu_keep(prefix, args.threshold)
    prefix_time = time.perf_counter() - start
    agree = exhaustive == fast[: len(prefix)]
    print(f"bleu, exhaustive: {len(prefix):>6} texts {prefix_time:8.2f} s   kept {sum(exhaustive)}; decisions "
          f"{'identical to' if agree else 'DIFFERENT from'} the indexed run's")

    quadratic = prefix_time * (len(texts) / len(prefix)) ** 2
    by_pairs = prefix_time * pairs_scored(fast) / max(1, pairs_scored(exhaustive))
    print(f"exhaustive on {len(texts)} texts, extrapolated quadratically (x ({len(texts)}/{len(prefix)})^2): "
          f"{quadratic:.0f} s; by the pairs it would score: {by_pairs:.0f} s")
    print(f"speed ratio: {quadratic / fast_time:.0f}x (quadratic), {by_pairs / fast_time:.0f}x (pairs); "
          f"measured on the prefix: {prefix_time / fast_prefix_time:.0f}x")

    start = time.perf_counter()
    minhash = [d.keep for d in dedup(texts, MinHashDedup())]
    print(f"minhash (Jaccard > 0.5): {len(texts)} texts {time.perf_counter() - start:.2f} s   kept {sum(minhash)}")
    if not agree:
        raise SystemExit("the indexed bleu metric disagrees with the exhaustive loop")


if __name__ == "__main__":
    main()
