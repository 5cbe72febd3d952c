"""A source's text on the admin: pasted, uploaded (.txt, .html, .pdf) or fetched from its URL
(``sources.intake``), on the add page and, to replace the text, on the change page.

What a file, a page or a pasted plain text offers (title, date, author, outlet, address; a
plain text's from its headline, byline and dateline) fills the fields the curator left empty;
the text itself is stored by ``SourceAdmin.save_model`` through
``claims.verification.replace_source_text`` (sha256, capture time, citations re-anchored). A file
or page that cannot be read is an error on the form, in words, and nothing is saved. A file or
page that was read but whose form is refused for another reason (no title, a slug taken) is not
lost: the form comes back with its text in the text box and what it offered filled in, and a
message says so.
"""

from __future__ import annotations

import copy
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError

from claims.slugs import free_slug
from sources.intake import (
    ENCODINGS,
    UPLOAD_KINDS,
    Document,
    IntakeError,
    describe_size,
    fetch_url,
    from_plain_text,
    normalize_text,
    read_upload,
    too_big,
)
from sources.models import Outlet, Source

logger = logging.getLogger(__name__)

INTAKE_FIELDS = ["upload", "upload_encoding", "fetch_url"]
OFFERED = [("title", "title"), ("published_on", "date"), ("author", "author"), ("url", "URL")]


