"""muse-furniture: a home-furniture domain for muse, shipped as an external plugin package.

The `muse` entry point (see pyproject.toml) points at `muse_furniture.plugin`, which registers
the `furniture` domain, the `second-look` action policy and the `room-bm25` retriever.
"""

__version__ = "0.1.0"
