"""Permanent ids: the one helper that turns a name into a slug no row has yet."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify

# Room kept for a number ("-2" ... "-99999") when the base is cut to fit.
_SUFFIX_ROOM = 6


def free_slug(model, base: str, *, field: str = "slug", max_length: int = 120) -> str:
    """``base`` as a slug no row of ``model`` has in ``field``: ``base``, else ``base-2``,
    ``base-3``... at most ``max_length`` characters, the number included (the base is cut to
    leave it room). An empty base falls back to the model's name.

    ``model`` is a model or a queryset of it: a queryset leaves out the rows it excludes (the
    row being edited may keep its own slug). One query, for the slugs that start with the base.
    """
    rows = model.all() if isinstance(model, models.QuerySet) else model._default_manager.all()
    base = slugify(base)[:max_length].strip("-") or rows.model._meta.model_name[:max_length]
    # every candidate below starts with this stem (slugify leaves no two dashes in a row)
    stem = base[: max(1, max_length - _SUFFIX_ROOM - 1)].rstrip("-")
    taken = set(rows.filter(**{f"{field}__startswith": stem}).values_list(field, flat=True))
    slug, number = base, 2
    while slug in taken or (not slug.startswith(stem) and rows.filter(**{field: slug}).exists()):
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug
