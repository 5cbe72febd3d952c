"""Synthetic data in the exchange format, for benchmarks: ``generate_synthetic --claims N``.

Plain Python (no Django): every record is a pure function of ``(seed, claims, index)``, so the
output is the same bytes for the same arguments, and lines are produced one at a time in
constant memory (a source's text is built from the few claims that cite it, recomputed on
demand, never from a list of all claims). Each line is made by ``schema.line``: its fields in
the exchange format's declared order (claims/schema.py), and only fields the format declares.

Proportions for ``N`` claims (all fictional: places, people, outlets and bodies are made up):

* outlets: N/1,000 (at least 8, at most 500); topics: N/1,000 (at least 12, at most 360);
* speakers: N/50 (one in eight an organisation); sources: N/3, whose archived texts print
  the quotes that cite them; contradictions: N/5; 1 to 3 citations per claim (2 on average);
* skew: a few topics, speakers and outlets carry most of the claims (index = size × u^k);
* about 3 % of claims are drafts and 1 % in review; a contradiction is published only when
  both sides are, and about 3 % of the others are drafts;
* every citation's quote is printed verbatim in its source: the first citation prints the
  claim's words (a quoted statement is publishable), others the same words or a fragment.

Layout of the citations (what makes the inversion cheap): claim ``i`` is first printed by
source ``i // 3``; each further citation goes to a source 1 to ``SPREAD`` places after it, so
a source finds every claim that cites it by looking at the ``3 × SPREAD`` claims before it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from claims.schema import line

SPREAD = 8  # a further citation lands at most this many sources after the first one
CLAIMS_PER_SOURCE = 3
START_DATE = dt.date(2014, 1, 1)
DAYS = 11 * 365

# --- vocabulary (fictional) -----------------------------------------------------------------

FIRST_NAMES = [
    "Ada",
    "Alma",
    "Amos",
    "Anika",
    "Arlo",
    "Bea",
    "Bram",
    "Cato",
    "Cleo",
    "Dara",
    "Edda",
    "Elio",
    "Enzo",
    "Esme",
    "Ezra",
    "Faye",
    "Finn",
    "Gale",
    "Gus",
    "Hana",
    "Ines",
    "Ira",
    "Ivo",
    "Jana",
    "Joss",
    "Kai",
    "Kira",
    "Lars",
    "Lena",
    "Lior",
    "Mara",
    "Mika",
    "Nell",
    "Nico",
    "Noor",
    "Odo",
    "Olga",
    "Otis",
    "Pia",
    "Quin",
    "Rafe",
    "Rhea",
    "Rosa",
    "Ruth",
    "Sami",
    "Sena",
    "Tam",
    "Tess",
    "Teo",
    "Uma",
    "Vale",
    "Vera",
    "Wren",
    "Xavi",
    "Yara",
    "Yves",
    "Zane",
    "Zora",
    "Bryn",
]
LAST_NAMES = [
    "Abernix",
    "Achterberg",
    "Baldoni",
    "Barrowgate",
    "Castellane",
    "Corwith",
    "Dalloway",
    "Dunmore",
    "Eskeland",
    "Farrowby",
    "Fenwright",
    "Galloran",
    "Grevillier",
    "Halvorsen",
    "Hartigan",
    "Ingleby",
    "Jarrowfield",
    "Kestrin",
    "Kilbraith",
    "Lanfranc",
    "Lowenstam",
    "Marchetti",
    "Merriwether",
    "Northam",
    "Okonkwo",
    "Oldcastle",
    "Pellinore",
    "Quennell",
    "Ravensworth",
    "Rocheford",
    "Saltonstall",
    "Stravinsky",
    "Tamberlane",
    "Thackeray",
    "Umbridge",
    "Vantongeren",
    "Vasquez",
    "Wetherall",
    "Whitlock",
    "Yardley",
    "Zabrowski",
    "Aldercott",
    "Brightwater",
    "Calloway",
    "Delacourt",
    "Everhart",
    "Fairweather",
    "Goodfellow",
    "Hollingworth",
    "Ivanova",
    "Juniper",
    "Kettleby",
    "Larkspur",
    "Moorcroft",
    "Nightingale",
    "Oakenshield",
    "Penhaligon",
    "Quartermaine",
    "Redgrave",
    "Silverton",
    "Tremaine",
    "Underhill",
    "Vickery",
    "Winterbourne",
    "Yelland",
    "Zeller",
    "Ashdown",
    "Bellweather",
    "Cresswell",
    "Drummond",
    "Elsworth",
    "Fitzroy",
    "Gainsford",
    "Harrowgate",
    "Ironside",
    "Jessop",
    "Kingsley",
    "Lockhart",
    "Marlowe",
]
PLACES = [
    "Marlow",
    "Brackenford",
    "Eastwick",
    "Fernhollow",
    "Glenhaven",
    "Harrowby",
    "Ivydale",
    "Kettering",
    "Lindmoor",
    "Millbrook",
    "Northfield",
    "Oakridge",
    "Pinecrest",
    "Queensbury",
    "Riverton",
    "Saltmarsh",
    "Thornbury",
    "Upton",
    "Valemont",
    "Westerly",
    "Yarrow",
    "Ashby",
    "Birchwood",
    "Coldwater",
    "Dunholm",
    "Elmstead",
    "Foxley",
    "Greystone",
    "Hollowell",
    "Juniper",
]
PAPERS = [
    "Courier",
    "Gazette",
    "Herald",
    "Tribune",
    "Observer",
    "Ledger",
    "Chronicle",
    "Sentinel",
    "Post",
    "Record",
    "Echo",
    "Dispatch",
    "Beacon",
    "Examiner",
    "Star",
]
BROADCASTERS = ("Radio", "News 7", "Public Radio", "TV", "Community Radio", "Live")
BODIES = (
    "County Sheriff's Office",
    "Water Authority",
    "City Council",
    "Transit Agency",
    "Fire Department",
    "School Board",
    "Port Authority",
    "Health Trust",
    "Audit Office",
    "Planning Commission",
    "Police Department",
    "Housing Association",
)
ROLES = (
    "mayor",
    "city engineer",
    "council member",
    "school superintendent",
    "police chief",
    "fire chief",
    "developer",
    "union representative",
    "county commissioner",
    "hospital director",
    "state senator",
    "resident",
    "business owner",
    "contractor",
    "spokesperson",
    "finance director",
)
# (noun phrase in a sentence, topic name word)
SUBJECTS = (
    ("the bridge", "Bridge"),
    ("the water plant", "Water plant"),
    ("the school budget", "School budget"),
    ("the hospital merger", "Hospital merger"),
    ("the stadium deal", "Stadium deal"),
    ("the bus depot", "Bus depot"),
    ("the landfill", "Landfill"),
    ("the police contract", "Police contract"),
    ("the housing plan", "Housing plan"),
    ("the flood barrier", "Flood barrier"),
    ("the pension fund", "Pension fund"),
    ("the library", "Library"),
    ("the tram line", "Tram line"),
    ("the port expansion", "Port expansion"),
    ("the wind farm", "Wind farm"),
    ("the zoning change", "Zoning change"),
    ("the tax levy", "Tax levy"),
    ("the recycling contract", "Recycling contract"),
    ("the fire station", "Fire station"),
    ("the airport runway", "Airport runway"),
    ("the rail crossing", "Rail crossing"),
    ("the harbour dredging", "Harbour dredging"),
    ("the snow budget", "Snow budget"),
    ("the park renovation", "Park renovation"),
    ("the sewer upgrade", "Sewer upgrade"),
    ("the election count", "Election count"),
    ("the council audit", "Council audit"),
    ("the ambulance service", "Ambulance service"),
    ("the teachers' pay deal", "Teachers' pay"),
    ("the street lights", "Street lights"),
)
ASPECTS = (
    "safety",
    "costs",
    "contract",
    "inspections",
    "delays",
    "funding",
    "emails",
    "audit",
    "timeline",
    "complaints",
    "permits",
    "overtime",
)
VERBS = (
    "approved",
    "signed off on",
    "inspected",
    "reviewed",
    "budgeted for",
    "delayed",
    "cancelled",
    "promised",
    "funded",
    "audited",
    "paused",
    "voted for",
)
PROBLEMS = (
    "was over budget",
    "had failed two inspections",
    "was running a year late",
    "had no valid permit",
    "was never put out to tender",
    "had been cleared by the engineers",
    "was fully funded",
    "was safe to use",
    "had been paid for twice",
    "was missing from the minutes",
    "cost twice what we were told",
    "met every standard",
    "was signed before the vote",
    "had the support of residents",
)
JUDGEMENTS = (
    "completely safe",
    "on time and on budget",
    "the best deal the city could get",
    "a mistake from the start",
    "fully legal",
    "something nobody told us about",
    "in better shape than ever",
    "a waste of public money",
    "the right decision",
)
TIMES = (
    "last spring",
    "in March",
    "before the election",
    "after the vote",
    "two years ago",
    "on the first day",
    "at the June meeting",
    "without telling anyone",
    "over the summer",
    "last week",
)
CLAUSES = (
    "the council knew that",
    "everyone in the room heard it",
    "I stand by every word",
    "the records will show it",
    "nobody raised a concern",
    "that is simply not true",
    "we acted on the engineers' advice",
    "the money was accounted for",
    "I would do it again",
    "residents deserve the truth",
)
FILLER = (
    "{Subject} has been a point of contention in {place} since {year}.",
    "Residents packed the public gallery at the {month} meeting to hear the debate.",
    "The figures were released after a records request by this newspaper.",
    "Opponents say the process was rushed and the costs were never made public.",
    "A spokesperson for the {body} did not respond to a request for comment.",
    "The council is expected to vote on the matter again before the end of the year.",
    "Documents seen by reporters show the project changed hands three times.",
    "Local businesses say the uncertainty has already cost them customers.",
    "An independent review is due to report in the autumn.",
    "{Subject} was first proposed under the previous administration.",
    "Several residents said they had not been consulted at any stage.",
    "The original estimate was revised twice in eighteen months.",
    "Engineers from two firms were asked to look at the plans.",
    "The minutes of the meeting were published three weeks later.",
)
VENUES = (
    "council meeting",
    "press conference at City Hall",
    "interview with {outlet}",
    "post on social media",
    "public hearing",
    "statement to reporters",
    "radio phone-in on {outlet}",
    "town hall meeting",
    "written statement",
    "court hearing",
)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SOURCE_KINDS = (
    ("article", 60),
    ("broadcast", 10),
    ("press", 8),
    ("report", 7),
    ("social", 5),
    ("podcast", 4),
    ("court", 3),
    ("video", 3),
)
CLAIM_KINDS = (("quote", 70), ("paraphrase", 15), ("finding", 10), ("record", 5))
RELATIONS = (
    ("contradicts", 50),
    ("inconsistent", 25),
    ("undermines", 12),
    ("retracts", 6),
    ("context", 7),
)


# --- sizes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How many records of each type ``claims`` claims come with."""

    claims: int
    seed: int = 0

    def __post_init__(self):
        if self.claims < 1:
            raise ValueError("at least one claim is needed")

    @property
    def outlets(self) -> int:
        return _clamp(self.claims // 1000, 8, 500)

    @property
    def topics(self) -> int:
        return _clamp(self.claims // 1000, 12, len(SUBJECTS) * len(ASPECTS))

    @property
    def speakers(self) -> int:
        return max(8, self.claims // 50)

    @property
    def sources(self) -> int:
        return -(-self.claims // CLAIMS_PER_SOURCE)

    @property
    def contradictions(self) -> int:
        return self.claims // 5


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _rng(plan: Plan, stream: str, index: int) -> random.Random:
    """The random numbers of one record (or one aspect of it: ``stream``), from the seed alone."""
    return random.Random(f"{plan.seed}:{stream}:{index}")


def _skewed(rng: random.Random, size: int, power: float = 2.5) -> int:
    """An index in ``range(size)``, low ones far more likely (power 2.5: the first 10 % of
    the range gets about 40 % of the draws)."""
    return min(size - 1, int(size * rng.random() ** power))


def _weighted(rng: random.Random, table) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _date(days: int) -> dt.date:
    return START_DATE + dt.timedelta(days=days)


# --- the records, each a pure function of its index -----------------------------------------


def outlet(plan: Plan, index: int) -> dict:
    place = PLACES[index % len(PLACES)]
    rank = index // len(PLACES)
    names = [f"The {place} {paper}" for paper in PAPERS] + [f"{place} {b}" for b in BROADCASTERS]
    name = names[rank % len(names)]
    if rank >= len(names):
        name += f" {rank // len(names) + 1}"
    slug = _slug(name)
    return line("outlet", slug, name=name, homepage=f"https://www.{slug}.example")


def topic(plan: Plan, index: int) -> dict:
    subject = SUBJECTS[index % len(SUBJECTS)]
    aspect = ASPECTS[(index // len(SUBJECTS)) % len(ASPECTS)]
    name = f"{subject[1]} {aspect}"
    return line(
        "topic",
        _slug(name),
        name=name,
        description=f"What was said about {subject[0]} and its {aspect}.",
    )


def _topic_subject(index: int) -> str:
    return SUBJECTS[index % len(SUBJECTS)][0]


def is_organization(index: int) -> bool:
    return index % 8 == 3


@lru_cache(maxsize=4096)
def _speaker_name(index: int) -> tuple[str, str]:
    """(name, surname or short name), unique for every index."""
    if is_organization(index):
        place = PLACES[index % len(PLACES)]
        body = BODIES[(index // len(PLACES)) % len(BODIES)]
        round_ = index // (len(PLACES) * len(BODIES))
        name = f"{place} {body}" + (f" {round_ + 1}" if round_ else "")
        return name, f"the {body}"
    # every (first, last) pair once per round; neighbours differ in both names
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    step = index // len(FIRST_NAMES)
    last = LAST_NAMES[(step * (len(FIRST_NAMES) + 1) + index) % len(LAST_NAMES)]
    round_ = index // (len(FIRST_NAMES) * len(LAST_NAMES))
    if round_:
        initials = "ABCDEFGHJKLMNOPRSTVW"
        middle = initials[(round_ - 1) % len(initials)]
        extra = (round_ - 1) // len(initials)
        return f"{first} {middle}. {last}" + (f" {extra + 1}" if extra else ""), last
    return f"{first} {last}", last


def speaker(plan: Plan, index: int) -> dict:
    name, short = _speaker_name(index)
    rng = _rng(plan, "speaker", index)
    organization = is_organization(index)
    record = line(
        "speaker",
        _slug(name),
        name=name,
        kind="organization" if organization else "person",
        role="" if organization else rng.choice(ROLES),
        aliases=[short] if not organization else [],
        misspellings=[],
    )
    if not organization and rng.random() < 0.05:
        record["misspellings"] = [name[:-1] + name[-1] * 2]
    return record


@dataclass(frozen=True)
class SyntheticClaim:
    index: int
    speaker: int
    kind: str
    text: str
    printed: str  # the words the first source prints
    topics: tuple[int, ...]
    sources: tuple[int, ...]  # the first is where it was first printed
    quotes: tuple[str, ...]  # per source, as printed there
    said_on: dt.date
    precision: str
    status: str
    venue_outlet: int


def _links(plan: Plan, index: int) -> tuple[int, ...]:
    """The sources claim ``index`` cites: its own, then 0 to 2 more a few places later."""
    sources = plan.sources
    first = index // CLAIMS_PER_SOURCE
    rng = _rng(plan, "links", index)
    extra = _weighted(rng, (("0", 3), ("1", 4), ("2", 3)))
    found = [first]
    for offset in rng.sample(range(1, SPREAD + 1), int(extra)):
        target = (first + offset) % sources
        if target not in found:
            found.append(target)
    return tuple(found)


def _source_days(plan: Plan, index: int) -> int:
    return _rng(plan, "source-date", index).randrange(DAYS)


def _sentence(rng: random.Random, kind: str, subject: str) -> str:
    subject_cap = subject[0].upper() + subject[1:]
    if kind == "finding":
        return rng.choice(
            (
                f"The review found that {subject} {rng.choice(PROBLEMS)}.",
                f"Records show that {subject} {rng.choice(PROBLEMS)} {rng.choice(TIMES)}.",
                f"Inspectors concluded that {subject} was not {rng.choice(JUDGEMENTS)}.",
                f"Our audit of {subject} found {rng.randint(3, 40)} payments without invoices.",
            )
        )
    if kind == "record":
        return rng.choice(
            (
                f"The council voted {rng.randint(5, 9)} to {rng.randint(0, 4)} on {subject} "
                f"{rng.choice(TIMES)}.",
                f"{subject_cap} was closed for {rng.randint(2, 90)} days {rng.choice(TIMES)}.",
                f"The contract for {subject} was signed {rng.choice(TIMES)}.",
            )
        )
    return rng.choice(
        (
            f"We {rng.choice(VERBS)} {subject} {rng.choice(TIMES)}, and {rng.choice(CLAUSES)}.",
            f"I never said {subject} {rng.choice(PROBLEMS)}.",
            f"{subject_cap} {rng.choice(PROBLEMS)}, and {rng.choice(CLAUSES)}.",
            f"Nobody told me that {subject} {rng.choice(PROBLEMS)}.",
            f"{subject_cap} is {rng.choice(JUDGEMENTS)}.",
            f"I was never told {subject} {rng.choice(PROBLEMS)}; {rng.choice(CLAUSES)}.",
            f"Let me be clear: {subject} {rng.choice(PROBLEMS)}.",
            f"We {rng.choice(VERBS)} {subject} because it was {rng.choice(JUDGEMENTS)}.",
        )
    )


def _fragment(rng: random.Random, words: str) -> str:
    """A contiguous run of at least four words of ``words`` (the whole when shorter)."""
    tokens = words.split(" ")
    if len(tokens) <= 6:
        return words
    length = rng.randint(4, len(tokens) - 1)
    start = rng.randint(0, len(tokens) - length)
    return " ".join(tokens[start : start + length])


@lru_cache(maxsize=1024)
def claim_data(plan: Plan, index: int) -> SyntheticClaim:
    rng = _rng(plan, "claim", index)
    kind = _weighted(rng, CLAIM_KINDS)
    speaker_index = _skewed(rng, plan.speakers)
    if kind in ("finding", "record"):  # said or found by an organisation
        speaker_index = speaker_index - speaker_index % 8 + 3
        if speaker_index >= plan.speakers:
            speaker_index = 3 if plan.speakers > 3 else 0
    first_topic = _skewed(rng, plan.topics)
    topics = [first_topic]
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        other = _skewed(rng, plan.topics, power=1.5)
        if other not in topics:
            topics.append(other)
    subject = _topic_subject(first_topic)
    sentences = [_sentence(rng, kind, subject)]
    for _ in range(rng.choice((0, 0, 1, 1, 2)) if kind in ("quote", "paraphrase") else 0):
        other = rng.choice([_topic_subject(t) for t in topics])
        sentences.append(_sentence(rng, kind, other))
    printed = " ".join(sentences)
    text = "Said that " + printed[0].lower() + printed[1:] if kind == "paraphrase" else printed
    sources = _links(plan, index)
    quotes = [printed]
    for _ in sources[1:]:
        quotes.append(printed if rng.random() < 0.6 else _fragment(rng, printed))
    days = max(0, _source_days(plan, sources[0]) - rng.randint(0, 3))
    precision = _weighted(rng, (("day", 90), ("month", 7), ("year", 3)))
    roll = rng.random()
    status = "draft" if roll < 0.03 else "review" if roll < 0.04 else "published"
    return SyntheticClaim(
        index=index,
        speaker=speaker_index,
        kind=kind,
        text=text,
        printed=printed,
        topics=tuple(topics),
        sources=sources,
        quotes=tuple(quotes),
        said_on=_date(days),
        precision=precision,
        status=status,
        venue_outlet=_skewed(rng, plan.outlets),
    )


def claim_slug(plan: Plan, index: int) -> str:
    data = claim_data(plan, index)
    surname = _speaker_name(data.speaker)[1].removeprefix("the ")
    words = [w for w in re.findall(r"[a-z]+", data.printed.lower()) if len(w) > 3][:3]
    return _slug(" ".join([surname, *words, str(index)]))


def claim(plan: Plan, index: int) -> dict:
    data = claim_data(plan, index)
    rng = _rng(plan, "claim-extra", index)
    name = _speaker_name(data.speaker)[0]
    venue = rng.choice(VENUES).format(outlet=outlet(plan, data.venue_outlet)["name"])
    topic_names = [topic(plan, t)["name"] for t in data.topics]
    return line(
        "claim",
        claim_slug(plan, index),
        speaker=speaker(plan, data.speaker)["id"],
        kind=data.kind,
        text=data.text,
        summary=f"{name} on {topic_names[0].lower()}" if rng.random() < 0.5 else "",
        said_on=data.said_on.isoformat(),
        said_on_precision=data.precision,
        venue=venue[0].upper() + venue[1:],
        context=(
            f"Asked whether {_topic_subject(data.topics[0])} {rng.choice(PROBLEMS)}."
            if rng.random() < 0.3
            else ""
        ),
        topics=[topic(plan, t)["id"] for t in data.topics],
        status=data.status,
        citations=[
            {"source": source_slug(plan, s), "quote": q, "note": ""}
            for s, q in zip(data.sources, data.quotes, strict=True)
        ],
    )


def source_slug(plan: Plan, index: int) -> str:
    days = _source_days(plan, index)
    return f"{_outlet_of_source(plan, index)['id']}-{_date(days).isoformat()}-{index}"


def _outlet_of_source(plan: Plan, index: int) -> dict:
    return outlet(plan, _outlet_index(plan, index))


def _outlet_index(plan: Plan, index: int) -> int:
    rng = _rng(plan, "source-outlet", index)
    return _skewed(rng, plan.outlets, power=2.0)


def citing(plan: Plan, index: int) -> list[tuple[int, int]]:
    """(claim, citation position) for every citation of source ``index``."""
    found = []
    groups = dict.fromkeys((index - d) % plan.sources for d in range(SPREAD + 1))
    for group in groups:
        start = group * CLAIMS_PER_SOURCE
        for claim_index in range(start, min(start + CLAIMS_PER_SOURCE, plan.claims)):
            for position, target in enumerate(_links(plan, claim_index)):
                if target == index:
                    found.append((claim_index, position))
    return found


def _quote_paragraph(rng: random.Random, quote: str, speaker_index: int) -> str:
    name, short = _speaker_name(speaker_index)
    if is_organization(speaker_index):
        return rng.choice(
            (
                f"In a report published this month, the {name} wrote: {quote}",
                f"According to the {name}: {quote}",
                f"{quote} That was the conclusion of {short}.",
            )
        )
    return rng.choice(
        (
            f"“{quote}” {name} said.",
            f"{name} said: “{quote}”",
            f"Speaking to reporters, {name} added: “{quote}”",
            f"“{quote}” {short} told the meeting.",
            f"Asked about it, {short} said: “{quote}”",
        )
    )


def source(plan: Plan, index: int) -> dict:
    rng = _rng(plan, "source", index)
    days = _source_days(plan, index)
    published = _date(days)
    the_outlet = _outlet_of_source(plan, index)
    quotes = []
    subject = None
    for claim_index, position in citing(plan, index):
        data = claim_data(plan, claim_index)
        subject = subject or _topic_subject(data.topics[0])
        quotes.append(_quote_paragraph(rng, data.quotes[position], data.speaker))
    subject = subject or _topic_subject(_skewed(rng, plan.topics))
    place = rng.choice(PLACES)
    values = {
        "subject": subject,
        "Subject": subject[0].upper() + subject[1:],
        "place": place,
        "year": published.year - rng.randint(1, 6),
        "month": rng.choice(MONTHS),
        "body": rng.choice(BODIES),
    }
    paragraphs = []
    for paragraph in quotes:
        for _ in range(rng.randint(1, 3)):
            sentences = rng.sample(FILLER, rng.randint(1, 3))
            paragraphs.append(" ".join(s.format(**values) for s in sentences))
        paragraphs.append(paragraph)
    paragraphs.append(" ".join(s.format(**values) for s in rng.sample(FILLER, 2)))
    kind = _weighted(rng, SOURCE_KINDS)
    title_subject = values["Subject"].removeprefix("The ")
    title = rng.choice(
        (
            f"{place}: new questions over {subject}",
            f"{title_subject[0].upper() + title_subject[1:]} row deepens in {place}",
            f"What was said about {subject} in {place}",
            f"Officials clash over {subject}",
        )
    )
    slug = source_slug(plan, index)
    return line(
        "source",
        slug,
        outlet=the_outlet["id"],
        title=title,
        kind=kind,
        url=f"{the_outlet['homepage']}/{published.year}/{published.month:02d}/{slug}",
        archive_url="",
        published_on=published.isoformat(),
        author=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if kind == "article" else "",
        text="\n\n".join(paragraphs),
        captured_at=f"{(published + dt.timedelta(days=rng.randint(0, 30))).isoformat()}T12:00:00Z",
    )


def contradiction(plan: Plan, index: int) -> dict:
    rng = _rng(plan, "contradiction", index)
    first = index * 5 + rng.randrange(5)
    counter = (first + 1 + rng.randrange(plan.claims - 1)) % plan.claims
    a, b = claim_data(plan, first), claim_data(plan, counter)
    relation = _weighted(rng, RELATIONS)
    name_a, name_b = _speaker_name(a.speaker)[0], _speaker_name(b.speaker)[0]
    subject = _topic_subject(a.topics[0])
    explanation = " ".join(
        [
            f"{name_a} said this on {a.said_on.day} {a.said_on:%B %Y}.",
            f"{name_b}'s words of {b.said_on.day} {b.said_on:%B %Y} do not square with it:",
            f"both are about {subject}, and they cannot both be right.",
            rng.choice(FILLER).format(
                subject=subject,
                Subject=subject[0].upper() + subject[1:],
                place=rng.choice(PLACES),
                year=a.said_on.year - 1,
                month=rng.choice(MONTHS),
                body=rng.choice(BODIES),
            ),
            "The documents behind both statements are linked below.",
        ]
    )
    both = a.status == "published" and b.status == "published"
    status = "published" if both and rng.random() >= 0.03 else "draft"
    return line(
        "contradiction",
        f"{claim_slug(plan, first)}-vs-{counter}",
        claim=claim_slug(plan, first),
        counter=claim_slug(plan, counter),
        relation=relation,
        title=f"{name_a} and {name_b} on {subject}",
        explanation=explanation,
        status=status,
    )


# --- the stream -----------------------------------------------------------------------------


ORDERS = ("grouped", "cases")


def records(claims: int, seed: int = 0, order: str = "grouped") -> Iterator[dict]:
    """Every record, in an order the import accepts (each reference on an earlier line).

    ``grouped`` (the export's order): every record of a type, then the next type's.
    ``cases``: as a desk writes case by case: each source followed by the claims whose last
    source it is, each pair after its second claim, and an outlet, speaker or topic just before
    the first line that names it. The same records either way, so the same database."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    plan = Plan(claims=claims, seed=seed)
    claim_data.cache_clear()
    if order == "cases":
        yield from _case_by_case(plan)
        return
    for index in range(plan.outlets):
        yield outlet(plan, index)
    for index in range(plan.sources):
        yield source(plan, index)
    for index in range(plan.speakers):
        yield speaker(plan, index)
    for index in range(plan.topics):
        yield topic(plan, index)
    for index in range(plan.claims):
        yield claim(plan, index)
    for index in range(plan.contradictions):
        yield contradiction(plan, index)


def _last_source(plan: Plan, index: int) -> int:
    """The source after which claim ``index`` can be written: the last of those it cites."""
    return max(_links(plan, index))


def _pair_sides(plan: Plan, index: int) -> tuple[int, int]:
    """The two claims of contradiction ``index`` (as ``contradiction`` draws them)."""
    rng = _rng(plan, "contradiction", index)
    first = index * 5 + rng.randrange(5)
    return first, (first + 1 + rng.randrange(plan.claims - 1)) % plan.claims


def _case_by_case(plan: Plan) -> Iterator[dict]:
    """The ``cases`` order. What is held between lines: the outlets, speakers and topics
    written (small sets), the claims due after the next few sources, and the pairs waiting for
    their second claim (two integers each: at most N/5)."""
    written: dict[str, set[int]] = {"outlet": set(), "speaker": set(), "topic": set()}

    def first_use(kind: str, index: int, make) -> Iterator[dict]:
        if index not in written[kind]:
            written[kind].add(index)
            yield make(plan, index)

    claims_due: list[tuple[int, int]] = []  # (last source, claim)
    pairs_due: list[tuple[int, int]] = []  # (later side's source, pair)
    next_claim = next_pair = 0
    for source_index in range(plan.sources):
        # claims citing this source first, and the pairs whose first side is among them
        # (a claim cites sources at most SPREAD after its first, so each is due soon)
        while next_claim < plan.claims and next_claim // CLAIMS_PER_SOURCE <= source_index:
            heapq.heappush(claims_due, (_last_source(plan, next_claim), next_claim))
            next_claim += 1
        while (
            next_pair < plan.contradictions and next_pair * 5 // CLAIMS_PER_SOURCE <= source_index
        ):
            sides = _pair_sides(plan, next_pair)
            due = max(_last_source(plan, side) for side in sides)
            heapq.heappush(pairs_due, (due, next_pair))
            next_pair += 1
        the_source = source(plan, source_index)
        yield from first_use("outlet", _outlet_index(plan, source_index), outlet)
        yield the_source
        while claims_due and claims_due[0][0] <= source_index:
            index = heapq.heappop(claims_due)[1]
            data = claim_data(plan, index)
            yield from first_use("speaker", data.speaker, speaker)
            for topic_index in data.topics:
                yield from first_use("topic", topic_index, topic)
            yield claim(plan, index)
        while pairs_due and pairs_due[0][0] <= source_index:
            yield contradiction(plan, heapq.heappop(pairs_due)[1])
    # the records no claim named (a file carries every record either way)
    for kind, count, make in (
        ("outlet", plan.outlets, outlet),
        ("speaker", plan.speakers, speaker),
        ("topic", plan.topics, topic),
    ):
        for index in range(count):
            yield from first_use(kind, index, make)


def lines(claims: int, seed: int = 0, order: str = "grouped") -> Iterator[str]:
    """The records as JSON Lines (with their newlines); ``grouped`` as ``export_jsonl`` writes
    them, ``cases`` case by case (``records``)."""
    for record in records(claims, seed, order):
        yield json.dumps(record, ensure_ascii=False) + "\n"
