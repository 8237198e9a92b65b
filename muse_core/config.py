"""Run configuration: one pydantic model, loaded from TOML, with the paper's defaults.

API keys are never part of the configuration: providers read them from the environment.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

OFFLINE_MODEL = "muse-offline-rules-v1"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoleInfo(NamedTuple):
    description: str
    stages: tuple[str, ...]  # the stages whose skills this role plays (preflight checks only these)
    model: str  # the default: paper A.5 (gpt-4o-mini for agents, claude-3.5-haiku for the rewriter)
    temperature: float  # the default sampling: 0.1-0.2 for agents, 0.9 for the rewriter (A.5), 0.7 for variety


# Every role a skill can name, what it does, where it works and its default model: the one
# definition of each role. A new role is a line here and the skills that name it.
ROLES: dict[str, RoleInfo] = {
    "agent": RoleInfo("product summaries, the matching judge, user simulator, chatter, querier and stylist",
                      ("ingest", "profiles", "conversations"), "gpt-4o-mini", 0.1),
    # self-instruct and backstories want variety (design.md: backstories at 0.7)
    "scenarios": RoleInfo("self-instruct expansion of the basic scenarios", ("profiles",), "gpt-4o-mini", 0.7),
    "backstory": RoleInfo("purchase backstories of user profiles", ("profiles",), "gpt-4o-mini", 0.7),
    "rewriter": RoleInfo("rewrites every utterance", ("conversations",), "anthropic/claude-3-5-haiku-20241022", 0.9),
    "checker": RoleInfo("the rewriter's fact check", ("conversations",), "gpt-4o-mini", 0.1),
    "reviewer": RoleInfo("scores each conversation and keeps or drops it", ("conversations",), "gpt-4o-mini", 0.2),
    "judge": RoleInfo("the conversation-level judge of muse evaluate", ("evaluate",), "gpt-4o-mini", 0.2),
    "evaluator": RoleInfo("the zero-shot model of the recommendation and response tasks", ("evaluate",),
                          "gpt-4o-mini", 0.1),
}
# The fields that say where a role's calls go. A role that names its own model in the config file
# keeps its own endpoint: `--api-base` for everyone must not send an Anthropic model to a local server.
ENDPOINT_FIELDS = ("provider", "model", "api_base", "api_key_env", "vision", "structured", "send_inputs")
# How a structured answer is asked for: auto = the JSON schema as `response_format` where the server
# enforces it (OpenAI, vLLM, llama.cpp), else JSON mode; the prompt always carries the schema too.
Structured = Literal["auto", "json_schema", "json_object_schema", "json_object", "prompt"]


@lru_cache(maxsize=64)  # a pure function of a few endpoints, asked once per call
def api_base_host(api_base: str | None) -> str | None:
    """host[:port] of an api_base URL: what is shown and stored (never a path or a query)."""
    if not api_base:
        return None
    parts = urlsplit(api_base if "//" in api_base else f"//{api_base}")
    return parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"


def _api_base(value: str | None) -> str | None:
    if value and "@" in value.split("//", 1)[-1].split("/", 1)[0]:
        raise ValueError("api_base must not carry credentials; put keys in the environment")
    return value


class RoleConfig(Section):
    """Which provider and model plays a role, and how it is sampled."""

    provider: str = "litellm"
    model: str
    temperature: float = Field(0.1, ge=0, le=2)
    max_tokens: int | None = Field(None, gt=0)
    api_base: str | None = None
    # The environment variable that holds this role's key (never the key itself). None: litellm's
    # usual variable for the provider (OPENAI_API_KEY, ANTHROPIC_API_KEY...).
    api_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # Whether the model is shown product photos. None: litellm's model info where it knows the
    # model, else yes. A text-only model gets each product's stored summary instead.
    vision: bool | None = None
    structured: Structured = "auto"
    timeout_s: float = Field(60.0, gt=0)
    # Send the skill's structured inputs in the request body (`extra_body`). Only the muse offline
    # server understands them; real APIs reject unknown fields, so this stays off for them.
    send_inputs: bool = False

    _no_credentials_in_url = field_validator("api_base")(_api_base)

    @property
    def plays_offline_engine(self) -> bool:
        """The rule-based offline engine answers: in process, or as the muse offline server (the only
        server that reads the skill inputs `send_inputs` sends)."""
        return self.provider == "offline" or self.send_inputs


class AllRoles(Section):
    """`[all_roles]` (or `--model` / `--api-base`): fields set for every role at once."""

    provider: str | None = None
    model: str | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, gt=0)
    api_base: str | None = None
    api_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    vision: bool | None = None
    structured: Structured | None = None
    timeout_s: float | None = Field(None, gt=0)
    send_inputs: bool | None = None

    _no_credentials_in_url = field_validator("api_base")(_api_base)


def _paper_roles() -> dict[str, RoleConfig]:
    return {name: RoleConfig(model=info.model, temperature=info.temperature) for name, info in ROLES.items()}


def merge_roles(given: dict[str, Any], all_roles: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The paper's roles, then `all_roles` over every role, then each role's own fields. A role whose
    own table names a model (or provider) keeps its own endpoint fields."""
    unknown = set(given) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(sorted(unknown))}; the roles are: {', '.join(ROLES)}")
    merged = {}
    for name, paper in _paper_roles().items():
        own = given.get(name, {})
        own = own.model_dump(exclude_unset=True) if isinstance(own, RoleConfig) else dict(own)
        shared = {k: v for k, v in all_roles.items() if v is not None}
        if "model" in own or "provider" in own:
            shared = {k: v for k, v in shared.items() if k not in ENDPOINT_FIELDS}
        merged[name] = {**paper.model_dump(), **shared, **own}
    return merged


