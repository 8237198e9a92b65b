"""Provider concurrency: how close muse gets to what a model server allows (issue 14, benchmarks 1 and 2).

    python benchmarks/concurrency_bench.py [--calls 3200] [--latency 0.2] [--concurrency 64]
                                           [--rpm 600] [--seconds 120] [--skip-throttled]

The model server is `muse offline-server` in its own process (as a real one would be), on loopback.

1. Concurrency efficiency: `--calls` calls, `--concurrency` in flight, against the server adding
   `--latency` s to every answer; achieved calls/s over the ideal concurrency / latency (320/s for
   64 and 0.2 s). Six ways, in one run: the limiter alone around a sleep (the ceiling of this
   machine's event loop), the gateway with an in-process fake provider that sleeps (no HTTP), the
   limiter around the litellm provider (litellm -> openai client -> HTTP, no gateway), the real
   path (Gateway -> litellm provider -> HTTP), and the same two with the lean `openai-compatible`
   provider (aiohttp -> HTTP). Every call has its own inputs: no cache hit. All calls are started
   at once, so the first rounds run in step (every call of a round rendered, recorded and answered
   together); 3,200 calls (50 rounds) measure the steady state a long run lives in. Beside each ratio, the
   client's CPU per call (time.process_time of this process / calls; the server is another
   process): at 320 calls/s on 2 cores, client and server share about 6 ms a call; and, for the
   gateway's paths to the server, the median time a call waited for its pending row to be durable
   (before it takes its place in the window, while the calls ahead of it are in flight).
2. Throttled provider: a fresh server answering 429 above `--rpm` requests in the trailing 60 s,
   64 workers calling for `--seconds` (a multiple of 60: the server's window is a minute) with no
   client-side rpm cap. Achieved rate over R (answers the server gave in the run / R per minute) and
   the share of requests it throttled, for the real path (the Gateway) and for `AdaptiveLimit`
   around the provider directly (a driver that retries like the gateway), with each provider, and
   the client's CPU per request sent.
Timings are ratios against ideals and baselines of the same run: machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from muse_core.call_log import CallLog  # noqa: E402
from muse_core.concurrency import AdaptiveLimit  # noqa: E402
from muse_core.config import MuseConfig, RoleConfig  # noqa: E402
from muse_core.llm import Gateway, LLMRequest, LLMResponse, ProviderError  # noqa: E402
from muse_core.runs import start_run  # noqa: E402
from muse_core.store import Store  # noqa: E402
from muse_plugins.litellm_provider import LiteLLMProvider  # noqa: E402
from muse_plugins.openai_compatible import OpenAICompatibleProvider  # noqa: E402

# provider name -> (its class, the model a role names): the HTTP paths measured, each through the gateway
# and through the limiter alone
PROVIDERS = {"litellm": (LiteLLMProvider, "openai/bench"), "openai-compatible": (OpenAICompatibleProvider, "bench")}


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

    def cpu_seconds(self) -> float:
        """The server process's CPU time so far (user + system, from /proc: Linux), or NaN elsewhere."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


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
    # batch_writes as in a stage (muse_core/context.py): the call records of a turn share one commit
    return Gateway(store, config, start_run(store, "bench", config), registry=registry, batch_writes=True)


def served_role(url: str, provider: str) -> RoleConfig:
    return RoleConfig(provider=provider, model=PROVIDERS[provider][1], api_base=url, timeout_s=30.0, send_inputs=True)


def served_gateway(folder: Path, url: str, provider: str, concurrency: int) -> Gateway:
    """The real path with one provider; openai-compatible is registered here (the default registry
    may not list it yet)."""
    registry = FakeRegistry(OpenAICompatibleProvider()) if provider == "openai-compatible" else None
    return gateway(folder, served_role(url, provider), concurrency, registry)


def request(url: str, i: int, provider: str = "litellm") -> LLMRequest:
    return LLMRequest(model=PROVIDERS[provider][1], messages=[{"role": "user", "content": f"Write the greeting ({i})."}],
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


def rate(calls: int, make: Callable[[int], Awaitable[Any]], concurrency: int) -> tuple[float, float]:
    """(calls per second, this process's CPU ms per call) for `calls` calls started at once (each
    call's own limit keeps `concurrency` out)."""
    async def go() -> tuple[float, float]:
        await make(-1)  # warm-up: imports, connections
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(make(i) for i in range(calls)))
        return calls / (time.perf_counter() - started), (time.process_time() - cpu) * 1000 / calls
    return asyncio.run(go())


@contextmanager
def begin_waits() -> Iterator[list[float]]:
    """The ms each call of the gateway waited in CallLog.begin (until its pending row was durable),
    while the block runs."""
    waits: list[float] = []
    real = CallLog.begin

    async def timed(log: CallLog, row: dict[str, Any]) -> None:
        started = time.perf_counter()
        await real(log, row)
        waits.append((time.perf_counter() - started) * 1000)

    CallLog.begin = timed
    try:
        yield waits
    finally:
        CallLog.begin = real


