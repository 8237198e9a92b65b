"""What the offline engine sees in a product photo, computed for real with Pillow and numpy.

Coarse on purpose: dominant named colours, light or dark, and a simple pattern cue. Enough for
a rule-based simulator to describe an image consistently with its pixels, nothing more.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

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
    pattern: str  # solid | striped | checked | patterned
    coverage: float  # share of the frame the product fills


def nearest_colors(pixels: np.ndarray) -> np.ndarray:
    """Index into PALETTE of the nearest named colour of each RGB pixel (rows of `pixels`)."""
    distances = ((pixels[:, None, :] - _RGB[None, :, :]) ** 2).sum(axis=2)
    return distances.argmin(axis=1)


def analyze_image(data: bytes) -> ImageFacts:
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
        small = np.asarray(img.convert("RGB").resize((64, 64)), dtype=np.float32)
    # The background is the colour most of the border has; the product is what differs from it.
    border = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    background = np.median(border, axis=0)
    foreground = ~_background_region(np.abs(small - background).sum(axis=2) <= 60)
    if foreground.mean() < 0.02:  # nothing stands out: describe the whole frame
        foreground[:] = True
    labels = np.full((64, 64), -1)
    labels[foreground] = nearest_colors(small[foreground])
    counts = np.bincount(labels[foreground], minlength=len(_NAMES)) / foreground.sum()
    order = np.argsort(-counts)
    colors = [_NAMES[i] for i in order[:3] if counts[i] >= 0.12] or [_NAMES[order[0]]]
    luminance = float((small[foreground] @ np.array([0.299, 0.587, 0.114])).mean())
    tone = "light" if luminance > 170 else "dark" if luminance < 85 else "medium"
    return ImageFacts(width, height, colors, tone, _pattern(labels, foreground), round(float(foreground.mean()), 3))


def _background_region(near_background: np.ndarray) -> np.ndarray:
    """Background-coloured pixels connected to the border. Background-coloured pixels enclosed
    by the product (white stripes on a shirt) belong to the product."""
    region = np.zeros_like(near_background)
    region[0], region[-1], region[:, 0], region[:, -1] = (
        near_background[0], near_background[-1], near_background[:, 0], near_background[:, -1])
    while True:
        grown = region.copy()
        grown[1:] |= region[:-1]
        grown[:-1] |= region[1:]
        grown[:, 1:] |= region[:, :-1]
        grown[:, :-1] |= region[:, 1:]
        grown &= near_background
        if (grown == region).all():
            return region
        region = grown


def _pattern(labels: np.ndarray, foreground: np.ndarray) -> str:
    """Colour changes between neighbouring product pixels: along one axis means stripes.
    Only interior pixels count, so a drawn outline or a soft edge is not mistaken for a pattern."""
    inner = foreground.copy()
    inner[1:, :] &= foreground[:-1, :]
    inner[:-1, :] &= foreground[1:, :]
    inner[:, 1:] &= foreground[:, :-1]
    inner[:, :-1] &= foreground[:, 1:]
    if inner.sum() >= 16:
        foreground = inner
    across = (labels[:, 1:] != labels[:, :-1]) & foreground[:, 1:] & foreground[:, :-1]
    down = (labels[1:, :] != labels[:-1, :]) & foreground[1:, :] & foreground[:-1, :]
    area = max(int(foreground.sum()), 1)
    rate_across, rate_down = across.sum() / area, down.sum() / area
    if max(rate_across, rate_down) < 0.04:
        return "solid"
    if rate_across > 2.5 * rate_down or rate_down > 2.5 * rate_across:
        return "striped"
    if min(rate_across, rate_down) > 0.08:
        return "checked" if abs(rate_across - rate_down) < 0.3 * max(rate_across, rate_down) else "patterned"
    return "patterned"