class GatewayConfig(Section):
    max_concurrency: int = Field(8, ge=1)
    requests_per_minute: float | None = Field(500, gt=0)
    tokens_per_minute: float | None = Field(200_000, gt=0)
    max_retries: int = Field(6, ge=0)
    backoff_base_s: float = Field(1.0, ge=0)
    backoff_max_s: float = Field(60.0, gt=0)
    structured_retries: int = Field(2, ge=0)
    preflight_ttl_s: float = Field(3600, ge=0)  # a passed endpoint check is trusted this long; 0: always check

    @field_validator("requests_per_minute", "tokens_per_minute", mode="before")
    @classmethod
    def _off(cls, value: Any) -> Any:
        """TOML has no null: "off" is no ceiling (a server of one's own that never throttles)."""
        return None if value == "off" else value


class IngestConfig(Section):
    allow_text_only: bool = False
    max_line_bytes: int = Field(1_048_576, gt=0)
    max_title_chars: int = Field(1_000, gt=0)
    max_image_bytes: int = Field(10_000_000, gt=0)
    max_image_pixels: int = Field(40_000_000, gt=0)
    image_timeout_s: float = Field(10.0, gt=0)
    download_concurrency: int = Field(16, ge=1)


class RetrievalConfig(Section):
    retriever: str = "hybrid"
    embedder: str = "minilm"
    top_k: int = Field(8, ge=1)


class ProfilesConfig(Section):
    n: int = Field(200, ge=1)  # profiles to produce
    scenarios: int = Field(200, ge=1)  # basic scenarios to collect, seeds included (paper: 593)
    scenarios_per_round: int = Field(8, ge=1)  # new scenarios asked for per self-instruct call
    in_context_examples: int = Field(4, ge=0)
    dedup_metric: str = "bleu"  # for scenarios and backstories (paper: BLEU > 0.15 is a duplicate)
    dedup_threshold: float | None = None  # None: the metric's default
    target_selection: str = Field("retrieval", pattern="^(retrieval|category)$")
    retrieval_depth: int = Field(8, ge=1)  # a target is drawn from the top hits of the scenario text
    batch: int = Field(16, ge=1)  # candidates whose model calls run concurrently
    max_candidates: int = Field(50_000, ge=1)  # stop (with an error) if screens reject this many


class ConversationsConfig(Section):
    """Paper 3.3-3.4 and the authors' code: open types, round limits, action control, optimisation."""

    n: int | None = Field(None, ge=1)  # conversations to simulate; None: one per profile
    multimodal_open_p: float = Field(0.2, ge=0, le=1)  # share of conversations that try an outfit opening
    round_limit_text: int = Field(4, ge=1)
    round_limit_multimodal: int = Field(3, ge=1)
    policy: str = "decaying-chitchat"  # action-control policy plugin
    policy_params: dict[str, Any] = Field(default_factory=dict)  # passed to the policy's constructor
    concurrency: int = Field(16, ge=1)  # conversations in flight at once
    colloquial_p: float = Field(0.2, ge=0, le=1)  # rewrites told "use colloquial expressions"
    keep_threshold: float = Field(4.0, ge=0, le=6)  # reviewer: keep when the three scores sum to this


class EvaluationConfig(Section):
    """Paper section 4: which conversations are judged and how, and the task settings."""

    sample: int = Field(200, ge=1)  # conversations drawn (seeded) for the judge, tasks and element tagging
    judge_rounds: int = Field(3, ge=1)  # independent scoring rounds, averaged (paper D.4)
    # extra models for the two tasks: litellm strings, or local:DIR (an adapter of `muse finetune`)
    task_models: list[str] = Field(default_factory=list)
    ranks: int = Field(20, ge=1)  # how deep the recommendation task looks for the gold item


class QuerierConfig(Section):
    """`[querier]`: how the assistant's querier picks the item to recommend from the retrieved top k."""

    # rerank: the querier model ranks the candidates and the best is shown (muse's default);
    # random: a random pick from the top k, as in the MUSE authors' code.
    pick: Literal["rerank", "random"] = "rerank"


