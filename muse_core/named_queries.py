"""Named SQL analyses: one SELECT per file in sql/queries, run by name from the CLI or the shell.

A file starts with `-- <one-line description>`, then optional `-- param <name>: <what>` lines,
then one SELECT whose parameters are DuckDB named parameters (`$name`). Parameter values arrive
as strings (from a command line); a query casts them where it needs another type.
"""

from __future__ import annotations

import re
from importlib.resources.abc import Traversable
from typing import Any

import duckdb
from pydantic import BaseModel

from muse_core.store import SQL_DIR, read_query

# package data of muse_sql (sql/queries in the checkout); a Traversable, so the files are read with
# iterdir/read_text, never as filesystem paths
QUERIES_DIR: Traversable = SQL_DIR / "queries"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM_LINE = re.compile(r"^--\s*param\s+([A-Za-z_]\w*)\s*:\s*(.*)$")
# `$name` outside `$$...$$`: good enough for our own files, which use no dollar-quoted strings
_PARAM_USE = re.compile(r"(?<![\w$])\$([A-Za-z_]\w*)")


class NamedQuery(BaseModel):
    name: str
    description: str
    params: list[str]
    sql: str
    # what each parameter means, for error messages and listings
    param_help: dict[str, str] = {}


def _query_files() -> list[Traversable]:
    return sorted((f for f in QUERIES_DIR.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)


def _parse(path: Traversable) -> NamedQuery:
    """Read one query file; a malformed file names itself and what is wrong."""
    lines = path.read_text().splitlines()
    if not lines or not lines[0].startswith("--") or not lines[0].lstrip("-").strip():
        raise ValueError(f"{path}: the first line must be '-- <one-line description>'")
    description = lines[0].lstrip("-").strip()
    param_help: dict[str, str] = {}
    for line in lines[1:]:
        if not line.startswith("--"):
            break  # the header ends at the first line of SQL
        match = _PARAM_LINE.match(line)
        if match:
            param_help[match.group(1)] = match.group(2).strip()
    sql = path.read_text()
    try:  # a named query runs on read-only connections: one read statement, checked like muse sql's
        read_query(sql)
    except (ValueError, duckdb.Error) as exc:  # ValueError: NotAReadQuery
        raise ValueError(f"{path}: {exc}") from exc
    used = set(_PARAM_USE.findall(sql))
    # a declared-but-unused or used-but-undeclared parameter is an authoring mistake: fail loudly
    if used != set(param_help):
        raise ValueError(
            f"{path}: parameters used in the SQL ({', '.join(sorted(used)) or 'none'}) differ from the "
            f"'-- param' lines ({', '.join(sorted(param_help)) or 'none'})"
        )
    return NamedQuery(name=path.name.removesuffix(".sql"), description=description, params=list(param_help),
                      sql=sql, param_help=param_help)


def list_queries() -> list[NamedQuery]:
    """Every named query, by name."""
    return [_parse(path) for path in _query_files()]


def query_names() -> list[str]:
    return [path.name.removesuffix(".sql") for path in _query_files()]


def load_query(name: str) -> NamedQuery:
    """The named query `name`; an unknown name lists the known ones."""
    path = QUERIES_DIR / f"{name}.sql"
    # the name check keeps a name like '../x' from reading outside the folder
    if not _NAME.match(name) or not path.is_file():
        raise ValueError(f"unknown query {name!r}; known queries: {', '.join(query_names()) or '(none)'}")
    return _parse(path)


def _describe(query: NamedQuery, names: list[str]) -> str:
    return ", ".join(f"{n} ({query.param_help.get(n, '')})" if query.param_help.get(n) else n for n in names)


def check_params(query: NamedQuery, params: dict[str, str]) -> None:
    """Raise ValueError naming missing parameters (with what they mean) or unknown ones."""
    missing = [p for p in query.params if p not in params]
    unknown = sorted(set(params) - set(query.params))
    problems = []
    if missing:
        problems.append(f"missing parameter(s) {_describe(query, missing)}")
    if unknown:
        takes = _describe(query, query.params) if query.params else "no parameters"
        problems.append(f"unknown parameter(s) {', '.join(unknown)} (it takes {takes})")
    if problems:
        example = " ".join(f"{p}=..." for p in query.params)
        hint = f"; pass them as {example}" if missing else ""
        raise ValueError(f"query {query.name}: {'; '.join(problems)}{hint}")


def run_query(con: duckdb.DuckDBPyConnection, query: NamedQuery, params: dict[str, str],
              max_rows: int | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a named query with its parameters; returns column names and rows (at most `max_rows`
    when given). Parameter problems raise ValueError; SQL problems raise duckdb.Error."""
    check_params(query, params)
    cursor = con.execute(query.sql, {p: params[p] for p in query.params})
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall() if max_rows is None else cursor.fetchmany(max_rows)
    return names, rows


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`key=value` strings (from --param or the shell's .q) as a dict; the value may hold '='."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"parameter {item!r} is not key=value")
        params[key.strip()] = value
    return params
