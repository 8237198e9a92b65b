"""One muse run at a time per database file.

DuckDB allows one writing process, and a muse run opens and closes the file between its tasks:
without a lock, a second run could take the file in between and make the first one fail half
way. A run therefore holds an advisory lock (`<db>.lock`, fcntl) from start to end; another run
on the same file waits for it (saying so) up to `lock_wait_s`, then fails with a message that
names the holder. Nested flows of one process (the pipeline's stages) share the lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from muse_core.store import StoreError

log = logging.getLogger("muse.lock")
_held: dict[Path, int] = {}  # lock path -> nesting depth in this process


def lock_path(db: Path) -> Path:
    return Path(db).resolve().with_name(Path(db).name + ".lock")


@contextmanager
def exclusive_run(db: Path, command: str, wait_s: float) -> Iterator[None]:
    path = lock_path(db)
    if path in _held:  # a flow inside a flow of this process
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        deadline, told = time.monotonic() + wait_s, False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if time.monotonic() >= deadline:
                    raise StoreError(f"{db} is in use by another muse run ({holder}); waited {wait_s:.0f} s. "
                                     "Wait for it to finish, or raise lock_wait_s in the configuration.") from None
                if not told:
                    log.warning("waiting for the muse run that holds %s (%s)", db, holder)
                    told = True
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, command '{command}'")
        handle.flush()
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
