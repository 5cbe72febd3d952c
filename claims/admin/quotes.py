"""A source's page in the admin: the quotes found in its text, each one or two clicks from a
claim with a verified citation, or from a citation of a claim already on record; and the
archived text itself, where any passage selected (mouse or keyboard, static/js/passages.js)
takes the same one-step path as an offered quote."""

from __future__ import annotations

import itertools
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from claims import cases as case_work
from claims import curation, publishing
from claims.models import Claim, ClaimKind, DatePrecision, SpeakerKind
from sources.models import Source


class ClaimFromQuoteForm(forms.Form):
    speaker = forms.ModelChoiceField(
        queryset=Claim._meta.get_field("speaker").related_model.objects.all(),
        required=False,
        help_text="Matched from the text by name, alias or misspelling; or name a new one below.",
    )
    new_speaker_name = forms.CharField(label="Or a new speaker", required=False, max_length=200)
    new_speaker_kind = forms.ChoiceField(
        label="New speaker is a", choices=SpeakerKind.choices, required=False
    )
    new_speaker_role = forms.CharField(label="Role", required=False, max_length=200)
    kind = forms.ChoiceField(choices=ClaimKind.choices, initial=ClaimKind.QUOTE)
    said_on = forms.DateField(required=False)
    said_on_precision = forms.ChoiceField(
        label="Date known to the", choices=DatePrecision.choices, initial=DatePrecision.DAY
    )
    venue = forms.CharField(required=False, max_length=300)
    summary = forms.CharField(required=False, max_length=300, help_text="Optional, one line.")
    sha256 = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        speaker = self.fields["speaker"]
        speaker.widget = AutocompleteSelect(Claim._meta.get_field("speaker"), admin_site)
        speaker.widget.choices = speaker.choices

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("speaker") and not (cleaned.get("new_speaker_name") or "").strip():
            raise forms.ValidationError("Pick the speaker on record, or name a new speaker.")
        return cleaned


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def text_with_marks(text: str, marks: list[tuple[int, int, str]]) -> str:
    """The archived text as HTML for the passage picker: every character in an element that
    says where it starts in the text (``data-o``), so that a selection in the page is turned
    back into offsets in the original text whatever the browser makes of line breaks; the
    offered quotes (``marks``: start, end, the id of their row) in ``<mark>``s."""
    cuts = {0, len(text)}
    spans = []
    for start, end, row in sorted(marks):
        if spans and start < spans[-1][1]:
            continue  # overlapping: the first one wins
        spans.append((start, end, row))
        cuts |= {start, end}
    breaks = []
    for match in _LINE_BREAK.finditer(text):
        breaks.append(match.span())
        cuts |= set(match.span())
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    is_break = {start for start, _ in breaks}
    out, k = [], 0
    for start, end in itertools.pairwise(cuts):
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if start in is_break:
            out.append(f'<span data-o="{start}" data-n="{end - start}">\n</span>')
            continue
        piece = escape(text[start:end])
        if k < len(spans) and spans[k][0] <= start < spans[k][1]:
            mark_start, mark_end, row = spans[k]
            out.append(
                f'<mark data-o="{start}" data-start="{mark_start}" data-end="{mark_end}" '
                f'data-row="{row}">{piece}</mark>'
            )
        else:
            out.append(f'<span data-o="{start}">{piece}</span>')
    return mark_safe("".join(out))


