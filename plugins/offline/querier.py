"""Offline answers of the querier (paper Figure 18): analyse the conversation into needs, clarify
them into catalog attributes and a query, rerank retrieved candidates.

It reads only the conversation text. Attribute words a user says after a recommendation that
the recommendation itself also used are what the user turned down; the others are wanted. A
later statement overrides an earlier one."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.needs import CLARIFY, abstract_needs, attribute_terms, product_type_of
from plugins.offline.vision import ImageFacts

# Sentences about an item the user already owns (the multimodal opening) describe it, not the wish.
OWNED = re.compile(r"\b(photo|picture|already own|in my wardrobe|i've got this|bought this)\b", re.I)
CLAUSES = re.compile(r";|:|, and |, however| - |,\s(?=I\b)|\bbut\b|(?=\bthan\b)|(?=\binstead of\b)", re.I)
NEGATION = re.compile(r"n't\b|\bnot\b|\bthan\b|\binstead of\b|\btoo\b", re.I)
WISH = re.compile(r"\b(need|want|like|prefer|after|looking for|hoping|picturing|has to|have in mind|thinking of|"
                  r"best|must|should|ideally|rather)\b", re.I)


def stated_needs(conversation: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """(wanted, turned down) attribute words and abstract needs the user stated; a later statement
    overrides an earlier one. A clause with a negation ("isn't", "rather than") turns its words
    down; a clause with a wish ("I need", "I'd like") asks for them; other clauses (chit-chat,
    the item the user owns) state nothing."""
    wanted: dict[str, None] = {}
    turned_down: dict[str, None] = {}
    for turn in conversation:
        if turn["speaker"] != "User":
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", turn["text"]):
            if OWNED.search(sentence):
                continue
            for clause in CLAUSES.split(sentence):
                negative, wish = NEGATION.search(clause), WISH.search(clause)
                for term in attribute_terms(clause) if (negative or wish) else []:
                    if negative:
                        turned_down[term] = None
                        wanted.pop(term, None)
                        continue
                    if product_type_of(term):  # one kind of item at a time: the latest wins
                        for old in [w for w in wanted if product_type_of(w)]:
                            wanted.pop(old)
                    wanted[term] = None
                    turned_down.pop(term, None)
            for need in abstract_needs(sentence):
                wanted[need] = None
    return list(wanted), list(turned_down)


def analyse(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    wanted, turned_down = stated_needs(inputs["conversation"])
    lines = [rng.choice(["The user wants:", "Needs:", "Looking for:"]) + " " + ("; ".join(wanted) or "something suitable")]
    if turned_down:
        lines.append("Turned down: " + "; ".join(turned_down))
    return "\n".join(lines)


def _listed(needs: str, label: str) -> list[str]:
    for line in needs.splitlines():
        head, _, rest = line.partition(":")
        if head.strip().lower() in label:
            return [x.strip() for x in rest.split(";") if x.strip()]
    return []


def plan(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    needs = inputs["needs"]
    wanted = _listed(needs, {"the user wants", "needs", "looking for"})
    avoid = set(_listed(needs, {"turned down"}))
    attributes: list[str] = []
    for item in wanted:
        attributes += CLARIFY[item] if item in CLARIFY else [] if item.startswith("suited to") else [item]
    attributes = [a for a in dict.fromkeys(attributes) if a not in avoid]
    return {"attributes": attributes, "query": " ".join(attributes[:15]) or "popular item"}


def rerank(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, str]:
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
