"""Invented fashion catalogs in the Amazon Reviews 2023 raw item-metadata schema, each product with
one drawn PNG showing its type (a silhouette), colours and pattern.

Two catalogs come from this one drawing code:

- the bundled sample (`write_sample`, run by plugins/fashion/sample/draw_catalog.py): 245 products
  of 34 kinds, 224-pixel images, seed 2026; rerunning it rewrites byte-identical files;
- generated catalogs (`generate_catalog(n, seed, out_dir)`, the `muse sample-catalog` command):
  any size, 71 product types whose counts fall off like Zipf's law, near-duplicate families (the
  same type, department and colour, differing in material, pattern, brand or price), and small
  images (128 pixels, twice what the offline vision reader looks at) so that 5,000 products take seconds.

Deterministic: the same arguments write the same bytes. Everything here is written by the muse
authors (CC0); brands and stores are invented.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 224  # the bundled sample's images
GENERATED_SIZE = 128  # generated catalogs: small, and exactly twice the 64x64 the offline vision reader looks at
BACKGROUND = (236, 236, 236)

PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (25, 25, 25), "white": (250, 250, 250), "grey": (128, 128, 128), "navy": (25, 35, 90),
    "blue": (40, 90, 200), "light blue": (150, 195, 235), "red": (200, 30, 40), "burgundy": (110, 20, 40),
    "pink": (240, 150, 180), "green": (40, 140, 60), "olive": (110, 110, 40), "yellow": (240, 210, 50),
    "orange": (240, 130, 30), "beige": (220, 200, 160), "brown": (120, 75, 40), "purple": (120, 60, 160),
    "gold": (205, 165, 50), "silver": (192, 192, 200),
    # generated catalogs only (the sample draws from the first 16): both are colours the vision reader names
    "teal": (0, 128, 128), "khaki": (190, 175, 120),
}
PATTERNS = ["solid", "solid", "solid", "striped", "plaid", "polka dot", "floral", "colour-block"]
PATTERN_WORDS = {"solid": "", "striped": "Striped", "plaid": "Plaid", "polka dot": "Polka Dot",
                 "floral": "Floral", "colour-block": "Color Block"}


def _px(value: float, size: int) -> int:
    """A length drawn on the 224-pixel grid, scaled to `size` (identical at 224)."""
    return round(value * size / SIZE)


def _width(value: float, size: int) -> int:
    return max(1, _px(value, size))


# -- silhouettes: polygons on a 0..1 grid, scaled to the image -----------------------------------
Shape = list[tuple[float, float]]
SILHOUETTES: dict[str, list[Shape]] = {
    "tee": [[(.30, .18), (.42, .14), (.58, .14), (.70, .18), (.88, .34), (.78, .44), (.70, .38), (.70, .86),
             (.30, .86), (.30, .38), (.22, .44), (.12, .34)]],
    "longsleeve": [[(.30, .16), (.42, .12), (.58, .12), (.70, .16), (.90, .70), (.80, .74), (.70, .40),
                    (.70, .88), (.30, .88), (.30, .40), (.20, .74), (.10, .70)]],
    "coat": [[(.30, .12), (.42, .08), (.58, .08), (.70, .12), (.90, .76), (.80, .80), (.70, .42),
              (.72, .94), (.28, .94), (.30, .42), (.20, .80), (.10, .76)]],
    "dress": [[(.38, .10), (.44, .10), (.46, .22), (.54, .22), (.56, .10), (.62, .10), (.64, .40),
               (.82, .92), (.18, .92), (.36, .40)]],
    "skirt": [[(.34, .22), (.66, .22), (.84, .80), (.16, .80)]],
    "trousers": [[(.32, .10), (.68, .10), (.72, .92), (.56, .92), (.50, .36), (.44, .92), (.28, .92)]],
    "shorts": [[(.28, .24), (.72, .24), (.78, .66), (.54, .66), (.50, .44), (.46, .66), (.22, .66)]],
    "swim": [[(.30, .16), (.38, .16), (.50, .36), (.62, .16), (.70, .16), (.68, .62), (.58, .84), (.42, .84),
              (.32, .62)]],
    "sneaker": [[(.10, .52), (.30, .50), (.46, .38), (.60, .38), (.66, .52), (.90, .58), (.92, .72),
                 (.10, .72)]],
    "boot": [[(.30, .14), (.56, .14), (.58, .56), (.88, .66), (.90, .82), (.28, .82)]],
    "heel": [[(.12, .46), (.22, .40), (.60, .62), (.86, .56), (.90, .64), (.80, .70), (.78, .86), (.74, .86),
              (.72, .72), (.26, .72), (.12, .60)]],
    "sandal": [[(.10, .66), (.90, .62), (.90, .74), (.10, .76)], [(.30, .46), (.40, .46), (.40, .66), (.30, .66)],
               [(.56, .44), (.66, .44), (.66, .64), (.56, .64)]],
    "flat": [[(.10, .58), (.30, .52), (.70, .52), (.90, .60), (.90, .72), (.10, .72)]],
    "handbag": [[(.20, .40), (.80, .40), (.86, .86), (.14, .86)]],
    "backpack": [[(.28, .20), (.72, .20), (.78, .32), (.80, .90), (.20, .90), (.22, .32)]],
    "wallet": [[(.18, .34), (.82, .34), (.82, .70), (.18, .70)]],
    "belt": [[(.06, .44), (.94, .44), (.94, .56), (.06, .56)]],
    "hat": [[(.30, .56), (.34, .28), (.50, .22), (.66, .28), (.70, .56)], [(.10, .56), (.90, .56), (.90, .64),
                                                                            (.10, .64)]],
    "scarf": [[(.34, .08), (.50, .08), (.50, .92), (.34, .92)], [(.50, .60), (.66, .60), (.66, .92),
                                                                 (.50, .92)]],
    # shapes of the generated catalogs' extra kinds (the bundled sample does not use them)
    "tank": [[(.34, .12), (.42, .12), (.44, .24), (.56, .24), (.58, .12), (.66, .12), (.70, .36), (.70, .88),
              (.30, .88), (.30, .36)]],
    "vest": [[(.30, .14), (.44, .12), (.50, .30), (.56, .12), (.70, .14), (.74, .30), (.72, .88), (.28, .88),
              (.26, .30)]],
    "jumpsuit": [[(.34, .08), (.44, .08), (.50, .18), (.56, .08), (.66, .08), (.68, .44), (.72, .94), (.56, .94),
                  (.50, .56), (.44, .94), (.28, .94), (.32, .44)]],
    "romper": [[(.34, .10), (.44, .10), (.50, .20), (.56, .10), (.66, .10), (.68, .50), (.74, .80), (.54, .80),
                (.50, .64), (.46, .80), (.26, .80), (.32, .50)]],
    "sock": [[(.36, .10), (.58, .10), (.58, .62), (.80, .74), (.80, .88), (.50, .88), (.36, .74)]],
    "cap": [[(.24, .60), (.28, .38), (.44, .28), (.60, .30), (.70, .44), (.72, .60)],
            [(.60, .56), (.92, .60), (.90, .68), (.60, .66)]],
    "beanie": [[(.24, .70), (.26, .44), (.38, .28), (.50, .24), (.62, .28), (.74, .44), (.76, .70)],
               [(.22, .70), (.78, .70), (.78, .80), (.22, .80)]],
    "glove": [[(.30, .92), (.30, .44), (.34, .20), (.40, .20), (.42, .40), (.46, .14), (.52, .14), (.54, .40),
               (.58, .18), (.64, .18), (.64, .44), (.72, .36), (.78, .40), (.70, .60), (.68, .92)]],
    "tie": [[(.44, .06), (.56, .06), (.54, .16), (.62, .78), (.50, .92), (.38, .78), (.46, .16)]],
    "duffel": [[(.12, .42), (.20, .34), (.80, .34), (.88, .42), (.88, .80), (.12, .80)],
               [(.36, .20), (.64, .20), (.64, .34), (.58, .34), (.58, .26), (.42, .26), (.42, .34), (.36, .34)]],
    "beltbag": [[(.06, .40), (.94, .40), (.94, .48), (.06, .48)], [(.26, .44), (.74, .44), (.70, .78),
                                                                    (.30, .78)]],
    "umbrella": [[(.08, .50), (.20, .30), (.50, .16), (.80, .30), (.92, .50)],
                 [(.49, .50), (.53, .50), (.53, .86), (.45, .90), (.43, .84), (.49, .84)]],
    "clog": [[(.10, .56), (.24, .40), (.62, .40), (.86, .54), (.90, .74), (.10, .74)]],
}


def _ring(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731 (a local scale, read as the 224-pixel grid)
    draw.ellipse([p(60), p(60), p(164), p(164)], fill=fill, outline=outline, width=_width(3, size))
    draw.ellipse([p(84), p(84), p(140), p(140)], fill=BACKGROUND, outline=outline, width=_width(3, size))
    draw.ellipse([p(100), p(40), p(124), p(64)], fill=(235, 245, 255), outline=outline, width=_width(2, size))


def _necklace(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731
    draw.arc([p(40), p(20), p(184), p(150)], start=20, end=160, fill=outline, width=_width(6, size))
    draw.polygon([(p(112), p(146)), (p(132), p(172)), (p(112), p(198)), (p(92), p(172))], fill=fill, outline=outline)


def _earrings(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731
    for x in (70, 154):
        draw.line([(p(x), p(50)), (p(x), p(100))], fill=outline, width=_width(4, size))
        draw.ellipse([p(x - 22), p(100), p(x + 22), p(150)], fill=fill, outline=outline, width=_width(3, size))


def _bracelet(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731
    draw.ellipse([p(40), p(70), p(184), p(160)], fill=fill, outline=outline, width=_width(3, size))
    draw.ellipse([p(66), p(88), p(158), p(142)], fill=BACKGROUND, outline=outline, width=_width(3, size))


def _watch(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731
    draw.rectangle([p(92), p(16), p(132), p(208)], fill=fill, outline=outline, width=_width(3, size))
    draw.ellipse([p(68), p(68), p(156), p(156)], fill=(245, 245, 240), outline=outline, width=_width(5, size))
    draw.line([(p(112), p(112)), (p(112), p(82))], fill=outline, width=_width(4, size))
    draw.line([(p(112), p(112)), (p(134), p(118))], fill=outline, width=_width(4, size))


def _sunglasses(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731
    for x in (40, 124):
        draw.ellipse([p(x), p(84), p(x + 60), p(140)], fill=fill, outline=outline, width=_width(4, size))
    draw.line([(p(100), p(100)), (p(124), p(100))], fill=outline, width=_width(5, size))


def _cufflinks(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731
    for x in (36, 124):
        draw.rounded_rectangle([p(x), p(72), p(x + 64), p(136)], radius=p(12), fill=fill, outline=outline,
                               width=_width(3, size))
        draw.rectangle([p(x + 26), p(136), p(x + 38), p(170)], fill=outline)


def _brooch(draw: ImageDraw.ImageDraw, fill, outline, size: int) -> None:
    p = lambda v: _px(v, size)  # noqa: E731
    draw.ellipse([p(48), p(48), p(176), p(176)], fill=fill, outline=outline, width=_width(4, size))
    draw.ellipse([p(92), p(92), p(132), p(132)], fill=(235, 245, 255), outline=outline, width=_width(3, size))


DRAWN: dict[str, Callable] = {"ring": _ring, "necklace": _necklace, "earrings": _earrings,
                              "bracelet": _bracelet, "watch": _watch, "sunglasses": _sunglasses,
                              "cufflinks": _cufflinks, "brooch": _brooch}


@dataclass(frozen=True)
class Kind:
    """One product type: how it looks, what it is made of, what it costs, how listings name it."""

    group: str  # Clothing | Shoes | Jewelry | Accessories (the Amazon category under the department)
    category: str
    noun: str
    shape: str
    materials: tuple[str, ...]
    price: tuple[float, float]
    count: int  # products of this kind in the bundled sample (generated catalogs draw their own counts)
    departments: tuple[str, ...] = ("Women", "Men")
    occasions: tuple[str, ...] = ("everyday wear", "weekends")
    patterned: bool = True


# The bundled sample's kinds, in its order (changing this list changes the sample's bytes).
KINDS = [
    Kind("Clothing", "Tops & Tees", "T-Shirt", "tee", ("cotton", "organic cotton", "cotton and polyester blend"),
         (9.99, 34.99), 10, ("Women", "Men", "Boys", "Girls"), ("everyday wear", "the gym", "summer")),
    Kind("Clothing", "Blouses & Button-Down Shirts", "Button-Down Shirt", "longsleeve", ("linen", "cotton poplin",
         "rayon"), (19.99, 59.99), 10, ("Women", "Men"), ("work", "the office", "summer")),
    Kind("Clothing", "Sweaters", "Sweater", "longsleeve", ("merino wool", "cashmere", "acrylic", "cotton knit"),
         (24.99, 129.99), 8, ("Women", "Men"), ("winter", "autumn", "the office")),
    Kind("Clothing", "Fashion Hoodies & Sweatshirts", "Hoodie", "longsleeve", ("fleece", "cotton and polyester blend"),
         (19.99, 54.99), 7, ("Women", "Men", "Boys", "Girls"), ("weekends", "travel", "school")),
    Kind("Clothing", "Coats, Jackets & Vests", "Jacket", "coat", ("nylon", "denim", "faux leather", "polyester"),
         (39.99, 149.99), 9, ("Women", "Men", "Boys", "Girls"), ("travel", "autumn", "hiking")),
    Kind("Clothing", "Coats, Jackets & Vests", "Wool Coat", "coat", ("wool", "wool blend"), (79.99, 249.99), 5,
         ("Women", "Men"), ("winter", "work", "formal events"), patterned=False),
    Kind("Clothing", "Dresses", "Dress", "dress", ("chiffon", "cotton", "satin", "jersey knit"), (24.99, 119.99), 12,
         ("Women", "Girls"), ("weddings", "parties", "summer", "date nights")),
    Kind("Clothing", "Skirts", "Skirt", "skirt", ("linen", "denim", "pleated chiffon", "wool"), (19.99, 69.99), 6,
         ("Women", "Girls"), ("work", "summer", "parties")),
    Kind("Clothing", "Jeans", "Jeans", "trousers", ("denim", "stretch denim"), (29.99, 89.99), 8,
         ("Women", "Men"), ("everyday wear", "weekends"), patterned=False),
    Kind("Clothing", "Pants", "Chino Trousers", "trousers", ("cotton twill", "linen"), (24.99, 69.99), 7,
         ("Women", "Men"), ("work", "the office", "travel")),
    Kind("Clothing", "Shorts", "Shorts", "shorts", ("cotton", "nylon", "linen"), (14.99, 44.99), 7,
         ("Women", "Men", "Boys", "Girls"), ("summer", "the beach", "hiking")),
    Kind("Clothing", "Active", "Leggings", "trousers", ("nylon and spandex", "polyester and elastane"),
         (19.99, 64.99), 7, ("Women", "Girls"), ("yoga", "running", "the gym")),
    Kind("Clothing", "Suits & Sport Coats", "Blazer", "coat", ("wool blend", "linen", "polyester"), (59.99, 199.99),
         6, ("Women", "Men"), ("work", "job interviews", "weddings")),
    Kind("Clothing", "Swimsuits & Cover Ups", "Swimsuit", "swim", ("nylon and spandex", "recycled polyester"),
         (19.99, 79.99), 8, ("Women", "Girls"), ("the beach", "swimming", "vacation")),
    Kind("Shoes", "Fashion Sneakers", "Sneakers", "sneaker", ("canvas", "leather", "knit mesh"), (34.99, 119.99),
         12, ("Women", "Men", "Boys", "Girls"), ("everyday wear", "travel", "weekends")),
    Kind("Shoes", "Athletic", "Running Shoes", "sneaker", ("breathable mesh", "knit mesh"), (49.99, 159.99), 9,
         ("Women", "Men"), ("running", "the gym", "marathon training"), patterned=False),
    Kind("Shoes", "Boots", "Ankle Boots", "boot", ("leather", "suede", "faux leather"), (49.99, 179.99), 10,
         ("Women", "Men"), ("autumn", "winter", "work"), patterned=False),
    Kind("Shoes", "Outdoor", "Hiking Boots", "boot", ("waterproof leather", "nubuck leather"), (69.99, 189.99), 7,
         ("Women", "Men", "Boys"), ("hiking", "trail walking", "camping"), patterned=False),
    Kind("Shoes", "Sandals", "Sandals", "sandal", ("leather", "rubber", "cork and leather"), (19.99, 79.99), 9,
         ("Women", "Men", "Girls"), ("summer", "the beach", "vacation"), patterned=False),
    Kind("Shoes", "Pumps", "Heels", "heel", ("patent leather", "suede", "satin"), (39.99, 139.99), 9,
         ("Women",), ("weddings", "parties", "work"), patterned=False),
    Kind("Shoes", "Loafers & Slip-Ons", "Loafers", "flat", ("leather", "suede"), (44.99, 139.99), 6,
         ("Women", "Men"), ("work", "the office", "travel"), patterned=False),
    Kind("Shoes", "Flats", "Ballet Flats", "flat", ("leather", "faux suede"), (24.99, 79.99), 5,
         ("Women", "Girls"), ("work", "everyday wear"), patterned=False),
    Kind("Jewelry", "Rings", "Ring", "ring", ("sterling silver", "gold-plated brass", "titanium"), (14.99, 149.99), 7,
         ("Women", "Men"), ("anniversaries", "engagements", "everyday wear"), patterned=False),
    Kind("Jewelry", "Necklaces", "Pendant Necklace", "necklace", ("sterling silver", "gold-plated brass",
         "stainless steel"), (14.99, 129.99), 7, ("Women", "Girls"), ("anniversaries", "parties", "birthdays"),
         patterned=False),
    Kind("Jewelry", "Earrings", "Drop Earrings", "earrings", ("sterling silver", "gold-plated brass", "pearl"),
         (12.99, 99.99), 7, ("Women", "Girls"), ("weddings", "parties", "date nights"), patterned=False),
    Kind("Jewelry", "Bracelets", "Bangle Bracelet", "bracelet", ("sterling silver", "gold-plated brass",
         "stainless steel"), (12.99, 89.99), 5, ("Women", "Men"), ("everyday wear", "birthdays"), patterned=False),
    Kind("Accessories", "Wrist Watches", "Watch", "watch", ("stainless steel", "leather strap"), (39.99, 249.99), 6,
         ("Women", "Men"), ("work", "formal events", "graduations"), patterned=False),
    Kind("Accessories", "Handbags", "Tote Handbag", "handbag", ("leather", "canvas", "vegan leather"),
         (29.99, 179.99), 8, ("Women",), ("work", "shopping", "travel")),
    Kind("Accessories", "Backpacks", "Backpack", "backpack", ("nylon", "canvas", "recycled polyester"),
         (24.99, 99.99), 6, ("Women", "Men", "Boys", "Girls"), ("school", "travel", "hiking")),
    Kind("Accessories", "Wallets", "Bifold Wallet", "wallet", ("leather", "vegan leather"), (14.99, 69.99), 5,
         ("Men", "Women"), ("everyday wear", "travel"), patterned=False),
    Kind("Accessories", "Belts", "Belt", "belt", ("leather", "woven canvas"), (14.99, 59.99), 4,
         ("Men", "Women"), ("work", "everyday wear"), patterned=False),
    Kind("Accessories", "Hats & Caps", "Sun Hat", "hat", ("straw", "cotton canvas", "wool felt"), (14.99, 49.99), 5,
         ("Women", "Men", "Girls"), ("the beach", "summer", "gardening")),
    Kind("Accessories", "Scarves & Wraps", "Scarf", "scarf", ("cashmere", "wool", "silk"), (14.99, 89.99), 4,
         ("Women", "Men"), ("winter", "travel", "the office")),
    Kind("Accessories", "Sunglasses", "Sunglasses", "sunglasses", ("acetate frame", "metal frame"), (14.99, 149.99),
         4, ("Women", "Men", "Boys", "Girls"), ("summer", "driving", "the beach"), patterned=False),
]

# Kinds only generated catalogs have. Each noun names one product type of the offline engine's
# lexicon (plugins/offline/lexicon.py), which a test checks.
EXTRA_KINDS = [
    Kind("Clothing", "Blouses & Button-Down Shirts", "Blouse", "longsleeve", ("chiffon", "silk", "rayon", "cotton"),
         (19.99, 69.99), 0, ("Women", "Girls"), ("work", "date nights", "the office")),
    Kind("Clothing", "Shirts", "Polo Shirt", "tee", ("pique cotton", "cotton", "polyester"), (14.99, 54.99), 0,
         ("Men", "Women", "Boys"), ("work", "weekends", "golf")),
    Kind("Clothing", "Tops & Tees", "Tank Top", "tank", ("cotton", "modal", "rayon"), (9.99, 29.99), 0,
         ("Women", "Men", "Girls"), ("summer", "the gym", "yoga")),
    Kind("Clothing", "Sweaters", "Cardigan", "longsleeve", ("cotton knit", "merino wool", "cashmere"),
         (24.99, 109.99), 0, ("Women", "Men", "Girls"), ("the office", "autumn", "travel")),
    Kind("Clothing", "Fashion Hoodies & Sweatshirts", "Sweatshirt", "longsleeve", ("fleece", "cotton",
         "cotton and polyester blend"), (19.99, 49.99), 0, ("Unisex", "Women", "Men", "Boys", "Girls"),
         ("weekends", "school", "travel")),
    Kind("Clothing", "Coats, Jackets & Vests", "Parka", "coat", ("nylon", "polyester"), (89.99, 299.99), 0,
         ("Women", "Men", "Boys", "Girls"), ("winter", "snow days", "travel"), patterned=False),
    Kind("Clothing", "Coats, Jackets & Vests", "Puffer Vest", "vest", ("nylon", "polyester"), (29.99, 89.99), 0,
         ("Women", "Men", "Boys"), ("autumn", "hiking", "weekends"), patterned=False),
    Kind("Clothing", "Suits & Sport Coats", "Suit", "coat", ("wool", "wool blend", "linen"), (129.99, 399.99), 0,
         ("Men", "Women"), ("weddings", "job interviews", "formal events"), patterned=False),
    Kind("Clothing", "Jumpsuits, Rompers & Overalls", "Jumpsuit", "jumpsuit", ("rayon", "linen", "cotton"),
         (29.99, 89.99), 0, ("Women", "Girls"), ("parties", "summer", "date nights")),
    Kind("Clothing", "Jumpsuits, Rompers & Overalls", "Romper", "romper", ("cotton", "rayon", "linen"),
         (19.99, 59.99), 0, ("Women", "Girls"), ("summer", "vacation", "the beach")),
    Kind("Clothing", "Jumpsuits, Rompers & Overalls", "Overalls", "jumpsuit", ("denim", "cotton twill", "corduroy"),
         (29.99, 79.99), 0, ("Women", "Men", "Boys", "Girls"), ("weekends", "gardening", "everyday wear")),
    Kind("Clothing", "Active", "Joggers", "trousers", ("fleece", "cotton", "polyester"), (19.99, 59.99), 0,
         ("Men", "Women", "Boys", "Girls"), ("the gym", "running", "weekends")),
    Kind("Clothing", "Swim", "Swim Trunks", "shorts", ("polyester", "nylon"), (14.99, 44.99), 0,
         ("Men", "Boys"), ("the beach", "swimming", "vacation")),
    Kind("Clothing", "Sleep & Lounge", "Pajama Set", "longsleeve", ("flannel", "cotton", "modal"), (19.99, 59.99), 0,
         ("Women", "Men", "Girls", "Boys"), ("lazy mornings", "holidays", "sleepovers")),
    Kind("Clothing", "Sleep & Lounge", "Robe", "coat", ("terry", "fleece", "cotton"), (24.99, 69.99), 0,
         ("Women", "Men", "Unisex"), ("lazy mornings", "spa days", "holidays")),
    Kind("Clothing", "Socks & Hosiery", "Socks", "sock", ("cotton", "merino wool", "nylon"), (7.99, 24.99), 0,
         ("Unisex", "Women", "Men", "Boys", "Girls"), ("everyday wear", "hiking", "the gym")),
    Kind("Clothing", "Socks & Hosiery", "Tights", "trousers", ("nylon", "nylon and spandex", "wool"), (7.99, 29.99),
         0, ("Women", "Girls"), ("work", "winter", "parties"), patterned=False),
    Kind("Shoes", "Slippers", "Slippers", "flat", ("fleece", "wool felt", "suede"), (14.99, 49.99), 0,
         ("Women", "Men", "Boys", "Girls"), ("lazy mornings", "holidays", "winter")),
    Kind("Shoes", "Mules & Clogs", "Clogs", "clog", ("rubber", "leather"), (29.99, 99.99), 0,
         ("Unisex", "Women", "Men"), ("gardening", "work", "everyday wear"), patterned=False),
    Kind("Shoes", "Mules & Clogs", "Mules", "flat", ("leather", "suede"), (29.99, 99.99), 0,
         ("Women",), ("work", "summer", "date nights"), patterned=False),
    Kind("Shoes", "Oxfords", "Oxford Shoes", "flat", ("leather", "suede"), (59.99, 179.99), 0,
         ("Men", "Women", "Boys"), ("work", "weddings", "formal events"), patterned=False),
    Kind("Shoes", "Boots", "Rain Boots", "boot", ("rubber",), (24.99, 79.99), 0,
         ("Women", "Men", "Girls", "Boys"), ("rainy days", "gardening", "festivals")),
    Kind("Shoes", "Flats", "Espadrilles", "flat", ("canvas", "linen"), (24.99, 69.99), 0,
         ("Women", "Men"), ("summer", "vacation", "weekends")),
    Kind("Shoes", "Sandals", "Flip-Flops", "sandal", ("rubber",), (9.99, 34.99), 0,
         ("Unisex", "Women", "Men", "Boys", "Girls"), ("the beach", "the pool", "summer"), patterned=False),
    Kind("Jewelry", "Anklets", "Anklet", "bracelet", ("sterling silver", "gold-plated brass"), (9.99, 49.99), 0,
         ("Women", "Girls"), ("summer", "the beach", "vacation"), patterned=False),
    Kind("Jewelry", "Cuff Links", "Cufflinks", "cufflinks", ("stainless steel", "sterling silver"), (19.99, 89.99),
         0, ("Men",), ("weddings", "formal events", "work"), patterned=False),
    Kind("Jewelry", "Brooches & Pins", "Brooch", "brooch", ("gold-plated brass", "sterling silver"), (12.99, 59.99),
         0, ("Women",), ("weddings", "parties", "the office"), patterned=False),
    Kind("Accessories", "Handbags", "Crossbody Bag", "handbag", ("leather", "vegan leather", "nylon"),
         (24.99, 129.99), 0, ("Women",), ("travel", "shopping", "concerts")),
    Kind("Accessories", "Handbags", "Clutch", "wallet", ("satin", "leather", "velvet"), (19.99, 89.99), 0,
         ("Women",), ("weddings", "parties", "date nights")),
    Kind("Accessories", "Luggage & Travel Gear", "Duffel Bag", "duffel", ("canvas", "nylon", "leather"),
         (34.99, 149.99), 0, ("Unisex", "Men", "Women"), ("travel", "the gym", "weekends")),
    Kind("Accessories", "Waist Packs", "Belt Bag", "beltbag", ("nylon", "leather"), (14.99, 59.99), 0,
         ("Unisex", "Women", "Men"), ("travel", "festivals", "running")),
    Kind("Accessories", "Wallets", "Card Holder", "wallet", ("leather", "vegan leather"), (9.99, 49.99), 0,
         ("Men", "Women"), ("work", "everyday wear"), patterned=False),
    Kind("Accessories", "Hats & Caps", "Baseball Cap", "cap", ("cotton twill", "polyester", "wool"), (12.99, 34.99), 0,
         ("Unisex", "Men", "Women", "Boys", "Girls"), ("summer", "the gym", "weekends")),
    Kind("Accessories", "Hats & Caps", "Beanie", "beanie", ("acrylic", "wool", "cashmere"), (9.99, 39.99), 0,
         ("Unisex", "Women", "Men", "Boys", "Girls"), ("winter", "skiing", "weekends")),
    Kind("Accessories", "Gloves & Mittens", "Gloves", "glove", ("leather", "wool", "fleece"), (14.99, 69.99), 0,
         ("Women", "Men", "Boys", "Girls"), ("winter", "driving", "skiing"), patterned=False),
    Kind("Accessories", "Ties, Cummerbunds & Pocket Squares", "Tie", "tie", ("silk", "polyester"), (14.99, 59.99), 0,
         ("Men", "Boys"), ("work", "weddings", "job interviews")),
    Kind("Accessories", "Umbrellas", "Umbrella", "umbrella", ("nylon", "polyester"), (14.99, 49.99), 0,
         ("Unisex",), ("rainy days", "travel", "work")),
]

# Generated catalogs: kinds from the most to the least listed (rank r holds about 1/r^ZIPF of the
# products). Roughly the order of Amazon's fashion departments: tops and dresses first, then
# shoes and everyday accessories, formal and niche pieces last.
POPULARITY = [
    "Dress", "T-Shirt", "Sneakers", "Jeans", "Blouse", "Leggings", "Hoodie", "Sweater", "Jacket", "Shorts",
    "Button-Down Shirt", "Ankle Boots", "Sandals", "Running Shoes", "Tank Top", "Swimsuit", "Skirt", "Drop Earrings",
    "Pendant Necklace", "Tote Handbag", "Heels", "Cardigan", "Joggers", "Socks", "Backpack", "Watch", "Sweatshirt",
    "Chino Trousers", "Ring", "Crossbody Bag", "Sunglasses", "Polo Shirt", "Baseball Cap", "Jumpsuit", "Blazer",
    "Pajama Set", "Loafers", "Bangle Bracelet", "Hiking Boots", "Wool Coat", "Slippers", "Bifold Wallet", "Romper",
    "Ballet Flats", "Beanie", "Belt", "Parka", "Swim Trunks", "Flip-Flops", "Scarf", "Sun Hat", "Puffer Vest",
    "Tights", "Robe", "Overalls", "Gloves", "Clutch", "Rain Boots", "Card Holder", "Oxford Shoes", "Duffel Bag",
    "Belt Bag", "Mules", "Suit", "Tie", "Anklet", "Espadrilles", "Clogs", "Brooch", "Umbrella", "Cufflinks",
]
ZIPF = 0.9
_BY_NOUN = {kind.noun: kind for kind in KINDS + EXTRA_KINDS}
GENERATED_KINDS = [_BY_NOUN[noun] for noun in POPULARITY]
assert len(set(POPULARITY)) == len(POPULARITY) == len(_BY_NOUN), "every kind has one popularity rank"

BRANDS = ["Marlowe & Pike", "Northwind Supply", "Lumen Atelier", "Cobble Lane", "Harbor Thread", "Ostra",
          "Kestrel Outdoor", "Vela Studio", "Juniper Row", "Fennick", "Alder & Ash", "Sable Coast", "Tamsin Bay",
          "Pellham", "Wrenfield", "Orla Mae"]
# Generated catalogs: more makers, so that a brand does not pin down a listing.
MORE_BRANDS = ["Brindle & Co", "Calder Works", "Dovetail Mills", "Elswick", "Farrow Lane", "Galloway Studio",
               "Hollis Reed", "Ingram & Vale", "Jessamy", "Kittering", "Larkspur Label", "Merriweather", "Nettlefold",
               "Oakhurst Goods", "Portland Quay", "Quillon", "Rowan Hale", "Saltmarsh", "Thistle & Thread",
               "Underhill", "Vantage Row", "Whitcombe", "Yarrow House", "Zephyr Lane"]
FITS = ["Relaxed Fit", "Slim Fit", "Regular Fit", "Classic Fit", "Oversized", "Tailored"]
STYLES = ["Casual", "Lightweight", "Everyday", "Vintage", "Modern", "Minimalist", "Classic", "Breathable"]
CARE = ["Machine wash cold, tumble dry low", "Hand wash only", "Dry clean only", "Wipe clean with a damp cloth",
        "Machine wash cold with like colors"]
CLOSURES = {"Clothing": ["Pull On", "Button", "Zipper", "Tie"], "Shoes": ["Lace-Up", "Slip-On", "Buckle", "Zipper"],
            "Jewelry": ["Lobster Clasp", "Push Back", "Hook", "Slip-On"], "Accessories": ["Zipper", "Snap", "Buckle",
                                                                                         "Magnetic"]}
NOISE = ["Perfect gift for birthdays, holidays and anniversaries!", "100% satisfaction guaranteed or your money back.",
         "Order now and elevate your style!", "Our customer service team is always here to help."]
SELLING = ["A wardrobe staple you will reach for again and again.", "Designed to move with you from morning to night.",
           "Thoughtfully made with attention to every seam.", "Pairs easily with the rest of your closet.",
           "Built to last through seasons of wear."]
WHO = {"Women": "Women's", "Men": "Men's", "Boys": "Boys'", "Girls": "Girls'", "Unisex": "Unisex"}


# -- drawing -------------------------------------------------------------------------------------

def _fill_pattern(img: Image.Image, mask: Image.Image, pattern: str, main: tuple, second: tuple,
                  rng: random.Random) -> None:
    """Paint the pattern inside the silhouette mask."""
    size = img.size[0]
    layer = Image.new("RGB", img.size, main)
    draw = ImageDraw.Draw(layer)
    if pattern == "striped":
        step, width = _px(16, size), _px(6, size)
        for y in range(0, size, step):
            draw.rectangle([0, y, size, y + width], fill=second)
    elif pattern == "plaid":
        step, width = _px(24, size), _px(6, size)
        for v in range(0, size, step):
            draw.rectangle([v, 0, v + width, size], fill=second)
            draw.rectangle([0, v, size, v + width], fill=second)
    elif pattern == "polka dot":
        start, step, shift, dot = _px(6, size), _px(20, size), _px(10, size), _px(7, size)
        for y in range(start, size, step):
            for x in range(start + (y // step % 2) * shift, size, step):
                draw.ellipse([x, y, x + dot, y + dot], fill=second)
    elif pattern == "floral":
        petals = [(_px(dx, size), _px(dy, size)) for dx, dy in ((0, -5), (5, 0), (0, 5), (-5, 0))]
        petal, heart = _px(4, size), _px(2, size)
        for _ in range(40):
            x, y = rng.randrange(size), rng.randrange(size)
            for dx, dy in petals:
                draw.ellipse([x + dx - petal, y + dy - petal, x + dx + petal, y + dy + petal], fill=second)
            draw.ellipse([x - heart, y - heart, x + heart, y + heart], fill=(250, 220, 60))
    elif pattern == "colour-block":
        draw.rectangle([0, size // 2, size, size], fill=second)
    img.paste(layer, (0, 0), mask)


def draw_product(kind: Kind, colour: str, second: str, pattern: str, rng: random.Random,
                 size: int = SIZE) -> Image.Image:
    """The product's picture: its kind's silhouette in its colour and pattern on a light background."""
    img = Image.new("RGB", (size, size), BACKGROUND)
    main_rgb, second_rgb = PALETTE[colour], PALETTE[second]
    outline = tuple(max(0, c - 90) for c in main_rgb) if sum(main_rgb) > 200 else (90, 90, 90)
    draw = ImageDraw.Draw(img)
    if kind.shape in DRAWN:
        DRAWN[kind.shape](draw, main_rgb, outline, size)
        return img
    mask = Image.new("L", img.size, 0)
    mask_draw = ImageDraw.Draw(mask)
    polygons = [[(x * size, y * size) for x, y in shape] for shape in SILHOUETTES[kind.shape]]
    for polygon in polygons:
        mask_draw.polygon(polygon, fill=255)
    _fill_pattern(img, mask, pattern, main_rgb, second_rgb, rng)
    for polygon in polygons:  # outline last, so a white product still shows on the grey background
        draw.polygon(polygon, outline=outline, width=_width(3, size))
    return img


# -- listing text --------------------------------------------------------------------------------

def _material_word(kind: Kind, material: str) -> str:
    word = material.split(" and ")[0].title()
    return "" if word.split()[-1].lower() in kind.noun.lower() else word  # no "Wool Wool Coat"


def _title(rng: random.Random, kind: Kind, dept: str, colour: str, pattern: str, material: str) -> str:
    who = WHO[dept]
    pattern_word = PATTERN_WORDS[pattern]
    look = " ".join(w for w in (colour.title(), pattern_word) if w)
    material_word = _material_word(kind, material)
    forms = [
        f"{who} {rng.choice(STYLES)} {material_word} {kind.noun} {look} {rng.choice(FITS) if kind.group == 'Clothing' else ''}",
        f"{rng.choice(STYLES)} {look} {kind.noun} for {who.replace(chr(39) + 's', '').replace(chr(39), '')} - {material_word}",
        f"{who} {look} {kind.noun}, {material_word}, for {rng.choice(kind.occasions).title()}",
        f"{look} {material_word} {kind.noun} {who} {rng.choice(['Gift Box', 'New Season', 'Soft Touch', 'All-Day Comfort', ''])}",
    ]
    return " ".join(rng.choice(forms).split())


def _generated_title(rng: random.Random, kind: Kind, dept: str, colour: str, pattern: str, material: str,
                     brand: str) -> str:
    """More phrasings than the sample's, with the brand up front as many listings have it. The
    product's noun is the last product-type word of every form (the summary reads the head noun)."""
    who = WHO[dept]
    plain = {"Unisex": "Adults"}.get(dept, dept)
    look = " ".join(w for w in (colour.title(), PATTERN_WORDS[pattern]) if w)
    material_word = _material_word(kind, material)
    fit = rng.choice(FITS) if kind.group == "Clothing" else ""
    forms = [
        f"{who} {rng.choice(STYLES)} {material_word} {kind.noun} {look} {fit}",
        f"{rng.choice(STYLES)} {look} {kind.noun} for {plain} - {material_word}",
        f"{who} {look} {kind.noun}, {material_word}, for {rng.choice(kind.occasions).title()}",
        f"{look} {material_word} {kind.noun} {who} {rng.choice(['New Season', 'Soft Touch', 'All-Day Comfort', ''])}",
        f"{brand} {who} {material_word} {kind.noun} - {look}",
        f"{brand} {rng.choice(STYLES)} {kind.noun} for {plain}, {look}, {material_word}",
        f"{who} {material_word} {kind.noun} in {look} by {brand}",
    ]
    text = re.sub(r"\s*(,\s*)+", ", ", " ".join(rng.choice(forms).split()))  # an empty slot leaves no ", ,"
    return text.strip(" ,-")


