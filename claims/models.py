from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Upper
from django.urls import reverse
from simple_history.models import HistoricalRecords

from claims import search as full_text
from rust_tracker.versioning import Versioned
from sources.models import Source
from sources.text import same_wording


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class SpeakerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organisation"


class ClaimKind(models.TextChoices):
    QUOTE = "quote", "Quoted statement"
    PARAPHRASE = "paraphrase", "Reported speech"
    FINDING = "finding", "Official finding"
    RECORD = "record", "Record of an event"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Relation(models.TextChoices):
    CONTRADICTS = "contradicts", "contradicted by"
    INCONSISTENT = "inconsistent", "inconsistent with"
    RETRACTS = "retracts", "later retracted by"
    UNDERMINES = "undermines", "undermined by"
    CONTEXT = "context", "put in context by"


class VerificationState(models.TextChoices):
    UNCHECKED = "unchecked", "Not yet checked"
    VERBATIM = "verbatim", "Verbatim"
    NORMALIZED = "normalized", "Matches after normalising typography"
    FUZZY = "fuzzy", "Close match"
    NOT_FOUND = "not_found", "Not found in the source"
    NO_TEXT = "no_text", "Source has no archived text"


# The states in which a citation's quote counts as verified: the one set the publishing rules,
# the admin's counts and filters and the public badges read (``Citation.is_verified``).
VERIFIED_STATES = frozenset({VerificationState.VERBATIM, VerificationState.NORMALIZED})


@dataclass(frozen=True)
class StateWords:
    """What is said of a verification state besides its label (the choice's, for the admin,
    the command and the badge's title): ``badge``, the public badge's words; ``problem``, what
    the publishing rules say of a quote in this state (with ``{score}`` where the score goes);
    ``scored``, whether the badge shows the score."""

    badge: str
    problem: str = ""
    scored: bool = False


# The one table of words for the verification states (models, admin, publishing, templates).
VERIFICATION_WORDS = {
    VerificationState.UNCHECKED: StateWords("Unchecked", "has not been checked against its source"),
    VerificationState.VERBATIM: StateWords("✓ Verbatim"),
    VerificationState.NORMALIZED: StateWords("✓ Matches"),
    VerificationState.FUZZY: StateWords(
        "≈ Close match", "only closely matches its source{score}: words differ", scored=True
    ),
    VerificationState.NOT_FOUND: StateWords("✗ Not found", "was not found in its source"),
    VerificationState.NO_TEXT: StateWords(
        "No archived text", "cites a source with no archived text"
    ),
}


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"
    CLARIFICATION = "clarification", "Clarification"
    RETRACTION = "retraction", "Retraction"


# Relevance ranks every match up to this many, else the newest this many (claims/search.py).
RELEVANCE_CANDIDATES = full_text.RELEVANCE_CANDIDATES

# Orderings the partial indexes below follow (nulls last, the slug to break ties).
NEWEST_FIRST = (F("said_on").desc(nulls_last=True), "slug")
OLDEST_FIRST = (F("said_on").asc(nulls_last=True), "slug")
LATEST_PUBLISHED = (F("published_at").desc(nulls_last=True), F("created_at").desc(), "slug")


def trigram_index(field: str, name: str) -> GinIndex:
    """For ``icontains`` (``UPPER(field) LIKE UPPER('%…%')``) on a large table."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


class _AnyOf(models.Func):
    """``field = ANY(array)``, true or false."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = models.BooleanField()


def in_ids(field: str, ids):
    """``field = ANY(ARRAY(ids))``: like ``field__in=ids`` (a queryset of one id column), but
    the planner fetches the few ids first and looks each up in ``field``'s index, instead of
    joining a whole table to a subquery it expects to be large."""
    return _AnyOf(F(field), ArraySubquery(ids))


def published_index(*expressions, name: str) -> models.Index:
    return models.Index(*expressions, name=name, condition=Q(status="published"))


def slug_constraint(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["slug"], name=f"{model}_slug_unique")


class SpeakerQuerySet(models.QuerySet):
    def published(self):
        """Speakers are public when one of their claims is published."""
        return self.filter(Exists(Claim.objects.published().filter(speaker=OuterRef("pk"))))

    def named(self, text: str):
        """Speakers whose name, alias or misspelling contains ``text`` (trigram index)."""
        return self.filter(search_names__icontains=text)


