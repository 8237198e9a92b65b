"""The one DuckDB file that holds every artifact: migrations, extensions, transactions.

One process writes. Prefect tasks receive the database path, never a connection, and open
their own `Store` for the length of the task.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
EXTENSIONS = ("fts", "vss")


class StoreError(RuntimeError):
    """The database file cannot be opened or migrated; the message says what to do."""


def extension_file(name: str) -> Path:
    """Path of the extension binary shipped by the `duckdb-extension-<name>` wheel.

    DuckDB would download extensions from its own host, which these machines cannot reach,
    so we load the file the PyPI package carries for exactly our duckdb version.
    """
    try:
        module = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError as exc:
        raise StoreError(
            f"the DuckDB '{name}' extension package is missing: pip install duckdb-extension-{name}=={duckdb.__version__}"
        ) from exc
    folder = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    found = sorted(folder.glob("*.duckdb_extension"))
    if not found:
        raise StoreError(
            f"duckdb-extension-{name} carries no build for duckdb {duckdb.__version__} (looked in {folder})"
        )
    return found[0]


class Store:
    """An open muse database. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"no database at {self.path}: run `muse run --offline` or `muse ingest` first")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError(
                f"cannot open {self.path}: {exc}. Another muse process may be writing it; "
                "wait for it to finish (DuckDB allows one writer)."
            ) from exc
        for name in EXTENSIONS:
            self.con.execute(f"LOAD '{extension_file(name)}'")
        if not read_only:
            self.migrate()
            self.create_views()
        self.store_id = self.scalar("SELECT value FROM store_meta WHERE key = 'store_id'")

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing block: an entity is committed whole or not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"))

    def migrate(self) -> list[str]:
        """Apply sql/schema/NNN_*.sql files newer than the recorded version, each atomically."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        current = self.schema_version()
        applied = []
        for file in sorted((SQL_DIR / "schema").glob("[0-9][0-9][0-9]_*.sql")):
            version = int(file.name[:3])
            if version <= current:
                continue
            with self.transaction() as con:
                con.execute(file.read_text())
                con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, file.stem])
                if version == 1:
                    con.execute("INSERT INTO store_meta VALUES ('store_id', ?)", [uuid.uuid4().hex])
            applied.append(file.stem)
        return applied

    def create_views(self) -> None:
        """(Re)create every view of sql/views; each file is one CREATE OR REPLACE VIEW. A view that
        reads another view is retried once the views it needs exist."""
        pending = sorted((SQL_DIR / "views").glob("*.sql"))
        while pending:
            waiting = []
            for file in pending:
                try:
                    self.con.execute(file.read_text())
                except duckdb.CatalogException:
                    waiting.append(file)
            if len(waiting) == len(pending):  # no progress: show the first real error
                self.con.execute(waiting[0].read_text())
            pending = waiting

    # -- small query helpers -----------------------------------------------------------------
    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
