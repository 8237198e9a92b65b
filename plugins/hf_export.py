"""`hf` export format: a Hugging Face `datasets` folder with the photos as image features."""

from __future__ import annotations

from pathlib import Path

from muse_core.api import CARD_OPTIONS, ExportOptions, Store, hookimpl
from muse_core.exports import export_hf  # the implementation behind the format


class HfFormat:
    name = "hf"
    description = "a Hugging Face datasets folder with images as image features (a folder)"
    suffix = ""
    options = CARD_OPTIONS

    def write(self, store: Store, path: Path, options: ExportOptions) -> dict[str, int]:
        return {"conversations": export_hf(store, path, options.include_dropped, options.stats,
                                           card=dict(options.settings))}


@hookimpl
def muse_export_formats() -> list:
    return [HfFormat()]
