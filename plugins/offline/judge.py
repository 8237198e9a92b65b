"""Offline answer of the conversation-level judge (paper Figure 19): five 0-2 scores in 0.05
steps, each 2 minus a mark per defect the conversation's text shows (`plugins/offline/defects.py`,
the same measurements the offline reviewer makes), plus seeded noise of sd `[offline]
judge_noise` per aspect and scoring round (independent rounds of a real judge differ too).

The judge sees only the conversation and the products it mentions (none for an external corpus):
it knows nothing of the profile, the round limit or the rewrite checks.

- natural: user turns opening the same way (0.3 each), sentences said again (0.15 each, at most
  0.9), terse turns (0.1 each, at most 0.4), turns averaging under 8 or over 60 words (0.3),
  wording that comes back (4 times the shortfall of distinct word pairs below 92%: 87% loses
  0.2; at most 0.8);
- logical: not ending with the user (1), the same complaint again (0.35 each), rejections beyond
  one (0.15 each: a long search), an accepted item with what the user turned down (0.3 each);
- informative: attribute words per recommendation (six or more is rich), averaged;
- pc_correlation: the accepted item (the last product mentioned) against what the user asked
  for and turned down (0.3 per miss);
- it_correspondence: per recommendation of a product with a photo, 2 x the share of the colours
  it states that the photo shows, 1 when it states no colour; averaged (1 with no photo at all)."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.defects import measure
from muse_plugins.offline.lexicon import COLORS, find_all
from muse_plugins.offline.needs import attribute_terms
from muse_plugins.offline.reviewer import on_grid
from muse_plugins.offline.vision import ImageFacts

FRESH_PAIRS = 0.92  # below this share of distinct word pairs, a conversation reads repetitive
RICH = 6  # attribute words in a recommendation that make it fully informative


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, float]:
    turns, products = inputs["conversation"], inputs.get("products") or []
    titles = [p["title"] for p in products]
    assistant = [t["text"] for t in turns if t["speaker"] == "Assistant"]
    recommendations = [a for a in assistant if any(title.lower() in a.lower() for title in titles)]
    # the accepted item: the last product the conversation mentions, when it ends in an accept; no
    # aspect of the judge counts products left unnamed (the reviewer's content mark does), so no titles
    d = measure(turns, products[-1] if products else None, recommended_titles=[])
    openings = [" ".join(t["text"].lower().split()[:3]) for t in turns if t["speaker"] == "User"]

    natural = 2.0 - 0.3 * (len(openings) - len(set(openings))) - min(0.9, 0.15 * d.repeated_sentences)
    natural -= min(0.4, 0.1 * d.terse_turns) + 0.3 * (not 8 <= d.mean_words <= 60)
    natural -= min(0.8, 4 * max(0.0, FRESH_PAIRS - d.distinct_pairs))  # wording that keeps coming back
    logical = 2.0 - 1.0 * (not d.ends_with_user) - 0.35 * d.repeated_complaints - 0.15 * max(0, d.rejections - 1)
    logical -= 0.3 * len(d.accepted_turned_down)
    richness = [min(RICH, len(attribute_terms(a))) for a in recommendations] or [0]
    informative = 2.0 * (sum(richness) / len(richness)) / RICH
    pc_correlation = 2.0 - 0.3 * (len(d.unmet_wishes) + len(d.accepted_turned_down))

    # per recommendation of a product with a photo: 2 x the share of the colours it states that the
    # photo shows; 1 when it states no colour (the text neither uses nor contradicts the photo)
    by_title = dict(zip([p["title"].lower() for p in products if p.get("has_image", True)], images))
    marks = []
    for text in recommendations:
        seen = next((facts for title, facts in by_title.items() if title in text.lower()), None)
        if seen is not None:
            said = set(find_all(text, COLORS))
            marks.append(1.0 if not said else 2.0 * len(said & set(seen.colors)) / len(said))
    alignment = sum(marks) / len(marks) if marks else 1.0  # no photo: nothing to align
    scores = {"natural": natural, "logical": logical, "informative": informative,
              "pc_correlation": pc_correlation, "it_correspondence": alignment}
    return {name: on_grid(value + rng.gauss(0, options.judge_noise)) for name, value in scores.items()}