class Speaker(Versioned):
    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SpeakerKind, default=SpeakerKind.PERSON)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. “actor and producer”.")
    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other names the speaker goes by, comma-separated (“Baldwin”, “Alec”).",
    )
    misspellings = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Misspellings seen in sources, so quote extraction can flag them.",
    )
    # name, aliases and misspellings in one column for the trigram index (see migration 0001).
    search_names = models.GeneratedField(
        expression=models.Func(
            F("name"),
            F("aliases"),
            F("misspellings"),
            function="claims_speaker_names",
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_names"])

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [slug_constraint("speaker")]
        indexes = [
            GinIndex(
                fields=["search_names"], opclasses=["gin_trgm_ops"], name="speaker_names_trgm"
            ),
            trigram_index("search_names", "speaker_names_upper_trgm"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:speaker_detail", kwargs={"slug": self.slug})

    @property
    def monogram(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalpha()]
        if not words:
            return "?"
        if self.kind == SpeakerKind.ORGANIZATION and len(words) == 1:
            return words[0][:3].upper()
        return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


class TopicQuerySet(models.QuerySet):
    def published(self):
        return self.filter(Exists(Claim.objects.published().filter(topics=OuterRef("pk"))))

    def named(self, text: str):
        """Topics whose name or id contains ``text`` (any case)."""
        return self.filter(Q(name__icontains=text) | Q(slug__icontains=text))


class Topic(Versioned):
    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [slug_constraint("topic")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:topic_detail", kwargs={"slug": self.slug})


class CaseQuerySet(models.QuerySet):
    def published(self):
        """A case is public when it is published: its page lists only its published items."""
        return self.filter(status=Status.PUBLISHED)


class Case(Versioned):
    """A story the desk follows: its claims and contradictions, its own page, timeline and feed."""

    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    title = models.CharField(max_length=200, help_text="e.g. “The bridge collapse”.")
    summary = models.TextField(
        blank=True, help_text="A paragraph for readers: what happened and what the case follows."
    )
    status = models.CharField(
        max_length=12,
        choices=Status,
        default=Status.DRAFT,
        help_text="A case is public only when published; its page shows only published items. "
        "Only an editor changes it.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The desk's sources for the story: the articles, reports and transcripts its claims are
    # cut from. The newsroom's working list, never shown to the public (a source is public only
    # when a published claim cites it: ``published_sources``); set from the case's side (a
    # source's page sets it through ``claims.cases``), so the history row is the case's.
    sources = models.ManyToManyField(
        Source,
        related_name="cases",
        blank=True,
        help_text="The documents the desk works from for this story. Not shown to readers.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[sources])

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "slug"]
        constraints = [slug_constraint("case")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("claims:case_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        """``Case.objects.published()`` on this row."""
        return self.status == Status.PUBLISHED


class Publishable(Versioned):
    """What the publishing workflow keeps on a claim or a contradiction (claims/publishing.py
    is the only writer of these fields and of ``status``)."""

    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The editor who last published it.",
    )
    override_reason = models.TextField(
        blank=True,
        editable=False,
        help_text="The editor's recorded reason for publishing although a quote is not "
        "verified against its archived source.",
    )
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_reason = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_retracted(self) -> bool:
        return self.status == Status.RETRACTED


# Published or retracted: a claim's permanent URL answers (a retraction with a notice).
ON_RECORD = (Status.PUBLISHED, Status.RETRACTED)


def published_claim(path: str = "") -> Q:
    """The one rule for a claim's visibility, usable across a relation: ``path="claim__"``.
    On a row: ``Claim.is_published``."""
    return Q(**{f"{path}status": Status.PUBLISHED})


def on_record_claim(path: str = "") -> Q:
    """Published or retracted: the claims whose permanent URL answers (a retraction with a
    notice). Lists, search, exports and live feeds use ``published_claim`` only. On a row:
    ``Claim.is_on_record``."""
    return Q(**{f"{path}status__in": ON_RECORD})


def _speaker_named(text: str) -> Q | None:
    """Claims whose speaker is named ``text`` (name, alias or misspelling; the speakers' trigram
    index, then the claims' speaker index: ``in_ids``). None for fewer than three letters."""
    name = text.strip().strip('"').strip()
    if len(name) < 3:
        return None
    return Q(in_ids("speaker", Speaker.objects.named(name).values("pk")))


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_claim())

    def on_record(self):
        return self.filter(on_record_claim())

    def needing_attention(self):
        """Published claims that no longer meet the quote rules (a source's text replaced, a
        citation edited), unless an editor published them over the rules: what
        ``publishing.needs_attention`` says row by row (tests/claims/test_rules_agree.py). Only a
        quoted statement has quote rules: it needs a verified citation printing its own words.

        The words are compared by ``same_wording`` (Python) for the few claims whose verified
        quotes all differ from their text character by character: one query, when called."""
        quotes = self.filter(published_claim(), kind=ClaimKind.QUOTE, override_reason="")
        verified = Citation.objects.filter(
            claim=OuterRef("pk"), verification_state__in=VERIFIED_STATES
        )
        verbatim = Q(Exists(verified.filter(quote=OuterRef("text"))), text__regex=r"[[:alnum:]]")
        unsure = (
            quotes.filter(Exists(verified))
            .exclude(verbatim)
            .annotate(printed=ArraySubquery(verified.values("quote")))
            .order_by()
            .values_list("pk", "text", "printed")
        )
        reworded = [
            pk
            for pk, text, printed in unsure
            if not any(same_wording(text, quote) for quote in printed)
        ]
        return quotes.filter(~Exists(verified) | Q(pk__in=reworded))

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def oldest_first(self):
        return self.order_by(*OLDEST_FIRST)

    def search(self, text: str):
        """Claims whose words match ``text`` (web search syntax), or whose speaker's name, alias
        or misspelling contains it, in no particular order."""
        return full_text.matching(self, text, also=_speaker_named(text))

    def by_relevance(self, text: str, *, candidates: int | None = None):
        """Matches of ``text``, best first. Every match is ranked when there are at most
        ``candidates`` (default ``full_text.RELEVANCE_CANDIDATES``); past that only the newest
        ``candidates`` (picked in index order in a subquery), so the cost stays flat however
        many match; ``full_text.coverage`` reads from the rows which it was."""
        return full_text.by_relevance(
            self, text, order=NEWEST_FIRST, bound=candidates, also=_speaker_named(text)
        )

    def by_speaker(self, speaker):
        return self.filter(speaker=speaker)

    def on_topic(self, topic):
        """Claims filed under ``topic``: ``topic_pks @> {id}``, in the row (checked as a date
        index is walked) and in a GIN index (ANDed with the search vector's)."""
        return self.filter(topic_pks__contains=[topic.pk])

    def on_any_topic(self, pks):
        """Claims filed under any of the topics ``pks`` (``topic_pks && pks``)."""
        return self.filter(topic_pks__overlap=list(pks))


class Claim(Publishable):
    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=20, choices=ClaimKind, default=ClaimKind.QUOTE)
    text = models.TextField(
        help_text="The statement. For a quoted statement, the words verbatim as one source "
        "printed them; for reported speech, findings and records, the words as reported."
    )
    summary = models.CharField(
        max_length=300, blank=True, help_text="One line in our own words, for lists and cards."
    )
    said_on = models.DateField(null=True, blank=True, help_text="When it was said or found.")
    said_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="Show the date to the day, the month or the year only.",
    )
    venue = models.CharField(
        max_length=300, blank=True, help_text="Occasion: “ABC News interview with …”."
    )
    context = models.TextField(blank=True, help_text="The question or situation it answered.")
    topics = models.ManyToManyField(Topic, related_name="claims", blank=True)
    # The ids of ``topics``, in order, kept by the database (statement triggers on the list's
    # table, migrations 0010 and 0014, so every writer keeps them: forms, the import's COPY,
    # SQL; the import also writes them for the claims it creates, the exception claims/schema.py
    # states): a topic filter joins nothing (a GIN index beside the search vector's) and a row
    # tells its topics without a query. Derived: not edited, not exported, not in the history.
    topic_pks = ArrayField(models.BigIntegerField(), default=list, editable=False)
    cases = models.ManyToManyField(
        Case, related_name="claims", blank=True, help_text="The stories this statement belongs to."
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The vector of claims/search.py, built in the column's language (migration 0001; the
    # check claims.W001 warns when DJANGO_SEARCH_CONFIG says another).
    search_vector = models.GeneratedField(
        expression=full_text.claim_vector("english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(
        excluded_fields=["search_vector", "topic_pks"], m2m_fields=[topics, cases]
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = [*NEWEST_FIRST]  # as the indexes below: undated claims last
        constraints = [slug_constraint("claim")]
        permissions = [
            ("publish", "Can publish, unpublish and retract claims and contradictions"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="claim_search_gin"),
            GinIndex(fields=["topic_pks"], name="claim_topics_gin"),
            # records and findings, oldest first: the events beside a pair (comparison.py)
            models.Index(
                F("said_on").asc(nulls_last=True),
                "slug",
                name="claim_published_events",
                condition=Q(status="published", kind__in=["record", "finding"]),
            ),
            models.Index(
                F("said_on").desc(nulls_last=True),
                "slug",
                name="claim_published_said_on",
                condition=Q(status="published"),
            ),
            published_index(
                F("said_on").asc(nulls_last=True), "slug", name="claim_published_oldest"
            ),
            published_index(
                "speaker",
                F("said_on").asc(nulls_last=True),
                "slug",
                name="claim_published_speaker_oldest",
            ),
            published_index(
                "speaker",
                F("said_on").desc(nulls_last=True),
                "slug",
                name="claim_published_speaker_newest",
            ),
        ]

    def __str__(self):
        # cut at a word, never mid-word ("n —"): an untitled pair is named after its sides
        if self.summary or len(self.text) <= 80:
            return self.summary or self.text
        return self.text[:80].rsplit(" ", 1)[0].rstrip(",;:") + "…"

    def get_absolute_url(self):
        return reverse("claims:claim_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        """``published_claim()`` on this row."""
        return self.status == Status.PUBLISHED

    @property
    def is_on_record(self) -> bool:
        """``on_record_claim()`` on this row: its permanent URL answers."""
        return self.status in ON_RECORD

    @property
    def is_verbatim(self) -> bool:
        return self.kind == ClaimKind.QUOTE


class Citation(Versioned):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(
        help_text="The words exactly as this source printed them (its quote variant)."
    )
    note = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # W3C TextQuoteSelector + TextPositionSelector into source.text, kept by verification.
    anchor_exact = models.TextField(blank=True, editable=False)
    anchor_prefix = models.CharField(max_length=200, blank=True, editable=False)
    anchor_suffix = models.CharField(max_length=200, blank=True, editable=False)
    anchor_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    anchor_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # One selector per printed part (start, end, exact, prefix, suffix): two or more when the
    # quote is printed in parts around an attribution ("...," she said, "..."), else the anchor.
    anchor_parts = models.JSONField(default=list, blank=True, editable=False)
    verification_state = models.CharField(
        max_length=12,
        choices=VerificationState,
        default=VerificationState.UNCHECKED,
        editable=False,
    )
    verification_score = models.FloatField(null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    drifted = models.BooleanField(
        default=False,
        editable=False,
        help_text="Its words were found before the source's text was replaced, not after.",
    )
    # The capture of the source the verification above was made in: the current one, or an
    # earlier one when a later capture no longer prints the words (``drifted``: "changed since").
    capture = models.ForeignKey(
        "sources.Capture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="citations",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="citation_claim_source_unique",
                violation_error_message="This claim already cites this source: one citation "
                "per source.",
            ),
            models.CheckConstraint(
                condition=Q(anchor_start__isnull=True) | Q(anchor_end__gte=F("anchor_start")),
                name="citation_anchor_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.claim} — {self.source}"

    @property
    def is_verified(self) -> bool:
        return self.verification_state in VERIFIED_STATES

    @property
    def state_words(self) -> StateWords:
        return VERIFICATION_WORDS.get(
            self.verification_state, VERIFICATION_WORDS[VerificationState.UNCHECKED]
        )


def published_contradiction(path: str = "") -> Q:
    """The one rule for a pair's visibility: it and both of its sides are published."""
    return Q(
        published_claim(f"{path}claim__"),
        published_claim(f"{path}counter__"),
        **{f"{path}status": Status.PUBLISHED},
    )


def published_sources():
    """Sources are public when a published claim cites them (the rule lives here: ``sources``
    knows nothing of claims)."""
    return Source.objects.filter(
        Exists(Citation.objects.filter(published_claim("claim__"), source=OuterRef("pk")))
    )


class ContradictionQuerySet(models.QuerySet):
    def published(self):
        """Public only when the pair and both of its sides are published."""
        return self.filter(published_contradiction())

    def latest_first(self):
        return self.order_by(*LATEST_PUBLISHED)

    def involving(self, claims):
        """Pairs with a claim of ``claims`` (a queryset) on either side: two indexed lookups
        joined by a UNION, not an OR across a join."""
        claims = claims.order_by()  # a set of ids: no sort
        as_claim = Contradiction.objects.filter(in_ids("claim", claims)).values("pk").order_by()
        as_counter = Contradiction.objects.filter(in_ids("counter", claims)).values("pk")
        return self.filter(in_ids("pk", as_claim.union(as_counter.order_by()).order_by()))

    def said_by(self, speaker, *, first: int | None = None):
        """Pairs with ``speaker`` on either side: a UNION of the pairs of each side (the
        ``*_speaker`` columns and their indexes). With ``first``, only the ``first`` latest
        of each side are read (two index ranges), enough for the ``first`` latest of all."""
        sides = [
            self.filter(**{f"{side}_speaker": speaker}).latest_first().values("pk")
            for side in ("claim", "counter")
        ]
        if first is None:
            sides = [side.order_by() for side in sides]
        else:
            sides = [side[:first] for side in sides]
        return self.filter(in_ids("pk", sides[0].union(sides[1]).order_by()))

    def matching(self, text: str):
        """Pairs whose title or explanation contains ``text`` or whose either side's words (or
        speaker's name) match it."""
        by_words = Claim.objects.search(text).values("pk")
        as_claim = Contradiction.objects.filter(claim__in=by_words).values("pk")
        as_counter = Contradiction.objects.filter(counter__in=by_words).values("pk")
        titled = Contradiction.objects.filter(
            Q(title__icontains=text) | Q(explanation__icontains=text)
        ).values("pk")
        return self.filter(pk__in=as_claim.union(as_counter, titled))

    def on_record(self):
        """Published, or retracted: a retracted pair keeps its URL with a notice. On a row:
        ``Contradiction.is_on_record``."""
        return self.filter(published_contradiction() | Q(status=Status.RETRACTED))

    def between(self, a, b):
        """The pair of claims ``a`` and ``b``, either way round (one at most: the curation and
        the admin refuse a second)."""
        return self.filter(Q(claim=a, counter=b) | Q(claim=b, counter=a))

    def needing_attention(self):
        """Published pairs a citation of whose sides is not verified (every citation on both
        sides, whatever the side's kind), unless published over the rules: what
        ``publishing.needs_attention`` says row by row (tests/claims/test_rules_agree.py)."""
        unverified = Citation.objects.exclude(verification_state__in=VERIFIED_STATES)
        return self.filter(status=Status.PUBLISHED, override_reason="").filter(
            Exists(unverified.filter(claim=OuterRef("claim")))
            | Exists(unverified.filter(claim=OuterRef("counter")))
        )


class Contradiction(Publishable):
    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    title = models.CharField(max_length=300, blank=True, help_text="A short headline for the pair.")
    claim = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        related_name="contradictions",
        help_text="The statement being challenged.",
    )
    counter = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        related_name="countered",
        help_text="What challenges it: a finding, a record, or the speaker's other words.",
    )
    relation = models.CharField(max_length=20, choices=Relation, default=Relation.CONTRADICTS)
    # The speaker of each side, copied from the claims by the database (plain triggers on the
    # pairs' and the claims' tables, migration 0014, so every writer keeps them: forms, the
    # import's COPY, SQL), for a speaker's page to find its pairs in two index ranges, latest
    # first, at any size. Derived: not edited, not exported, not in the history.
    claim_speaker = models.ForeignKey(
        Speaker,
        on_delete=models.DO_NOTHING,
        null=True,
        editable=False,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    counter_speaker = models.ForeignKey(
        Speaker,
        on_delete=models.DO_NOTHING,
        null=True,
        editable=False,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    cases = models.ManyToManyField(
        Case,
        related_name="contradictions",
        blank=True,
        help_text="The stories this pair belongs to.",
    )
    explanation = models.TextField(
        help_text="Markdown. Why the two do not square, fairly and precisely."
    )
    status = models.CharField(
        max_length=12,
        choices=Status,
        default=Status.DRAFT,
        editable=False,
        help_text="A contradiction is public only when it and both of its claims are published.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["claim_speaker", "counter_speaker"], m2m_fields=[cases]
    )

    objects = ContradictionQuerySet.as_manager()

    class Meta:
        ordering = [*LATEST_PUBLISHED]  # as the indexes below: unpublished pairs last
        indexes = [
            published_index(
                F("published_at").desc(nulls_last=True),
                F("created_at").desc(),
                "slug",
                name="contradiction_published_latest",
            ),
            trigram_index("title", "contradiction_title_trgm"),
            *(
                published_index(
                    f"{side}_speaker",
                    *LATEST_PUBLISHED,
                    name=f"pair_{side}_speaker_latest",
                )
                for side in ("claim", "counter")
            ),
        ]
        constraints = [
            slug_constraint("contradiction"),
            models.CheckConstraint(
                condition=~Q(claim=F("counter")),
                name="contradiction_not_self",
                violation_error_message="A statement cannot contradict itself: pick a "
                "different claim on each side.",
            ),
            models.UniqueConstraint(
                fields=["claim", "counter"],
                name="contradiction_ordered_pair_unique",
                violation_error_message="These two claims are already paired in another "
                "contradiction.",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.claim} — {self.get_relation_display()} — {self.counter}"

    def clean(self):
        """A pair on the record keeps sides the public can read: a published pair's sides stay
        published, a retracted pair's sides stay the ones it retracted (every form and an
        accepted revision run this; the publishing services check it when publishing)."""
        super().clean()
        if self.pk is None or self.status not in ON_RECORD:
            return
        stored = Contradiction.objects.filter(pk=self.pk).values("claim_id", "counter_id").first()
        moved = stored and (stored["claim_id"], stored["counter_id"]) != (
            self.claim_id,
            self.counter_id,
        )
        if not moved:
            return
        if self.status == Status.RETRACTED:
            raise ValidationError("A retracted pair keeps the two statements it retracted.")
        sides = Claim.objects.filter(pk__in=[self.claim_id, self.counter_id])
        if sides.exclude(status=Status.PUBLISHED).exists():
            raise ValidationError(
                "A published pair's sides must be published statements: publish the new side "
                "first, or unpublish the pair."
            )

    def get_absolute_url(self):
        return reverse("claims:contradiction_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        """``published_contradiction()`` on this row: it and both of its sides (read)."""
        return (
            self.status == Status.PUBLISHED
            and self.claim.is_published
            and self.counter.is_published
        )

    @property
    def is_on_record(self) -> bool:
        """``Contradiction.objects.on_record()`` on this row: its permanent URL answers."""
        return self.status == Status.RETRACTED or self.is_published

    @property
    def public(self):
        """What the public may read of this pair (claims/seo.py ``PublicPair``): a side that
        left the record (moved back to draft or review once the pair was retracted) is named
        by a placeholder, never by its words. Public pages and feeds name a pair by
        ``pair.public.name``; ``str(pair)`` is the newsroom's name, for the admin."""
        from claims.seo import PublicPair

        return PublicPair.of(self)


class CorrectionQuerySet(models.QuerySet):
    def published(self):
        """Corrections on published or retracted items, or standing alone: a retraction stays
        on the record."""
        return self.filter(
            Q(claim__isnull=True) | on_record_claim("claim__"),
            Q(contradiction__isnull=True) | Q(contradiction__in=Contradiction.objects.on_record()),
        )


class Correction(Versioned):
    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    kind = models.CharField(
        max_length=20, choices=CorrectionKind, default=CorrectionKind.CORRECTION
    )
    published_on = models.DateField()
    text = models.TextField(help_text="What changed and why. Shown to the public.")
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="corrections", null=True, blank=True
    )
    contradiction = models.ForeignKey(
        Contradiction,
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "slug"]
        constraints = [slug_constraint("correction")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.published_on:%d %b %Y}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Awaiting an editor"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Revision(models.Model):
    """A reporter's change to something the public reads, kept until an editor accepts it
    (claims/revisions.py): the published item stays as it is until then."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    item_label = models.CharField(max_length=300, help_text="What it changes, when proposed.")
    base_version = models.PositiveIntegerField(
        help_text="The version of the item the change was made to."
    )
    changes = models.JSONField(
        help_text="Each changed field: its label, the old and new values as shown, and the "
        "new value as stored."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=RevisionStatus, default=RevisionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"],
                name="revision_pending_item",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"Proposed change to {self.item_label}"

    @property
    def item(self):
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first()