def _features(rng: random.Random, kind: Kind, material: str, colour: str, pattern: str, occasion: str) -> list[str]:
    percent = rng.choice([100, 95, 90, 80, 70])
    bullets = [
        f"{percent}% {material}" if percent < 100 and " and " not in material else material.capitalize(),
        f"{rng.choice(CLOSURES[kind.group])} closure",
        f"{'Imported' if rng.random() < .6 else 'Made in Portugal'}",
    ]
    extras = [
        f"{colour.capitalize()} {'' if pattern == 'solid' else pattern + ' '}design that works for {occasion}",
        f"CARE: {rng.choice(CARE)}",
        f"{rng.choice(['Soft', 'Sturdy', 'Breathable', 'Lightweight', 'Durable'])} "
        f"{rng.choice(['lining', 'stitching', 'construction', 'finish', 'hardware'])} for all-day comfort",
        rng.choice(NOISE),
    ]
    rng.shuffle(extras)
    return bullets + extras[: rng.randint(1, 3)]


def _description_and_details(rng: random.Random, kind: Kind, colour: str, pattern: str, material: str, brand: str,
                             occasion: str, department: str) -> tuple[list[str], dict[str, str]]:
    """A listing's description lines and its details table (draws in the bundled sample's order)."""
    description = [f"The {brand} {kind.noun.lower()} in {colour}"
                   f"{'' if pattern == 'solid' else ' with a ' + pattern + ' pattern'}, made of {material}. "
                   f"{rng.choice(SELLING)}"]
    if rng.random() < 0.5:
        description.append(f"Great for {occasion}. {rng.choice(NOISE)}")
    details = {"Color": colour.title() + ("" if pattern == "solid" else f" {PATTERN_WORDS[pattern]}"),
               "Material": material.title(), "Department": department, "Brand": brand,
               "Closure Type": rng.choice(CLOSURES[kind.group])}
    if kind.group == "Clothing":
        details["Care Instructions"] = rng.choice(CARE)
    return description, details


