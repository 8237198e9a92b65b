"""Offline answers of the querier (paper Figure 18): analyse the conversation into needs, clarify
them into catalog attributes and a query, rerank retrieved candidates.

It reads only the conversation text, with its own lossy parser (`plugins/offline/reading.py`):
what the user turned down and what they asked for, the latest statement winning; words it does
not know are lost, vague words are clarified into every attribute they may stand for."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.lexicon import has_word
from muse_plugins.offline.needs import product_type_of
from muse_plugins.offline.reading import read, search_attributes
from muse_plugins.offline.vision import ImageFacts


def stated_needs(conversation: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """(wanted, turned down) attributes and needs the user stated, as the querier's lossy parser
    reads them (`plugins/offline/reading.py`)."""
    reading = read(conversation)
    return reading.wanted, reading.turned_down


def analyse(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    wanted, turned_down = stated_needs(inputs["conversation"])
    lines = [rng.choice(["The user wants:", "Needs:", "Looking for:"]) + " " + ("; ".join(wanted) or "something suitable")]
    if turned_down:
        lines.append("Turned down: " + "; ".join(turned_down))
    return "\n".join(lines)


WANTED = {"the user wants", "needs", "looking for"}


def _listed(needs: str, label: set[str]) -> list[str]:
    for line in needs.splitlines():
        head, _, rest = line.partition(":")
        if head.strip().lower() in label:
            return [x.strip() for x in rest.split(";") if x.strip()]
    return []


def plan(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    needs = inputs["needs"]
    attributes, _ = search_attributes(_listed(needs, WANTED), _listed(needs, {"turned down"}))
    return {"attributes": attributes, "query": " ".join(attributes[:15]) or "popular item"}


def rerank(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, str]:
    needs = inputs["needs"]
    attributes = inputs["attributes"]
    _, avoid = search_attributes(_listed(needs, WANTED), _listed(needs, {"turned down"}))
    best, best_score, matched = None, float("-inf"), []
    for position, c in enumerate(inputs["candidates"]):
        facts = c.get("attributes") or {}
        text = " ".join([c["title"], c.get("summary") or ""]).lower()
        hits = [a for a in attributes if has_word(text, a)]
        score = 2 * len(hits) + 3 * any(product_type_of(a) == facts.get("product_type") for a in attributes)
        score -= 3 * sum(1 for a in avoid if has_word(text, a))
        score -= 0.01 * position  # ties go to the better retrieval rank
        if score > best_score:
            best, best_score, matched = c, score, hits
    reason = f"matches {', '.join(matched)}" if matched else "closest to the stated needs"
    return {"product_id": best["product_id"], "reason": reason}
