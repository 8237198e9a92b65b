"""Offline answer to the `product_summary` skill (paper A.1): fundamental and visual attributes
of a product from its text and its main image, without marketing language."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.lexicon import COLORS, MATERIALS, MARKETING, OCCASIONS, PATTERNS, PRODUCT_TYPES, find_all
from muse_plugins.offline.vision import ImageFacts

OPENERS = [
    "{A} {colour}{pattern}{ptype}{material}.",
    "This is {a} {colour}{pattern}{ptype}{material}.",
    "{A} {ptype} in {colour_plain}{material}.",
]
VISUAL = [
    "In the photo it reads as {tone} {image_colours}, {image_pattern}.",
    "The main image shows a {tone}, {image_pattern} piece in {image_colours}.",
    "Visually it is {image_colours} with a {image_pattern} look and a {tone} overall tone.",
]
USE = ["Suited to {occasions}.", "A sensible choice for {occasions}.", "Made for {occasions}."]


def _words(text: str, limit: int) -> str:
    words = text.split()
    return " ".join(words[:limit]) + ("..." if len(words) > limit else "")


def _article(word: str, ptype: str) -> str:
    """'a'/'an' before the colour, or none for plural product types ("boots", "jeans")."""
    if ptype.endswith("s") and not ptype.endswith("ss"):
        return ""
    return "an" if word[:1].lower() in "aeiou" else "a"


def clean_features(features: list[str], limit: int = 4) -> list[str]:
    """Feature bullets with selling sentences and shouting removed, shortened."""
    kept = []
    for bullet in features:
        sentences = [s.strip() for s in re.split(r"(?<=[.;!?])\s+", bullet) if s.strip()]
        factual = [s for s in sentences if not MARKETING.search(s)]
        if factual:
            text = re.sub(r"^[A-Z0-9 &'-]{4,}:\s*", "", " ".join(factual))  # drop "GREAT FIT:" headers
            kept.append(_words(text.rstrip("."), 18))
        if len(kept) == limit:
            break
    return kept


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    product = inputs["product"]
    details = product.get("details") or {}
    title = product.get("title") or ""
    text = " ".join([title, *(product.get("features") or []), *map(str, details.values())])

    types = find_all(title, PRODUCT_TYPES) or find_all(text, PRODUCT_TYPES)
    ptype, group = PRODUCT_TYPES[types[-1]] if types else ("item", "other")  # the head noun ends a title
    colours = find_all(" ".join([str(details.get("Color", "")), title]), COLORS) or find_all(text, COLORS)
    image = images[0] if images else None
    for seen in image.colors if image else []:
        if seen not in colours:
            colours.append(seen)
    materials = find_all(text, MATERIALS)[:3]
    text_patterns = [PATTERNS[p] for p in find_all(text, PATTERNS)]
    pattern = text_patterns[0] if text_patterns else (image.pattern if image else "solid")
    occasions = list(dict.fromkeys(OCCASIONS[o] for o in find_all(text, OCCASIONS)))[:3]

    colour = colours[0] if colours else ""
    pattern_word = "" if pattern == "solid" else pattern + " "
    article = _article(colour or pattern_word or ptype, ptype)
    slots = {
        "A": article.capitalize(), "a": article,
        "colour": f"{colour} " if colour else "", "colour_plain": colour,
        "pattern": pattern_word,
        "ptype": ptype, "material": f" made of {' and '.join(materials[:2])}" if materials else "",
    }
    openers = OPENERS if colour else OPENERS[:2]  # "in {colour}" needs a colour
    opener = " ".join(rng.choice(openers).format(**slots).split())  # no double spaces from empty slots
    sentences = [opener[0].upper() + opener[1:]]
    if image:
        sentences.append(rng.choice(VISUAL).format(
            tone=image.tone, image_colours=" and ".join(image.colors[:2]),
            image_pattern="solid" if image.pattern == "solid" else image.pattern,
        ))
    features = clean_features(product.get("features") or [])
    if features:
        sentences.append(f"Notable details: {'; '.join(f.lower() for f in features[:2])}.")
    if occasions:
        sentences.append(rng.choice(USE).format(occasions=", ".join(occasions)))
    return {
        "product_type": ptype,
        "group": group,
        "colors": colours or ["unspecified"],
        "materials": materials,
        "pattern": pattern,
        "occasions": occasions,
        "key_features": features,
        "summary": " ".join(sentences),
    }
