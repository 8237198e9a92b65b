"""`parquet` export format: conversations, turns, querier rounds and products tables, a folder."""

from __future__ import annotations

from pathlib import Path

from muse_core.api import CARD_OPTIONS, ExportOptions, Store, hookimpl
from muse_core.exports import export_parquet  # the implementation behind the format


class ParquetFormat:
    name = "parquet"
    description = "conversations, turns, querier rounds and products tables (a folder; one load_dataset config each)"
    suffix = ""
    options = CARD_OPTIONS

    def write(self, store: Store, path: Path, options: ExportOptions) -> dict[str, int]:
        return export_parquet(store, path, options.include_dropped, options.stats, card=dict(options.settings))


@hookimpl
def muse_export_formats() -> list:
    return [ParquetFormat()]
