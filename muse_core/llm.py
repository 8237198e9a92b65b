"""The LLM gateway: every model call of muse goes through `Gateway.run`.

It renders a skill, attaches product images from DuckDB as base64 data URLs, looks the call
up in the `llm_calls` cache (muse_core.call_log), and on a miss calls the configured provider
under an adaptive concurrency limit within the requests/tokens-per-minute ceilings
(muse_core.concurrency), retrying transient failures with exponential backoff and jitter.
Every provider attempt becomes a row of `llm_calls` (tokens, cost, latency, redacted error).
Structured answers are validated with pydantic and re-asked a bounded number of times before
the call fails loudly.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import random
import re
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from muse_core.call_log import CallLog
from muse_core.config import MuseConfig, RoleConfig, api_base_host
from muse_core.concurrency import AdaptiveLimit
from muse_core.secrets import guard_loggers, redact, secret_values
from muse_core.seeding import derive_seed
from muse_core.skills import Skill, load_skill
from muse_core.store import Store

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger("muse.llm")


# -- what providers see and return -----------------------------------------------------------
@dataclass
class LLMRequest:
    model: str
    messages: list[dict[str, Any]]
    temperature: float
    seed: int
    skill: str
    skill_version: int
    inputs: dict[str, Any]
    json_schema: dict[str, Any] | None = None
    max_tokens: int | None = None
    api_base: str | None = None
    api_key_env: str | None = None
    structured: str = "auto"
    timeout_s: float = 60.0
    send_inputs: bool = False
    # The `[offline]` rates this skill's rule reads, for the offline engine only (in process or over
    # HTTP): they change its answers, so they are part of the cache key.
    offline: dict[str, Any] | None = None


@dataclass
class LLMResponse:
    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float = 0.0
    response_model: str | None = None  # the model id the server answered with
    pricing: str = "unknown"  # price-map | local | unknown | offline
    # What the server's rate-limit headers said, where the client exposes them; keys among
    # remaining_requests, remaining_tokens, reset_requests_s, reset_tokens_s, limit_requests, limit_tokens.
    rate_limits: dict[str, float] | None = None


class ProviderError(Exception):
    """A provider attempt failed. `retryable` covers 429, 5xx, timeouts and connection errors."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None, status: int | None = None,
                 timeout: bool = False, rate_limits: dict[str, float] | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status
        self.timeout = timeout  # the request timed out: a sign of overload, like a 429
        self.rate_limits = rate_limits  # as LLMResponse.rate_limits, from the error's headers

    @property
    def throttled(self) -> bool:
        """The provider is telling us to slow down: the adaptive limit backs off."""
        return self.status == 429 or self.timeout


class LLMProvider(Protocol):
    """A provider may also have `check(role)` (preflight: key and one minimal request), `prepare()`
    (slow set-up preflight runs before timing the checks),
    `default_vision(role)` (whether its model takes images when the role does not say) and
    `in_process = True` (it answers inside this process: its calls get no 'pending' row first)."""

    name: str

    async def complete(self, request: LLMRequest) -> LLMResponse: ...


class LLMCallError(RuntimeError):
    """A call failed for good: retries exhausted, a permanent provider error, or invalid answers."""


# -- pure helpers (tested on their own) --------------------------------------------------------
def data_url(image: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(image).decode('ascii')}"


def images_from_messages(messages: list[dict[str, Any]]) -> list[bytes]:
    """Decode every base64 data-URL image of a chat request, in order."""
    found = []
    for message in messages:
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for part in content:
            url = part.get("image_url", {}).get("url", "") if part.get("type") == "image_url" else ""
            if url.startswith("data:") and ";base64," in url:
                found.append(base64.b64decode(url.split(";base64,", 1)[1]))
    return found


def cache_key(provider: str, request: LLMRequest, messages_by_hash: list[dict[str, Any]]) -> str:
    """Hash of everything that determines an answer; images enter by their sha256."""
    material = {
        "provider": provider,
        "model": request.model,
        "messages": messages_by_hash,
        "params": {"temperature": request.temperature, "max_tokens": request.max_tokens, "schema": request.json_schema},
        "skill": [request.skill, request.skill_version],
        "seed": request.seed,
    }
    if request.offline is not None:
        material["offline"] = request.offline
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,}")
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)


