"""Offline answers of the chatter (paper Figure 18): greet, ask, recommend a product from its
listing and photo, answer chit-chat and steer back to the recommendation.

Each sentence is put together from independent phrase pools (and the product's own facts), so
that a sentence rarely repeats across conversations."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.lexicon import capitalised
from plugins.offline.needs import DEPARTMENTS, a_kind, attribute_terms
from plugins.offline.vision import ImageFacts

HELLO = ["Hello", "Hi there", "Welcome", "Hi", "Hi, good to see you", "Greetings", "Hello and welcome", "Hey",
         "Good day", "Welcome back", "Hi, welcome"]
OFFER = ["how may I assist you today", "what can I help you find", "what are you shopping for today",
         "how can I help", "are you looking for anything in particular", "what brings you here today",
         "what do you need today", "what can I do for you", "what's on your list today", "what are we looking for",
         "how can I make your shopping easier", "what would you like to find"]


def greet(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
          options: OfflineConfig) -> str:
    return f"{rng.choice(HELLO)}, {rng.choice(OFFER)}?"


REACT = ["That sounds exciting", "How lovely", "Oh, that's a big one", "Sounds like fun", "Great, happy to help",
         "Nice, let's find you something", "What an occasion", "Oh, I like the sound of that", "Lovely plan",
         "That's a good reason to shop", "Wonderful", "Got it"]
WHICH = ["what kind of item", "which type of piece", "what sort of thing", "which kind of item"]
ASK_VERB = ["are you picturing", "do you have in mind", "would help most", "are you hoping to find",
            "should we look for"]
MUST = ["what matters most about it", "is there a must-have feature", "what should it be like", "any must-haves",
        "what's most important to you", "anything it absolutely needs"]
SEEN = ["That {c} {k} is a great base", "I can see the {c} {k} in your photo", "Your {k} has a nice {t} {c} look",
        "The {c} {k} in the picture gives us a lot to work with", "Nice {k}: the {t} {c} is easy to pair"]
PAIR_Q = ["what kind of piece are you picturing next to it", "which item would you like to pair with it",
          "what should the matching piece be", "what would you like to wear alongside it"]


def ask(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    outfit = inputs.get("outfit")
    react = rng.choice(REACT)
    if outfit:
        seen = images[0] if images else None
        colour = seen.colors[0] if seen and seen.colors else (outfit["attributes"].get("colors") or ["neutral"])[0]
        kind = outfit["attributes"].get("product_type", "piece")
        look = rng.choice(SEEN).format(c=colour, k=kind, t=seen.tone if seen else "clean")
        return f"{react}! {look} - {rng.choice(PAIR_Q)}, and {rng.choice(MUST)}?"
    echo = _echo(inputs.get("conversation") or [], rng)
    if echo:
        return f"{react} - {echo}! {capitalised(rng.choice(WHICH))} {rng.choice(ASK_VERB)}, and {rng.choice(MUST)}?"
    return f"{react} - {rng.choice(WHICH)} {rng.choice(ASK_VERB)}, and {rng.choice(MUST)}?"


def _echo(conversation: list[dict[str, str]], rng: random.Random) -> str | None:
    """A few words of the user's last turn said back ("a wedding by the lake"), as a listener does:
    a run of 3-6 words from its longest sentence, after any "Here's my situation:" head."""
    last = next((t["text"] for t in reversed(conversation) if t["speaker"] == "User"), "")
    sentences = [re.split(r":\s|\s-\s", s)[-1] for s in re.split(r"(?<=[.!?])\s+", last) if s]
    if not sentences:
        return None
    words = max(sentences, key=lambda s: len(s.split())).rstrip(".!?").split()
    if len(words) < 4:
        return None
    n = rng.randint(3, min(6, len(words)))
    start = rng.randrange(len(words) - n + 1)
    echo = words[start:start + n]
    while len(echo) > 2 and echo[-1].lower().strip(",;") in DANGLING:  # "a wedding by the" ends too soon
        echo.pop()
    return " ".join(echo).strip(",;")


DANGLING = {"the", "a", "an", "by", "at", "in", "on", "of", "for", "to", "with", "and", "my", "-", "is", "from",
            "this", "that", "some", "our", "your", "before", "after", "during", "as", "it", "so"}


INTRO = ["I'd suggest the {t}.", "Take a look at the {t}.", "How about the {t}?", "You might like the {t}.",
         "My pick for you is the {t}.", "Consider the {t}.", "Have you seen the {t}?", "I found the {t} for you.",
         "Here's one: the {t}.", "What do you think of the {t}?", "The {t} could be the one.",
         "Let me show you the {t}."]
IT_IS = ["It's {a}", "This one is {a}", "It's basically {a}", "You're looking at {a}", "The piece is {a}"]
MADE = [" made of {m}", " in {m}", " crafted from {m}", " cut from {m}", " that uses {m}"]
# The photo sentence is put together from three short pools, so it rarely repeats whole.
PHOTO_WHERE = ["In the photo", "On camera", "In the shot", "Up close", "In this picture", "From the image",
               "In the product photo", "Looking at the picture", "Zoomed in", "In good light"]
PHOTO_VERB = ["it has", "it shows", "you get", "it gives off", "there's", "it carries", "it's got", "I see"]
PHOTO_LOOK = ["a {s} look", "a {p}, {s} finish", "a {s} tone", "a {s} feel", "a lovely {s} shade",
              "a {s} colour that reads well", "a {p} surface in {s}", "a soft {s} cast"]
COSTS = ["It costs ${p:.2f}.", "The price is ${p:.2f}.", "It's ${p:.2f}.", "It comes in at ${p:.2f}."]
TIE_SHARED = ["It has the {w} you asked for.", "It matches what you said about {w}.", "You mentioned {w}, and it has it.",
              "The {w} is right there, as you wanted."]
TIE_LEAD = ["It should", "I think it will", "It ought to", "I'd expect it to", "Hopefully it will"]
TIE_DO = ["fit what you described", "suit your plans", "work nicely for your occasion", "match the picture you gave me",
          "cover what you need", "feel right for the day"]
TIE_END = ["", " well", " nicely", " quite well"]


def recommend(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
              options: OfflineConfig) -> str:
    product = inputs["product"]
    f = product.get("attributes") or {}
    title, kind = product["title"], f.get("product_type", "piece")
    colours = " and ".join((f.get("colors") or [])[:2])
    materials = " and ".join((f.get("materials") or [])[:2])
    intro = rng.choice(INTRO).format(t=title)
    # The title and one more thing (the body, the photo, the price or why it fits): a short turn
    # says as much as a long one here, and a long one repeats the same frames in every round.
    body = rng.choice(IT_IS).format(a=a_kind((colours + " " if colours else "") + kind))
    if materials:
        body += rng.choice(MADE).format(m=materials)
    if f.get("pattern") not in (None, "solid", "patterned"):
        body += rng.choice([" with a {} pattern", ", {} throughout", " with a {} design"]).format(f["pattern"])
    seconds = [body + "."]
    seen = images[0] if images else None
    if seen and seen.colors:
        shade = seen.colors[0] if seen.colors[0].startswith(seen.tone) else f"{seen.tone} {seen.colors[0]}"
        look = rng.choice(PHOTO_LOOK).format(s=shade, p=seen.pattern)
        seconds.append(f"{rng.choice(PHOTO_WHERE)} {rng.choice(PHOTO_VERB)} {look}.")
    if product.get("price") is not None:
        seconds.append(rng.choice(COSTS).format(p=product["price"]))
    last_user = next((t["text"] for t in reversed(inputs["conversation"]) if t["speaker"] == "User"), "")
    text = " ".join([title, product.get("summary") or ""]).lower()
    shared = [t for t in attribute_terms(last_user) if t in text and t not in DEPARTMENTS]
    if shared:
        seconds.append(rng.choice(TIE_SHARED).format(w=shared[0]))
    elif rng.random() < 0.3:
        seconds.append(f"{rng.choice(TIE_LEAD)} {rng.choice(TIE_DO)}{rng.choice(TIE_END)}.")
    return " ".join([intro, rng.choice(seconds)])


FEEL = ["What a lovely memory", "I completely understand that feeling", "That's so nice to hear",
        "It's natural to feel that way", "Moments like that really stay with us", "Ha, I know exactly what you mean",
        "That's sweet", "I hear you", "It sounds like a special time", "Nerves are normal"]
FEEL_END = ["", " before a big day", ", honestly", ", truly", " - thank you for sharing", ", it really is"]
BACK = ["And the {t} could become part of a new memory.", "Coming back to the {t}: it would suit that mood well.",
        "Do you think the {t} fits the picture you have in mind?", "Meanwhile, the {t} is still on the table.",
        "Shall we keep the {t} in mind while we look?", "Maybe the {t} can be part of that story."]


def chitchat(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
             options: OfflineConfig) -> str:
    product = inputs["product"]
    return f"{rng.choice(FEEL)}{rng.choice(FEEL_END)}. {rng.choice(BACK).format(t=product['title'])}"
