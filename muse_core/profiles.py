"""Scenario-grounded user profiles (paper 3.2.2): persona + scenario + target product, screened
by an MLLM judge, then a purchase backstory screened for leaks and near-duplicates.

Candidates are numbered k = 0, 1, 2, ... within a profile set; everything random about
candidate k derives from (seed, domain, target selection, k), so sets that differ only by a model
screen the same candidates (muse_core.stages names the set and its identity). Model calls of a
batch of candidates run concurrently, but decisions are taken in k order, because the dedup
screen compares each backstory with those kept before it. The decisions of a batch are committed
together, in one transaction with their lineage (a commit per candidate cost a third of late
screening), so an interrupted run resumes at the first undecided candidate, the first of the batch
it lost, and ends with exactly the same profiles. The retrieval queries of a batch are embedded
in one job on the embedding thread (muse_core.retrieval), off the event loop, before its targets
are picked.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from muse_core.dedup import DedupMetric
from muse_core.dialogue import product_inputs
from muse_core.domain import Domain
from muse_core.leaks import leaks
from muse_core.config import ProfilesConfig
from muse_core.context import StageContext
from muse_core.llm import LLMCallError, SkillResult
from muse_core.personas import Persona
from muse_core.retrieval import Retriever, prepare_queries
from muse_core.secrets import redact
from muse_core.seeding import rng_for
from muse_core.stages import profile_stream
from muse_core.store import Store


class MatchVerdict(BaseModel):
    answer: Literal["Yes", "No"]
    reason: str = Field("", max_length=300)


class Backstory(BaseModel):
    backstory: str = Field(min_length=40, max_length=1000)
    requirements: list[Annotated[str, Field(max_length=150)]] = Field(min_length=2, max_length=2)


@dataclass
class ProfileReport:
    profile_set: str
    profiles: int
    new_profiles: int
    candidates: int
    rejected: dict[str, int] = field(default_factory=dict)


@dataclass
class _Candidate:
    k: int
    candidate_id: str
    persona: Persona
    scenario: dict
    target: dict
    judge: SkillResult | None = None
    story: SkillResult | None = None
    failure: str | None = None  # why the model gave no valid answer, if it did not


def who_for(persona: Persona) -> str:
    """The department words a shopper would add to a search."""
    if persona.age <= 12:
        return {"female": "girls", "male": "boys"}.get(persona.gender, "kids")
    return {"female": "women's", "male": "men's"}.get(persona.gender, "")


class TargetPicker:
    """Chooses a target product for a (persona, scenario): from the top retrieval hits of the
    scenario text, or by category weights then uniformly, as the MUSE authors did."""

    def __init__(self, store: Store, settings: ProfilesConfig, domain: Domain, retriever: Retriever | None) -> None:
        self.mode, self.depth, self.retriever = settings.target_selection, settings.retrieval_depth, retriever
        if self.mode == "retrieval" and retriever is None:
            raise ValueError("target_selection = 'retrieval' needs a retriever")
        rows = store.rows(
            "SELECT p.product_id, p.title, p.store, p.details, p.price, p.categories, p.image_status,"
            " s.summary, s.attributes FROM products p JOIN product_summaries s USING (product_id)"
            " WHERE p.domain = ? ORDER BY p.product_id", [domain.name])
        if not rows:
            raise ValueError(f"no summarised '{domain.name}' products: run `muse ingest` first")
        self.products = {row["product_id"]: row for row in rows}
        self.groups: dict[str, list[str]] = {}
        for row in rows:
            cats = row["categories"] or []
            group = cats[2] if len(cats) > 2 else json.loads(row["attributes"]).get("group", "other")
            self.groups.setdefault(group, []).append(row["product_id"])
        self.weights = {g: domain.group_weights.get(g, min(domain.group_weights.values(), default=1.0))
                        for g in self.groups}
        self._searched: dict[str, list[str]] = {}

    def _search(self, query: str) -> list[str]:
        """Top product ids for a query; memoised, since scenarios recur across candidates."""
        if query not in self._searched:  # the index may hold other domains' products too: keep ours
            self._searched[query] = [hit.product_id for hit in self.retriever.search(query, self.depth)
                                     if hit.product_id in self.products]
        return self._searched[query]

    @staticmethod
    def query(scenario: str, persona: Persona) -> str:
        """The retrieval query for a (persona, scenario)."""
        return f"{scenario} {who_for(persona)}".strip()

    async def prepare(self, pairs: list[tuple[str, Persona]]) -> None:
        """Embed the queries of these (scenario, persona) pairs not searched yet, in one job on the
        embedding thread, so that `pick` finds their vectors made."""
        if self.mode == "retrieval":
            queries = dict.fromkeys(self.query(scenario, persona) for scenario, persona in pairs)
            await prepare_queries(self.retriever, [q for q in queries if q not in self._searched])

    def pick(self, scenario: str, persona: Persona, rng) -> dict:
        if self.mode == "retrieval":
            hits = self._search(self.query(scenario, persona))
            if hits:
                return self.products[rng.choice(hits)]
        group = rng.choices(sorted(self.weights), weights=[self.weights[g] for g in sorted(self.weights)])[0]
        return self.products[rng.choice(self.groups[group])]


async def build_profiles(ctx: StageContext, profile_set: str) -> ProfileReport:
    """Screen candidates of `profile_set` (named by muse_core.stages) until `profiles.n` are kept."""
    settings, store, seed, gateway, domain = ctx.config.profiles, ctx.store, ctx.config.seed, ctx.gateway, ctx.domain
    progress, metric = ctx.progress, ctx.dedup_metric()
    if domain.sample_persona is None:
        raise ValueError(f"domain '{domain.name}' has no persona sampler")
    # the first `profiles.scenarios` of the pool: part of the set's identity
    scenarios = store.rows("SELECT scenario_id, text FROM scenarios WHERE domain = ? ORDER BY position LIMIT ?",
                           [domain.name, settings.scenarios])
    if not scenarios:
        raise ValueError(f"no scenarios for domain '{domain.name}': build them first")
    retriever = ctx.retriever if settings.target_selection == "retrieval" else None
    picker = TargetPicker(store, settings, domain, retriever)
    stream = profile_stream(ctx.config, domain.name)  # the draws of candidate k, whatever the models
    for (text,) in store.con.execute(
            "SELECT p.backstory FROM profiles p JOIN profile_candidates c ON c.candidate_id = p.profile_id"
            " WHERE p.profile_set = ? ORDER BY c.k", [profile_set]).fetchall():
        metric.add(text)  # the kept set, rebuilt in decision order
    have = int(store.scalar("SELECT count(*) FROM profiles WHERE profile_set = ?", [profile_set]))
    k = int(store.scalar("SELECT coalesce(max(k) + 1, 0) FROM profile_candidates WHERE profile_set = ?",
                         [profile_set]))
    start_have = have

    async def draw_candidates(ks: range) -> list[_Candidate]:
        """Candidates ks with their targets; the draws of k come from (seed, stream, k) alone."""
        draws = []
        for k in ks:
            rng = rng_for(seed, stream, "candidate", k)
            persona = domain.sample_persona(rng_for(seed, stream, "persona", k))
            draws.append((k, rng, persona, rng.choice(scenarios)))
        await picker.prepare([(scenario["text"], persona) for _, _, persona, scenario in draws])
        return [_Candidate(k, f"{profile_set}-{k}", persona, scenario, picker.pick(scenario["text"], persona, rng))
                for k, rng, persona, scenario in draws]

    async def screen_with_models(c: _Candidate) -> _Candidate:
        inputs = {"persona": {**c.persona.model_dump(), "description": c.persona.describe()},
                  "scenario": c.scenario["text"], "product": product_inputs(c.target)}
        images = [c.target["product_id"]] if c.target["image_status"] == "ok" else []
        try:
            c.judge = await gateway.run("profile_match", inputs, output=MatchVerdict, image_product_ids=images,
                                        entity_id=c.candidate_id)
            if c.judge.value.answer == "Yes":
                c.story = await gateway.run("purchase_backstory", inputs, output=Backstory,
                                            image_product_ids=images, entity_id=c.candidate_id)
        except LLMCallError as exc:  # a model that gives no valid answer costs this candidate only
            c.failure = str(exc)
        return c

    with progress.task("building profiles", total=settings.n):
        progress.advance(have)
        while have < settings.n:
            if k >= settings.max_candidates:
                raise RuntimeError(f"{k:,} candidates screened for {have} profiles: the screens reject too much "
                                   "(see the screen_pass_rates view); raise profiles.max_candidates or relax them")
            drawn = await draw_candidates(range(k, k + settings.batch))
            batch = await asyncio.gather(*(screen_with_models(c) for c in drawn))
            decided = Decisions()
            # the leak rule of the backstories that reach it, in one query (sql/views/leak_rule.sql)
            storied = [c for c in batch if c.failure is None and c.judge.value.answer == "Yes"]
            why_leaks = dict(zip((c.k for c in storied),
                                 leaks(ctx.store.con, [(c.story.value.backstory, c.target) for c in storied])))
            for c in batch:
                if have >= settings.n:
                    break
                have += _decide(ctx, metric, profile_set, c, why_leaks.get(c.k), decided)
                k = c.k + 1
            decided.commit(ctx.store)  # an exception before this loses the batch, the stage and its metric
            progress.advance(len(decided.backstories))
    gateway.flush_stats()
    rejected = dict(store.con.execute(
        "SELECT rejected_by, count(*) FROM profile_candidates WHERE profile_set = ? AND outcome = 'rejected'"
        " GROUP BY ALL", [profile_set]).fetchall())
    candidates = int(store.scalar("SELECT count(*) FROM profile_candidates WHERE profile_set = ?", [profile_set]))
    return ProfileReport(profile_set, have, have - start_have, candidates, rejected)


@dataclass
class Decisions:
    """The rows of one batch's decisions, written in one transaction by `commit`."""
    users: list[list] = field(default_factory=list)
    screens: list[list] = field(default_factory=list)
    candidates: list[list] = field(default_factory=list)
    profiles: list[list] = field(default_factory=list)
    backstories: list[str] = field(default_factory=list)  # of the new profiles, in k order

    def commit(self, store: Store) -> None:
        with store.transaction():
            store.insert("users", ["user_id", "name", "gender", "age", "profession", "domain", "run_id"],
                         self.users, verb="INSERT OR IGNORE")
            store.insert("screens", ["stage", "entity_id", "screen", "passed", "reason", "score", "cache_key", "run_id"],
                         self.screens)
            store.insert("profile_candidates", ["candidate_id", "profile_set", "k", "user_id", "scenario_id",
                                                "target_product_id", "outcome", "rejected_by", "run_id"], self.candidates)
            store.insert("profiles", ["profile_id", "profile_set", "user_id", "scenario_id", "target_product_id",
                                      "backstory", "requirements", "judge_cache_key", "backstory_cache_key", "run_id"],
                         self.profiles)


