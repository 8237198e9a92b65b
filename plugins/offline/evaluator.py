"""Offline answers of the evaluation tasks' zero-shot model (paper Tables 4 and 5).

`rec_query` reads the conversation like the offline querier but skips its clarification step
(abstract needs such as "an earthy colour" stay unresolved), as a model without the querier's
attribute guidance would. `response_generate` writes the next assistant utterance with the
chatter's rules under another seed, so it shares facts but not wording with the dataset."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline import chatter
from muse_plugins.offline.needs import CLARIFY
from muse_plugins.offline.querier import stated_needs
from muse_plugins.offline.vision import ImageFacts


def rec_query(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, str]:
    wanted, turned_down = stated_needs(inputs["conversation"])
    words = [w for w in wanted if w not in CLARIFY and not w.startswith("suited to") and w not in turned_down]
    return {"query": " ".join(words[:15]) or "popular item"}


def response(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    action = inputs["action"]
    if action == "recommend" and inputs.get("product"):
        return chatter.recommend(inputs, images, rng, options)
    if action == "greet":
        return chatter.greet(inputs, images, rng, options)
    if action == "ask":
        return chatter.ask({**inputs, "outfit": None}, images, rng, options)
    return rng.choice(["That sounds lovely, thank you for sharing.", "I understand completely.",
                       "How nice - tell me more about what you have in mind."])