class OfflineConfig(Section):
    """`[offline]`: how often the rule-based offline engine errs, so that every failure path of the
    pipeline happens at a stated rate. Only the offline engine reads it (docs/offline-engine.md)."""

    malformed_p: float = Field(0.02, ge=0, le=1)  # a structured answer is malformed or off-schema (first try)
    need_vague_p: float = Field(0.1, ge=0, le=1)  # the user names an attribute with a vague word
    need_omit_p: float = Field(0.05, ge=0, le=1)  # the user leaves a requirement out
    need_wrong_p: float = Field(0.05, ge=0, le=1)  # the user states an attribute the target lacks
    rewrite_drift_p: float = Field(0.05, ge=0, le=1)  # a rewrite changes a fact (the fact check fails)
    reviewer_noise: float = Field(0.3, ge=0)  # standard deviation of the reviewer's per-aspect noise
    judge_noise: float = Field(0.4, ge=0)  # standard deviation of the judge's per-aspect noise, per scoring round

    def for_skill(self, skill: str) -> dict[str, float]:
        """The rates the engine's rule for `skill` reads (malformed_p: every rule). A call carries
        only these, and its cache key holds only these: a new user rate must not redo every summary."""
        return {name: value for name, value in self.model_dump().items()
                if name not in OFFLINE_READERS or skill.startswith(OFFLINE_READERS[name])}


# Which skills (by name prefix) read each [offline] rate; a rate not listed is read by every rule.
OFFLINE_READERS = {"need_vague_p": "user_", "need_omit_p": "user_", "need_wrong_p": "user_",
                   "rewrite_drift_p": "rewrite_utterance", "reviewer_noise": "review_conversation",
                   "judge_noise": "judge_conversation"}


class ScaleConfig(Section):
    """Where the parallel stages run (docs/scale-out.md): one process when neither is set."""
    workers: int | None = Field(None, ge=1)  # a local Dask cluster of this many worker processes
    cluster: str | None = None  # the address of a running dask.distributed scheduler

    @model_validator(mode="after")
    def _one_of(self) -> ScaleConfig:
        if self.workers is not None and self.cluster:
            raise ValueError("give either workers (a local cluster) or cluster (an existing scheduler), not both")
        return self

    @property
    def sharded(self) -> bool:
        return self.workers is not None or bool(self.cluster)


class MuseConfig(Section):
    db: Path = Path("muse.duckdb")
    seed: int = 0
    lock_wait_s: float = Field(600, ge=0)  # how long a run waits for another run on the same file
    domain: str = "fashion"
    roles: dict[str, RoleConfig] = Field(default_factory=_paper_roles)
    all_roles: AllRoles = Field(default_factory=AllRoles)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    profiles: ProfilesConfig = Field(default_factory=ProfilesConfig)
    conversations: ConversationsConfig = Field(default_factory=ConversationsConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    querier: QuerierConfig = Field(default_factory=QuerierConfig)
    offline: OfflineConfig = Field(default_factory=OfflineConfig)
    scale: ScaleConfig = Field(default_factory=ScaleConfig)

    @model_validator(mode="before")
    @classmethod
    def _over_the_paper_roles(cls, data: Any) -> Any:
        """A file that sets `[roles.rewriter] model = ...` changes that field of that role only;
        `[all_roles]` sets a field of every role; the rest keeps the paper's defaults."""
        if not isinstance(data, dict) or not isinstance(data.get("roles", {}), dict):
            return data
        shared = data.get("all_roles") or {}
        shared = shared.model_dump() if isinstance(shared, AllRoles) else shared
        if not isinstance(shared, dict):
            return data
        return {**data, "roles": merge_roles(data.get("roles", {}), shared)}

    def role(self, name: str) -> RoleConfig:
        try:
            return self.roles[name]
        except KeyError:
            raise KeyError(f"no role '{name}' in the configuration; known roles: {', '.join(sorted(self.roles))}") from None

    def with_offline_engine(self) -> MuseConfig:
        """The same configuration with every role played by the rule-based offline engine, which
        has no provider rate limits to respect."""
        roles = {
            name: role.model_copy(update={"provider": "offline", "model": OFFLINE_MODEL, "api_base": None,
                                          "api_key_env": None, "vision": None, "send_inputs": False})
            for name, role in self.roles.items()
        }
        gateway = self.gateway.model_copy(update={"requests_per_minute": None, "tokens_per_minute": None})
        # the engine is the only remote-free model, except models on this machine (`local:DIR`, an
        # adapter `muse finetune` wrote): they call no API either, and are what is being evaluated
        evaluation = self.evaluation.model_copy(update={"task_models": [
            m for m in self.evaluation.task_models if m.startswith("local:")]})
        return self.model_copy(update={"roles": roles, "all_roles": AllRoles(), "gateway": gateway,
                                       "evaluation": evaluation})


def load_config(path: Path | None = None, **overrides: Any) -> MuseConfig:
    """Read a TOML file (or the defaults) and apply command-line overrides that are not None;
    `all_roles` overrides (`--model`, `--api-base`) merge over the file's `[all_roles]`."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text())
        except FileNotFoundError:
            raise FileNotFoundError(f"config file not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path} is not valid TOML: {exc}") from None
    shared = {k: v for k, v in (overrides.pop("all_roles", None) or {}).items() if v is not None}
    if shared:
        data["all_roles"] = {**(data.get("all_roles") or {}), **shared}
    data.update({key: value for key, value in overrides.items() if value is not None})
    return MuseConfig.model_validate(data)
