"""Offline answer of `tag_elements` (paper Figure 4): the element types an utterance contains,
from cue words and the catalog lexicon."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.lexicon import COLORS, OCCASIONS, find_all
from muse_plugins.offline.needs import attribute_terms
from muse_plugins.offline.vision import ImageFacts

CUES = {
    "greeting": r"\b(hello|hi|hey|welcome|greetings|good day)\b",
    "scenario": r"\b(wedding|party|trip|event|occasion|weekend|holiday|work|office|gala|dinner|run|hike|"
                r"birthday|gift|launch|interview|season|winter|summer|spring)\b",
    "preference": r"\b(i need|i want|i'd like|i would like|i prefer|i'm after|i'm looking|i'm thinking|"
                  r"has to|must|ideally|matters most|requirement)\b",
    "visual": r"\b(photo|picture|look|looks|tone|shade|finish|style)\b",
    "feedback": r"\b(thanks?|thank you|but|not quite|won't do|perfect|love|isn't|doesn't|rather)\b",
    "chit-chat": r"\b(reminds me|memory|memories|grandmother|friend|nervous|rambling|years ago|funny|"
                 r"mood|busy)\b",
}


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, list[str]]:
    text = inputs["text"].lower()
    found = [name for name, cue in CUES.items() if re.search(cue, text)]
    if attribute_terms(inputs["text"]):
        found.append("attribute")
    if find_all(inputs["text"], COLORS) and "visual" not in found:
        found.append("visual")
    if find_all(inputs["text"], list(OCCASIONS)) and "scenario" not in found:
        found.append("scenario")
    order = ["greeting", "scenario", "preference", "attribute", "visual", "feedback", "chit-chat"]
    return {"elements": [e for e in order if e in found]}
