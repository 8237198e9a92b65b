"""Progress bars for long work: rich bars on a terminal, nothing in tests or when piped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.progress import Task, TimeRemainingColumn
from rich.text import Text


class _StatusColumn(ProgressColumn):
    """The watched status text, read afresh at every refresh of the bar."""

    def __init__(self, owner: Progress) -> None:
        super().__init__()
        self._owner = owner

    def render(self, task: Task) -> Text:
        return Text(self._owner.status(), style="dim")


class Progress:
    """One active task at a time; `advance` moves the current bar; `watch` adds a live status."""

    def __init__(self, console: Console | None) -> None:
        self._status: Callable[[], str] | None = None
        self._rich = (
            RichProgress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                         TimeElapsedColumn(), TimeRemainingColumn(), _StatusColumn(self), console=console,
                         transient=False)
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

    def watch(self, describe: Callable[[], str] | None) -> None:
        """Show `describe()` beside the bars from now on (e.g. the gateway's '12/64 in flight ·
        230/min'), read at each refresh; None stops it. Silent progress keeps it for `status()`."""
        self._status = describe

    def status(self) -> str:
        """The watched text now ('' when nothing is watched)."""
        return self._status() if self._status is not None else ""

    def advance(self, amount: int = 1) -> None:
        if self._rich is not None and self._task is not None:
            self._rich.advance(self._task, amount)
