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


def _clean_plain(text: str) -> str:
    text = _ORPHAN_PUNCTUATION.sub(" ", _SPECIAL.sub(" ", text.lower()))
    return _SPACES.sub(" ", text).strip()


def clean_text(text: str) -> str:
    """The paper's cleaning: lower-case and remove special characters, keeping measurements readable and
    placeholders whole."""
    pieces = _PLACEHOLDER.split(text)  # even positions: text, odd positions: placeholders
    kept = [piece if i % 2 else _clean_plain(piece) for i, piece in enumerate(pieces)]
    return " ".join(piece for piece in kept if piece)


def prepare_sentences(text: str) -> list[str]:
    """Split, then clean every sentence; sentences left empty are dropped."""
    return [cleaned for sentence in split_sentences(text) if (cleaned := clean_text(sentence))]
