"""The action set is extensible: a policy plugin adds a round action (a user skill and an
assistant skill) and the manager plays it; an action it does not define is a clear error."""

from __future__ import annotations

import asyncio
import random
import shutil
from pathlib import Path

import pytest

from muse_core.action_policy import RoundAction, round_actions
from muse_core.api import OfflineRule, hookimpl
from muse_core.plugins import plugin_manager, registry
from muse_core.config import load_config
from muse_core.context import StageContext
from muse_core.runs import start_run
from muse_core.stages import BY_NAME
from muse_core.store import Store
from muse_plugins.no_chitchat import NoChitchat
from tests.helpers import build_profiles_db

N = 3
SECOND_OPINION = RoundAction("second-opinion", "the user asks what the assistant would pair it with",
                             user_skill="user_chitchat", assistant_skill="chatter_chitchat")


class AlwaysSecondOpinion:
    name = "always-second-opinion"
    description = "asks for a second opinion in every round"
    actions = (SECOND_OPINION,)

    def action(self, round: int, previous: str | None, rng: random.Random) -> str:
        return "second-opinion"


class Undefined(AlwaysSecondOpinion):
    name = "undefined"
    actions = ()


@pytest.fixture(scope="module")
def profiles_db(tmp_path_factory) -> Path:
    return build_profiles_db(tmp_path_factory.mktemp("actions") / "muse.duckdb", N)


def simulate(db: Path, policy) -> dict:
    config = load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"scenarios": 70},
                         conversations={"n": N, "multimodal_open_p": 0.0}).with_offline_engine()
    with Store(db) as store:
        ctx = StageContext.open(store, config, start_run(store, "actions", config))
        ctx.policy = policy  # as if the configuration named a registered policy plugin
        return asyncio.run(BY_NAME["simulate"].run(ctx)).__dict__


def test_a_policy_adds_a_round_action_and_the_manager_plays_it(profiles_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "muse.duckdb"
    shutil.copy(profiles_db, db)
    assert set(round_actions(AlwaysSecondOpinion())) == {"recommend", "chitchat", "second-opinion"}
    assert set(round_actions(NoChitchat())) == {"recommend", "chitchat"}
    simulate(db, AlwaysSecondOpinion())
    with Store(db, read_only=True) as store:
        rejected_rounds = store.scalar("SELECT count(*) FROM turns WHERE action = 'reject'")
        asides = store.rows("SELECT role, count(*) AS n FROM turns WHERE action = 'second-opinion' GROUP BY ALL")
        assert rejected_rounds > 0  # every rejected round had the user's and the assistant's aside first
        assert {r["role"]: r["n"] for r in asides} == {"user": rejected_rounds, "assistant": rejected_rounds}
        assert store.scalar("SELECT count(*) FROM turns WHERE action = 'chitchat'") == 0


def test_an_action_the_policy_does_not_define_names_the_policy(profiles_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "muse.duckdb"
    shutil.copy(profiles_db, db)
    with pytest.raises(ValueError, match="action policy 'undefined' chose 'second-opinion', which it does not define"):
        simulate(db, Undefined())


PAIRING = RoundAction("pairing", "the user asks what to wear it with", user_skill="user_pairing",
                      assistant_skill="chatter_pairing")


class Pairing(AlwaysSecondOpinion):
    name = "pairing"
    actions = (PAIRING,)

    def action(self, round: int, previous: str | None, rng: random.Random) -> str:
        return "pairing"


SKILL = """name = "{name}"
version = 1
role = "agent"
system = "{who}: ask or answer what the recommended item goes with."
user = "{{{{ product.title }}}}"
"""


class PairingPlugin:
    """A package adding a round action: its policy, two skill files and their offline rules."""

    def __init__(self, skills: Path) -> None:
        self.skills = skills

    @hookimpl
    def muse_skill_dirs(self) -> list[Path]:
        return [self.skills]

    @hookimpl
    def muse_offline_rules(self) -> list[OfflineRule]:
        return [OfflineRule("user_pairing", lambda inputs, images, rng, options:
                            f"What would I wear the {inputs['product']['title']} with?"),
                OfflineRule("chatter_pairing", lambda inputs, images, rng, options: "Try it with white sneakers.")]


@pytest.fixture
def pairing_plugin(tmp_path: Path):
    skills = tmp_path / "skills"
    skills.mkdir()
    (skills / "user_pairing.toml").write_text(SKILL.format(name="user_pairing", who="You are the shopper"))
    (skills / "chatter_pairing.toml").write_text(SKILL.format(name="chatter_pairing", who="You are the assistant"))
    plugin = PairingPlugin(skills)
    plugin_manager().register(plugin, name="pairing-test")
    registry.cache_clear()
    yield
    plugin_manager().unregister(name="pairing-test")
    registry.cache_clear()


def test_a_plugin_adds_an_action_with_its_own_skills_and_offline_rules(profiles_db: Path, tmp_path: Path,
                                                                      pairing_plugin) -> None:
    db = tmp_path / "muse.duckdb"
    shutil.copy(profiles_db, db)
    simulate(db, Pairing())
    with Store(db, read_only=True) as store:
        turns = store.rows("SELECT role, text FROM turns WHERE action = 'pairing' ORDER BY conversation_id, idx")
        assert turns and {t["role"] for t in turns} == {"user", "assistant"}
        assert all(t["text"].startswith("What would I wear the ") for t in turns if t["role"] == "user")
        assert {t["text"] for t in turns if t["role"] == "assistant"} == {"Try it with white sneakers."}
        assert store.scalar("SELECT count(*) FROM llm_calls WHERE skill = 'user_pairing' AND status = 'ok'") > 0
