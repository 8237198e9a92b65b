"""The one DuckDB file that holds every artifact: migrations, extensions, transactions.

One process writes. Prefect tasks receive the database path, never a connection, and open
their own `Store` for the length of the task.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import duckdb

from muse_core.run_lock import DEFAULT_WAIT_S, hold

# The folder sql/ of the checkout, installed as the package muse_sql: found wherever muse is installed
# (a wheel or an editable checkout); read through the Traversable API only (iterdir, read_text).
SQL_DIR: Traversable = files("muse_sql")
T = TypeVar("T")
ROWS_AS_VALUES = 16  # Store.batch: up to this many rows as a VALUES list, more as an Arrow table
_MIGRATION = re.compile(r"^[0-9]{3}_.*\.sql$")  # sql/schema/NNN_<name>.sql
EXTENSIONS = ("fts", "vss")
READ_QUERIES = "SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN or PRAGMA table_info(...)"
# EXPLAIN's own words, so the statement it explains can be checked too (EXPLAIN ANALYZE runs it)
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^)]*\)\s*)?", re.IGNORECASE)
_FIRST_WORD = re.compile(r"^\s*([A-Za-z_]+)")


class Buffer(Protocol):
    """Rows held in memory to be written in groups (muse_core.call_log.CallLog)."""

    def pending(self) -> bool: ...

    def write(self) -> None:
        """Write the rows, inside the transaction the store has open."""


class StoreError(RuntimeError):
    """The database file cannot be opened or migrated; the message says what to do."""


class NotAReadQuery(ValueError):
    """SQL refused before it runs on a read-only database; the message says what is allowed."""


def _is_select(sql: str) -> bool:
    statements = duckdb.extract_statements(sql)
    return len(statements) == 1 and statements[0].type == duckdb.StatementType.SELECT


def read_query(sql: str) -> str:
    """`sql` if it is one statement that only reads, else NotAReadQuery with a one-line reason.

    DuckDB's own parser splits and classifies the text, so quotes and comments cannot hide a
    second statement. SELECT covers WITH, VALUES, FROM-first, DESCRIBE, SHOW, SUMMARIZE and the
    PRAGMAs DuckDB rewrites into a SELECT (table_info, show_tables, database_size). A SELECT can
    still call a file-reading function: the locked read-only connection refuses those.
    A syntax error raises duckdb.ParserException.
    """
    statements = duckdb.extract_statements(sql)
    if not statements:
        raise NotAReadQuery(f"no SQL statement given; write one read query ({READ_QUERIES})")
    if len(statements) > 1:
        raise NotAReadQuery(f"{len(statements)} statements given; run one read query at a time ({READ_QUERIES})")
    statement = statements[0]
    if statement.type == duckdb.StatementType.SELECT:
        return sql
    if statement.type == duckdb.StatementType.EXPLAIN:
        inner = _EXPLAIN.sub("", statement.query, count=1)
        if inner != statement.query and _is_select(inner):
            return sql
    word = _FIRST_WORD.match(statement.query)
    kind = word.group(1).upper() if word else statement.type.name
    hint = "; `muse export` writes files" if kind in ("COPY", "EXPORT") else ""
    raise NotAReadQuery(f"{kind} refused: the database is open read-only for one read query ({READ_QUERIES}){hint}")


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

    def __init__(self, path: str | Path, *, read_only: bool = False, lock_wait_s: float = DEFAULT_WAIT_S) -> None:
        """`lock_wait_s`: how long to wait for a muse process that writes the file (or, to write,
        for its readers) before failing with a message naming it."""
        self.path = Path(path)
        self.read_only = read_only
        # Buffered writes (the gateway's call records): every transaction writes them first, so an
        # entity never commits ahead of the calls behind it.
        self.buffers: list[Buffer] = []
        self._apart: ThreadPoolExecutor | None = None  # Store.apart: a thread...
        self._apart_con: duckdb.DuckDBPyConnection | None = None  # ...and a connection of its own
        if read_only and not self.path.exists():
            raise StoreError(f"no database at {self.path}: run `muse run --offline` or `muse ingest` first")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = ExitStack()
        self._lock.enter_context(hold(self.path, exclusive=not read_only, wait_s=lock_wait_s,
                                      command="read" if read_only else "write"))
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            self._lock.close()
            message = str(exc).lower()  # DuckDB's own words (the path may hold "lock" too)
            if "could not set lock" in message or "conflicting lock" in message:  # not a muse process
                raise StoreError(f"cannot open {self.path}: another process has it open ({exc}); DuckDB allows "
                                 "one writer, or readers only") from None
            raise StoreError(f"cannot open {self.path}: it is damaged or not a DuckDB database ({exc})") from None
        try:
            for name in EXTENSIONS:
                self.con.execute(f"LOAD '{extension_file(name)}'")
            if read_only:
                self._lock_down()
            else:
                migrated = self.migrate()
                self.create_views(always=bool(migrated))
            self.store_id = self.scalar("SELECT value FROM store_meta WHERE key = 'store_id'")
        except duckdb.CatalogException:  # only a read-only open gets here: a writer would have migrated it
            self.close()
            raise StoreError(f"{self.path} is a DuckDB file that muse did not write (it has no store_meta "
                             "table): give --db a muse database") from None
        except duckdb.IOException as exc:  # e.g. a truncated file: its header reads, its blocks do not
            self.close()
            raise StoreError(f"cannot read {self.path}: it is damaged ({exc})") from None
        except BaseException:
            self.close()
            raise

    def _lock_down(self) -> None:
        """Confine a read-only connection to its database file, for good.

        Its SQL may come from a user (muse sql, the prompt), so DuckDB's external access goes off
        (no COPY TO, EXPORT, ATTACH, read_csv/read_text/read_blob/glob, INSTALL or LOAD) and the
        configuration is locked so no SET or RESET can turn it back on. It runs after the two
        extensions are loaded, because loading a file is external access too. DuckDB shares one
        instance per file within a process, so a second read-only Store may find it done already.
        """
        if not self.scalar("SELECT current_setting('lock_configuration')"):
            self.con.execute("SET enable_external_access = false")
            self.con.execute("SET lock_configuration = true")
        if self.scalar("SELECT current_setting('enable_external_access')"):
            raise StoreError(f"cannot open {self.path} read-only: another connection in this process locked "
                             "its configuration with file access on")

    def write_parquet(self, sql: str, path: str | Path) -> None:
        """Write a query's result to a Parquet file, also from a read-only Store.

        A read-only connection may not write files, so the rows stream as Arrow batches into a
        private in-memory DuckDB that writes them. Arrow carries JSON as plain text, so each
        column is cast back to its type and the file keeps the types a direct COPY would give.
        """
        relation = self.con.sql(sql)
        names = (name.replace('"', '""') for name in relation.columns)
        columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in zip(names, relation.types))
        target = str(path).replace("'", "''")
        with duckdb.connect() as writer:
            writer.register("result", relation.to_arrow_reader())
            writer.execute(f"COPY (SELECT {columns} FROM result) TO '{target}' (FORMAT parquet)")

    # -- lifecycle -------------------------------------------------------------------------
    def flush(self) -> None:
        """Write what is buffered (the gateway's call records) now, in one transaction."""
        if any(buffer.pending() for buffer in self.buffers):
            with self.transaction():
                pass

    def close(self) -> None:
        try:
            if not self.read_only:
                self.flush()
        finally:
            self.buffers.clear()
            if self._apart is not None:
                self._apart.shutdown(wait=True)  # its statements finish before their connection closes
            if self._apart_con is not None:
                self._apart_con.close()
            self.con.close()
            self._lock.close()

    def apart(self, statements: Callable[[duckdb.DuckDBPyConnection], T]) -> Future[T]:
        """Run `statements(con)` on a second connection to this database, on a thread of its own, one
        call at a time: each statement commits by itself whatever transaction `self.con` has open,
        and the caller's thread runs on meanwhile (DuckDB lets go of the GIL while it works)."""
        if self._apart_con is None:
            self._apart_con = self.con.cursor()
        if self._apart is None:
            self._apart = ThreadPoolExecutor(1, thread_name_prefix="muse-store")
        return self._apart.submit(statements, self._apart_con)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing block: an entity is committed whole or not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            for buffer in self.buffers:
                buffer.write()
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
        schema = (SQL_DIR / "schema").iterdir()
        for file in sorted((f for f in schema if _MIGRATION.match(f.name)), key=lambda f: f.name):
            version = int(file.name[:3])
            if version <= current:
                continue
            with self.transaction() as con:
                con.execute(file.read_text())
                con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                            [version, file.name.removesuffix(".sql")])
                if version == 1:
                    con.execute("INSERT INTO store_meta VALUES ('store_id', ?)", [uuid.uuid4().hex])
            applied.append(file.name.removesuffix(".sql"))
        return applied

    def create_views(self, *, always: bool = True) -> None:
        """(Re)create every view of sql/views; each file is one CREATE OR REPLACE VIEW. A view that
        reads another view is retried once the views it needs exist. Unless `always`, nothing is
        done when the files are those the views were last made from (a run opens its database many
        times, and making the views costs more than the rest of an open)."""
        files = sorted((f for f in (SQL_DIR / "views").iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
        texts = {f: f.read_text() for f in files}
        digest = hashlib.sha256("\0".join(f"{f.name}\0{text}" for f, text in texts.items()).encode()).hexdigest()
        if not always and self.scalar("SELECT value FROM store_meta WHERE key = 'views_sha256'") == digest:
            return
        pending = files
        while pending:
            waiting = []
            for file in pending:
                try:
                    self.con.execute(texts[file])
                except duckdb.CatalogException:
                    waiting.append(file)
            if len(waiting) == len(pending):  # no progress: show the first real error
                self.con.execute(texts[waiting[0]])
            pending = waiting
        self.con.execute("INSERT OR REPLACE INTO store_meta VALUES ('views_sha256', ?)", [digest])

    # -- writes ------------------------------------------------------------------------------
    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, verb: str = "INSERT",
               con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Insert many rows in one statement (`executemany` would run one per row). `verb`: "INSERT OR
        REPLACE" / "INSERT OR IGNORE"; `con`: the connection `apart` gives its statements."""
        if rows:
            con = con or self.con
            with self.batch(columns, rows, con) as (source, params):
                con.execute(f"{verb} INTO {table} ({', '.join(columns)}) SELECT * FROM {source}", params)

    @contextmanager
    def batch(self, columns: Sequence[str], rows: Sequence[Sequence[Any]],
              con: duckdb.DuckDBPyConnection | None = None) -> Iterator[tuple[str, list[Any]]]:
        """`rows` as a table that the block's statements on `con` (default: `self.con`) read: (what to
        write after FROM, its parameters). A few rows go as parameters of a VALUES list; more as one
        Arrow table, whose registration costs a few ms but which grows cheaply (measured: they break
        even near 30 rows of 15 columns)."""
        con = con or self.con
        if len(rows) <= ROWS_AS_VALUES:
            row = f"({', '.join('?' * len(columns))})"
            yield (f"(VALUES {', '.join([row] * len(rows))}) AS _muse_batch ({', '.join(columns)})",
                   [value for values in rows for value in values])
            return
        import pyarrow as pa  # here: a read-only command (`muse sql`) never pays for its import

        table = pa.Table.from_arrays([pa.array([row[i] for row in rows]) for i in range(len(columns))],
                                     names=list(columns))
        con.register("_muse_batch", table)
        try:
            yield "_muse_batch", []
        finally:
            con.unregister("_muse_batch")

    # -- small query helpers -----------------------------------------------------------------
    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
