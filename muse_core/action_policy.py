"""Action control (paper 3.3.3): what the user does in each recommendation round.

A policy plugin is a class registered through the `muse_action_policies` hook. It is built
from the configuration's `conversations.policy_params` and asked once per round what the user
does with the recommendation before answering it: the name of a `RoundAction`. The built-in
actions are "recommend" (answer at once) and "chitchat"; a policy adds its own in its `actions`
attribute (each a user skill and an assistant skill, with an offline rule registered by name). The
manager gives it a random generator seeded per (run seed, conversation, round), so decisions are
reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol

from muse_core.config import MuseConfig

Action = str  # the name of a RoundAction


@dataclass(frozen=True)
class RoundAction:
    """What the user does in a round after the recommendation and before answering it. Both turns
    are stored with the action's name (`turns.action`); the skills get the profile, the recommended
    product and the conversation so far (as user_chitchat and chatter_chitchat do)."""

    name: str
    description: str
    user_skill: str | None = None  # the user's turn about the recommended product; None: answers at once
    assistant_skill: str | None = None  # the assistant's reply, steering back to the recommendation


RECOMMEND = RoundAction("recommend", "the user answers the recommendation at once")
CHITCHAT = RoundAction("chitchat", "the user chats about the recommended item; the assistant answers and steers back",
                       user_skill="user_chitchat", assistant_skill="chatter_chitchat")
BUILTIN_ACTIONS: tuple[RoundAction, ...] = (RECOMMEND, CHITCHAT)


class ActionPolicy(Protocol):
    """A policy may also have `actions: tuple[RoundAction, ...]`: the actions it adds."""

    name: str
    description: str

    def action(self, round: int, previous: Action | None, rng: random.Random) -> Action:
        """The action of round `round` (1-based); `previous` is the last round's action."""
        ...


def round_actions(policy: ActionPolicy) -> dict[str, RoundAction]:
    """The actions a policy may choose: the built-in ones and those it adds."""
    return {action.name: action for action in (*BUILTIN_ACTIONS, *getattr(policy, "actions", ()))}


def get_policy(config: MuseConfig, registry=None) -> ActionPolicy:
    """Build the configured policy; a bad parameter is a configuration error with the policy named."""
    from muse_core.plugins import registry as default_registry

    cls = (registry or default_registry()).get("action_policy", config.conversations.policy)
    try:
        return cls(**config.conversations.policy_params)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"action policy '{cls.name}' rejects conversations.policy_params "
                         f"{config.conversations.policy_params}: {exc}") from None
