"""Text preparation for the text encoders: sentence splitting and the paper's cleaning.

- :func:`split_sentences`: on ``.``, ``!``, ``?`` or ``;`` followed by white space, and on line breaks,
  but not inside decimals (``1.5 mm``), abbreviations (``Dr.``, ``e.g.``, ``vs.``) or initials.
  GLoRIA and ConVIRT sample one sentence per step from these.
- :func:`clean_text`: lower-case; every character that is not a letter, digit, white space or one of
  ``. , : ; / % - +`` removed (so ``3.5 x 2.1 cm``, ``5/10``, ``10%`` and ``-2`` stay readable); punctuation
  left standing alone removed; runs of spaces collapsed. Placeholders (``[NAME]``, ``[DATE]``, ..., ``[PHI]``)
  are kept as they are, upper-case and bracketed, so that the tokenizer maps each to one special token:
  ``"Dr. [NAME] on [DATE]."`` becomes ``"dr. [NAME] on [DATE]."``, not ``"dr. on"``.
"""

from __future__ import annotations

import re

from report_deid.phi_types import PLACEHOLDER_TOKENS

_PLACEHOLDER = re.compile("(" + "|".join(re.escape(token) for token in PLACEHOLDER_TOKENS) + ")")
_SPECIAL = re.compile(r"[^a-z0-9\s.,:;/%+-]")
_SPACES = re.compile(r"[ \t]+")
_ORPHAN_PUNCTUATION = re.compile(r"(?<!\S)[.,:;/%+-]+(?!\S)")
_ABBREVIATIONS = (
    "dr",
    "mr",
    "mrs",
    "ms",
    "vs",
    "e.g",
    "i.e",
    "approx",
    "st",
    "no",
    "fig",
    "etc",
    "pt",
)
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=\S)|\n+")


def split_sentences(text: str) -> list[str]:
    """Sentences of a report (non-empty, stripped)."""
    pieces: list[str] = []
    buffer = ""
    for part in _BOUNDARY.split(text):
        candidate = f"{buffer} {part}".strip() if buffer else part.strip()
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
        if candidate.endswith(".") and (
            last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word)
        ):
            buffer = candidate  # "Dr." or an initial: the sentence goes on
            continue
        buffer = ""
        if candidate:
            pieces.append(candidate)
    if buffer:
        pieces.append(buffer)
    return pieces


#: letters-and-digits stand-ins that survive cleaning, so punctuation next to a placeholder stays attached
_STAND_IN = {token: f"zqx{i}placeholderzqx" for i, token in enumerate(PLACEHOLDER_TOKENS)}
_STAND_IN_BACK = re.compile("|".join(_STAND_IN.values()))
_TOKEN_OF = {stand_in: token for token, stand_in in _STAND_IN.items()}


def clean_text(text: str) -> str:
    """The paper's cleaning: lower-case, special characters removed, measurements and placeholders kept."""
    text = _PLACEHOLDER.sub(lambda m: f" {_STAND_IN[m.group()]}", text).lower()
    text = _ORPHAN_PUNCTUATION.sub(" ", _SPECIAL.sub(" ", text))
    text = _SPACES.sub(" ", text).strip()
    return _STAND_IN_BACK.sub(lambda m: _TOKEN_OF[m.group()], text)


def prepare_sentences(text: str) -> list[str]:
    """Split, then clean every sentence; sentences left empty are dropped."""
    return [cleaned for sentence in split_sentences(text) if (cleaned := clean_text(sentence))]