def efficiency(args: argparse.Namespace,
               folder: Path) -> list[tuple[str, float, float, float | None, float | None]]:
    """(path, achieved / ideal, client CPU ms per call, server CPU ms per call or None, median ms a
    call waited for its pending row or None) for each path."""
    ideal, rows = args.concurrency / args.latency, []

    def row(name: str, make: Callable[[int], Awaitable[Any]], server: Server | None = None) -> None:
        server_cpu = server.cpu_seconds() if server else 0.0
        with begin_waits() as waits:
            per_second, cpu_ms = rate(args.calls, make, args.concurrency)
        server_ms = (server.cpu_seconds() - server_cpu) * 1000 / (args.calls + 1) if server else None
        rows.append((name, per_second / ideal, cpu_ms, server_ms, statistics.median(waits) if waits else None))

    limit = AdaptiveLimit(args.concurrency, None, None)

    async def bare(i: int) -> None:
        async with limit.slot(100):
            await asyncio.sleep(args.latency)
    row("limiter around a sleep (no provider)", bare)

    fake = gateway(folder / "fake", RoleConfig(provider="fake", model="fake"), args.concurrency,
                   FakeRegistry(FakeProvider(args.latency)))
    row("gateway, in-process fake provider", lambda i: fake.run("chatter_greet", {}, entity_id=f"fake-{i}"))

    with Server(args.latency) as server:
        for name, (cls, _) in PROVIDERS.items():
            provider, direct = cls(), AdaptiveLimit(args.concurrency, None, None)
            row(f"limiter + {name} provider -> HTTP",
                lambda i, p=provider, d=direct, n=name: limited(d, p, request(server.url, i, n)), server)
            (folder / name).mkdir()
            real = served_gateway(folder / name, server.url, name, args.concurrency)
            row(f"gateway -> {name} -> HTTP (real path)",
                lambda i, g=real, n=name: g.run("chatter_greet", {}, entity_id=f"{n}-{i}"), server)
    return rows


def throttled(args: argparse.Namespace, folder: Path, provider_name: str,
              via_gateway: bool) -> tuple[float, float, int, float]:
    """(achieved rate / R, share of requests throttled, failed calls, client CPU ms per request sent)
    for `--seconds` of 64 workers."""
    with Server(args.latency, args.rpm) as server:
        if via_gateway:
            sub = folder / f"throttled-{provider_name}"
            sub.mkdir()
            gw = served_gateway(sub, server.url, provider_name, args.concurrency)

            def call(i: int) -> Awaitable[Any]:
                return gw.run("chatter_greet", {}, entity_id=f"t-{i}")
        else:
            provider, limit = PROVIDERS[provider_name][0](), AdaptiveLimit(args.concurrency, None, None)

            def call(i: int) -> Awaitable[Any]:
                return limited(limit, provider, request(server.url, i, provider_name))

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

        cpu = time.process_time()
        stats, failed = asyncio.run(go())
        cpu_ms = (time.process_time() - cpu) * 1000
    answered, throttled_n, sent = stats.get("answers", 0), stats.get("throttled", 0), max(1, stats.get("requests", 0))
    return answered / (args.rpm * args.seconds / 60), throttled_n / sent, failed, cpu_ms / sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=3200)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rpm", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--skip-throttled", action="store_true")
    args = parser.parse_args()
    logging.getLogger("muse.llm").setLevel(logging.ERROR)  # the gateway's retry warnings would flood the tables
    console = Console(width=max(Console().width, 140))  # the path names fit on one line
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "fake").mkdir()
        table = Table(title=f"1. concurrency efficiency: {args.concurrency} in flight, {args.latency * 1000:.0f} ms "
                            f"per call, ideal {args.concurrency / args.latency:.0f} calls/s")
        table.add_column("path")
        table.add_column("achieved / ideal", justify="right")
        table.add_column("client CPU / call", justify="right")
        table.add_column("server CPU / call", justify="right")
        table.add_column("pending-row wait (median)", justify="right")
        for name, ratio, cpu_ms, server_ms, wait_ms in efficiency(args, folder):
            table.add_row(name, f"{ratio:.1%}", f"{cpu_ms:.2f} ms", "-" if server_ms is None else f"{server_ms:.2f} ms",
                          "-" if wait_ms is None else f"{wait_ms:.1f} ms")
        console.print(table)
        if args.skip_throttled:
            return
        table = Table(title=f"2. throttled provider: 429 above R = {args.rpm}/min, {args.concurrency} workers, "
                            f"{args.seconds:.0f} s, no client rpm cap")
        for column in ("path", "achieved / R", "throttled share", "failed calls", "client CPU / request"):
            table.add_column(column, justify="right" if column != "path" else "left")
        for provider_name in PROVIDERS:
            for name, via in ((f"AdaptiveLimit + {provider_name} provider", False),
                              (f"gateway -> {provider_name} (real path)", True)):
                achieved, share, failed, cpu_ms = throttled(args, folder, provider_name, via)
                table.add_row(name, f"{achieved:.1%}", f"{share:.1%}", str(failed), f"{cpu_ms:.2f} ms")
        console.print(table)


if __name__ == "__main__":
    main()
