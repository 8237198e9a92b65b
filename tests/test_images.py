"""Image reading over real HTTP (a loopback server) and from disk.

The loopback server is not a public address: these tests opt in with `allow_networks`
(the MUSE_ALLOW_IMAGE_NETWORKS variable's programmatic twin). tests/test_ssrf.py checks refusals.
"""

import asyncio
import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given
from hypothesis import strategies as st

from muse_core.config import IngestConfig
from muse_core.images import ImageError, ImageLoader, validate_image
from tests.helpers import draw_product


@pytest.fixture
def image_server(tmp_path):
    png = draw_product(tmp_path / "p.png", (40, 90, 200)).read_bytes()
    routes = {
        "/p.png": (200, "image/png", png),
        "/page.html": (200, "text/html", b"<html>not an image</html>"),
        "/fake.png": (200, "image/png", b"GIF89a but truncated"),
        "/big.png": (200, "image/png", png * 50),
        "/gone.png": (404, "text/plain", b"no"),
        "/gzip.png": (200, "image/png", gzip.compress(b"\0" * 100_000)),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/slow.png":  # a byte every 0.2 s: each read is quick, the whole is not
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                for byte in png:
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.2)
                return
            status, kind, body = routes.get(self.path, (404, "text/plain", b""))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if self.path == "/gzip.png":  # a tiny gzip body could inflate far past the size cap
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()  # no Content-Length: the size cap must hold while streaming
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", len(png)
    server.shutdown()
    server.server_close()


def load(url: str, tmp_path, allow=("127.0.0.1",), dirs=(), **limits):
    """Opt-ins given explicitly (None: read the environment), so no environment changes a test."""
    async def go():
        async with ImageLoader(IngestConfig(**limits), allow_networks=allow, image_dirs=dirs) as loader:
            return await loader.load(url, tmp_path)

    return asyncio.run(go())


def test_http_image_is_downloaded_and_validated(image_server, tmp_path) -> None:
    base, size = image_server
    blob = load(f"{base}/p.png", tmp_path)
    assert (blob.mime, blob.width, blob.height, len(blob.data)) == ("image/png", 128, 128, size)


@pytest.mark.parametrize("path, reason", [
    ("/page.html", "content-type text/html is not an image"),
    ("/fake.png", "not a readable image"),
    ("/gone.png", "HTTP 404"),
    ("/gzip.png", r"compressed transfer \(gzip\) not accepted"),
])
def test_http_failures_have_reasons(image_server, tmp_path, path, reason) -> None:
    base, _ = image_server
    with pytest.raises(ImageError, match=reason):
        load(base + path, tmp_path)


def test_download_size_cap_holds_without_content_length(image_server, tmp_path) -> None:
    base, size = image_server
    with pytest.raises(ImageError, match="too big"):
        load(f"{base}/big.png", tmp_path, max_image_bytes=size * 10)


def test_unreachable_host_fails_fast_for_the_rest_of_the_ingest(tmp_path) -> None:
    async def go():
        async with ImageLoader(IngestConfig(image_timeout_s=2), allow_networks=["127.0.0.1"]) as loader:
            reasons = []
            for i in range(3):
                try:
                    await loader.load(f"http://127.0.0.1:9/{i}.png", tmp_path)  # port 9: nothing listens
                except ImageError as exc:
                    reasons.append(str(exc))
            return reasons, loader.unreachable

    reasons, unreachable = asyncio.run(go())
    assert len(set(reasons)) == 1 and "cannot connect to 127.0.0.1:9" in reasons[0]
    assert list(unreachable) == ["127.0.0.1:9"]


def test_one_deadline_covers_the_whole_download(image_server, tmp_path) -> None:
    # Issue 12: a server sending a byte at a time held one fetch 100 s with a 10 s per-read timeout.
    base, _ = image_server
    started = time.monotonic()
    with pytest.raises(ImageError, match=r"not complete within 1 s \(ingest.image_timeout_s\)"):
        load(f"{base}/slow.png", tmp_path, image_timeout_s=1)
    assert time.monotonic() - started < 3


def test_loopback_needs_the_opt_in(image_server, tmp_path) -> None:
    base, _ = image_server
    with pytest.raises(ImageError, match=r"loopback address \(127.0.0.1\): refused \(to allow it, set "
                                         r"MUSE_ALLOW_IMAGE_NETWORKS=127.0.0.1\)"):
        load(f"{base}/p.png", tmp_path, allow=())


def test_the_opt_in_can_come_from_the_environment(image_server, tmp_path, monkeypatch) -> None:
    base, _ = image_server
    monkeypatch.setenv("MUSE_ALLOW_IMAGE_NETWORKS", "10.0.0.0/8, 127.0.0.0/8")
    assert load(f"{base}/p.png", tmp_path, allow=None).mime == "image/png"
    monkeypatch.setenv("MUSE_ALLOW_IMAGE_NETWORKS", "not-a-network")
    with pytest.raises(ImageError, match="MUSE_ALLOW_IMAGE_NETWORKS: 'not-a-network' is not an IP address"):
        load(f"{base}/p.png", tmp_path, allow=None)


def test_local_paths_stay_inside_the_allowed_folders(tmp_path) -> None:
    catalog = tmp_path / "catalog"
    draw_product(catalog / "images" / "in.png", (1, 2, 3))
    outside = draw_product(tmp_path / "secret.png", (4, 5, 6))
    (catalog / "images" / "link.png").symlink_to(outside)
    (catalog / "images" / "dir.png").mkdir()
    assert load("images/in.png", catalog).width == 128
    assert load(str(catalog / "images" / "in.png"), catalog).width == 128  # absolute, but inside
    for ref in (str(outside), "../secret.png", "images/../../secret.png", "images/link.png", "/etc/hostname"):
        with pytest.raises(ImageError, match="outside the allowed image folders"):
            load(ref, catalog)
    with pytest.raises(ImageError, match="not a file"):
        load("images/dir.png", catalog)
    with pytest.raises(ImageError, match="not usable"):
        load("images/\x00.png", catalog)
    with pytest.raises(ImageError, match="unsupported image URL scheme 'file:'"):
        load(f"file://{outside}", catalog)

    async def extra_folder():
        async with ImageLoader(IngestConfig(), image_dirs=[tmp_path]) as loader:
            return await loader.load("../secret.png", catalog)

    assert asyncio.run(extra_folder()).width == 128  # an explicit allow-list widens it


def test_more_image_folders_can_come_from_the_environment(tmp_path, monkeypatch) -> None:
    catalog = tmp_path / "out"
    catalog.mkdir()
    draw_product(tmp_path / "pics" / "a.png", (1, 2, 3))
    with pytest.raises(ImageError, match="refused \\(to allow it, add its folder to MUSE_IMAGE_DIRS\\)"):
        load("../pics/a.png", catalog, dirs=None)
    monkeypatch.setenv("MUSE_IMAGE_DIRS", f"{tmp_path / 'elsewhere'}:{tmp_path / 'pics'}")
    assert load("../pics/a.png", catalog, dirs=None).width == 128


@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_an_image_or_a_reason(data) -> None:
    try:
        blob = validate_image(data, "x", 10_000_000)
    except ImageError as exc:
        assert str(exc)
    else:
        assert blob.width > 0 and blob.height > 0


def test_decompression_bombs_are_refused(tmp_path) -> None:
    from PIL import Image

    path = tmp_path / "huge.png"
    Image.new("1", (9000, 9000)).save(path)  # tiny file, 81 million pixels
    with pytest.raises(ImageError, match="too large|not a readable image"):
        validate_image(path.read_bytes(), "huge.png", 40_000_000)