class CandidateQuotesMixin:
    """For SourceAdmin: the archived text with the candidate quotes marked, where any passage
    can be selected, and the candidates as a table with actions, cached by the text's sha256
    (claims/curation.py)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/passages.js"], css={"all": ["css/passages.css"]})

    @admin.display(description="Candidates")
    def candidate_quotes(self, obj):
        if not obj.pk:
            return "Save the source first."
        if not obj.text:
            return "No archived text yet."
        cited = curation.already_cited(obj)
        rows = []
        found = curation.candidates(obj)
        for candidate, guess in zip(found, curation.speaker_guesses(found), strict=True):
            citation = cited.get((candidate.start, candidate.end))
            rows.append(
                {
                    "candidate": candidate,
                    "citation": citation,
                    "claim_url": case_work.quote_url(obj, candidate, "claim"),
                    "cite_url": case_work.quote_url(obj, candidate, "cite"),
                    "proposed": curation.proposed_speaker(candidate),
                    "guess": guess,
                }
            )
        marks = [(c.start, c.end, f"candidate-{c.start}-{c.end}") for c in found]
        return render_to_string(
            "admin/claims/candidate_quotes.html",
            {
                "rows": rows,
                "source": obj,
                "text_html": text_with_marks(obj.text, marks),
                "passage_claim_url": self._passage_url(obj, "claim"),
                "passage_cite_url": self._passage_url(obj, "cite"),
            },
        )

    def get_urls(self):
        return [
            path(
                "<int:source_id>/quotes/<int:start>-<int:end>/<slug:action>/",
                self.admin_site.admin_view(self.quote_view),
                name="sources_source_quote",
            ),
            path(
                "<int:source_id>/passage/<slug:action>/",
                self.admin_site.admin_view(self.passage_view),
                name="sources_source_passage",
            ),
            *super().get_urls(),
        ]

    def _source_for(self, request, source_id, action: str) -> Source:
        """The source a quote flow works on, once the action is known and the user may do it."""
        if action not in ("claim", "cite"):
            raise Http404("No such action.")
        source = get_object_or_404(Source, pk=source_id)
        needed = "claims.add_claim" if action == "claim" else "claims.add_citation"
        if not request.user.has_perm(needed):
            raise PermissionDenied
        return source

    def quote_view(self, request, source_id, start, end, action):
        source = self._source_for(request, source_id, action)
        sha256 = request.POST.get("sha256") or request.GET.get("sha256", "")
        try:
            candidate = curation.find_candidate(source, start=start, end=end, sha256=sha256)
        except curation.StaleText as stale:
            self.message_user(request, str(stale), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:sources_source_change", args=[source.pk]))
        if action == "claim":
            return self._new_claim(request, source, candidate)
        return self._cite(request, source, candidate)

    def passage_view(self, request, source_id, action):
        """Any span of the text, by its offsets in the archived text and the text's sha256:
        the same pages as an offered quote. A span that is not a passage of the text (out of
        range, empty, too long, garbled numbers) or a text changed since the page was shown
        is refused with a 400 that says why."""
        source = self._source_for(request, source_id, action)
        sha256 = request.POST.get("sha256") or request.GET.get("sha256", "")
        start, end = request.GET.get("start", ""), request.GET.get("end", "")
        try:
            if not (start.isdigit() and end.isdigit() and len(start) < 12 and len(end) < 12):
                raise curation.BadSpan(
                    "The selection's start and end are not positions in the text: select the "
                    "words again."
                )
            candidate = curation.passage(source, start=int(start), end=int(end), sha256=sha256)
        except (curation.StaleText, curation.BadSpan) as refused:
            return TemplateResponse(
                request,
                "admin/claims/passage_refused.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": Source._meta,
                    "source": source,
                    "reason": str(refused),
                    "title": "This selection cannot be quoted",
                },
                status=400,
            )
        if action == "claim":
            return self._new_claim(request, source, candidate)
        return self._cite(request, source, candidate)

    def _urls_for(self, source, candidate) -> dict[str, str]:
        """The pages of a candidate: an offered quote's own, or a passage's."""
        span = (candidate.start, candidate.end)
        if any((c.start, c.end) == span for c in curation.candidates(source)):
            return {a: case_work.quote_url(source, candidate, a) for a in ("claim", "cite")}
        query = f"?start={candidate.start}&end={candidate.end}&sha256={source.sha256}"
        return {a: self._passage_url(source, a) + query for a in ("claim", "cite")}

    def _passage_url(self, source, action: str) -> str:
        return reverse("admin:sources_source_passage", args=[source.pk, action])

    def _page(self, request, source, candidate, template, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": Source._meta,
                "original": source,
                "source": source,
                "candidate": candidate,
                "urls": self._urls_for(source, candidate),
                **context,
            },
            status=400 if context.get("errors") else 200,
        )

    def _new_claim(self, request, source, candidate):
        speaker = curation.matched_speaker(candidate)
        proposed = curation.proposed_speaker(candidate)
        guess = curation.guess_for(source, candidate)
        facts = curation.facts_of(source, candidate)
        weak = guess is not None and guess.weak  # asked ("Who said this?"), never prefilled
        initial = {
            "speaker": None if weak else speaker,
            "new_speaker_name": proposed.name if proposed and not speaker and not weak else "",
            "new_speaker_kind": proposed.kind if proposed else SpeakerKind.PERSON,
            "new_speaker_role": proposed.role if proposed and not weak else "",
            "kind": curation.proposed_kind(candidate, speaker, sure=not weak),
            "said_on": facts.date,
            "said_on_precision": facts.precision or DatePrecision.DAY,
            "venue": facts.venue or "",
            "sha256": source.sha256,
        }
        form = ClaimFromQuoteForm(request.POST or None, initial=initial, admin_site=self.admin_site)
        # where the proposed date and venue came from, for the curator to check
        form.fields["said_on"].help_text = (
            f"Proposed from {facts.date_basis}." if facts.date else f"None: {facts.date_basis}."
        )
        form.fields["venue"].help_text = (
            f"Proposed from {facts.venue_basis}." if facts.venue else "The text names no venue."
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            new = None
            if not data["speaker"]:
                if not request.user.has_perm("claims.add_speaker"):
                    raise PermissionDenied
                new = curation.NewSpeaker(
                    name=data["new_speaker_name"],
                    kind=data["new_speaker_kind"] or SpeakerKind.PERSON,
                    role=data["new_speaker_role"],
                )
            claim = curation.claim_from_candidate(
                source=source,
                candidate=candidate,
                speaker=data["speaker"],
                new_speaker=new,
                kind=data["kind"],
                said_on=data["said_on"],
                said_on_precision=data["said_on_precision"],
                venue=data["venue"],
                summary=data["summary"],
                by=request.user,
            )
            case_work.take_source_case(claim=claim, source=source, by=request.user)
            citation = claim.citations.get()
            self.message_user(
                request,
                f"Draft claim '{claim.slug}' created; its quote is "
                f"{citation.get_verification_state_display().lower()} in '{source.slug}'.",
            )
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        return self._page(
            request,
            source,
            candidate,
            "admin/claims/quote_to_claim.html",
            form=form,
            guess=guess,
            proposed=proposed,
            finding=initial["kind"] == ClaimKind.FINDING,
            sentence=curation.as_sentence(candidate.quote),
            title="New claim from a quote",
            media=self.media + form.media,
        )

    def _cite(self, request, source, candidate):
        speaker = curation.matched_speaker(candidate)
        errors = []
        if request.method == "POST":
            chosen = request.POST.get("claim", "")
            claim = Claim.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            if claim is None:
                errors.append("Pick one of the claims listed.")
            elif not publishing.can_edit(request.user, claim):
                errors.append(
                    f"'{claim.slug}' is {claim.get_status_display().lower()}: only an editor "
                    "adds a citation to it."
                )
            else:
                try:
                    curation.citation_from_candidate(
                        source=source, candidate=candidate, claim=claim, by=request.user
                    )
                except ValueError as refused:
                    errors.append(str(refused))
                else:
                    self.message_user(
                        request, f"'{source.slug}' now cites '{claim.slug}' with this quote."
                    )
                    return HttpResponseRedirect(
                        reverse("admin:claims_claim_change", args=[claim.pk])
                    )
        options = curation.claims_like(candidate.quote, speaker=speaker, exclude_source=source)
        return self._page(
            request,
            source,
            candidate,
            "admin/claims/quote_to_citation.html",
            options=options,
            errors=errors,
            title="Add a quote as a citation of a claim",
        )
