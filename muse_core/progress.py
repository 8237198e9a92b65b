"""Progress bars for long work: rich bars on a terminal, nothing in tests or when piped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress


class Progress:
    """One active task at a time; `advance` moves the current bar."""

    def __init__(self, console: Console | None) -> None:
        self._rich = (
            RichProgress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                         TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False)
            if console is not None else None
        )
        self._task = None

    @classmethod
    def silent(cls) -> Progress:
        return cls(None)

    @contextmanager
    def task(self, description: str, total: int) -> Iterator[None]:
        if self._rich is None:
            yield
            return
        with self._rich:
            self._task = self._rich.add_task(description, total=total)
            try:
                yield
            finally:
                self._task = None

    def advance(self, amount: int = 1) -> None:
        if self._rich is not None and self._task is not None:
            self._rich.advance(self._task, amount)
