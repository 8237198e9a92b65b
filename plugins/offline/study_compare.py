"""Offline answer of the study annotator (skill study_compare): per aspect, the side that scores
higher by a plain measure, "tie" when they are close, with seeded noise so it is not a copy of
any one rule (human annotators disagree too).

- utterance-ab: logical and coherent count words the response shares with the conversation so
  far; informative counts product attribute words; natural prefers 8-60 words and fewer repeats;
- conversation-ab and image-vs-text (overall): photos shown count most, then the same measures
  over the whole conversation, with long bracketed descriptions read as a burden."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.needs import attribute_terms

WORD = re.compile(r"[a-z']+")
CLOSE = 0.5  # measures this close are a tie


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _natural(text: str) -> float:
    words = _words(text)
    if not words:
        return 0.0
    fit = 1.0 if 8 <= len(words) <= 60 else 0.0
    return fit + len(set(words)) / len(words) - 0.02 * text.count("[")


def _measures(text: str, context: str) -> dict[str, float]:
    shared = len(set(_words(text)) & set(_words(context)))
    return {"logical": shared, "coherent": shared, "informative": float(len(attribute_terms(text))),
            "natural": 3 * _natural(text)}


def _side_text(side: Any) -> tuple[str, int]:
    if isinstance(side, str):
        return side, 0
    return " ".join(t["text"] for t in side), sum(len(t.get("images") or []) for t in side)


def answer(inputs: dict[str, Any], images: list[Any], rng: random.Random, options: OfflineConfig) -> dict[str, Any]:
    context = " ".join(t["text"] for t in inputs.get("context") or [])
    (a_text, a_photos), (b_text, b_photos) = _side_text(inputs["sides"]["A"]), _side_text(inputs["sides"]["B"])
    a, b = _measures(a_text, context or b_text), _measures(b_text, context or a_text)
    choices = {}
    for aspect in inputs["aspects"]:
        if aspect == "overall":
            score_a = 2 * a_photos + a["informative"] + a["natural"] - len(a_text) / 2000
            score_b = 2 * b_photos + b["informative"] + b["natural"] - len(b_text) / 2000
        else:
            score_a, score_b = a[aspect], b[aspect]
        difference = score_a - score_b + rng.gauss(0, 0.5)
        choices[aspect] = "tie" if abs(difference) < CLOSE else ("A" if difference > 0 else "B")
    return {"choices": choices}
