"""Product images: read from a local path or an http(s) URL, then validated with Pillow.

A catalog line decides what ingest reads, so both ways in are fenced (issue 12, SSRF):

- URLs: http(s) only, no `user:pass@`, and only to public addresses. The host is resolved here,
  every resolved address is checked (loopback, private, link-local, multicast, reserved,
  unspecified; IPv4 hidden in IPv6 forms too), and the request goes to that checked address with
  the original name in the Host header and TLS SNI, so a second DNS answer cannot swap in another
  address. Redirects are followed here, a bounded number of times, each hop checked the same way.
  One deadline (`ingest.image_timeout_s`) covers the whole download, redirects included, and the
  size cap (`ingest.max_image_bytes`) holds while streaming.
- Local paths: only inside the catalog file's own folder (plus any folders allowed explicitly),
  after resolving symlinks; absolute paths elsewhere and `../` escapes are refused.

Explicit opt-ins, each an environment variable or the matching argument of ImageLoader and
ingest_catalog:
- MUSE_ALLOW_IMAGE_NETWORKS / `allow_networks`: addresses or networks that are not public but may
  be fetched (a test server, an intranet image host), comma-separated: `127.0.0.1,10.0.0.0/8`.
- MUSE_IMAGE_DIRS / `image_dirs`: more folders local image paths may point into, separated like
  PATH entries (`:` on Linux).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import ipaddress
import os
import socket
import stat
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image

from muse_core.config import IngestConfig
from muse_core.records import ImageBlob

MIME_BY_FORMAT = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
ALLOW_NETWORKS_ENV = "MUSE_ALLOW_IMAGE_NETWORKS"
IMAGE_DIRS_ENV = "MUSE_IMAGE_DIRS"
MAX_REDIRECTS = 3

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix: the last 32 bits are an IPv4 address


class ImageError(ValueError):
    """An image cannot be used; the message is the reason recorded for the product."""


def validate_image(data: bytes, source: str, max_pixels: int) -> ImageBlob:
    """Decode enough of the file to trust it; refuse non-images and decompression bombs."""
    if not data:
        raise ImageError("image file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise ImageError(f"image too large ({width}x{height} pixels > {max_pixels:,})")
                fmt = img.format
                img.load()  # decode for real: truncated or corrupt files fail here
    except ImageError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"not a readable image ({type(exc).__name__}: {str(exc)[:80]})") from None
    if fmt not in MIME_BY_FORMAT:
        raise ImageError(f"unsupported image format {fmt}; accepted: {', '.join(MIME_BY_FORMAT)}")
    return ImageBlob(data=data, sha256=hashlib.sha256(data).hexdigest(), mime=MIME_BY_FORMAT[fmt],
                     width=width, height=height, source=source)


# --- addresses -------------------------------------------------------------------------------

def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form actually reaches (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_class(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address ('loopback', 'private'...), or None when it is public."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        why = address_class(inner)
        if why or ip.ipv4_mapped:  # a mapped address is exactly its IPv4 address
            return why
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
              ("multicast", ip.is_multicast), ("reserved", ip.is_reserved), ("private", ip.is_private))
    for name, hit in checks:
        if hit:
            return name
    return None if ip.is_global else "non-public"


def parse_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """`127.0.0.1`, `10.0.0.0/8`, `::1`... as networks; ValueError names a bad entry."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{ALLOW_NETWORKS_ENV}: {entry!r} is not an IP address or network") from None
    return tuple(networks)


def refusal(ip: IPAddress, allowed: Sequence[IPNetwork]) -> str | None:
    """The reject reason for connecting to `ip`, or None when it may be used."""
    why = address_class(ip)
    if why is None:
        return None
    inner = _embedded_ipv4(ip)
    if any(ip in net or (inner is not None and inner in net) for net in allowed):
        return None
    article = "an" if why[0] in "aeiou" else "a"
    shown = f"{ip}" if inner is None else f"{inner}, inside {ip}"
    return (f"image URL points at {article} {why} address ({shown}): refused "
            f"(to allow it, set {ALLOW_NETWORKS_ENV}={inner or ip})")


# --- local files -----------------------------------------------------------------------------

