"""English vocabulary: the words that a capitalised token may be without being a name or a place.

The list is the lower-case entries of Webster's Second International word list (``web2``, about 210,000
words) that the ``english-words`` package ships; its capitalised entries (proper nouns: "Paris", "John") are
left out, so a token is *vocabulary* only when the dictionary has it as an ordinary word. Plurals and
possessives are reduced before the look-up (``osteophytes`` -> ``osteophyte``). Nothing is downloaded.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache


@cache
def english_vocabulary() -> frozenset[str]:
    """Lower-case English words (web2's lower-case entries, letters only)."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], alpha=True) if w.islower())


def fold_word(word: str) -> str:
    """Lower case, accents removed (``Zoë`` -> ``zoe``), typographic apostrophes straightened."""
    if word.isascii():
        return word.lower()
    folded = unicodedata.normalize("NFKD", word.replace("’", "'"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()


#: :func:`fold_word` with a cache, for the words of reports (which repeat)
plain = lru_cache(maxsize=1 << 16)(fold_word)


@lru_cache(maxsize=1 << 16)
def is_vocabulary(word: str) -> bool:
    """Whether ``word`` (any case, possibly plural or possessive) is an ordinary English word.

    Each hyphen- or apostrophe-separated part must be one: "Osgood-Schlatter" is not, "follow-up" is.
    """
    vocabulary = english_vocabulary()
    low = plain(word).removesuffix("'s")
    parts = [p for p in low.replace("'", "-").split("-") if p]
    if not parts:
        return False
    for part in parts:
        forms = (
            part,
            part[:-1] if part.endswith("s") else "",
            part[:-2] if part.endswith("es") else "",
        )
        if not any(f and f in vocabulary for f in forms) and not (
            part.endswith("ies") and part[:-3] + "y" in vocabulary
        ):
            return False
    return True
