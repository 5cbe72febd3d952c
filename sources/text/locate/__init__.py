"""Finding a quotation in a source's archived text, and finding it again after a correction.

`locate_quote(quote, text)` answers where the words are and how well they match:

1. ``verbatim``: the quote is in the text as it stands (``str.find``);
2. ``normalized``: it is there once typography is set aside (see `normalize`), or its pieces
   are, in order, when the quote marks omissions with an ellipsis or replaces words with a
   bracketed insertion ("[the gun] was in working order");
   A quote printed in parts around an attribution (`"The plant is sound," the director said,
   "and it always has been."`) is found part by part, in order, with nothing between the
   parts but the quote marks and a short attribution clause (a speech verb, no other quoted
   words): ``verbatim`` when every part is, else ``normalized``. An ellipsis or a bracket
   never crosses an interruption as verified;
3. ``fuzzy``: the closest passage scores at least `FUZZY_THRESHOLD` (rapidfuzz, 0-100) but the
   words differ: a changed word is never verbatim nor normalised;
4. ``not_found``; and ``no_text`` when there is no text to look in.

A comma or full stop the quote keeps inside its closing mark may differ from the text's
("responsible." against "responsible,"): the quote is also tried without trailing ``,.;:``.
The answer carries a W3C TextQuoteSelector (exact, prefix, suffix) and a position (start,
end) into the original text, and one such selector per printed part in ``parts`` (one part,
equal to the whole anchor, for a quote printed in one piece). When the words occur more than
once, the occurrence nearest to ``hint`` (the old start offset) wins.

`same_wording(claim_text, quote)` tells whether a claim's own words are a citation's quote
once typography, spacing, surrounding marks and the parts of a split quote are set aside.

Modules: `location` (the states, `Part`, `Location`, and what every search shares), `find`
(`locate_quote`'s stages), `split` (quotes printed in parts), `reanchoring` (`reanchor`),
`wording` (`same_wording`).
"""

from .find import locate_quote
from .location import (
    FUZZY,
    FUZZY_THRESHOLD,
    NO_TEXT,
    NORMALIZED,
    NOT_FOUND,
    STATES,
    VERBATIM,
    Location,
    Part,
)
from .reanchoring import reanchor
from .wording import same_wording

__all__ = [
    "FUZZY",
    "FUZZY_THRESHOLD",
    "NORMALIZED",
    "NOT_FOUND",
    "NO_TEXT",
    "STATES",
    "VERBATIM",
    "Location",
    "Part",
    "locate_quote",
    "reanchor",
    "same_wording",
]
