"""Ticket prefixes: one alphabet per prefix, no two that look or sound alike, and a free one proposed from a name."""
from __future__ import annotations

import unicodedata
from itertools import chain

from kezek.base.errors import Conflict, Invalid
from kezek.voice.words import LATIN_TO_CYRILLIC

# Latin capitals drawn like a Cyrillic one (and Ё drawn like Е from across a hall): on a ticket,
# "A017" and "А017" are one number to a visitor, and the voice reads both alike.
LOOKS_LIKE = dict(zip("ABCEHIJKMOPSTXYЁ", "АВСЕНІЈКМОРЅТХҮЕ"))
# Letters a prefix is proposed from: no signs, no letters that never begin a word, none drawn like the digit
# it stands before on a ticket and a TV ("З001" reads "3001", "О12" reads "012"). An admin may still give them.
LIKE_A_DIGIT = "ЗОOI"
PROPOSABLE_CYRILLIC = "".join(c for c in "АӘБВГҒДЕЖЗИКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШІЭЮЯ" if c not in LIKE_A_DIGIT)
PROPOSABLE_LATIN = "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in LIKE_A_DIGIT)

MIXED = "A prefix is one or two letters of one alphabet, Cyrillic or Latin."
LOOKALIKE = "This prefix looks or sounds like another service's prefix (a Latin letter beside a Cyrillic one)."
NONE_FREE = "No free prefix is left for this name: give one."


def script(char: str) -> str | None:
    """'cyrillic', 'latin' or None for a letter of neither alphabet."""
    name = unicodedata.name(char, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN") and char.isascii():
        return "latin"
    return None


def check(prefix) -> str:
    """The prefix in capitals when it is one or two letters of one alphabet; Invalid otherwise."""
    if not isinstance(prefix, str) or not 1 <= len(prefix.strip()) <= 2:
        raise Invalid(MIXED, "bad_prefix", field="prefix")
    prefix = prefix.strip().upper()
    scripts = {script(c) for c in prefix}
    if not prefix.isalpha() or None in scripts or len(scripts) != 1:
        raise Invalid(MIXED, "bad_prefix", field="prefix")
    return prefix


def keys(prefix: str) -> tuple[str, str]:
    """What a prefix looks like and what it sounds like, each as Cyrillic capitals: equal keys clash."""
    looks = "".join(LOOKS_LIKE.get(c, c) for c in prefix.upper())
    sounds = "".join(LATIN_TO_CYRILLIC.get(c, LOOKS_LIKE.get(c, c)) for c in prefix.upper())
    return looks, sounds


def clashes(prefix: str, taken) -> bool:
    """Whether `prefix` is, looks like or sounds like one of the `taken` prefixes."""
    looks, sounds = keys(prefix)
    return any(looks == other[0] or sounds == other[1] for other in map(keys, taken))


def refuse_clash(prefix: str, taken) -> None:
    """Conflict when `prefix` clashes with a taken one (the same, or a look-alike across alphabets)."""
    taken = list(taken)
    if prefix in taken:
        raise Conflict("Another service already uses this prefix.", "duplicate_prefix", field="prefix")
    if clashes(prefix, taken):
        raise Conflict(LOOKALIKE, "lookalike_prefix", field="prefix")


def _letters(name: str) -> list[str]:
    return [c for c in name.upper() if c.isalpha() and script(c) and c not in LIKE_A_DIGIT]


def candidates(name: str):
    """Prefixes for a service of this name, best first: its initial, its words' initials, its letters, any two
    (a letter drawn like a digit is skipped: «Зейнетақы» → Е)."""
    letters = _letters(name)
    if not letters:
        return
    first = letters[0]
    alphabet = PROPOSABLE_CYRILLIC if script(first) == "cyrillic" else PROPOSABLE_LATIN
    words = [w for w in (_letters(part) for part in name.split()) if w]
    out = chain([first], (first + w[0] for w in words[1:]), (first + c for c in letters[1:]),
                (first + c for c in alphabet), (a + b for a in alphabet for b in alphabet))
    seen: set[str] = set()
    for prefix in out:
        if prefix not in seen and all(c in alphabet for c in prefix):
            seen.add(prefix)
            yield prefix


def propose(name: str, taken) -> str:
    """The first candidate for `name` that clashes with none of the `taken` prefixes."""
    looks, sounds = set(), set()
    for other in taken:
        a, b = keys(other)
        looks.add(a)
        sounds.add(b)
    for prefix in candidates(name):
        a, b = keys(prefix)
        if a not in looks and b not in sounds:
            return prefix
    raise Invalid(NONE_FREE, "no_free_prefix", field="prefix")
