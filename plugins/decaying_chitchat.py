"""`decaying-chitchat` action policy (the paper's): the longer the conversation, the less the
user chit-chats. Probability by round {2: 0.3, 3: 0.2, 4: 0}; a chit-chat round is always
followed by a recommendation round."""

from __future__ import annotations

import random

from muse_core.action_policy import Action
from muse_core.hookspecs import hookimpl

PAPER_PROBABILITIES = {2: 0.3, 3: 0.2, 4: 0.0}


class DecayingChitchat:
    name = "decaying-chitchat"
    description = "chit-chat with probability 0.3 in round 2, 0.2 in round 3, never after (paper)"

    def __init__(self, by_round: dict[int, float] | None = None) -> None:
        chosen = PAPER_PROBABILITIES if by_round is None else by_round  # {} means: never chit-chat
        probabilities = {int(r): float(p) for r, p in chosen.items()}
        bad = {r: p for r, p in probabilities.items() if not 0 <= p <= 1}
        if bad:
            raise ValueError(f"probabilities must lie in [0, 1]: {bad}")
        self.by_round = probabilities

    def action(self, round: int, previous: Action | None, rng: random.Random) -> Action:
        draw = rng.random()  # drawn every round, so one round's outcome never shifts another's
        if previous == "chitchat":
            return "recommend"
        return "chitchat" if draw < self.by_round.get(round, 0.0) else "recommend"


@hookimpl
def muse_action_policies() -> list[type]:
    return [DecayingChitchat]
