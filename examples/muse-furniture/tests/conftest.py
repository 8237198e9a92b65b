"""Offline settings for muse-furniture's tests (the same ones muse's own tests/conftest.py sets),
and a clear message when the package is not installed (its entry point is what is tested)."""

import os
from importlib.metadata import PackageNotFoundError, version

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

try:
    version("muse-furniture")
except PackageNotFoundError:
    raise ImportError("muse-furniture is not installed; run `pip install -e examples/muse-furniture` first") from None
