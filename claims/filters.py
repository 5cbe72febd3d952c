"""The public lists' filters. Every choice list starts from a ``published()`` queryset."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.html import format_html

from claims.forms import page_field
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

SUGGESTIONS = 10
MAX_QUERY = 200


class PublicFilterForm(forms.Form):
    """The fields every public list shares besides its filters: the page number."""

    page = page_field()

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
        """Every filter, then the search (``q``) last: a search ranks what the filters keep."""
        cleaned = self.form.cleaned_data
        names = sorted((n for n in cleaned if n in self.filters), key=lambda n: n == "q")
        for name in names:  # not ``page``: the pager reads it
            queryset = self.filters[name].filter(queryset, cleaned[name])
        return queryset


def published_outlets():
    return Outlet.objects.filter(Exists(published_sources().filter(outlet=OuterRef("pk")))).only(
        "slug", "name"
    )


def published_cases():
    return Case.objects.published().only("slug", "title")


class SuggestInput(forms.TextInput):
    """A plain text field (a slug or a name, typed) that, with JavaScript, fetches matching
    names into a ``<datalist>`` from the suggestion endpoint as the reader types."""

    def __init__(self, kind: str, placeholder: str):
        self.kind = kind
        super().__init__(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": placeholder}
        )

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"suggest-{name}"
        attrs = {
            **(attrs or {}),
            "list": list_id,
            "hx-get": reverse("claims:suggest", kwargs={"kind": self.kind}),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "hx-push-url": "false",
            "hx-indicator": f"#{list_id}",
        }
        field = super().render(name, value, attrs, renderer)
        return field + format_html('<datalist id="{}"></datalist>', list_id)


class SlugOrNameField(forms.CharField):
    """One published item of ``queryset``, typed as its id (slug) or its exact name: a text
    field where a dropdown would list thousands."""

    def __init__(self, *, queryset, label: str, name_field: str = "name", **kwargs):
        self.queryset, self.noun, self.name_field = queryset, label.lower(), name_field
        kwargs.pop("empty_label", None)
        super().__init__(max_length=200, **kwargs)

    def clean(self, value):
        value = (super().clean(value) or "").replace("\x00", "").strip()
        if not value:
            return None
        match = Q(slug=value) | Q(**{f"{self.name_field}__iexact": value})
        found = self.queryset.filter(match).order_by("slug").first()
        if found is None:
            raise forms.ValidationError(
                f"There is no published {self.noun} with this name or id: “{value[:80]}”."
            )
        return found


class SlugOrNameFilter(django_filters.Filter):
    field_class = SlugOrNameField


def named_choice(queryset, label: str, kind: str, **kwargs):
    return SlugOrNameFilter(
        queryset=queryset,
        label=label,
        widget=SuggestInput(kind, "Any: a name or an id"),
        **kwargs,
    )


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
    sort = django_filters.ChoiceFilter(
        label="Order",
        choices=[("relevance", "Best match first"), ("newest", "Newest first")],
        empty_label="Best match (newest without a search)",
        method="keep",
    )
    speaker = named_choice(Speaker.objects.published().only("slug", "name"), "Speaker", "speakers")
    topic = named_choice(
        Topic.objects.published().only("slug", "name"),
        "Topic",
        "topics",
        method="filter_topic",
    )
    case = slug_choice(published_cases(), "Case", "Any case", field_name="cases")
    kind = django_filters.ChoiceFilter(choices=ClaimKind.choices, empty_label="Any kind")
    outlet = named_choice(published_outlets(), "Outlet", "outlets", method="filter_outlet")
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

    def keep(self, queryset, name, value):
        return queryset  # ``sort`` orders the search, in ``search``

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if self.form.cleaned_data.get("sort") == "newest":
            return queryset.search(value).newest_first()
        return queryset.by_relevance(value)

    def filter_topic(self, queryset, name, value):
        return queryset.on_topic(value)

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
    speaker = named_choice(
        Speaker.objects.published().only("slug", "name"),
        "Speaker",
        "speakers",
        method="filter_speaker",
    )
    topic = named_choice(
        Topic.objects.published().only("slug", "name"),
        "Topic",
        "topics",
        method="filter_topic",
    )
    case = slug_choice(published_cases(), "Case", "Any case", field_name="cases")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.matching(value)

    def filter_speaker(self, queryset, name, value):
        return queryset.said_by(value)

    def filter_topic(self, queryset, name, value):
        return queryset.involving(Claim.objects.filter(topics=value).values("pk"))


class TopicFilter(PublicFilterSet):
    q = django_filters.CharFilter(
        method="filter_name",
        label="Topic name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def filter_name(self, queryset, name, value):
        return queryset.named(value)


class CorrectionFilter(PublicFilterSet):
    kind = django_filters.ChoiceFilter(choices=CorrectionKind.choices, empty_label="Any kind")