def read_local(ref: str, base_dir: Path, max_bytes: int, extra_dirs: Sequence[Path] = ()) -> bytes:
    """Read `ref` (relative to `base_dir`, or absolute) if it lies inside `base_dir` or an extra folder."""
    try:
        path = (base_dir / ref).resolve()  # an absolute ref replaces base_dir; symlinks are followed
        roots = [Path(d).resolve() for d in (base_dir, *extra_dirs)]
    except (OSError, ValueError, RuntimeError) as exc:  # NUL bytes, over-long names, symlink loops
        raise ImageError(f"image path is not usable: {type(exc).__name__}") from None
    if not any(path.is_relative_to(root) for root in roots):
        shown = ", ".join(str(r) for r in roots)
        raise ImageError(f"image path {ref[:200]} is outside the allowed image folders ({shown}): refused "
                         f"(to allow it, add its folder to {IMAGE_DIRS_ENV})")
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ImageError(f"image path is not a file: {ref[:200]}")
            if info.st_size > max_bytes:
                raise ImageError(f"image file too big ({info.st_size:,} bytes > {max_bytes:,})")
            data = handle.read(max_bytes + 1)  # the file may have grown since fstat
    except IsADirectoryError:
        raise ImageError(f"image path is not a file: {ref[:200]}") from None
    except OSError:
        raise ImageError(f"image file not found: {ref[:200]}") from None
    if len(data) > max_bytes:
        raise ImageError(f"image file too big (over {max_bytes:,} bytes)")
    return data


# --- loader ----------------------------------------------------------------------------------

