"""Test helpers: the shared data folder, and a tiny catalog drawn on the fly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

needs_shared_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent")


def draw_product(path: Path, color: tuple[int, int, int], stripes: bool = False) -> Path:
    """A product-like picture: a coloured block on a light background, optionally striped."""
    img = Image.new("RGB", (128, 128), (240, 240, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle([30, 20, 98, 110], fill=color)
    if stripes:
        for y in range(24, 106, 10):
            draw.rectangle([34, y, 94, y + 4], fill=(250, 250, 250))
    draw.rectangle([30, 20, 98, 110], outline=(0, 0, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


TINY_PRODUCTS = [
    ("T1", "Women's Red Cotton T-Shirt Crew Neck Short Sleeve", (200, 30, 40), False,
     ["100% Cotton", "Perfect gift for her!", "Machine wash cold"], 12.99),
    ("T2", "Men's Navy Striped Linen Shirt for Summer Beach", (25, 35, 90), True,
     ["Linen", "Relaxed fit", "Button closure"], 29.5),
    ("T3", "Waterproof Green Leather Hiking Boots", (40, 140, 60), False,
     ["Leather upper", "Rubber sole", "Great for trail hiking"], 89.0),
    ("T4", "Sterling Silver Pendant Necklace", (192, 192, 200), False,
     ["925 sterling silver", "18 inch chain"], 45.0),
    ("T5", "Kids Yellow Rain Jacket with Hood", (240, 210, 50), False,
     ["Polyester shell", "Waterproof", "For school and travel"], 25.0),
]


def write_tiny_catalog(folder: Path) -> Path:
    rows = []
    for pid, title, color, stripes, features, price in TINY_PRODUCTS:
        draw_product(folder / "images" / f"{pid}.png", color, stripes)
        rows.append({
            "main_category": "AMAZON FASHION", "title": title, "average_rating": 4.5, "rating_number": 10,
            "features": features, "description": [], "price": price,
            "images": [{"thumb": None, "large": f"images/{pid}.png", "hi_res": None, "variant": "MAIN"}],
            "videos": [], "store": "Muse Test Co", "categories": [], "details": {"Department": "Unisex"},
            "parent_asin": pid, "bought_together": None,
        })
    path = folder / "catalog.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path
