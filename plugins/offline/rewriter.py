"""Offline answers of the rewriter and its fact check (paper 3.4.1, A.4).

The rewrite varies wording with phrase swaps, contractions, a moved or joined sentence; with
"use colloquial expressions" it adds a casual opener and tag. Like a model at temperature 0.9,
it sometimes drifts on a fact: at `options.rewrite_drift_p`, a rewrite of an utterance that
states a colour, a material or a price changes one of them (a near-synonym colour or material,
a rounded price), which the check must catch. The check compares the product facts of the
original (names, colours, materials, prices) with the rewrite, as the low-temperature checker
is asked to."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.shopper_words import COLOUR_WORDS, MATERIAL_WORDS
from muse_plugins.offline.vision import ImageFacts

SWAPS = [  # (pattern, replacements): wording only, no facts
    (r"\bI'd suggest\b", ["I'd recommend", "I'd point you to", "I'd go for"]),
    (r"\bTake a look at\b", ["Have a look at", "Check out", "Peek at"]),
    (r"\bYou might like\b", ["You may love", "You could like", "You'd probably enjoy"]),
    (r"\bMy pick for you is\b", ["My choice for you is", "My top pick is", "I'd pick"]),
    (r"\bHow about\b", ["What about", "How do you feel about"]),
    (r"\bI found\b", ["I dug up", "I came across", "I tracked down"]),
    (r"\bConsider\b", ["Think about", "Have a think about"]),
    (r"\bmade of\b", ["made from", "made out of"]),
    (r"\bcrafted from\b", ["made from", "built from"]),
    (r"\bIt should\b", ["It ought to", "It'll likely"]),
    (r"\bnicely\b", ["beautifully", "well"]),
    (r"\bThanks\b", ["Thank you", "Cheers"]),
    (r"\bI really need\b", ["I truly need", "I do need"]),
    (r"\bI'd much prefer\b", ["I'd far rather have", "I'd prefer", "I'd sooner have"]),
    (r"\bI'm hoping for\b", ["I was hoping for", "I'd hoped for"]),
    (r"\bI'm after\b", ["I'm looking for", "I'm chasing"]),
    (r"\bwhat I need is\b", ["what I'm after is", "what I want is"]),
    (r"\bI'm not keen on\b", ["I'm not fond of", "I don't much like"]),
    (r"\bisn't really my colour\b", ["is not my colour", "doesn't suit me"]),
    (r"\bdoesn't feel right\b", ["feels off", "doesn't sit right"]),
    (r"\bCould you\b", ["Can you", "Would you"]),
    (r"\btry again\b", ["have another look", "search again"]),
    (r"\bexactly what I wanted\b", ["just what I wanted", "precisely what I was after"]),
    (r"\bHow can I help\b", ["What can I do for you", "How may I help"]),
    (r"\bThat sounds exciting\b", ["How exciting", "Sounds exciting"]),
    (r"\bto be honest\b", ["honestly", "truth be told"]),
    (r"\bI'm thinking of\b", ["I'm considering", "I've been thinking about"]),
    (r"\bI'm looking for\b", ["I'm searching for", "I'm on the hunt for"]),
    (r"\bI love\b", ["I adore", "I really like"]),
    (r"\breminds me of\b", ["makes me think of", "brings back"]),
    (r"\bwhich matters to me\b", ["and that's important to me", "which I care about"]),
    (r"\bIt's\b", ["It is"]),
    (r"\bisn't\b", ["is not"]),
    (r"\bdon't\b", ["do not"]),
    (r"\bwon't\b", ["will not"]),
    (r"\bWhat do you think of\b", ["How do you like", "What's your take on", "How do you feel about"]),
    (r"\bHave you seen\b", ["Have you spotted", "Did you catch", "Have you come across"]),
    (r"\bLet me show you\b", ["Allow me to show you", "Let me pull up", "Here, let me show you"]),
    (r"\bHere's one:", ["Here's an option:", "Here's a candidate:", "Try this:"]),
    (r"\bIn the photo\b", ["In the picture", "In the image", "In the snapshot"]),
    (r"\bThe price is\b", ["Its price is", "The cost is", "Price-wise, it's"]),
    (r"\bIt costs\b", ["It will cost you", "It'll set you back"]),
    (r"\bwhat kind of item\b", ["what type of item", "what sort of item"]),
    (r"\bare you picturing\b", ["are you imagining", "do you envision"]),
    (r"\bI'd love\b", ["I'd really love", "I would love"]),
    (r"\bsomething else\b", ["something different", "another option"]),
    (r"\bThank you\b", ["Thanks a lot", "Thanks very much", "Many thanks"]),
    (r"\ba pair of\b", ["some"]),
    (r"\bfor the occasion\b", ["for the event", "for the big day"]),
    (r"\bcould be the one\b", ["might be the one", "may be just right"]),
    (r"\bMost of all\b", ["Above all", "More than anything"]),
    (r"\bI'd prefer\b", ["I'd rather like", "I'd much prefer"]),
    (r"\bthis one\b", ["this piece", "this item"]),
    (r"\bthat one\b", ["that piece", "that item"]),
    (r"\bI think\b", ["I believe", "I feel"]),
    (r"\bexactly\b", ["precisely", "just"]),
    (r"\bmatches\b", ["fits", "lines up with"]),
    (r"\blovely\b", ["gorgeous", "beautiful", "pretty"]),
    (r"\btoday\b", ["this time", "right now"]),
    (r"\bfor you\b", ["for you here", "just for you"]),
    (r"\bI am\b", ["I'm"]),
    (r"\bdo not\b", ["don't"]),
    (r"\bvery\b", ["really", "quite"]),
    (r"\breally\b", ["truly", "genuinely"]),
]
# Word choice, as a hot model varies it: lower-case words of the assistant's and the shopper's
# phrasing only (never an attribute, a wish or a negation, which the fact check and the readers
# rely on; product titles are in title case), each occurrence swapped on its own.
WORDS = {
    "lovely": ["gorgeous", "beautiful", "pretty", "charming"], "perfect": ["flawless", "spot-on", "excellent"],
    "happy": ["glad", "pleased"], "idea": ["thought", "notion"], "option": ["choice", "possibility"],
    "suggest": ["recommend", "propose"], "photo": ["picture", "image"], "occasion": ["event"],
    "wonderful": ["marvellous", "fantastic", "splendid"], "great": ["excellent", "terrific", "fantastic"],
    "maybe": ["perhaps", "possibly"], "honestly": ["frankly", "truthfully"], "quite": ["fairly", "pretty"],
    "excited": ["thrilled", "eager"], "nervous": ["anxious", "jittery"], "big": ["major", "huge"],
    "busy": ["hectic"], "funny": ["odd", "curious"], "strange": ["odd", "curious"],
    "amazing": ["incredible", "stunning"], "probably": ["likely", "most likely"], "plans": ["arrangements"],
    "memory": ["recollection"], "moments": ["times"], "shopping": ["browsing"], "search": ["hunt"],
    "item": ["product", "article"], "piece": ["item"], "sure": ["certain"], "start": ["begin"],
    "actually": ["in fact"], "found": ["spotted", "located"], "mission": ["task"], "sweet": ["kind"],
    "effort": ["attempt"], "close": ["near"], "smile": ["grin"], "appreciate": ["value"],
    "details": ["specifics", "particulars"], "choice": ["option", "selection"],
    "suggestion": ["proposal", "recommendation"], "story": ["tale"], "shot": ["snap"], "camera": ["screen"],
    "listing": ["description", "product page"], "notes": ["mentions", "lists"], "touch": ["detail"],
    "price": ["cost"], "chosen": ["selected"], "said": ["mentioned"], "told": ["said to"], "seemed": ["looked"],
    "match": ["fit"], "small": ["tiny"], "special": ["memorable"], "drawn": ["attracted"], "easier": ["simpler"],
    "worry": ["fret"], "sorted": ["settled", "handled"], "answers": ["meets"], "felt": ["seemed"],
    "trust": ["rely on"], "sort": ["kind", "type"], "type": ["kind", "sort"], "fan": ["admirer"],
}
WORD_SWAP_P = 0.4
_ARTICLE_WORD = re.compile(r"\b(?:(a|an|A|An) )?(" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b")


def _swap_word(m: re.Match[str], rng: random.Random) -> str:
    article, word = m.group(1), m.group(2)
    if rng.random() >= WORD_SWAP_P:
        return m.group(0)
    new = rng.choice(WORDS[word])
    if article:  # "a perfect fit" -> "an ideal fit"
        fitting = "an" if new[0] in "aeiou" else "a"
        article = fitting.capitalize() if article[0].isupper() else fitting
        return f"{article} {new}"
    return new


_COMPILED_SWAPS = [(re.compile(pattern), choices) for pattern, choices in SWAPS]  # once, not per utterance

FILLERS = ["Honestly", "So", "Okay", "Well", "Oh", "Look", "Right", "Alright", "See", "Hmm", "Yeah", "Listen"]
TAGS = [" for sure", " to be honest", ", you know", ", no kidding", " - love that", ", I reckon", ", right",
        ", if you ask me", ", honestly", " if that makes sense", ", I'd say"]
I_WORDS = re.compile(r"^I(?:'[a-z]+)?\b")  # "I", "I'd", "I'm" keep their capital after a filler


def _word(word: str) -> str:
    return rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])"


def drift_choices(text: str) -> list[tuple[str, list[str]]]:
    """(pattern, replacements): slips a hot model makes on this text's facts: a colour or material
    named by a near-synonym that does not contain it, a price rounded to whole dollars."""
    choices = []
    for table in (COLOUR_WORDS, MATERIAL_WORDS):
        for word, synonyms in table.items():
            others = [s for s in synonyms if word not in s.lower()]
            if others and re.search(_word(word), text, re.I):
                choices.append((_word(word), others))
    for price in dict.fromkeys(re.findall(r"\$\d+\.\d\d\b", text)):
        dollars, cents = price[1:].split(".")
        choices.append((re.escape(price), [f"about ${int(dollars) + (int(cents) >= 50)}"]))
    return choices


def _drift(text: str, rng: random.Random) -> str:
    """Change one fact everywhere it appears, keeping a capital where the fact had one."""
    choices = drift_choices(text)
    if not choices:
        return text
    pattern, replacements = rng.choice(choices)
    new = rng.choice(replacements)
    return re.sub(pattern, lambda m: new[0].upper() + new[1:] if m.group(0)[:1].isupper() else new, text, flags=re.I)


def rewrite(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
            options: OfflineConfig) -> str:
    text = inputs["text"]
    for pattern, choices in _COMPILED_SWAPS:
        if pattern.search(text) and rng.random() < 0.6:
            text = pattern.sub(rng.choice(choices), text, count=1)
    text = _ARTICLE_WORD.sub(lambda m: _swap_word(m, rng), text)
    if rng.random() < options.rewrite_drift_p:
        text = _drift(text, rng)
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    if len(sentences) > 2 and rng.random() < 0.4:  # move a middle sentence to the end
        sentences.append(sentences.pop(1))
    if len(sentences) > 1 and rng.random() < 0.3:  # join two sentences into one
        i = rng.randrange(len(sentences) - 1)
        first, second = sentences[i], sentences[i + 1]
        if first.endswith(".") and not I_WORDS.match(second):
            sentences[i:i + 2] = [first[:-1] + rng.choice([" - ", "; ", ", and "]) + second[0].lower() + second[1:]]
    if inputs.get("colloquial"):
        first = sentences[0]
        first = first if I_WORDS.match(first) else first[0].lower() + first[1:]
        sentences[0] = rng.choice(FILLERS) + rng.choice([", ", " - "]) + first
        last = sentences[-1]
        if last.endswith("."):
            sentences[-1] = last[:-1] + rng.choice(TAGS) + "."
    return " ".join(sentences)


def check(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
          options: OfflineConfig) -> dict[str, str]:
    original, rewritten = inputs["original"], inputs["rewrite"].lower()
    facts = list(inputs.get("facts") or []) + re.findall(r"\$\d+(?:\.\d\d)?", original)
    lost = [f for f in facts if f.lower() in original.lower() and f.lower() not in rewritten]
    if lost:
        return {"answer": "No", "reason": f"the rewrite drops or changes: {', '.join(lost)}"}
    return {"answer": "Yes", "reason": "content and product facts are unchanged"}
