"""Database-free text algorithms: normalisation, quote location, extraction, variants.

Plain Python (no Django; tests/sources/text/test_boundaries.py pins it). Modules: `quotemarks` (the
one table of quote characters), `normalize` (typographic normalisation with a map back to the
original offsets: `sources.text.normalize.normalize(text) -> Normalized`), `locate`, `marks`
(pairing quote marks into quotations), `attribution` (who said each one), `extract` (both,
as candidates), `speakers` (known and guessed names), `variants`, `lexicon`. Re-exported here:

* `locate_quote(quote, text, *, context=32, hint=None) -> Location` (``Location.parts``: one
  `Part` selector per printed part of a quote split around an attribution) and
  `reanchor(exact=..., prefix=..., suffix=..., start=..., new_text=..., parts=...) -> Location`;
* `same_wording(claim_text, quote) -> bool`: a claim's words against a citation's quote;
* `extract_quotes(text, *, speakers=()) -> list[Candidate]`;
* `match_speaker(name, speakers) -> SpeakerMatch | None`,
  `find_name_mentions(text, speakers) -> list[NameMention]`;
* `word_diff(text_a, text_b) -> list[DiffOp]`.
"""

from .extract import Candidate, extract_quotes
from .locate import Location, Part, locate_quote, reanchor, same_wording
from .speakers import KnownSpeaker, NameMention, SpeakerMatch, find_name_mentions, match_speaker
from .variants import DiffOp, word_diff

__all__ = [
    "Candidate",
    "DiffOp",
    "KnownSpeaker",
    "Location",
    "NameMention",
    "Part",
    "SpeakerMatch",
    "extract_quotes",
    "find_name_mentions",
    "locate_quote",
    "match_speaker",
    "reanchor",
    "same_wording",
    "word_diff",
]
