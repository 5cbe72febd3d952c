"""The one table of quote characters, shared by normalisation, location and extraction.

Every quote mark the text tools know is listed once here with its family (what it pairs
with) and the role it can play. `normalize` folds each family to one ASCII mark, `extract`
pairs opening and closing marks of the same family, and `locate` strips them from the edges
of a quote.

Families:

* ``DOUBLE``: " “ ” „ ‟ (and, for normalisation only, primes and full-width forms);
* ``GUILLEMET``: « » (French « ... », German and Danish » ... «);
* ``SINGLE_GUILLEMET``: ‹ ›;
* ``SINGLE``: ' ‘ ’ ‚ ‛ (the apostrophe is one of them: ``extract`` tells them apart).
"""

from __future__ import annotations

__all__ = [
    "ALL_PAIRED",
    "DOUBLE",
    "DOUBLE_MARKS",
    "DOUBLE_QUOTES",
    "EDGE_MARKS",
    "FAMILY",
    "GUILLEMET",
    "GUILLEMET_MARKS",
    "OPEN_ONLY",
    "SINGLE",
    "SINGLE_GUILLEMET",
    "SINGLE_GUILLEMET_MARKS",
    "SINGLE_MARKS",
    "SINGLE_QUOTES",
]

# Families of marks that pair with each other.
DOUBLE = "double"
GUILLEMET = "guillemet"
SINGLE_GUILLEMET = "single guillemet"
SINGLE = "single"

# The marks extraction pairs, by family.
DOUBLE_MARKS = '"“”„‟'
GUILLEMET_MARKS = "«»"
SINGLE_GUILLEMET_MARKS = "‹›"
SINGLE_MARKS = "'‘’‚‛"
ALL_PAIRED = DOUBLE_MARKS + GUILLEMET_MARKS + SINGLE_GUILLEMET_MARKS + SINGLE_MARKS

FAMILY: dict[str, str] = {
    **dict.fromkeys(DOUBLE_MARKS, DOUBLE),
    **dict.fromkeys(GUILLEMET_MARKS, GUILLEMET),
    **dict.fromkeys(SINGLE_GUILLEMET_MARKS, SINGLE_GUILLEMET),
    **dict.fromkeys(SINGLE_MARKS, SINGLE),
}

# Marks that only ever open a quotation in running text (the low-9 marks, reversed marks).
OPEN_ONLY = "„‟‚‛"

# Everything normalisation folds: to ``"`` (doubles, guillemets, double primes, full-width)
# and to ``'`` (singles, single guillemets, primes, backtick, acute accent, full-width).
DOUBLE_QUOTES = DOUBLE_MARKS + GUILLEMET_MARKS + "″‶〝〞〟＂"
SINGLE_QUOTES = SINGLE_MARKS + SINGLE_GUILLEMET_MARKS + "′‵`´＇"

# Marks that may surround a quote as a whole (stripped from a quote's edges when locating).
EDGE_MARKS = DOUBLE_MARKS + GUILLEMET_MARKS
