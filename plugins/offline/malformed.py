"""Malformed and off-schema answers of the offline engine, at the rate `[offline] malformed_p`.

Real models sometimes cut a JSON answer short, leave out a field, write a score off the 0.05
grid or answer nothing. The engine does the same on the first try of a request (the gateway then
re-asks, and the re-ask is answered well), so the re-ask path runs in every offline run. The
HTTP server's `rate_malformed` fault is the first form: a cut-off JSON text (empty free text)."""

from __future__ import annotations

import json
import random
from typing import Any, Literal

Form = Literal["truncated", "off_schema"]


def draw(seed: int, skill: str, p: float) -> Form | None:
    """Whether this call's first answer is malformed, and how: a seeded draw from the call's seed
    and skill, so a rerun malforms the same calls. Structured answers alternate between a cut-off
    JSON text and an object that breaks the schema; free text comes back empty."""
    rng = random.Random(f"malformed:{seed}:{skill}")
    if rng.random() >= p:
        return None
    return "truncated" if rng.random() < 0.5 else "off_schema"


def malform(answer: dict[str, Any] | str, form: Form) -> str:
    """The answer text spoilt in the given form. Free text can only come back empty. Off-schema:
    an object with a 0-2 score gets it off the grid, any other object loses its first field."""
    if isinstance(answer, str):
        return ""
    text = json.dumps(answer, ensure_ascii=False)
    if form == "truncated":
        return text[: len(text) // 2]
    scores = [key for key, value in answer.items() if isinstance(value, float) and 0 <= value <= 2]
    if scores:  # a reviewer or judge answer: 1.37 is not a multiple of 0.05
        return json.dumps({**answer, scores[0]: round(min(answer[scores[0]], 1.9) + 0.03, 2)}, ensure_ascii=False)
    first = next(iter(answer))  # every structured skill's first field is required
    return json.dumps({k: v for k, v in answer.items() if k != first}, ensure_ascii=False)
