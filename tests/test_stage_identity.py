"""One stage registry (muse_core.stages), and results that follow their settings: a changed
setting redoes exactly the stages whose output it changes, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from muse_core.config import load_config
from muse_core.plugins import PluginEntry, registry
from muse_core.skills import SKILLS_DIR
from muse_core.stages import DATASET_STAGES, STAGES, UNSTAGED_SKILLS, identity_material
from muse_core.store import Store
from muse_plugins.fashion import FASHION
from muse_plugins.offline import OfflineProvider
from tests.helpers import run_stages

N = 3
ALL = tuple(stage.name for stage in DATASET_STAGES)


def role(config, name: str, **changes):
    return config.model_copy(update={"roles": {**config.roles, name: config.roles[name].model_copy(update=changes)}})


def section(config, name: str, **changes):
    return config.model_copy(update={name: getattr(config, name).model_copy(update=changes)})


class StubModels(OfflineProvider):
    """A provider that is not the offline engine (so its model and temperature are identity),
    answering with the engine's rules whatever the model: a stand-in for a real server."""

    name = "stub"


@pytest.fixture(scope="module", autouse=True)
def stub_provider():
    entries = registry().entries["llm_provider"]
    entries["stub"] = PluginEntry("llm_provider", "stub", StubModels(), "test", __name__)
    yield
    del entries["stub"]


def base_config(db: Path):
    """Offline, except the agent and the rewriter: stub models whose names and sampling count."""
    config = load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"n": N, "scenarios": 70},
                         conversations={"n": N, "concurrency": 6}).with_offline_engine()
    for name in ("agent", "rewriter"):
        config = role(config, name, provider="stub", model="stub-a")
    return config


def worked(results: dict) -> set[str]:
    """The stages that made or redid something."""
    made = {"ingest": lambda r: r["new"] + r["updated"], "summaries": lambda r: r["summarized"],
            "index": lambda r: r["docs_changed"] + r["embedded"], "scenarios": lambda r: r["added"],
            "profiles": lambda r: r["new_profiles"], "simulate": lambda r: r["new_conversations"],
            "rewrite": lambda r: r["rewritten"], "review": lambda r: r["reviewed"]}
    return {name for name, report in results.items() if made[name](report)}


@pytest.fixture(scope="module")
def pipeline_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("identity") / "muse.duckdb"
    assert worked(run_stages(base_config(db), ALL)) == set(ALL)
    assert worked(run_stages(base_config(db), ALL)) == set()  # the same settings redo nothing
    return db


CHANGES = {
    "rewriter model": (lambda c: role(c, "rewriter", model="stub-b"), {"rewrite", "review"}),
    "rewriter temperature": (lambda c: role(c, "rewriter", temperature=0.3), {"rewrite", "review"}),
    "reviewer threshold": (lambda c: section(c, "conversations", keep_threshold=5.0), {"review"}),
    # the agent role writes summaries, screens profiles and plays the shopper and the assistant
    "agent model": (lambda c: role(c, "agent", model="stub-b"),
                    {"summaries", "profiles", "simulate", "rewrite", "review"}),
    "retriever": (lambda c: section(c, "retrieval", retriever="dense"),
                  {"index", "profiles", "simulate", "rewrite", "review"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_setting_redoes_exactly_the_stages_it_affects(pipeline_db: Path, tmp_path: Path, change: str) -> None:
    db = tmp_path / "muse.duckdb"
    shutil.copy(pipeline_db, db)
    edit, affected = CHANGES[change]
    config = edit(base_config(db))
    results = run_stages(config, ALL)
    assert worked(results) == affected
    assert worked(run_stages(config, ALL)) == set()  # and the new settings are then done
    with Store(db, read_only=True) as store:
        if "rewrite" in affected and "simulate" not in affected:  # redone in place, reported as redone
            assert results["rewrite"]["redone"] == N
            assert store.scalar("SELECT count(DISTINCT identity) FROM rewrites") == 1
        if affected == {"review"}:
            assert results["review"]["redone"] == N
            assert store.scalar("SELECT min(threshold) FROM reviews") == 5.0
        if "simulate" in affected:  # a new conversation set beside the first
            assert store.scalar("SELECT count(DISTINCT conversation_set) FROM conversations") == 2


def test_the_identity_holds_what_changes_a_stage_and_what_it_read(tmp_path: Path) -> None:
    config = base_config(tmp_path / "x.duckdb")
    review = identity_material("review", config, FASHION)
    assert review["settings"] == {"threshold": 4.0}
    assert "offline engine" in review["skills"]["review_conversation"]  # the engine ignores model names
    rewrite = identity_material("rewrite", config, FASHION)
    assert rewrite["skills"]["rewrite_utterance"]["model"] == "stub-a"
    assert set(review["after"]) == {"rewrite"}
    profiles = identity_material("profiles", config, FASHION)
    assert profiles["settings"]["scenarios"] == 70 and profiles["settings"]["retrieval"]["retriever"] == "bm25"
    assert identity_material("profiles", section(config, "profiles", scenarios=80), FASHION) != profiles


def test_every_skill_is_called_by_one_stage_or_listed_as_unstaged() -> None:
    staged = [skill for stage in STAGES for skill in stage.skills]
    assert len(staged) == len(set(staged)) and not set(staged) & set(UNSTAGED_SKILLS)
    assert set(staged) | set(UNSTAGED_SKILLS) == {p.name.removesuffix(".toml") for p in SKILLS_DIR.iterdir()
                                                  if p.name.endswith(".toml")}



def test_every_skill_names_a_defined_role_and_has_an_offline_rule() -> None:
    from muse_core.config import ROLES
    from muse_core.skills import load_skill
    from muse_plugins.offline.engine import RULES

    names = {p.name.removesuffix(".toml") for p in SKILLS_DIR.iterdir() if p.name.endswith(".toml")}
    assert {load_skill(name).role for name in names} <= set(ROLES)
    assert names == set(RULES)  # a rule the simulator has for every skill, and none for a skill that is gone


def test_an_unknown_stage_is_refused_with_the_stages_named() -> None:
    import asyncio

    from muse_core.stages import run_stages

    with pytest.raises(ValueError, match="unknown stage.*summaries"):
        asyncio.run(run_stages(None, ("summarise",)))
