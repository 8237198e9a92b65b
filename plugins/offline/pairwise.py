"""Offline answer of the pairwise response judge (paper Table 6): which of two replies is the
better next assistant turn. A rule, not a model: each reply gets a mark for what can be measured
from its text, and the higher mark wins (a tie goes to the reply with more words of the
conversation's last user turn, then to the first shown):

- it says something: under 3 words loses 2;
- a recommendation names the product (its title's words, at least half of them) or loses 1.5;
- length of a turn in this dataset: under 8 or over 60 words loses 0.5;
- repetition: the share of repeated word pairs, times 2;
- it answers the user: each word of the last user turn it takes up (beyond stop words) adds 0.1,
  at most 1."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig

_WORD = re.compile(r"[a-z0-9']+")
_STOP = {"the", "a", "an", "and", "or", "to", "of", "for", "in", "on", "it", "is", "i", "you", "me", "my", "your",
         "with", "that", "this", "be", "am", "are", "was", "so", "but", "do", "can", "would", "like", "what"}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def mark(reply: str, last_user: str, product: dict[str, Any] | None) -> float:
    words = _words(reply)
    score = 0.0
    if len(words) < 3:
        score -= 2
    if product:
        title = set(_words(product.get("title", ""))) - _STOP
        if title and len(title & set(words)) < len(title) / 2:
            score -= 1.5
    if not 8 <= len(words) <= 60:
        score -= 0.5
    pairs = list(zip(words, words[1:]))
    if pairs:
        score -= 2 * (1 - len(set(pairs)) / len(pairs))
    asked = set(_words(last_user)) - _STOP
    score += min(1.0, 0.1 * len(asked & set(words)))
    return score


def answer(inputs: dict[str, Any], images: list, rng: random.Random, options: OfflineConfig) -> dict[str, str]:
    turns = inputs.get("conversation") or []
    last_user = next((t["text"] for t in reversed(turns) if t["speaker"] == "User"), "")
    product = inputs.get("product")
    first, second = mark(inputs["first"], last_user, product), mark(inputs["second"], last_user, product)
    if first == second:
        asked = set(_words(last_user)) - _STOP
        first, second = len(asked & set(_words(inputs["first"]))), len(asked & set(_words(inputs["second"])))
    better = "second" if second > first else "first"
    return {"better": better, "reason": f"the {better} reply follows the customer more closely (rule-based mark)"}
