"""An interactive SQL prompt on a read-only muse database (`muse sql` with no statement).

Statements end with `;` and may span lines; dot commands (`.help`) are one line. Errors are
printed and the prompt goes on, so a typo never loses the session. Each input must be one read
query (`store.read_query`); anything else is refused before it runs, and the read-only Store's
locked connection refuses files, extensions and settings even inside a SELECT.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from muse_core.named_queries import list_queries, load_query, parse_assignments, run_query
from muse_core.store import READ_QUERIES, Store, read_query

MAX_ROWS = 50
MAX_CELL_CHARS = 2000  # prompts run to pages; the full value is one `muse sql --json` away
VERTICAL_AFTER = 10  # wider results print one name/value table per row (like psql's \\x auto)
PROMPT = "muse> "
CONTINUE = "  ..> "
# what DuckDB's PermissionException means here, since its text speaks of "configuration"
FILES_OFF = "muse sql reads the database only: no files, extensions or settings (see docs/sql.md)"

HELP = f"""\
One read query ending with ';' (may span lines) runs on the database, read-only:
  {READ_QUERIES}.
  .tables                    tables and views
  .queries                   named queries (sql/queries)
  .q NAME key=value ...      run a named query, e.g. .q utterance_lineage conversation_id=... idx=4
  .help                      this help
  .quit                      leave (or Ctrl-D); Ctrl-C drops the statement being typed"""


# Terminal control characters (ESC, BEL, C1...) but not tab and newline: a title holding an escape
# sequence must not recolour, retitle or rewrite the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` with each control character shown as its escape (ESC -> \\x1b), never sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def format_value(value: Any, max_chars: int | None = MAX_CELL_CHARS) -> str:
    """A cell as text: NULL, `<n bytes>` for BLOBs (images), long text cut with a note, control
    characters made visible."""
    if value is None:
        return "NULL"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    text = visible(str(value))
    if max_chars is not None and len(text) > max_chars:
        return f"{text[:max_chars]}... (+{len(text) - max_chars} chars)"
    return text


def result_table(names: Sequence[str], rows: Sequence[Sequence[Any]], max_chars: int | None = MAX_CELL_CHARS) -> Table:
    """A rich table of a result; cells are Text so data like '[red]' is never read as markup."""
    table = Table(*(escape(visible(n)) for n in names))
    for row in rows:
        table.add_row(*(Text(format_value(v, max_chars)) for v in row))
    return table


def record_tables(names: Sequence[str], rows: Sequence[Sequence[Any]],
                  max_chars: int | None = MAX_CELL_CHARS) -> list[Table]:
    """One two-column (column, value) table per row: readable when a result has many columns."""
    tables = []
    for number, row in enumerate(rows, 1):
        table = Table("column", "value", title=f"row {number}", title_justify="left")
        for name, value in zip(names, row):
            table.add_row(Text(visible(name)), Text(format_value(value, max_chars)))
        tables.append(table)
    return tables


# `muse sql --format`: table for people, the others for programs (docs/cli.md)
OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")


def _plain(value: Any, safe: bool = False) -> Any:
    """A cell for csv/tsv/markdown: NULL empty, BLOBs as `<n bytes>`, lists and structs as JSON;
    `safe`: control characters shown as escapes (for a terminal)."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return visible(value) if safe and isinstance(value, str) else value


def _json_default(value: Any) -> Any:
    # JSON has no BLOB: say how big it is (muse export ships the photos themselves)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    return str(value)  # dates, decimals, UUIDs: their SQL text


def write_rows(out: TextIO, fmt: str, names: Sequence[str], rows: Sequence[Sequence[Any]], safe: bool = False) -> None:
    """Write a result as csv, tsv, json (one array), jsonl (one object per line) or markdown.
    `safe` (output to a terminal): no raw control character reaches it."""
    if fmt in ("csv", "tsv"):
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow([_plain(n, safe) for n in names])
        writer.writerows([_plain(v, safe) for v in row] for row in rows)
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(zip(names, row)), ensure_ascii=safe,
                                 default=_json_default) + "\n")
    elif fmt == "json":
        out.write(json.dumps([dict(zip(names, row)) for row in rows], ensure_ascii=safe,
                             default=_json_default, indent=2) + "\n")
    elif fmt == "markdown":
        def cell(value: Any) -> str:
            return str(_plain(value, safe)).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")

        out.write("| " + " | ".join(cell(n) for n in names) + " |\n")
        out.write("| " + " | ".join("---" for _ in names) + " |\n")
        for row in rows:
            out.write("| " + " | ".join(cell(v) for v in row) + " |\n")
    else:
        raise ValueError(f"unknown output format '{fmt}'; choose one of: {', '.join(OUTPUT_FORMATS)}")


