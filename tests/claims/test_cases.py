"""Cases: the case page, its feed, the case filter on the lists and their exports, the
sitemap, the home page, the exchange format's ``case`` type and ``cases`` references, the
admin's rule on a case's status, and a site identity that is settings, not template text."""

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from claims.exchange import ImportFailed, dumps, export_records, import_records
from claims.models import Case, Citation, Claim, Contradiction, Correction, Status
from tests.factories import make_case, make_claim, make_contradiction, make_speaker
from tests.helpers import GOOD, jsonl, user

pytestmark = pytest.mark.django_db

RUST = "rust-shooting"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


@pytest.fixture
def story():
    """A published case holding published and unpublished items, and items outside it."""
    case = make_case(title="The bridge collapse", slug="bridge")
    mayor = make_speaker(name="Mayor Person")
    engineer = make_speaker(name="Engineer Person")
    early = make_claim(speaker=mayor, text="The bridge is safe.", said_on=dt.date(2020, 5, 1))
    late = make_claim(speaker=engineer, text="Cracks were reported.", said_on=dt.date(2021, 3, 2))
    draft = make_claim(speaker=mayor, text="Hidden draft words.", status=Status.DRAFT)
    outside = make_claim(text="Words from another story.", said_on=dt.date(2020, 1, 1))
    pair = make_contradiction(claim=early, counter=late, title="Safe vs cracks")
    draft_pair = make_contradiction(
        claim=late, counter=early, title="Draft pair", status=Status.DRAFT
    )
    half_draft = make_contradiction(claim=early, counter=draft, title="Half draft pair")
    other_pair = make_contradiction(claim=outside, counter=make_claim(), title="Other story")
    for item in (early, late, draft, pair, draft_pair, half_draft):
        item.cases.add(case)
    return {
        "case": case,
        "early": early,
        "late": late,
        "draft": draft,
        "outside": outside,
        "pair": pair,
        "other_pair": other_pair,
        "mayor": mayor,
        "engineer": engineer,
    }


# The case page ---------------------------------------------------------------------------


def test_case_page_shows_its_published_pairs_timeline_and_speakers(client, story):
    response = client.get("/cases/bridge/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>The bridge collapse</h1>" in page
    assert story["case"].summary in page
    assert "Safe vs cracks" in page
    for hidden in ("Draft pair", "Half draft pair", "Hidden draft words", "Other story"):
        assert hidden not in page
    assert "Words from another story" not in page
    timeline = page[page.index('id="case-timeline"') :]
    assert timeline.index("The bridge is safe.") < timeline.index("Cracks were reported.")
    speakers = page[page.index('id="speakers"') : page.index('id="case-timeline"')]
    assert "Mayor Person" in speakers and "Engineer Person" in speakers
    assert 'href="/claims/?case=bridge"' in page
    assert 'href="/contradictions/?case=bridge"' in page
    assert 'type="application/atom+xml" title="The bridge collapse: new contradictions"' in page
    assert 'href="/cases/bridge/feed/"' in page
    assert '<link rel="canonical" href="http://127.0.0.1:8000/cases/bridge/">' in page


def test_a_speaker_with_only_drafts_in_the_case_is_not_listed(client, story):
    make_claim(speaker=make_speaker(name="Quiet Person"), status=Status.DRAFT).cases.add(
        story["case"]
    )
    assert "Quiet Person" not in client.get("/cases/bridge/").content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.RETRACTED])
def test_an_unpublished_case_is_not_found_anywhere(client, status):
    case = make_case(status=status, title="Secret story", slug="secret")
    make_contradiction().cases.add(case)  # a published pair, in a case not yet public
    for url in ("/cases/secret/", "/cases/secret/feed/"):
        assert client.get(url).status_code == 404, url
    for url in ("/", "/sitemap-cases.xml", "/claims/?format=json", "/contradictions/?format=csv"):
        assert "secret" not in body(client.get(url)).lower(), url
    assert client.get("/claims/", {"case": "secret"}).status_code == 400


def test_an_unknown_case_is_not_found(client):
    assert client.get("/cases/nothing-here/").status_code == 404
    assert client.get("/cases/nothing-here/feed/").status_code == 404


def test_case_page_downloads_its_statements(client, story):
    response = client.get("/cases/bridge/", {"format": "json"})
    assert 'filename="bridge-claims.json"' in response["Content-Disposition"]
    records = json.loads(body(response))
    assert [r["id"] for r in records] == [story["early"].slug, story["late"].slug]
    assert all(r["cases"] == ["bridge"] for r in records)


