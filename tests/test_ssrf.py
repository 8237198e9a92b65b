"""SSRF table test (issue 12): a catalog's image URL reaches public addresses only, at every
redirect hop, and the address checked is the address connected to.

Offline there is no public first hop, so the redirect variants start on a loopback server the
test opts in to (`allow_networks=["127.0.0.1"]`) and redirect to another forbidden class; the
servers count their requests to prove a refused address was never contacted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from muse_core.config import IngestConfig
from muse_core.images import ImageError, ImageLoader, address_class
from tests.helpers import draw_product


class Server:
    """A loopback image server: /img.png, /redirect?to=URL (302), /loop (redirects to itself)."""

    def __init__(self, host: str, png: bytes) -> None:
        self.hits: list[tuple[str, str]] = []  # (path, Host header)
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                hits.append((self.path, self.headers.get("Host", "")))
                parts = urlsplit(self.path)
                if parts.path == "/redirect":
                    self._send(302, {"Location": parse_qs(parts.query)["to"][0]})
                elif parts.path == "/loop":
                    self._send(302, {"Location": "/loop"})
                elif parts.path == "/img.png":
                    self._send(200, {"Content-Type": "image/png"}, png)
                else:
                    self._send(404, {"Content-Type": "text/plain"})

            def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers(tmp_path: Path):
    """The opted-in first hop on 127.0.0.1 and an 'internal' server on 127.0.0.2 (not opted in)."""
    png = draw_product(tmp_path / "p.png", (10, 20, 30)).read_bytes()
    first = Server("127.0.0.1", png)
    try:
        internal = Server("127.0.0.2", png)  # Linux routes all of 127.0.0.0/8 to loopback
    except OSError:
        first.close()
        pytest.skip("cannot bind 127.0.0.2")
    yield first, internal
    first.close()
    internal.close()


def fetch(url: str, allow: tuple[str, ...] = ()) -> bytes:
    async def go() -> bytes:
        async with ImageLoader(IngestConfig(image_timeout_s=3), allow_networks=allow) as loader:
            return await loader.fetch(url)

    return asyncio.run(go())


# URL (with {p}: the first server's port, {q}: the internal server's) -> what the reason must say
DIRECT = [
    ("http://127.0.0.1:{p}/img.png", "loopback address (127.0.0.1)"),
    ("http://127.0.0.2:{q}/img.png", "loopback address (127.0.0.2)"),
    ("http://localhost:{p}/img.png", "loopback address"),
    ("http://LOCALHOST:{p}/img.png", "loopback address"),
    ("http://2130706433:{p}/img.png", "loopback address (127.0.0.1)"),  # decimal form
    ("http://0x7f.1:{p}/img.png", "loopback address (127.0.0.1)"),  # hex form
    ("http://017700000001:{p}/img.png", "loopback address (127.0.0.1)"),  # octal form
    ("http://[::1]:{p}/img.png", "loopback address (::1)"),
    ("http://[::ffff:127.0.0.1]:{p}/img.png", "loopback address (127.0.0.1, inside ::ffff:7f00:1)"),  # IPv4-mapped IPv6
    ("http://[2002:7f00:1::]:{p}/img.png", "loopback address"),  # 6to4 around 127.0.0.1
    ("http://0.0.0.0:{p}/img.png", "unspecified address"),
    ("http://[::]:{p}/img.png", "unspecified address"),
    ("http://10.1.2.3/x.png", "private address (10.1.2.3)"),
    ("http://172.16.0.1/x.png", "private address"),
    ("http://192.168.1.1/x.png", "private address"),
    ("http://[fc00::1]/x.png", "private address"),
    ("http://169.254.169.254/latest/meta-data/", "link-local address (169.254.169.254)"),  # cloud metadata
    ("http://[fe80::1]/x.png", "link-local address"),
    ("http://[::ffff:169.254.169.254]/x.png", "link-local address"),
    ("http://[64:ff9b::a9fe:a9fe]/x.png", "link-local address"),  # NAT64 around 169.254.169.254
    ("http://224.0.0.1/x.png", "multicast address"),
    ("http://[ff02::1]/x.png", "multicast address"),
    ("http://240.0.0.1/x.png", "reserved address"),
    ("http://255.255.255.255/x.png", "reserved address"),
    ("http://100.64.0.1/x.png", "non-public address"),  # carrier-grade NAT
    ("http://u:p@127.0.0.1:{p}/img.png", "carries credentials"),
    ("http://user@example.com/x.png", "carries credentials"),
    ("file:///etc/passwd", "unsupported image URL scheme 'file:'"),
    ("gopher://127.0.0.1:{p}/", "unsupported image URL scheme 'gopher:'"),
    ("http://[::1/x.png", "invalid image URL"),
]


@pytest.mark.parametrize("template, reason", DIRECT, ids=[t for t, _ in DIRECT])
def test_forbidden_addresses_are_refused_before_any_request(servers, template: str, reason: str) -> None:
    first, internal = servers
    url = template.format(p=first.port, q=internal.port)
    with pytest.raises(ImageError) as caught:
        fetch(url)
    assert reason in str(caught.value)
    assert first.hits == [] and internal.hits == []


# Redirect targets from the opted-in first hop: every hop is checked again.
REDIRECTS = [
    ("http://127.0.0.2:{q}/img.png", "loopback address (127.0.0.2)"),  # a live server, never contacted
    ("http://2130706434:{q}/img.png", "loopback address (127.0.0.2)"),
    ("http://[::1]:{q}/img.png", "loopback address (::1)"),
    ("http://169.254.169.254/latest/meta-data/", "link-local address (169.254.169.254)"),
    ("http://[::ffff:169.254.169.254]/", "link-local address"),
    ("http://10.0.0.1/x.png", "private address (10.0.0.1)"),
    ("http://[::ffff:10.0.0.1]/x.png", "private address"),
    ("http://224.0.0.1/x.png", "multicast address"),
    ("http://0.0.0.0:{q}/img.png", "unspecified address"),
    ("http://u:p@127.0.0.1:{p}/img.png", "carries credentials"),  # even to the allowed host
    ("file:///etc/passwd", "unsupported image URL scheme 'file:'"),
    # two hops on the allowed server, then the internal one
    ("/redirect?to=http%3A%2F%2F127.0.0.2%3A{q}%2Fimg.png", "loopback address (127.0.0.2)"),
]


@pytest.mark.parametrize("target, reason", REDIRECTS, ids=[t for t, _ in REDIRECTS])
def test_every_redirect_hop_is_checked(servers, target: str, reason: str) -> None:
    first, internal = servers
    target = target.format(p=first.port, q=internal.port)
    if target.startswith("/"):
        target = first.url + target
    with pytest.raises(ImageError, match="refused|unsupported") as caught:
        fetch(f"{first.url}/redirect?to={quote(target, safe='')}", allow=("127.0.0.1",))
    assert reason in str(caught.value)
    assert first.hits and internal.hits == []


def test_redirects_are_bounded_and_an_allowed_one_is_followed(servers) -> None:
    first, _ = servers
    with pytest.raises(ImageError, match="more than 3 redirects"):
        fetch(f"{first.url}/loop", allow=("127.0.0.1",))
    assert len(first.hits) == 4  # the first request and three redirects
    data = fetch(f"{first.url}/redirect?to=%2Fimg.png", allow=("127.0.0.1",))
    assert data.startswith(b"\x89PNG")


def test_the_checked_address_is_the_one_connected_to(servers) -> None:
    """DNS rebinding: a name answering 127.0.0.1 (opted in), then the metadata address. The name is
    resolved once per hop and the request pinned to that answer, with the name in the Host header."""
    first, _ = servers
    lookups: list[str] = []

    async def go() -> bytes:
        loop = asyncio.get_running_loop()
        real = loop.getaddrinfo

        async def rebinding(host, port, *args, **kwargs):
            if host != "images.rebind.test":
                return await real(host, port, *args, **kwargs)
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "169.254.169.254"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        loop.getaddrinfo = rebinding
        async with ImageLoader(IngestConfig(image_timeout_s=3), allow_networks=["127.0.0.1"]) as loader:
            return await loader.fetch(f"http://images.rebind.test:{first.port}/img.png")

    assert asyncio.run(go()).startswith(b"\x89PNG")
    assert lookups == ["images.rebind.test"]
    assert first.hits == [("/img.png", f"images.rebind.test:{first.port}")]


def test_a_name_with_any_forbidden_answer_is_refused() -> None:
    async def go() -> bytes:
        loop = asyncio.get_running_loop()

        async def mixed(host, port, *args, **kwargs):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

        loop.getaddrinfo = mixed
        async with ImageLoader(IngestConfig(image_timeout_s=3), allow_networks=[]) as loader:
            return await loader.fetch("http://cdn.mixed.test/x.png")

    with pytest.raises(ImageError, match=r"private address \(10.0.0.7\): refused"):
        asyncio.run(go())


@pytest.mark.parametrize("address, expected", [
    ("8.8.8.8", None), ("2606:4700::1111", None), ("::ffff:8.8.8.8", None), ("2002:808:808::", None),
    ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.0.0.1", "private"), ("172.31.255.255", "private"), ("192.168.0.1", "private"), ("fd12::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.251", "multicast"),
    ("ff05::1", "multicast"), ("240.0.0.1", "reserved"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("100.64.0.1", "non-public"), ("192.0.2.1", "private"), ("2001:db8::1", "private"),
    ("2002:a00:1::", "private"), ("64:ff9b::7f00:1", "loopback"),
])
def test_address_classes(address: str, expected: str | None) -> None:
    assert address_class(ipaddress.ip_address(address)) == expected