def output_console(out: TextIO = sys.stdout) -> Console:
    """A console for result tables: the terminal's width on a terminal; piped or redirected, wide
    enough that no column is cut or wrapped (a program reading it wants every character)."""
    if out.isatty():
        return Console(file=out)
    return Console(file=out, width=100_000, no_color=True)


def print_result(console: Console, names: Sequence[str], rows: Sequence[Sequence[Any]],
                 max_rows: int = MAX_ROWS) -> None:
    """Print at most `max_rows` rows; `rows` may hold one more to signal that the result goes on."""
    if len(names) > VERTICAL_AFTER:
        for table in record_tables(names, rows[:max_rows]):
            console.print(table)
    else:
        console.print(result_table(names, rows[:max_rows]))
    if len(rows) > max_rows:
        console.print(f"[dim](first {max_rows} rows shown; add LIMIT/WHERE to narrow it)[/dim]")
    else:
        console.print(f"[dim]{len(rows)} row{'' if len(rows) == 1 else 's'}[/dim]")


def _run_sql(store: Store, console: Console, sql: str) -> None:
    cursor = store.con.execute(read_query(sql))  # NotAReadQuery before anything runs
    if cursor.description is None:
        console.print("[dim]ok[/dim]")
        return
    names = [d[0] for d in cursor.description]
    print_result(console, names, cursor.fetchmany(MAX_ROWS + 1))


def _tables(store: Store, console: Console) -> None:
    names = ["name", "kind", "rows"]
    rows = store.con.execute(
        "SELECT table_name, 'table', estimated_size FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal"
        " UNION ALL SELECT view_name, 'view', NULL FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"
        " ORDER BY 2, 1").fetchall()
    console.print(result_table(names, rows))


def _queries(console: Console) -> None:
    rows = [(q.name, " ".join(q.params), q.description) for q in list_queries()]
    console.print(result_table(["name", "params", "description"], rows))


def _named(store: Store, console: Console, args: list[str]) -> None:
    if not args:
        raise ValueError("usage: .q NAME key=value ... (.queries lists the names)")
    query = load_query(args[0])
    names, rows = run_query(store.con, query, parse_assignments(args[1:]), max_rows=MAX_ROWS + 1)
    print_result(console, names, rows)


def _command(store: Store, console: Console, line: str) -> bool:
    """Run one dot command; False means leave the shell."""
    words = shlex.split(line)  # quotes let a parameter value hold spaces
    command, args = words[0], words[1:]
    if command in (".quit", ".exit"):
        return False
    if command == ".help":
        console.print(HELP, markup=False, highlight=False)
    elif command == ".tables":
        _tables(store, console)
    elif command == ".queries":
        _queries(console)
    elif command == ".q":
        _named(store, console, args)
    else:
        console.print(f"[red]unknown command {escape(command)}[/red]; .help lists the commands")
    return True


def run_shell(store: Store, console: Console, input_fn: Callable[[str], str] = input) -> None:
    """Read statements and dot commands until `.quit` or end of input, printing each result."""
    console.print(f"muse SQL on {escape(str(store.path))} (read-only). End statements with ';'. .help for commands.")
    buffer: list[str] = []
    while True:
        try:
            line = input_fn(CONTINUE if buffer else PROMPT)
        except EOFError:
            console.print()
            return
        except KeyboardInterrupt:
            buffer.clear()  # like psql: Ctrl-C abandons the statement, not the session
            console.print("[dim](statement dropped)[/dim]")
            continue
        if not buffer and line.strip().startswith("."):
            try:
                if not _command(store, console, line.strip()):
                    return
            except (ValueError, duckdb.Error) as exc:  # shlex and parameter errors are ValueErrors
                console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
            continue
        if not buffer and not line.strip():
            continue
        buffer.append(line)
        if not line.rstrip().endswith(";"):
            continue
        sql, buffer = "\n".join(buffer), []
        try:  # soft_wrap keeps an error on one line, easy to copy
            _run_sql(store, console, sql)
        except duckdb.PermissionException as exc:
            console.print(f"[red]error:[/red] {escape(str(exc).splitlines()[0])}; {FILES_OFF}", soft_wrap=True)
        except (ValueError, duckdb.Error) as exc:  # ValueError: NotAReadQuery
            console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
