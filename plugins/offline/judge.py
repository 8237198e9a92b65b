"""Offline answer of the conversation-level judge (paper Figure 19): five 0-2 scores in 0.05
steps, each 2 minus a mark per defect the conversation's text shows (`plugins/offline/defects.py`,
the same measurements the offline reviewer makes), plus seeded noise of sd `[offline]
judge_noise` per aspect and scoring round (independent rounds of a real judge differ too).

The judge sees only the conversation and the products it mentions (none for an external corpus):
it knows nothing of the profile, the round limit or the rewrite checks.

- natural: user turns opening the same way (0.3 each), sentences said again (0.15 each, at most
  0.9), terse turns (0.1 each, at most 0.4), turns averaging under 8 or over 60 words (0.3);
- logical: not ending with the user (1), the same complaint again (0.35 each), rejections beyond
  one (0.15 each: a long search), an accepted item with what the user turned down (0.3 each);
- informative: attribute words per recommendation (three or more is rich);
- pc_correlation: the accepted item (the last product mentioned) against what the user asked
  for and turned down (0.3 per miss);
- it_correspondence: the share of recommendations whose stated colours match the photo's
  (1 when nothing visual is claimed: neither right nor wrong)."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.defects import measure
from plugins.offline.lexicon import COLORS, find_all
from plugins.offline.needs import attribute_terms
from plugins.offline.reviewer import on_grid
from plugins.offline.vision import ImageFacts


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, float]:
    turns, products = inputs["conversation"], inputs.get("products") or []
    titles = [p["title"] for p in products]
    assistant = [t["text"] for t in turns if t["speaker"] == "Assistant"]
    recommended = [title for title in titles if any(title.lower() in a.lower() for a in assistant)]
    # the accepted item: the last product the conversation mentions, when it ends in an accept
    d = measure(turns, products[-1] if products else None, recommended)
    openings = [" ".join(t["text"].lower().split()[:3]) for t in turns if t["speaker"] == "User"]

    natural = 2.0 - 0.3 * (len(openings) - len(set(openings))) - min(0.9, 0.15 * d.repeated_sentences)
    natural -= min(0.4, 0.1 * d.terse_turns) + 0.3 * (not 8 <= d.mean_words <= 60)
    logical = 2.0 - 1.0 * (not d.ends_with_user) - 0.35 * d.repeated_complaints - 0.15 * max(0, d.rejections - 1)
    logical -= 0.3 * len(d.accepted_turned_down)
    recommendations = [a for a in assistant if any(title.lower() in a.lower() for title in titles)]
    richness = [min(3, len(attribute_terms(a))) for a in recommendations] or [0]
    informative = 2.0 * (sum(richness) / len(richness)) / 3
    pc_correlation = 2.0 - 0.3 * (len(d.unmet_wishes) + len(d.accepted_turned_down))

    by_title = dict(zip([p["title"].lower() for p in products if p.get("has_image", True)], images))
    matched, checked = 0, 0
    for text in recommendations:
        seen = next((facts for title, facts in by_title.items() if title in text.lower()), None)
        said = set(find_all(text, COLORS))
        if seen is not None and said:
            checked += 1
            matched += bool(said & set(seen.colors))
    alignment = 2.0 * matched / checked if checked else 1.0
    scores = {"natural": natural, "logical": logical, "informative": informative,
              "pc_correlation": pc_correlation, "it_correspondence": alignment}
    return {name: on_grid(value + rng.gauss(0, options.judge_noise)) for name, value in scores.items()}
