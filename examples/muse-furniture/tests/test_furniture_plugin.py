"""The package registers through muse's entry-point group, and what it registers is coherent:
domain parts, prompt overrides, the `second-look` policy and the `room-bm25` retriever."""

from __future__ import annotations

import random
import re
from importlib.metadata import version

import jinja2
import jinja2.meta
import pytest
from typer.testing import CliRunner

from muse_flows.cli import app
from muse_core.config import load_config
from muse_core.plugins import Registry, get_plugin_manager
from muse_core.skills import SKILLS_DIR, load_skill
from muse_furniture.plugin import FURNITURE
from muse_furniture.policy import SecondLook
from muse_furniture.retriever import RoomBM25, rooms_named
from muse_plugins.offline.lexicon import PRODUCT_TYPES
from muse_plugins.offline.profile_match import NEEDS, suits_scenario

ORIGIN = f"muse-furniture {version('muse-furniture')}"


def test_the_entry_point_registers_domain_policy_and_retriever_with_their_origin() -> None:
    registry = Registry(get_plugin_manager())
    for kind, name, obj in [("domain", "furniture", FURNITURE), ("action_policy", "second-look", SecondLook),
                            ("retriever", "room-bm25", RoomBM25)]:
        entry = registry.entries[kind][name]
        assert entry.obj is obj and entry.origin == ORIGIN and entry.module == "furniture"
    assert registry.entries["domain"]["fashion"].origin == "builtin"
    # without entry points only the built-ins load: the package is found through its entry point
    builtins_only = Registry(get_plugin_manager(load_entry_points=False))
    assert "furniture" not in builtins_only.entries["domain"]


def test_muse_plugins_lists_the_package() -> None:
    result = CliRunner().invoke(app, ["plugins"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "muse-furniture" in line]
    assert {re.split(r"\s*│\s*", row)[2] for row in rows} == {"room-bm25", "second-look", "furniture"}


def test_no_seed_scenario_rules_out_furniture_for_the_offline_profile_judge() -> None:
    """The offline profile judge maps words like 'guest' or 'surprise' to clothing; furniture types
    are in none of its needs, so a seed using such a word rules out no piece (see scenarios.py)."""
    seeds = [s for texts in FURNITURE.seed_scenarios.values() for s in texts]
    assert len(seeds) >= 35 and len(FURNITURE.seed_scenarios) == 8
    assert any(re.search(p, s.lower()) for s in seeds for p, _ in NEEDS)  # some seed does use a need word
    furniture = {ptype for ptype, group in PRODUCT_TYPES.values() if group in ("furniture", "decor")}
    refused = [(ptype, s) for ptype in sorted(furniture) for s in seeds if suits_scenario(ptype, s) is False]
    assert refused == []


def test_complements_name_types_the_product_summary_knows() -> None:
    known = {ptype for ptype, group in PRODUCT_TYPES.values() if group in ("furniture", "decor")}
    assert set(FURNITURE.complements) == known
    assert all(set(goes) <= known and ptype not in goes for ptype, goes in FURNITURE.complements.items())
    assert FURNITURE.complements["sofa"][:4] == ["coffee table", "rug", "floor lamp", "cushion"]


def test_personas_are_adults_with_a_household() -> None:
    people = [FURNITURE.sample_persona(random.Random(i)) for i in range(400)]
    assert min(p.age for p in people) >= 18 and max(p.age for p in people) <= 70
    assert all(p.household and f"Household: {p.household}" in p.describe() for p in people)
    assert not any(p.household == "empty nesters" and p.age < 48 for p in people)
    assert {p.gender for p in people} == {"male", "female", "unspecified"}


def _variables(template: str) -> set[str]:
    return jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(template))


@pytest.mark.parametrize("name", ["outfit_stylist", "outfit_check", "user_open", "product_summary"])
def test_prompt_overrides_keep_the_name_and_inputs_of_the_built_in(name: str) -> None:
    ours, builtin = load_skill(name, (FURNITURE.skills_dir,)), load_skill(name)
    assert ours.path.parent == FURNITURE.skills_dir and builtin.path.parent == SKILLS_DIR
    assert (ours.name, ours.role) == (builtin.name, builtin.role)
    assert _variables(ours.system) | _variables(ours.user) == _variables(builtin.system) | _variables(builtin.user)
    assert "outfit" not in (ours.system + ours.user).replace("outfit.", "").replace("if outfit", "")


def test_second_look_chats_only_in_round_two() -> None:
    always, never = SecondLook(p=1.0), SecondLook(p=0.0)
    rng = random.Random(0)
    assert [always.action(r, None, rng) for r in (1, 2, 3, 4)] == ["recommend", "chitchat", "recommend", "recommend"]
    assert [never.action(r, None, rng) for r in (1, 2, 3)] == ["recommend"] * 3
    share = sum(SecondLook().action(2, None, random.Random(i)) == "chitchat" for i in range(1000)) / 1000
    assert 0.45 < share < 0.55
    for bad in (1.5, -0.1, "half", True):
        with pytest.raises(ValueError, match="p must be a number"):
            SecondLook(p=bad)


def test_second_look_is_built_from_policy_params() -> None:
    from muse_core.action_policy import get_policy

    config = load_config(conversations={"policy": "second-look", "policy_params": {"p": 0.8}})
    policy = get_policy(config)
    assert isinstance(policy, SecondLook) and policy.p == 0.8
    with pytest.raises(ValueError, match="second-look"):
        get_policy(load_config(conversations={"policy": "second-look", "policy_params": {"q": 1}}))


def test_rooms_are_read_from_the_query() -> None:
    assert rooms_named("a soft rug for the nursery") == {"Nursery"}
    assert rooms_named("lamp for the study and the lounge") == {"Home Office", "Living Room"}
    assert rooms_named("a hallway mirror") == {"Hallway"} and rooms_named("a green sofa") == set()
