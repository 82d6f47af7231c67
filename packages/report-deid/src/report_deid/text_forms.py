"""Character variants folded before detection, one character for one character (offsets do not move).

Typeset and word-processed reports use no-break, thin and narrow spaces (French "01 42 34 56 78" and
"14 mars 2024" are usually written with U+00A0 or U+202F), non-breaking and en dashes in numbers and
hyphenated names ("14‑03‑2024", "Smith–Jones"), and typographic apostrophes ("O’Brien"). The rules are
written with the ASCII forms, so every Unicode space separator becomes a space, every dash a hyphen-minus
and every single quotation mark an apostrophe. Each replacement is a single character, so a span found in the
folded text is the same span in the original. Very long blank gaps are masked past their first
characters (:func:`fold`), also one character for one.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import regex


@cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x10000):  # every space and dash variant is in the basic plane
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Zs" and char != " ":
            table[code] = " "
        elif category == "Pd" and char != "-":
            table[code] = "-"
    for char in "\u2018\u2019\u201b\u2032\u02bc":
        table[ord(char)] = "'"
    table[0x2212] = "-"  # minus sign
    return table


#: how much blank space one gap keeps; the rest of a longer gap is masked
GAP_KEPT = 32
_LONG_GAP = regex.compile(rf"[ \t]{{{GAP_KEPT + 1},}}")


def fold(text: str) -> str:
    r"""``text`` with space, dash and apostrophe variants as ASCII ones, "\r\n" as " \n"; same length.

    A run of more than :data:`GAP_KEPT` spaces or tabs keeps its first :data:`GAP_KEPT` characters and the
    rest become NUL characters, which no rule reads as space: patterns that look through blank space
    (``[ ]*``, ``[ ]{2,}``) then cost linear time on a line of thousands of spaces instead of quadratic.
    """
    if not text.isascii():
        text = text.translate(_table())
    if "\r\n" in text:
        text = text.replace(
            "\r\n", " \n"
        )  # Windows line ends read as Unix ones (an HL7 "\r" alone stays)
    if " " * 8 in text or "\t" * 8 in text:
        text = _LONG_GAP.sub(lambda gap: gap[0][:GAP_KEPT] + "\0" * (len(gap[0]) - GAP_KEPT), text)
    return text