def test_the_demo_case_page(client, demo):
    page = client.get(f"/cases/{RUST}/").content.decode()
    assert "The Rust shooting" in page
    for pair in Contradiction.objects.published():
        assert pair.get_absolute_url() in page
    assert "/speakers/alec-baldwin/" in page and "/speakers/fbi/" in page


def test_claim_and_contradiction_pages_link_their_published_cases(client, story):
    make_case(slug="secret", title="Secret story", status=Status.DRAFT).claims.add(story["early"])
    for item in (story["early"], story["pair"]):
        page = client.get(item.get_absolute_url()).content.decode()
        assert '· in <a href="/cases/bridge/">The bridge collapse</a></p>' in page
        assert "Secret story" not in page and "/cases/secret/" not in page
    outside = client.get(story["outside"].get_absolute_url()).content.decode()
    assert not re.search(r'href="/cases/[^"]', outside)  # the navigation's /cases/ is no case


# Home page -------------------------------------------------------------------------------


def test_home_lists_published_cases_with_their_pair_counts(client, story):
    make_case(title="A draft story", status=Status.DRAFT)
    page = client.get("/").content.decode()
    cases = page[page.index('id="cases"') :]
    assert 'href="/cases/bridge/"' in cases
    assert "1 contradiction" in cases and "1 contradictions" not in cases
    assert "A draft story" not in page
    assert "Safe vs cracks" in page  # and still the latest contradictions


# Filters and exports ---------------------------------------------------------------------


def test_claim_list_filters_by_case(client, story):
    page = client.get("/claims/", {"case": "bridge"}).content.decode()
    results = page[page.index('id="results-heading"') :]
    assert "The bridge is safe." in results and "Cracks were reported." in results
    assert "Words from another story." not in results
    assert "Hidden draft words." not in results
    assert '<option value="bridge" selected>The bridge collapse</option>' in page


def test_contradiction_list_filters_by_case(client, story):
    page = client.get("/contradictions/", {"case": "bridge"}).content.decode()
    assert "Safe vs cracks" in page
    assert "Other story" not in page and "Half draft pair" not in page


