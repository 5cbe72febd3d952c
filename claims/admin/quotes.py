"""A source's page in the admin: the quotes found in its text, each one or two clicks from a
claim with a verified citation, or from a citation of a claim already on record."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse

from claims import curation, publishing
from claims.models import Claim, ClaimKind, SpeakerKind
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
    said_on = forms.DateField(
        required=False, help_text="The source's date; change it if the words are older."
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


class CandidateQuotesMixin:
    """For SourceAdmin: the candidate quotes as a table with actions, cached by the text's
    sha256 (claims/curation.py)."""

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
                    "claim_url": self._quote_url(obj, candidate, "claim"),
                    "cite_url": self._quote_url(obj, candidate, "cite"),
                    "proposed": curation.proposed_speaker(candidate),
                    "guess": guess,
                }
            )
        return render_to_string("admin/claims/candidate_quotes.html", {"rows": rows, "source": obj})

    def _quote_url(self, source, candidate, action: str) -> str:
        url = reverse(
            "admin:sources_source_quote",
            args=[source.pk, candidate.start, candidate.end, action],
        )
        return f"{url}?sha256={source.sha256}"

    def get_urls(self):
        return [
            path(
                "<int:source_id>/quotes/<int:start>-<int:end>/<slug:action>/",
                self.admin_site.admin_view(self.quote_view),
                name="sources_source_quote",
            ),
            *super().get_urls(),
        ]

    def quote_view(self, request, source_id, start, end, action):
        if action not in ("claim", "cite"):
            raise Http404("No such action.")
        source = get_object_or_404(Source, pk=source_id)
        needed = "claims.add_claim" if action == "claim" else "claims.add_citation"
        if not request.user.has_perm(needed):
            raise PermissionDenied
        sha256 = request.POST.get("sha256") or request.GET.get("sha256", "")
        try:
            candidate = curation.find_candidate(source, start=start, end=end, sha256=sha256)
        except curation.StaleText as stale:
            self.message_user(request, str(stale), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:sources_source_change", args=[source.pk]))
        if action == "claim":
            return self._new_claim(request, source, candidate)
        return self._cite(request, source, candidate)

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
                **context,
            },
            status=400 if context.get("errors") else 200,
        )

    def _new_claim(self, request, source, candidate):
        speaker = curation.matched_speaker(candidate)
        proposed = curation.proposed_speaker(candidate)
        guess = curation.guess_for(source, candidate)
        weak = guess is not None and guess.weak  # asked ("Who said this?"), never prefilled
        initial = {
            "speaker": None if weak else speaker,
            "new_speaker_name": proposed.name if proposed and not speaker and not weak else "",
            "new_speaker_kind": proposed.kind if proposed else SpeakerKind.PERSON,
            "new_speaker_role": proposed.role if proposed and not weak else "",
            "kind": ClaimKind.QUOTE if candidate.kind == "statement" else ClaimKind.PARAPHRASE,
            "said_on": source.published_on,
            "venue": curation.venue_of(source),
            "sha256": source.sha256,
        }
        form = ClaimFromQuoteForm(request.POST or None, initial=initial, admin_site=self.admin_site)
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
                venue=data["venue"],
                summary=data["summary"],
                by=request.user,
            )
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
