"""Does a text give its target product away? The rule is defined once, as the DuckDB macro
`target_leak` in sql/views/leak_rule.sql, so the profile screen and the honesty views
(`target_leaks`, `backstory_leaks`) cannot disagree. This module only asks DuckDB.

The macro is stored in the database file by every writable Store (it is created with the views),
so read-only connections can call it too. The rule itself: docs/profiles.md, "The leak rule"."""

from __future__ import annotations

import json
from typing import Any

import duckdb


def _as_json(value: Any) -> str | None:
    """A listing's details or summary attributes as JSON text, whether stored as text or parsed."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def leak(con: duckdb.DuckDBPyConnection, text: str, product: dict[str, Any]) -> str | None:
    """Why `text` gives `product` away (brand, title, a run of distinctive title words, a
    distinctive detail phrase), or None. `product` needs title; store, details (the listing's
    details) and attributes (the summary's) are used when present."""
    return leaks(con, [(text, product)])[0]


def leaks(con: duckdb.DuckDBPyConnection, checks: list[tuple[str, dict[str, Any]]]) -> list[str | None]:
    """`leak` of each (text, product), in one query: DuckDB plans the macro's large expression once
    for them all (about 15 ms), where evaluating it takes about 1 ms a text."""
    if not checks:
        return []
    columns = list(zip(*[(text, product["title"], product.get("store"), _as_json(product.get("details")),
                          _as_json(product.get("attributes"))) for text, product in checks]))
    rows = con.execute(
        "SELECT target_leak(c.said, c.title, c.store, c.details, c.attributes) FROM (SELECT"
        " unnest(?::VARCHAR[]) AS said, unnest(?::VARCHAR[]) AS title, unnest(?::VARCHAR[]) AS store,"
        " unnest(?::VARCHAR[]) AS details, unnest(?::VARCHAR[]) AS attributes,"
        " generate_subscripts(?::VARCHAR[], 1) AS i) c ORDER BY c.i",  # the macro's columns must come from a table
        [list(column) for column in columns] + [list(columns[0])]).fetchall()
    return [row[0] for row in rows]
