"""`muse-json` export format: the MUSE authors' JSON (muse_core/muse_json.py), one file."""

from __future__ import annotations

from pathlib import Path

from muse_core.exports import CARD_OPTIONS, ExportOptions
from muse_core.hookspecs import hookimpl
from muse_core.store import Store


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
