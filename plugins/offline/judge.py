"""Offline answer of the conversation-level judge (paper Figure 19): five 0-2 scores in 0.05
steps, computed from what the conversation shows, with a small seeded jitter per scoring round
(independent rounds of a real judge differ a little too).

- natural: penalised when user turns reuse their openings or utterances are terse or rambling;
- logical and pc_correlation: the offline reviewer's logical fluency and user consistency;
- informative: attribute words per recommendation (three or more is rich);
- it_correspondence: the share of recommendations whose stated colours match the photo's."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.lexicon import COLORS, find_all
from plugins.offline.needs import attribute_terms
from plugins.offline.reviewer import on_grid, review
from plugins.offline.vision import ImageFacts

JITTER = [-0.1, -0.05, 0.0, 0.0, 0.0, 0.05]


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, float]:
    turns, products = inputs["conversation"], inputs["products"]
    user = [t["text"] for t in turns if t["speaker"] == "User"]
    assistant = [t["text"] for t in turns if t["speaker"] == "Assistant"]
    openings = [" ".join(u.lower().split()[:3]) for u in user]
    words = [len(t["text"].split()) for t in turns] or [0]
    natural = 2.0 - 0.3 * (len(openings) - len(set(openings))) - 0.3 * (not 8 <= sum(words) / len(words) <= 60)
    target = products[-1] if products else {"title": "", "summary": ""}
    reviewed = review({"conversation": turns, "target": target, "recommended_titles": [p["title"] for p in products]},
                      [], rng)
    recommendations = [a for a in assistant if any(p["title"].lower() in a.lower() for p in products)]
    richness = [min(3, len(attribute_terms(a))) for a in recommendations] or [0]
    informative = 2.0 * (sum(richness) / len(richness)) / 3
    by_title = dict(zip([p["title"].lower() for p in products if p.get("has_image", True)], images))
    matched, checked = 0, 0
    for text in recommendations:
        seen = next((facts for title, facts in by_title.items() if title in text.lower()), None)
        said = set(find_all(text, COLORS))
        if seen is not None and said:
            checked += 1
            matched += bool(said & set(seen.colors))
    alignment = 2.0 * matched / checked if checked else 1.0  # nothing visual claimed: neither right nor wrong
    scores = {"natural": natural, "logical": reviewed["logical_fluency"], "informative": informative,
              "pc_correlation": reviewed["user_consistency"], "it_correspondence": alignment}
    return {name: on_grid(value + rng.choice(JITTER)) for name, value in scores.items()}
