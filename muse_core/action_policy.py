"""Action control (paper 3.3.3): what the user does in each recommendation round.

A policy plugin is a class registered through the `muse_action_policies` hook. It is built
from the configuration's `conversations.policy_params` and asked once per round whether the
user chit-chats about the recommendation before answering it. The manager gives it a random
generator seeded per (run seed, conversation, round), so decisions are reproducible.
"""

from __future__ import annotations

import random
from typing import Literal, Protocol

from muse_core.config import MuseConfig

Action = Literal["recommend", "chitchat"]


class ActionPolicy(Protocol):
    name: str
    description: str

    def action(self, round: int, previous: Action | None, rng: random.Random) -> Action:
        """The action of round `round` (1-based); `previous` is the last round's action."""
        ...


def get_policy(config: MuseConfig, registry=None) -> ActionPolicy:
    """Build the configured policy; a bad parameter is a configuration error with the policy named."""
    from muse_core.plugins import registry as default_registry

    cls = (registry or default_registry()).get("action_policy", config.conversations.policy)
    try:
        return cls(**config.conversations.policy_params)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"action policy '{cls.name}' rejects conversations.policy_params "
                         f"{config.conversations.policy_params}: {exc}") from None
