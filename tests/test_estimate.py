"""`muse estimate`: an offline dry run, scaled and priced with the configured (paper) models."""

from __future__ import annotations

import math

import pytest
from rich.console import Console

from muse_core.config import MuseConfig, RoleConfig, load_config
from muse_core.estimate import (
    UNITS,
    Estimate,
    estimate,
    estimate_table,
    image_tokens,
    price,
    scale,
)
from muse_core.skills import SKILLS_DIR, load_skill
from muse_core.stages import DATASET_STAGES

PAPER_MODELS = ("gpt-4o-mini", "anthropic/claude-3-5-haiku-20241022")


@pytest.fixture(scope="module")
def paper_config() -> MuseConfig:
    return load_config()


@pytest.fixture(scope="module")
def est(paper_config: MuseConfig) -> Estimate:
    # One dry run (about 12 s) for the whole module; the other scales re-price it without rerunning.
    return estimate(paper_config, conversations=7000, sample=4)


def render(est: Estimate) -> str:
    console = Console(record=True, width=240)
    console.print(estimate_table(est))
    return " ".join(console.export_text().split())  # the title wraps: compare words, not line breaks


def test_every_stage_has_calls_and_tokens(est: Estimate) -> None:
    # every stage that calls a model, in the pipeline's order
    assert [s.stage for s in est.stages] == [stage.name for stage in DATASET_STAGES if stage.skills]
    assert set(UNITS) == {stage.name for stage in DATASET_STAGES if stage.skills}
    for s in est.stages:
        assert s.calls > 0 and s.prompt_tokens > 0 and s.completion_tokens > 0, s
    assert est.stage("summaries").units == est.dry_run.products == 245
    assert est.stage("simulate").units == est.profiles == 7000
    assert est.candidates > est.profiles  # rejected candidates are paid for too
    # Images are attached to summaries, screening and conversations, never to rewrite or review.
    assert est.stage("summaries").images == 245 and est.stage("profiles").image_tokens > 0
    assert est.stage("rewrite").images == 0 and est.stage("review").images == 0
    assert est.prompt_tokens == sum(s.prompt_tokens + s.image_tokens for s in est.stages)


def test_paper_models_are_priced(est: Estimate) -> None:
    for model in PAPER_MODELS:
        cost = price(model, "litellm", 1000, 1000)
        assert cost is not None and 0 < cost < 1 and math.isfinite(cost)
    assert sorted(est.stage("rewrite").models) == sorted(PAPER_MODELS)  # checker and rewriter
    for s in est.stages:
        assert s.cost_usd is not None and math.isfinite(s.cost_usd) and s.cost_usd > 0, s
    assert est.unpriced_models == []
    assert est.cost_usd == pytest.approx(sum(s.cost_usd for s in est.stages))
    for per in (est.per_profile_usd, est.per_conversation_usd, est.rewrite_per_conversation_usd,
                est.review_per_conversation_usd):
        assert per is not None and 0 < per < 1
    assert image_tokens("gpt-4o-mini") == 8500 and image_tokens("anthropic/claude-3-5-haiku-20241022") == 349


def test_scaling_is_linear(est: Estimate, paper_config: MuseConfig) -> None:
    half = scale(est.dry_run, paper_config, 3500)
    for stage in ("profiles", "simulate", "rewrite", "review"):
        assert est.stage(stage).cost_usd == pytest.approx(2 * half.stage(stage).cost_usd, rel=1e-3)
        assert est.stage(stage).calls == pytest.approx(2 * half.stage(stage).calls, abs=2)
    # Catalog and scenarios are fixed costs: they do not grow with conversations.
    assert half.stage("summaries").cost_usd == pytest.approx(est.stage("summaries").cost_usd)
    assert half.stage("scenarios").cost_usd == pytest.approx(est.stage("scenarios").cost_usd)
    assert half.per_conversation_usd == pytest.approx(est.per_conversation_usd, rel=1e-3)


def test_an_unknown_model_is_named_not_fatal(est: Estimate, paper_config: MuseConfig) -> None:
    roles = {**paper_config.roles, "rewriter": RoleConfig(model="openai/no-such-model-xyz", temperature=0.9)}
    odd = scale(est.dry_run, paper_config.model_copy(update={"roles": roles}), 7000)
    rewrite = odd.stage("rewrite")
    assert rewrite.cost_usd is None and rewrite.unpriced_models == ["openai/no-such-model-xyz"]
    assert odd.rewrite_per_conversation_usd is None
    assert odd.cost_usd is None and odd.unpriced_models == ["openai/no-such-model-xyz"]
    assert odd.priced_cost_usd == pytest.approx(est.cost_usd - est.stage("rewrite").cost_usd, rel=1e-2)
    assert odd.stage("simulate").cost_usd == pytest.approx(est.stage("simulate").cost_usd)
    assert price("no-provider-at-all", "litellm", 10, 10) is None
    assert "unknown (openai/no-such-model-xyz)" in render(odd)


def test_offline_roles_cost_nothing(est: Estimate, paper_config: MuseConfig) -> None:
    free = scale(est.dry_run, paper_config.with_offline_engine(), 7000)
    assert free.cost_usd == 0.0 and free.unpriced_models == []


def test_table_shows_ours_next_to_the_papers(est: Estimate) -> None:
    text = render(est)
    for needle in ("$0.033", "$0.009", "$0.011", "$0.001-0.008", "dry run of the offline engine",
                   "~4 characters per token", "litellm's price map", "gpt-4o-mini 8,500"):
        assert needle in text, needle
    for stage in UNITS:
        assert stage in text


def test_every_builtin_skill_plays_a_configured_role(paper_config: MuseConfig) -> None:
    # Pricing looks up each call's role in the configuration: a skill with an unknown role would fail.
    for path in SKILLS_DIR.glob("*.toml"):
        assert paper_config.role(load_skill(path.stem).role).model


def test_bad_arguments_are_refused(est: Estimate, paper_config: MuseConfig) -> None:
    with pytest.raises(ValueError, match="conversations must be at least 1"):
        scale(est.dry_run, paper_config, 0)
    with pytest.raises(ValueError, match="profile_yield"):
        scale(est.dry_run, paper_config, 10, profile_yield=0)
    with pytest.raises(ValueError, match="sample must be at least 1"):
        estimate(paper_config, 10, sample=0)
