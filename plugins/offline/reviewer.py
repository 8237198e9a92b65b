"""Offline answer of the reviewer (paper 3.4.2): three 0-2 scores in 0.05 steps, each 2 minus a
mark per measurable defect of the conversation, plus seeded noise (sd `[offline] reviewer_noise`:
a real reviewer's scores vary too), so that flawed conversations really fall below the keep
threshold and some borderline ones go either way.

- content quality: recommendations that never name their product (0.4 each), sentences said
  again (0.2 each, at most 1), terse turns (0.1 each, at most 0.4; 0.3 more when turns average
  under 8 words), utterances whose rewrite failed the fact check (0.25 each, at most 0.75: the
  kept originals read unevenly beside the rewritten turns);
- logical fluency: not ending with the user (1), the same complaint again (0.35 each: the
  assistant did not listen), rejections beyond two (0.1 each), an accepted item the search never
  found, handed over at the round limit (1: it does not follow from the conversation);
- user consistency: each attribute the user asked for that the accepted item lacks, each one the
  user turned down that it has, and each profile requirement naming a colour or material it
  lacks (0.4 each)."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.defects import Defects, item_text, measure
from muse_plugins.offline.lexicon import COLORS, MATERIALS, find_all, has_word
from muse_plugins.offline.vision import ImageFacts


def on_grid(score: float) -> float:
    """Clamp to 0-2 and round to the 0.05 grid the reviewer and the judge answer on."""
    return round(min(2.0, max(0.0, score)) * 20) / 20


def unmet_requirements(requirements: list[str], accepted: dict[str, Any]) -> list[str]:
    """Profile requirements naming a colour or material ("in red", "made of linen") that the
    accepted item lacks. A vague need ("light to carry", "a deep calm colour", "playful print") may
    be met in many ways and is not counted: marking it down would punish a conversation for the
    reader's guess."""
    shown = item_text(accepted)
    return [r for r in requirements if any(not has_word(shown, w) for w in find_all(r, [*COLORS, *MATERIALS]))]


def marks(d: Defects, unmet: list[str], handed_over: bool, check_failures: int) -> dict[str, float]:
    """What each aspect loses for the defects found (before noise)."""
    content = 0.4 * d.unnamed + min(1.0, 0.2 * d.repeated_sentences) + min(0.4, 0.1 * d.terse_turns)
    content += 0.3 * (d.mean_words < 8) + min(0.75, 0.25 * check_failures)
    logic = 1.0 * (not d.ends_with_user) + 0.35 * d.repeated_complaints + 0.1 * max(0, d.rejections - 2)
    logic += 1.0 * handed_over
    consistency = 0.4 * (len(d.unmet_wishes) + len(d.accepted_turned_down) + len(unmet))
    return {"content_quality": content, "logical_fluency": logic, "user_consistency": consistency}


def reason(d: Defects, unmet: list[str], handed_over: bool, check_failures: int) -> str:
    notes = [text for flag, text in [
        (d.unnamed, f"{d.unnamed} recommendation(s) never name their product"),
        (d.repeated_sentences, f"{d.repeated_sentences} sentence(s) said again"),
        (d.terse_turns, f"{d.terse_turns} terse turn(s)"),
        (check_failures, f"{check_failures} rewrite(s) failed the fact check"),
        (not d.ends_with_user, "does not end with the user"),
        (d.repeated_complaints, f"the user repeated a complaint {d.repeated_complaints} time(s)"),
        (handed_over, "the accepted item was handed over at the round limit, not found"),
        (d.unmet_wishes, f"accepted item lacks {', '.join(d.unmet_wishes[:4])}"),
        (d.accepted_turned_down, f"accepted item has what the user turned down: {', '.join(d.accepted_turned_down[:4])}"),
        (unmet, f"accepted item misses the profile's {'; '.join(unmet[:2])}"),
    ] if flag]
    return ("; ".join(notes) or "coherent, grounded and consistent")[:400]  # the answer schema's bound


def review(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    target = inputs["target"]
    defects = measure(inputs["conversation"], target, inputs.get("recommended_titles") or [])
    unmet = unmet_requirements((inputs.get("profile") or {}).get("requirements") or [], target)
    handed_over, failures = bool(inputs.get("handed_over")), int(inputs.get("rewrite_check_failures") or 0)
    lost = marks(defects, unmet, handed_over, failures)
    scores = {aspect: on_grid(2.0 - loss + rng.gauss(0, options.reviewer_noise)) for aspect, loss in lost.items()}
    return {**scores, "reason": reason(defects, unmet, handed_over, failures)}