def _image_fields(image: str) -> list[dict]:
    return [{"thumb": image, "large": image, "hi_res": image, "variant": "MAIN"}]


# -- the bundled sample --------------------------------------------------------------------------

def write_sample(out_dir: Path) -> list[dict]:
    """Write the bundled sample (catalog.jsonl and images/) into `out_dir`; return its records.
    The order of every random draw below is the sample's: changing it changes the sample's bytes."""
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    colours = list(PALETTE)
    products, number = [], 0
    for kind in KINDS:
        for _ in range(kind.count):
            number += 1
            pid = f"SMPL{number:06d}"
            metal = kind.shape in DRAWN and kind.group in ("Jewelry", "Accessories")
            colour = rng.choice(["gold", "silver", "black"] if metal and kind.shape != "sunglasses" else colours[:16])
            second = rng.choice([c for c in colours[:16] if c != colour])
            pattern = rng.choice(PATTERNS) if kind.patterned else "solid"
            material = rng.choice(kind.materials)
            dept = rng.choice(kind.departments)
            occasion = rng.choice(kind.occasions)
            brand = rng.choice(BRANDS)
            title = _title(rng, kind, dept, colour, pattern, material)
            low, high = kind.price
            description, details = _description_and_details(rng, kind, colour, pattern, material, brand, occasion,
                                                            dept)
            image = f"images/{pid}.png"
            draw_product(kind, colour, second, pattern, rng).save(out_dir / image, optimize=True)
            products.append({
                "main_category": "AMAZON FASHION" if rng.random() < .5 else "Clothing, Shoes & Jewelry",
                "title": title,
                "average_rating": round(rng.uniform(3.5, 5.0), 1),
                "rating_number": int(rng.lognormvariate(4, 1.5)) + 3,
                "features": _features(rng, kind, material, colour, pattern, occasion),
                "description": description,
                "price": round(rng.uniform(low, high)) - 0.01,
                "images": _image_fields(image),
                "videos": [],
                "store": brand,
                "categories": ["Clothing, Shoes & Jewelry", dept, kind.group, kind.category],
                "details": details,
                "parent_asin": pid,
                "bought_together": None,
            })
    _write_jsonl(out_dir / "catalog.jsonl", products)
    return products


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# -- generated catalogs --------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """What a generated product is, before it is written as a listing and drawn."""

    kind: Kind
    family: int  # near-duplicates share a family: same kind, department and colour
    department: str
    colour: str
    second: str  # the pattern's other colour
    pattern: str
    material: str
    brand: str
    price: float


