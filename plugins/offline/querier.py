"""Offline answers of the querier (paper Figure 18): analyse the conversation into needs, clarify
them into catalog attributes and a query, rerank retrieved candidates.

It reads only the conversation text. Attribute words a user says after a recommendation that
the recommendation itself also used are what the user turned down; the others are wanted. A
later statement overrides an earlier one."""

from __future__ import annotations

import random
import re
from typing import Any

from plugins.offline.needs import CLARIFY, abstract_needs, attribute_terms, product_type_of
from plugins.offline.vision import ImageFacts

# Sentences about an item the user already owns (the multimodal opening) describe it, not the wish.
OWNED = re.compile(r"\b(photo|picture|already own|in my wardrobe|i've got this|bought this)\b", re.I)


def analyse(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random) -> str:
    wanted: dict[str, None] = {}
    turned_down: dict[str, None] = {}
    last_assistant = ""
    for turn in inputs["conversation"]:
        if turn["speaker"] == "Assistant":
            last_assistant = turn["text"].lower()
            continue
        stated = " ".join(s for s in re.split(r"(?<=[.!?])\s+", turn["text"]) if not OWNED.search(s))
        for term in attribute_terms(stated):
            echoed = re.search(rf"(?<![a-z]){re.escape(term)}(?![a-z])", last_assistant) is not None
            if echoed and last_assistant:
                turned_down[term] = None
                wanted.pop(term, None)
            else:
                if product_type_of(term):  # one kind of item at a time: the latest wins
                    for old in [w for w in wanted if product_type_of(w)]:
                        wanted.pop(old)
                wanted[term] = None
                turned_down.pop(term, None)
        for need in abstract_needs(stated):
            wanted[need] = None
    lines = [rng.choice(["The user wants:", "Needs:", "Looking for:"]) + " " + (", ".join(wanted) or "something suitable")]
    if turned_down:
        lines.append("Turned down: " + ", ".join(turned_down))
    return "\n".join(lines)


def _listed(needs: str, label: str) -> list[str]:
    for line in needs.splitlines():
        head, _, rest = line.partition(":")
        if head.strip().lower() in label:
            return [x.strip() for x in rest.split(",") if x.strip()]
    return []


def plan(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random) -> dict[str, Any]:
    needs = inputs["needs"]
    wanted = _listed(needs, {"the user wants", "needs", "looking for"})
    avoid = set(_listed(needs, {"turned down"}))
    attributes: list[str] = []
    for item in wanted:
        attributes += CLARIFY[item] if item in CLARIFY else [] if item.startswith("suited to") else [item]
    attributes = [a for a in dict.fromkeys(attributes) if a not in avoid]
    return {"attributes": attributes, "query": " ".join(attributes[:15]) or "popular item"}


def rerank(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random) -> dict[str, str]:
    attributes, avoid = inputs["attributes"], set(_listed(inputs["needs"], {"turned down"}))
    best, best_score, matched = None, float("-inf"), []
    for position, c in enumerate(inputs["candidates"]):
        facts = c.get("attributes") or {}
        text = " ".join([c["title"], c.get("summary") or ""]).lower()
        hits = [a for a in attributes if re.search(rf"(?<![a-z]){re.escape(a)}(?![a-z])", text)]
        score = 2 * len(hits) + 3 * any(product_type_of(a) == facts.get("product_type") for a in attributes)
        score -= 3 * sum(1 for a in avoid if re.search(rf"(?<![a-z]){re.escape(a)}(?![a-z])", text))
        score -= 0.01 * position  # ties go to the better retrieval rank
        if score > best_score:
            best, best_score, matched = c, score, hits
    reason = f"matches {', '.join(matched)}" if matched else "closest to the stated needs"
    return {"product_id": best["product_id"], "reason": reason}
