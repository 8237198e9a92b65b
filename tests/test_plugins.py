import sys
import textwrap
from pathlib import Path

import pytest

from muse_core.plugins import (
    KINDS,
    Registry,
    UnknownPluginError,
    get_plugin_manager,
    registry,
)


def test_builtins_register_under_their_kinds() -> None:
    reg = registry()
    assert set(reg.names("llm_provider")) >= {"offline", "litellm"}
    assert set(reg.names("retriever")) >= {"bm25", "dense", "hybrid"}
    assert set(reg.names("embedder")) >= {"minilm", "bge-m3"}
    assert "fashion" in reg.names("domain")
    assert reg.entries["retriever"]["bm25"].origin == "builtin"
    assert set(reg.entries) == set(KINDS)


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPluginError) as info:
        registry().get("retriever", "nope")
    assert "bm25" in str(info.value) and "hybrid" in str(info.value)


def install_fake_distribution(folder: Path, module: str, dist_name: str, version: str, source: str, monkeypatch) -> None:
    """A real (if tiny) installed distribution: a module and a dist-info folder with an entry point
    in the `muse` group, on sys.path for this test only."""
    (folder / f"{module}.py").write_text(textwrap.dedent(source))
    dist = folder / f"{module}-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: {version}\n")
    (dist / "entry_points.txt").write_text(f"[muse]\n{module} = {module}\n")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, module, raising=False)


def test_third_party_plugin_loads_through_the_entry_point_group(tmp_path: Path, monkeypatch) -> None:
    install_fake_distribution(tmp_path, "muse_fake_plugin", "muse-fake-plugin", "0.3", """
        from muse_core.hookspecs import hookimpl

        class EchoRetriever:
            name = "echo"
            description = "test plugin"

        @hookimpl
        def muse_retrievers():
            return [EchoRetriever]
    """, monkeypatch)
    reg = Registry(get_plugin_manager())
    entry = reg.entries["retriever"]["echo"]
    assert entry.origin == "muse-fake-plugin 0.3"
    assert reg.get("retriever", "echo").__name__ == "EchoRetriever"


def test_duplicate_names_are_refused(tmp_path: Path, monkeypatch) -> None:
    install_fake_distribution(tmp_path, "muse_clash_plugin", "muse-clash-plugin", "1.0", """
        from muse_core.hookspecs import hookimpl

        class Clash:
            name = "bm25"

        @hookimpl
        def muse_retrievers():
            return [Clash]
    """, monkeypatch)
    with pytest.raises(ValueError, match="two retriever plugins are named 'bm25'"):
        Registry(get_plugin_manager())
