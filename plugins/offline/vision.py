"""What the offline engine sees in a product photo, computed for real with Pillow and numpy.

Coarse on purpose: dominant named colours, light or dark, and a simple pattern cue. Enough for
a rule-based simulator to describe an image consistently with its pixels, nothing more.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

# Named colours the engine can say. Order matters only for ties.
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (20, 20, 20), "white": (245, 245, 245), "grey": (128, 128, 128), "silver": (192, 192, 200),
    "navy": (25, 35, 90), "blue": (40, 90, 200), "light blue": (150, 195, 235), "teal": (0, 128, 128),
    "green": (40, 140, 60), "olive": (110, 110, 40), "yellow": (240, 210, 50), "gold": (205, 165, 50),
    "orange": (240, 130, 30), "red": (200, 30, 40), "burgundy": (110, 20, 40), "pink": (240, 150, 180),
    "purple": (120, 60, 160), "beige": (220, 200, 160), "brown": (120, 75, 40), "khaki": (190, 175, 120),
}
_NAMES = list(PALETTE)
_RGB = np.array([PALETTE[n] for n in _NAMES], dtype=np.float32)


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    colors: list[str]  # dominant named colours of the product (not the background), largest first
    tone: str  # light | medium | dark
    pattern: str  # solid | colour-block | striped | patterned
    coverage: float  # share of the frame the product fills


def nearest_colors(pixels: np.ndarray) -> np.ndarray:
    """Index into PALETTE of the nearest named colour of each RGB pixel (rows of `pixels`)."""
    distances = ((pixels[:, None, :] - _RGB[None, :, :]) ** 2).sum(axis=2)
    return distances.argmin(axis=1)


def _erode(mask: np.ndarray, times: int = 1) -> np.ndarray:
    for _ in range(times):
        inner = mask.copy()
        inner[1:, :] &= mask[:-1, :]
        inner[:-1, :] &= mask[1:, :]
        inner[:, 1:] &= mask[:, :-1]
        inner[:, :-1] &= mask[:, 1:]
        mask = inner
    return mask


def _dilate(mask: np.ndarray, times: int = 1) -> np.ndarray:
    return ~_erode(~mask, times)


def _grow_within(seed: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Flood fill: the pixels of `allowed` connected to `seed`."""
    region = seed & allowed
    while True:
        grown = _dilate(region) & allowed
        if (grown == region).all():
            return region
        region = grown


def product_mask(small: np.ndarray) -> np.ndarray:
    """Pixels of the product. The background is the border's colour, grown from the edges. Narrow
    background-coloured areas inside the product (white stripes, dots) belong to it; wide ones
    (the hole of a ring or a bracelet) are background seen through it."""
    border = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    near_background = np.abs(small - np.median(border, axis=0)).sum(axis=2) <= 36  # tight: white on light grey
    edges = np.zeros_like(near_background)
    edges[0] = edges[-1] = edges[:, 0] = edges[:, -1] = True
    outside = _grow_within(edges, near_background)
    enclosed = near_background & ~outside
    holes = _dilate(_erode(enclosed, 2), 2) & enclosed
    return ~(outside | holes)


@lru_cache(maxsize=1024)  # a conversation shows the same photos again and again; decoding is the cost
def analyze_image(data: bytes) -> ImageFacts:
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
        small = np.asarray(img.convert("RGB").resize((64, 64)), dtype=np.float32)
    foreground = product_mask(small)
    if foreground.mean() < 0.02:  # nothing stands out: describe the whole frame
        foreground[:] = True
    labels = np.full((64, 64), -1)
    labels[foreground] = nearest_colors(small[foreground])
    counts = np.bincount(labels[foreground], minlength=len(_NAMES)) / foreground.sum()
    order = np.argsort(-counts)
    colors = [_NAMES[i] for i in order[:3] if counts[i] >= 0.12] or [_NAMES[order[0]]]
    luminance = float((small[foreground] @ np.array([0.299, 0.587, 0.114])).mean())
    tone = "light" if luminance > 170 else "dark" if luminance < 85 else "medium"
    pattern = _pattern(labels, foreground, second_share=float(counts[order[1]]))
    return ImageFacts(width, height, colors, tone, pattern, round(float(foreground.mean()), 3))


def _pattern(labels: np.ndarray, foreground: np.ndarray, second_share: float) -> str:
    """Colour changes between neighbouring product pixels: few means solid (or colour-block when a
    second colour covers a quarter of the product), along one axis means stripes. Pixels near the
    outline are left out, so edges and anti-aliasing are not taken for a pattern."""
    foreground = _erode(foreground, 2)
    if foreground.sum() < 64:  # a thin product (a chain, a strap): too little surface to see a pattern
        return "solid"
    across = (labels[:, 1:] != labels[:, :-1]) & foreground[:, 1:] & foreground[:, :-1]
    down = (labels[1:, :] != labels[:-1, :]) & foreground[1:, :] & foreground[:-1, :]
    area = max(int(foreground.sum()), 1)
    rate_across, rate_down = across.sum() / area, down.sum() / area
    if max(rate_across, rate_down) < 0.06:
        return "colour-block" if second_share >= 0.25 else "solid"
    if max(rate_across, rate_down) > 3 * min(rate_across, rate_down) and max(rate_across, rate_down) > 0.1:
        return "striped"
    return "patterned"
