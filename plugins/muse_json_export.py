"""`muse-json` export format: the MUSE authors' JSON (muse_core/muse_json.py), one file."""

from __future__ import annotations

from pathlib import Path

from muse_core.api import CARD_OPTIONS, ExportOptions, Store, hookimpl


class MuseJsonFormat:
    name = "muse-json"
    description = "the MUSE authors' JSON (one file)"
    suffix = ".json"
    options = CARD_OPTIONS

    def write(self, store: Store, path: Path, options: ExportOptions) -> dict[str, int]:
        from muse_core.muse_json import export_muse_json

        return {"conversations": export_muse_json(store, path, options.include_dropped, options.stats,
                                                  card=dict(options.settings))}


@hookimpl
def muse_export_formats() -> list:
    return [MuseJsonFormat()]
