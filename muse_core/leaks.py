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
    row = con.execute("SELECT target_leak(?, ?, ?, ?, ?)",
                      [text, product["title"], product.get("store"), _as_json(product.get("details")),
                       _as_json(product.get("attributes"))]).fetchone()
    return row[0]
