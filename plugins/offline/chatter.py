"""Offline answers of the chatter (paper Figure 18): greet, ask, recommend a product from its
listing and photo, answer chit-chat and steer back to the recommendation.

Each sentence is put together from independent phrase pools, the product's own facts and a few
of the user's own words said back, so that a sentence rarely repeats across conversations."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.lexicon import capitalised, echo
from muse_plugins.offline.needs import DEPARTMENTS, a_kind, attribute_terms
from muse_plugins.offline.reading import WISH
from muse_plugins.offline.vision import ImageFacts

HELLO = ["Hello", "Hi there", "Welcome", "Hi", "Hi, good to see you", "Greetings", "Hello and welcome", "Hey",
         "Good day", "Welcome back", "Hi, welcome", "Hey there", "Hello again", "Nice to see you", "Hi and welcome",
         "Welcome in", "Hello, lovely to have you", "Hi, thanks for stopping by", "Good to have you here",
         "Hello, thanks for dropping in", "Hi, glad you found us", "Hey, welcome along"]
OFFER = ["how may I assist you today", "what can I help you find", "what are you shopping for today",
         "how can I help", "are you looking for anything in particular", "what brings you here today",
         "what do you need today", "what can I do for you", "what's on your list today", "what are we looking for",
         "how can I make your shopping easier", "what would you like to find", "tell me what you're after",
         "what's the occasion", "is there something special you need", "what can we track down together",
         "who are we shopping for today", "what did you come in for", "where shall we start",
         "what would make today a success", "anything I can dig out for you", "what's on the shopping list",
         "what are you hunting for", "how can I point you in the right direction", "what's brought you in"]


def greet(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
          options: OfflineConfig) -> str:
    return f"{rng.choice(HELLO)}, {rng.choice(OFFER)}?"


REACT = ["That sounds exciting", "How lovely", "Oh, that's a big one", "Sounds like fun", "Great, happy to help",
         "Nice, let's find you something", "What an occasion", "Oh, I like the sound of that", "Lovely plan",
         "That's a good reason to shop", "Wonderful", "Got it", "Ooh, nice", "Right, understood",
         "That makes sense", "Love that", "Thanks for the background", "Perfect, that helps", "Noted",
         "Okay, I follow", "What fun", "That's helpful to know", "Oh, lovely", "Sounds like a plan",
         "Good to know", "I'm with you", "Brilliant, thanks"]
WHICH = ["what kind of item", "which type of piece", "what sort of thing", "which kind of item",
         "what category of item", "which sort of piece", "what type of thing", "which item exactly",
         "what kind of piece"]
ASK_VERB = ["are you picturing", "do you have in mind", "would help most", "are you hoping to find",
            "should we look for", "shall I search for", "would you like to see", "are you leaning towards",
            "would fit the bill", "are you shopping for", "did you come in for"]
MUST = ["what matters most about it", "is there a must-have feature", "what should it be like", "any must-haves",
        "what's most important to you", "anything it absolutely needs", "any details you care about",
        "is there anything you'd rule out", "what would make it right for you", "which details are non-negotiable",
        "anything it has to have", "how should it look and feel", "what would make you say yes",
        "any preferences I should know"]
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
    said = echo(_user_turns(inputs)[-1], rng, skip=WISH)
    must = f", and {rng.choice(MUST)}?" if rng.random() < 0.2 else "?"
    if said:
        return f"{react} - {said}! {capitalised(rng.choice(WHICH))} {rng.choice(ASK_VERB)}{must}"
    return f"{react} - {rng.choice(WHICH)} {rng.choice(ASK_VERB)}{must}"


def _user_turns(inputs: dict[str, Any]) -> list[str]:
    return [t["text"] for t in inputs.get("conversation") or [] if t["speaker"] == "User"] or [""]


INTRO = ["I'd suggest the {t}.", "Take a look at the {t}.", "How about the {t}?", "You might like the {t}.",
         "My pick for you is the {t}.", "Consider the {t}.", "Have you seen the {t}?", "I found the {t} for you.",
         "Here's one: the {t}.", "What do you think of the {t}?", "The {t} could be the one.",
         "Let me show you the {t}.", "Next up is the {t}.", "Try the {t}.", "There's the {t} to consider.",
         "One option: the {t}.", "I've pulled up the {t}.", "Could the {t} work?", "Maybe the {t}?",
         "Here's a thought - the {t}.", "I'd put the {t} forward.", "Would the {t} do?", "Check the {t}.",
         "My next idea is the {t}.", "Give the {t} a look.", "The {t} caught my eye.", "This may suit: the {t}.",
         "Have a peek at the {t}.", "I have the {t} here.", "Let's see how you feel about the {t}."]
IT_IS = ["It's {a}", "This one is {a}", "It's basically {a}", "You're looking at {a}", "The piece is {a}",
         "What you get is {a}", "In short, it's {a}", "Simply put, it's {a}", "We're talking about {a}",
         "Think of it as {a}", "Essentially it's {a}"]
MADE = [" made of {m}", " in {m}", " crafted from {m}", " cut from {m}", " that uses {m}", " done in {m}",
        " put together in {m}", " finished in {m}", " built from {m}"]
# The photo sentence is put together from three short pools, so it rarely repeats whole.
PHOTO_WHERE = ["In the photo", "On camera", "In the shot", "Up close", "In this picture", "From the image",
               "In the product photo", "Looking at the picture", "Zoomed in", "In good light", "From what I see",
               "Judging by the photo", "In the listing's picture", "On screen", "In the main image",
               "As the photo shows", "Going by the image"]
PHOTO_VERB = ["it has", "it shows", "you get", "it gives off", "there's", "it carries", "it's got", "I see",
              "it wears", "you can spot", "it sports", "it offers", "I notice"]
PHOTO_LOOK = ["a {s} look", "a {p}, {s} finish", "a {s} tone", "a {s} feel", "a lovely {s} shade",
              "a {s} colour that reads well", "a {p} surface in {s}", "a soft {s} cast", "a {s} hue",
              "an even {s} colour", "a {p} face in {s}", "a {s} that photographs nicely", "a clean {s} shade",
              "a {s} colouring", "a {p} {s} appearance"]
COSTS = ["It costs ${p:.2f}.", "The price is ${p:.2f}.", "It's ${p:.2f}.", "It comes in at ${p:.2f}.",
         "It sells for ${p:.2f}.", "It's listed at ${p:.2f}.", "You'd pay ${p:.2f} for it.",
         "The tag says ${p:.2f}.", "It's priced at ${p:.2f}.", "It goes for ${p:.2f}.", "It retails at ${p:.2f}."]
DETAIL = ["One detail: {d}.", "The listing notes {d}.", "It comes with {d}.", "A nice touch is {d}.",
          "Worth knowing: {d}.", "It also has {d}."]
TIE_SHARED = ["It has the {w} you asked for.", "It matches what you said about {w}.", "You mentioned {w}, and it has it.",
              "The {w} is right there, as you wanted.", "You wanted {w}, and this delivers.",
              "It ticks the {w} box.", "That's the {w} you were after.", "It keeps the {w} you asked about.",
              "Your {w} request is covered."]
TIE_LEAD = ["It should", "I think it will", "It ought to", "I'd expect it to", "Hopefully it will",
            "I reckon it will", "It may well", "Chances are it will", "I'm fairly sure it will"]
TIE_DO = ["fit what you described", "suit your plans", "work nicely for your occasion", "match the picture you gave me",
          "cover what you need", "feel right for the day", "do the job", "fit the bill", "serve you well",
          "go down well on the day", "hold up to your plans", "sit well with what you told me"]
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
    # a listed detail that reads as a noun phrase ("button closure", "70% leather"), not a listing's
    # sentence ("Made in Portugal", "Black striped design that works for hiking")
    details = [k for k in f.get("key_features") or [] if len(k.split()) <= 5 and not re.search(
        r"^(?:made|imported|perfect|great)\b|\bthat\b|!", k, re.I)]
    if details:
        seconds.append(rng.choice(DETAIL).format(d=rng.choice(details).lower()))
    last_user = next((t["text"] for t in reversed(inputs["conversation"]) if t["speaker"] == "User"), "")
    text = " ".join([title, product.get("summary") or ""]).lower()
    shared = [t for t in attribute_terms(last_user) if t in text and t not in DEPARTMENTS]
    if shared:
        seconds.append(rng.choice(TIE_SHARED).format(w=shared[0]))
    elif rng.random() < 0.3:
        seconds.append(f"{rng.choice(TIE_LEAD)} {rng.choice(TIE_DO)}{rng.choice(TIE_END)}.")
    parts = [intro, rng.choice(seconds)]
    # Why it suits, in a few of the user's own words from an earlier turn (its situation or story,
    # never a wish): an assistant that listened says so, and the words are this conversation's.
    situation = echo(rng.choice(_user_turns(inputs)), rng, skip=WISH) if rng.random() < 0.8 else None
    if situation:
        parts.append(rng.choice(OCCASION).format(e=situation))
    return " ".join(parts)


# The echo is any run of the user's words ("first ice skating session", "laughed about it at"):
# quoted, every frame reads right.
OCCASION = ["You mentioned \"{e}\", so this should fit.", "I kept \"{e}\" in mind for this one.",
            "You said \"{e}\" - this should suit that.", "With \"{e}\" in mind, it felt right.",
            "Since you said \"{e}\", it seemed a good match.", "I picked it thinking of \"{e}\".",
            "It fits \"{e}\", as you put it.", "Your words were \"{e}\"; this answers them.",
            "\"{e}\" was my starting point here.", "For \"{e}\", I'd trust this one."]


FEEL = ["What a lovely memory", "I completely understand that feeling", "That's so nice to hear",
        "It's natural to feel that way", "Moments like that really stay with us", "Ha, I know exactly what you mean",
        "That's sweet", "I hear you", "It sounds like a special time", "Nerves are normal", "Oh, that made me smile",
        "Thank you for telling me", "Funny how those things come back", "Sounds like quite a week",
        "That's a nice thing to hold on to", "I can picture it", "Those little things matter",
        "What a story", "Ah, I remember days like that"]
FEEL_END = ["", " before a big day", ", honestly", ", truly", " - thank you for sharing", ", it really is"]
BACK = ["And the {t} could become part of a new memory.", "Coming back to the {t}: it would suit that mood well.",
        "Do you think the {t} fits the picture you have in mind?", "Meanwhile, the {t} is still on the table.",
        "Shall we keep the {t} in mind while we look?", "Maybe the {t} can be part of that story.",
        "Back to the {t}, then: how does it strike you?", "So, the {t} - yes or no?",
        "The {t} might just fit that moment.", "Let's see if the {t} feels right for it.",
        "Where does the {t} stand for you now?"]


def chitchat(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
             options: OfflineConfig) -> str:
    product = inputs["product"]
    return f"{rng.choice(FEEL)}{rng.choice(FEEL_END)}. {rng.choice(BACK).format(t=product['title'])}"
