"""Preflight: before a run's first stage, check every distinct endpoint its roles will call.

An endpoint is (provider, model, api_base, key variable). For each one the provider checks that
its key is present where it needs one and makes one minimal request, all at once, bounded in
time. A failure stops the run with one line naming the roles, the model, the host and what to do
(the variable to set, the server to start), instead of minutes of retries or money spent on the
stages before the broken one. A passed check is remembered in `endpoint_checks` for
`gateway.preflight_ttl_s`, so a run that replays its cache sends no request at all.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from typing import Any

from muse_core.config import ROLES, MuseConfig, RoleConfig, api_base_host
from muse_core.llm import ProviderError
from muse_core.secrets import redact
from muse_core.store import Store

PROBE_TIMEOUT_S = 10.0  # each endpoint's minimal request; all run at once


class PreflightError(RuntimeError):
    """An endpoint cannot serve the run; the message is one line a user can act on."""


@dataclass(frozen=True)
class Endpoint:
    provider: str
    model: str
    api_base: str | None
    api_key_env: str | None
    role: RoleConfig = field(compare=False)  # the first role that calls it: how to probe it

    @property
    def host(self) -> str | None:
        return api_base_host(self.api_base)


def endpoints(config: MuseConfig, stages: tuple[str, ...]) -> dict[Endpoint, list[str]]:
    """The endpoints the roles of these stages call, each with the roles that call it."""
    found: dict[Endpoint, list[str]] = {}
    for name, role in config.roles.items():
        if set(ROLES[name].stages) & set(stages):
            found.setdefault(Endpoint(role.provider, role.model, role.api_base, role.api_key_env, role), []).append(name)
    if "evaluate" in stages:  # the tasks' extra zero-shot models play the evaluator's skills
        evaluator = config.role("evaluator")
        for model in config.evaluation.task_models:
            task = evaluator.model_copy(update={"provider": "litellm", "model": model})
            found.setdefault(Endpoint("litellm", model, evaluator.api_base, evaluator.api_key_env, task), []).append(
                f"task model {model}")
    return found


def _recently_passed(store: Store, endpoint: Endpoint, ttl_s: float) -> bool:
    if ttl_s <= 0:
        return False
    return bool(store.scalar(
        "SELECT count(*) FROM endpoint_checks WHERE ok AND provider = ? AND model = ?"
        " AND api_base_host IS NOT DISTINCT FROM ? AND checked_at > now()::TIMESTAMP - to_seconds(?)",
        [endpoint.provider, endpoint.model, endpoint.host, ttl_s]))


async def _probe(provider: Any, endpoint: Endpoint) -> tuple[float, str | None, bool]:
    """(latency in ms, problem or None, busy): a server that takes the connection but answers
    nothing in time is busy (a local server works one request at a time), not broken."""
    role = endpoint.role.model_copy(update={"timeout_s": PROBE_TIMEOUT_S})
    started = time.perf_counter()
    problem, busy = None, False
    try:
        # the request itself times out after PROBE_TIMEOUT_S; this outer net only catches a check that hangs
        await asyncio.wait_for(provider.check(role), PROBE_TIMEOUT_S + 2)
    except ProviderError as exc:
        problem = str(exc)
        busy = exc.status == 408 or "timeout" in problem.lower()
    except TimeoutError:
        problem, busy = f"no answer within {PROBE_TIMEOUT_S:.0f} s", True
    if busy and endpoint.api_base and await _accepts_connections(endpoint.api_base):
        problem = None
    elif busy:
        problem = f"{problem}; is the server up and reachable?"
    return (time.perf_counter() - started) * 1000, problem, busy


async def _accepts_connections(api_base: str) -> bool:
    parts = urlsplit(api_base)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, port), 3)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


async def _probe_all(pending: list[tuple[Any, Endpoint]]) -> list[tuple[float, str | None, bool]]:
    return list(await asyncio.gather(*(_probe(provider, endpoint) for provider, endpoint in pending)))


def preflight(config: MuseConfig, stages: tuple[str, ...], registry: Any = None) -> list[str]:
    """Check the endpoints of `stages` (the caller holds the database's run lock); returns one note
    per endpoint checked, raises PreflightError."""
    from muse_core.plugins import registry as default_registry

    registry = registry or default_registry()
    groups = endpoints(config, stages)
    checkable = [(registry.get("llm_provider", e.provider), e) for e in groups]
    # e.g. the in-process offline engine has nothing to reach: no check, and no database to open
    checkable = [(provider, e) for provider, e in checkable if hasattr(provider, "check")]
    if not checkable:
        return []
    with Store(config.db) as store:
        return _check(store, config, groups, checkable)


def _check(store: Store, config: MuseConfig, groups: dict[Endpoint, list[str]],
           checkable: list[tuple[Any, Endpoint]]) -> list[str]:
    pending = [(p, e) for p, e in checkable if not _recently_passed(store, e, config.gateway.preflight_ttl_s)]
    if not pending:
        return []
    for provider in {id(p): p for p, _ in pending}.values():
        # a provider's first import (litellm: seconds, more on a busy machine) happens before the
        # timed probes: a server that answers must not look busy because the import was slow
        getattr(provider, "prepare", lambda: None)()
    results = asyncio.run(_probe_all(pending))
    notes, failures = [], []
    for (_, endpoint), (latency_ms, problem, busy) in zip(pending, results):
        problem = redact(problem) if problem else None
        where = f"{endpoint.provider}/{endpoint.model} at {endpoint.host or 'the provider default host'}"
        roles = ", ".join(groups[endpoint])
        if problem:
            failures.append(f"preflight: role {roles}: {where}: {problem}")
        elif busy:  # reachable: go on, but do not trust the endpoint for the next run
            notes.append(f"{where} takes connections but gave no answer within {PROBE_TIMEOUT_S:.0f} s "
                         f"(busy?); going on (role {roles})")
            continue
        else:
            notes.append(f"{where} answered in {latency_ms:.0f} ms (role {roles})")
        store.con.execute(
            "INSERT INTO endpoint_checks (provider, model, api_base_host, ok, detail, latency_ms)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [endpoint.provider, endpoint.model, endpoint.host, problem is None, problem, latency_ms])
    if failures:
        raise PreflightError(failures[0] + (f" (and {len(failures) - 1} more endpoint(s) failed)"
                                            if len(failures) > 1 else ""))
    return notes
