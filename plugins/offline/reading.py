"""The offline querier's reading of the user's turns: a lossy parser.

It knows the catalog's attribute words and the querier's own partial table of other words
(`plugins/offline/needs.py`), nothing of how the shopper simulator chose its words. Clause by
clause: words in a clause with a negation ("isn't", "rather than", "nothing") are turned down,
words in a clause with a wish ("I need", "ideally", "the main thing:") are wanted, other clauses
(chit-chat) state nothing; the latest statement of a word wins and one kind of item is wanted at
a time; sentences about an item the user already owns (the multimodal opening) are skipped.
Words it does not know are lost; words that stand for several attributes stay needs that the
query step clarifies into all of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from muse_plugins.offline.needs import CATALOG_WORDS, CLARIFY, SAME_AS, canonical, product_type_of

# Sentences about an item the user already owns describe it, not the wish.
OWNED = re.compile(r"\b(photo|picture|pic|image|already own|already have|in my wardrobe|i've got this|"
                   r"i own|bought this|got this|have this)\b", re.I)
HEADS = re.compile(r":|\s[-\u2013\u2014]\s")  # "The main thing: X", "one box - X": the head's wish carries over
CLAUSES = re.compile(r";|, and |, however|,\s(?=I\b)|\bbut\b|\bwhile\b|(?=\bthan\b)|(?=\binstead of\b)", re.I)
NEGATION = re.compile(r"n't\b|\bnot\b|\bthan\b|\binstead of\b|\btoo\b|\bno\b|\bnothing\b|\bnever\b|\bavoid\b|"
                      r"\baway from\b|\btired of\b", re.I)
WISH = re.compile(r"\b(need|want|like|prefer|after|looking for|hoping|picturing|has to|have in mind|thinking of|"
                  r"best|must|should|ideally|rather|main thing|matters|most of all|priority|requirement|"
                  r"important|essential|key|box|go for|love|wish|show me|in the market|keen on|ideal)\b", re.I)
SUITED = re.compile(r"suited to ([a-z ]+?)(?:[.,;!]|$)")

# Every word the querier knows, longest first, so that "navy blue" is read before "blue" inside it.
PHRASES = re.compile(r"(?<![a-z])(" + "|".join(re.escape(p) for p in sorted(
    CATALOG_WORDS | set(CLARIFY) | set(SAME_AS), key=len, reverse=True)) + r")(?![a-z])")


@dataclass(frozen=True)
class Reading:
    """What the querier made of the user's turns: catalog attributes and needs (words of CLARIFY)."""
    wanted: list[str]
    turned_down: list[str]


def words_in(clause: str) -> list[str]:
    """The attributes and needs a clause names, in order: a catalog word or a word read as one gives
    its catalog value, a word that stands for several attributes stays a need."""
    found = []
    for phrase in dict.fromkeys(m.group(1) for m in PHRASES.finditer(clause.lower())):
        if phrase in CLARIFY:
            found.append(phrase)
        else:
            found.append(SAME_AS.get(phrase) or canonical(phrase))
    found += [f"suited to {m.strip()}" for m in SUITED.findall(clause.lower())]
    return list(dict.fromkeys(found))


def is_kind(word: str) -> bool:
    """A kind of item, or a need that only stands for kinds ("something for my feet")."""
    return bool(product_type_of(word)) or (word in CLARIFY and all(product_type_of(w) for w in CLARIFY[word]))


def clauses(sentence: str) -> list[tuple[str, bool]]:
    """(clause, inherits a wish) for each clause of a sentence: the parts after a head that wishes
    ("What matters most: X") carry its wish."""
    out, carry = [], False
    for part in HEADS.split(sentence):
        for clause in CLAUSES.split(part):
            out.append((clause, carry))
        carry = carry or bool(WISH.search(part) and not NEGATION.search(part))
    return out


def read(conversation: list[dict[str, str]]) -> Reading:
    wanted: dict[str, None] = {}
    turned_down: dict[str, None] = {}
    for turn in conversation:
        if turn.get("speaker") != "User":
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", turn.get("text") or ""):
            if OWNED.search(sentence):
                continue
            for clause, carried in clauses(sentence):
                negative, wish = NEGATION.search(clause), carried or WISH.search(clause)
                if not (negative or wish):
                    continue
                for word in words_in(clause):
                    if negative:
                        turned_down[word] = None
                        wanted.pop(word, None)
                        continue
                    if is_kind(word):  # one kind of item at a time: the latest wins
                        for old in [w for w in wanted if is_kind(w)]:
                            wanted.pop(old)
                    wanted[word] = None
                    turned_down.pop(word, None)
    return Reading(list(wanted), list(turned_down))


def clarified(words: list[str]) -> list[str]:
    """Needs clarified into the catalog attributes they may stand for; attributes stay; occasions
    ("suited to weddings") have no attribute to search by."""
    out: list[str] = []
    for word in words:
        out += CLARIFY[word] if word in CLARIFY else [] if word.startswith("suited to") else [word]
    return list(dict.fromkeys(out))


def search_attributes(wanted: list[str], turned_down: list[str]) -> tuple[list[str], set[str]]:
    """(attributes to search for, attributes to avoid). A word the user asked for outright is not
    avoided because a vague word it turned down could also stand for it."""
    asked = set(wanted)
    avoid = {a for a in clarified(turned_down) if a not in asked}
    return [a for a in clarified(wanted) if a not in avoid], avoid
