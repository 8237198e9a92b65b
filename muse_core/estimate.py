"""What a run would cost, before any key is used: `muse estimate`.

A dry run of the whole pipeline on the offline engine, in a temporary DuckDB file, over the
domain's bundled sample catalog: ingest, summaries, BM25 index, scenarios, `sample` profiles,
`sample` conversations, rewrite and review. Each stage runs under its own run id, so every
`llm_calls` row of the dry run belongs to exactly one stage. Its tokens (the offline engine
counts about 4 characters a token, images excluded) become tokens per unit (per product, per
generated scenario, per kept profile, per conversation), are scaled to the requested number of
conversations, and are priced with litellm's price map for the model the *given* configuration
assigns to each call's role. Images get a per-model token allowance (`image_tokens`).
See docs/estimate.md.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field
from rich.table import Table

from muse_core.config import OFFLINE_MODEL, MuseConfig
from muse_core.progress import Progress
from muse_core.stages import DATASET_STAGES
from muse_core.store import Store

# The unit each model-calling stage's cost is counted per (the stages and their order: muse_core.stages).
UNITS: dict[str, str] = {"summaries": "product", "scenarios": "scenario", "profiles": "profile",
                         "simulate": "conversation", "rewrite": "conversation", "review": "conversation"}

# Paper B.3 (per qualified profile, per conversation, rewrite and review per conversation), in USD,
# as (low, high). Review: $0.008 with images, $0.001 when screening text only.
PAPER_USD_PER_UNIT: dict[str, tuple[float, float]] = {
    "profiles": (0.009, 0.009),
    "simulate": (0.033, 0.033),
    "rewrite": (0.011, 0.011),
    "review": (0.001, 0.008),
}

# Paper 3.2: 21.6% of candidates become qualified profiles. A small sample cannot measure this: the
# dedup screen rejects more as the kept set grows (offline: 4 of 6 candidates kept for 4 profiles,
# 200 of 1,147 for 200), so profiles are priced per screened candidate at this yield by default.
PAPER_PROFILE_YIELD = 0.216
PAPER_UTTERANCES_PER_CONVERSATION = 11.9

# Generated scenarios the dry run collects at most beyond the seeds: scenario expansion is a fixed,
# small cost per run (paper B.3: "negligible"), so a few self-instruct rounds measure it well enough.
DRY_RUN_GENERATED_SCENARIOS = 32

# A product photo of at most 512x512 pixels (Amazon's "large" images are 500 px), sent without a
# `detail` setting (the gateway sets none), so one 512-px tile for OpenAI models.
REFERENCE_IMAGE_PX = 512


def image_tokens(model: str) -> int:
    """Prompt tokens one attached product photo costs on `model` (the offline engine counts none).

    gpt-4o-mini bills an image as 2,833 + 5,667 per tile (the same dollars as gpt-4o's 85 + 170),
    Anthropic models width x height / 750, and any other model gets gpt-4o's tile formula."""
    name = model.lower()
    if "gpt-4o-mini" in name:
        return 2833 + 5667
    if "claude" in name:
        return REFERENCE_IMAGE_PX * REFERENCE_IMAGE_PX // 750
    return 85 + 170


class Usage(BaseModel):
    """Measured calls of one (stage, role, skill) in the dry run; tokens are text only."""

    stage: str
    role: str
    skill: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    images: int


class DryRun(BaseModel):
    """What the offline dry run did: its units and every call's usage."""

    sample: int
    products: int
    seed_scenarios: int
    generated_scenarios: int
    candidates: int  # decided profile candidates (kept or rejected)
    profiles: int
    conversations: int
    utterances: int
    usage: list[Usage]

    def units(self, stage: str) -> int:
        """What the stage's measured usage is divided by (profiles: per screened candidate)."""
        return {"summaries": self.products, "scenarios": self.generated_scenarios, "profiles": self.candidates,
                "simulate": self.conversations, "rewrite": self.conversations,
                "review": self.conversations}[stage]


class StageEstimate(BaseModel):
    stage: str
    unit: str
    units: int  # how many units the requested run needs
    calls: int
    prompt_tokens: int  # text only
    image_tokens: int  # the image allowance, priced as prompt tokens
    completion_tokens: int
    images: int
    models: list[str]
    cost_usd: float | None  # None when a model of the stage is not in litellm's price map
    unpriced_models: list[str] = Field(default_factory=list)

    @property
    def cost_per_unit(self) -> float | None:
        return None if self.cost_usd is None or not self.units else self.cost_usd / self.units


class Estimate(BaseModel):
    conversations: int
    profiles: int
    products: int
    scenarios: int  # generated scenarios (beyond the domain's seeds)
    candidates: int  # profile candidates to screen: profiles / profile_yield
    profile_yield: float
    stages: list[StageEstimate]
    prompt_tokens: int  # text and image allowance
    completion_tokens: int
    cost_usd: float | None  # None when any stage is unpriced; see priced_cost_usd
    priced_cost_usd: float  # the stages that could be priced
    unpriced_models: list[str]
    per_profile_usd: float | None
    per_conversation_usd: float | None
    rewrite_per_conversation_usd: float | None
    review_per_conversation_usd: float | None
    image_tokens: dict[str, int]  # allowance per attached image, by model (of calls that attach images)
    dry_run: DryRun

    def stage(self, name: str) -> StageEstimate:
        return next(s for s in self.stages if s.stage == name)


# -- the dry run -------------------------------------------------------------------------------
def dry_run(config: MuseConfig, sample: int = 8, progress: Progress | None = None) -> DryRun:
    """Run every stage offline on the domain's sample catalog in a throwaway database."""
    if sample < 1:
        raise ValueError(f"sample must be at least 1 (got {sample})")
    with tempfile.TemporaryDirectory(prefix="muse-estimate-") as tmp:
        db = Path(tmp) / "estimate.duckdb"
        offline = _dry_config(config, db, sample)
        return _dry_run(offline, sample, progress or Progress.silent())


def _dry_config(config: MuseConfig, db: Path, sample: int) -> MuseConfig:
    # Keep everything that changes how many calls a conversation makes (seed, policy, round limits,
    # multimodal share, top_k, colloquial share); BM25 so no embedding model is needed.
    from muse_core.plugins import registry

    seeds = sum(len(v) for v in registry().get("domain", config.domain).seed_scenarios.values())
    scenarios = min(config.profiles.scenarios, seeds + DRY_RUN_GENERATED_SCENARIOS)
    return config.model_copy(update={
        "db": db,
        "retrieval": config.retrieval.model_copy(update={"retriever": "bm25"}),
        "profiles": config.profiles.model_copy(update={"n": sample, "scenarios": scenarios}),
        "conversations": config.conversations.model_copy(update={"n": sample}),
        # the simulator's own malformed answers are not the models' re-asks: none in the count
        "offline": config.offline.model_copy(update={"malformed_p": 0.0}),
    }).with_offline_engine()


def _dry_run(config: MuseConfig, sample: int, progress: Progress) -> DryRun:
    from muse_core.context import StageContext
    from muse_core.plugins import registry
    from muse_core.runs import start_run
    from muse_core.stages import DATASET_STAGES, conversation_set, profile_set

    runs: dict[str, str] = {}
    with Store(config.db) as store:
        for stage in DATASET_STAGES:  # one run per stage: the stage of an llm_calls row is its run's
            runs[stage.name] = start_run(store, f"estimate-{stage.name}", config)
            asyncio.run(stage.run(StageContext.open(store, config, runs[stage.name], progress)))
        domain = registry().get("domain", config.domain)
        profiles, conv_set = profile_set(config, domain), conversation_set(config, domain)
        return DryRun(
            sample=sample,
            products=int(store.scalar("SELECT count(*) FROM products")),
            seed_scenarios=int(store.scalar("SELECT count(*) FROM scenarios WHERE origin = 'seed'")),
            generated_scenarios=int(store.scalar("SELECT count(*) FROM scenarios WHERE origin = 'generated'")),
            candidates=int(store.scalar("SELECT count(*) FROM profile_candidates WHERE profile_set = ?",
                                        [profiles])),
            profiles=int(store.scalar("SELECT count(*) FROM profiles WHERE profile_set = ?", [profiles])),
            conversations=int(store.scalar("SELECT count(*) FROM conversations WHERE conversation_set = ?",
                                           [conv_set])),
            utterances=int(store.scalar("SELECT count(*) FROM turns JOIN conversations USING (conversation_id)"
                                        " WHERE conversation_set = ?", [conv_set])),
            usage=_usage(store, {name: run for name, run in runs.items() if name in UNITS}),
        )


def _usage(store: Store, runs: dict[str, str]) -> list[Usage]:
    """Calls, text tokens and attached images per (stage, role, skill). Profile screening runs
    candidates in concurrent batches and stops mid-batch, so only decided candidates' calls count:
    the rest would inflate a small sample's cost per profile."""
    marker = '"sha256:'  # the gateway stores each attached image as {"url": "sha256:<hex>"}
    usage = []
    for stage, run_id in runs.items():
        decided = " AND entity_id IN (SELECT candidate_id FROM profile_candidates)" if stage == "profiles" else ""
        for role, skill, calls, prompt, completion, images in store.con.execute(
            "SELECT role, skill, count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0),"
            " coalesce(sum((length(request) - length(replace(request, ?, ''))) // length(?)), 0)"
            f" FROM llm_calls WHERE run_id = ? AND status IN ('ok', 'invalid', 'abandoned'){decided} GROUP BY ALL ORDER BY ALL",
            [marker, marker, run_id],
        ).fetchall():
            usage.append(Usage(stage=stage, role=role, skill=skill, calls=calls, prompt_tokens=prompt,
                               completion_tokens=completion, images=images))
    return usage


# -- scaling and pricing -----------------------------------------------------------------------
def price(model: str, provider: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for the tokens on `model` from litellm's price map; None when the model is not in it."""
    if provider == "offline" or model == OFFLINE_MODEL:
        return 0.0
    import litellm  # lazily: it takes seconds to import

    litellm.suppress_debug_info = True  # no "Provider List" banner on stdout for an unmapped model
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
    except Exception:  # noqa: BLE001 - litellm raises bare Exception (or BadRequestError) for unmapped models
        return None
    cost = float(prompt_cost) + float(completion_cost)
    return cost if math.isfinite(cost) else None


def scale(dry: DryRun, config: MuseConfig, conversations: int, products: int | None = None,
          profile_yield: float = PAPER_PROFILE_YIELD) -> Estimate:
    """Scale a dry run to `conversations` (one kept profile each) and price it with `config`'s models.
    `products`: the catalog size to summarise (default: the sample catalog's). `profile_yield`: the
    share of screened candidates that become profiles (default: the paper's 21.6%)."""
    if conversations < 1:
        raise ValueError(f"conversations must be at least 1 (got {conversations})")
    if not 0 < profile_yield <= 1:
        raise ValueError(f"profile_yield must be in (0, 1] (got {profile_yield})")
    products = dry.products if products is None else products
    candidates = math.ceil(conversations / profile_yield)
    needed = {"summaries": products,
              "scenarios": max(0, config.profiles.scenarios - dry.seed_scenarios),
              "profiles": conversations, "simulate": conversations, "rewrite": conversations,
              "review": conversations}
    measured_for = {**needed, "profiles": candidates}  # profile calls scale with candidates screened
    stages, allowances = [], {}
    for stage in (s.name for s in DATASET_STAGES if s.name in UNITS):
        measured = dry.units(stage)
        factor = measured_for[stage] / measured if measured else 0.0
        row = {"calls": 0.0, "prompt": 0.0, "image": 0.0, "completion": 0.0, "images": 0.0}
        models, unpriced, cost = [], [], 0.0
        for u in (u for u in dry.usage if u.stage == stage):
            role = config.role(u.role)
            if u.images:
                allowances[role.model] = image_tokens(role.model)
            prompt, completion = u.prompt_tokens * factor, u.completion_tokens * factor
            image = u.images * factor * image_tokens(role.model)
            row["calls"] += u.calls * factor
            row["prompt"] += prompt
            row["image"] += image
            row["completion"] += completion
            row["images"] += u.images * factor
            models += [role.model] if role.model not in models else []
            priced = price(role.model, role.provider, round(prompt + image), round(completion))
            if priced is None:
                unpriced += [role.model] if role.model not in unpriced else []
            else:
                cost += priced
        stages.append(StageEstimate(
            stage=stage, unit=UNITS[stage], units=needed[stage], calls=round(row["calls"]),
            prompt_tokens=round(row["prompt"]), image_tokens=round(row["image"]),
            completion_tokens=round(row["completion"]), images=round(row["images"]), models=models,
            cost_usd=None if unpriced else cost, unpriced_models=unpriced,
        ))
    unpriced = sorted({m for s in stages for m in s.unpriced_models})
    per = {s.stage: s.cost_per_unit for s in stages}
    return Estimate(
        conversations=conversations, profiles=conversations, products=products, scenarios=needed["scenarios"],
        candidates=candidates, profile_yield=profile_yield,
        stages=stages,
        prompt_tokens=sum(s.prompt_tokens + s.image_tokens for s in stages),
        completion_tokens=sum(s.completion_tokens for s in stages),
        cost_usd=None if unpriced else sum(s.cost_usd for s in stages),
        priced_cost_usd=sum(s.cost_usd or 0.0 for s in stages),
        unpriced_models=unpriced,
        per_profile_usd=per["profiles"], per_conversation_usd=per["simulate"],
        rewrite_per_conversation_usd=per["rewrite"], review_per_conversation_usd=per["review"],
        image_tokens=allowances, dry_run=dry,
    )


def estimate(config: MuseConfig, conversations: int, sample: int = 8, progress: Progress | None = None,
             products: int | None = None, profile_yield: float = PAPER_PROFILE_YIELD) -> Estimate:
    """Dry-run `sample` profiles and conversations offline, then scale to `conversations` and price
    each call with the model `config` gives its role. No key is used and nothing is spent."""
    if conversations < 1:
        raise ValueError(f"conversations must be at least 1 (got {conversations})")
    return scale(dry_run(config, sample, progress), config, conversations, products, profile_yield)


# -- presentation ------------------------------------------------------------------------------
def _usd(value: float | None, digits: int = 2) -> str:
    return "unknown" if value is None else f"${value:,.{digits}f}"


def _paper(stage: str) -> str:
    if stage not in PAPER_USD_PER_UNIT:
        return ""
    low, high = PAPER_USD_PER_UNIT[stage]
    return f"${low:.3f}" if low == high else f"${low:.3f}-{high:.3f}"


def _compact(n: int) -> str:
    """12,345 -> 12.3k, 15,100,000 -> 15.1M: keeps the table readable in 80 columns."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= limit:
            return f"{n / limit:.1f}{suffix}"
    return str(n)


def estimate_table(est: Estimate) -> Table:
    """Per-stage rows with the paper's per-unit figure next to ours where it gives one."""
    dry = est.dry_run
    utterances = dry.utterances / dry.conversations if dry.conversations else 0.0
    table = Table(
        title=(f"Estimated cost of {est.conversations:,} conversations ({est.products:,} products, "
               f"{est.scenarios:,} generated scenarios, {est.candidates:,} profile candidates at a "
               f"{est.profile_yield:.1%} yield)\ntokens from a dry run of the offline engine ({dry.profiles} profiles, "
               f"{dry.conversations} conversations of {utterances:.1f} utterances, paper "
               f"{PAPER_UTTERANCES_PER_CONVERSATION}; approximate: ~4 characters per token, images by allowance) "
               "priced with litellm's price map for the configured models"),
        caption=("models: " + "; ".join(f"{s.stage} {', '.join(s.models)}" for s in est.stages)
                 + "\nimage allowance per photo: " + ", ".join(f"{m} {t:,}" for m, t in est.image_tokens.items())
                 + (f"; not in litellm's price map: {', '.join(est.unpriced_models)}" if est.unpriced_models else "")),
    )
    for name, justify in [("stage (unit)", "left"), ("units", "right"), ("calls", "right"),
                          ("tokens in / image / out", "right"), ("cost", "right"), ("per unit", "right"),
                          ("paper", "right")]:
        table.add_column(name, justify=justify)
    for s in est.stages:
        cost = _usd(s.cost_usd) if s.cost_usd is not None else f"unknown ({', '.join(s.unpriced_models)})"
        table.add_row(f"{s.stage} ({s.unit})", _compact(s.units), _compact(s.calls),
                      f"{_compact(s.prompt_tokens)} / {_compact(s.image_tokens)} / {_compact(s.completion_tokens)}",
                      cost, _usd(s.cost_per_unit, 4), _paper(s.stage))
    table.add_section()
    total = _usd(est.cost_usd) if est.cost_usd is not None else f"unknown (priced part {_usd(est.priced_cost_usd)})"
    table.add_row("total", "", _compact(sum(s.calls for s in est.stages)),
                  f"{_compact(sum(s.prompt_tokens for s in est.stages))} / "
                  f"{_compact(sum(s.image_tokens for s in est.stages))} / {_compact(est.completion_tokens)}",
                  total, "", "")
    return table
