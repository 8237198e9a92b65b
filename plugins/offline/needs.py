"""Shopper needs as the offline engine reads and writes them: attribute words of the catalog
(types, colours, materials, patterns, departments) and the abstract needs the backstory rule
uses ("quick to dry"), each with the catalog attributes it clarifies into."""

from __future__ import annotations

import re

from plugins.offline.lexicon import COLORS, MATERIALS, PATTERNS, PRODUCT_TYPES, find_all
from plugins.offline.purchase_backstory import COLOUR_NEEDS, EXTRA_NEEDS, MATERIAL_NEEDS, PATTERN_NEEDS

DEPARTMENTS = ["women's", "men's", "girls'", "boys'"]

# abstract need -> catalog attribute words it clarifies into (paper 3.3.2: "quick-drying" ->
# "polyester, nylon")
CLARIFY: dict[str, list[str]] = {}
for word, need in MATERIAL_NEEDS.items():
    CLARIFY.setdefault(need, []).append(word)
for word, need in COLOUR_NEEDS.items():
    CLARIFY.setdefault(need, []).append(word)
for word, need in PATTERN_NEEDS.items():
    CLARIFY.setdefault(need, []).append(word)
for need in EXTRA_NEEDS:
    CLARIFY.setdefault(need, [])
CLARIFY["an earthy colour"] += ["brown", "olive", "khaki"]
CLARIFY["quick to pack"] += ["nylon", "polyester"]
CLARIFY["light to carry"] += ["nylon"]
CLARIFY["easy to care for"] += ["polyester", "cotton"]


def attribute_terms(text: str) -> list[str]:
    """Catalog attribute words in a text, in order: departments, types, colours, materials, patterns."""
    lowered = text.lower()
    found = [d for d in DEPARTMENTS if re.search(rf"(?<![a-z]){re.escape(d)}", lowered)]
    found += find_all(text, sorted(PRODUCT_TYPES, key=len, reverse=True))
    found += find_all(text, COLORS) + find_all(text, MATERIALS) + find_all(text, sorted(PATTERNS, key=len, reverse=True))
    return list(dict.fromkeys(found))


def abstract_needs(text: str) -> list[str]:
    """Known abstract needs ("soft against skin") stated in a text."""
    lowered = text.lower()
    found = [need for need in CLARIFY if need in lowered]
    found += [f"suited to {m}" for m in re.findall(r"suited to ([a-z ]+?)(?:[.,;!]|$)", lowered)]
    return list(dict.fromkeys(found))


def product_type_of(term: str) -> str | None:
    return PRODUCT_TYPES[term][0] if term in PRODUCT_TYPES else None


def a_kind(kind: str) -> str:
    """'a jacket', 'an olive coat', 'a pair of boots': the article a shopper would use."""
    last = kind.split()[-1] if kind else "item"
    if last.endswith("s") and last not in {"dress", "swimsuit", "bikinis"}:
        return f"a pair of {kind}" if last in PAIRED else f"some {kind}"
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"


PAIRED = {"trousers", "jeans", "shorts", "leggings", "joggers", "sneakers", "boots", "sandals", "heels", "loafers",
          "flats", "slippers", "clogs", "shoes", "socks", "earrings", "gloves", "sunglasses", "pajamas",
          "swim trunks", "trunks"}
