"""Password validators for what a guesser tries first, beside Django's (AUTH_PASSWORD_VALIDATORS).

Django's common-password list holds ``password`` but not ``passwordpassword``, and nothing
knows the site's name. Both are refused here, in the admin's forms and in
``manage.py add_newsroom_user`` alike (it calls ``validate_password``)."""

import re
from difflib import SequenceMatcher

from django.conf import settings
from django.core.exceptions import ValidationError


def _period(text: str) -> int:
    """The shortest p such that text[i] == text[i - p] throughout (len(text) if none)."""
    border = [0] * len(text)  # Knuth-Morris-Pratt: the longest proper prefix that is a suffix
    for i in range(1, len(text)):
        k = border[i - 1]
        while k and text[i] != text[k]:
            k = border[k - 1]
        border[i] = k + 1 if text[i] == text[k] else 0
    return len(text) - (border[-1] if text else 0)


class RepeatedUnitValidator:
    """Refuses a password made of one unit repeated (``aaaaaaaaaaaa``, ``passwordpassword``,
    ``abcabcabcab``), case aside, also with digits or symbols before or after it
    (``passwordpassword1``, ``2024aaaaaaaaaaaa!``) when the repeated part is at least half the
    password: its strength is one unit's."""

    def validate(self, password, user=None):
        text = password.lower()
        core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text)
        for part in (text, core):
            if len(part) >= 2 and 2 * len(part) >= len(text) and 2 * _period(part) <= len(part):
                raise ValidationError(
                    "This password repeats one short part over and over.",
                    code="password_repeated_unit",
                )

    def get_help_text(self):
        return "Your password can’t be one short part repeated (like “passwordpassword”)."


def _letters(text: str) -> str:
    """Letters and digits only, lower case."""
    return re.sub(r"[\W_]+", "", text.lower())


class SiteNameValidator:
    """Refuses a password that contains the site's name (``settings.SITE_NAME``) or one of its
    words, spaces and symbols aside (``rust-tracker-2024``, ``my-tracker-pw``), or is like the
    name (``Contradicton Trakcer``; ``max_similarity`` as Django's user-attribute check). Only
    a name or word of ``min_word_length`` letters or more is looked for: a shorter one is in
    too many passwords."""

    def __init__(self, min_word_length=4, max_similarity=0.7):
        self.min_word_length = min_word_length
        self.max_similarity = max_similarity

    def validate(self, password, user=None):
        name = _letters(settings.SITE_NAME)
        words = {_letters(word) for word in re.split(r"[\W_]+", settings.SITE_NAME)}
        parts = {part for part in {name, *words} if len(part) >= self.min_word_length}
        flat = _letters(password)
        if any(part in flat or self._similar(flat, part) for part in parts):
            raise ValidationError(
                "This password contains or is too like the site’s name.",
                code="password_site_name",
            )

    def _similar(self, flat: str, part: str) -> bool:
        matcher = SequenceMatcher(a=flat, b=part)
        return (
            matcher.quick_ratio() >= self.max_similarity and matcher.ratio() >= self.max_similarity
        )

    def get_help_text(self):
        return "Your password can’t contain the site’s name or be too like it."
