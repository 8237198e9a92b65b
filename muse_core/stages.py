"""The pipeline's stages, defined once: their order, what each reads and writes, which skills
(so which roles and models) it calls, what its output's identity is made of, and how it runs.

Flows (`muse_flows`), `muse estimate`, the tests' helpers and the benchmarks all run these
definitions. A stage's identity is a hash of every setting that changes its output plus the
identities of the stages it reads from: a changed setting gives a new profile or conversation set
(a new name), or redoes the rewrites, reviews or summaries it changes. docs/architecture.md lists
what is in each identity.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from muse_core.config import MuseConfig
from muse_core.context import StageContext
from muse_core.domain import Domain
from muse_core.skills import load_skill


@dataclass(frozen=True)
class Stage:
    name: str
    command: str  # the `muse` command (and Prefect subflow) that runs it
    reads: tuple[str, ...]  # tables
    writes: tuple[str, ...]
    after: tuple[str, ...]  # stages whose output it reads: their identities are part of its own
    skills: tuple[str, ...]  # the skills it calls: their versions and roles' models are part of its identity
    settings: Callable[[MuseConfig], dict[str, Any]]  # the other settings that change its output
    run: Callable[[StageContext], Awaitable[Any]]
    # Whether a run with workers splits it into shards by entity (muse_core/shards.py), and the
    # fields of its report that count the run's own work (summed over the shards)
    shards: bool = False
    counts: tuple[str, ...] = ()


def _no_settings(config: MuseConfig) -> dict[str, Any]:
    return {}


# -- how each stage runs (the agents live in their own modules) ---------------------------------
async def _ingest(ctx: StageContext):
    from muse_core.ingest import ingest_catalog

    return await ingest_catalog(ctx.store, ctx.catalog or ctx.domain.sample_catalog, ctx.domain, ctx.config.ingest,
                                ctx.run_id, ctx.progress)


async def _summaries(ctx: StageContext):
    from muse_core.summaries import summarize_products

    return await summarize_products(ctx, identity("summaries", ctx.config, ctx.domain))


async def _index(ctx: StageContext):
    from muse_core.indexing import build_index
    from muse_core.plugins import registry

    embedder = registry().get("embedder", ctx.config.retrieval.embedder)
    return build_index(ctx.store, embedder.load, embedder.model_id, ctx.progress, vectors=_uses_vectors(ctx.config))


async def _scenarios(ctx: StageContext):
    from muse_core.scenarios import build_scenarios

    return await build_scenarios(ctx)


async def _profiles(ctx: StageContext):
    from muse_core.profiles import build_profiles

    return await build_profiles(ctx, profile_set(ctx.config, ctx.domain))


async def _simulate(ctx: StageContext):
    from muse_core.manager import run_conversations

    return await run_conversations(ctx, profile_set(ctx.config, ctx.domain), conversation_set(ctx.config, ctx.domain))


async def _rewrite(ctx: StageContext):
    from muse_core.rewriter import rewrite_conversations

    return await rewrite_conversations(ctx, conversation_set(ctx.config, ctx.domain),
                                       identity("rewrite", ctx.config, ctx.domain))


async def _review(ctx: StageContext):
    from muse_core.reviewer import review_conversations

    return await review_conversations(ctx, conversation_set(ctx.config, ctx.domain),
                                      identity("rewrite", ctx.config, ctx.domain),
                                      identity("review", ctx.config, ctx.domain))


def _sample(ctx: StageContext) -> list[str]:
    """The seeded sample of kept conversations every evaluation stage works on."""
    from muse_core.evaluation_sample import sample_conversations

    return sample_conversations(ctx.store, ctx.config.seed, ctx.config.evaluation.sample)


async def _judge(ctx: StageContext):
    from muse_core.judge import judge_conversations

    return await judge_conversations(ctx, [cid for cid in _sample(ctx) if ctx.owns(cid)])


async def _rec_task(ctx: StageContext):
    from muse_core.rec_task import run_rec_task

    return await run_rec_task(ctx, _sample(ctx))


async def _response_task(ctx: StageContext):
    from muse_core.response_task import run_response_task

    return {"scores": [report_dict(s) for s in await run_response_task(ctx, _sample(ctx))]}


async def _elements(ctx: StageContext):
    from muse_core.elements import tag_elements

    return await tag_elements(ctx, [cid for cid in _sample(ctx) if ctx.owns(cid)])


def _uses_vectors(config: MuseConfig) -> bool:
    """BM25 alone needs no vectors: embedding a large catalog on a CPU takes most of an ingest."""
    from muse_core.plugins import registry

    return getattr(registry().get("retriever", config.retrieval.retriever), "uses_vectors", True)


def _retrieval(config: MuseConfig) -> dict[str, Any]:
    r = config.retrieval
    return {"retriever": r.retriever, "k": r.top_k, "embedder": r.embedder if _uses_vectors(config) else None}


def _profile_settings(config: MuseConfig) -> dict[str, Any]:
    p = config.profiles
    return {"scenarios": p.scenarios, "target_selection": p.target_selection, "depth": p.retrieval_depth,
            "dedup": [p.dedup_metric, p.dedup_threshold],
            "retrieval": _retrieval(config) if p.target_selection == "retrieval" else None}


def _simulation_settings(config: MuseConfig) -> dict[str, Any]:
    from muse_core.action_policy import get_policy, round_actions

    c = config.conversations
    actions = {a.name: [a.user_skill, a.assistant_skill] for a in round_actions(get_policy(config)).values()}
    return {"policy": c.policy, "params": c.policy_params, "actions": actions, "p": c.multimodal_open_p,
            "limits": [c.round_limit_text, c.round_limit_multimodal], "pick": config.querier.pick,
            "retrieval": _retrieval(config)}


# The order of the pipeline: the one place it is written.
STAGES: tuple[Stage, ...] = (
    Stage("ingest", "ingest", reads=(), writes=("products", "product_versions", "ingest_rejects"), after=(),
          skills=(), settings=_no_settings, run=_ingest),
    Stage("summaries", "ingest", reads=("products",), writes=("product_summaries",), after=(),
          skills=("product_summary",), settings=_no_settings, run=_summaries),
    Stage("index", "ingest", reads=("products", "product_summaries"), writes=("product_docs", "product_vectors"),
          after=("summaries",), skills=(), settings=lambda c: {"embedder": _retrieval(c)["embedder"]}, run=_index),
    Stage("scenarios", "profiles", reads=(), writes=("scenarios", "scenario_rounds"), after=(),
          skills=("scenario_expand",), settings=lambda c: {"scenarios": c.profiles.scenarios}, run=_scenarios),
    Stage("profiles", "profiles", reads=("scenarios", "products", "product_summaries"),
          writes=("users", "profile_candidates", "profiles"), after=("summaries", "index"),
          skills=("profile_match", "purchase_backstory"), settings=_profile_settings, run=_profiles),
    Stage("simulate", "conversations", reads=("profiles", "products", "product_summaries"),
          writes=("conversations", "turns", "querier_rounds", "outfit_attempts"), after=("profiles",),
          skills=("user_open", "user_needs", "user_chitchat", "user_compare", "user_reject", "user_accept",
                  "chatter_greet", "chatter_ask", "chatter_recommend", "chatter_chitchat", "querier_analyse",
                  "querier_query", "querier_rerank", "outfit_stylist", "outfit_check"),
          settings=_simulation_settings, run=_simulate, shards=True, counts=("new_conversations",)),
    Stage("rewrite", "conversations", reads=("turns",), writes=("rewrites", "turns"), after=("simulate",),
          skills=("rewrite_utterance", "rewrite_check"), settings=lambda c: {"p": c.conversations.colloquial_p},
          run=_rewrite, shards=True, counts=("rewritten", "redone")),
    Stage("review", "conversations", reads=("turns", "rewrites", "profiles"), writes=("reviews",),
          after=("rewrite",), skills=("review_conversation",),
          settings=lambda c: {"threshold": c.conversations.keep_threshold}, run=_review, shards=True,
          counts=("reviewed", "redone")),
    # `muse evaluate` (paper section 4): each on the same seeded sample of kept conversations; each
    # skips what it already stored for the sample (its rows are keyed by model, not by identity)
    Stage("judge", "evaluate", reads=("reviews", "turns", "conversation_products"), writes=("judge_scores",),
          after=("review",), skills=("judge_conversation",),
          settings=lambda c: {"sample": c.evaluation.sample, "rounds": c.evaluation.judge_rounds}, run=_judge,
          shards=True, counts=("scored",)),
    Stage("rec-task", "evaluate", reads=("reviews", "turns", "querier_rounds"), writes=("rec_task_rounds",),
          after=("review",), skills=("rec_query",),
          settings=lambda c: {"sample": c.evaluation.sample, "models": c.evaluation.task_models,
                              "ranks": c.evaluation.ranks, "retrieval": _retrieval(c)}, run=_rec_task),
    Stage("response-task", "evaluate", reads=("reviews", "turns", "conversation_products"),
          writes=("response_task_turns", "response_task_scores"), after=("review",),
          skills=("response_generate", "judge_pairwise"),
          settings=lambda c: {"sample": c.evaluation.sample, "models": c.evaluation.task_models},
          run=_response_task),
    Stage("elements", "evaluate", reads=("reviews", "turns"), writes=("utterance_elements",), after=("review",),
          skills=("tag_elements",), settings=lambda c: {"sample": c.evaluation.sample}, run=_elements,
          shards=True, counts=("tagged",)),
)
BY_NAME: dict[str, Stage] = {stage.name: stage for stage in STAGES}
# Skills no stage calls: a model annotating a human-evaluation study (muse_core/study_llm.py)
UNSTAGED_SKILLS: tuple[str, ...] = ("study_compare",)
# the stages that build a dataset (what `muse run` and `muse estimate` run): all but the evaluation
DATASET_STAGES: tuple[Stage, ...] = tuple(stage for stage in STAGES if stage.command != "evaluate")
COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(stage.command for stage in STAGES))


def stages_of(command: str) -> tuple[Stage, ...]:
    """The stages one command runs, in pipeline order."""
    return tuple(stage for stage in STAGES if stage.command == command)


def skill_settings(config: MuseConfig, domain: Domain, skills: tuple[str, ...]) -> dict[str, Any]:
    """Per skill: its version and what its role's model is and how it is sampled (not where it is
    served, nor timeouts: moving a server elsewhere does not change what it answers). A role the
    offline engine plays, in process or as the muse offline server, is the engine and its
    `[offline]` rates: its rules ignore the model name and the temperature."""
    dirs = StageContext.skill_dirs_of(domain)
    out: dict[str, Any] = {}
    for name in skills:
        skill = load_skill(name, dirs)
        role = config.role(skill.role)
        out[name] = {"version": skill.version, "role": skill.role}
        if role.plays_offline_engine:
            out[name]["offline engine"] = config.offline.model_dump(exclude={"judge_noise"})
        else:
            out[name].update(provider=role.provider, model=role.model, temperature=role.temperature,
                             max_tokens=role.max_tokens, vision=role.vision, structured=role.structured)
    return out


def identity_material(name: str, config: MuseConfig, domain: Domain) -> dict[str, Any]:
    """Everything a stage's identity hashes: the seed, domain, its settings and skills, and the
    identities of the stages it reads from."""
    stage = BY_NAME[name]
    return {"stage": name, "seed": config.seed, "domain": domain.name, "settings": stage.settings(config),
            "skills": skill_settings(config, domain, stage.skills),
            "after": {up: identity(up, config, domain) for up in stage.after}}


def identity(name: str, config: MuseConfig, domain: Domain) -> str:
    material = json.dumps(identity_material(name, config, domain), sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()[:8]


def profile_set(config: MuseConfig, domain: Domain) -> str:
    """The profile set a configuration builds: its candidate draws follow (seed, domain, target
    selection) whatever the models, so two sets that differ by a model screen the same candidates."""
    return f"{profile_stream(config, domain.name)}-{identity('profiles', config, domain)}"


def profile_stream(config: MuseConfig, domain: str) -> str:
    return f"{domain}-seed{config.seed}-{config.profiles.target_selection}"


def conversation_set(config: MuseConfig, domain: Domain) -> str:
    return f"{profile_set(config, domain)}-conv{identity('simulate', config, domain)}"


def report_dict(report: Any) -> dict[str, Any]:
    """A stage's report as plain JSON-able values (what a Prefect task returns)."""
    if hasattr(report, "as_dict"):
        return report.as_dict()
    return asdict(report) if is_dataclass(report) else dict(report)


async def run_stages(ctx: StageContext, names: tuple[str, ...] | list[str]) -> dict[str, dict[str, Any]]:
    """Run the named stages in pipeline order on one context (one event loop, one gateway)."""
    unknown = set(names) - set(BY_NAME)
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(sorted(unknown))}; the stages are {', '.join(BY_NAME)}")
    results = {}
    for stage in STAGES:
        if stage.name in names:
            results[stage.name] = report_dict(await stage.run(ctx))
    return results
