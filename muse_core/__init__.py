"""muse: synthesize multimodal conversational-recommendation datasets with LLM agents."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("muse-mcr")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
