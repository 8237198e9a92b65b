"""Manager (paper 3.3.3): starts each conversation from a profile, chooses its opening, asks the
action policy what each round does, enforces the round limit, and records every turn.

Conversation k of a set is simulated from profile k of the profile set. Everything random about
it derives from (run seed, conversation id), and it shares no state with other conversations,
so many run at once and each is committed in one transaction when finished: a rerun skips
finished conversations and replays the cached calls of unfinished ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from muse_core.action_policy import Action, RoundAction, round_actions
from muse_core.batch import Batch, Writes
from muse_core.chatter import Chatter
from muse_core.context import StageContext
from muse_core.dialogue import Dialogue, load_products
from muse_core.llm import LLMCallError, SkillResult
from muse_core.outfit_opening import OutfitAttempt, try_outfit_opening
from muse_core.personas import Persona
from muse_core.querier import NoCandidates, Querier, QuerierRound
from muse_core.runs import record_failure
from muse_core.seeding import rng_for
from muse_core.user_simulator import UserSimulator


@dataclass
class ConversationJob:
    conversation_id: str
    k: int
    profile_id: str
    profile: dict[str, Any]  # persona description, scenario, backstory, requirements
    target: dict[str, Any]


@dataclass
class Simulated:
    job: ConversationJob
    dialogue: Dialogue
    open_type: str
    outfit: OutfitAttempt | None
    rounds: list[QuerierRound]
    accepted_round: int
    cost_usd: float


@dataclass
class SimulationReport:
    conversation_set: str
    conversations: int
    new_conversations: int


class Manager:
    def __init__(self, ctx: StageContext):
        self.ctx, self.gateway, self.domain, self.policy = ctx, ctx.gateway, ctx.domain, ctx.policy
        self.config = ctx.config
        self.products = load_products(ctx.store, ctx.domain.name)
        self.retriever = ctx.retriever
        self.querier = Querier(ctx.gateway, ctx.retriever, self.products, self.config)
        self.actions = round_actions(ctx.policy)

    def jobs(self, profile_set: str, conv_set: str, n: int | None) -> list[ConversationJob]:
        rows = self.ctx.store.rows(
            "SELECT c.k, p.profile_id, p.backstory, p.requirements, p.target_product_id, s.text AS scenario,"
            " u.name, u.gender, u.age, u.profession FROM profiles p"
            " JOIN profile_candidates c ON c.candidate_id = p.profile_id JOIN scenarios s ON s.scenario_id = p.scenario_id"
            " JOIN users u ON u.user_id = p.user_id WHERE p.profile_set = ? ORDER BY c.k", [profile_set])
        if not rows:
            raise ValueError(f"no profiles in set '{profile_set}': build profiles first (`muse profiles`)")
        if n is not None and n > len(rows):
            raise ValueError(f"{n} conversations asked for but only {len(rows)} profiles exist; "
                             f"build more with `muse profiles --n {n}`")
        jobs = []
        for row in rows[:n]:
            profile = {"persona": Persona.of_user(row).describe(), "scenario": row["scenario"], "backstory": row["backstory"],
                       "requirements": list(row["requirements"])}
            jobs.append(ConversationJob(f"{conv_set}-{row['k']}", row["k"], row["profile_id"], profile,
                                        self.products[row["target_product_id"]]))
        return jobs

    async def simulate(self, job: ConversationJob) -> Simulated:
        seed, cid, settings = self.config.seed, job.conversation_id, self.config.conversations
        target = job.target
        costs: list[float] = []

        def spent(result: SkillResult) -> SkillResult:
            costs.append(result.cost_usd)
            return result

        attempt = None
        if rng_for(seed, cid, "open").random() < settings.multimodal_open_p:
            attempt = await try_outfit_opening(self.gateway, self.domain, self.retriever, self.products, cid,
                                               job.profile["scenario"], target, self.config.retrieval.top_k)
            costs.append(attempt.cost_usd)
        outfit = self.products[attempt.outfit_product_id] if attempt and attempt.compatible else None
        open_type = "multimodal" if outfit else "text"
        limit = settings.round_limit_multimodal if outfit else settings.round_limit_text

        dialogue = Dialogue()
        user, chatter = UserSimulator(self.gateway, cid, job.profile, target), Chatter(self.gateway, cid)
        await self._opening(dialogue, user, chatter, outfit, spent)
        rounds: list[QuerierRound] = []
        previous: Action | None = None
        for r in range(1, limit + 1):
            action = self._action(r, previous, rng_for(seed, cid, "action", r))
            found = await self.querier.find(dialogue, cid, r, target["product_id"], limit_reached=r == limit)
            costs.append(found.cost_usd)
            rounds.append(found)
            product = self.products[found.chosen_product_id]
            images = [product["product_id"]] if product["has_image"] else []
            rec = spent(await chatter.recommend(dialogue, product, r))
            dialogue.add(r, "assistant", "recommend", rec.value, rec.cache_key, product_ids=[product["product_id"]],
                         image_product_ids=images)
            if product["product_id"] == target["product_id"]:
                accept = spent(await user.accept(dialogue, r))
                dialogue.add(r, "user", "accept", accept.value, accept.cache_key, product_ids=[target["product_id"]])
                return Simulated(job, dialogue, open_type, attempt, rounds, r, sum(costs))
            if action.user_skill:
                talk = spent(await user.aside(action.user_skill, dialogue, product, r))
                dialogue.add(r, "user", action.name, talk.value, talk.cache_key)
            if action.assistant_skill:
                reply = spent(await chatter.aside(action.assistant_skill, dialogue, product, r))
                dialogue.add(r, "assistant", action.name, reply.value, reply.cache_key,
                             product_ids=[product["product_id"]])
            comparison, rejection = await user.reject(dialogue, product, r)
            costs += [comparison.cost_usd, rejection.cost_usd]
            dialogue.add(r, "user", "reject", rejection.value, rejection.cache_key)
            previous = action.name
        raise AssertionError("unreachable: the last round recommends the target")

    def _action(self, round: int, previous: Action | None, rng) -> RoundAction:
        name = self.policy.action(round, previous, rng)
        if name not in self.actions:
            raise ValueError(f"action policy '{self.policy.name}' chose '{name}', which it does not define; "
                             f"its actions are {', '.join(self.actions)}")
        return self.actions[name]

    @staticmethod
    async def _opening(dialogue: Dialogue, user: UserSimulator, chatter: Chatter, outfit: dict[str, Any] | None,
                       spent) -> None:
        """Round 0: the greeting, the user's opening (with the outfit photo, if any), the question, the needs."""
        greet = spent(await chatter.greet())
        dialogue.add(0, "assistant", "greet", greet.value, greet.cache_key)
        opening = spent(await user.open(dialogue, outfit))
        shown = [outfit["product_id"]] if outfit else []
        dialogue.add(0, "user", "open", opening.value, opening.cache_key, product_ids=shown,
                     image_product_ids=[p for p in shown if outfit["has_image"]])
        ask = spent(await chatter.ask(dialogue, outfit))
        dialogue.add(0, "assistant", "ask", ask.value, ask.cache_key)
        needs = spent(await user.needs(dialogue, user.target["attributes"].get("product_type", "item")))
        dialogue.add(0, "user", "needs", needs.value, needs.cache_key)


