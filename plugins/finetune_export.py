"""`finetune` export format: OpenAI chat fine-tuning files for the recommendation-query and
response tasks, a folder."""

from __future__ import annotations

from pathlib import Path

from muse_core.api import CARD_OPTIONS, ExportOptions, Store, hookimpl
from muse_core.exports import FINETUNE_IMAGES, export_finetune  # the implementation behind the format


class FinetuneFormat:
    name = "finetune"
    description = ("OpenAI chat fine-tuning files for the recommendation-query and response tasks, "
                   "photos as data URLs (a folder)")
    suffix = ""
    options = {**CARD_OPTIONS,
               "images": f"{' or '.join(FINETUNE_IMAGES)}: photos inline as data URLs (default, what OpenAI "
                         "takes) or as files in images/ referenced by path"}

    def write(self, store: Store, path: Path, options: ExportOptions) -> dict[str, int]:
        settings = dict(options.settings)
        images = settings.pop("images", "data-url")
        return export_finetune(store, path, options.include_dropped, options.stats, card=settings, images=images)


@hookimpl
def muse_export_formats() -> list:
    return [FinetuneFormat()]
