"""Offline answers of the rewriter and its fact check (paper 3.4.1, A.4).

The rewrite varies wording with phrase swaps, contractions and clause moves; with
"use colloquial expressions" it adds casual fillers. Like a model at temperature 0.9, it
sometimes drifts on a fact (a colour near-synonym, a rounded price), which the check must catch.
The check compares the product facts of the original (names, colours, materials, prices) with
the rewrite, as the low-temperature checker is asked to."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.vision import ImageFacts

SWAPS = [  # (pattern, replacements): wording only, no facts
    (r"\bI'd suggest\b", ["I'd recommend", "I'd point you to", "I'd go for"]),
    (r"\bTake a look at\b", ["Have a look at", "Check out", "Peek at"]),
    (r"\bYou might like\b", ["You may love", "You could like", "You'd probably enjoy"]),
    (r"\bIt should fit what you described\b", ["It lines up with what you described", "It matches your description"]),
    (r"\bThanks, but\b", ["Thank you, but", "Cheers, but"]),
    (r"\bI really need\b", ["I truly need", "I do need"]),
    (r"\bI'd much prefer\b", ["I'd far rather have", "I'd prefer"]),
    (r"\bexactly what I wanted\b", ["just what I wanted", "precisely what I was after"]),
    (r"\bHow can I help\b", ["What can I do for you", "How may I help"]),
    (r"\bThat sounds exciting!", ["How exciting!", "Sounds exciting!"]),
    (r"\bmakes it a strong match\b", ["makes it a great fit", "makes it a solid match"]),
    (r"\bI'm thinking of\b", ["I'm considering", "I've been thinking about"]),
    (r"\bIt's\b", ["It is"]),
    (r"\bI am\b", ["I'm"]),
    (r"\bdo not\b", ["don't"]),
    (r"\bvery\b", ["really", "quite"]),
]
DRIFTS = [  # a hot model's slips on facts
    (r"\bnavy\b", "dark blue"), (r"\bgrey\b", "charcoal"), (r"\bbeige\b", "sand"), (r"\bburgundy\b", "wine red"),
    (r"\bpolyester\b", "synthetic fabric"), (r"\bspandex\b", "stretch fabric"), (r"\bleather\b", "leather-look"),
]
FILLERS = ["Honestly, ", "So, ", "Okay, ", "Well, ", "Oh, ", "Look, "]
TAGS = [" for sure", " to be honest", ", you know", ", no kidding", " - love that"]


def rewrite(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    text = inputs["text"]
    for pattern, choices in SWAPS:
        if re.search(pattern, text) and rng.random() < 0.7:
            text = re.sub(pattern, rng.choice(choices), text, count=1)
    for pattern, replacement in DRIFTS:
        if re.search(pattern, text) and rng.random() < 0.15:
            text = re.sub(pattern, replacement, text, count=1)
    price = re.search(r"\$(\d+)\.(\d\d)\b", text)
    if price and rng.random() < 0.25:
        text = text.replace(price.group(0), f"about ${int(price.group(1)) + (int(price.group(2)) >= 50)}", 1)
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    if len(sentences) > 2 and rng.random() < 0.4:  # move a middle sentence to the end
        sentences.append(sentences.pop(1))
    if inputs.get("colloquial"):
        sentences[0] = rng.choice(FILLERS) + sentences[0][0].lower() + sentences[0][1:]
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