def extract_json(text: str) -> str:
    """The JSON object in a model answer: strips code fences and prose around the outer braces."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()
    start, end = stripped.find("{"), stripped.rfind("}")
    if start == -1 or end < start:
        raise ValueError("the answer contains no JSON object")
    return stripped[start : end + 1]


def parse_structured(text: str, output: type[T]) -> T:
    """Validate a model answer against `output`; raises ValueError with a message fit to re-ask with."""
    try:
        # strict=False: a raw newline inside a string (grammar-constrained local models write them)
        # is not worth a re-ask
        return output.model_validate(json.loads(extract_json(text), strict=False))
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in exc.errors()[:8])
        raise ValueError(f"the JSON does not match the schema: {problems}") from None


def parse_answer(text: str, output: type[T] | None) -> T | str:
    """A free-form answer must say something; a structured one must match its schema."""
    if output is not None:
        return parse_structured(text, output)
    if not text.strip():
        raise ValueError("the answer is empty")
    return text


@lru_cache(maxsize=None)
def json_schema(output: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema a structured answer must follow (computed once per model class)."""
    return output.model_json_schema()


def estimate_tokens(messages: list[dict[str, Any]], max_tokens: int | None) -> int:
    """Rough prompt+completion size for the tokens-per-minute limiter (about 4 characters a token)."""
    chars, images = 0, 0
    for message in messages:
        content = message["content"]
        if isinstance(content, str):
            chars += len(content)
            continue
        for part in content:
            if part.get("type") == "text":
                chars += len(part["text"])
            else:
                images += 1
    return chars // 4 + 850 * images + (max_tokens or 500)


# -- the gateway ---------------------------------------------------------------------------
@dataclass
class SkillResult(Generic[T]):
    value: T | str  # the validated model, or the text for free-form skills
    cache_key: str  # key of the final (valid) answer
    cache_hit: bool
    cost_usd: float


@dataclass
class _Call:
    """One provider question: what is asked, of whom, and under which cache key."""

    provider: LLMProvider
    role: str
    request: LLMRequest
    key: str
    messages_by_hash: list[dict[str, Any]]
    entity_id: str
    output: type[BaseModel] | None
    shown_ids: set[str]  # the product ids the prompt and images showed: the only ones an answer may name
    images_sent: int = 0
    images_as_text: int = 0


@dataclass
class CallStats:
    hits: int = 0
    misses: int = 0


