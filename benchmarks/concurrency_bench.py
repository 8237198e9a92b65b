"""Provider concurrency: how close muse gets to what a model server allows (issue 14, benchmarks 1 and 2).

    python benchmarks/concurrency_bench.py [--calls 640] [--latency 0.2] [--concurrency 64]
                                           [--rpm 600] [--seconds 120] [--skip-throttled]

The model server is `muse offline-server` in its own process (as a real one would be), on loopback.

1. Concurrency efficiency: `--calls` calls, `--concurrency` in flight, against the server adding
   `--latency` s to every answer; achieved calls/s over the ideal concurrency / latency (320/s for
   64 and 0.2 s). Four ways, in one run: the limiter alone around a sleep (the ceiling of this
   machine's event loop), the gateway with an in-process fake provider that sleeps (no HTTP), the
   limiter around the litellm provider (litellm -> openai client -> HTTP, no gateway), and the real
   path (Gateway -> litellm provider -> HTTP). Every call has its own inputs: no cache hit.
2. Throttled provider: a fresh server answering 429 above `--rpm` requests in the trailing 60 s,
   64 workers calling for `--seconds` (a multiple of 60: the server's window is a minute) with no
   client-side rpm cap. Achieved rate over R (answers the server gave in the run / R per minute) and
   the share of requests it throttled, for the real path (the Gateway) and for `AdaptiveLimit`
   around the litellm provider directly (a driver that retries like the gateway).
Timings are ratios against ideals and baselines of the same run: machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from muse_core.concurrency import AdaptiveLimit  # noqa: E402
from muse_core.config import MuseConfig, RoleConfig  # noqa: E402
from muse_core.llm import Gateway, LLMRequest, LLMResponse, ProviderError  # noqa: E402
from muse_core.runs import start_run  # noqa: E402
from muse_core.store import Store  # noqa: E402
from muse_plugins.litellm_provider import LiteLLMProvider  # noqa: E402


class Server:
    """`muse offline-server` in a child process, on a free loopback port."""

    def __init__(self, latency: float, rpm: int | None = None) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        args = [sys.executable, "-m", "muse_flows.cli", "offline-server", "--port", str(self.port),
                "--latency", str(latency)] + (["--rpm-limit", str(rpm)] if rpm else [])
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/models", timeout=1).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the offline server exited") from None
                time.sleep(0.2)
        raise RuntimeError("the offline server did not start")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def stats(self) -> dict[str, int]:
        return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=5).read())


class FakeProvider:
    """Answers after `latency` s, in process: the gateway's own cost without HTTP or litellm."""

    name = "fake"

    def __init__(self, latency: float) -> None:
        self.latency = latency

    async def complete(self, request: LLMRequest) -> LLMResponse:
        await asyncio.sleep(self.latency)
        return LLMResponse("Hello, how can I help?", 10, 10, pricing="local")


class FakeRegistry:
    def __init__(self, provider: Any) -> None:
        self.provider = provider

    def get(self, kind: str, name: str) -> Any:
        return self.provider


def gateway(folder: Path, role: RoleConfig, concurrency: int, registry: Any = None) -> Gateway:
    config = MuseConfig(db=folder / "bench.duckdb", roles={"agent": role},
                        gateway={"max_concurrency": concurrency, "requests_per_minute": None,
                                 "tokens_per_minute": None, "backoff_base_s": 0.05, "backoff_max_s": 2.0,
                                 "max_retries": 8})
    store = Store(config.db)
    return Gateway(store, config, start_run(store, "bench", config), registry=registry)


def served_role(url: str) -> RoleConfig:
    return RoleConfig(provider="litellm", model="openai/bench", api_base=url, timeout_s=30.0, send_inputs=True)


def request(url: str, i: int) -> LLMRequest:
    return LLMRequest(model="openai/bench", messages=[{"role": "user", "content": f"Write the greeting ({i})."}],
                      temperature=0.7, seed=i, skill="chatter_greet", skill_version=1, inputs={}, api_base=url,
                      timeout_s=30.0, send_inputs=True)


async def limited(limit: AdaptiveLimit, provider: Any, req: LLMRequest, retries: int = 8) -> LLMResponse:
    """One call the way the gateway makes it once AdaptiveLimit is in: attempts under the limit,
    throttles reported to it, retried after Retry-After or a short backoff."""
    for attempt in range(retries + 1):
        async with limit.slot(100):
            try:
                response = await provider.complete(req)
            except ProviderError as exc:
                if exc.throttled:
                    limit.throttled(exc.retry_after, exc.rate_limits)
                if not exc.retryable or attempt == retries:
                    raise
                delay = exc.retry_after if exc.retry_after is not None else min(2.0, 0.05 * 2 ** attempt)
            else:
                limit.succeeded(response.rate_limits)
                return response
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def rate(calls: int, make: Callable[[int], Awaitable[Any]], concurrency: int) -> float:
    """Calls per second for `calls` calls started at once (each call's own limit keeps `concurrency` out)."""
    async def go() -> float:
        await make(-1)  # warm-up: imports, connections
        started = time.perf_counter()
        await asyncio.gather(*(make(i) for i in range(calls)))
        return calls / (time.perf_counter() - started)
    return asyncio.run(go())


