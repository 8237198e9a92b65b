"""Who may open a database file: one writer, or any number of readers, across processes.

DuckDB allows one writing process, and a reader's open fails while a writer has the file (and
makes the writer's next open fail). A muse run also opens and closes the file between its tasks,
so without coordination a reader that slips in between kills the run. So every Store, and every
run from start to end, holds an advisory lock on `<db>.lock` (fcntl): exclusive for writers,
shared for readers. Whoever finds it taken waits (saying so) up to `lock_wait_s`, then fails with
a message that names the holder. Within one process the lock is taken once and nested: the
pipeline's stages, and the stores its tasks open, share it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger("muse.lock")
DEFAULT_WAIT_S = 600.0  # MuseConfig.lock_wait_s's default, for stores opened without a configuration
_held: dict[Path, int] = {}  # lock path -> nesting depth in this process


def lock_path(db: Path) -> Path:
    return Path(db).resolve().with_name(Path(db).name + ".lock")


def _busy(db: Path, holder: str, wait_s: float, exclusive: bool) -> Exception:
    from muse_core.store import StoreError  # imported here: the store imports this module

    if exclusive:
        who = f"another muse run ({holder})" if holder else "a reader (muse sql, view, export, report or stats)"
        return StoreError(f"{db} is in use by {who}; waited {wait_s:.0f} s. Wait for it to finish, "
                          "or raise lock_wait_s in the configuration.")
    return StoreError(f"{db} is being written by another muse run ({holder or 'another process'}); waited "
                      f"{wait_s:.0f} s. Read it when the run has finished.")


@contextmanager
def hold(db: Path, *, exclusive: bool, command: str, wait_s: float = DEFAULT_WAIT_S) -> Iterator[None]:
    """Hold the database's lock: exclusive to write, shared to read."""
    path = lock_path(db)
    if path in _held:  # this process holds it already (a store inside a run, a flow inside a flow)
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    if exclusive:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:  # a reader only reads the lock file (it writes no name), so it needs no write access to it
        handle = open(path, "a+" if exclusive or not path.exists() else "r", encoding="utf-8")
    except OSError as exc:
        if exclusive:
            from muse_core.store import StoreError  # imported here: the store imports this module

            raise StoreError(f"cannot lock {db} for writing: {exc}") from None
        # a reader in a folder it may not write (a read-only mount) cannot make the lock file: it
        # reads unlocked, as before locks, and DuckDB's own file lock still keeps a writer out
        yield
        return
    with handle:
        deadline, told = time.monotonic() + wait_s, False
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip()
                if time.monotonic() >= deadline:
                    raise _busy(db, holder, wait_s, exclusive) from None
                if not told:
                    log.warning("waiting for %s to let go of %s", holder or "the process that holds it", db)
                    told = True
                time.sleep(0.5)
        if exclusive:  # readers leave no name: there may be many
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, command '{command}'")
            handle.flush()
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            if exclusive:
                handle.seek(0)
                handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive_run(db: Path, command: str, wait_s: float) -> Iterator[None]:
    """One muse run on `db`, from start to end."""
    with hold(db, exclusive=True, command=command, wait_s=wait_s):
        yield
