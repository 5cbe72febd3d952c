"""The declaration (claims/schema.py) bound to the models: the model's own field validation,
run without the database, and the defaults a line that leaves a field out takes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
)
from django.db import models

from claims.schema import RecordType


def check_model_fields(spec: RecordType, values: dict[str, Any], problems: list[str]) -> None:
    """Run the model's own field validation (lengths, URLs) without touching the database, as
    ``Model.clean_fields`` would on a record with these values; a value that plainly passes (a
    string within its length, one of the choices, a date) is not put through ``Field.clean``."""
    errors: dict[str, list[ValidationError]] = {}
    for f, passes in field_checks(spec.model):
        if f.name not in values:
            continue
        value = values[f.name]
        if passes(value) or (f.blank and value in f.empty_values):
            continue
        try:
            f.clean(value, None)
        except ValidationError as exc:
            errors[f.name] = exc.error_list
    if errors:
        for name, messages in ValidationError(errors).message_dict.items():
            problems.extend(f"{name}: {message}" for message in messages)


_FIELD_CHECKS: dict[type, list[tuple[models.Field, Callable[[Any], bool]]]] = {}


def _never(value: Any) -> bool:
    return False


def field_checks(model) -> list[tuple[models.Field, Callable[[Any], bool]]]:
    """The fields ``clean_fields`` checks, in its order, each with a quick test that a value
    certainly passes ``Field.clean`` (blank, choices, length, NUL characters, a slug's pattern)
    when the field's validation is that simple, else a test that never says so."""
    if model not in _FIELD_CHECKS:
        _FIELD_CHECKS[model] = [
            (f, _quick_check(f) or _never) for f in model._meta.concrete_fields if not f.is_relation
        ]
    return _FIELD_CHECKS[model]


def _quick_check(f: models.Field) -> Callable[[Any], bool] | None:
    patterns = []  # (compiled pattern, whether a match fails), read once from the validators
    for validator in f.validators:
        if type(validator) is RegexValidator:
            regex = validator.regex  # a lazy object: compiled again here, once
            patterns.append((re.compile(regex.pattern, regex.flags), validator.inverse_match))
        elif not isinstance(validator, MaxLengthValidator | ProhibitNullCharactersValidator):
            return None
    choices = frozenset(str(key) for key, _label in f.flatchoices) if f.choices else None
    if isinstance(f, models.CharField | models.TextField):
        blank, max_length = f.blank, f.max_length

        def check(value: Any) -> bool:
            return (
                isinstance(value, str)
                and (blank or value != "")
                and (max_length is None or len(value) <= max_length)
                and "\x00" not in value
                and (choices is None or value in choices or (blank and value == ""))
                and all(bool(regex.search(value)) != inverse for regex, inverse in patterns)
            )

        return check
    if isinstance(f, models.DateField) and not choices and not patterns:  # and DateTimeField
        expected = dt.datetime if isinstance(f, models.DateTimeField) else dt.date
        return lambda value: isinstance(value, expected) or (f.null and value is None)
    return None


def model_default(model, name: str, value: Any) -> Any:
    """A missing optional field takes the model's default (a claim's status: draft)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if model_field.has_default() and not model_field.null:
        return model_field.get_default()
    return value