async def run_conversations(ctx: StageContext, profile_set: str, conv_set: str) -> SimulationReport:
    """Simulate one conversation per profile of `profile_set` (or `conversations.n`) into `conv_set`
    (both named by muse_core.stages), skipping those an earlier run finished."""
    config, store, gateway, progress = ctx.config, ctx.store, ctx.gateway, ctx.progress
    manager = Manager(ctx)
    jobs = manager.jobs(profile_set, conv_set, config.conversations.n)
    done = {cid for (cid,) in store.con.execute(
        "SELECT conversation_id FROM conversations WHERE conversation_set = ?", [conv_set]).fetchall()}
    pending = [job for job in jobs if job.conversation_id not in done and ctx.owns(job.conversation_id)]
    slots = asyncio.Semaphore(config.conversations.concurrency)
    batch = Batch(store)

    async def one(job: ConversationJob) -> None:
        async with slots:
            try:
                simulated = await manager.simulate(job)
            except (LLMCallError, NoCandidates) as exc:  # this conversation only: recorded, the rest go on
                record_failure(store, ctx.run_id, "conversation", job.conversation_id, exc)
                progress.advance()
                return
        await batch.write(conversation_writes(ctx, conv_set, simulated))
        progress.advance()

    with progress.task("simulating", total=len(jobs)):
        progress.advance(len(jobs) - len(pending))
        await asyncio.gather(*(one(job) for job in pending))
    gateway.flush_stats()
    return SimulationReport(conv_set, len(jobs), len(pending))


