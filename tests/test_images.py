"""Image reading over real HTTP (a loopback server) and from disk."""

import asyncio
import threading
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
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, kind, body = routes.get(self.path, (404, "text/plain", b""))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()  # no Content-Length: the size cap must hold while streaming
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", len(png)
    server.shutdown()


def load(url: str, tmp_path, **limits):
    async def go():
        async with ImageLoader(IngestConfig(**limits)) as loader:
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
        async with ImageLoader(IngestConfig(image_timeout_s=2)) as loader:
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
