"""Speakers and topics in the admin: who said a claim and what it is about."""

from __future__ import annotations

from django.contrib import admin

from claims.admin.revisions import GuardedAdmin
from claims.models import Speaker, Topic


@admin.register(Speaker)
class SpeakerAdmin(GuardedAdmin):
    list_display = ["name", "kind", "role", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases", "misspellings"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(GuardedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