def _decide(ctx: StageContext, metric: DedupMetric, profile_set: str, c: _Candidate, why_leak: str | None,
            decided: Decisions) -> int:
    """Run the remaining screens of one candidate in order and add its rows to `decided`; 1 if it
    became a profile (its backstory joins the metric's kept set at once: the next candidate of the
    batch is compared with it). `why_leak`: the leak rule's answer for its backstory."""
    run_id, domain = ctx.run_id, ctx.domain.name
    if c.failure is not None:
        screens = [["model", False, redact(c.failure), None, None]]
        failed = "model"
    else:
        screens = [["judge", c.judge.value.answer == "Yes", c.judge.value.reason, None, c.judge.cache_key]]
        failed = None if screens[0][1] else "judge"
    if failed is None:
        story: Backstory = c.story.value
        screens.append(["leak", why_leak is None, why_leak, None, c.story.cache_key])
        failed = "leak" if why_leak else None
    if failed is None:
        decision = metric.check(story.backstory)
        screens.append(["dedup", decision.keep, None if decision.keep else
                        f"max similarity {decision.score:.3f} to a kept backstory", decision.score, c.story.cache_key])
        failed = None if decision.keep else "dedup"
    user_id = c.persona.user_id(profile_set, c.k)
    decided.users.append([user_id, c.persona.name, c.persona.gender, c.persona.age, c.persona.profession,
                          domain, run_id])
    decided.screens.extend(["profile", c.candidate_id, *screen, run_id] for screen in screens)
    decided.candidates.append([c.candidate_id, profile_set, c.k, user_id, c.scenario["scenario_id"],
                               c.target["product_id"], "rejected" if failed else "profile", failed, run_id])
    if failed is None:
        decided.profiles.append([c.candidate_id, profile_set, user_id, c.scenario["scenario_id"],
                                 c.target["product_id"], story.backstory, story.requirements, c.judge.cache_key,
                                 c.story.cache_key, run_id])
        decided.backstories.append(story.backstory)
        metric.add(story.backstory)
        return 1
    return 0
