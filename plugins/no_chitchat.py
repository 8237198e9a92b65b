"""`no-chitchat` action policy: every round is a plain recommendation (a baseline)."""

from __future__ import annotations

import random

from muse_core.action_policy import Action
from muse_core.hookspecs import hookimpl


class NoChitchat:
    name = "no-chitchat"
    description = "never chit-chat: every round recommends"

    def action(self, round: int, previous: Action | None, rng: random.Random) -> Action:
        return "recommend"


@hookimpl
def muse_action_policies() -> list[type]:
    return [NoChitchat]
