#!/usr/bin/env python3
"""Generate the synthetic fashion sample: catalog.jsonl (240 products) + one drawn PNG each.

Every title, brand, text and image here is invented by this script (released CC0). The
records follow the Amazon Reviews 2023 raw item-metadata schema so the same loaders work
on this sample and on the real data. Output is deterministic (seeded random.Random(2026)).

    python plugins/fashion/sample/draw_catalog.py
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

OUT_DIR = Path(__file__).resolve().parent
SEED = 2026
SIZE = 256
BACKGROUND = (236, 236, 236)  # light grey so white products still stand out

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[float, float, float, float]

# ---------------------------------------------------------------------------
# Colours and patterns
# ---------------------------------------------------------------------------

# Same RGB values as the offline engine's vision palette, so the named colour is what it reads back
# (white is a touch brighter than that palette's so it never merges with the background).
PALETTE: dict[str, RGB] = {
    "Black": (25, 25, 25),
    "White": (250, 250, 250),
    "Navy": (25, 35, 90),
    "Blue": (40, 90, 200),
    "Light Blue": (150, 195, 235),
    "Red": (200, 30, 40),
    "Burgundy": (110, 20, 40),
    "Pink": (240, 150, 180),
    "Green": (40, 140, 60),
    "Olive": (110, 110, 40),
    "Yellow": (240, 210, 50),
    "Orange": (240, 130, 30),
    "Beige": (220, 200, 160),
    "Brown": (120, 75, 40),
    "Grey": (128, 128, 128),
    "Purple": (120, 60, 160),
    "Gold": (205, 165, 50),
    "Silver": (192, 192, 200),
}

CLOTH = tuple(name for name in PALETTE if name not in ("Gold", "Silver"))
DENIM = ("Blue", "Light Blue", "Navy", "Black", "Grey", "White")
LEATHER = ("Black", "Brown", "Beige", "Burgundy", "Navy", "Olive", "Grey", "White", "Red", "Pink")
SUEDE = ("Brown", "Beige", "Grey", "Black", "Olive", "Navy", "Burgundy")
STRAW = ("Beige", "Brown", "White", "Black")
METAL = ("Gold", "Silver")
GEMS = ("Red", "Blue", "Green", "Purple", "Pink", "Light Blue", "White")

PATTERNS = ("Solid", "Striped", "Plaid", "Polka Dot", "Floral", "Color Block")
SOLID = ("Solid",)

# Several phrasings per pattern so titles don't all read alike; {p}/{s} = colour names.
LOOK_PHRASES: dict[str, tuple[str, ...]] = {
    "Solid": ("{p}", "{p}", "Solid {p}"),
    "Striped": ("{p} and {s} Striped", "{p} {s} Stripe", "{p} Striped"),
    "Plaid": ("{p} and {s} Plaid", "{p} Plaid Check", "{p} {s} Checked Plaid"),
    "Polka Dot": ("{p} Polka Dot", "{p} with {s} Polka Dots", "{p} and {s} Polka Dot"),
    "Floral": ("{p} Floral Print", "{p} Floral", "{p} with {s} Floral"),
    "Color Block": ("{p} and {s} Color Block", "{p}/{s} Colorblock", "Color Block {p} {s}"),
}
# Words that must appear in a title for each pattern (checked, lower-case).
PATTERN_WORDS = {
    "Solid": "",
    "Striped": "stripe",
    "Plaid": "plaid",
    "Polka Dot": "polka dot",
    "Floral": "floral",
    "Color Block": "color",
}


@dataclass(frozen=True)
class Look:
    """What the image shows and the text names: colour names from PALETTE and a pattern."""

    primary: str
    secondary: str | None
    pattern: str


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def shade(c: RGB, factor: float = 0.55) -> RGB:
    return (round(c[0] * factor), round(c[1] * factor), round(c[2] * factor))


def luminance(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def detail_colour(c: RGB) -> RGB:
    # Seams drawn darker than the fabric vanish on black/navy, so lighten those instead.
    return mix(c, (255, 255, 255), 0.45) if luminance(c) < 80 else shade(c)


def distinct(a: str, b: str) -> bool:
    """True when two palette colours are far enough apart to read as a pattern."""
    return math.dist(PALETTE[a], PALETTE[b]) > 110


# ---------------------------------------------------------------------------
# Drawing: a Sketch collects a patterned body mask plus fixed-colour parts and seams
# ---------------------------------------------------------------------------

Op = tuple[str, object, dict[str, object]]  # ImageDraw method name, xy, keyword args


class Sketch:
    """Three layers: parts under the body, the body (pattern-filled via a mask), parts/seams over it."""

    def __init__(self, look: Look) -> None:
        self.look = look
        self.mask = Image.new("L", (SIZE, SIZE), 0)
        self._body = ImageDraw.Draw(self.mask)
        self.under: list[Op] = []
        self.over: list[Op] = []
        self.seam = detail_colour(PALETTE[look.primary])

    # -- body: filled with the product's colour and pattern --
    def poly(self, pts: list[Point]) -> None:
        self._body.polygon(pts, fill=255)

    def ellipse(self, box: Box) -> None:
        self._body.ellipse(box, fill=255)

    def rect(self, box: Box, radius: int = 0) -> None:
        self._body.rounded_rectangle(box, radius, fill=255)

    def chord(self, box: Box, start: float, end: float) -> None:
        self._body.chord(box, start, end, fill=255)

    def band(self, box: Box, width: int, start: float = 0, end: float = 360) -> None:
        self._body.arc(box, start, end, fill=255, width=width)

    def strap(self, pts: list[Point], width: int) -> None:
        self._body.line(pts, fill=255, width=width, joint="curve")

    def cut_poly(self, pts: list[Point]) -> None:
        self._body.polygon(pts, fill=0)

    def cut_ellipse(self, box: Box) -> None:
        self._body.ellipse(box, fill=0)

    # -- parts in a fixed colour (soles, lenses, metal, gems), outlined in a darker shade --
    def part_poly(self, pts: list[Point], fill: RGB, under: bool = False) -> None:
        (self.under if under else self.over).append(("polygon", pts, {"fill": fill, "outline": shade(fill, 0.6), "width": 2}))

    def part_ellipse(self, box: Box, fill: RGB, under: bool = False) -> None:
        (self.under if under else self.over).append(("ellipse", box, {"fill": fill, "outline": shade(fill, 0.6), "width": 2}))

    def part_rect(self, box: Box, fill: RGB, radius: int = 0, under: bool = False) -> None:
        op: Op = ("rounded_rectangle", box, {"radius": radius, "fill": fill, "outline": shade(fill, 0.6), "width": 2})
        (self.under if under else self.over).append(op)

    def part_frame(self, box: Box, fill: RGB, width: int, radius: int = 0) -> None:
        self.over.append(("rounded_rectangle", box, {"radius": radius, "outline": fill, "width": width}))

    # -- seams and small details, in the seam colour unless told otherwise --
    def line(self, pts: list[Point], width: int = 2, colour: RGB | None = None) -> None:
        self.over.append(("line", pts, {"fill": colour or self.seam, "width": width, "joint": "curve"}))

    def arc(self, box: Box, start: float, end: float, width: int = 2, colour: RGB | None = None) -> None:
        self.over.append(("arc", box, {"start": start, "end": end, "fill": colour or self.seam, "width": width}))

    def dot(self, centre: Point, r: float, colour: RGB | None = None) -> None:
        x, y = centre
        self.over.append(("ellipse", (x - r, y - r, x + r, y + r), {"fill": colour or self.seam}))

    def seam_poly(self, pts: list[Point], width: int = 2) -> None:
        self.over.append(("line", [*pts, pts[0]], {"fill": self.seam, "width": width, "joint": "curve"}))

    def seam_rect(self, box: Box, radius: int = 0, width: int = 2) -> None:
        self.over.append(("rounded_rectangle", box, {"radius": radius, "outline": self.seam, "width": width}))


def mirror(pts: list[Point]) -> list[Point]:
    """Reflect points across the vertical centre line (left sleeve -> right sleeve)."""
    return [(SIZE - x, y) for x, y in pts]


def mirror_box(box: Box) -> Box:
    x0, y0, x1, y1 = box
    return (SIZE - x1, y0, SIZE - x0, y1)


def pattern_fill(look: Look, bbox: tuple[int, int, int, int]) -> Image.Image:
    """A full-canvas swatch of the look's pattern, anchored to the body's bounding box."""
    p = PALETTE[look.primary]
    s = PALETTE[look.secondary] if look.secondary else p
    img = Image.new("RGB", (SIZE, SIZE), p)
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = bbox
    if look.pattern == "Striped":
        for y in range(y0 + 6, y1, 18):
            d.rectangle((0, y, SIZE, y + 7), fill=s)
    elif look.pattern == "Plaid":
        blend = mix(p, s, 0.5)
        xs, ys = range(x0 + 4, x1, 28), range(y0 + 4, y1, 28)
        for x in xs:
            d.rectangle((x, 0, x + 9, SIZE), fill=blend)
        for y in ys:
            d.rectangle((0, y, SIZE, y + 9), fill=blend)
        for x in xs:
            for y in ys:
                d.rectangle((x, y, x + 9, y + 9), fill=s)
            d.line((x + 19, 0, x + 19, SIZE), fill=s, width=1)
        for y in ys:
            d.line((0, y + 19, SIZE, y + 19), fill=s, width=1)
    elif look.pattern == "Polka Dot":
        for row, y in enumerate(range(y0 + 8, y1, 18)):
            for x in range(x0 + 8 + (row % 2) * 10, x1, 20):
                d.ellipse((x - 4, y - 4, x + 4, y + 4), fill=s)
    elif look.pattern == "Floral":
        centre = shade(s, 0.6) if luminance(s) > 90 else mix(s, (255, 255, 255), 0.6)
        for row, y in enumerate(range(y0 + 12, y1, 28)):
            for x in range(x0 + 12 + (row % 2) * 14, x1, 28):
                for k in range(5):  # five round petals around a contrasting centre
                    a = k * 2 * math.pi / 5
                    px, py = x + 6 * math.cos(a), y + 6 * math.sin(a)
                    d.ellipse((px - 4, py - 4, px + 4, py + 4), fill=s)
                d.ellipse((x - 3, y - 3, x + 3, y + 3), fill=centre)
    elif look.pattern == "Color Block":
        d.rectangle((0, (y0 + y1) // 2, SIZE, SIZE), fill=s)
    return img


def render(drawer: Callable[[Sketch], None], look: Look) -> Image.Image:
    sketch = Sketch(look)
    drawer(sketch)
    img = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(img)
    for name, xy, kwargs in sketch.under:
        getattr(draw, name)(xy, **kwargs)
    bbox = sketch.mask.getbbox()
    assert bbox is not None, "drawer produced an empty body"
    img.paste(pattern_fill(look, bbox), mask=sketch.mask)
    # A 2px darker ring around the body keeps light products visible on the light background.
    ring = ImageChops.subtract(sketch.mask.filter(ImageFilter.MaxFilter(5)), sketch.mask)
    img.paste(shade(PALETTE[look.primary], 0.55), mask=ring)
    for name, xy, kwargs in sketch.over:
        getattr(draw, name)(xy, **kwargs)
    return img


# -- fixed part colours --
SOLE_WHITE: RGB = (246, 246, 244)
SOLE_DARK: RGB = (52, 46, 42)
CORK: RGB = (206, 168, 120)
LINING: RGB = (214, 196, 172)
FUR: RGB = (244, 238, 226)
LENS: RGB = (52, 58, 70)
DIAL: RGB = (250, 250, 246)
SHIRT: RGB = (246, 246, 246)
CARD_A: RGB = (120, 160, 200)
CARD_B: RGB = (220, 200, 120)


def metal_for(look: Look) -> RGB:
    """Hardware (buckles, clasps, watch cases) matches gold items, otherwise silver."""
    return PALETTE["Gold"] if look.primary in ("Gold", "Brown", "Beige", "Burgundy") else PALETTE["Silver"]


# ---------------------------------------------------------------------------
# Silhouettes (all on a 256x256 canvas; shoes face right)
# ---------------------------------------------------------------------------

SLEEVES: dict[str, list[Point]] = {
    "short": [(72, 52), (32, 98), (56, 124), (84, 104)],
    "three_quarter": [(72, 52), (42, 108), (30, 166), (56, 172), (66, 126), (84, 104)],
    "long": [(72, 52), (44, 116), (30, 206), (56, 210), (66, 132), (84, 104)],
}


def draw_top(sk: Sketch, sleeve: str, hem: int, flare: int = 0, neck: str = "crew") -> None:
    """Shared torso + sleeves for tees, shirts, knits and jackets."""
    sk.poly([(104, 38), (70, 52), (80, 106), (80 - flare, hem), (176 + flare, hem), (176, 106), (186, 52), (152, 38)])
    sk.poly(SLEEVES[sleeve])
    sk.poly(mirror(SLEEVES[sleeve]))
    if neck == "crew":
        sk.cut_ellipse((104, 22, 152, 56))
        sk.arc((104, 22, 152, 56), 20, 160, 3)
    elif neck == "v":
        sk.cut_poly([(102, 34), (154, 34), (128, 84)])
    # armhole seams make the sleeves read as set-in sleeves
    sk.line([(72, 54), (83, 104)])
    sk.line(mirror([(72, 54), (83, 104)]))


def draw_tshirt(sk: Sketch) -> None:
    draw_top(sk, "short", hem=216)
    sk.line([(40, 108), (60, 120)])
    sk.line(mirror([(40, 108), (60, 120)]))
    sk.line([(82, 206), (174, 206)])


def draw_blouse(sk: Sketch) -> None:
    draw_top(sk, "three_quarter", hem=214, flare=14, neck="v")
    sk.line([(82, 130), (128, 140), (174, 130)])  # empire seam under the bust
    sk.line([(34, 152), (60, 158)])
    sk.line(mirror([(34, 152), (60, 158)]))


def draw_shirt(sk: Sketch) -> None:
    draw_top(sk, "long", hem=222, neck="v")
    # collar points fill the V, then a button placket runs down the centre
    sk.poly([(102, 34), (128, 52), (116, 70)])
    sk.poly(mirror([(102, 34), (128, 52), (116, 70)]))
    sk.seam_poly([(102, 34), (128, 52), (116, 70)])
    sk.seam_poly(mirror([(102, 34), (128, 52), (116, 70)]))
    sk.line([(128, 56), (128, 220)])
    for y in range(76, 216, 26):
        sk.dot((134, y), 3)
    sk.seam_rect((92, 118, 118, 140), radius=2)
    sk.line([(32, 190), (56, 194)])
    sk.line(mirror([(32, 190), (56, 194)]))


def draw_sweater(sk: Sketch) -> None:
    draw_top(sk, "long", hem=218, neck="crew")
    sk.arc((98, 16, 158, 62), 20, 160, 3)
    for x in range(84, 176, 8):  # ribbed hem
        sk.line([(x, 202), (x, 216)], 1)
    sk.line([(80, 202), (176, 202)])
    for cuff in ([(31, 192), (56, 196)], mirror([(31, 192), (56, 196)])):
        sk.line(cuff)


def draw_hoodie(sk: Sketch) -> None:
    sk.ellipse((92, 6, 164, 74))  # hood behind the neck
    draw_top(sk, "long", hem=218, neck="none")
    sk.ellipse((100, 22, 156, 66))
    sk.arc((100, 22, 156, 66), 0, 360, 3)
    sk.line([(118, 64), (116, 104)], 3)
    sk.line([(138, 64), (140, 104)], 3)
    sk.seam_poly([(96, 150), (160, 150), (176, 200), (80, 200)])  # kangaroo pocket
    sk.line([(80, 206), (176, 206)])


def draw_jacket(sk: Sketch) -> None:
    draw_top(sk, "long", hem=200, neck="none")
    sk.rect((104, 24, 152, 46), radius=6)  # stand collar
    sk.seam_rect((104, 24, 152, 46), radius=6)
    sk.line([(128, 46), (128, 200)], 3)
    for y in range(52, 198, 8):  # zipper teeth
        sk.line([(124, y), (132, y)], 1)
    sk.line([(90, 150), (104, 176)], 3)
    sk.line(mirror([(90, 150), (104, 176)]), 3)
    sk.line([(80, 188), (176, 188)])


def lapels(sk: Sketch, depth: int) -> None:
    """Shirt showing in a V opening, with notched lapels either side."""
    sk.part_poly([(110, 36), (146, 36), (128, depth)], SHIRT)
    sk.line([(104, 38), (128, depth)], 3)
    sk.line([(152, 38), (128, depth)], 3)
    sk.line([(104, 38), (96, 64), (110, 70), (128, depth)])
    sk.line(mirror([(104, 38), (96, 64), (110, 70), (128, depth)]))


def draw_coat(sk: Sketch) -> None:
    draw_top(sk, "long", hem=238, flare=8, neck="none")
    lapels(sk, 112)
    for y in (132, 168):  # double-breasted button pairs
        sk.dot((114, y), 4)
        sk.dot((142, y), 4)
    sk.line([(128, 112), (128, 238)])
    sk.line([(86, 186), (110, 186)], 3)
    sk.line(mirror([(86, 186), (110, 186)]), 3)


def draw_blazer(sk: Sketch) -> None:
    draw_top(sk, "long", hem=206, neck="none")
    lapels(sk, 130)
    sk.dot((128, 148), 4)
    sk.dot((128, 176), 4)
    sk.line([(128, 130), (124, 206)])
    sk.line([(88, 176), (112, 176)], 3)
    sk.line(mirror([(88, 176), (112, 176)]), 3)
    sk.line([(150, 96), (170, 96)], 3)  # breast pocket


def draw_tank(sk: Sketch) -> None:
    sk.poly([(96, 32), (110, 32), (128, 62), (146, 32), (160, 32), (166, 70), (184, 106), (186, 216),
             (70, 216), (72, 106), (90, 70)])
    sk.line([(110, 34), (128, 62), (146, 34)], 3)
    sk.arc((150, 36, 214, 112), 90, 180, 3)
    sk.arc(mirror_box((150, 36, 214, 112)), 0, 90, 3)
    sk.line([(72, 206), (184, 206)])


def draw_dress(sk: Sketch) -> None:
    sk.strap([(106, 64), (110, 22)], 6)
    sk.strap([(150, 64), (146, 22)], 6)
    sk.poly([(96, 58), (112, 68), (128, 74), (144, 68), (160, 58), (164, 120), (92, 120)])  # bodice
    sk.poly([(92, 118), (164, 118), (212, 240), (44, 240)])  # A-line skirt
    sk.line([(92, 120), (164, 120)], 3)
    for top, bottom in (((112, 124), (92, 236)), ((144, 124), (164, 236)), ((128, 124), (128, 236))):
        sk.line([top, bottom], 1)


def draw_skirt(sk: Sketch) -> None:
    sk.rect((84, 36, 172, 62), radius=4)
    sk.poly([(84, 60), (172, 60), (214, 218), (42, 218)])
    sk.line([(84, 62), (172, 62)], 3)
    for x_top, x_bottom in ((100, 80), (118, 108), (138, 148), (156, 176)):
        sk.line([(x_top, 66), (x_bottom, 214)], 1)


def legs(sk: Sketch, hem: int, hem_width: int, crotch: int, spread: int = 6) -> None:
    """Two trouser legs hanging from a waistband at y=30."""
    sk.poly([(76, 30), (180, 30), (180 + spread, hem), (180 + spread - hem_width, hem), (128, crotch),
             (76 - spread + hem_width, hem), (76 - spread, hem)])
    sk.line([(76, 46), (180, 46)])


def draw_jeans(sk: Sketch) -> None:
    legs(sk, hem=234, hem_width=50, crotch=104)
    sk.line([(128, 46), (128, 92), (118, 100)])  # fly
    sk.arc((64, 18, 112, 78), 0, 90, 2)  # front pocket openings
    sk.arc(mirror_box((64, 18, 112, 78)), 90, 180, 2)
    for x in (92, 128, 164):
        sk.line([(x, 28), (x, 48)], 3)  # belt loops
    sk.line([(72, 222), (118, 222)], 1)
    sk.line(mirror([(72, 222), (118, 222)]), 1)


def draw_trousers(sk: Sketch) -> None:
    legs(sk, hem=236, hem_width=58, crotch=100, spread=12)
    sk.line([(128, 46), (128, 90)])
    sk.line([(98, 50), (92, 234)], 1)  # pressed creases
    sk.line(mirror([(98, 50), (92, 234)]), 1)
    sk.line([(80, 50), (96, 84)])
    sk.line(mirror([(80, 50), (96, 84)]))


def draw_shorts(sk: Sketch) -> None:
    legs(sk, hem=144, hem_width=66, crotch=112, spread=14)
    sk.line([(128, 46), (128, 92)])
    sk.line([(80, 50), (98, 80)])
    sk.line(mirror([(80, 50), (98, 80)]))
    sk.line([(64, 134), (126, 134)], 1)
    sk.line(mirror([(64, 134), (126, 134)]), 1)


def draw_trunks(sk: Sketch) -> None:
    legs(sk, hem=150, hem_width=70, crotch=118, spread=16)
    sk.line([(122, 46), (116, 80)], 2)  # drawstring
    sk.line([(134, 46), (140, 80)], 2)
    sk.dot((128, 44), 4)


def draw_leggings(sk: Sketch) -> None:
    sk.poly([(86, 30), (170, 30), (176, 104), (162, 236), (140, 236), (128, 98), (116, 236), (94, 236), (80, 104)])
    sk.line([(84, 52), (172, 52)], 3)
    sk.line([(86, 118), (104, 232)], 1)
    sk.line(mirror([(86, 118), (104, 232)]), 1)


def draw_swimsuit(sk: Sketch) -> None:
    sk.strap([(102, 62), (108, 22)], 6)
    sk.strap([(154, 62), (148, 22)], 6)
    sk.poly([(94, 58), (128, 74), (162, 58), (166, 100), (154, 142), (164, 178), (142, 220), (114, 220),
             (92, 178), (102, 142), (90, 100)])
    sk.arc((94, 40, 162, 80), 30, 150, 2)


def shoe_laces(sk: Sketch, start: Point, end: Point, n: int) -> None:
    (x0, y0), (x1, y1) = start, end
    for i in range(n):
        t = i / (n - 1)
        x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        sk.line([(x - 7, y - 9), (x + 7, y + 9)], 3, colour=SOLE_WHITE if luminance(PALETTE[sk.look.primary]) < 200 else SOLE_DARK)


def draw_sneaker(sk: Sketch) -> None:
    sk.poly([(36, 170), (38, 118), (52, 102), (82, 106), (104, 116), (126, 104), (136, 86), (152, 88),
             (162, 110), (200, 134), (224, 152), (230, 172)])
    sk.part_rect((30, 164, 234, 192), SOLE_WHITE, radius=12)
    sk.line([(36, 178), (228, 178)], 1, colour=shade(SOLE_WHITE, 0.75))
    shoe_laces(sk, (142, 104), (186, 132), 4)
    sk.arc((60, 124, 170, 200), 200, 300, 3)  # side stripe
    sk.line([(40, 120), (60, 160)], 2)


def draw_running_shoe(sk: Sketch) -> None:
    sk.poly([(36, 158), (34, 112), (44, 92), (60, 100), (92, 116), (118, 104), (130, 88), (146, 90),
             (164, 112), (206, 138), (232, 160), (232, 176), (40, 176)])
    sk.part_poly([(28, 152), (120, 166), (236, 170), (238, 184), (226, 196), (48, 198), (30, 188)], SOLE_WHITE)
    for x in range(50, 220, 24):  # midsole flex grooves
        sk.line([(x, 182), (x + 10, 196)], 2, colour=shade(SOLE_WHITE, 0.7))
    shoe_laces(sk, (138, 102), (184, 132), 4)
    sk.line([(70, 150), (110, 126), (150, 146)], 3)
    sk.line([(34, 112), (44, 92)], 4)


def draw_boot(sk: Sketch) -> None:
    sk.poly([(68, 30), (128, 30), (130, 118), (144, 138), (196, 150), (222, 164), (228, 186), (60, 186), (62, 120)])
    sk.part_rect((60, 182, 104, 212), SOLE_DARK)  # block heel
    sk.part_rect((56, 182, 232, 198), SOLE_DARK, radius=6)
    sk.part_poly([(84, 32), (112, 32), (104, 104), (92, 104)], (58, 58, 62))  # elastic side gusset
    sk.strap([(70, 30), (74, 14), (82, 30)], 4)  # pull tab
    sk.line([(130, 118), (144, 138)], 2)


def draw_hiking_boot(sk: Sketch) -> None:
    sk.poly([(62, 60), (126, 52), (138, 110), (162, 124), (208, 140), (230, 160), (232, 184), (56, 184), (52, 120)])
    for x in range(54, 224, 18):  # lugs
        sk.part_rect((x, 190, x + 12, 206), SOLE_DARK, radius=2)
    sk.part_rect((48, 178, 236, 196), SOLE_DARK, radius=6)
    sk.rect((58, 46, 130, 66), radius=10)  # padded collar
    sk.seam_rect((58, 46, 130, 66), radius=10)
    for i in range(5):  # hooks and laces up the front
        x, y = 132 + i * 7, 70 + i * 14
        sk.dot((x, y), 4, colour=metal_for(sk.look))
        sk.line([(x - 14, y + 6), (x + 2, y + 2)], 3, colour=SOLE_DARK)
    sk.arc((176, 132, 256, 200), 180, 260, 3)  # toe cap


def draw_sandal(sk: Sketch) -> None:
    # Top view: a cork footbed with two wide straps.
    sk.part_ellipse((82, 20, 174, 132), CORK, under=True)
    sk.part_poly([(86, 84), (170, 84), (160, 186), (96, 186)], CORK, under=True)
    sk.part_ellipse((90, 150, 162, 238), CORK, under=True)
    sk.poly([(70, 64), (186, 64), (182, 110), (74, 110)])
    sk.poly([(76, 140), (178, 140), (174, 174), (80, 174)])
    sk.part_frame((160, 146, 184, 168), metal_for(sk.look), 4, radius=3)


def draw_heel(sk: Sketch) -> None:
    sk.poly([(58, 92), (76, 102), (112, 128), (150, 148), (192, 160), (222, 176), (232, 194), (222, 202),
             (190, 198), (150, 186), (112, 164), (88, 148), (70, 144), (58, 132)])
    sk.poly([(60, 136), (86, 142), (82, 216), (74, 216)])  # stiletto
    sk.part_poly([(64, 100), (110, 130), (150, 150), (110, 142), (70, 120)], LINING)
    sk.line([(88, 150), (112, 166), (150, 188), (190, 200), (222, 202)], 3, colour=SOLE_DARK)
    sk.line([(72, 216), (84, 216)], 4, colour=SOLE_DARK)


def draw_loafer(sk: Sketch) -> None:
    sk.poly([(36, 176), (38, 130), (62, 122), (102, 128), (132, 122), (172, 128), (208, 144), (228, 162), (230, 180)])
    sk.part_rect((34, 176, 76, 198), SOLE_DARK)
    sk.part_rect((30, 174, 234, 188), SOLE_DARK, radius=6)
    sk.arc((120, 112, 236, 176), 180, 300, 2)  # moc-toe apron stitch
    sk.line([(126, 142), (172, 142)], 5)  # penny strap
    sk.line([(140, 142), (158, 142)], 3, colour=PALETTE["Black"] if luminance(PALETTE[sk.look.primary]) > 80 else SOLE_WHITE)


def draw_flat(sk: Sketch) -> None:
    sk.poly([(38, 184), (40, 140), (70, 150), (120, 158), (160, 150), (200, 156), (224, 170), (230, 186)])
    sk.part_poly([(46, 146), (120, 160), (160, 152), (120, 150), (70, 144)], LINING)
    sk.line([(36, 186), (230, 188)], 4, colour=SOLE_DARK)
    bow = shade(PALETTE[sk.look.primary], 0.75) if luminance(PALETTE[sk.look.primary]) > 80 else mix(PALETTE[sk.look.primary], (255, 255, 255), 0.35)
    sk.part_poly([(150, 146), (164, 154), (150, 162)], bow)
    sk.part_poly([(178, 146), (164, 154), (178, 162)], bow)
    sk.part_ellipse((160, 150, 168, 158), bow)


def draw_slipper(sk: Sketch) -> None:
    sk.poly([(36, 174), (38, 132), (70, 124), (110, 130), (146, 114), (190, 120), (222, 144), (230, 176)])
    sk.part_rect((30, 172, 234, 190), (96, 86, 80), radius=8)
    for x in range(40, 150, 14):  # fuzzy lining peeking over the collar
        y = 126 + (x - 40) * -0.06
        sk.part_ellipse((x - 9, y - 10, x + 9, y + 8), FUR)
    sk.arc((140, 112, 240, 190), 200, 320, 2)


def draw_necklace(sk: Sketch) -> None:
    sk.band((60, 18, 196, 190), 5)
    sk.ellipse((120, 182, 136, 198))  # bail
    sk.ellipse((106, 192, 150, 244))  # pendant
    if sk.look.secondary:
        sk.part_ellipse((116, 202, 140, 234), PALETTE[sk.look.secondary])
        sk.line([(122, 210), (126, 214)], 2, colour=(255, 255, 255))
    else:
        sk.arc((112, 198, 144, 238), 0, 360, 2)
    sk.part_rect((122, 12, 134, 24), PALETTE[sk.look.primary], radius=3)  # clasp


def draw_earrings(sk: Sketch) -> None:
    for cx in (88, 168):
        sk.band((cx - 2, 26, cx + 24, 68), 4, 180, 330)  # fish hook
        sk.strap([(cx, 48), (cx, 92)], 4)
        sk.ellipse((cx - 24, 110, cx + 24, 160))
        sk.poly([(cx - 21, 124), (cx + 21, 124), (cx, 88)])
        if sk.look.secondary:
            sk.part_ellipse((cx - 14, 118, cx + 14, 152), PALETTE[sk.look.secondary])
            sk.line([(cx - 6, 126), (cx - 2, 130)], 2, colour=(255, 255, 255))
        else:
            sk.arc((cx - 16, 116, cx + 16, 154), 0, 360, 2)


def draw_ring(sk: Sketch) -> None:
    sk.band((60, 98, 196, 222), 16)
    sk.arc((66, 104, 190, 216), 200, 250, 2, colour=(255, 255, 255))  # shine
    if sk.look.secondary:
        sk.poly([(108, 82), (148, 82), (140, 106), (116, 106)])  # setting
        sk.part_poly([(100, 58), (156, 58), (166, 72), (128, 100), (90, 72)], PALETTE[sk.look.secondary])
        sk.line([(90, 72), (166, 72)], 1, colour=(255, 255, 255))
        sk.line([(116, 58), (128, 100), (140, 58)], 1, colour=(255, 255, 255))


def draw_bracelet(sk: Sketch) -> None:
    cx, cy, rx, ry = 128, 118, 88, 62
    for k in range(22):  # interlocking chain links around an oval
        a = k * 2 * math.pi / 22
        x, y = cx + rx * math.cos(a), cy + ry * math.sin(a)
        sk.band((x - 12, y - 9, x + 12, y + 9), 5)
    sk.strap([(128, 180), (128, 198)], 4)
    sk.ellipse((110, 194, 146, 230))  # charm
    if sk.look.secondary:
        sk.part_ellipse((118, 202, 138, 222), PALETTE[sk.look.secondary])


def draw_watch(sk: Sketch) -> None:
    sk.rect((100, 10, 156, 96), radius=8)
    sk.rect((100, 160, 156, 246), radius=8)
    for y in (194, 210, 226):
        sk.dot((128, y), 3)
    metal = PALETTE["Gold"] if sk.look.primary == "Gold" else PALETTE["Silver"]
    sk.part_rect((184, 118, 198, 138), metal, radius=3)  # crown
    sk.part_ellipse((70, 70, 186, 186), metal)
    sk.part_ellipse((82, 82, 174, 174), DIAL)
    for k in range(12):
        a = k * math.pi / 6
        r0 = 36 if k % 3 else 32
        sk.line([(128 + r0 * math.cos(a), 128 + r0 * math.sin(a)), (128 + 42 * math.cos(a), 128 + 42 * math.sin(a))],
                2, colour=SOLE_DARK)
    sk.line([(128, 128), (128, 96)], 3, colour=SOLE_DARK)
    sk.line([(128, 128), (152, 140)], 3, colour=SOLE_DARK)
    sk.dot((128, 128), 4, colour=SOLE_DARK)


def draw_handbag(sk: Sketch) -> None:
    sk.band((82, 44, 174, 164), 10, 180, 360)  # top handle
    sk.poly([(56, 104), (200, 104), (216, 222), (40, 222)])
    sk.seam_poly([(56, 104), (200, 104), (194, 150), (128, 162), (62, 150)])  # flap
    sk.part_rect((118, 152, 138, 170), metal_for(sk.look), radius=3)
    sk.line([(44, 212), (212, 212)], 1)


def draw_backpack(sk: Sketch) -> None:
    sk.band((102, 26, 154, 74), 7, 180, 360)  # grab handle
    sk.strap([(72, 70), (50, 112), (52, 202), (70, 216)], 9)
    sk.strap(mirror([(72, 70), (50, 112), (52, 202), (70, 216)]), 9)
    sk.rect((66, 48, 190, 228), radius=36)
    sk.seam_rect((84, 134, 172, 212), radius=16)  # front pocket
    sk.arc((70, 54, 186, 150), 200, 340, 3)  # main zip
    sk.line([(88, 146), (168, 146)], 3)
    sk.part_rect((150, 140, 160, 160), metal_for(sk.look), radius=2)


def draw_wallet(sk: Sketch) -> None:
    sk.part_rect((56, 58, 120, 100), CARD_A, radius=4, under=True)
    sk.part_rect((136, 62, 200, 100), CARD_B, radius=4, under=True)
    sk.rect((36, 80, 220, 186), radius=12)
    sk.line([(128, 82), (128, 184)], 3)  # fold
    for x0, x1 in ((46, 118), (138, 210)):  # dashed stitching
        for x in range(x0, x1, 10):
            sk.line([(x, 90), (x + 5, 90)], 1)
            sk.line([(x, 176), (x + 5, 176)], 1)


def draw_belt(sk: Sketch) -> None:
    sk.poly([(40, 110), (212, 110), (238, 128), (212, 146), (40, 146)])
    sk.rect((70, 104, 86, 152), radius=2)  # keeper loop
    sk.seam_rect((70, 104, 86, 152), radius=2)
    for x in range(150, 212, 14):
        sk.dot((x, 128), 3, colour=shade(PALETTE[sk.look.primary], 0.4))
    sk.line([(48, 116), (208, 116)], 1)
    sk.line([(48, 140), (208, 140)], 1)
    metal = metal_for(sk.look)
    sk.part_frame((14, 96, 62, 160), metal, 7, radius=6)
    sk.line([(22, 128), (56, 128)], 4, colour=metal)  # prong


def draw_hat(sk: Sketch) -> None:
    sk.rect((74, 58, 182, 168), radius=38)  # crown
    sk.ellipse((16, 140, 240, 196))  # brim
    sk.part_rect((74, 132, 182, 154), shade(PALETTE[sk.look.primary], 0.5), radius=2)  # hatband
    sk.arc((104, 54, 152, 96), 20, 160, 3)  # crown pinch
    sk.arc((16, 140, 240, 196), 20, 160, 2)


def draw_beanie(sk: Sketch) -> None:
    sk.ellipse((108, 6, 148, 48))  # pom-pom
    sk.chord((58, 34, 198, 234), 180, 360)
    sk.rect((54, 126, 202, 194), radius=10)  # folded cuff
    for x in range(64, 196, 9):
        sk.line([(x, 132), (x, 188)], 1)
    sk.line([(56, 130), (200, 130)], 2)


def draw_scarf(sk: Sketch) -> None:
    sk.band((72, 22, 184, 104), 26)  # loop around the neck
    sk.poly([(94, 84), (134, 84), (120, 222), (80, 222)])
    sk.poly([(128, 92), (168, 88), (178, 214), (140, 218)])
    for x in range(82, 122, 7):  # fringe
        sk.strap([(x, 220), (x - 2, 240)], 2)
    for x in range(142, 180, 7):
        sk.strap([(x, 216), (x + 2, 236)], 2)
    sk.line([(128, 92), (140, 218)], 2)


def draw_sunglasses(sk: Sketch) -> None:
    sk.rect((26, 92, 122, 166), radius=30)
    sk.rect((134, 92, 230, 166), radius=30)
    sk.band((108, 92, 148, 126), 8, 200, 340)  # bridge
    sk.strap([(26, 100), (10, 104)], 8)  # temple stubs
    sk.strap([(230, 100), (246, 104)], 8)
    for box in ((34, 100, 114, 158), (142, 100, 222, 158)):
        sk.part_rect(box, LENS, radius=24)
        x0, y0 = box[0], box[1]
        sk.line([(x0 + 18, y0 + 30), (x0 + 34, y0 + 12)], 3, colour=mix(LENS, (255, 255, 255), 0.4))


# ---------------------------------------------------------------------------
# Product-type table
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    name: str  # short name for titles and details["Material"]
    composition: str  # first feature bullet, e.g. "100% Linen"
    care: str
    colours: tuple[str, ...] = ()  # restricts the type's palette (denim blues, metals ...)
    patterns: tuple[str, ...] = ()  # restricts the type's patterns (denim is solid ...)


@dataclass(frozen=True)
class ProductType:
    key: str
    group: str  # "clothing" | "shoes" | "accessories"
    count: int
    nouns: tuple[str, ...]
    category: tuple[str, ...]  # categories after the department
    departments: tuple[str, ...]
    price: tuple[float, float]
    colours: tuple[str, ...]
    patterns: tuple[str, ...]
    materials: tuple[Material, ...]
    closures: tuple[str, ...]  # empty: no "Closure Type" detail
    occasions: tuple[str, ...]
    seasons: tuple[str, ...]
    styles: tuple[str, ...]
    titles: tuple[str, ...]
    points: tuple[str, ...]  # type-specific feature bullets
    pitch: tuple[str, ...]  # type-specific description sentences
    draw: Callable[[Sketch], None]
    extras: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gem: bool = False  # jewellery: optional stone in the secondary colour


def m(name: str, composition: str, care: str, colours: tuple[str, ...] = (), patterns: tuple[str, ...] = ()) -> Material:
    return Material(name, composition, care, colours, patterns)


WASH = "Machine Wash Cold, Tumble Dry Low"
GENTLE = "Machine Wash Cold on Gentle Cycle, Hang to Dry"
HAND = "Hand Wash Cold, Lay Flat to Dry"
DRY = "Dry Clean Only"
WIPE = "Wipe Clean with a Damp Cloth"
POLISH = "Polish with a Soft Cloth; Keep Away from Water and Perfume"

COTTON = m("Cotton", "100% Cotton", WASH)
LINEN = m("Linen", "100% Linen", GENTLE)
CHIFFON = m("Chiffon", "100% Polyester Chiffon", HAND)
SATIN = m("Satin", "97% Polyester, 3% Spandex Satin", HAND)
WOOL_BLEND = m("Wool Blend", "60% Wool, 40% Polyester", DRY)
TWEED = m("Tweed", "100% Wool Tweed", DRY, patterns=("Plaid", "Solid"))
CORDUROY = m("Corduroy", "100% Cotton Corduroy", WASH, patterns=("Solid", "Color Block"))
DENIM_M = m("Denim", "98% Cotton, 2% Elastane Denim", WASH, DENIM, SOLID)
LEATHER_M = m("Leather", "Genuine Leather", WIPE, LEATHER, ("Solid", "Color Block"))
FAUX = m("Faux Leather", "100% Polyurethane Faux Leather", WIPE, LEATHER, ("Solid", "Color Block"))
SUEDE_M = m("Suede", "Genuine Suede", "Brush Clean; Use Suede Protector", SUEDE, ("Solid", "Color Block"))
CANVAS = m("Canvas", "100% Cotton Canvas", "Spot Clean")
NYLON = m("Nylon", "100% Nylon", WASH)
STRAW_M = m("Straw", "100% Paper Straw", "Spot Clean; Reshape While Damp", STRAW, ("Solid", "Striped"))
CASHMERE = m("Cashmere", "100% Cashmere", HAND)
SILVER_925 = m("Sterling Silver", "925 Sterling Silver", POLISH, ("Silver",), SOLID)
GOLD_PLATED = m("14K Gold Plated", "14K Gold Plated Brass, Nickel-Free", POLISH, ("Gold",), SOLID)
STEEL = m("Stainless Steel", "316L Stainless Steel, Hypoallergenic", POLISH, METAL, SOLID)
VERMEIL = m("Gold Vermeil", "18K Gold Vermeil over Sterling Silver", POLISH, ("Gold",), SOLID)
JEWELRY_METALS = (SILVER_925, GOLD_PLATED, STEEL, VERMEIL)

TOPS = ("women", "men", "girls", "boys")
ALL_DEPTS = ("women", "men", "girls", "boys", "unisex")
DRESSY = ("Black", "Navy", "Grey", "Beige", "Brown", "Olive", "Burgundy", "Red", "Green", "Light Blue", "White", "Pink")

TYPES: tuple[ProductType, ...] = (
    # ----------------------------- clothing (110) -----------------------------
    ProductType(
        "tshirt", "clothing", 9, ("T-Shirt", "Tee", "Crewneck Tee"), ("Clothing", "Tops & Tees", "T-Shirts"),
        ALL_DEPTS, (9.99, 29.99), CLOTH, PATTERNS,
        (COTTON, m("Organic Cotton", "100% Organic Cotton", WASH), m("Cotton Blend", "60% Cotton, 40% Polyester", WASH),
         m("Modal", "95% Modal, 5% Spandex", GENTLE)),
        ("Pull On",), ("casual", "gym", "beach", "travel", "lounge", "school"), ("Summer", "Spring", "All Season"),
        ("Relaxed Fit", "Slim Fit", "Oversized", "Classic Fit", "Lightweight", "Everyday"),
        ("{dept} {style} {look} {material} Crew Neck {noun} Short Sleeve Casual Top",
         "{dept} {look} Short Sleeve {noun} {style} Soft {material} Shirt for {occasion}",
         "{dept} Basic {look} {noun} - {style} {season} {material} Crewneck",
         "{dept} {material} {noun} {look} {style} Short Sleeve Top"),
        ("SOFT & BREATHABLE: {composition} jersey that feels broken-in from the first wear.",
         "Ribbed crew neckline keeps its shape wash after wash.",
         "Double-needle stitched sleeves and hem for everyday durability.",
         "{style} silhouette that looks good tucked into jeans or worn loose.",
         "Tag-free neck label - no more itchy collars."),
        ("A short-sleeve {noun_lc} in {look_lc} with a classic crew neck.",
         "Cut from {material_lc} jersey and finished with a ribbed collar.",
         "This {look_lc} tee is an easy layer under jackets and cardigans."),
        draw_tshirt,
    ),
    ProductType(
        "blouse", "clothing", 7, ("Blouse", "Top", "Tunic Blouse"), ("Clothing", "Tops & Tees", "Blouses & Button-Down Shirts"),
        ("women", "girls"), (16.99, 59.99), CLOTH, PATTERNS,
        (CHIFFON, m("Silk", "100% Mulberry Silk", DRY), m("Rayon", "100% Rayon", HAND),
         m("Linen Blend", "55% Linen, 45% Rayon", GENTLE), SATIN),
        ("Pull On",), ("work", "date", "wedding", "party", "casual"), ("Spring", "Summer", "Fall"),
        ("Flowy", "Loose Fit", "Elegant", "Relaxed", "Dressy"),
        ("{dept} {style} {look} {material} V Neck {noun} 3/4 Sleeve {occasion} Shirt",
         "{dept} {look} {noun} V-Neck {style} {material} Top for {occasion}",
         "{dept} {season} {look} {material} {noun} {style} Three Quarter Sleeve Tunic"),
        ("FLATTERING V-NECK: A soft V neckline that frames the face and collarbones.",
         "Three-quarter sleeves and a gently flared hem that skims over the waist.",
         "Lightweight {material_lc} drapes beautifully and does not cling.",
         "Dress it up with trousers and heels or down with jeans.",
         "Lighter shades are slightly sheer - we recommend a camisole underneath."),
        ("An airy {noun_lc} in {look_lc} with a V neckline and three-quarter sleeves.",
         "The flowing {material_lc} moves with you and keeps its shape through a long day.",
         "Tuck it in for a polished office look or leave it loose on the weekend."),
        draw_blouse,
    ),
    ProductType(
        "shirt", "clothing", 8, ("Button-Down Shirt", "Button Up Shirt", "Dress Shirt", "Casual Shirt"),
        ("Clothing", "Shirts", "Casual Button-Down Shirts"),
        ("women", "men", "boys"), (17.99, 64.99), CLOTH, ("Solid", "Striped", "Plaid", "Polka Dot", "Floral"),
        (m("Cotton Poplin", "100% Cotton Poplin", WASH), m("Oxford Cotton", "100% Cotton Oxford", WASH), LINEN,
         m("Flannel", "100% Brushed Cotton Flannel", WASH, patterns=("Plaid", "Solid")),
         m("Chambray", "100% Cotton Chambray", WASH, ("Blue", "Light Blue", "Navy"), ("Solid", "Striped"))),
        ("Button",), ("work", "casual", "wedding", "travel", "date", "formal"), ("All Season", "Spring", "Summer", "Fall"),
        ("Regular Fit", "Slim Fit", "Relaxed Fit", "Classic", "Wrinkle-Resistant", "Lightweight"),
        ("{dept} {style} {look} {material} {noun} Long Sleeve with Point Collar",
         "{dept} Long Sleeve {look} {noun} {style} {material} Top for {occasion}",
         "{dept} {material} {noun} {style} Long Sleeve {season} Top - {look}",
         "{dept} {look} {material} {noun} {style} Collared Shirt with Chest Pocket"),
        ("Classic point collar, full button front and a single chest pocket.",
         "Adjustable button cuffs so you can roll the sleeves with ease.",
         "{composition} that gets softer with every wash.",
         "Curved shirttail hem looks neat tucked in and relaxed worn out.",
         "{style} through the chest and waist - see the size chart for measurements."),
        ("A long-sleeve button-down in {look_lc} {material_lc}.",
         "Built with a point collar and barrel cuffs, it moves easily from desk to dinner.",
         "Layer it open over a tee or button it up under a blazer."),
        draw_shirt,
    ),
    ProductType(
        "sweater", "clothing", 7, ("Sweater", "Pullover Sweater", "Crewneck Sweater", "Knit Jumper"),
        ("Clothing", "Sweaters", "Pullovers"),
        TOPS, (24.99, 129.99), CLOTH, ("Solid", "Striped", "Color Block", "Plaid"),
        (m("Merino Wool", "100% Merino Wool", HAND), CASHMERE, m("Cotton Knit", "100% Cotton Knit", WASH),
         m("Wool Blend", "50% Wool, 50% Acrylic", HAND), m("Acrylic Knit", "100% Acrylic", WASH)),
        ("Pull On",), ("winter", "work", "casual", "travel", "lounge"), ("Fall", "Winter"),
        ("Cozy", "Chunky Knit", "Fine Knit", "Relaxed Fit", "Classic"),
        ("{dept} {style} {look} {material} Crewneck {noun} Long Sleeve Ribbed Knit Top",
         "{dept} {look} {material} {noun} {style} {season} Pullover",
         "{dept} Soft {material} {noun} - {look} {style} Crew Neck Knitwear for {occasion}"),
        ("WARM & SOFT: {composition} knit keeps you warm without bulk.",
         "Ribbed crew neck, cuffs and hem hold their shape.",
         "A {style_lc} body that layers easily over shirts.",
         "Pill-resistant yarn stays smooth season after season.",
         "Fold to store - hanging knitwear can stretch the shoulders."),
        ("A crewneck {noun_lc} knitted from {material_lc} in {look_lc}.",
         "Ribbed trims and an easy body make it the sweater you will live in from October to March.",
         "Wear it over a collared shirt for work or with jeans on the weekend."),
        draw_sweater,
    ),
    ProductType(
        "hoodie", "clothing", 7, ("Hoodie", "Pullover Hoodie", "Hooded Sweatshirt"),
        ("Clothing", "Fashion Hoodies & Sweatshirts"),
        ALL_DEPTS, (19.99, 69.99), CLOTH, ("Solid", "Striped", "Color Block", "Polka Dot"),
        (m("Cotton Fleece", "80% Cotton, 20% Polyester Fleece", WASH), m("French Terry", "100% Cotton French Terry", WASH),
         m("Polyester Fleece", "100% Polyester Fleece", WASH)),
        ("Pull On",), ("casual", "gym", "lounge", "travel", "school", "winter"), ("Fall", "Winter", "All Season"),
        ("Oversized", "Relaxed Fit", "Athletic Fit", "Cozy", "Heavyweight"),
        ("{dept} {style} {look} Pullover {noun} {material} Sweatshirt with Kangaroo Pocket",
         "{dept} {look} {noun} {style} Long Sleeve Hooded Top for {occasion}",
         "{dept} {material} {noun} - {look} {style} Drawstring Pullover"),
        ("Lined hood with an adjustable drawcord.",
         "Front kangaroo pocket keeps hands warm and your phone handy.",
         "Brushed-back {material_lc} is soft on the inside and holds warmth.",
         "Ribbed cuffs and waistband lock in heat.",
         "{style} fit - great for layering over a tee."),
        ("A pullover {noun_lc} in {look_lc} made from {material_lc}.",
         "Drawstring hood, kangaroo pocket and ribbed cuffs - everything a hoodie should have.",
         "Throw it on for the school run, the gym or a lazy Sunday."),
        draw_hoodie,
    ),
    ProductType(
        "jacket", "clothing", 7, ("Jacket", "Zip-Up Jacket", "Lightweight Jacket", "Windbreaker Jacket"),
        ("Clothing", "Coats, Jackets & Vests", "Lightweight Jackets"),
        TOPS, (29.99, 149.99), CLOTH, ("Solid", "Color Block", "Plaid"),
        (m("Nylon", "100% Nylon Shell, Polyester Lining", WASH), m("Denim", "100% Cotton Denim", WASH, DENIM, SOLID),
         FAUX, m("Softshell", "94% Polyester, 6% Spandex Softshell", WASH), CORDUROY),
        ("Zipper",), ("casual", "travel", "hiking", "date", "work"), ("Spring", "Fall"),
        ("Lightweight", "Packable", "Classic", "Slim Fit", "Everyday"),
        ("{dept} {style} {look} {material} Full Zip {noun} with Pockets",
         "{dept} {look} {noun} {style} {season} Outerwear with Stand Collar",
         "{dept} {material} {noun} - {look} {style} Zip Front Layer for {occasion}"),
        ("Full-length front zipper with a stand collar that blocks the wind.",
         "Two hand pockets plus an interior pocket for your phone.",
         "{composition}; {style_lc} and easy to pack.",
         "Elastic-bound cuffs and hem keep drafts out.",
         "A go-to transitional layer between seasons."),
        ("A hip-length zip-up {noun_lc} in {look_lc}.",
         "The {material_lc} shell shrugs off wind and light drizzle.",
         "Layer it over a hoodie in spring or a sweater in fall."),
        draw_jacket,
    ),
    ProductType(
        "coat", "clothing", 6, ("Coat", "Overcoat", "Long Coat", "Pea Coat"), ("Clothing", "Coats, Jackets & Vests", "Wool & Blends"),
        ("women", "men"), (69.99, 249.99), DRESSY, ("Solid", "Plaid", "Color Block"),
        (m("Wool Blend", "70% Wool, 30% Polyamide", DRY), m("Cashmere Blend", "90% Wool, 10% Cashmere", DRY),
         m("Gabardine", "65% Polyester, 35% Cotton Gabardine", GENTLE), TWEED),
        ("Button",), ("winter", "work", "formal", "travel", "wedding"), ("Winter", "Fall"),
        ("Double-Breasted", "Tailored", "Classic", "Warm", "Longline"),
        ("{dept} {style} {look} {material} {noun} Notched Lapel Double Breasted Outerwear",
         "{dept} {look} Double Breasted {noun} {style} {season} Knee Length Jacket",
         "{dept} {material} {noun} {look} {style} Knee Length Outerwear for {occasion}"),
        ("Notched lapels and a double-breasted button front.",
         "{composition} outer with a smooth satin lining that slides over sweaters.",
         "Knee length for extra warmth on cold commutes.",
         "Two flap pockets and an inside pocket.",
         "Tailored but roomy enough to layer a blazer underneath."),
        ("A knee-length double-breasted {noun_lc} in {look_lc} {material_lc}.",
         "Clean notched lapels and a fully lined body give it a polished finish.",
         "Wear it over suiting for work or over a knit dress for the weekend."),
        draw_coat,
    ),
    ProductType(
        "dress", "clothing", 9, ("Dress", "Midi Dress", "Sundress", "A-Line Dress", "Slip Dress"), ("Clothing", "Dresses"),
        ("women", "girls"), (19.99, 119.99), CLOTH, PATTERNS,
        (COTTON, CHIFFON, LINEN, SATIN, m("Jersey", "95% Rayon, 5% Spandex Jersey", GENTLE),
         m("Crepe", "100% Polyester Crepe", GENTLE)),
        ("Zipper", "Pull On"), ("wedding", "party", "beach", "work", "date", "casual"), ("Summer", "Spring", "All Season"),
        ("Flowy", "A-Line", "Elegant", "Sleeveless", "Casual", "Fitted Waist"),
        ("{dept} {style} {look} {material} Spaghetti Strap {noun} Sleeveless for {occasion}",
         "{dept} {season} {look} {noun} {style} Sweetheart Neck {material} Sleeveless",
         "{dept} {look} {occasion} {noun} - {style} {material} Strappy Swing"),
        ("Adjustable spaghetti straps and a sweetheart neckline.",
         "Fitted bodice with a seamed waist that flows into an A-line skirt.",
         "{composition}, lined so it is not see-through.",
         "Hidden back zipper for an easy, smooth fit.",
         "Pair with sandals for daytime or heels for the evening."),
        ("A sleeveless {noun_lc} in {look_lc} with thin adjustable straps.",
         "The {material_lc} skirt swings from a fitted waist and hits at a flattering length.",
         "Add a denim jacket for daytime or statement earrings for the evening."),
        draw_dress,
    ),
    ProductType(
        "skirt", "clothing", 6, ("Skirt", "A-Line Skirt", "Midi Skirt", "Flared Skirt"), ("Clothing", "Skirts"),
        ("women", "girls"), (14.99, 69.99), CLOTH, PATTERNS,
        (COTTON, DENIM_M, CHIFFON, m("Wool Blend", "60% Wool, 40% Polyester", DRY, patterns=("Plaid", "Solid")), SATIN, CORDUROY),
        ("Zipper",), ("work", "casual", "party", "school", "date"), ("Spring", "Fall", "Summer", "All Season"),
        ("High Waisted", "Flowy", "A-Line", "Classic", "Knee Length"),
        ("{dept} {style} {look} {material} {noun} Knee Length for {occasion}",
         "{dept} {look} {noun} {style} Swing Flare with Wide Waistband",
         "{dept} {material} {noun} - {look} {style} {season} Flared Midi"),
        ("Wide, flat-front waistband with a hidden side zipper.",
         "A-line shape flares gently from the hip - flattering on every figure.",
         "{composition}; lined so it never clings.",
         "Hits just above the knee on most heights.",
         "Pairs with a tucked-in blouse or a cropped knit."),
        ("An A-line {noun_lc} in {look_lc} {material_lc} with a clean wide waistband.",
         "It flares softly from the hip for easy movement.",
         "Team it with a knit in winter or a tee and sneakers in summer."),
        draw_skirt,
    ),
    ProductType(
        "jeans", "clothing", 7, ("Jeans", "Straight Leg Jeans", "Slim Jeans", "Bootcut Jeans"), ("Clothing", "Jeans"),
        TOPS, (24.99, 89.99), DENIM, SOLID,
        (m("Stretch Denim", "98% Cotton, 2% Elastane", WASH), m("Rigid Denim", "100% Cotton Denim", WASH),
         m("Comfort Denim", "78% Cotton, 20% Polyester, 2% Spandex", WASH)),
        ("Zipper",), ("casual", "work", "travel", "date", "school"), ("All Season",),
        ("High Rise", "Mid Rise", "Classic Fit", "Relaxed Fit", "Slim Fit"),
        ("{dept} {style} {look} {noun} {material} Five Pocket Pants",
         "{dept} {look} Wash {noun} - {style} {material} Jean for {occasion}",
         "{dept} {material} {noun} {style} {look} Wash Everyday Denim"),
        ("Classic five-pocket styling with zip fly and button closure.",
         "{composition} that holds its shape and recovers after every wear.",
         "{style} through the hip and thigh with a straight leg opening.",
         "Reinforced rivets at stress points.",
         "Goes with everything - sneakers in summer, boots when it turns cold."),
        ("Five-pocket {noun_lc} in a {look_lc} wash.",
         "Cut from {material_lc} with just enough give for all-day comfort.",
         "The kind of jeans you wear three days in a row."),
        draw_jeans,
    ),
    ProductType(
        "trousers", "clothing", 6, ("Trousers", "Pants", "Chino Pants", "Dress Pants", "Wide Leg Pants"),
        ("Clothing", "Pants", "Casual"),
        TOPS, (22.99, 89.99), CLOTH, ("Solid", "Plaid", "Striped"),
        (m("Cotton Twill", "98% Cotton, 2% Spandex Twill", WASH), WOOL_BLEND, LINEN,
         m("Stretch Polyester", "88% Polyester, 12% Spandex", WASH)),
        ("Zipper",), ("work", "formal", "casual", "travel", "wedding"), ("All Season", "Spring", "Summer", "Fall"),
        ("Straight Leg", "Slim Fit", "Tailored", "Flat Front", "Relaxed Fit"),
        ("{dept} {style} {look} {material} {noun} with Pockets for {occasion}",
         "{dept} {look} {noun} {style} {material} Work Pant with Pressed Crease",
         "{dept} {material} {noun} - {look} {style} with Belt Loops"),
        ("Pressed front crease and belt loops for a sharp finish.",
         "Zip fly with hook-and-bar closure.",
         "Slant front pockets and two welt back pockets.",
         "{composition} - wrinkle-resistant and easy to care for.",
         "Moves from the office to dinner without a change."),
        ("Tailored {noun_lc} in {look_lc} {material_lc}.",
         "A pressed crease and clean waistband keep them sharp from morning meetings to dinner.",
         "Pair with a knit or a crisp shirt."),
        draw_trousers,
    ),
    ProductType(
        "shorts", "clothing", 6, ("Shorts", "Chino Shorts", "Casual Shorts", "Bermuda Shorts"), ("Clothing", "Shorts"),
        ALL_DEPTS, (12.99, 44.99), CLOTH, ("Solid", "Plaid", "Striped", "Floral", "Color Block"),
        (m("Cotton Twill", "100% Cotton Twill", WASH), LINEN, DENIM_M, m("Quick-Dry Nylon", "100% Nylon", WASH)),
        ("Button", "Drawstring"), ("beach", "casual", "hiking", "travel", "gym"), ("Summer",),
        ("Relaxed Fit", "Flat Front", "7 Inch Inseam", "Elastic Waist", "Lightweight"),
        ("{dept} {style} {look} {material} {noun} with Pockets",
         "{dept} {look} {season} {noun} {style} {material} for {occasion}",
         "{dept} {material} {noun} - {look} {style} Casual Short"),
        ("Above-the-knee length that stays cool on hot days.",
         "Side-seam pockets deep enough for a phone.",
         "{composition}, breathable and quick to dry.",
         "Comfortable waistband with belt loops.",
         "{style} - easy to roll the hem."),
        ("Warm-weather {noun_lc} in {look_lc} {material_lc}.",
         "A relaxed leg and deep pockets make them an easy grab for long summer days.",
         "Wear with a tee and sandals or a linen shirt."),
        draw_shorts,
    ),
    ProductType(
        "leggings", "clothing", 6, ("Leggings", "Yoga Leggings", "Workout Leggings"), ("Clothing", "Active", "Active Leggings"),
        ("women", "girls"), (12.99, 54.99), CLOTH, ("Solid", "Floral", "Color Block", "Striped", "Polka Dot"),
        (m("Nylon Spandex", "78% Nylon, 22% Spandex", WASH), m("Polyester Spandex", "87% Polyester, 13% Spandex", WASH),
         m("Cotton Spandex", "92% Cotton, 8% Spandex", WASH)),
        ("Pull On",), ("gym", "running", "lounge", "travel", "casual"), ("All Season",),
        ("High Waisted", "Tummy Control", "Squat-Proof", "Buttery Soft", "Full Length"),
        ("{dept} {style} {look} {noun} {material} Stretch Pants for {occasion}",
         "{dept} {look} {noun} - {style} {material} Athletic Tights",
         "{dept} {material} {noun} {look} {style} Yoga Pants"),
        ("Wide high-rise waistband that stays put during squats and runs.",
         "Four-way stretch {material_lc} moves with you.",
         "Moisture-wicking and quick drying.",
         "Gusseted crotch and flatlock seams prevent chafing.",
         "Hidden waistband pocket for a key or card."),
        ("Full-length {noun_lc} in {look_lc}.",
         "Made from {material_lc} that feels like a second skin.",
         "From yoga class to coffee runs, they keep up."),
        draw_leggings,
    ),
    ProductType(
        "blazer", "clothing", 6, ("Blazer", "Suit Jacket", "Sport Coat", "Tailored Blazer"),
        ("Clothing", "Suits & Sport Coats", "Blazers"),
        ("women", "men", "boys"), (49.99, 199.99), DRESSY, ("Solid", "Plaid", "Striped"),
        (m("Wool", "100% Wool", DRY), WOOL_BLEND, LINEN, m("Poly-Viscose", "65% Polyester, 35% Viscose", DRY), TWEED),
        ("Button",), ("work", "formal", "wedding", "party", "date"), ("All Season", "Spring", "Fall"),
        ("Slim Fit", "Tailored", "Two-Button", "Classic Fit", "Unstructured"),
        ("{dept} {style} {look} {material} {noun} Notch Lapel Two Button Jacket",
         "{dept} {look} {noun} {style} {material} for {occasion}",
         "{dept} {material} {noun} - {look} {style} Office Jacket with Pockets"),
        ("Notch lapels and a two-button front.",
         "Partially lined with a welt chest pocket and two flap pockets.",
         "{composition}, breathable and crease-resistant.",
         "Soft shoulders for a natural, modern line.",
         "Pairs with matching trousers or with jeans."),
        ("A single-breasted {noun_lc} in {look_lc} {material_lc}.",
         "Sharp notch lapels and a nipped waist give it a tailored look without stiffness.",
         "Wear it over a tee on Friday and with a shirt and tie on Monday."),
        draw_blazer,
    ),
    ProductType(
        "swimsuit", "clothing", 3, ("One Piece Swimsuit", "Swimsuit", "Bathing Suit"),
        ("Clothing", "Swimsuits & Cover Ups", "One-Piece Swimsuits"),
        ("women", "girls"), (19.99, 69.99), CLOTH, PATTERNS,
        (m("Nylon Spandex", "82% Nylon, 18% Spandex", "Hand Wash Cold, Rinse After Use"),
         m("Recycled Polyester", "80% Recycled Polyester, 20% Elastane", "Hand Wash Cold, Rinse After Use")),
        ("Pull On",), ("beach", "travel"), ("Summer",),
        ("Scoop Neck", "Tummy Control", "Sporty", "Adjustable Straps"),
        ("{dept} {style} {look} {noun} {material} Swimwear for {occasion}",
         "{dept} {look} {noun} - {style} High Leg Bathing Suit",
         "{dept} {material} {noun} {look} {style} {season} Swimwear"),
        ("Scoop neckline with adjustable shoulder straps.",
         "Removable soft cups and full lining.",
         "Chlorine-resistant {material_lc} with UPF 50+ sun protection.",
         "Moderate-cut legs and full rear coverage."),
        ("A one-piece {noun_lc} in {look_lc}.",
         "Made from chlorine-resistant {material_lc} that holds its color.",
         "Ready for pool laps, beach days and holidays."),
        draw_swimsuit,
    ),
    ProductType(
        "trunks", "clothing", 3, ("Swim Trunks", "Board Shorts", "Swim Shorts"), ("Clothing", "Swim", "Board Shorts"),
        ("men", "boys"), (14.99, 44.99), CLOTH, PATTERNS,
        (m("Quick-Dry Polyester", "100% Polyester", "Rinse After Use, Machine Wash Cold"),
         m("Stretch Nylon", "90% Nylon, 10% Spandex", "Rinse After Use, Machine Wash Cold")),
        ("Drawstring",), ("beach", "travel"), ("Summer",),
        ("Quick Dry", "Mesh Lined", "Stretch", "5 Inch Inseam"),
        ("{dept} {style} {look} {noun} with Mesh Lining for {occasion}",
         "{dept} {look} {material} {noun} - {style} Bathing Suit with Pockets",
         "{dept} {noun} {look} {style} {season} Swimwear"),
        ("Elastic waist with an internal drawcord.",
         "Soft mesh lining and two side pockets.",
         "{composition}, dries in minutes.",
         "UPF 50+ fabric for long days in the sun."),
        ("Quick-dry {noun_lc} in {look_lc}.",
         "Lined with soft mesh and made from {material_lc}.",
         "Wear them from the pool to lunch."),
        draw_trunks,
    ),
    ProductType(
        "tank", "clothing", 7, ("Tank Top", "Workout Tank", "Athletic Tank Top", "Racerback Tank"),
        ("Clothing", "Active", "Active Shirts & Tees"),
        TOPS, (9.99, 39.99), CLOTH, ("Solid", "Color Block", "Striped", "Floral"),
        (m("Moisture-Wicking Polyester", "88% Polyester, 12% Spandex", WASH), m("Nylon Mesh", "90% Nylon, 10% Spandex", WASH),
         m("Modal Blend", "50% Modal, 50% Polyester", WASH)),
        ("Pull On",), ("gym", "running", "hiking", "beach", "casual"), ("Summer", "All Season"),
        ("Racerback", "Loose Fit", "Muscle Fit", "Quick Dry", "Breathable"),
        ("{dept} {style} {look} {noun} Sleeveless {material} Top for {occasion}",
         "{dept} {look} {noun} - {style} Athletic Shirt",
         "{dept} {material} {noun} {look} {style} Sleeveless Activewear"),
        ("Sleeveless cut for full range of motion.",
         "Sweat-wicking {material_lc} that dries fast.",
         "Flat seams reduce chafing on long runs.",
         "Odor-resistant finish keeps it fresh between washes."),
        ("A sleeveless {noun_lc} in {look_lc}.",
         "Lightweight {material_lc} keeps you cool when the workout heats up.",
         "Layer over a sports bra or wear it alone."),
        draw_tank,
    ),
    # ----------------------------- shoes (65) -----------------------------
    ProductType(
        "sneaker", "shoes", 9, ("Sneakers", "Low Top Sneakers", "Casual Sneakers", "Fashion Sneakers"),
        ("Shoes", "Fashion Sneakers"),
        ALL_DEPTS, (29.99, 119.99), CLOTH, ("Solid", "Color Block", "Striped", "Polka Dot", "Floral", "Plaid"),
        (m("Canvas", "Cotton Canvas Upper, Rubber Sole", "Spot Clean"), LEATHER_M,
         m("Knit", "Knit Mesh Upper, Rubber Sole", "Spot Clean"), SUEDE_M),
        ("Lace-Up",), ("casual", "travel", "school", "date"), ("All Season", "Spring", "Summer"),
        ("Low Top", "Lightweight", "Cushioned", "Classic", "Comfortable"),
        ("{dept} {style} {look} {material} {noun} Lace Up Walking Shoes",
         "{dept} {look} {noun} - {style} {material} Shoes for {occasion}",
         "{dept} {material} {noun} {look} {style} Everyday Tennis Shoes"),
        ("Cushioned insole with arch support for all-day walking.",
         "Flexible vulcanized rubber outsole with a grippy tread.",
         "Padded collar and tongue.",
         "{style} profile that goes with jeans, chinos and dresses.",
         "Removable insole - fits most orthotics."),
        ("Lace-up {noun_lc} with a {look_lc} {material_lc} upper and a clean rubber sole.",
         "A cushioned footbed keeps you comfortable from morning to night.",
         "The pair you will reach for every day."),
        draw_sneaker, {"Sole Material": ("Rubber",), "Shoe Width": ("Medium", "Wide")},
    ),
    ProductType(
        "running", "shoes", 8, ("Running Shoes", "Road Running Shoes", "Trainers", "Athletic Shoes"),
        ("Shoes", "Athletic", "Running"),
        ALL_DEPTS, (39.99, 159.99), CLOTH, ("Solid", "Color Block", "Striped"),
        (m("Engineered Mesh", "Engineered Mesh Upper, EVA Foam Midsole", "Spot Clean, Air Dry"),
         m("Knit", "Knit Upper, EVA Foam Midsole", "Spot Clean, Air Dry"),
         m("Synthetic Mesh", "Synthetic Mesh Upper, Rubber Outsole", "Spot Clean, Air Dry")),
        ("Lace-Up",), ("running", "gym", "travel", "hiking"), ("All Season",),
        ("Lightweight", "Breathable", "Responsive Cushion", "Wide Toe Box", "Neutral"),
        ("{dept} {style} {look} {noun} {material} Road Runner for {occasion}",
         "{dept} {look} {noun} - {style} Athletic Sneakers for Jogging and Gym",
         "{dept} {material} {noun} {look} {style} Workout Shoes"),
        ("Responsive foam midsole returns energy with every stride.",
         "Breathable {material_lc} keeps feet cool over long miles.",
         "Durable rubber outsole with flex grooves.",
         "Padded heel tab and reflective details for early-morning runs.",
         "8 mm heel-to-toe drop for a natural stride."),
        ("Everyday {noun_lc} in {look_lc}.",
         "A {material_lc} upper sits on a cushioned foam midsole built for daily miles.",
         "Light enough for tempo days and soft enough for recovery runs."),
        draw_running_shoe, {"Sole Material": ("Rubber",), "Sport": ("Running",)},
    ),
    ProductType(
        "boot", "shoes", 8, ("Chelsea Boots", "Ankle Boots", "Boots"), ("Shoes", "Boots", "Chelsea"),
        TOPS, (49.99, 189.99), LEATHER, ("Solid", "Color Block"),
        (LEATHER_M, SUEDE_M, FAUX),
        ("Pull On",), ("winter", "work", "casual", "date", "travel"), ("Fall", "Winter"),
        ("Elastic Side", "Block Heel", "Classic", "Water-Resistant", "Slip On"),
        ("{dept} {style} {look} {material} {noun} Pull On Booties",
         "{dept} {look} {noun} - {style} {material} Boot for {occasion}",
         "{dept} {material} {noun} {look} {style} {season} Shoes"),
        ("Elastic side gores and a rear pull tab make them easy on and off.",
         "Low block heel and a rubber sole with good grip.",
         "{composition} upper that softens and molds with wear.",
         "Cushioned footbed for long days on your feet.",
         "Ankle-height shaft that sits neatly under jeans."),
        ("Ankle-height {noun_lc} in {look_lc} {material_lc}.",
         "Elastic side panels and a low block heel make them an easy all-day boot.",
         "Wear with slim jeans, dresses or tailored trousers."),
        draw_boot, {"Heel Type": ("Block",), "Shaft Height": ("Ankle",), "Sole Material": ("Rubber",)},
    ),
    ProductType(
        "sandal", "shoes", 7, ("Slide Sandals", "Sandals", "Two Strap Slides", "Flat Sandals"), ("Shoes", "Sandals", "Slides"),
        ALL_DEPTS, (14.99, 79.99), LEATHER, ("Solid", "Striped", "Color Block"),
        (LEATHER_M, FAUX, SUEDE_M, m("Canvas", "Canvas Straps, Cork Footbed", "Spot Clean", CLOTH)),
        ("Buckle",), ("beach", "casual", "travel"), ("Summer",),
        ("Cork Footbed", "Cushioned", "Adjustable Buckle", "Lightweight", "Open Toe"),
        ("{dept} {style} {look} {material} {noun} with Adjustable Buckle",
         "{dept} {look} {noun} - {style} Summer Slides for {occasion}",
         "{dept} {material} {noun} {look} {style} Open Toe Sandal"),
        ("Contoured cork footbed supports the arch and molds to your foot.",
         "Two wide {material_lc} straps with an adjustable buckle.",
         "Lightweight, flexible sole.",
         "Slip on and off in seconds."),
        ("Two-strap {noun_lc} in {look_lc} on a contoured cork footbed.",
         "The {material_lc} straps adjust with a metal buckle for a secure fit.",
         "Made for boardwalks, markets and long summer evenings."),
        draw_sandal, {"Sole Material": ("Cork",)},
    ),
    ProductType(
        "heel", "shoes", 7, ("Pumps", "High Heels", "Stiletto Heels", "Pointed Toe Pumps"), ("Shoes", "Pumps"),
        ("women",), (39.99, 149.99), CLOTH, ("Solid", "Polka Dot", "Floral", "Color Block"),
        (m("Patent Leather", "Patent Leather Upper", WIPE, LEATHER, ("Solid", "Color Block")), SUEDE_M,
         m("Satin", "Satin Upper", "Spot Clean"), FAUX),
        ("Slip On",), ("wedding", "party", "work", "date", "formal"), ("All Season",),
        ("Pointed Toe", "Classic", "Elegant", "Padded", "Closed Toe"),
        ("{dept} {style} {look} {material} {noun} Stiletto for {occasion}",
         "{dept} {look} {noun} - {style} Slip On Dress Shoes",
         "{dept} {material} {noun} {look} {style} High Heel Shoes for {occasion}"),
        ("Slim stiletto heel with a pointed toe.",
         "Padded insole for comfort through long events.",
         "{composition} with a non-slip rubber heel tip.",
         "Low-cut vamp that lengthens the leg."),
        ("Pointed-toe {noun_lc} in {look_lc} {material_lc}.",
         "A slim stiletto heel and padded insole balance elegance with comfort.",
         "Finish a dress for a wedding or a suit for a big meeting."),
        draw_heel, {"Heel Type": ("Stiletto",), "Heel Height": ("3 Inches", "3.5 Inches", "4 Inches")},
    ),
    ProductType(
        "loafer", "shoes", 7, ("Loafers", "Penny Loafers", "Slip-On Loafers", "Driving Loafers"), ("Shoes", "Loafers & Slip-Ons"),
        TOPS, (39.99, 139.99), LEATHER, ("Solid", "Color Block"),
        (LEATHER_M, SUEDE_M, m("Patent Leather", "Patent Leather Upper", WIPE, LEATHER, SOLID)),
        ("Slip On",), ("work", "formal", "casual", "travel", "wedding"), ("All Season", "Spring"),
        ("Classic", "Penny Strap", "Cushioned", "Lightweight", "Moc Toe"),
        ("{dept} {style} {look} {material} {noun} Slip On Dress Shoes",
         "{dept} {look} {noun} - {style} {material} Shoes for {occasion}",
         "{dept} {material} {noun} {look} {style} Casual Flats"),
        ("Moc-toe stitching and a classic penny strap.",
         "Leather-lined with a cushioned insole.",
         "Low stacked heel and a flexible rubber sole.",
         "{composition} that breaks in quickly."),
        ("Slip-on {noun_lc} in {look_lc} {material_lc}.",
         "Hand-stitched moc toe, penny strap and a low heel - a timeless shape.",
         "Wear them with chinos, tailoring or cropped jeans."),
        draw_loafer, {"Heel Type": ("Flat",), "Sole Material": ("Rubber",)},
    ),
    ProductType(
        "flat", "shoes", 6, ("Ballet Flats", "Flats", "Bow Flats"), ("Shoes", "Flats"),
        ("women", "girls"), (19.99, 79.99), CLOTH, ("Solid", "Polka Dot", "Floral", "Striped", "Plaid"),
        (LEATHER_M, FAUX, SUEDE_M, m("Knit", "Knit Upper, Rubber Sole", "Spot Clean")),
        ("Slip On",), ("work", "casual", "travel", "school", "wedding", "party"), ("All Season", "Spring", "Summer"),
        ("Round Toe", "Comfortable", "Foldable", "Padded", "Classic"),
        ("{dept} {style} {look} {material} {noun} with Bow Slip On Shoes",
         "{dept} {look} {noun} - {style} Dressy Comfort Shoes for {occasion}",
         "{dept} {material} {noun} {look} {style} Ballerina Shoes"),
        ("Round toe with a sweet bow detail.",
         "Memory-foam padded insole.",
         "Flexible sole folds for travel.",
         "{composition}, soft from the first wear."),
        ("Round-toe {noun_lc} in {look_lc} with a little bow.",
         "The flexible sole and padded insole keep them comfy all day.",
         "Slip them in your bag for after the party."),
        draw_flat, {"Heel Type": ("Flat",)},
    ),
    ProductType(
        "hiking", "shoes", 7, ("Hiking Boots", "Waterproof Hiking Boots", "Trekking Boots", "Trail Boots"),
        ("Shoes", "Outdoor", "Hiking & Trekking"),
        TOPS, (59.99, 199.99), ("Brown", "Beige", "Grey", "Olive", "Black", "Navy", "Burgundy"), ("Solid", "Color Block"),
        (m("Waterproof Leather", "Waterproof Leather Upper", WIPE), m("Suede and Mesh", "Suede and Mesh Upper", "Brush Clean"),
         m("Nubuck", "Nubuck Leather Upper", "Brush Clean")),
        ("Lace-Up",), ("hiking", "travel", "winter"), ("All Season", "Fall", "Winter"),
        ("Waterproof", "Mid Cut", "Lightweight", "High Traction", "Breathable"),
        ("{dept} {style} {look} {material} {noun} Mid Cut Trekking Shoes",
         "{dept} {look} {noun} - {style} Outdoor Boots for {occasion}",
         "{dept} {material} {noun} {look} {style} Backpacking Boot"),
        ("Waterproof membrane keeps feet dry through streams and puddles.",
         "Aggressive lugged rubber outsole bites into mud and rock.",
         "Padded collar and gusseted tongue keep debris out.",
         "Metal lace hooks for a quick, secure fit.",
         "Protective toe cap for rocky trails."),
        ("Mid-cut {noun_lc} in {look_lc} {material_lc}.",
         "A lugged outsole and padded ankle collar keep you steady on rough ground.",
         "Built for day hikes, muddy dog walks and weekend treks."),
        draw_hiking_boot, {"Water Resistance Level": ("Waterproof",), "Sole Material": ("Rubber",)},
    ),
    ProductType(
        "slipper", "shoes", 6, ("Slippers", "House Slippers", "Moccasin Slippers"), ("Shoes", "Slippers"),
        ALL_DEPTS, (14.99, 59.99), CLOTH, ("Solid", "Plaid", "Striped", "Polka Dot", "Floral"),
        (m("Faux Suede", "Microsuede Upper, Faux Fur Lining", "Spot Clean"), m("Wool Felt", "Wool Felt Upper", "Spot Clean"),
         m("Knit", "Cable Knit Upper, Fleece Lining", "Machine Wash Cold, Air Dry"),
         m("Flannel", "Cotton Flannel Upper, Fleece Lining", "Machine Wash Cold, Air Dry", patterns=("Plaid", "Solid"))),
        ("Slip On",), ("lounge", "winter", "travel"), ("Winter", "Fall", "All Season"),
        ("Memory Foam", "Fuzzy Lined", "Cozy", "Indoor Outdoor", "Non-Slip"),
        ("{dept} {style} {look} {material} {noun} with Fuzzy Lining",
         "{dept} {look} {noun} - {style} House Shoes for {occasion}",
         "{dept} {material} {noun} {look} {style} Warm Moccasins"),
        ("Plush faux-fur lining wraps your feet in warmth.",
         "Memory-foam insole cushions every step.",
         "Non-slip rubber sole for quick trips outside.",
         "{composition}."),
        ("Moccasin-style {noun_lc} in {look_lc}.",
         "Fuzzy lining and a memory-foam footbed make them the first thing you put on after work.",
         "A cozy gift for chilly mornings."),
        draw_slipper, {"Sole Material": ("Rubber",)},
    ),
    # ----------------------------- jewelry & accessories (65) -----------------------------
    ProductType(
        "necklace", "accessories", 6, ("Pendant Necklace", "Necklace", "Drop Pendant Necklace"),
        ("Jewelry", "Necklaces", "Pendant Necklaces"),
        ("women", "girls"), (14.99, 129.99), METAL, SOLID, JEWELRY_METALS,
        ("Lobster Claw", "Spring Ring"), ("wedding", "party", "date", "work", "formal"), ("All Season",),
        ("Dainty", "Minimalist", "Elegant", "Hypoallergenic", "Layering"),
        ("{dept} {style} {material} {look} {noun} {gem} 18 Inch Chain",
         "{dept} {look} {noun} {gem} - {style} {material} Jewelry for {occasion}",
         "{dept} {material} {noun} {style} {look} Tone {gem}"),
        ("18 inch cable chain with a 2 inch extender.",
         "{composition}; nickel- and lead-free.",
         "Oval drop pendant that sits just below the collarbone.",
         "Arrives in a gift box, ready to give.",
         "Tarnish-resistant finish for everyday wear."),
        ("A {style_lc} {noun_lc} in {look_lc} {material_lc}{gem_text}.",
         "The oval pendant catches the light without overpowering an outfit.",
         "Layer it with other chains or wear it alone."),
        draw_necklace, {"Metal Type": ("See Material",), "Chain Type": ("Cable",)}, gem=True,
    ),
    ProductType(
        "earrings", "accessories", 5, ("Drop Earrings", "Dangle Earrings", "Teardrop Earrings"),
        ("Jewelry", "Earrings", "Drop & Dangle"),
        ("women", "girls"), (9.99, 89.99), METAL, SOLID, JEWELRY_METALS,
        ("Fish Hook", "Lever Back"), ("wedding", "party", "date", "work", "formal"), ("All Season",),
        ("Dainty", "Elegant", "Hypoallergenic", "Lightweight", "Statement"),
        ("{dept} {style} {material} {look} {noun} {gem}",
         "{dept} {look} {noun} {gem} - {style} {material} Earrings for {occasion}",
         "{dept} {material} {noun} {style} {look} Tone Teardrop Jewelry {gem}"),
        ("Teardrop charms hang about 1.5 inches from the ear.",
         "{composition}; safe for sensitive ears.",
         "Lightweight enough to wear all day.",
         "Comes with silicone backs and a gift pouch."),
        ("{look} {noun_lc} with teardrop charms{gem_text}.",
         "Lightweight and {style_lc}, they move as you do.",
         "A finishing touch for a wedding outfit or a work dress."),
        draw_earrings, {"Metal Type": ("See Material",)}, gem=True,
    ),
    ProductType(
        "ring", "accessories", 5, ("Ring", "Stacking Ring", "Promise Ring", "Band Ring"), ("Jewelry", "Rings"),
        ("women", "men", "girls"), (12.99, 149.99), METAL, SOLID,
        JEWELRY_METALS + (m("Titanium", "Grade 2 Titanium", POLISH, ("Silver",), SOLID),),
        (), ("wedding", "date", "party", "formal", "casual"), ("All Season",),
        ("Classic", "Comfort Fit", "Minimalist", "Polished", "Solitaire"),
        ("{dept} {style} {material} {look} {noun} {gem} Sizes 5-12",
         "{dept} {look} {noun} {gem} - {style} {material} Band for {occasion}",
         "{dept} {material} {noun} {style} {look} Tone {gem}"),
        ("Comfort-fit band with a high-polish finish.",
         "{composition}; will not turn your finger green.",
         "Available in whole and half sizes.",
         "Engraving-ready inner band."),
        ("A {style_lc} {noun_lc} in {look_lc} {material_lc}{gem_text}.",
         "The comfort-fit band is smooth inside, so you forget you are wearing it.",
         "Stack it or let it shine on its own."),
        draw_ring, {"Metal Type": ("See Material",)}, gem=True,
    ),
    ProductType(
        "bracelet", "accessories", 5, ("Chain Bracelet", "Link Bracelet", "Charm Bracelet"), ("Jewelry", "Bracelets", "Link"),
        ("women", "men", "girls"), (12.99, 119.99), METAL, SOLID, JEWELRY_METALS,
        ("Lobster Claw", "Toggle"), ("party", "date", "casual", "wedding", "work"), ("All Season",),
        ("Dainty", "Chunky", "Adjustable", "Hypoallergenic", "Classic"),
        ("{dept} {style} {material} {look} {noun} with Charm {gem}",
         "{dept} {look} {noun} {gem} - {style} {material} Wrist Jewelry",
         "{dept} {material} {noun} {style} {look} Tone Link Chain {gem}"),
        ("7 inch chain with a 1 inch extender.",
         "{composition}; nickel-free.",
         "Round charm hangs from the clasp.",
         "Sturdy links that will not snag clothing."),
        ("A {style_lc} {noun_lc} of {look_lc} links with a round charm{gem_text}.",
         "Made from {material_lc} and finished with a secure clasp.",
         "Great stacked with a watch."),
        draw_bracelet, {"Metal Type": ("See Material",)}, gem=True,
    ),
    ProductType(
        "watch", "accessories", 6, ("Watch", "Analog Watch", "Wrist Watch", "Quartz Watch"), ("Watches", "Wrist Watches"),
        ("women", "men", "unisex", "boys"), (29.99, 229.99), CLOTH + ("Gold", "Silver"), ("Solid",),
        (m("Leather Strap", "Genuine Leather Strap, Stainless Steel Case", WIPE, LEATHER, SOLID),
         m("Stainless Steel Mesh Band", "Stainless Steel Mesh Band and Case", WIPE, METAL, SOLID),
         m("Silicone Strap", "Silicone Strap, Stainless Steel Case", WIPE, CLOTH, ("Solid", "Color Block")),
         m("Nylon Strap", "Woven Nylon Strap, Stainless Steel Case", "Hand Wash Strap", CLOTH, ("Striped", "Solid"))),
        ("Buckle",), ("work", "formal", "casual", "travel", "wedding"), ("All Season",),
        ("Minimalist", "Classic", "Slim", "Water-Resistant", "Everyday"),
        ("{dept} {style} Analog {noun} with {look} {material}",
         "{dept} {look} {material} {noun} - {style} Quartz Wristwatch for {occasion}",
         "{dept} {noun} {style} Round Dial {look} {material}"),
        ("Japanese quartz movement keeps accurate time.",
         "Scratch-resistant mineral crystal over a clean white dial.",
         "Water resistant to 30 meters - splash and rain proof.",
         "{composition}.",
         "Quick-release strap pins for easy swapping."),
        ("A {style_lc} {noun_lc} with a round white dial on a {look_lc} {material_lc}.",
         "Clean baton markers and slim hands keep it easy to read at a glance.",
         "Dressy enough for the office, tough enough for the weekend."),
        draw_watch, {"Dial Color": ("White",), "Display Type": ("Analog",), "Case Material": ("Stainless Steel",)},
    ),
    ProductType(
        "handbag", "accessories", 7, ("Handbag", "Top Handle Bag", "Satchel", "Tote Handbag"),
        ("Handbags & Wallets", "Top-Handle Bags"),
        ("women", "girls"), (24.99, 199.99), CLOTH, PATTERNS,
        (LEATHER_M, FAUX, m("Canvas", "Cotton Canvas, Polyester Lining", "Spot Clean"),
         m("Nylon", "Water-Resistant Nylon", "Spot Clean"), STRAW_M),
        ("Magnetic Snap",), ("work", "travel", "party", "date", "wedding", "casual"), ("All Season", "Summer"),
        ("Structured", "Roomy", "Classic", "Everyday", "Vintage"),
        ("{dept} {style} {look} {material} {noun} with Flap",
         "{dept} {look} {noun} - {style} {material} Purse for {occasion}",
         "{dept} {material} {noun} {look} {style} Shoulder Bag with Top Handle"),
        ("Fold-over flap with a magnetic snap and metal clasp.",
         "Fits a tablet, wallet, phone and keys.",
         "Interior zip pocket and two slip pockets.",
         "Sturdy top handle; detachable shoulder strap included.",
         "{composition}."),
        ("A {style_lc} {noun_lc} in {look_lc} {material_lc} with a rolled top handle.",
         "The flap closes with a magnetic snap behind a polished metal clasp.",
         "Carries your daily essentials from desk to dinner."),
        draw_handbag,
    ),
    ProductType(
        "backpack", "accessories", 6, ("Backpack", "Daypack", "Laptop Backpack", "School Backpack"),
        ("Luggage & Travel Gear", "Backpacks", "Casual Daypacks"),
        ("unisex", "boys", "girls", "women", "men"), (19.99, 129.99), CLOTH, PATTERNS,
        (m("Nylon", "Water-Resistant Nylon", "Spot Clean"), m("Polyester", "600D Polyester", "Spot Clean"), CANVAS, LEATHER_M),
        ("Zipper",), ("travel", "school", "hiking", "work", "casual"), ("All Season",),
        ("Lightweight", "Water-Resistant", "Roomy", "Padded", "Classic"),
        ("{dept} {style} {look} {material} {noun} with Laptop Sleeve",
         "{dept} {look} {noun} - {style} {material} Bag for {occasion}",
         "{dept} {material} {noun} {look} {style} Daypack with Front Pocket"),
        ("Padded sleeve fits laptops up to 15.6 inches.",
         "Front zip pocket for small items you need fast.",
         "Padded, adjustable shoulder straps and a top grab handle.",
         "Holds about 20 liters.",
         "{composition} with heavy-duty zippers."),
        ("A {style_lc} {noun_lc} in {look_lc} {material_lc}.",
         "A main compartment, padded laptop sleeve and front pocket keep things organized.",
         "Ready for the commute, campus or a weekend away."),
        draw_backpack,
    ),
    ProductType(
        "wallet", "accessories", 5, ("Bifold Wallet", "Wallet", "Card Wallet"), ("Handbags & Wallets", "Wallets"),
        ("men", "women", "unisex"), (14.99, 79.99), LEATHER, ("Solid", "Color Block", "Plaid", "Striped"),
        (LEATHER_M, FAUX, m("Canvas", "Waxed Cotton Canvas", "Spot Clean", CLOTH)),
        (), ("work", "travel", "casual"), ("All Season",),
        ("Slim", "RFID Blocking", "Classic", "Minimalist", "Compact"),
        ("{dept} {style} {look} {material} {noun} with Card Slots",
         "{dept} {look} {noun} - {style} {material} Billfold for {occasion}",
         "{dept} {material} {noun} {look} {style} Card Holder"),
        ("Six card slots, two hidden pockets and a full-length bill section.",
         "RFID-blocking lining protects your cards.",
         "Slim enough for a front pocket.",
         "{composition} with neat contrast stitching."),
        ("A {style_lc} bifold {noun_lc} in {look_lc} {material_lc}.",
         "Holds cards and cash without the bulk.",
         "A practical gift for graduations and birthdays."),
        draw_wallet,
    ),
    ProductType(
        "belt", "accessories", 5, ("Belt", "Leather Belt", "Dress Belt", "Casual Belt"), ("Accessories", "Belts"),
        ("men", "women", "boys", "unisex"), (12.99, 69.99), LEATHER, ("Solid", "Striped"),
        (LEATHER_M, m("Canvas Web", "Cotton Canvas Webbing", "Spot Clean", CLOTH, ("Striped", "Solid")), SUEDE_M),
        ("Buckle",), ("work", "formal", "casual", "wedding"), ("All Season",),
        ("Classic", "Adjustable", "Reversible", "1.25 Inch Wide", "Casual"),
        ("{dept} {style} {look} {material} {noun} with Metal Buckle",
         "{dept} {look} {noun} - {style} {material} Belt for Jeans and {occasion}",
         "{dept} {material} {noun} {look} {style} Waist Belt"),
        ("Single-prong buckle with a keeper loop.",
         "1.25 inch wide; fits standard belt loops.",
         "{composition}, cut to last for years.",
         "Order one size up from your waist size."),
        ("A {style_lc} {noun_lc} in {look_lc} {material_lc}.",
         "Finished with a polished metal buckle and a matching keeper.",
         "Works with jeans, chinos and tailored trousers."),
        draw_belt,
    ),
    ProductType(
        "hat", "accessories", 3, ("Fedora Hat", "Wide Brim Hat", "Panama Hat", "Sun Hat"), ("Accessories", "Hats & Caps", "Fedoras"),
        ("women", "men", "unisex"), (19.99, 79.99), CLOTH, ("Solid", "Plaid", "Striped"),
        (m("Wool Felt", "100% Wool Felt", "Spot Clean"), STRAW_M, m("Cotton", "100% Cotton Twill", "Spot Clean")),
        (), ("beach", "travel", "wedding", "casual"), ("Summer", "Spring", "Fall"),
        ("Classic", "Packable", "Wide Brim", "Adjustable", "UPF 50+"),
        ("{dept} {style} {look} {material} {noun} with Band",
         "{dept} {look} {noun} - {style} {material} Hat for {occasion}",
         "{dept} {material} {noun} {look} {style} Brimmed Hat"),
        ("Pinched crown and a contrast band.",
         "Inner sweatband with an adjustable drawstring.",
         "{composition}, holds its shape.",
         "Brim shades face and neck from the sun."),
        ("A {style_lc} {noun_lc} in {look_lc} {material_lc}.",
         "The pinched crown and tone-on-tone band give it a polished look.",
         "Throw it on for a garden party or a day at the beach."),
        draw_hat,
    ),
    ProductType(
        "beanie", "accessories", 3, ("Beanie", "Knit Beanie", "Pom Pom Beanie", "Winter Hat"),
        ("Accessories", "Hats & Caps", "Skullies & Beanies"),
        ALL_DEPTS, (9.99, 39.99), CLOTH, ("Solid", "Striped", "Color Block"),
        (m("Acrylic Knit", "100% Acrylic", HAND), m("Merino Wool", "100% Merino Wool", HAND), CASHMERE),
        (), ("winter", "hiking", "travel", "casual"), ("Winter", "Fall"),
        ("Cuffed", "Chunky Knit", "Warm", "Slouchy", "Classic"),
        ("{dept} {style} {look} {material} {noun} with Pom Pom",
         "{dept} {look} {noun} - {style} Knit Hat for {occasion}",
         "{dept} {material} {noun} {look} {style} Winter Skull Cap"),
        ("Double-layer cuff covers the ears.",
         "Rib knit stretches to fit most head sizes.",
         "Fluffy pom-pom on top.",
         "{composition}, warm and itch-free."),
        ("A cuffed {noun_lc} in {look_lc} {material_lc} topped with a pom-pom.",
         "Rib knit stretches to fit and the fold-up cuff keeps ears warm.",
         "Built for ski lifts, winter walks and frosty commutes."),
        draw_beanie,
    ),
    ProductType(
        "scarf", "accessories", 5, ("Scarf", "Blanket Scarf", "Winter Scarf", "Lightweight Scarf"),
        ("Accessories", "Scarves & Wraps", "Fashion Scarves"),
        ("women", "men", "unisex", "girls"), (12.99, 99.99), CLOTH, PATTERNS,
        (CASHMERE, m("Wool", "100% Lambswool", HAND), m("Silk", "100% Silk", DRY),
         m("Cotton Linen", "70% Cotton, 30% Linen", GENTLE), m("Acrylic", "100% Acrylic", WASH)),
        (), ("winter", "travel", "work", "casual", "wedding"), ("Winter", "Fall", "Spring"),
        ("Soft", "Oversized", "Fringed", "Lightweight", "Classic"),
        ("{dept} {style} {look} {material} {noun} with Fringe",
         "{dept} {look} {noun} - {style} {material} Wrap for {occasion}",
         "{dept} {material} {noun} {look} {style} Long Shawl"),
        ("Generous 70 x 12 inch size - loop, drape or knot.",
         "Finished with hand-twisted fringe.",
         "{composition}, soft against the neck.",
         "Folds into a gift box."),
        ("A long {noun_lc} in {look_lc} {material_lc}.",
         "Fringed ends and a soft hand make it easy to style a dozen ways.",
         "Wrap up on cold mornings or drape it over a coat."),
        draw_scarf,
    ),
    ProductType(
        "sunglasses", "accessories", 4, ("Sunglasses", "Polarized Sunglasses", "Retro Sunglasses"),
        ("Accessories", "Sunglasses & Eyewear Accessories", "Sunglasses"),
        ALL_DEPTS, (12.99, 129.99), CLOTH + METAL, SOLID,
        (m("Acetate", "Acetate Frame, Polarized Lenses", "Clean with Microfiber Cloth", CLOTH),
         m("Metal", "Metal Alloy Frame, Polarized Lenses", "Clean with Microfiber Cloth", METAL),
         m("Lightweight Polycarbonate", "Polycarbonate Frame, UV400 Lenses", "Clean with Microfiber Cloth", CLOTH)),
        (), ("beach", "travel", "casual", "hiking"), ("Summer", "All Season"),
        ("Polarized", "UV400", "Classic", "Oversized", "Lightweight"),
        ("{dept} {style} {look} {material} Frame {noun} with Smoke Lenses",
         "{dept} {look} Frame {noun} - {style} Shades for {occasion}",
         "{dept} {material} {noun} {look} Frame {style} Eyewear"),
        ("Polarized smoke lenses cut glare off water and roads.",
         "UV400 protection blocks 100% of UVA and UVB.",
         "Spring hinges for a comfortable fit.",
         "Includes a hard case and cleaning cloth."),
        ("{style} {noun_lc} with a {look_lc} {material_lc} frame and smoke lenses.",
         "Rounded rectangular lenses flatter most face shapes.",
         "Pack them for road trips, beach days and city breaks."),
        draw_sunglasses, {"Lens Color": ("Smoke",), "Lens Type": ("Polarized",)},
    ),
)

# ---------------------------------------------------------------------------
# Vocabulary shared by all types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Department:
    title: str  # "Women's"
    category: str  # "Women" (categories path)
    detail: str  # "Womens" (details["Department"], as in the real data)
    kids: bool


DEPARTMENTS = {
    "women": Department("Women's", "Women", "Womens", False),
    "men": Department("Men's", "Men", "Mens", False),
    "girls": Department("Girls'", "Girls", "Girls", True),
    "boys": Department("Boys'", "Boys", "Boys", True),
    "unisex": Department("Unisex", "Unisex", "Unisex-adult", False),
}

# key -> (title phrase, text phrase)
OCCASIONS = {
    "casual": ("Casual Everyday", "everyday errands"),
    "work": ("Work Office", "the office"),
    "wedding": ("Wedding Guest", "weddings"),
    "party": ("Party", "parties and nights out"),
    "beach": ("Beach Vacation", "beach days"),
    "gym": ("Gym Workout", "the gym"),
    "hiking": ("Hiking Outdoor", "hiking trails"),
    "winter": ("Winter Cold Weather", "cold winter days"),
    "travel": ("Travel", "travel"),
    "date": ("Date Night", "date nights"),
    "formal": ("Formal Events", "formal events"),
    "running": ("Running", "running"),
    "lounge": ("Lounge Home", "lounging at home"),
    "school": ("School", "school"),
}
SEASON_WHEN = {"Spring": "in spring", "Summer": "in summer", "Fall": "in fall", "Winter": "in winter", "All Season": "all year round"}

BRANDS = {
    "clothing": ("Velmora", "Tidewell", "Corvella", "Linnet & Lark", "Saffrin Studio", "Harrowgate Supply", "Olvana",
                 "Quenby", "Brisk Theory", "Ardello", "Wrenfield", "Kivora", "Solvane", "Maple Row Basics"),
    "shoes": ("Stridewell", "Cobblestone Lane", "Peakhollow", "Trevano", "Softpath Footwear", "Marigo Shoe Co.", "Ferrow",
              "Lumen Step"),
    "accessories": ("Aurelle", "Gilded Finch", "Nordvik Atelier", "Oriane", "Carrowmore", "Luxe Ember", "Tallis & Rye",
                    "Bellwick", "Ostara Goods", "Calder Row"),
}

GENERIC_POINTS = (
    "OCCASION: Great for {occasions}.",
    "VERSATILE: Dress it up or down - made for {occasions}.",
    "Designed with {occasions} in mind, {season_when}.",
    "A reliable pick for {occasions} {season_when}.",
)
OPENERS = (
    "Meet your new favorite {noun_lc}.",
    "Designed in-house by the {brand} team.",
    "A wardrobe staple, reimagined.",
    "Looking for a {noun_lc} that works as hard as you do?",
    "The {look_lc} {noun_lc} you will reach for again and again.",
    "",
)
OCCASION_LINES = (
    "Wear it for {occasions} {season_when}.",
    "Our customers love it for {occasions}.",
    "Ideal for {occasions} {season_when}.",
    "From {occasions} to everything in between.",
)
SIZE_NOTES = {
    "clothing": ("Please check the size chart in the images before ordering.", "Runs true to size; size up for a looser fit.",
                 "Model is 5'9\" and wears a size S."),
    "shoes": ("True to size - if you are between sizes, order a half size up.", "Please measure your foot length before ordering."),
    "accessories": ("",),
}
# Marketing noise that real listings carry; downstream summaries are expected to drop it.
NOISE = (
    "Perfect gift for birthdays, anniversaries, Christmas and Mother's Day!",
    "Click 'Add to Cart' now - limited stock!",
    "100% satisfaction guarantee: not happy? Contact us for a replacement or refund, no questions asked.",
    "Our customer service team replies within 24 hours.",
    "Welcome to the {brand} store - thousands of happy customers since 2015!",
    "HOT NEW ARRIVAL - don't miss out!!",
)


# ---------------------------------------------------------------------------
# Product generation
# ---------------------------------------------------------------------------


def pick_look(rng: random.Random, ptype: ProductType, material: Material) -> Look:
    patterns = [p for p in ptype.patterns if not material.patterns or p in material.patterns] or ["Solid"]
    colours = [c for c in ptype.colours if not material.colours or c in material.colours]
    pattern = rng.choice(patterns)
    primary = rng.choice(colours)
    secondary: str | None = None
    if pattern != "Solid":
        secondary = rng.choice([c for c in CLOTH if c != primary and distinct(c, primary)])
    elif ptype.gem and rng.random() < 0.6:
        secondary = rng.choice(GEMS)
    return Look(primary, secondary, pattern)


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def fmt(template: str, slots: dict[str, str]) -> str:
    """Fill a template and tidy doubled spaces left by empty slots."""
    text = template.format(**slots)
    return " ".join(text.split()).replace(" ,", ",").replace(" .", ".")


def colours_named(text: str) -> set[str]:
    """Palette colour names mentioned in a text (longest names first so 'Light Blue' isn't 'Blue')."""
    found, rest = set(), f" {text.lower()} "
    for name in sorted(PALETTE, key=len, reverse=True):
        if f" {name.lower()}" in rest.replace("/", " ").replace("-", " "):
            found.add(name)
            rest = rest.replace(name.lower(), " ")
    return found


def check_title(title: str, look: Look) -> None:
    named = colours_named(title)
    assert look.primary in named, title
    assert named <= {look.primary, look.secondary}, f"title names a colour not drawn: {title}"
    assert PATTERN_WORDS[look.pattern] in title.lower(), title


def make_price(rng: random.Random, ptype: ProductType, kids: bool) -> float:
    lo, hi = ptype.price
    value = rng.uniform(lo, hi) * (0.65 if kids else 1.0)
    whole = max(7, int(value))
    return round(whole + rng.choice((0.99, 0.99, 0.99, 0.49, 0.95, 0.0)), 2)


def make_product(rng: random.Random, ptype: ProductType, asin: str) -> tuple[dict[str, object], Look]:
    dept = DEPARTMENTS[rng.choice(ptype.departments)]
    material = rng.choice(ptype.materials)
    look = pick_look(rng, ptype, material)
    brand = rng.choice(BRANDS[ptype.group])
    occasion_keys = rng.sample(ptype.occasions, k=min(len(ptype.occasions), rng.randint(1, 3)))
    season = rng.choice(ptype.seasons)
    style = rng.choice(ptype.styles)
    noun = rng.choice(ptype.nouns)
    gem_word = rng.choice(("Crystal", "Cubic Zirconia", "Stone"))
    look_text = rng.choice(LOOK_PHRASES[look.pattern]).format(p=look.primary, s=look.secondary)
    occasions_text = join_words([OCCASIONS[k][1] for k in occasion_keys])
    slots = {
        "dept": dept.title,
        "look": look_text,
        "look_lc": look_text.lower(),
        "material": material.name,
        "material_lc": material.name.lower(),
        "composition": material.composition,
        "noun": noun,
        "noun_lc": noun.lower(),
        "style": style,
        "style_lc": style.lower(),
        "occasion": OCCASIONS[occasion_keys[0]][0],
        "occasions": occasions_text,
        "season": season,
        "season_when": SEASON_WHEN[season],
        "brand": brand,
        "gem": f"with {look.secondary} {gem_word}" if ptype.gem and look.secondary else "",
        "gem_text": f" set with a {look.secondary.lower()} {gem_word.lower()}" if ptype.gem and look.secondary else "",
    }

    title = fmt(rng.choice(ptype.titles), slots)
    if rng.random() < 0.7:
        title = f"{brand} {title}"
    check_title(title, look)

    # Features: short spec bullets like real listings, then 1-3 selling points.
    short = [material.composition]
    if rng.random() < 0.5:
        short.append("Imported")
    if ptype.closures and rng.random() < 0.6:
        short.append(f"{rng.choice(ptype.closures)} closure")
    if rng.random() < 0.6:
        short.append(material.care)
    long = [fmt(p, slots) for p in rng.sample(ptype.points, k=rng.randint(1, 3))]
    if rng.random() < 0.5:
        long.append(fmt(rng.choice(GENERIC_POINTS), slots))
    features = (short + long)[:6]
    # composition is in both `short` and some points; keep the list free of exact repeats
    features = list(dict.fromkeys(features))

    # Description: 1-3 paragraphs; some carry marketing noise.
    pitch = rng.sample(ptype.pitch, k=rng.randint(1, len(ptype.pitch)))
    intro = fmt(" ".join([rng.choice(OPENERS), *pitch]), slots)
    paragraphs = [intro[0].upper() + intro[1:]]
    if rng.random() < 0.6:
        paragraphs.append(fmt(f"{rng.choice(OCCASION_LINES)} {rng.choice(SIZE_NOTES[ptype.group])}", slots))
    if rng.random() < 0.45:
        paragraphs.append(fmt(rng.choice(NOISE), slots))
    paragraphs = [p[0].upper() + p[1:] for p in paragraphs][: rng.randint(1, 3)]

    first_seen = date(2018, 1, 1) + timedelta(days=rng.randrange(2000))
    details: dict[str, str] = {
        "Department": dept.detail,
        "Date First Available": f"{first_seen:%B} {first_seen.day}, {first_seen.year}",
        "Brand": brand,
        "Material": material.name,
        # "Navy" or "Navy Striped": the colour name, then the pattern when there is one
        "Color": look.primary if look.pattern == "Solid" else f"{look.primary} {look.pattern}",
        "Pattern": look.pattern,
    }
    if look.secondary:
        details["Secondary Color"] = look.secondary
    if ptype.gem and look.secondary:
        details["Stone"] = gem_word
    if ptype.closures:
        details["Closure Type"] = rng.choice(ptype.closures)
    details["Care Instructions"] = material.care
    details["Style"] = style
    details["Occasion"] = ", ".join(OCCASIONS[k][0] for k in occasion_keys)
    details["Season"] = season
    for key, options in ptype.extras.items():
        details[key] = material.name if options == ("See Material",) else rng.choice(options)
    details["Item model number"] = f"{''.join(w[0] for w in brand.split()).upper()}-{rng.randrange(1000, 9999)}"

    image_path = f"images/{asin}.png"
    record: dict[str, object] = {
        "main_category": "AMAZON FASHION" if rng.random() < 0.7 else "Clothing, Shoes & Jewelry",
        "title": title,
        "average_rating": round(rng.triangular(3.5, 5.0, 4.5), 1),
        "rating_number": round(math.exp(rng.uniform(math.log(3), math.log(5000)))),
        "features": features,
        "description": paragraphs,
        "price": make_price(rng, ptype, dept.kids),
        "images": [{"thumb": image_path, "large": image_path, "variant": "MAIN", "hi_res": image_path}],
        "videos": [],
        "store": brand,
        "categories": ["Clothing, Shoes & Jewelry", dept.category, *ptype.category],
        "details": details,
        "parent_asin": asin,
        "bought_together": None,
    }
    return record, look


def main() -> None:
    rng = random.Random(SEED)
    slots = [ptype for ptype in TYPES for _ in range(ptype.count)]
    rng.shuffle(slots)  # mix types so IDs carry no category order
    image_dir = OUT_DIR / "images"
    image_dir.mkdir(exist_ok=True)
    lines = []
    for i, ptype in enumerate(slots, start=1):
        asin = f"SMPL{i:06d}"
        record, look = make_product(rng, ptype, asin)
        render(ptype.draw, look).save(image_dir / f"{asin}.png", optimize=True)
        lines.append(json.dumps(record, ensure_ascii=False))
    (OUT_DIR / "catalog.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} products to {OUT_DIR}")


if __name__ == "__main__":
    main()
