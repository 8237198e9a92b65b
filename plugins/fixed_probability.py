"""`fixed-probability` action policy: chit-chat with the same probability from round 2 on,
never twice in a row."""

from __future__ import annotations

import random

from muse_core.action_policy import Action
from muse_core.hookspecs import hookimpl


class FixedProbability:
    name = "fixed-probability"
    description = "chit-chat with probability p (default 0.25) in any round after the first"

    def __init__(self, p: float = 0.25) -> None:
        if not 0 <= p <= 1:
            raise ValueError(f"p must lie in [0, 1], got {p}")
        self.p = float(p)

    def action(self, round: int, previous: Action | None, rng: random.Random) -> Action:
        draw = rng.random()
        if round < 2 or previous == "chitchat":
            return "recommend"
        return "chitchat" if draw < self.p else "recommend"


@hookimpl
def muse_action_policies() -> list[type]:
    return [FixedProbability]
