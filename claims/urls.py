from django.urls import path

from claims import views
from claims.feeds import (
    CaseFeed,
    CaseRevisionFeed,
    ContradictionFeed,
    CorrectionFeed,
    DeskAlertFeed,
)
from rust_tracker.caching import cache_public_patterns

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim_detail"),
    path("contradictions/", views.contradiction_list, name="contradiction_list"),
    path("contradictions/<slug:slug>/", views.contradiction_detail, name="contradiction_detail"),
    path("compare/", views.compare, name="compare"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<slug:slug>/", views.case_detail, name="case_detail"),
    path("cases/<slug:slug>/feed/", CaseFeed(), name="case_feed"),
    path("cases/<slug:slug>/revisions/feed/", CaseRevisionFeed(), name="case_revisions_feed"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("sources/<slug:slug>/changes/", views.source_changes, name="source_changes"),
    path("corrections/", views.correction_list, name="correction_list"),
    path("suggest/<slug:kind>/", views.suggest, name="suggest"),
    path(
        "preview/claims/<slug:slug>/",
        views.staff_preview(views.claim_detail),
        name="preview_claim",
    ),
    path(
        "preview/contradictions/<slug:slug>/",
        views.staff_preview(views.contradiction_detail),
        name="preview_contradiction",
    ),
    path(
        "embed/contradictions/<slug:slug>/",
        views.embeddable(views.embed_contradiction),
        name="embed_contradiction",
    ),
    path("embed/claims/<slug:slug>/", views.embeddable(views.embed_claim), name="embed_claim"),
    path("oembed", views.oembed, name="oembed"),
    path("feeds/contradictions/", ContradictionFeed(), name="feed_contradictions"),
    path("feeds/corrections/", CorrectionFeed(), name="feed_corrections"),
    path("desk/alerts/feed/", DeskAlertFeed(), name="desk_alert_feed"),  # staff only
]

# Every public page and feed is cached for anonymous visitors until the public data changes
# (rust_tracker/caching.py); drafts seen by the newsroom never are.
urlpatterns = cache_public_patterns(
    urlpatterns, exclude={"preview_claim", "preview_contradiction", "desk_alert_feed"}
)
