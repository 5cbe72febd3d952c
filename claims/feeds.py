"""Atom feeds of what we publish: new contradictions, corrections, a case's silent revisions
(sources the watch found changed); and the desk's alerts, for staff.

Every word in them is text, not markup: titles and summaries are Atom text constructs of
type "text" (RFC 4287 §3.1.1.1), which a reader shows as written. Django's Atom feed sends a
summary as type "html", so a reader would build live markup from a claim's words
(``<img onerror=…>``). A pair is named as the public may read it (``pair.public``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from claims.exports import correction_url
from claims.models import Case, Citation, Contradiction, Correction, published_claim

FEED_LENGTH = 50
# Characters XML 1.0 cannot carry (text pasted from PDFs brings form feeds and the like).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub(" ", value)


class TextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text (``type="text"``), never HTML."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class SafeFeed(Feed):
    """A feed answers GET and HEAD only (405 for anything else), as every public page."""

    @method_decorator(require_safe)
    def __call__(self, request, *args, **kwargs):
        return super().__call__(request, *args, **kwargs)


class ContradictionFeed(SafeFeed):
    feed_type = TextAtom1Feed
    link = reverse_lazy("claims:contradiction_list")
    feed_url = reverse_lazy("claims:feed_contradictions")

    def title(self):
        return f"{settings.SITE_NAME}: new contradictions"

    def subtitle(self):
        return "Statements on record set beside the evidence that challenges them."

    def latest(self):
        return (
            Contradiction.objects.published()
            .select_related("claim__speaker", "counter__speaker")
            .order_by(F("published_at").desc(nulls_last=True), "-created_at", "slug")
        )

    def items(self):
        return self.latest()[:FEED_LENGTH]

    def item_title(self, item):
        return xml_text(item.public.name)

    def item_description(self, item):
        claim, counter = item.claim, item.counter
        return xml_text(
            f"{claim.speaker.name}: “{claim.text}” — {item.get_relation_display()} "
            f"{counter.speaker.name}: “{counter.text}”"
        )

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self):
        return settings.SITE_NAME

    def item_categories(self, item):
        return [item.get_relation_display()]


class CaseFeed(ContradictionFeed):
    """A published case's own feed: its published contradictions, newest first."""

    def get_object(self, request, slug):
        return get_object_or_404(Case.objects.published(), slug=slug)

    def title(self, case):
        return xml_text(f"{settings.SITE_NAME}: {case.title}")

    def subtitle(self, case):
        return xml_text(f"New contradictions in {case.title}.")

    def link(self, case):
        return case.get_absolute_url()

    def feed_url(self, case):
        return reverse("claims:case_feed", kwargs={"slug": case.slug})

    def items(self, case):
        return self.latest().filter(cases=case)[:FEED_LENGTH]


class CorrectionFeed(SafeFeed):
    feed_type = TextAtom1Feed
    link = reverse_lazy("claims:correction_list")
    feed_url = reverse_lazy("claims:feed_corrections")

    def title(self):
        return f"{settings.SITE_NAME}: corrections"

    def subtitle(self):
        return "Every correction, update and clarification to what we have published."

    def items(self):
        return Correction.objects.published().select_related(
            "claim", "contradiction__claim", "contradiction__counter"
        )[:FEED_LENGTH]

    def item_title(self, item):
        # a correction is listed only while its item is on the record (Correction.published),
        # but a retracted pair's side may have left it: the pair is named as the public may
        # read it
        if item.contradiction_id:
            subject = item.contradiction.public.name
        else:
            subject = str(item.claim) if item.claim_id else ""
        title = f"{item.get_kind_display()}, {item.published_on.day} {item.published_on:%b %Y}"
        return xml_text(f"{title}: {subject}" if subject else title)

    def item_description(self, item):
        return xml_text(item.text)

    def item_link(self, item):
        return correction_url(item)

    def item_guid(self, item):
        return f"correction:{item.slug}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return dt.datetime.combine(item.published_on, dt.time(), tzinfo=dt.UTC)

    def item_author_name(self):
        return settings.SITE_NAME


class CaseRevisionFeed(SafeFeed):
    """A published case's silent revisions: the watch found the article text of a source that
    a published claim of the case cites changed (watch/checks.py), newest first."""

    feed_type = TextAtom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Case.objects.published(), slug=slug)

    def title(self, case):
        return xml_text(f"{settings.SITE_NAME}: {case.title}: silent revisions")

    def subtitle(self, case):
        return xml_text(
            f"Sources cited in {case.title} whose article text changed after we archived it."
        )

    def link(self, case):
        return case.get_absolute_url()

    def feed_url(self, case):
        return reverse("claims:case_revisions_feed", kwargs={"slug": case.slug})

    def get_feed(self, obj, request):
        """With no revision yet, the feed is as old as the case (Django would date an empty
        feed now, a new answer every second, which no cache or reader can keep)."""
        feed = super().get_feed(obj, request)
        if not feed.items:
            feed.latest_post_date = lambda: obj.updated_at
        return feed

    def items(self, case):
        from watch.models import SilentRevision

        cited = Citation.objects.filter(
            published_claim("claim__"), claim__cases=case, source=OuterRef("source")
        )
        return (
            SilentRevision.objects.filter(Exists(cited))
            .select_related("source")
            .order_by("-found_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return xml_text(f"Revised since archived: {item.source.title}")

    def item_description(self, item):
        return xml_text(item.summary)

    def item_link(self, item):
        return item.source.get_absolute_url()

    def item_guid(self, item):
        return f"revision:{item.source.slug}:{item.new_sha256}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.found_at

    def item_author_name(self):
        return settings.SITE_NAME


class DeskAlertFeed(Feed):
    """The desk's alerts, for staff who may read them (a session of the admin): a cited
    passage changed, a contradicted claim said again. Never cached, never public."""

    feed_type = TextAtom1Feed
    link = reverse_lazy("admin:index")
    feed_url = reverse_lazy("claims:desk_alert_feed")

    @method_decorator(require_safe)
    def __call__(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not request.user.has_perm("watch.view_alert"):
            raise PermissionDenied
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def title(self):
        return f"{settings.SITE_NAME}: the desk's alerts"

    def items(self):
        from watch.models import Alert

        return Alert.objects.order_by("-created_at", "-pk")[:FEED_LENGTH]

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        return xml_text(item.body)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [item.get_kind_display()]
