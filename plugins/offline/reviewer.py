"""Offline answer of the reviewer (paper 3.4.2): three 0-2 scores in 0.05 steps, computed from
what the conversation shows.

- content quality: recommendations name their product and state its facts; no utterance repeats
  another word for word; turns are neither terse nor rambling;
- logical fluency: the conversation ends in an accept; the user does not have to repeat the same
  complaint (the assistant listened); long searches read less fluently;
- user consistency: the accepted item shows the attribute words the user asked for along the way
  (read from the text the way the offline querier reads it)."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.needs import CLARIFY, attribute_terms
from plugins.offline.querier import stated_needs
from plugins.offline.vision import ImageFacts


def on_grid(score: float) -> float:
    """Clamp to 0-2 and round to the 0.05 grid the reviewer and the judge answer on."""
    return round(min(2.0, max(0.0, score)) * 20) / 20


def review(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    turns, target = inputs["conversation"], inputs["target"]
    assistant = [t["text"] for t in turns if t["speaker"] == "Assistant"]
    user = [t["text"] for t in turns if t["speaker"] == "User"]
    titles = inputs.get("recommended_titles") or []
    notes = []

    content = 2.0
    unnamed = sum(1 for title in titles if not any(title.lower() in a.lower() for a in assistant))
    content -= 0.4 * unnamed
    texts = [t["text"].strip().lower() for t in turns]
    repeats = len(texts) - len(set(texts))
    content -= 0.3 * repeats
    words = [len(a.split()) for a in assistant]
    if words and sum(words) / len(words) < 8:
        content -= 0.3
    if unnamed or repeats:
        notes.append(f"{unnamed} recommendations unnamed, {repeats} repeated utterances")

    logic = 2.0
    if not turns or turns[-1]["speaker"] != "User":
        logic -= 1.0
        notes.append("does not end with the user")
    rejections = [u for u in user[2:-1]]
    complaints = [tuple(attribute_terms(r)) for r in rejections]
    repeated = sum(1 for i, c in enumerate(complaints) if c and c in complaints[:i])
    logic -= 0.35 * repeated + 0.1 * max(0, len(rejections) - 2)
    if repeated:
        notes.append(f"the user repeated a complaint {repeated} time(s)")

    consistency = 2.0
    target_text = " ".join([target["title"], target.get("summary") or ""]).lower()
    wanted, _ = stated_needs(turns[:-1])
    missing = [t for t in wanted if t not in CLARIFY and not t.startswith("suited to") and t not in target_text]
    consistency -= 0.3 * len(missing)
    if missing:
        notes.append(f"accepted item lacks {', '.join(missing[:4])}")
    return {"content_quality": on_grid(content), "logical_fluency": on_grid(logic),
            "user_consistency": on_grid(consistency),
            "reason": "; ".join(notes) or "coherent, grounded and consistent"}
