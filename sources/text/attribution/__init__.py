"""Who said a quotation: cues around it, and the people and organisations they point to.

`Attributor(text, paragraphs, spans, speakers)` reads the reporting prose once: the names in
it (known speakers first, with their aliases and misspellings; then names guessed from the
text itself, so that a speaker on record never hides one who is not), what each name is
(person, organisation, or a place, which never speaks), the roles the text ties to them
("Mayor Jane Roe", "Roe, the city's engineer,", a known speaker's role) and their gender
where the text tells it ("Ms Roe", "Roe said she ...").

Then, quotation by quotation, `extract` asks it for the cue ("he said", "said Roe",
"Roe was blunt:", "according to ...") and `resolve` turns the cue's subject into a speaker:

* a name is its speaker (the known one it matches, or the name as written);
* "he", "she", "it", "they" are the most recently mentioned compatible speaker, the subject
  of a sentence before anyone named in passing: a person of that gender (or of unknown
  gender) for he/she, an organisation for "it";
* "the mayor", "the transit director", "the department" are the most recently mentioned
  speaker the text (or the record) gave that role or whose name holds that word; a role
  nobody was given is the story's main person ("the actor"), or the most recent
  organisation ("the agency");
* "the statement said", "a council statement said": the organisation named last (or the
  council), else the last speaker;
* "a spokeswoman", "one witness": unnamed, reported as written.

Modules: `people` (the names in the prose and what the text tells of them), `cues` (speech
verbs, attribution patterns, finding a cue's subject), `resolution` (choosing the speaker).

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