@pytest.mark.parametrize("url", ["/claims/", "/contradictions/"])
@pytest.mark.parametrize("value", ["nothing", "secret", "\x00"])
def test_a_bad_case_is_the_forms_error_with_a_400(client, story, url, value):
    make_case(slug="secret", status=Status.DRAFT)
    response = client.get(url, {"case": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="filter-errors"' in page
    if value != "\x00":
        assert "There is no published case with this id." in page
    export = client.get(url, {"case": value, "format": "csv"})
    assert export.status_code == 400
    assert "Case" in export.content.decode()


def test_claim_exports_filter_by_case_and_carry_published_case_ids(client, story):
    make_case(slug="secret", status=Status.DRAFT).claims.add(story["early"])
    table = list(
        csv.DictReader(
            io.StringIO(body(client.get("/claims/", {"case": "bridge", "format": "csv"})))
        )
    )
    assert {row["id"] for row in table} == {story["early"].slug, story["late"].slug}
    assert {row["cases"] for row in table} == {"bridge"}  # never the draft case's id
    records = json.loads(body(client.get("/claims/", {"format": "json"})))
    by_id = {r["id"]: r for r in records}
    assert by_id[story["early"].slug]["cases"] == ["bridge"]
    assert by_id[story["outside"].slug]["cases"] == []


def test_contradiction_exports_filter_by_case_and_carry_case_ids(client, story):
    records = json.loads(body(client.get("/contradictions/", {"case": "bridge", "format": "json"})))
    assert [(r["id"], r["cases"]) for r in records] == [(story["pair"].slug, ["bridge"])]
    table = list(
        csv.DictReader(io.StringIO(body(client.get("/contradictions/", {"format": "csv"}))))
    )
    assert {row["id"]: row["cases"] for row in table} == {
        story["pair"].slug: "bridge",
        story["other_pair"].slug: "",
    }
    evidence = json.loads(client.get(story["pair"].get_absolute_url(), {"format": "json"}).content)
    assert evidence["cases"] == ["bridge"]
    assert evidence["claim"]["cases"] == ["bridge"]


# Feed and sitemap ------------------------------------------------------------------------


def test_case_feed_is_atom_with_the_cases_published_pairs(client, story):
    response = client.get("/cases/bridge/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10" and not feed.bozo
    assert "The bridge collapse" in feed.feed.title
    assert feed.feed.link == "http://testserver/cases/bridge/"
    assert [entry.title for entry in feed.entries] == ["Safe vs cracks"]
    assert feed.entries[0].link == f"http://testserver{story['pair'].get_absolute_url()}"


def test_the_demo_case_feed_holds_every_published_pair(client, demo):
    feed = feedparser.parse(client.get(f"/cases/{RUST}/feed/").content)
    assert not feed.bozo
    assert len(feed.entries) == Contradiction.objects.published().count() == 7


def test_sitemap_lists_published_cases(client, story):
    make_case(slug="secret", status=Status.DRAFT)
    xml = body(client.get("/sitemap-cases.xml"))
    assert "http://127.0.0.1:8000/cases/bridge/" in xml
    assert "secret" not in xml
    assert "sitemap-cases.xml" in body(client.get("/sitemap.xml"))


# Exchange ------------------------------------------------------------------------------

WITH_CASES = [
    *GOOD[:4],
    {"type": "case", "id": "doing", "title": "Doing it", "summary": "", "status": "published"},
    {"type": "case", "id": "later", "title": "Later", "summary": "Soon.", "status": "draft"},
    {**GOOD[4], "cases": ["doing", "later"]},
    {**GOOD[5], "cases": ["doing"]},
    {**GOOD[6], "cases": ["doing"]},
]


def export_bytes() -> bytes:
    return "".join(dumps(r) + "\n" for r in export_records()).encode()


def test_exchange_round_trip_with_cases_is_byte_identical():
    import_records(jsonl(WITH_CASES))
    first = export_bytes()
    lines = [json.loads(line) for line in first.decode().splitlines()]
    assert [r["type"] for r in lines] == [
        "outlet", "source", "speaker", "topic", "case", "case", "claim", "claim", "contradiction",
    ]  # fmt: skip
    claims = {r["id"]: r for r in lines if r["type"] == "claim"}
    assert claims["never-did-it"]["cases"] == ["doing", "later"]
    assert [r["cases"] for r in lines if r["type"] == "contradiction"] == [["doing"]]
    assert Case.objects.get(slug="doing").published_at is not None
    for model in (Correction, Contradiction, Citation, Claim, Case):
        model.objects.all().delete()
    import_records(first)
    assert export_bytes() == first
    again = import_records(first)
    assert again.created == again.updated == 0


def test_a_file_without_cases_imports_and_keeps_the_cases_already_given():
    import_records(jsonl(WITH_CASES))
    report = import_records(jsonl(GOOD))  # the same items, from before cases existed
    assert report.created == report.updated == 0
    assert sorted(Claim.objects.get(slug="never-did-it").cases.values_list("slug", flat=True)) == [
        "doing",
        "later",
    ]
    emptied = [{**r, "cases": []} if r["type"] == "contradiction" else r for r in GOOD]
    assert import_records(jsonl(emptied)).updated == 1
    assert not Contradiction.objects.get().cases.exists()


def test_a_file_without_cases_imports_into_an_empty_database():
    import_records(jsonl(GOOD))
    assert not Case.objects.exists()
    assert [r.get("cases") for r in export_records() if r["type"] == "claim"] == [[], []]


def test_a_cases_sources_travel_in_the_exchange_byte_identical_and_never_in_public():
    source_id = GOOD[1]["id"]
    with_sources = [
        {**r, "sources": [source_id]} if r["type"] == "case" and r["id"] == "later" else r
        for r in WITH_CASES
    ]
    import_records(jsonl(with_sources))
    assert list(Case.objects.get(slug="later").sources.values_list("slug", flat=True)) == [
        source_id
    ]
    first = export_bytes()
    cases = {
        r["id"]: r for r in map(json.loads, first.decode().splitlines()) if r["type"] == "case"
    }
    assert cases["later"]["sources"] == [source_id] and cases["doing"]["sources"] == []
    for model in (Correction, Contradiction, Citation, Claim, Case):
        model.objects.all().delete()
    import_records(first)
    assert export_bytes() == first
    assert Case.objects.get(slug="later").history.latest().sources.count() == 1
    # a file from before cases had sources keeps the list a case has
    assert import_records(jsonl(WITH_CASES)).updated == 0
    assert Case.objects.get(slug="later").sources.count() == 1
    # an unknown source is the line's error
    bad = [*with_sources[:5], {**with_sources[5], "sources": ["nowhere"]}]
    with pytest.raises(ImportFailed) as failed:
        import_records(jsonl(bad))
    assert "sources" in str(failed.value) and "nowhere" in str(failed.value)


def test_a_draft_cases_sources_are_not_public(client):
    from tests.factories import make_source

    draft = make_case(status=Status.DRAFT, slug="hidden-story", title="Hidden story")
    uncited = make_source(title="Working document", text="Nothing published cites this.")
    draft.sources.add(uncited)
    published = make_case(slug="open-story", title="Open story")
    published.sources.add(uncited)
    assert client.get(f"/sources/{uncited.slug}/").status_code == 404
    assert "Working document" not in body(client.get("/cases/open-story/"))
    assert client.get("/cases/hidden-story/").status_code == 404
    for url in ("/claims/?format=json", "/contradictions/?format=json", "/sitemap.xml"):
        assert uncited.slug not in body(client.get(url))


def test_bad_case_lines_and_references_are_reported_by_line():
    bad = [
        *GOOD[:4],
        {"type": "case", "id": "no-title", "title": ""},
        {"type": "case", "id": "odd", "title": "Odd", "status": "maybe"},
        {**GOOD[4], "cases": ["nowhere"]},
        {**GOOD[5], "cases": "doing"},
    ]
    with pytest.raises(ImportFailed) as failed:
        import_records(jsonl(bad))
    reasons = [str(e) for e in failed.value.errors]
    assert reasons == [
        "line 5: title: is required",
        "line 6: status: 'maybe' is not one of: draft, review, published, retracted",
        "line 7: cases: case 'nowhere' is not defined on an earlier line",
        "line 8: cases: must be a list of ids",
    ]
    assert not Case.objects.exists() and not Claim.objects.exists()


def test_the_demo_carries_its_case(demo):
    case = Case.objects.published().get(slug=RUST)
    assert case.title == "The Rust shooting"
    assert case.claims.count() == Claim.objects.count()
    assert set(case.contradictions.values_list("slug", flat=True)) == set(
        Contradiction.objects.values_list("slug", flat=True)
    )


# Admin -----------------------------------------------------------------------------------


def test_only_an_editor_changes_a_cases_status(demo):
    """The status is read-only in the form for everyone: a case is published by the publishing
    service (publishing.publish_case), from the button on its page, an editor's act."""
    reporter, editor = Client(), Client()
    reporter.force_login(user("Reporter"))
    editor.force_login(user("Editor", "ed"))
    url = reverse("admin:claims_case_add")
    data = {"title": "New story", "slug": "new-story", "summary": "", "status": "published"}
    assert reporter.post(url, data).status_code == 302
    case = Case.objects.get(slug="new-story")
    assert case.status == Status.DRAFT and case.published_at is None
    change = reverse("admin:claims_case_change", args=[case.pk])
    form = reporter.get(change).context["adminform"].form
    assert "status" not in form.fields  # read-only for a reporter
    reporter.post(change, {**data, "title": "New story, renamed", "_version": case.version})
    case.refresh_from_db()
    assert (case.title, case.status) == ("New story, renamed", Status.DRAFT)
    publish = reverse("admin:claims_case_workflow", args=[case.pk, "publish"])
    assert reporter.post(publish, {"version": case.version}).status_code == 403
    assert "status" not in editor.get(change).context["adminform"].form.fields  # and an editor
    editor.post(change, {**data, "_version": case.version})
    case.refresh_from_db()
    assert case.status == Status.DRAFT  # a form post does not publish
    assert editor.post(publish, {"version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED and case.published_at is not None


# Site identity ---------------------------------------------------------------------------


def test_site_name_tagline_and_search_hint_are_settings(client, settings):
    settings.SITE_NAME = "Bridge Watch"
    settings.SITE_TAGLINE = "Who said what about the bridge"
    settings.SITE_SEARCH_HINT = "e.g. cracks, inspection"
    page = client.get("/").content.decode()
    assert "<h1>Who said what about the bridge</h1>" in page
    assert 'placeholder="e.g. cracks, inspection"' in page
    assert '<span class="brand-mark" aria-hidden="true">BW</span> Bridge Watch' in page
    assert "<title>Who said what about the bridge · Bridge Watch</title>" in page


def test_no_template_names_the_demo_case():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for word in ("Baldwin", "Rust ", "trigger,", "Hutchins"):
            assert word not in text, f"{path.relative_to(TEMPLATES)} names the demo: {word!r}"


def test_the_admin_header_is_the_site_name(settings):
    settings.SITE_NAME = "Bridge Watch"
    editor = Client()
    editor.force_login(user("Editor"))
    page = editor.get(reverse("admin:index")).content.decode()
    assert "Bridge Watch newsroom</a>" in page
    assert "| Bridge Watch</title>" in page