TURN_COLUMNS = ("conversation_id", "idx", "round", "role", "action", "text", "original_text", "product_ids",
                "image_product_ids", "cache_key")
QUERIER_ROUND_COLUMNS = ("conversation_id", "round", "needs", "attributes", "query", "retriever", "candidates",
                         "dropped", "reranked_product_id", "rerank_reason", "chosen_product_id",
                         "target_in_candidates", "injected", "cache_keys")


CONVERSATION_COLUMNS = ("conversation_id", "conversation_set", "k", "profile_id", "target_product_id", "open_type",
                        "outfit_product_id", "policy", "round_limit", "rounds", "target_injected", "accepted_round",
                        "cost_usd", "run_id", "querier_pick")
OUTFIT_COLUMNS = ("conversation_id", "description", "outfit_product_id", "compatible", "reason", "stylist_cache_key",
                  "check_cache_key")


def conversation_writes(ctx: StageContext, conv_set: str, s: Simulated) -> Writes:
    """One finished conversation, its turns, querier rounds and opening attempt: written whole."""
    job, run_id, cid, policy = s.job, ctx.run_id, s.job.conversation_id, ctx.policy.name
    settings = ctx.config.conversations
    round_limit = settings.round_limit_multimodal if s.open_type == "multimodal" else settings.round_limit_text
    writes = Writes().add("conversations", CONVERSATION_COLUMNS, [
        [cid, conv_set, job.k, job.profile_id, job.target["product_id"], s.open_type,
         s.outfit.outfit_product_id if s.open_type == "multimodal" else None, policy, round_limit,
         len(s.rounds), s.rounds[-1].injected, s.accepted_round, s.cost_usd, run_id, ctx.config.querier.pick]])
    writes.add("turns", TURN_COLUMNS, [[cid, t.idx, t.round, t.role, t.action, t.text, t.text, t.product_ids,
                                        t.image_product_ids, t.cache_key] for t in s.dialogue.turns])
    writes.add("querier_rounds", QUERIER_ROUND_COLUMNS,
               [[cid, q.round, q.needs, q.attributes, q.query, ctx.config.retrieval.retriever, q.candidates,
                 q.dropped, q.reranked_product_id, q.rerank_reason, q.chosen_product_id, q.target_in_candidates,
                 q.injected, q.cache_keys] for q in s.rounds])
    if s.outfit is not None:
        a = s.outfit
        writes.add("outfit_attempts", OUTFIT_COLUMNS, [[cid, a.description, a.outfit_product_id, a.compatible,
                                                        a.reason, a.stylist_cache_key, a.check_cache_key]])
        writes.add("screens", ("stage", "entity_id", "screen", "passed", "reason", "cache_key", "run_id"),
                   [["conversation", cid, "outfit_check", a.compatible, a.reason,
                     a.check_cache_key or a.stylist_cache_key, run_id]])
    return writes
