"""Writes the bundled furniture sample: 77 invented products as a CSV file plus one drawn PNG
each, then the JSON lines muse ingests (converted from the CSV by muse_furniture.catalog).

    python -m muse_furniture.sample.draw_catalog      (or run this file)

Deterministic (seeded): rerunning rewrites identical files. Everything here is written by the
muse authors (CC0); brands are invented. Each picture is the piece's silhouette in its listed
colour (and pattern, for textiles) on a light grey background, so what the offline engine
reads in the pixels agrees with the listing.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
SIZE = 160
BACKGROUND = (236, 236, 236)

# colours named as the offline engine's vision names them (plugins/offline/vision.py)
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (25, 25, 25), "white": (248, 248, 248), "grey": (128, 128, 128), "navy": (25, 35, 90),
    "blue": (40, 90, 200), "light blue": (150, 195, 235), "teal": (0, 128, 128), "green": (40, 140, 60),
    "olive": (110, 110, 40), "yellow": (240, 210, 50), "orange": (240, 130, 30), "burgundy": (110, 20, 40),
    "pink": (240, 150, 180), "beige": (220, 200, 160), "brown": (120, 75, 40), "khaki": (190, 175, 120),
    "gold": (205, 165, 50),
}
LEG = (60, 40, 25)
GLASS = (200, 205, 215)

# -- silhouettes on a 0..1 grid: (role, "rect" | "ellipse" | "poly", coordinates) -----------------
# roles: main (the product's colour and pattern), shade (a line a little darker than the main
# colour, which the offline vision still names the same), leg (dark wood), glass (a mirror's)
Part = tuple[str, str, tuple]
SHAPES: dict[str, list[Part]] = {
    "sofa": [("main", "rect", (.12, .30, .88, .56)), ("main", "rect", (.10, .52, .90, .72)),
             ("main", "rect", (.05, .42, .18, .74)), ("main", "rect", (.82, .42, .95, .74)),
             ("leg", "rect", (.14, .72, .18, .80)), ("leg", "rect", (.82, .72, .86, .80))],
    "armchair": [("main", "rect", (.26, .22, .74, .56)), ("main", "rect", (.24, .52, .76, .72)),
                 ("main", "rect", (.16, .40, .30, .74)), ("main", "rect", (.70, .40, .84, .74)),
                 ("leg", "rect", (.24, .72, .28, .84)), ("leg", "rect", (.72, .72, .76, .84))],
    "coffee table": [("main", "rect", (.08, .38, .92, .54)), ("main", "rect", (.16, .68, .84, .74)),
                     ("main", "rect", (.12, .54, .18, .82)), ("main", "rect", (.82, .54, .88, .82))],
    "side table": [("main", "ellipse", (.22, .26, .78, .42)), ("main", "rect", (.45, .38, .55, .78)),
                   ("main", "ellipse", (.30, .74, .70, .84))],
    "dining table": [("main", "rect", (.05, .34, .95, .46)), ("main", "rect", (.09, .46, .17, .86)),
                     ("main", "rect", (.83, .46, .91, .86))],
    "dining chair": [("main", "rect", (.33, .12, .67, .48)), ("main", "rect", (.29, .48, .71, .58)),
                     ("main", "rect", (.31, .58, .37, .88)), ("main", "rect", (.63, .58, .69, .88))],
    "desk": [("main", "rect", (.06, .34, .94, .46)), ("main", "rect", (.60, .46, .92, .84)),
             ("main", "rect", (.08, .46, .15, .84))],
    "desk chair": [("main", "rect", (.33, .10, .67, .44)), ("main", "rect", (.27, .46, .73, .58)),
                   ("leg", "rect", (.47, .58, .53, .76)), ("leg", "poly", ((.22, .76), (.78, .76), (.80, .84),
                                                                           (.20, .84)))],
    "rocking chair": [("main", "rect", (.30, .10, .64, .46)), ("main", "rect", (.28, .46, .72, .56)),
                      ("main", "rect", (.32, .56, .37, .78)), ("main", "rect", (.63, .56, .68, .78))],
    "bookcase": [("main", "rect", (.24, .06, .76, .94))] + [("shade", "rect", (.28, y, .72, y + .015))
                                                             for y in (.26, .46, .66)],
    "tv stand": [("main", "rect", (.06, .44, .94, .74)), ("shade", "rect", (.495, .47, .505, .71)),
                 ("leg", "rect", (.10, .74, .14, .82)),
                 ("leg", "rect", (.86, .74, .90, .82))],
    "dresser": [("main", "rect", (.20, .20, .80, .84)), ("leg", "rect", (.22, .84, .26, .90)),
                *[("shade", "rect", (.23, y, .77, y + .012)) for y in (.36, .52, .68)],
                ("leg", "rect", (.74, .84, .78, .90))],
    "nightstand": [("main", "rect", (.28, .34, .72, .76)), ("leg", "rect", (.30, .76, .34, .86)),
                   ("leg", "rect", (.66, .76, .70, .86))],
    "bed frame": [("main", "rect", (.10, .20, .90, .54)), ("main", "rect", (.05, .54, .95, .74)),
                  ("leg", "rect", (.08, .74, .12, .82)), ("leg", "rect", (.88, .74, .92, .82))],
    "crib": [("main", "rect", (.12, .22, .88, .76)), ("main", "rect", (.12, .76, .18, .88)),
             *[("shade", "rect", (x, .30, x + .012, .70)) for x in (.24, .34, .44, .54, .64, .74)],
             ("main", "rect", (.82, .76, .88, .88))],
    "changing table": [("main", "rect", (.16, .30, .84, .40)), ("main", "rect", (.18, .40, .82, .80)),
                       ("main", "rect", (.18, .80, .24, .90)), ("main", "rect", (.76, .80, .82, .90))],
    "floor lamp": [("main", "poly", ((.30, .08), (.70, .08), (.80, .36), (.20, .36))),
                   ("leg", "rect", (.48, .36, .52, .86)), ("leg", "ellipse", (.36, .84, .64, .92))],
    "table lamp": [("main", "poly", ((.26, .14), (.74, .14), (.84, .50), (.16, .50))),
                   ("leg", "rect", (.45, .50, .55, .84)), ("leg", "ellipse", (.36, .80, .64, .88))],
    "rug": [("main", "rect", (.06, .20, .94, .80))],
    "cushion": [("main", "poly", ((.18, .20), (.50, .26), (.82, .20), (.78, .50), (.82, .80), (.50, .74),
                                  (.18, .80), (.22, .50)))],
    "throw blanket": [("main", "rect", (.12, .26, .88, .74))],
    "curtains": [("leg", "rect", (.06, .06, .94, .10)), ("main", "rect", (.10, .10, .46, .92)),
                 ("main", "rect", (.54, .10, .90, .92))],
    "mirror": [("main", "ellipse", (.22, .06, .78, .94)), ("glass", "ellipse", (.34, .20, .66, .80))],
    "vase": [("main", "poly", ((.40, .10), (.60, .10), (.58, .22), (.72, .42), (.70, .74), (.60, .88),
                               (.40, .88), (.30, .74), (.28, .42), (.42, .22)))],
}


@dataclass(frozen=True)
class Kind:
    """One product type: its category, look, materials, colours, sizes, price and rooms."""

    category: str  # muse_furniture.catalog.TAXONOMY category
    noun: str
    shape: str
    materials: tuple[str, ...]
    colours: tuple[str, ...]
    size: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]  # width, depth, height ranges (cm)
    price: tuple[float, float]
    count: int
    rooms: tuple[str, ...]
    extras: tuple[str, ...]  # words that sit before the noun in a title
    features: tuple[str, ...]
    patterned: bool = False


UPHOLSTERY = ("grey", "navy", "green", "olive", "beige", "blue", "burgundy", "yellow", "pink", "teal")
WOOD = ("brown", "beige", "khaki", "white", "black", "grey")

KINDS = [
    Kind("Sofas", "Sofa", "sofa", ("velvet", "linen", "boucle", "leather", "chenille"), UPHOLSTERY,
         ((160, 240), (85, 100), (75, 90)), (399, 1499), 5, ("Living Room",), ("3-Seater", "2-Seater", "Corner"),
         ("Pocket-sprung seat cushions", "Removable, machine-washable covers", "Solid oak legs")),
    Kind("Armchairs", "Armchair", "armchair", ("velvet", "boucle", "leather", "linen"), UPHOLSTERY,
         ((70, 95), (75, 90), (75, 100)), (179, 649), 4, ("Living Room", "Bedroom", "Nursery"),
         ("Wingback", "Accent", "Reading"), ("Deep, padded seat", "Tapered beech legs", "Sized for small spaces")),
    Kind("Coffee Tables", "Coffee Table", "coffee table", ("oak", "walnut", "marble", "mango wood"),
         ("brown", "beige", "white", "black"), ((90, 130), (50, 70), (35, 45)), (129, 499), 4, ("Living Room",),
         ("Rectangular", "Lift-Up", "Low"), ("Open shelf underneath", "Rounded corners", "Heat-resistant finish")),
    Kind("Side Tables", "Side Table", "side table", ("marble", "oak", "rattan", "steel"),
         ("white", "black", "beige", "brown", "green"), ((35, 50), (35, 50), (45, 60)), (59, 229), 3,
         ("Living Room", "Bedroom"), ("Round", "Pedestal", "Compact"), ("Fits beside a sofa or bed",
                                                                        "Sized for small spaces")),
    Kind("Dining Tables", "Dining Table", "dining table", ("solid oak", "walnut", "pine", "acacia"),
         ("brown", "beige", "khaki", "white"), ((140, 220), (80, 100), (74, 77)), (299, 1199), 3, ("Dining Room",),
         ("Extendable", "Farmhouse", "6-Seat"), ("Seats six", "Extends with a hidden leaf", "Oiled, wipeable finish")),
    Kind("Dining Chairs", "Dining Chair", "dining chair", ("beech", "oak", "rattan", "steel"),
         ("black", "white", "brown", "beige", "green", "grey"), ((42, 50), (48, 55), (78, 88)), (59, 229), 4,
         ("Dining Room",), ("Stackable", "Spindle-Back", "Curved-Back"), ("Sold singly", "Stackable for storage",
                                                                         "Felt pads protect floors")),
    Kind("Desks", "Desk", "desk", ("oak", "walnut", "birch", "pine"), ("brown", "beige", "white", "black", "khaki"),
         ((100, 160), (50, 75), (73, 76)), (149, 599), 4, ("Home Office", "Bedroom"),
         ("Compact", "Writing", "Height-Adjustable"), ("Built-in cable tray", "Three-drawer pedestal",
                                                       "Room for two monitors")),
    Kind("Desk Chairs", "Desk Chair", "desk chair", ("mesh", "leather", "boucle"), ("black", "grey", "navy", "beige"),
         ((58, 68), (58, 66), (95, 120)), (99, 449), 3, ("Home Office",), ("Ergonomic", "Swivel", "Task"),
         ("Adjustable lumbar support", "Five-star base on soft castors", "Seat height 44-54 cm")),
    Kind("Rocking Chairs", "Rocking Chair", "rocking chair", ("beech", "rattan", "wicker"),
         ("beige", "white", "khaki", "grey"), ((60, 70), (80, 95), (85, 100)), (149, 399), 2,
         ("Nursery", "Living Room"), ("Nursing", "Classic"), ("Gentle, quiet rocking motion",
                                                             "Cushioned seat pad included")),
    Kind("Bookcases", "Bookcase", "bookcase", ("pine", "oak", "walnut", "plywood"), ("white", "brown", "beige", "black"),
         ((60, 100), (28, 35), (150, 200)), (89, 449), 3, ("Living Room", "Home Office"),
         ("5-Shelf", "Tall", "Ladder"), ("Adjustable shelves", "Wall anchor included")),
    Kind("TV Stands", "TV Stand", "tv stand", ("walnut", "oak", "acacia"), ("brown", "beige", "black", "white"),
         ((120, 180), (38, 45), (45, 60)), (149, 549), 2, ("Living Room",), ("Low", "Media"),
         ("Cable management at the back", "Holds screens up to 65 inches")),
    Kind("Dressers", "Chest of Drawers", "dresser", ("pine", "oak", "walnut", "mango wood"),
         ("white", "brown", "beige", "grey", "green"), ((80, 120), (45, 50), (80, 110)), (199, 699), 3,
         ("Bedroom", "Nursery"), ("6-Drawer", "4-Drawer", "Tall"), ("Soft-close drawers", "Anti-tip wall fixing")),
    Kind("Nightstands", "Nightstand", "nightstand", ("oak", "rattan", "walnut"), ("beige", "brown", "white", "black"),
         ((40, 50), (35, 40), (50, 60)), (69, 249), 3, ("Bedroom",), ("1-Drawer", "Open-Shelf", "Slim"),
         ("One soft-close drawer", "Sized for small spaces")),
    Kind("Bed Frames", "Bed Frame", "bed frame", ("oak", "pine", "velvet", "rattan"),
         ("beige", "brown", "grey", "navy", "green", "white"), ((140, 180), (200, 215), (90, 120)), (299, 999), 3,
         ("Bedroom",), ("Double", "King-Size", "Low"), ("Slatted base included", "Under-bed storage space")),
    Kind("Cribs", "Crib", "crib", ("beech", "pine", "birch"), ("white", "beige", "grey", "khaki"),
         ((124, 130), (65, 70), (85, 95)), (149, 449), 3, ("Nursery",), ("Convertible", "Classic", "Adjustable"),
         ("Three mattress heights", "Converts to a toddler bed", "Non-toxic water-based paint")),
    Kind("Changing Tables", "Changing Table", "changing table", ("beech", "pine"), ("white", "beige", "grey"),
         ((75, 90), (50, 55), (90, 100)), (129, 349), 2, ("Nursery",), ("Compact", "Shelved"),
         ("Raised safety edges", "Two open shelves for nappies")),
    Kind("Floor Lamps", "Floor Lamp", "floor lamp", ("steel", "brass", "iron"), ("white", "black", "grey", "gold"),
         ((35, 45), (35, 45), (150, 175)), (69, 299), 3, ("Living Room", "Bedroom", "Home Office"),
         ("Arc", "Tripod", "Reading"), ("Warm-white E27 bulb included", "Foot switch")),
    Kind("Table Lamps", "Table Lamp", "table lamp", ("ceramic", "linen", "glass", "stoneware"),
         ("white", "beige", "green", "blue", "yellow", "pink"), ((25, 35), (25, 35), (40, 55)), (39, 159), 3,
         ("Living Room", "Bedroom", "Home Office"), ("Dimmable", "Globe"), ("Dimmable with a touch base",
                                                                           "Fabric shade")),
    Kind("Rugs", "Rug", "rug", ("wool", "jute", "cotton"), ("beige", "grey", "navy", "burgundy", "green", "teal", "blue"),
         ((120, 240), (170, 300), (1, 2)), (79, 599), 5, ("Living Room", "Bedroom", "Nursery", "Dining Room"),
         ("Flatweave", "Hand-Tufted", "Low-Pile"), ("Non-slip underlay recommended", "Spot clean only"),
         patterned=True),
    Kind("Cushions", "Cushion", "cushion", ("velvet", "linen", "cotton", "wool"), UPHOLSTERY,
         ((45, 50), (45, 50), (12, 15)), (19, 59), 4, ("Living Room", "Bedroom"), ("Square", "Scatter"),
         ("Feather-filled insert included", "Zipped, washable cover"), patterned=True),
    Kind("Throw Blankets", "Throw Blanket", "throw blanket", ("wool", "cotton", "chenille"), UPHOLSTERY,
         ((130, 150), (170, 200), (1, 2)), (35, 129), 3, ("Living Room", "Bedroom"), ("Knitted", "Fringed"),
         ("Machine washable at 30 degrees", "Soft, heavy drape"), patterned=True),
    Kind("Curtains", "Curtains", "curtains", ("linen", "velvet", "cotton"), UPHOLSTERY,
         ((135, 140), (1, 2), (220, 260)), (45, 189), 3, ("Living Room", "Bedroom", "Nursery", "Dining Room"),
         ("Blackout", "Pencil-Pleat", "Eyelet"), ("Sold as a pair", "Lined to keep light out"), patterned=True),
    Kind("Mirrors", "Mirror", "mirror", ("oak", "brass", "rattan", "iron"), ("gold", "black", "beige", "brown"),
         ((50, 70), (3, 5), (80, 120)), (69, 299), 3, ("Hallway", "Bedroom"), ("Oval", "Arched", "Full-Length"),
         ("Fixings for wall hanging included", "Bevelled glass")),
    Kind("Vases", "Vase", "vase", ("ceramic", "stoneware", "glass"), ("white", "blue", "green", "yellow", "orange",
                                                                       "beige"),
         ((15, 25), (15, 25), (25, 40)), (19, 89), 2, ("Living Room", "Hallway", "Dining Room"), ("Tall", "Bud"),
         ("Watertight glaze", "Handmade, so each one differs")),
]

PATTERNS = ["solid", "solid", "striped", "checked", "floral"]
# colours a material comes in (woods, stone, metals, natural fibres); fabrics come in any colour
NATURAL: dict[str, tuple[str, ...]] = {
    "walnut": ("brown",), "oak": ("beige", "brown", "black"), "solid oak": ("beige", "brown"),
    "pine": ("khaki", "white", "grey", "green"), "beech": ("beige", "white", "grey", "black"), "birch": ("beige", "white"),
    "acacia": ("brown", "khaki"), "mango wood": ("brown", "black"), "plywood": ("beige", "white"),
    "marble": ("white", "black", "green"), "rattan": ("beige", "khaki"), "wicker": ("beige", "khaki", "white"),
    "jute": ("beige", "khaki"), "steel": ("black", "white", "grey", "green"), "iron": ("black",), "brass": ("gold",),
}
BRANDS = ["Alder & Finch", "Nordlys Home", "Hearthwood", "Mossgrove", "Linden Lane", "Oakhurst Studio", "Tidewell",
          "Fjell & Co", "Brambleworth", "Cinder House", "Wren Interiors", "Paloma Casa"]
STYLES = ["Scandinavian", "Mid-Century", "Industrial", "Farmhouse", "Modern", "Minimalist", "Rustic", "Japandi",
          "Contemporary"]
SELLING = ["Built to be lived with for years.", "Quietly good-looking in almost any room.",
           "Made in small batches by a family workshop.", "Designed so the whole family can use it every day.",
           "A calm, simple shape that suits old and new homes alike."]
ASSEMBLY = ["Assembly required: about 30 minutes", "Delivered fully assembled", "Tool-free assembly"]
NOISE = ["Perfect gift for new homeowners!", "Free delivery on orders over $500!",
         "Our customer service team is always here to help."]


def _title(rng: random.Random, kind: Kind, colour: str, material: str, pattern: str) -> str:
    look = " ".join(w for w in (colour.title(), "" if pattern == "solid" else pattern.title()) if w)
    material_word = material.title()
    forms = [
        f"{rng.choice(STYLES)} {look} {material_word} {rng.choice(kind.extras)} {kind.noun}",
        f"{rng.choice(kind.extras)} {kind.noun} in {look} {material_word}",
        f"{rng.choice(kind.extras)} {kind.noun} - {look} {material_word}, {rng.choice(STYLES)}",
    ]
    return " ".join(rng.choice(forms).split())


def _fill(img: Image.Image, mask: Image.Image, pattern: str, main: tuple, second: tuple, rng: random.Random) -> None:
    layer = Image.new("RGB", img.size, main)
    draw = ImageDraw.Draw(layer)
    if pattern == "striped":
        for y in range(0, SIZE, 14):
            draw.rectangle([0, y, SIZE, y + 5], fill=second)
    elif pattern == "checked":
        for v in range(0, SIZE, 20):
            draw.rectangle([v, 0, v + 5, SIZE], fill=second)
            draw.rectangle([0, v, SIZE, v + 5], fill=second)
    elif pattern == "floral":
        for _ in range(28):
            x, y = rng.randrange(SIZE), rng.randrange(SIZE)
            for dx, dy in ((0, -4), (4, 0), (0, 4), (-4, 0)):
                draw.ellipse([x + dx - 3, y + dy - 3, x + dx + 3, y + dy + 3], fill=second)
    img.paste(layer, (0, 0), mask)


def _shape(draw: ImageDraw.ImageDraw, form: str, coords: tuple, **style) -> None:
    if form == "poly":
        draw.polygon([(x * SIZE, y * SIZE) for x, y in coords], **style)
    else:
        box = [c * SIZE for c in coords]
        (draw.rectangle if form == "rect" else draw.ellipse)(box, **style)


def draw_product(kind: Kind, colour: str, second: str, pattern: str, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    main_rgb = PALETTE[colour]
    outline = tuple(max(0, c - 90) for c in main_rgb) if sum(main_rgb) > 200 else (90, 90, 90)
    mask = Image.new("L", img.size, 0)
    mask_draw, draw = ImageDraw.Draw(mask), ImageDraw.Draw(img)
    parts = SHAPES[kind.shape]
    for role, form, coords in parts:
        if role == "main":
            _shape(mask_draw, form, coords, fill=255)
    _fill(img, mask, pattern, main_rgb, PALETTE[second], rng)
    for role, form, coords in parts:
        if role == "leg":
            _shape(draw, form, coords, fill=LEG)
            _shape(mask_draw, form, coords, fill=255)
        elif role == "shade":
            _shape(draw, form, coords, fill=tuple(int(c * 0.92) for c in main_rgb))
        elif role == "glass":
            _shape(draw, form, coords, fill=GLASS)
    # one outline around the whole silhouette (not around each part, which would read as a
    # pattern), so that a white piece still stands out from the light grey background
    edge = ImageChops.subtract(mask, mask.filter(ImageFilter.MinFilter(5)))
    img.paste(outline, (0, 0), edge)
    return img


def build() -> list[dict[str, str]]:
    rng = random.Random(2027)
    rows, number = [], 0
    for kind in KINDS:
        for _ in range(kind.count):
            number += 1
            sku = f"FURN-{number:04d}"
            material = rng.choice(kind.materials)
            natural = [c for c in NATURAL.get(material, kind.colours) if c in kind.colours]
            colour = rng.choice(natural or NATURAL[material])
            second = rng.choice([c for c in ("white", "beige", "navy", "black", "yellow", "pink") if c != colour])
            pattern = rng.choice(PATTERNS) if kind.patterned else "solid"
            others = [m for m in kind.materials if m != material]
            materials = [material] + ([rng.choice(others)] if others and rng.random() < 0.3 else [])
            brand, room = rng.choice(BRANDS), rng.choice(kind.rooms)
            width, depth, height = (rng.randint(low, high) for low, high in kind.size)
            low, high = kind.price
            features = rng.sample(list(kind.features), k=min(2, len(kind.features))) + [rng.choice(ASSEMBLY)]
            if rng.random() < 0.3:
                features.append(rng.choice(NOISE))
            look = colour if pattern == "solid" else f"{colour} with a {pattern} pattern"
            description = f"The {brand} {kind.noun.lower()} in {look}, made of {' and '.join(materials)}. " \
                          f"{rng.choice(SELLING)}"
            if rng.random() < 0.5:
                description += f" Made for the {room.lower()}."
            image = f"{sku}.png"
            draw_product(kind, colour, second, pattern, rng).save(HERE / "images" / image, optimize=True)
            rows.append({
                "sku": sku, "name": _title(rng, kind, colour, material, pattern), "brand": brand,
                "category": kind.category, "room": room, "materials": ";".join(materials),
                "colour": colour.title(), "pattern": pattern.title(), "width_cm": str(width),
                "depth_cm": str(depth), "height_cm": str(height), "price": f"{round(rng.uniform(low, high)) - 0.01:.2f}",
                "rating": f"{rng.uniform(3.6, 5.0):.1f}", "rating_count": str(int(rng.lognormvariate(3.5, 1.2)) + 2),
                "features": "|".join(features), "description": description, "image": image,
            })
    return rows


def main() -> None:
    from muse_furniture.catalog import COLUMNS, csv_to_jsonl

    (HERE / "images").mkdir(exist_ok=True)
    rows = build()
    with (HERE / "catalog.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = csv_to_jsonl(HERE / "catalog.csv", HERE / "catalog.jsonl", HERE / "images")
    print(f"wrote {len(rows)} products to {HERE / 'catalog.csv'} and {HERE / 'catalog.jsonl'} "
          f"({len(result.rejects)} rejected)")


if __name__ == "__main__":
    main()
