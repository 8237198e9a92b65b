"""`second-look` action policy: furniture is a considered purchase, so the shopper stops at the
second suggestion to picture it at home (a chit-chat turn) before answering; never at other
rounds. A tiny example of an action-control plugin (see docs/domain-plugins.md)."""

from __future__ import annotations

import random

from muse_core.api import Action


class SecondLook:
    name = "second-look"
    description = "chit-chat only in round 2, with probability p (default 0.5): the shopper pictures the piece at home"

    def __init__(self, p: float = 0.5) -> None:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"p must be a number in [0, 1], got {p!r}")
        self.p = float(p)

    def action(self, round: int, previous: Action | None, rng: random.Random) -> Action:
        draw = rng.random()  # drawn every round, so a round's decision does not depend on earlier rounds
        return "chitchat" if round == 2 and draw < self.p else "recommend"