class ImageLoader:
    """Reads images for one ingest. A host that refused a connection once is not asked again in
    the same ingest: a catalog of URLs on an unreachable host fails fast instead of line by line.

    `allow_networks`: addresses or networks that may be fetched although not public (None: read
    MUSE_ALLOW_IMAGE_NETWORKS). `image_dirs`: folders local paths may point into besides the
    `base_dir` of each `load`, the catalog's folder (None: read MUSE_IMAGE_DIRS).
    """

    def __init__(self, limits: IngestConfig, allow_networks: Sequence[str] | None = None,
                 image_dirs: Sequence[Path] | None = None) -> None:
        self.limits = limits
        if image_dirs is None:
            image_dirs = [Path(d) for d in os.environ.get(IMAGE_DIRS_ENV, "").split(os.pathsep) if d.strip()]
        self.image_dirs = tuple(Path(d) for d in image_dirs)
        self.setup_error: str | None = None  # a bad opt-in list: every URL image says so, nothing crashes
        self.allowed: tuple[IPNetwork, ...] = ()
        entries = os.environ.get(ALLOW_NETWORKS_ENV, "").split(",") if allow_networks is None else allow_networks
        try:
            self.allowed = parse_networks(entries)
        except ValueError as exc:
            self.setup_error = str(exc)
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(limits.image_timeout_s, connect=min(5.0, limits.image_timeout_s)),
            follow_redirects=False,  # followed in fetch(), so every hop is checked
            trust_env=False,  # no proxy from the environment: it would connect to addresses we never checked
            # No kept-alive connections: the pool is keyed by the pinned address, so a reused TLS connection
            # could carry a request for another host name than the one its certificate was checked for.
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": "muse-ingest", "Accept-Encoding": "identity"},
        )
        self.unreachable: dict[str, str] = {}

    async def __aenter__(self) -> ImageLoader:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def load(self, ref: str, base_dir: Path) -> ImageBlob:
        """Read and validate the image at `ref`: an http(s) URL or a path relative to `base_dir`."""
        try:
            scheme = urlsplit(ref).scheme.lower()
        except ValueError:  # e.g. an unclosed IPv6 bracket
            raise ImageError("invalid image URL") from None
        # Reading a file and decoding the image run on worker threads (Pillow releases the GIL while
        # decoding): the event loop keeps the other downloads going meanwhile.
        if scheme in ("http", "https"):
            data = await self.fetch(ref)
        elif scheme == "":
            data = await asyncio.to_thread(read_local, ref, base_dir, self.limits.max_image_bytes, self.image_dirs)
        else:
            raise ImageError(f"unsupported image URL scheme '{scheme[:20]}:' (use http, https or a local path)")
        return await asyncio.to_thread(validate_image, data, ref, self.limits.max_image_pixels)

    async def fetch(self, url: str) -> bytes:
        """Download with redirects checked hop by hop, one total deadline and a size cap."""
        if self.setup_error:
            raise ImageError(self.setup_error)
        deadline = self.limits.image_timeout_s
        try:
            async with asyncio.timeout(deadline):
                return await self._follow(url)
        except TimeoutError:
            raise ImageError(f"image download failed: not complete within {deadline:g} s"
                             " (ingest.image_timeout_s)") from None

    async def _follow(self, url: str) -> bytes:
        for _ in range(MAX_REDIRECTS + 1):
            target = _checked_url(url)
            response = await self._get(target)
            try:
                if response.is_redirect:  # a 3xx with a Location
                    try:
                        url = str(target.join(response.headers["location"]))
                    except (httpx.InvalidURL, ValueError):
                        raise ImageError("image download failed: redirect to an invalid URL") from None
                    continue
                return await self._body(response)
            finally:
                await response.aclose()
        raise ImageError(f"image download failed: more than {MAX_REDIRECTS} redirects")

    async def _get(self, target: httpx.URL) -> httpx.Response:
        """GET `target` from a checked address of its host (pinned: no second DNS lookup)."""
        key = target.netloc.decode("ascii")
        if key in self.unreachable:
            raise ImageError(self.unreachable[key])
        host = target.raw_host.decode("ascii")
        address = await self._resolve(host, target.port or (443 if target.scheme == "https" else 80), key)
        request = self.client.build_request(
            "GET", target.copy_with(host=address), headers={"Host": key},
            extensions={"sni_hostname": host} if target.scheme == "https" else {},  # TLS checks the name, not the IP
        )
        try:
            return await self.client.send(request, stream=True)
        except httpx.TimeoutException:
            raise ImageError("image download failed: timed out") from None
        except httpx.ConnectError:
            self.unreachable[key] = f"image download failed: cannot connect to {key}"
            raise ImageError(self.unreachable[key]) from None
        except httpx.HTTPError as exc:
            raise ImageError(f"image download failed: {type(exc).__name__}") from None

    async def _resolve(self, host: str, port: int, key: str) -> str:
        """One address of `host`, after every address it resolves to passed the public check."""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            self.unreachable[key] = f"image download failed: cannot resolve host {host[:100]}"
            raise ImageError(self.unreachable[key]) from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if not addresses:
            raise ImageError(f"image download failed: no address for {host[:100]}")
        for ip in addresses:  # one bad answer is enough to refuse: the host is not simply public
            reason = refusal(ip, self.allowed)
            if reason:
                raise ImageError(reason)
        return str(addresses[0])

    async def _body(self, response: httpx.Response) -> bytes:
        if response.status_code != 200:
            raise ImageError(f"image download failed: HTTP {response.status_code}")
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if not kind.startswith("image/"):
            raise ImageError(f"image download failed: content-type {kind[:60] or 'missing'} is not an image")
        max_bytes = self.limits.max_image_bytes
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding != "identity":  # counted raw bytes must be the image's bytes: no gzip bomb behind the cap
            raise ImageError(f"image download failed: compressed transfer ({encoding[:20]}) not accepted")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise ImageError(f"image download too big ({int(declared):,} bytes > {max_bytes:,})")
        chunks, size = [], 0
        try:
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise ImageError(f"image download too big (over {max_bytes:,} bytes)")
                chunks.append(chunk)
        except httpx.TimeoutException:
            raise ImageError("image download failed: timed out") from None
        except httpx.HTTPError as exc:
            raise ImageError(f"image download failed: {type(exc).__name__}") from None
        return b"".join(chunks)


def _checked_url(url: str) -> httpx.URL:
    """Parse one hop's URL and refuse what no hop may be: other schemes, credentials, no host."""
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):  # IDNA and port errors are ValueErrors
        raise ImageError("invalid image URL") from None
    if target.scheme not in ("http", "https"):
        raise ImageError(f"unsupported image URL scheme '{target.scheme[:20]}:' (only http and https are fetched)")
    if target.userinfo:
        raise ImageError("image URL carries credentials (user:pass@host): refused")
    if not target.raw_host:
        raise ImageError("invalid image URL: no host")
    return target
