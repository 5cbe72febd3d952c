"""The API's query parameters for a list, read off the public list's FilterSet
(claims/filters.py): the same filters, documented in the OpenAPI schema, then applied by the
FilterSet itself, exactly as on the page. Nothing is filtered here."""

import datetime as dt
from typing import Annotated, Literal

import django_filters
from django.http import QueryDict
from ninja import Schema
from pydantic import Field, create_model

from claims.filters import MAX_QUERY

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# The parameters every list takes besides its filters.
PAGING = {
    "cursor": (
        Annotated[str, Field(max_length=2000)],
        Field(None, description="Where a page starts: the cursor of the previous page's `next`."),
    ),
    "limit": (
        int,
        Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page."),
    ),
}


def _parameter(spec: django_filters.Filter):
    """A filter as a query parameter: its type and its description."""
    label = str(spec.label or spec.field_name.replace("_", " ").capitalize()).strip()
    if spec.extra.get("queryset") is not None:
        noun = spec.extra["queryset"].model._meta.verbose_name
        named = "" if spec.extra.get("to_field_name") else ", or its exact name"
        return Annotated[str, Field(max_length=200)], f"{label}: a published {noun}'s id{named}."
    if isinstance(spec, django_filters.ChoiceFilter):
        choices = [str(value) for value, _label in spec.extra["choices"]]
        words = "; ".join(f"`{value}`: {label}" for value, label in spec.extra["choices"])
        return Literal[tuple(choices)], f"{label}. {words}."
    if isinstance(spec, django_filters.DateFilter):
        return dt.date, f"{label} (YYYY-MM-DD)."
    limit = spec.extra.get("max_length") or MAX_QUERY
    return Annotated[str, Field(max_length=limit)], f"{label}."


def query_schema(name: str, filterset_class=None) -> type[Schema]:
    """The query parameters of a list filtered by ``filterset_class`` (None: paging only)."""
    fields = {}
    for filter_name, spec in (filterset_class.base_filters if filterset_class else {}).items():
        annotation, description = _parameter(spec)
        # no value is null: a parameter left out is no filter (the schema says no "null")
        fields[filter_name] = (annotation, Field(None, description=description))
    return create_model(name, __base__=Schema, **fields, **PAGING)


def filter_data(request, filterset_class) -> QueryDict:
    """The request's values of the FilterSet's filters, as the page's form would get them."""
    data = QueryDict(mutable=True)
    for name in filterset_class.base_filters:
        if name in request.GET:
            data.setlist(name, request.GET.getlist(name))
    return data