class SourceIntakeForm(forms.ModelForm):
    upload = forms.FileField(
        label="Upload a file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(UPLOAD_KINDS))}),
    )
    upload_encoding = forms.ChoiceField(
        label="The file's encoding",
        required=False,
        choices=[("", "Detect it"), *ENCODINGS],
        help_text="For a text or HTML file that is not UTF-8. Leave “Detect it” unless you "
        "are asked to choose.",
    )
    fetch_url = forms.URLField(
        label="Fetch from the web",
        required=False,
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text="The page is fetched and reduced to its article text (a PDF or plain text "
        "is taken whole).",
    )

    class Meta:
        model = Source
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields it shows)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document: Document | None = None
        self.pasted = False  # the document is the pasted text itself
        self.filled: dict[str, object] = {}  # what the document filled in
        self.kept = ""  # said when a refused form keeps the document's text
        self.notes: list[str] = []
        replacing = self.instance.pk is not None
        limit = describe_size(settings.SOURCE_MAX_BYTES)
        self.fields["upload"].help_text = (
            f"A .txt, .html or .pdf file, at most {limit}. Its text "
            + ("replaces the archived text above." if replacing else "is archived.")
            + " Its title, date and author fill the fields left empty."
        )
        if "text" in self.fields and not replacing:
            self.fields["text"].help_text = (
                "Paste the archived text here, or upload a file or fetch a page below. "
                + str(self.fields["text"].help_text)
            )
        if replacing:
            self.fields["upload"].label = "Replace the text from a file"
            self.fields["fetch_url"].label = "Replace the text from the web"
        for name in ("title", "slug"):  # a file or page may bring the title, and so the slug
            if name in self.fields and not replacing:
                self.fields[name].required = False

    def clean_text(self):
        text = self.cleaned_data.get("text") or ""
        if "text" not in self.changed_data:
            return normalize_text(text)
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > settings.SOURCE_MAX_BYTES:
            raise ValidationError(too_big(size, settings.SOURCE_MAX_BYTES, "The text").message)
        try:
            return normalize_text(text, self.notes)
        except IntakeError as error:
            raise ValidationError(error.message) from None

    def clean(self):
        cleaned = super().clean()
        upload, address = cleaned.get("upload"), cleaned.get("fetch_url")
        ways = [bool(upload), bool(address), "text" in self.changed_data]
        if sum(ways) > 1:
            raise ValidationError(
                "Give the text one way: paste it, upload a file, or give an address to fetch."
            )
        try:
            if upload:
                self.document = self._read_file(upload, cleaned.get("upload_encoding") or None)
            elif address:
                self.document = fetch_url(
                    address,
                    timeout=settings.SOURCE_FETCH_TIMEOUT,
                    max_bytes=settings.SOURCE_MAX_BYTES,
                    max_redirects=settings.SOURCE_FETCH_MAX_REDIRECTS,
                    allow_private=settings.SOURCE_FETCH_ALLOW_PRIVATE,
                )
        except IntakeError as error:
            self.add_error("upload" if upload else "fetch_url", error.message)
            return cleaned
        except Exception:  # a parser's bug on hostile input: a form error, logged, not a 500
            logger.exception("Source intake failed on %s", upload or address)
            self.add_error(
                "upload" if upload else "fetch_url",
                "It could not be read (an unexpected error, logged for the developers). "
                "Paste the text instead.",
            )
            return cleaned
        if self.document is None and "text" in self.changed_data and cleaned.get("text"):
            self.document = from_plain_text(cleaned["text"])  # a paste: its first lines
            self.pasted = True
        if self.document is not None:
            self._take(cleaned, self.document)
        if "title" in self.fields and not cleaned.get("title") and "title" not in self.errors:
            self.add_error("title", "Give the source a title: none was found in the text.")
        elif "slug" in self.fields and not cleaned.get("slug") and "slug" not in self.errors:
            cleaned["slug"] = free_slug(
                Source.objects.exclude(pk=self.instance.pk), cleaned["title"], max_length=100
            )
        return cleaned

    def _read_file(self, upload, encoding: str | None) -> Document:
        limit = settings.SOURCE_MAX_BYTES
        if upload.size > limit:  # refused before reading it
            raise too_big(upload.size, limit)
        return read_upload(upload.name, upload.read(), declared_charset=encoding, max_bytes=limit)

    def _take(self, cleaned: dict, document: Document) -> None:
        """The document's text replaces the form's; what it offers fills the empty fields."""
        cleaned["text"] = document.text
        filled = []
        for name, word in OFFERED:
            value = getattr(document, name)
            if name in self.fields and value and not cleaned.get(name) and name not in self.errors:
                if name == "url" and len(value) > Source._meta.get_field("url").max_length:
                    continue
                cleaned[name] = value
                self.filled[name] = value
                filled.append(word)
        if (  # the kind left at its default, when the text's form says another
            document.kind
            and "kind" in self.fields
            and "kind" not in self.changed_data
            and "kind" not in self.errors
        ):
            cleaned["kind"] = self.filled["kind"] = document.kind
            filled.append("kind")
        outlet_note = self._take_outlet(cleaned, document.outlet)
        if outlet_note is None:
            filled.append("outlet")
        if self.pasted:
            summary = "" if not filled else "Filled in from the text's first lines: "
            summary += f"{', '.join(filled)}. Check them." if filled else ""
            self.notes = [note for note in (summary, outlet_note) if note] + self.notes
            return
        source = (
            f"the file {self.cleaned_data['upload'].name}"
            if self.cleaned_data.get("upload")
            else document.url or "the page"
        )
        encoding = f", read as {document.encoding}" if document.encoding else ""
        summary = f"Text taken from {source} ({document.content_type}{encoding}): "
        summary += f"{len(document.text):,} characters."
        if filled:
            summary += f" Filled in from it: {', '.join(filled)}. Check them."
        notes = [summary, *([outlet_note] if outlet_note else []), *document.notes]
        self.notes = [*notes, *self.notes]

    def _take_outlet(self, cleaned: dict, name: str) -> str | None:
        """Fill the outlet from the name the document gives when one on record has it: None
        when filled, else what to tell the curator ("" for nothing)."""
        if not name or "outlet" not in self.fields or cleaned.get("outlet"):
            return ""
        outlet = Outlet.objects.filter(name__iexact=name.strip()).order_by("pk").first()
        if outlet is None:
            return f"The text names the outlet “{name}”, which is not on record: pick or add it."
        cleaned["outlet"] = outlet
        self.filled["outlet"] = outlet.pk
        return None

    def full_clean(self):
        """A refused form keeps what was read: the text goes in the text box, what it offered
        in its fields, so the curator corrects the form without uploading or fetching again."""
        super().full_clean()
        if not self.is_bound or not self._errors or self.document is None or self.pasted:
            return
        if "text" not in self.fields or self.document.text is None:
            return
        data = self.data.copy()
        data[self.add_prefix("text")] = self.document.text
        for name, value in self.filled.items():
            if not data.get(self.add_prefix(name)):
                data[self.add_prefix(name)] = (
                    value.isoformat() if hasattr(value, "isoformat") else value
                )
        data[self.add_prefix("fetch_url")] = ""
        self.data = data
        where = (
            f"the file {self.files[self.add_prefix('upload')].name}"
            if self.add_prefix("upload") in self.files
            else "the page"
        )
        self.kept = (
            f"Nothing was saved, but the text read from {where} is kept in the text box below: "
            "correct what is marked and save again; there is no need to "
            + ("upload the file again." if where != "the page" else "fetch it again.")
        )


class SourceIntakeMixin:
    """For ``SourceAdmin``: the intake fields beside the archived text, and what the intake
    found told to the curator after the save."""

    form = SourceIntakeForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        may_write = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        if not may_write:
            return fieldsets
        fieldsets = copy.deepcopy(fieldsets)
        for _name, options in fieldsets:
            fields = list(options.get("fields", []))
            if "text" in fields:
                at = fields.index("text") + 1
                options["fields"] = [*fields[:at], *INTAKE_FIELDS, *fields[at:]]
                return fieldsets
        return [*fieldsets, ("Text from a file or the web", {"fields": INTAKE_FIELDS})]

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        obj._intake_notes = getattr(form, "notes", [])
        return obj

    def render_change_form(self, request, context, *args, **kwargs):
        form = getattr(context.get("adminform"), "form", None)
        if getattr(form, "kept", ""):
            self.message_user(request, form.kept, level=messages.WARNING)
        return super().render_change_form(request, context, *args, **kwargs)

    def _tell_intake(self, request, obj) -> None:
        for note in getattr(obj, "_intake_notes", []):
            self.message_user(request, note, level=messages.INFO)

    def response_add(self, request, obj, post_url_continue=None):
        self._tell_intake(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._tell_intake(request, obj)
        return super().response_change(request, obj)
