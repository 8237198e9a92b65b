"""`muse offline-server`: the offline engine as an OpenAI-compatible API on loopback (server.py),
added to the `muse` app through the `muse_commands` hook."""

from __future__ import annotations

from typing import Annotated

import typer


def offline_server(
    host: Annotated[str, typer.Option(help="Loopback address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8765,
    fault_429: Annotated[float, typer.Option("--fault-429", help="Share of requests answered 429 + Retry-After.")] = 0.0,
    fault_500: Annotated[float, typer.Option("--fault-500", help="Share answered 500.")] = 0.0,
    fault_slow: Annotated[float, typer.Option("--fault-slow", help="Share answered after --slow-seconds.")] = 0.0,
    fault_malformed: Annotated[float, typer.Option("--fault-malformed", help="Share answered with broken JSON.")] = 0.0,
    slow_seconds: Annotated[float, typer.Option(help="Delay of slow answers (set above the client timeout).")] = 5.0,
    seed: Annotated[int, typer.Option(help="Seed of the fault draws.")] = 0,
    latency: Annotated[float, typer.Option("--latency", help="Seconds added to every answer, like a remote "
                                           "model (requests wait concurrently).")] = 0.0,
    rpm_limit: Annotated[int | None, typer.Option("--rpm-limit", help="Requests per minute (trailing 60 s) above "
                                                  "which the server answers 429 with Retry-After; every answer "
                                                  "carries x-ratelimit-*-requests headers.")] = None,
) -> None:
    """Serve the offline engine as an OpenAI-compatible API on loopback, optionally with faults."""
    import uvicorn
    from rich.console import Console

    from muse_plugins.offline.server import Faults, check_loopback, create_app

    err = Console(stderr=True, soft_wrap=True)
    try:
        check_loopback(host)
        faults = Faults(rate_429=fault_429, rate_500=fault_500, rate_slow=fault_slow, rate_malformed=fault_malformed,
                        slow_seconds=slow_seconds, seed=seed, latency_s=latency, rpm_limit=rpm_limit)
    except ValueError as exc:  # a non-loopback host or a rate outside 0..1: the user's options
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    err.print(f"muse offline engine (rule-based simulator) on http://{host}:{port}/v1 — "
              f"use model 'openai/<any>' with api_base and send_inputs = true"
              + (f"; {latency:g} s latency" if latency else "")
              + (f"; {rpm_limit} requests per minute" if rpm_limit else ""))
    uvicorn.run(create_app(faults), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("offline-server")(offline_server)
