"""Product images: read from a local path or an http(s) URL, then validated with Pillow."""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path
from urllib.parse import urlparse

import httpx
from PIL import Image

from muse_core.config import IngestConfig
from muse_core.records import ImageBlob

MIME_BY_FORMAT = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


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


def read_local(ref: str, base_dir: Path, max_bytes: int) -> bytes:
    path = Path(ref) if Path(ref).is_absolute() else base_dir / ref
    try:
        size = path.stat().st_size
    except OSError:
        raise ImageError(f"image file not found: {ref}") from None
    if not path.is_file():
        raise ImageError(f"image path is not a file: {ref}")
    if size > max_bytes:
        raise ImageError(f"image file too big ({size:,} bytes > {max_bytes:,})")
    return path.read_bytes()


class ImageLoader:
    """Reads images for one ingest. A host that refused a connection once is not asked again in
    the same ingest: a catalog of URLs on an unreachable host fails fast instead of line by line."""

    def __init__(self, limits: IngestConfig) -> None:
        self.limits = limits
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(limits.image_timeout_s, connect=min(5.0, limits.image_timeout_s)),
            follow_redirects=True,
            max_redirects=3,
            headers={"User-Agent": "muse-ingest"},
        )
        self.unreachable: dict[str, str] = {}

    async def __aenter__(self) -> ImageLoader:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def load(self, ref: str, base_dir: Path) -> ImageBlob:
        """Read and validate the image at `ref`: an http(s) URL or a path relative to `base_dir`."""
        scheme = urlparse(ref).scheme.lower()
        if scheme in ("http", "https"):
            data = await self.fetch(ref)
        elif scheme == "":
            data = read_local(ref, base_dir, self.limits.max_image_bytes)
        else:
            raise ImageError(f"unsupported image URL scheme '{scheme}:' (use http, https or a local path)")
        return validate_image(data, ref, self.limits.max_image_pixels)

    async def fetch(self, url: str) -> bytes:
        """Download with a size cap and a content-type check."""
        host = urlparse(url).netloc
        if host in self.unreachable:
            raise ImageError(self.unreachable[host])
        max_bytes = self.limits.max_image_bytes
        try:
            async with self.client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise ImageError(f"image download failed: HTTP {response.status_code}")
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if not kind.startswith("image/"):
                    raise ImageError(f"image download failed: content-type {kind or 'missing'} is not an image")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise ImageError(f"image download too big ({int(declared):,} bytes > {max_bytes:,})")
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise ImageError(f"image download too big (over {max_bytes:,} bytes)")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TimeoutException:
            raise ImageError("image download failed: timed out") from None
        except httpx.ConnectError:
            self.unreachable[host] = f"image download failed: cannot connect to {host}"
            raise ImageError(self.unreachable[host]) from None
        except httpx.HTTPError as exc:
            raise ImageError(f"image download failed: {type(exc).__name__}") from None
