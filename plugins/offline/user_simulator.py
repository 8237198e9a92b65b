"""Offline answers of the user simulator (paper Figure 17): open, state needs, compare a
recommendation with the target, reject with the main difference, chit-chat, accept.

The user knows its target (profile target requirements) but speaks only in attribute words,
never the target's title or brand. Several phrasings per act; every fact comes from the
products' fields and the colours read from their photos."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from plugins.offline.needs import a_kind
from plugins.offline.profile_match import department
from plugins.offline.vision import ImageFacts

DEPARTMENT_WORDS = {"women": "women's", "men": "men's", "girls": "girls'", "boys": "boys'"}


def _facts(product: dict[str, Any]) -> dict[str, Any]:
    return product.get("attributes") or {}


def _main_colour(product: dict[str, Any], image: ImageFacts | None) -> str | None:
    """The colour the user sees: the photo's dominant colour if it is a listed one, else the listing's."""
    listed = _facts(product).get("colors") or []
    if image is not None:
        seen = [c for c in image.colors if c in listed]
        if seen:
            return seen[0]
    return listed[0] if listed else (image.colors[0] if image and image.colors else None)


def open_(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    profile, outfit = inputs["profile"], inputs.get("outfit")
    scenario = profile["scenario"].strip().rstrip(".")
    situation = rng.choice(["Here's my situation: {}.", "Quick context - {}.", "So, {} is coming up.",
                            "I have this on my plate: {}.", "A bit of background: {}.", "It's about {}."]
                           ).format(scenario[0].lower() + scenario[1:])
    hello = rng.choice(["Hi!", "Hello there.", "Hey, thanks.", "Hi, yes please.", "Good day!", "Hello!"])
    if outfit:
        o = _facts(outfit)
        colour = _main_colour(outfit, images[0] if images else None) or ""
        item = f"{colour} {o.get('product_type', 'piece')}".strip()
        ask = rng.choice([f"I recently bought this {item} (photo attached) and I need something that goes with it.",
                          f"Here's a {item} I already own - see the photo. Can you find something to pair with it?",
                          f"I've got this {item} (picture attached) and I'm looking for a piece to complete the outfit.",
                          f"This {item} in the photo is already in my wardrobe; I want something that matches it."])
        return " ".join([hello, ask, situation])
    want = rng.choice(["I need something to wear for it.", "Could you help me find the right thing for it?",
                       "I'd like to pick up something suitable.", "I'm hoping to find a good match for that.",
                       "I want to look and feel right for it.", "Can you help me shop for that?"])
    return " ".join([hello, situation, want])


def needs(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    kind, requirement = inputs["target_kind"], inputs["requirement"]
    item = a_kind(kind)
    first = rng.choice(["I'm thinking of {}.", "I'd like {}.", "Probably {} would be best.",
                        "What I have in mind is {}.", "I'm after {}.", "Honestly, {} is what I need."]).format(item)
    second = rng.choice(["The main thing: {}.", "Most of all: {}.", "It really has to tick one box - {}.",
                         "What matters most to me is this: {}.", "Ideally: {}.", "My first requirement: {}."]
                        ).format(requirement)
    return f"{first} {second}"


def compare(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, str]:
    """The one main difference between the recommended item and the target, most visible first."""
    rec, target = inputs["product"], inputs["target"]
    rec_img, target_img = images if len(images) == 2 else (None, None)  # both photos, or go by text
    r, t = _facts(rec), _facts(target)
    if r.get("product_type") != t.get("product_type"):
        return {"aspect": "kind", "recommended": a_kind(r.get("product_type") or "item"),
                "wanted": a_kind(t.get("product_type") or "item")}
    r_dept, t_dept = department(rec), department(target)
    if t_dept and r_dept != t_dept:
        return {"aspect": "department", "recommended": f"a {DEPARTMENT_WORDS.get(r_dept, 'unisex')} cut",
                "wanted": f"{DEPARTMENT_WORDS[t_dept]} {t.get('product_type')}"}
    t_colour, r_colours = _main_colour(target, target_img), set(r.get("colors") or []) | set(
        rec_img.colors if rec_img else [])
    if t_colour and t_colour not in r_colours:
        return {"aspect": "colour", "recommended": _main_colour(rec, rec_img) or "another colour", "wanted": t_colour}
    t_materials = t.get("materials") or []
    if t_materials and not set(t_materials) & set(r.get("materials") or []):
        return {"aspect": "material", "recommended": ", ".join(r.get("materials") or []) or "no stated material",
                "wanted": t_materials[0]}
    if t.get("pattern") and t.get("pattern") != r.get("pattern"):
        return {"aspect": "pattern", "recommended": f"a {r.get('pattern')} look", "wanted": f"a {t['pattern']} look"}
    features = [f for f in t.get("key_features") or [] if f.lower() not in " ".join(r.get("key_features") or []).lower()]
    if features:
        return {"aspect": "feature", "recommended": "other details", "wanted": features[0].lower()}
    if rec.get("price") and target.get("price") and target["price"] < 0.8 * rec["price"]:
        return {"aspect": "price", "recommended": "a higher price", "wanted": "something more affordable"}
    return {"aspect": "style", "recommended": "a look that is not quite me", "wanted": "something closer to my picture"}


def reject(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    d = inputs["difference"]
    earlier = " ".join(t["text"] for t in inputs["conversation"] if t["speaker"] == "User").lower()
    openers = [o for o in ["Thanks, but", "I appreciate it, but", "Hmm, not quite -", "That's kind, however",
                           "I see why you picked it, but", "Close, but", "Sorry, that one won't do:"]
               if o.lower() not in earlier] or ["Still not it -"]
    opener = rng.choice(openers)
    because = {
        "kind": [f"{d['recommended']} isn't what I'm after; I really need {d['wanted']}.",
                 f"I'm not looking for {d['recommended']} - it has to be {d['wanted']}."],
        "department": [f"it's {d['recommended']}, and I need {d['wanted']}.",
                       f"that one has {d['recommended']}; I'm looking for {d['wanted']}."],
        "colour": [f"the {d['recommended']} doesn't work for me; I'd much prefer {d['wanted']}.",
                   f"I'm not keen on {d['recommended']} here, I'm picturing it in {d['wanted']}."],
        "material": [f"{d['recommended']} isn't right for this; I want {d['wanted']}.",
                     f"I'd rather have {d['wanted']} than {d['recommended']}."],
        "pattern": [f"{d['recommended']} isn't my style; I'd like {d['wanted']}.",
                    f"I'm hoping for {d['wanted']} rather than {d['recommended']}."],
        "feature": [f"it lacks what I need, which is {d['wanted']}.",
                    f"I need {d['wanted']}, and this one doesn't offer that."],
        "price": ["it's more than I want to spend; something more affordable would suit me better.",
                  "it's a bit pricey for me - I'd like something more affordable."],
        "style": ["it's not quite the look I have in mind; something closer to my picture would be better.",
                  "it doesn't feel like me; I'm after something closer to what I pictured."],
    }.get(d["aspect"], [f"I want {d['wanted']} instead of {d['recommended']}."])
    tail = rng.choice(["", "", " It needs to work for what I told you about.", " Could you try again?",
                       " Maybe you have another option?"])
    return f"{opener} {rng.choice(because)}{tail}"


def chitchat(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    product = inputs["product"]
    colour = _main_colour(product, images[0] if images else None) or "colour"
    ptype = _facts(product).get("product_type", "piece")
    thought = rng.choice([
        f"That {colour} reminds me of a trip I took years ago, funny how colours bring things back.",
        f"Oh, a {ptype} like that makes me think of my grandmother, she always dressed so carefully.",
        f"Funny, my friend wore a {colour} {ptype} at the last get-together and everyone talked about it.",
        "I keep picturing the day itself; I'm a little nervous, to be honest.",
        f"You know, I haven't shopped for a {ptype} in ages - it's fun to think about it again.",
        f"The {colour} tone is lovely in the photo; it puts me in a good mood for what's coming.",
    ])
    extra = rng.choice(["", " Anyway, I'm rambling.", " Do people still wear these a lot?",
                        " It's been a busy month."])
    return thought + extra


def accept(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> str:
    product, requirements = inputs["product"], inputs["profile"]["requirements"]
    f = _facts(product)
    colour = _main_colour(product, images[0] if images else None)
    features = [x for x in [colour and f"the {colour} colour", (f.get("materials") or [None])[0],
                            f.get("pattern") not in (None, "solid") and f"the {f['pattern']} pattern",
                            *(k.lower() for k in (f.get("key_features") or [])[:1])] if x]
    shown = " and ".join(features[:2]) or "its details"
    thanks = rng.choice(["Thank you, this is it!", "Perfect, thanks so much!", "Yes - thank you, that's the one.",
                         "Great find, thank you!", "Thanks, I'll take it."])
    why = rng.choice([f"The {product['title']} has {shown}, which is exactly what I wanted.",
                      f"I love that the {product['title']} comes with {shown}.",
                      f"With {shown}, the {product['title']} ticks my boxes."])
    fit = rng.choice([f"It's {requirements[0]}, just as I hoped.", f"It feels {requirements[-1]}, which matters to me.",
                      "It will suit my plans perfectly.", f"Being {requirements[0]} makes it right for me."])
    return " ".join([thanks, why, fit])