def efficiency(args: argparse.Namespace, folder: Path) -> list[tuple[str, float]]:
    ideal, rows = args.concurrency / args.latency, []
    limit = AdaptiveLimit(args.concurrency, None, None)

    async def bare(i: int) -> None:
        async with limit.slot(100):
            await asyncio.sleep(args.latency)
    rows.append(("limiter around a sleep (no provider)", rate(args.calls, bare, args.concurrency) / ideal))

    fake = gateway(folder / "fake", RoleConfig(provider="fake", model="fake"), args.concurrency,
                   FakeRegistry(FakeProvider(args.latency)))
    rows.append(("gateway, in-process fake provider", rate(
        args.calls, lambda i: fake.run("chatter_greet", {}, entity_id=f"fake-{i}"), args.concurrency) / ideal))

    with Server(args.latency) as server:
        provider, direct = LiteLLMProvider(), AdaptiveLimit(args.concurrency, None, None)
        rows.append(("limiter + litellm provider -> HTTP", rate(
            args.calls, lambda i: limited(direct, provider, request(server.url, i)), args.concurrency) / ideal))
        real = gateway(folder / "real", served_role(server.url), args.concurrency)
        rows.append(("gateway -> litellm -> HTTP (real path)", rate(
            args.calls, lambda i: real.run("chatter_greet", {}, entity_id=f"real-{i}"), args.concurrency) / ideal))
    return rows


def throttled(args: argparse.Namespace, folder: Path, via_gateway: bool) -> tuple[float, float, int]:
    """(achieved rate / R, share of requests throttled, failed calls) for `--seconds` of 64 workers."""
    with Server(args.latency, args.rpm) as server:
        if via_gateway:
            gw = gateway(folder / "throttled", served_role(server.url), args.concurrency)

            def call(i: int) -> Awaitable[Any]:
                return gw.run("chatter_greet", {}, entity_id=f"t-{i}")
        else:
            provider, limit = LiteLLMProvider(), AdaptiveLimit(args.concurrency, None, None)

            def call(i: int) -> Awaitable[Any]:
                return limited(limit, provider, request(server.url, i))

        async def go() -> tuple[dict[str, int], int]:
            deadline, counter, failed = time.monotonic() + args.seconds, iter(range(10**9)), 0

            async def worker() -> None:
                nonlocal failed
                while time.monotonic() < deadline:
                    try:
                        await call(next(counter))
                    except Exception:  # noqa: BLE001 - a call that failed for good is counted, the run goes on
                        failed += 1
            tasks = [asyncio.create_task(worker()) for _ in range(args.concurrency)]
            await asyncio.sleep(args.seconds)
            stats = server.stats()  # what the server did within the run
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return stats, failed

        stats, failed = asyncio.run(go())
    answered, throttled_n = stats.get("answers", 0), stats.get("throttled", 0)
    return answered / (args.rpm * args.seconds / 60), throttled_n / max(1, stats.get("requests", 0)), failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=640)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rpm", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--skip-throttled", action="store_true")
    args = parser.parse_args()
    logging.getLogger("muse.llm").setLevel(logging.ERROR)  # the gateway's retry warnings would flood the tables
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for sub in ("fake", "real", "throttled"):
            (folder / sub).mkdir()
        table = Table(title=f"1. concurrency efficiency: {args.concurrency} in flight, {args.latency * 1000:.0f} ms "
                            f"per call, ideal {args.concurrency / args.latency:.0f} calls/s")
        table.add_column("path")
        table.add_column("achieved / ideal", justify="right")
        for name, ratio in efficiency(args, folder):
            table.add_row(name, f"{ratio:.1%}")
        console.print(table)
        if args.skip_throttled:
            return
        table = Table(title=f"2. throttled provider: 429 above R = {args.rpm}/min, {args.concurrency} workers, "
                            f"{args.seconds:.0f} s, no client rpm cap")
        for column in ("path", "achieved / R", "throttled share", "failed calls"):
            table.add_column(column, justify="right" if column != "path" else "left")
        for name, via in (("AdaptiveLimit + litellm provider", False), ("gateway (real path)", True)):
            achieved, share, failed = throttled(args, folder, via)
            table.add_row(name, f"{achieved:.1%}", f"{share:.1%}", str(failed))
        console.print(table)


if __name__ == "__main__":
    main()
