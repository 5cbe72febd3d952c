"""Who said a quotation: cues around it, and the people and organisations they point to.

`Attributor(text, paragraphs, spans, speakers)` reads the reporting prose once (`people`: the
names in it, known speakers first, then names guessed from the text; what each name is; the
roles and gender the text gives them). Then, quotation by quotation, `extract` asks it for
the cue ("he said", "said Roe", "Roe was blunt:", "according to ...": `cues`) and `resolve`
turns the cue's subject into a speaker (`resolution`: a name is its speaker; a pronoun, a
role noun or "the statement" the most recently mentioned compatible one; "a spokeswoman"
unnamed).

Every mention in the prose and every attributed quotation makes its speaker the most
recent, so pronouns follow the text, not the record.
"""

from __future__ import annotations

from .cues import Cue, CueReader, Subject
from .people import People
from .resolution import Resolver

__all__ = ["Attributor", "Cue", "Subject"]


class Attributor(CueReader, Resolver, People):
    """What attribution needs to know about one text: names, entities, roles, recency."""
