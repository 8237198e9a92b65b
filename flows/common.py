"""What every muse flow shares: resolving the config, the run row, progress output."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

from muse_core.config import MuseConfig
from muse_core.domain import Domain
from muse_core.llm import Gateway
from muse_core.plugins import registry
from muse_core.progress import Progress
from muse_core.run_lock import exclusive_run
from muse_core.runs import finish_run, mark_interrupted, start_run
from muse_core.store import Store


log = logging.getLogger("muse.runs")
_open_runs: list[str] = []  # run ids of this process; stages never nest, so at most one


def progress(show: bool) -> Progress:
    return Progress(Console(stderr=True)) if show and sys.stderr.isatty() else Progress.silent()


@contextmanager
def recorded_run(config: MuseConfig, command: str) -> Iterator[dict[str, Any]]:
    """Hold the database's run lock, create the run row, yield {'run_id', 'store_id'}, and close
    the row as finished or failed. The store is closed in between: the flow's tasks open it."""
    if _open_runs:
        raise RuntimeError(f"run '{command}' started inside run {_open_runs[-1]}: stages run one after another")
    with exclusive_run(config.db, command, config.lock_wait_s):
        with Store(config.db) as store:
            runs, calls = mark_interrupted(store)  # the lock is ours: nothing else is running
            if runs or calls:
                log.warning("%d earlier run(s) of %s were killed; %d model call(s) were in flight then (outcome "
                            "unknown, possibly billed): llm_calls rows with status 'interrupted'", runs, config.db,
                            calls)
            run = {"run_id": start_run(store, command, config), "store_id": store.store_id}
        _open_runs.append(run["run_id"])
        try:
            yield run
        except BaseException as exc:
            with Store(config.db) as store:
                finish_run(store, run["run_id"], error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            _open_runs.pop()
        with Store(config.db) as store:
            finish_run(store, run["run_id"])


def domain_gateway(store: Store, config: MuseConfig, run_id: str) -> tuple[Gateway, Domain]:
    """The configured domain, and a gateway that looks for its prompt overrides first."""
    domain = registry().get("domain", config.domain)
    skill_dirs = (domain.skills_dir,) if domain.skills_dir else ()
    return Gateway(store, config, run_id, skill_dirs=skill_dirs), domain
