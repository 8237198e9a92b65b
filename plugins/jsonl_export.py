"""`jsonl` export format: one conversation per line with full lineage, one file."""

from __future__ import annotations

from pathlib import Path

from muse_core.api import CARD_OPTIONS, ExportOptions, Store, hookimpl
from muse_core.exports import export_jsonl  # the implementation behind the format


class JsonlFormat:
    name = "jsonl"
    description = "one conversation per line with full lineage (one file)"
    suffix = ".jsonl"
    options = CARD_OPTIONS

    def write(self, store: Store, path: Path, options: ExportOptions) -> dict[str, int]:
        return {"conversations": export_jsonl(store, path, options.include_dropped, options.stats,
                                              card=dict(options.settings))}


@hookimpl
def muse_export_formats() -> list:
    return [JsonlFormat()]
