"""Basic scenarios (paper 3.2.1): the domain's seeds, expanded by self-instruct.

Each round asks the model for new scenarios of one reason, with kept scenarios of that reason
as in-context examples; a candidate is kept only if the dedup metric passes it against every
scenario kept before it. Rounds are numbered and committed whole, and every random choice of
round r derives from (seed, domain, r), so an interrupted run resumes where it stopped and
ends with the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field

from muse_core.dedup import DedupMetric
from muse_core.domain import Domain
from muse_core.context import StageContext
from muse_core.seeding import rng_for
from muse_core.store import Store

SKILL = "scenario_expand"


class ScenarioBatch(BaseModel):
    scenarios: list[Annotated[str, Field(max_length=300)]] = Field(min_length=1, max_length=20)


@dataclass
class ScenarioReport:
    total: int
    added: int
    rounds: int
    proposed: int


def kept_scenarios(store: Store, domain: Domain) -> list[dict]:
    return store.rows(
        "SELECT scenario_id, reason, text FROM scenarios WHERE domain = ? ORDER BY position", [domain.name])


def _store_seeds(ctx: StageContext, metric: DedupMetric) -> None:
    """Seeds are kept as written (they define the reasons), and enter the dedup set."""
    rows, domain = [], ctx.domain
    for reason, texts in domain.seed_scenarios.items():
        for i, text in enumerate(texts):
            rows.append([f"{domain.name}-{reason}-seed{i}", domain.name, reason, text, "seed", None, None,
                         ctx.run_id, len(rows)])
    with ctx.store.transaction() as con:
        con.executemany("INSERT INTO scenarios (scenario_id, domain, reason, text, origin, round, cache_key, run_id,"
                        " position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for row in rows:
        metric.add(row[3])


async def build_scenarios(ctx: StageContext) -> ScenarioReport:
    """Grow the domain's scenario list to the configured target."""
    settings, store, gateway, domain, progress = ctx.config.profiles, ctx.store, ctx.gateway, ctx.domain, ctx.progress
    metric = ctx.dedup_metric()
    if not domain.seed_scenarios:
        raise ValueError(f"domain '{domain.name}' ships no seed scenarios to expand")
    kept = kept_scenarios(store, domain)
    if not kept:
        _store_seeds(ctx, metric)
        kept = kept_scenarios(store, domain)
    else:
        for row in kept:
            metric.add(row["text"])
    start = len(kept)
    reasons = sorted(domain.seed_scenarios)
    next_round = int(store.scalar("SELECT coalesce(max(round), 0) FROM scenario_rounds WHERE domain = ?",
                                  [domain.name])) + 1
    # Stop rather than loop forever when the metric rejects (nearly) everything.
    last_round = next_round + 20 * max(1, (settings.scenarios - len(kept))) // settings.scenarios_per_round + 20
    proposed = rounds = 0
    with progress.task("collecting scenarios", total=settings.scenarios):
        progress.advance(len(kept))
        for round_no in range(next_round, last_round):
            if len(kept) >= settings.scenarios:
                break
            rng = rng_for(ctx.config.seed, domain.name, "scenario-round", round_no)
            reason = reasons[round_no % len(reasons)]
            pool = [row["text"] for row in kept if row["reason"] == reason]
            examples = rng.sample(pool, min(settings.in_context_examples, len(pool)))
            result = await gateway.run(SKILL, {"domain": domain.name, "reason": reason, "examples": examples,
                                               "n": settings.scenarios_per_round},
                                       output=ScenarioBatch, entity_id=f"{domain.name}-round-{round_no}")
            new_rows, screens = [], []
            for i, text in enumerate(result.value.scenarios):
                text = " ".join(text.split()).strip("-• ")
                if len(kept) + len(new_rows) >= settings.scenarios or not text:
                    break
                decision = metric.check(text)
                candidate = f"{domain.name}-r{round_no}-{i}"
                screens.append(["scenario", candidate, "dedup", decision.keep,
                                None if decision.keep else f"max similarity {decision.score:.3f} to a kept scenario",
                                decision.score, result.cache_key, ctx.run_id])
                if decision.keep:
                    metric.add(text)
                    new_rows.append([candidate, domain.name, reason, text, "generated", round_no, result.cache_key,
                                     ctx.run_id, len(kept) + len(new_rows)])
            proposed += len(screens)
            rounds += 1
            with store.transaction() as con:  # a round is committed whole, or not at all
                if screens:
                    con.executemany("INSERT INTO screens (stage, entity_id, screen, passed, reason, score, cache_key,"
                                    " run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", screens)
                if new_rows:
                    con.executemany("INSERT INTO scenarios (scenario_id, domain, reason, text, origin, round,"
                                    " cache_key, run_id, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", new_rows)
                con.execute("INSERT INTO scenario_rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [domain.name, round_no, reason, len(screens), len(new_rows), result.cache_key,
                             ctx.run_id])
            kept += [{"scenario_id": r[0], "reason": r[2], "text": r[3]} for r in new_rows]
            progress.advance(len(new_rows))
    gateway.flush_stats()
    return ScenarioReport(total=len(kept), added=len(kept) - start, rounds=rounds, proposed=proposed)
