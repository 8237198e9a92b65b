"""Writes the bundled sample catalog: 240 invented fashion products in the Amazon Reviews 2023
raw item-metadata schema, each with one drawn PNG showing its type, colours and pattern.

    python plugins/fashion/sample/draw_catalog.py

Deterministic (seeded): rerunning rewrites identical files. Everything here is written by the
muse authors (CC0); brands and stores are invented.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 224
BACKGROUND = (236, 236, 236)

PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (25, 25, 25), "white": (250, 250, 250), "grey": (128, 128, 128), "navy": (25, 35, 90),
    "blue": (40, 90, 200), "light blue": (150, 195, 235), "red": (200, 30, 40), "burgundy": (110, 20, 40),
    "pink": (240, 150, 180), "green": (40, 140, 60), "olive": (110, 110, 40), "yellow": (240, 210, 50),
    "orange": (240, 130, 30), "beige": (220, 200, 160), "brown": (120, 75, 40), "purple": (120, 60, 160),
    "gold": (205, 165, 50), "silver": (192, 192, 200),
}
PATTERNS = ["solid", "solid", "solid", "striped", "plaid", "polka dot", "floral", "colour-block"]
PATTERN_WORDS = {"solid": "", "striped": "Striped", "plaid": "Plaid", "polka dot": "Polka Dot",
                 "floral": "Floral", "colour-block": "Color Block"}

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
}


def _ring(draw: ImageDraw.ImageDraw, fill, outline) -> None:
    draw.ellipse([60, 60, 164, 164], fill=fill, outline=outline, width=3)
    draw.ellipse([84, 84, 140, 140], fill=BACKGROUND, outline=outline, width=3)
    draw.ellipse([100, 40, 124, 64], fill=(235, 245, 255), outline=outline, width=2)


def _necklace(draw: ImageDraw.ImageDraw, fill, outline) -> None:
    draw.arc([40, 20, 184, 150], start=20, end=160, fill=outline, width=6)
    draw.polygon([(112, 146), (132, 172), (112, 198), (92, 172)], fill=fill, outline=outline)


def _earrings(draw: ImageDraw.ImageDraw, fill, outline) -> None:
    for x in (70, 154):
        draw.line([(x, 50), (x, 100)], fill=outline, width=4)
        draw.ellipse([x - 22, 100, x + 22, 150], fill=fill, outline=outline, width=3)


def _bracelet(draw: ImageDraw.ImageDraw, fill, outline) -> None:
    draw.ellipse([40, 70, 184, 160], fill=fill, outline=outline, width=3)
    draw.ellipse([66, 88, 158, 142], fill=BACKGROUND, outline=outline, width=3)


def _watch(draw: ImageDraw.ImageDraw, fill, outline) -> None:
    draw.rectangle([92, 16, 132, 208], fill=fill, outline=outline, width=3)
    draw.ellipse([68, 68, 156, 156], fill=(245, 245, 240), outline=outline, width=5)
    draw.line([(112, 112), (112, 82)], fill=outline, width=4)
    draw.line([(112, 112), (134, 118)], fill=outline, width=4)


def _sunglasses(draw: ImageDraw.ImageDraw, fill, outline) -> None:
    for x in (40, 124):
        draw.ellipse([x, 84, x + 60, 140], fill=fill, outline=outline, width=4)
    draw.line([(100, 100), (124, 100)], fill=outline, width=5)


DRAWN: dict[str, Callable] = {"ring": _ring, "necklace": _necklace, "earrings": _earrings,
                              "bracelet": _bracelet, "watch": _watch, "sunglasses": _sunglasses}


@dataclass(frozen=True)
class Kind:
    """One product type: how it looks, what it is made of, what it costs, how listings name it."""

    group: str  # Clothing | Shoes | Jewelry | Accessories (the Amazon category under the department)
    category: str
    noun: str
    shape: str
    materials: tuple[str, ...]
    price: tuple[float, float]
    count: int
    departments: tuple[str, ...] = ("Women", "Men")
    occasions: tuple[str, ...] = ("everyday wear", "weekends")
    patterned: bool = True


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

BRANDS = ["Marlowe & Pike", "Northwind Supply", "Lumen Atelier", "Cobble Lane", "Harbor Thread", "Ostra",
          "Kestrel Outdoor", "Vela Studio", "Juniper Row", "Fennick", "Alder & Ash", "Sable Coast", "Tamsin Bay",
          "Pellham", "Wrenfield", "Orla Mae"]
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


def _title(rng: random.Random, kind: Kind, dept: str, colour: str, pattern: str, material: str) -> str:
    who = {"Women": "Women's", "Men": "Men's", "Boys": "Boys'", "Girls": "Girls'"}[dept]
    pattern_word = PATTERN_WORDS[pattern]
    look = " ".join(w for w in (colour.title(), pattern_word) if w)
    material_word = material.split(" and ")[0].title()
    if material_word.split()[-1].lower() in kind.noun.lower():  # no "Wool Wool Coat"
        material_word = ""
    forms = [
        f"{who} {rng.choice(STYLES)} {material_word} {kind.noun} {look} {rng.choice(FITS) if kind.group == 'Clothing' else ''}",
        f"{rng.choice(STYLES)} {look} {kind.noun} for {who.replace(chr(39) + 's', '').replace(chr(39), '')} - {material_word}",
        f"{who} {look} {kind.noun}, {material_word}, for {rng.choice(kind.occasions).title()}",
        f"{look} {material_word} {kind.noun} {who} {rng.choice(['Gift Box', 'New Season', 'Soft Touch', 'All-Day Comfort', ''])}",
    ]
    return " ".join(rng.choice(forms).split())


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


def _fill_pattern(img: Image.Image, mask: Image.Image, pattern: str, main: tuple, second: tuple,
                  rng: random.Random) -> None:
    """Paint the pattern inside the silhouette mask."""
    layer = Image.new("RGB", img.size, main)
    draw = ImageDraw.Draw(layer)
    if pattern == "striped":
        for y in range(0, SIZE, 16):
            draw.rectangle([0, y, SIZE, y + 6], fill=second)
    elif pattern == "plaid":
        for v in range(0, SIZE, 24):
            draw.rectangle([v, 0, v + 6, SIZE], fill=second)
            draw.rectangle([0, v, SIZE, v + 6], fill=second)
    elif pattern == "polka dot":
        for y in range(6, SIZE, 20):
            for x in range(6 + (y // 20 % 2) * 10, SIZE, 20):
                draw.ellipse([x, y, x + 7, y + 7], fill=second)
    elif pattern == "floral":
        for _ in range(40):
            x, y = rng.randrange(SIZE), rng.randrange(SIZE)
            for dx, dy in ((0, -5), (5, 0), (0, 5), (-5, 0)):
                draw.ellipse([x + dx - 4, y + dy - 4, x + dx + 4, y + dy + 4], fill=second)
            draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(250, 220, 60))
    elif pattern == "colour-block":
        draw.rectangle([0, SIZE // 2, SIZE, SIZE], fill=second)
    img.paste(layer, (0, 0), mask)


def draw_product(kind: Kind, colour: str, second: str, pattern: str, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    main_rgb, second_rgb = PALETTE[colour], PALETTE[second]
    outline = tuple(max(0, c - 90) for c in main_rgb) if sum(main_rgb) > 200 else (90, 90, 90)
    draw = ImageDraw.Draw(img)
    if kind.shape in DRAWN:
        DRAWN[kind.shape](draw, main_rgb, outline)
        return img
    mask = Image.new("L", img.size, 0)
    mask_draw = ImageDraw.Draw(mask)
    polygons = [[(x * SIZE, y * SIZE) for x, y in shape] for shape in SILHOUETTES[kind.shape]]
    for polygon in polygons:
        mask_draw.polygon(polygon, fill=255)
    _fill_pattern(img, mask, pattern, main_rgb, second_rgb, rng)
    for polygon in polygons:  # outline last, so a white product still shows on the grey background
        draw.polygon(polygon, outline=outline, width=3)
    return img


def build() -> list[dict]:
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
            description = [f"The {brand} {kind.noun.lower()} in {colour}"
                           f"{'' if pattern == 'solid' else ' with a ' + pattern + ' pattern'}, made of {material}. "
                           f"{rng.choice(SELLING)}"]
            if rng.random() < 0.5:
                description.append(f"Great for {occasion}. {rng.choice(NOISE)}")
            details = {"Color": colour.title() + ("" if pattern == "solid" else f" {PATTERN_WORDS[pattern]}"),
                       "Material": material.title(), "Department": dept, "Brand": brand,
                       "Closure Type": rng.choice(CLOSURES[kind.group])}
            if kind.group == "Clothing":
                details["Care Instructions"] = rng.choice(CARE)
            image = f"images/{pid}.png"
            draw_product(kind, colour, second, pattern, rng).save(HERE / image, optimize=True)
            products.append({
                "main_category": "AMAZON FASHION" if rng.random() < .5 else "Clothing, Shoes & Jewelry",
                "title": title,
                "average_rating": round(rng.uniform(3.5, 5.0), 1),
                "rating_number": int(rng.lognormvariate(4, 1.5)) + 3,
                "features": _features(rng, kind, material, colour, pattern, occasion),
                "description": description,
                "price": round(rng.uniform(low, high)) - 0.01,
                "images": [{"thumb": image, "large": image, "hi_res": image, "variant": "MAIN"}],
                "videos": [],
                "store": brand,
                "categories": ["Clothing, Shoes & Jewelry", dept, kind.group, kind.category],
                "details": details,
                "parent_asin": pid,
                "bought_together": None,
            })
    return products


def main() -> None:
    (HERE / "images").mkdir(exist_ok=True)
    products = build()
    with (HERE / "catalog.jsonl").open("w") as out:
        for product in products:
            out.write(json.dumps(product, ensure_ascii=False) + "\n")
    print(f"wrote {len(products)} products to {HERE / 'catalog.jsonl'}")


if __name__ == "__main__":
    main()