# colours as often as catalogs list them: neutrals most
COLOUR_WEIGHTS = {"black": 6, "white": 4, "navy": 3, "grey": 3, "blue": 2, "beige": 2, "brown": 2, "red": 2,
                  "pink": 2, "green": 2, "light blue": 1, "burgundy": 1, "olive": 1, "yellow": 1, "orange": 1,
                  "purple": 1, "teal": 1, "khaki": 1}
VARIED = ("material", "pattern", "brand", "price")  # what tells near-duplicates apart


def type_counts(n: int, kinds: int = len(GENERATED_KINDS), exponent: float = ZIPF) -> list[int]:
    """Products per kind, by popularity rank: proportional to 1/rank^exponent, summing to n
    (largest remainders), every kind listed at least once when n allows."""
    weights = [1 / (rank ** exponent) for rank in range(1, kinds + 1)]
    floor = 1 if n >= kinds else 0
    spare = n - floor * kinds
    shares = [spare * w / sum(weights) for w in weights]
    counts = [floor + math.floor(s) for s in shares]
    by_remainder = sorted(range(kinds), key=lambda i: (-(shares[i] - math.floor(shares[i])), i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _price(rng: random.Random, kind: Kind) -> float:
    """Log-uniform in the kind's range (cheap listings outnumber dear ones), ending in .99."""
    low, high = kind.price
    return max(low, round(math.exp(rng.uniform(math.log(low), math.log(high)))) - 0.01)


def _colour(rng: random.Random, kind: Kind) -> str:
    if kind.shape in DRAWN and kind.shape != "sunglasses":  # metal pieces
        return rng.choice(["gold", "silver", "silver", "black"])
    return rng.choices(list(COLOUR_WEIGHTS), weights=list(COLOUR_WEIGHTS.values()))[0]


def _base(rng: random.Random, kind: Kind, family: int) -> Spec:
    colour = _colour(rng, kind)
    return Spec(kind, family, rng.choice(kind.departments), colour,
                rng.choice([c for c in COLOUR_WEIGHTS if c != colour]),
                rng.choice(PATTERNS) if kind.patterned else "solid", rng.choice(kind.materials),
                rng.choice(BRANDS + MORE_BRANDS), _price(rng, kind))


def _variant(rng: random.Random, base: Spec) -> Spec:
    """A near-duplicate of `base`: one of material, pattern, brand or price differs."""
    kind = base.kind
    options = [v for v in VARIED if (v != "material" or len(kind.materials) > 1) and (v != "pattern" or kind.patterned)]
    varied = rng.choice(options)
    if varied == "material":
        return replace(base, material=rng.choice([m for m in kind.materials if m != base.material]))
    if varied == "pattern":
        return replace(base, pattern=rng.choice([p for p in PATTERNS if p != base.pattern]))
    if varied == "brand":
        return replace(base, brand=rng.choice([b for b in BRANDS + MORE_BRANDS if b != base.brand]))
    for _ in range(20):  # another seller's price for the same thing: at least 15% apart
        price = _price(rng, kind)
        if abs(price - base.price) >= 0.15 * base.price:
            return replace(base, price=price)
    low, high = kind.price  # no luck: the end of the range farther from the base price
    return replace(base, price=low if base.price > (low + high) / 2 else high)


def build_specs(n: int, seed: int) -> list[Spec]:
    """The n products of a generated catalog, in listing order (shuffled, as a real dump is)."""
    rng = random.Random(f"muse-catalog/{seed}")
    specs: list[Spec] = []
    family = 0
    for kind, count in zip(GENERATED_KINDS, type_counts(n)):
        made = 0
        while made < count:
            family += 1
            # about 45% of listings stand alone; the rest come in families of 2-5 near-duplicates
            size = 1 if rng.random() < 0.45 else rng.randint(2, 5)
            base = _base(rng, kind, family)
            members = [base] + [_variant(rng, base) for _ in range(min(size, count - made) - 1)]
            specs += members
            made += len(members)
    rng.shuffle(specs)
    return specs


def _record(rng: random.Random, spec: Spec, pid: str, image: str) -> dict:
    kind, colour, pattern, material, brand = spec.kind, spec.colour, spec.pattern, spec.material, spec.brand
    occasion = rng.choice(kind.occasions)
    description, details = _description_and_details(rng, kind, colour, pattern, material, brand, occasion,
                                                    spec.department)
    return {
        "main_category": "AMAZON FASHION" if rng.random() < .5 else "Clothing, Shoes & Jewelry",
        "title": _generated_title(rng, kind, spec.department, colour, pattern, material, brand),
        "average_rating": round(rng.uniform(3.0, 5.0), 1),
        "rating_number": int(rng.lognormvariate(3.5, 1.8)) + 1,
        "features": _features(rng, kind, material, colour, pattern, occasion),
        "description": description,
        "price": spec.price,
        "images": _image_fields(image),
        "videos": [],
        "store": brand,
        "categories": ["Clothing, Shoes & Jewelry", spec.department, kind.group, kind.category],
        "details": details,
        "parent_asin": pid,
        "bought_together": None,
    }


def product_id(number: int) -> str:
    return f"GEN{number:07d}"


def generate_catalog(n: int, seed: int, out_dir: Path) -> Path:
    """Write a generated catalog of n products (catalog.jsonl and images/ in `out_dir`); return the
    path of catalog.jsonl. The same n and seed write the same bytes."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    out_dir = Path(out_dir)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    records = []
    for number, spec in enumerate(build_specs(n, seed), start=1):
        pid = product_id(number)
        rng = random.Random(f"muse-catalog/{seed}/{pid}")  # a product's text and picture depend on nothing else
        image = f"images/{pid}.png"
        picture = draw_product(spec.kind, spec.colour, spec.second, spec.pattern, rng, GENERATED_SIZE)
        picture.save(out_dir / image, compress_level=3)  # faster than the default, about as small
        records.append(_record(rng, spec, pid, image))
    path = out_dir / "catalog.jsonl"
    _write_jsonl(path, records)
    return path