class Gateway:
    """One per task. Holds the store's single writer connection; not shared across processes."""

    def __init__(self, store: Store, config: MuseConfig, run_id: str, *, skill_dirs: tuple[Path, ...] = (),
                 registry: Any = None, batch_writes: bool = False) -> None:
        """`skill_dirs`: folders of prompt overrides (a domain's) searched before the built-in skills.
        `batch_writes`: write call records in groups (muse_core.call_log); stages do."""
        from muse_core.plugins import registry as default_registry

        self._store = store
        self._config = config
        self._run_id = run_id
        self.registry = registry or default_registry()
        gw = config.gateway
        self.limit = AdaptiveLimit(gw.max_concurrency, gw.requests_per_minute, gw.tokens_per_minute)
        self.stats = CallStats()
        self.skill_dirs = skill_dirs
        self._jitter = random.Random(derive_seed(config.seed, run_id, "backoff"))
        self.calls = CallLog(store, batched=batch_writes)
        self._working: asyncio.Semaphore | None = None  # made in the running loop, on the first call
        self._images: dict[str, tuple[bytes, str, str]] = {}  # product id -> main photo, read once
        self._catalog_ids: set[str] | None = None  # read once, on the first answer checked
        self._id_shape: re.Pattern[str] | None = None
        guard_loggers()
        self._secrets = secret_values()  # read once: the environment does not change during a stage

    def _redact(self, text: str) -> str:
        return redact(text, self._secrets)

    # public API ------------------------------------------------------------------------
    async def run(
        self,
        skill_name: str,
        inputs: dict[str, Any],
        *,
        output: type[T] | None = None,
        image_product_ids: list[str] = (),
        entity_id: str = "",
        role: RoleConfig | None = None,
    ) -> SkillResult[T]:
        """`role`: play the skill with this model instead of its configured role's (the
        evaluation tasks compare several models on one skill)."""
        # At most two windows' worth of calls are worked on at a time: when a stage starts thousands
        # together, the first requests go out at once instead of after every call has been rendered.
        if self._working is None:
            self._working = asyncio.Semaphore(2 * self._config.gateway.max_concurrency)
        async with self._working:
            return await self._run(skill_name, inputs, output, image_product_ids, entity_id, role)

    async def _run(self, skill_name: str, inputs: dict[str, Any], output: type[T] | None,
                   image_product_ids: list[str], entity_id: str, role: RoleConfig | None) -> SkillResult[T]:
        skill = load_skill(skill_name, self.skill_dirs)
        role = role or self._config.role(skill.role)
        provider = self.registry.get("llm_provider", role.provider)
        system, user = skill.render(inputs)
        schema = json_schema(output) if output else None
        if schema is not None:
            user += "\n\nAnswer with one JSON object that matches this JSON schema, and nothing else:\n" + json.dumps(schema)
        images = [self._image(pid) for pid in image_product_ids]
        as_text = 0
        if images and not self._vision(role, provider):
            user += "\n\n" + self._photos_as_text(image_product_ids)
            as_text, images = len(images), []
        content = [{"type": "text", "text": user}] + [
            {"type": "image_url", "image_url": {"url": data_url(blob, mime)}} for blob, mime, _ in images
        ]
        hashed = [{"type": "text", "text": user}] + [
            {"type": "image_url", "image_url": {"url": f"sha256:{sha}"}} for _, _, sha in images
        ]
        # Text alone goes as a plain string: some servers (llama.cpp with a GGUF chat template) take
        # no list content. The cache key hashes the list form either way.
        messages = [{"role": "system", "content": system}, {"role": "user", "content": content if images else user}]
        messages_by_hash = [{"role": "system", "content": system}, {"role": "user", "content": hashed}]
        request = self._request(role, skill, messages, inputs, schema, entity_id)
        shown = set(self._ids_in(f"{system}\n{user}")) | set(image_product_ids)

        total_cost, all_hits, chain = 0.0, True, []
        for _ in range(self._config.gateway.structured_retries + 1):
            call = _Call(provider, skill.role, request, cache_key(provider.name, request, messages_by_hash),
                         messages_by_hash, entity_id, output, shown, len(images), as_text)
            chain.append(call.key)
            text, hit, cost = await self._complete(call)
            total_cost += cost
            all_hits &= hit
            try:
                return SkillResult(self._parse(text, call), call.key, all_hits, total_cost)
            except ValueError as problem:
                last_problem = problem
                fix = (f"Your previous answer was invalid: {problem}. Reply again with only the corrected JSON object."
                       if output else f"Your previous answer was invalid: {problem}. Reply again.")
                for convo in (request.messages, messages_by_hash):
                    convo += [{"role": "assistant", "content": text}, {"role": "user", "content": fix}]
        # A re-ask chain that ended without a valid answer is not replayed: a rerun asks afresh. (One
        # that ended well is, invalid steps included, so a rerun reproduces it with no call.)
        self.calls.abandon(chain)
        raise LLMCallError(
            f"skill '{skill.name}' v{skill.version} gave no valid answer after "
            f"{self._config.gateway.structured_retries + 1} tries (entity {entity_id or '-'}); last problem: {last_problem}"
        )

    def flush(self) -> None:
        """Write the buffered call records now (a stage's end and every store transaction do)."""
        self.calls.flush()

    def flush_stats(self) -> None:
        """Write the buffered call records and add this gateway's hit/miss counts to the run's row."""
        self.calls.flush()
        self._store.con.execute(
            "UPDATE runs SET cache_hits = cache_hits + ?, cache_misses = cache_misses + ? WHERE run_id = ?",
            [self.stats.hits, self.stats.misses, self._run_id],
        )
        self.stats.hits = self.stats.misses = 0

    # internals ---------------------------------------------------------------------------
    def _request(self, role: RoleConfig, skill: Skill, messages, inputs, schema, entity_id: str) -> LLMRequest:
        return LLMRequest(
            model=role.model,
            messages=messages,
            temperature=role.temperature,
            seed=derive_seed(self._config.seed, entity_id, skill.name),
            skill=skill.name,
            skill_version=skill.version,
            inputs=inputs,
            json_schema=schema,
            max_tokens=role.max_tokens,
            api_base=role.api_base,
            api_key_env=role.api_key_env,
            structured=role.structured,
            timeout_s=role.timeout_s,
            send_inputs=role.send_inputs,
            offline=self._config.offline.for_skill(skill.name) if role.plays_offline_engine else None,
        )

    def _vision(self, role: RoleConfig, provider: LLMProvider) -> bool:
        if role.vision is not None:
            return role.vision
        default = getattr(provider, "default_vision", None)
        return True if default is None else bool(default(role))

    def _photos_as_text(self, product_ids: list[str]) -> str:
        """What a text-only model gets in place of product photos: the stored summaries."""
        summaries = dict(self._store.con.execute(
            "SELECT product_id, summary FROM product_summaries WHERE list_contains(?::VARCHAR[], product_id)",
            [list(product_ids)]).fetchall())
        lines = ["(Photos are not shown to you; here is what each one shows.)"]
        lines += [f"Photo of product {pid}: {summaries.get(pid, 'no description stored yet; rely on the listing')}"
                  for pid in product_ids]
        return "\n".join(lines)

    def _ids_in(self, text: str) -> list[str]:
        """Product ids named in a text: catalog ids, and anything shaped like one (same prefix as
        every catalog id, e.g. an invented ASIN) that the catalog does not hold."""
        if self._catalog_ids is None:
            ids = {r[0] for r in self._store.con.execute("SELECT product_id FROM products").fetchall()}
            prefix = os.path.commonprefix(sorted(ids)[:1] + sorted(ids)[-1:]) if ids else ""
            lengths = {len(i) for i in ids}
            shaped = (re.compile(rf"\b{re.escape(prefix)}[A-Za-z0-9_-]{{{min(lengths) - len(prefix)},"
                                 rf"{max(lengths) - len(prefix)}}}\b") if len(prefix) >= 2 else None)
            self._catalog_ids, self._id_shape = ids, shaped
        found = [t for t in _TOKEN.findall(text) if t in self._catalog_ids]
        if self._id_shape is not None:
            found += self._id_shape.findall(text)
        return found

    def _parse(self, text: str, call: _Call) -> Any:
        """Validate an answer; one that names a product id the call did not show is invalid."""
        value = parse_answer(text, call.output)
        unknown = sorted(set(self._ids_in(text)) - call.shown_ids)
        if unknown:
            raise ValueError(f"the answer names product id(s) {', '.join(unknown[:5])} that were not among the "
                             "products shown; name only products you were shown")
        return value

    def _image(self, product_id: str) -> tuple[bytes, str, str]:
        if product_id not in self._images:
            # the id as a constant, so DuckDB finds the row through the primary key's index (a bound
            # parameter scans every photo of the catalog)
            literal = "'" + product_id.replace("'", "''") + "'"
            row = self._store.con.execute(
                f"SELECT image, mime, sha256 FROM product_images WHERE product_id = {literal} AND variant = 'MAIN'"
            ).fetchone()
            if row is None:
                raise LLMCallError(f"product {product_id} has no stored image to attach")
            self._images[product_id] = (bytes(row[0]), row[1], row[2])
        return self._images[product_id]

    async def _complete(self, call: _Call) -> tuple[str, bool, float]:
        """The answer for one cache key: replayed from llm_calls, or fetched with retries."""
        cached = self.calls.answer(call.key)
        if cached is not None:
            self.stats.hits += 1
            return cached, True, 0.0
        self.stats.misses += 1
        gw = self._config.gateway
        tokens = estimate_tokens(call.request.messages, call.request.max_tokens)
        for attempt in range(gw.max_retries + 1):
            # The attempt's row is written before the request goes out: a kill while it is in flight
            # leaves a row in llm_calls_pending (moved to llm_calls as 'interrupted' by the next run),
            # so no paid call goes unrecorded. It is written before the attempt takes its place in the
            # window, while the attempts ahead are in flight, so the commit costs the window nothing.
            # A provider in this process (the offline engine) bills nothing and dies with it: one write
            # is enough.
            call_id: str | None = None

            async def begin() -> None:
                nonlocal call_id
                call_id = await self._begin(call, attempt)

            started: float | None = None
            remote = not getattr(call.provider, "in_process", False)
            try:
                async with self.limit.slot(tokens, prepare=begin if remote else None):
                    started = time.perf_counter()
                    response = await call.provider.complete(call.request)
            except asyncio.CancelledError:  # cancelled in a live process: not a kill, but no outcome either
                if call_id is not None:
                    error = ("cancelled before the request was sent" if started is None
                             else "cancelled before the answer was recorded; outcome unknown")
                    self._settle(call, call_id, attempt, started or time.perf_counter(), status="interrupted",
                                 error=error)
                raise
            except ProviderError as exc:
                if exc.throttled:  # a 429 or a timeout: fewer in flight for a while
                    self.limit.throttled(exc.retry_after, exc.rate_limits)
                message = self._redact(f"{type(exc).__name__}: {exc}")
                self._settle(call, call_id, attempt, started, status="error", error=message)
                if not exc.retryable or attempt == gw.max_retries:
                    self.calls.flush()  # a call that failed for good is on record before anyone hears of it
                    hint = ""
                    if call.images_sent and exc.status in (400, 422, 500):  # e.g. llama.cpp: "can only concatenate"
                        hint = (f"; if {call.request.model} takes no images, set vision = false in "
                                f"[roles.{call.role}] (or [all_roles])")
                    raise LLMCallError(
                        f"{call.provider.name}/{call.request.model} failed for skill '{call.request.skill}' "
                        f"after {attempt + 1} attempt(s): {message}{hint}"
                    ) from None
                delay = exc.retry_after if exc.retry_after is not None else self._backoff(attempt)
                log.warning("%s/%s skill %s attempt %d failed, retrying in %.2fs: %s", call.provider.name,
                            call.request.model, call.request.skill, attempt + 1, delay, message)
            else:
                self.limit.succeeded(response.rate_limits)
                status, error = "ok", None
                try:
                    self._parse(response.text, call)
                except ValueError as problem:
                    status, error = "invalid", str(problem)
                self._settle(call, call_id, attempt, started, status=status, error=error, response=response)
                # a proxy that echoes a key into an answer must not put it in turns or exports
                return self._redact(response.text), False, response.cost_usd
            await asyncio.sleep(delay)  # outside the slot: a backing-off call holds no place
        raise AssertionError("unreachable: the retry loop returns or raises")

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter, capped."""
        gw = self._config.gateway
        return min(gw.backoff_max_s, gw.backoff_base_s * 2**attempt) * (0.5 + self._jitter.random() / 2)

    def _row(self, call: _Call, attempt: int, outcome: dict[str, Any]) -> dict[str, Any]:
        """An attempt's row: of llm_calls_pending before the request goes out (no outcome), or of llm_calls."""
        request = call.request
        params = {"temperature": request.temperature, "max_tokens": request.max_tokens, "seed": request.seed,
                  "api_base": request.api_base, "structured": request.structured}
        return {"call_id": uuid.uuid4().hex, "cache_key": call.key, "run_id": self._run_id, "role": call.role,
                "skill": request.skill, "skill_version": request.skill_version, "entity_id": call.entity_id or None,
                "provider": call.provider.name, "model": request.model, "params": json.dumps(params),
                "request": self._redact(json.dumps(call.messages_by_hash, ensure_ascii=False)), "attempt": attempt,
                "api_base_host": api_base_host(request.api_base), "images_sent": call.images_sent,
                "images_as_text": call.images_as_text, **outcome}

    async def _begin(self, call: _Call, attempt: int) -> str:
        """Write the attempt's row of llm_calls_pending, durable before the request goes out."""
        row = self._row(call, attempt, {})
        await self.calls.begin(row)
        return row["call_id"]

    def _settle(self, call: _Call, call_id: str | None, attempt: int, started: float, *, status: str,
                error: str | None = None, response: LLMResponse | None = None) -> None:
        """Record the attempt's outcome: completing its pending row, or as one row (call_id None)."""
        outcome = {
            "status": status, "error": error, "response": self._redact(response.text) if response else None,
            "prompt_tokens": response.prompt_tokens if response else None,
            "completion_tokens": response.completion_tokens if response else None,
            "cost_usd": response.cost_usd if response else 0.0, "latency_ms": (time.perf_counter() - started) * 1000,
            # the model id is the server's text: redacted like any other text it sends
            "response_model": self._redact(response.response_model or "") or None if response else None,
            "pricing": response.pricing if response else None,
        }
        if call_id is None:
            self.calls.record(self._row(call, attempt, outcome))
        else:
            self.calls.settle(call_id, outcome, call.key)
