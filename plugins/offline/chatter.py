"""Offline answers of the chatter (paper Figure 18): greet, ask, recommend a product from its
listing and photo, answer chit-chat and steer back to the recommendation."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.needs import DEPARTMENTS, a_kind, attribute_terms
from plugins.offline.vision import ImageFacts


def greet(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    return rng.choice(["Hello! How may I assist you today?", "Hi there! What can I help you find?",
                       "Welcome! What are you shopping for today?", "Good to see you! How can I help?",
                       "Hi! Looking for anything in particular?", "Greetings! What assistance can I provide today?",
                       "Hello and welcome - what brings you here today?", "Hey! Tell me what you need."])


def ask(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    outfit = inputs.get("outfit")
    react = rng.choice(["That sounds exciting!", "How lovely.", "Oh, that's a big one!", "Sounds like fun.",
                        "Great, happy to help with that.", "Nice - let's find you something."])
    if outfit:
        seen = images[0] if images else None
        colour = seen.colors[0] if seen and seen.colors else (outfit["attributes"].get("colors") or ["neutral"])[0]
        ptype = outfit["attributes"].get("product_type", "piece")
        look = rng.choice([f"That {colour} {ptype} is a great base.", f"I can see the {colour} {ptype} in your photo.",
                           f"Your {ptype} has a nice {seen.tone if seen else 'clean'} {colour} look."])
        question = rng.choice(["What kind of piece are you picturing next to it?",
                               "Which item would you like to pair with it, and what matters most?",
                               "What should the matching piece be, and anything it must have?"])
        return " ".join([react, look, question])
    question = rng.choice(["What kind of item do you have in mind, and what matters most about it?",
                           "Could you tell me what type of item you need and any must-haves?",
                           "What are you picturing, and is there a feature it absolutely needs?",
                           "Which kind of item would help, and what should it be like?",
                           "Tell me a bit more: what item, and what's most important to you?"])
    return f"{react} {question}"


def recommend(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    product = inputs["product"]
    f = product.get("attributes") or {}
    title, ptype = product["title"], f.get("product_type", "piece")
    colours = " and ".join((f.get("colors") or [])[:2])
    materials = " and ".join((f.get("materials") or [])[:2])
    intro = rng.choice([f"I'd suggest the {title}.", f"Take a look at the {title}.", f"How about the {title}?",
                        f"You might like the {title}.", f"My pick for you is the {title}.", f"Consider the {title}."])
    body = f"It's {a_kind((colours + ' ' if colours else '') + ptype)}" + (f" made of {materials}" if materials else "")
    if f.get("pattern") not in (None, "solid", "patterned"):
        body += f" with a {f['pattern']} pattern"
    body += "."
    seen = images[0] if images else None
    if seen and seen.colors and rng.random() < 0.6:
        shade = seen.colors[0] if seen.colors[0].startswith(seen.tone) else f"{seen.tone} {seen.colors[0]}"
        body += rng.choice([f" In the photo it has a {shade} look.",
                            f" The picture shows a {seen.pattern} {shade} finish."])
    if product.get("price") is not None and rng.random() < 0.4:
        body += f" It costs ${product['price']:.2f}."
    last_user = next((t["text"] for t in reversed(inputs["conversation"]) if t["speaker"] == "User"), "")
    text = " ".join([title, product.get("summary") or ""]).lower()
    shared = [t for t in attribute_terms(last_user) if t in text and t not in DEPARTMENTS]
    tie = rng.choice([f"It has the {shared[0]} you asked for." if shared else "It should fit what you described.",
                      f"It matches what you said about {shared[0]}." if shared else "I think it suits your plans well.",
                      "It should work nicely for your occasion."])
    return " ".join([intro, body, tie])


def chitchat(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    product = inputs["product"]
    reply = rng.choice(["What a lovely memory to have.", "I completely understand that feeling.",
                        "That's so nice to hear.", "It's natural to feel that way before a big day.",
                        "Moments like that really stay with us.", "Ha, I know exactly what you mean."])
    back = rng.choice([f"And the {product['title']} could become part of a new memory.",
                       f"Coming back to the {product['title']}: it would suit that mood well.",
                       f"Do you think the {product['title']} fits the picture you have in mind?"])
    return f"{reply} {back}"
