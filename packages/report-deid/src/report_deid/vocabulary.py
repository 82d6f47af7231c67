"""English vocabulary: the words that a capitalised token may be without being a name or a place.

The list is the lower-case entries of Webster's Second International word list (``web2``, about 210,000
words) that the ``english-words`` package ships; its capitalised entries (proper nouns: "Paris", "John") are
left out, so a token is *vocabulary* only when the dictionary has it as an ordinary word. Plurals and
possessives are reduced before the look-up (``osteophytes`` -> ``osteophyte``). Nothing is downloaded.
The package stores the list as a pickle of a ``set`` of strings; it is read with an unpickler that refuses
every global (no code can run), not with ``pickle.load``.
"""

from __future__ import annotations

import pickle
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import NoReturn


class _DataOnlyUnpickler(pickle.Unpickler):
    """An unpickler that refuses every global: it can build lists, sets, dicts and strings, never call code.

    ``english-words`` ships its lists as pickles; reading them through this class (rather than the
    package's own ``pickle.load``) means a tampered data file fails instead of running anything.
    """

    def find_class(self, module: str, name: str) -> NoReturn:
        raise pickle.UnpicklingError(
            f"english-words data file refers to {module}.{name}; only plain containers are read"
        )


@cache
def english_vocabulary() -> frozenset[str]:
    """Lower-case English words (web2's lower-case entries, letters only)."""
    source = resources.files("english_words") / "data" / "web2_alpha.pickle"
    with source.open("rb") as handle:
        words = _DataOnlyUnpickler(handle).load()
    if not isinstance(words, set | frozenset | list):
        raise TypeError(
            f"english-words web2 list: expected a set of words, got {type(words).__name__}"
        )
    return frozenset(w for w in words if isinstance(w, str) and w.islower())


def fold_word(word: str) -> str:
    """Lower case, accents removed (``Zoë`` -> ``zoe``), typographic apostrophes straightened."""
    if word.isascii():
        return word.lower()
    folded = unicodedata.normalize("NFKD", word.replace("’", "'"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()


#: :func:`fold_word` with a cache, for the words of reports (which repeat)
plain = lru_cache(maxsize=1 << 16)(fold_word)


#: British spellings and their American forms in web2 ("orthopaedic" -> "orthopedic", "tumour" -> "tumor")
_BRITISH = (
    ("ae", "e"),
    ("oe", "e"),
    ("our", "or"),
    ("isation", "ization"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("tre", "ter"),
    ("ogue", "og"),
    ("lled", "led"),
    ("lling", "ling"),
)


def _american(part: str) -> list[str]:
    """American spellings of a British word part (each rule applied to every occurrence)."""
    if len(part) < 6:  # short names hold these letters too ("Mae", "Moe", "Gael")
        return []
    return [part.replace(old, new) for old, new in _BRITISH if old in part]


@lru_cache(maxsize=1 << 16)
def is_vocabulary(word: str) -> bool:
    """Whether ``word`` (any case, possibly plural or possessive) is an ordinary English word.

    Each hyphen- or apostrophe-separated part must be one: "Osgood-Schlatter" is not, "follow-up" is.
    British spellings count through their American forms ("orthopaedic", "haematoma", "tumour").
    """
    vocabulary = english_vocabulary()
    low = plain(word).removesuffix("'s")
    parts = [p for p in low.replace("'", "-").split("-") if p]
    if not parts:
        return False
    for part in parts:
        if not _known(part, vocabulary) and not any(_known(a, vocabulary) for a in _american(part)):
            return False
    return True


def is_inflection(word: str) -> bool:
    """Whether ``word`` is the -ed, -ing or -ly form of an English word ("Retrieved", "stopping", "Kindly").

    The dictionary lists base forms only; a stem of at least three letters is tried as it is, with a final
    ``e`` restored ("retriev" + "e"), with a doubled consonant undone ("stopp"), and with ``i`` for ``y``
    ("carri" -> "carry").
    """
    low = plain(word)
    vocabulary = english_vocabulary()
    for suffix in ("ed", "ing", "ly"):
        stem = low.removesuffix(suffix)
        if stem == low or len(stem) < 3:
            continue
        forms = (
            stem,
            stem + "e",
            stem[:-1] if stem[-1] == stem[-2] else "",
            stem[:-1] + "y" if stem.endswith("i") else "",
        )
        if any(form and form in vocabulary for form in forms):
            return True
    return False


#: prefixes of medical compounds the dictionary lacks ("hypoventilation", "hyperinflated", "subchondral")
_PREFIXES = tuple(
    "hypo hyper peri para sub supra infra intra inter post pre trans non anti micro macro multi semi pseudo"
    " over under re un".split()
)


def is_english_form(word: str) -> bool:
    """Whether ``word`` is vocabulary, an inflection of it, or a prefix before either ("hypoinflation")."""
    if is_vocabulary(word) or is_inflection(word):
        return True
    low = plain(word)
    return any(
        low.startswith(prefix)
        and len(low) - len(prefix) >= 4
        and (is_vocabulary(low[len(prefix) :]) or is_inflection(low[len(prefix) :]))
        for prefix in _PREFIXES
    )


def _known(part: str, vocabulary: frozenset[str]) -> bool:
    """``part`` or its singular is in ``vocabulary``."""
    forms = (
        part,
        part[:-1] if part.endswith("s") else "",
        part[:-2] if part.endswith("es") else "",
    )
    return any(f and f in vocabulary for f in forms) or (
        part.endswith("ies") and part[:-3] + "y" in vocabulary
    )
