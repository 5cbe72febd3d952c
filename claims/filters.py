"""The public lists' filters. Every choice list starts from a ``published()`` queryset."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, Q

from claims.models import (
    Case,
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    CorrectionKind,
    Relation,
    Speaker,
    Topic,
    VerificationState,
    published_sources,
)
from sources.models import Outlet

SEARCH_CONFIG = "english"
MAX_PAGE = 10_000
MAX_QUERY = 200


class PublicFilterForm(forms.Form):
    """The fields every public list shares besides its filters: the page number."""

    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={"invalid": "The page must be a whole number, 1 or more."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("said_after"), cleaned.get("said_before")
        if after and before and after > before:
            self.add_error("said_before", "This date is before the “said on or after” date.")
        return cleaned

    @property
    def page_number(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("page") or 1
        return 1

    def error_list(self) -> list[tuple[str, str]]:
        """(label, message) for every error, for a summary above the results."""
        items = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            items.extend((label or name.replace("_", " ").capitalize(), e) for e in errors)
        return items


class PublicFilterSet(django_filters.FilterSet):
    class Meta:
        form = PublicFilterForm

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:  # not ``page``: the pager reads it
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def published_outlets():
    return Outlet.objects.filter(Exists(published_sources().filter(outlet=OuterRef("pk")))).only(
        "slug", "name"
    )


def published_cases():
    return Case.objects.published().only("slug", "title")


def search_query(value: str) -> SearchQuery:
    return SearchQuery(value, search_type="websearch", config=SEARCH_CONFIG)


def prefix_query(value: str) -> SearchQuery | None:
    """A search-as-you-type query: every word, the last one as a prefix (``trig`` finds
    “trigger”). ``None`` when there is no word to search for."""
    words = re.findall(r"\w+", value.lower())[:8]
    if not words:
        return None
    terms = [f"{w}:*" for w in words]
    return SearchQuery(" & ".join(terms), search_type="raw", config=SEARCH_CONFIG)


def search_widget(placeholder: str):
    return forms.TextInput(
        attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"}
    )


def slug_choice(queryset, label: str, empty: str, **kwargs):
    return django_filters.ModelChoiceFilter(
        queryset=queryset,
        to_field_name="slug",
        label=label,
        empty_label=empty,
        error_messages={"invalid_choice": f"There is no published {label.lower()} with this id."},
        **kwargs,
    )


class ClaimFilter(PublicFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=MAX_QUERY,
        widget=search_widget("Words, names, venues…"),
    )
    speaker = slug_choice(
        Speaker.objects.published().only("slug", "name"), "Speaker", "Any speaker"
    )
    topic = slug_choice(
        Topic.objects.published().only("slug", "name"), "Topic", "Any topic", field_name="topics"
    )
    case = slug_choice(published_cases(), "Case", "Any case", field_name="cases")
    kind = django_filters.ChoiceFilter(choices=ClaimKind.choices, empty_label="Any kind")
    outlet = slug_choice(published_outlets(), "Outlet", "Any outlet", method="filter_outlet")
    said_after = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="gte",
        label="Said on or after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    said_before = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="lte",
        label="Said on or before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    has_contradictions = django_filters.ChoiceFilter(
        label="Contradictions",
        choices=[("yes", "Part of a contradiction"), ("no", "Not part of one")],
        empty_label="With or without",
        method="filter_contradicted",
    )
    verification = django_filters.ChoiceFilter(
        label="Quote check",
        choices=VerificationState.choices,
        empty_label="Any check result",
        method="filter_verification",
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = search_query(value)
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", F("said_on").desc(nulls_last=True), "slug")
        )

    def filter_outlet(self, queryset, name, value):
        return queryset.filter(
            Exists(Citation.objects.filter(claim=OuterRef("pk"), source__outlet=value))
        )

    def filter_contradicted(self, queryset, name, value):
        contradicted = in_published_contradiction()
        return queryset.filter(contradicted if value == "yes" else ~contradicted)

    def filter_verification(self, queryset, name, value):
        return queryset.filter(
            Exists(Citation.objects.filter(claim=OuterRef("pk"), verification_state=value))
        )


def in_published_contradiction() -> Exists:
    """True for a claim on either side of a published contradiction."""
    return Exists(
        Contradiction.objects.published().filter(
            Q(claim=OuterRef("pk")) | Q(counter=OuterRef("pk"))
        )
    )


class ContradictionFilter(PublicFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=MAX_QUERY,
        widget=search_widget("Words on either side…"),
    )
    relation = django_filters.ChoiceFilter(
        label="Relation",
        choices=[(value, label.capitalize()) for value, label in Relation.choices],
        empty_label="Any relation",
    )
    speaker = slug_choice(
        Speaker.objects.published().only("slug", "name"),
        "Speaker",
        "Any speaker",
        method="filter_speaker",
    )
    topic = slug_choice(
        Topic.objects.published().only("slug", "name"), "Topic", "Any topic", method="filter_topic"
    )
    case = slug_choice(published_cases(), "Case", "Any case", field_name="cases")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matching = Claim.objects.filter(search_vector=search_query(value)).values("pk")
        return queryset.filter(
            Q(claim__in=matching) | Q(counter__in=matching) | Q(title__icontains=value)
        )

    def filter_speaker(self, queryset, name, value):
        return queryset.filter(Q(claim__speaker=value) | Q(counter__speaker=value))

    def filter_topic(self, queryset, name, value):
        on_topic = Claim.objects.filter(topics=value).values("pk")
        return queryset.filter(Q(claim__in=on_topic) | Q(counter__in=on_topic))


class CorrectionFilter(PublicFilterSet):
    kind = django_filters.ChoiceFilter(choices=CorrectionKind.choices, empty_label="Any kind")
