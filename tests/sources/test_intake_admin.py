"""Source intake on the admin: the add page takes pasted text, an uploaded file or a URL to
fetch; the change page replaces the text from a file or a URL. Bad input is a form error in
words, and nothing is saved."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from claims.models import Citation
from sources.models import Source
from tests.factories import make_claim, make_source
from tests.helpers import form_data, user
from tests.intake_server import ARTICLE, BIG, LATIN_TEXT, REPORT_PDF, serving

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sources_source_add")


@pytest.fixture
def reporter() -> Client:
    client = Client()
    client.force_login(user("Reporter"))
    return client


@pytest.fixture(scope="module")
def server():
    with serving() as base:
        yield base


def add(client: Client, **fields):
    data = {"title": "", "slug": "", "kind": "article", "text": "", **fields}
    return client.post(ADD, data)


def page(response) -> str:
    return html.unescape(response.content.decode())


def errors(response) -> list[str]:
    """Every error on the add form, in words."""
    form = response.context["adminform"].form
    return [message for messages in form.errors.values() for message in messages]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_add_page_offers_paste_upload_and_fetch(reporter):
    body = page(reporter.get(ADD))
    assert 'enctype="multipart/form-data"' in body
    for label in ("Text:", "Upload a file:", "The file's encoding:", "Fetch from the web:"):
        assert label in body
    assert "at most 20 MB" in body


def test_pasted_text_is_stored_with_its_digest_and_capture_time(reporter):
    response = add(reporter, title="Statement", slug="statement", text="One\r\nTwo\rThree")
    assert response.status_code == 302
    source = Source.objects.get(slug="statement")
    assert source.text == "One\nTwo\nThree"
    assert source.sha256 == Source.digest("One\nTwo\nThree")
    assert source.captured_at is not None


def test_a_windows_1252_file_with_its_encoding_chosen(reporter):
    data = LATIN_TEXT.encode("cp1252")
    response = add(
        reporter,
        title="Sheriff",
        slug="sheriff",
        upload=upload("sheriff.txt", data),
        upload_encoding="windows-1252",
    )
    assert response.status_code == 302
    source = Source.objects.get(slug="sheriff")
    assert source.text == LATIN_TEXT
    assert source.sha256 == Source.digest(LATIN_TEXT)
    assert source.captured_at is not None


def test_a_windows_1252_file_detected_and_the_curator_told(reporter):
    response = add(
        reporter, title="Sheriff", upload=upload("sheriff.txt", LATIN_TEXT.encode("cp1252"))
    )
    assert response.status_code == 302
    source = Source.objects.get(title="Sheriff")
    assert (source.slug, source.text) == ("sheriff", LATIN_TEXT)
    notes = page(reporter.get(response.url))
    assert "Text taken from the file sheriff.txt (text/plain, read as windows-1252)" in notes
    assert "(detected). Check a few accented letters" in notes


def test_an_html_file_fills_the_empty_fields(reporter):
    response = add(reporter, upload=upload("verdict.html", ARTICLE.encode()), author="Desk")
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.title == "Armorer found guilty of involuntary manslaughter"
    assert source.slug == "armorer-found-guilty-of-involuntary-manslaughter"
    assert str(source.published_on) == "2024-03-06"
    assert source.author == "Desk"  # what the curator typed stays
    assert "A jury in Santa Fe found the armorer guilty" in source.text
    assert "Subscribe" not in source.text
    assert "Filled in from it: title, date. Check them." in page(reporter.get(response.url))


def test_a_pdf_file(reporter):
    response = add(reporter, kind="report", upload=upload("report.pdf", REPORT_PDF))
    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.title, source.author) == ("Forensic report", "Example Laboratory")
    assert "The revolver would not fire without the trigger pulled." in source.text


@pytest.mark.parametrize(
    ("name", "data", "encoding", "message"),
    [
        ("noise.txt", bytes(range(256)) * 4, "", "it may be a binary file"),
        ("a.txt", "Sąd".encode() + b"\x81", "windows-1252", "not valid windows-1252 (byte 0x81"),
        ("scan.pdf", b"%PDF-1.4 nothing", "", "not a readable PDF"),
        ("notes.docx", b"PK\x03\x04", "", "Only these files can be read"),
        ("empty.txt", b"", "", "The submitted file is empty."),
    ],
)
def test_an_unreadable_file_is_a_form_error_and_nothing_is_saved(
    reporter, name, data, encoding, message
):
    response = add(
        reporter, title="T", slug="t", upload=upload(name, data), upload_encoding=encoding
    )
    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert message in page(response)
    assert not Source.objects.exists()


@override_settings(SOURCE_MAX_BYTES=1000)
def test_an_oversized_upload_is_refused_naming_the_limit(reporter):
    response = add(reporter, title="T", slug="t", upload=upload("big.txt", b"a" * BIG))
    assert errors(response) == ["The file is 4 KB; the limit is 1 KB."]
    assert not Source.objects.exists()


@override_settings(SOURCE_MAX_BYTES=1000)
def test_an_oversized_paste_is_refused_naming_the_limit(reporter):
    response = add(reporter, title="T", slug="t", text="a" * 1500)
    assert errors(response) == ["The text is 1.5 KB; the limit is 1 KB."]
    assert not Source.objects.exists()


def test_two_ways_at_once_are_refused(reporter):
    response = add(reporter, title="T", slug="t", text="pasted", upload=upload("a.txt", b"file"))
    assert errors(response) == [
        "Give the text one way: paste it, upload a file, or give an address to fetch."
    ]
    assert not Source.objects.exists()


def test_a_file_without_a_title_asks_for_one(reporter):
    response = add(reporter, upload=upload("a.txt", b"Just words."))
    assert errors(response) == ["Give the source a title: none was found in the text."]
    assert not Source.objects.exists()


@override_settings(SOURCE_FETCH_ALLOW_PRIVATE=True)
def test_a_url_is_fetched_and_fills_the_source(reporter, server):
    response = add(reporter, fetch_url=f"{server}/moved")
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.url == f"{server}/article"
    assert source.title == "Armorer found guilty of involuntary manslaughter"
    assert source.author == "Jane Reporter"
    assert str(source.published_on) == "2024-03-06"
    assert "“We are grateful for the verdict,” the prosecutor said" in source.text
    assert source.sha256 == Source.digest(source.text) and source.captured_at


@override_settings(SOURCE_FETCH_ALLOW_PRIVATE=True, SOURCE_FETCH_TIMEOUT=0.5)
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/nowhere", "The page answered 404 Not Found."),
        ("/image.png", "The page is image/png, not a web page, text or PDF"),
        ("/loop", "The page redirects in a loop"),
        ("/slow", "The page did not answer within 0.5 seconds."),
    ],
)
def test_a_failed_fetch_is_a_form_error(reporter, server, path, message):
    response = add(reporter, title="T", slug="t", fetch_url=f"{server}{path}")
    assert response.status_code == 200
    assert any(error.startswith(message) for error in errors(response)), errors(response)
    assert not Source.objects.exists()


def test_loopback_is_refused_without_the_setting(reporter, server):
    response = add(reporter, title="T", slug="t", fetch_url=f"{server}/article")
    assert errors(response) == [
        "127.0.0.1 is a private or loopback address: fetching it is turned off "
        "(SOURCE_FETCH_ALLOW_PRIVATE)."
    ]
    assert not Source.objects.exists()


@override_settings(SOURCE_FETCH_ALLOW_PRIVATE=True)
def test_the_change_page_replaces_the_text_from_a_url_and_re_anchors(reporter, server):
    source = make_source(text="Old text.", title="Verdict")
    claim = make_claim(text="We are grateful for the verdict,", cite=None, status="draft")
    citation = Citation.objects.create(claim=claim, source=source, quote=claim.text)
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = form_data(reporter.get(url))
    response = reporter.post(url, {**data, "fetch_url": f"{server}/article"})
    assert response.status_code == 302, errors(response)
    source.refresh_from_db()
    assert source.title == "Verdict"  # filled fields keep their value
    assert source.url == f"{server}/article"  # an empty one is filled
    assert "A jury in Santa Fe" in source.text
    assert source.sha256 == Source.digest(source.text)
    citation.refresh_from_db()
    assert citation.verification_state == "verbatim"


def test_the_change_page_keeps_the_text_when_a_file_is_refused(reporter):
    source = make_source(text="Old text.", title="Verdict")
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = form_data(reporter.get(url))
    response = reporter.post(url, {**data, "upload": upload("scan.pdf", b"%PDF-1.4 x")})
    assert response.status_code == 200
    assert errors(response) == ["The file is not a readable PDF (it may be damaged)."]
    source.refresh_from_db()
    assert (source.text, source.version) == ("Old text.", 2)


def test_a_browser_s_crlf_does_not_count_as_a_new_text(reporter):
    """Browsers send a textarea's lines with CRLF: saving a source unchanged keeps its text."""
    source = make_source(text="One\nTwo", title="Verdict")
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = form_data(reporter.get(url))
    response = reporter.post(url, {**data, "text": "One\r\nTwo", "author": "Desk"})
    assert response.status_code == 302, errors(response)
    fresh = Source.objects.get(pk=source.pk)
    assert (fresh.text, fresh.sha256, fresh.author) == ("One\nTwo", source.sha256, "Desk")
    assert fresh.history.filter(text="One\r\nTwo").count() == 0


def test_a_viewer_sees_the_source_without_the_intake_fields(db):
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    client = Client()
    client.force_login(viewer)
    source = make_source(text="Words.")
    response = client.get(reverse("admin:sources_source_change", args=[source.pk]))
    assert response.status_code == 200
    assert "Upload a file" not in page(response)


def test_a_nul_character_is_refused_in_a_paste_and_removed_from_a_file_with_a_note(reporter):
    response = add(reporter, title="T", slug="t", text="before\x00after")
    assert errors(response) == ["Null characters are not allowed."]
    response = add(reporter, title="T", slug="t", upload=upload("a.txt", b"before\x00after"))
    assert Source.objects.get().text == "beforeafter"
    assert "1 NUL character(s) removed from the text." in page(reporter.get(response.url))


def test_the_request_limit_leaves_room_for_a_pasted_text_at_the_cap(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE > settings.SOURCE_MAX_BYTES


def test_an_unexpected_failure_in_a_parser_is_a_form_error_not_a_500(reporter, monkeypatch):
    import claims.admin.intake

    def broken(*args, **kwargs):
        raise RecursionError("a parser's bug")

    monkeypatch.setattr(claims.admin.intake, "read_upload", broken)
    response = add(reporter, title="T", slug="t", upload=upload("a.html", b"<p>x</p>"))
    assert response.status_code == 200
    assert errors(response) == [
        "It could not be read (an unexpected error, logged for the developers). "
        "Paste the text instead."
    ]
    assert not Source.objects.exists()


@override_settings(SOURCE_MAX_BYTES=1000, FILE_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_large_upload_is_counted_not_kept(reporter, monkeypatch):
    """Past the memory limit a file goes to disk: no more than the cap is written there, and
    the form still names its real size."""
    from rust_tracker.uploads import CappedTemporaryFileUploadHandler

    kept = []
    complete = CappedTemporaryFileUploadHandler.file_complete

    def spy(self, file_size):
        kept.append((self.kept, file_size))
        return complete(self, file_size)

    monkeypatch.setattr(CappedTemporaryFileUploadHandler, "file_complete", spy)
    response = add(reporter, title="T", slug="t", upload=upload("big.txt", b"a" * 50_000))
    assert errors(response) == ["The file is 50 KB; the limit is 1 KB."]
    assert kept == [(1001, 50_000)]
    assert not Source.objects.exists()


PLAIN_STORY = (
    "Harbor Commission Delays Dredging Vote\n"
    "By Marisol Ortega\n"
    "March 13, 2026\n"
    "\n"
    "The harbor commission on Thursday postponed a vote on the dredging contract.\n"
)


def test_a_plain_text_upload_takes_its_title_author_and_date_from_its_first_lines(reporter):
    response = add(reporter, upload=upload("harbor.txt", PLAIN_STORY.encode()))
    assert response.status_code == 302, errors(response)
    source = Source.objects.get()
    assert source.title == "Harbor Commission Delays Dredging Vote"
    assert source.slug == "harbor-commission-delays-dredging-vote"
    assert source.author == "Marisol Ortega"
    assert str(source.published_on) == "2026-03-13"
    assert "Filled in from it: title, date, author. Check them." in page(reporter.get(response.url))


def test_a_pasted_plain_text_fills_the_empty_fields_too(reporter):
    response = add(reporter, text=PLAIN_STORY, author="Desk")
    assert response.status_code == 302, errors(response)
    source = Source.objects.get()
    assert (source.title, source.author) == ("Harbor Commission Delays Dredging Vote", "Desk")
    assert "Filled in from the text's first lines: title, date." in page(reporter.get(response.url))


def test_a_refused_upload_keeps_its_text_in_the_form(reporter):
    response = add(reporter, upload=upload("notes.txt", b"Just words.\nAnd more words."))
    assert response.status_code == 200
    assert errors(response) == ["Give the source a title: none was found in the text."]
    body = page(response)
    assert "kept in the text box" in body
    assert "no need to upload the file again" in body
    form = response.context["adminform"].form
    assert form["text"].value() == "Just words.\nAnd more words."
    # Sent again with a title, as the page now stands: saved with the file's text.
    response = add(reporter, title="Notes", text=form["text"].value())
    assert response.status_code == 302, errors(response)
    assert Source.objects.get().text == "Just words.\nAnd more words."


def test_an_upload_refused_for_a_taken_slug_keeps_its_text_and_what_it_offered(reporter):
    make_source(slug="harbor", title="Another")
    response = add(reporter, slug="harbor", upload=upload("harbor.txt", PLAIN_STORY.encode()))
    assert response.status_code == 200
    assert any("slug" in error.lower() for error in errors(response)), errors(response)
    form = response.context["adminform"].form
    assert form["text"].value().startswith("Harbor Commission Delays Dredging Vote")
    assert form["title"].value() == "Harbor Commission Delays Dredging Vote"
    assert "kept in the text box" in page(response)


TRANSCRIPT = (
    "Harbor Commission: regular meeting\n"
    "Tuesday 4 February 2025, Commission Room, Pier Building\n\n"
    "CHAIR OSEI: The meeting will come to order.\n\n"
    "COMMISSIONER LINDQVIST: I move we take the dredging item first.\n\n"
    "CHAIR OSEI: Seconded? Then we begin with dredging.\n\n"
    "MR. FARROW: The channel has silted faster than the survey said.\n"
)
LETTER = (
    "Mara Kettering\n"
    "14 Quay Road, Port Alden\n"
    "3 March 2025\n\n"
    "Dear members of the Harbor Commission,\n\n"
    "I write to resign from the dredging advisory panel, effective today.\n\n"
    "Yours sincerely,\n"
    "Mara Kettering\n"
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [(TRANSCRIPT, "transcript"), (LETTER, "letter"), ("Plain words. " * 30, "article")],
)
def test_a_pasted_text_whose_form_says_its_kind_is_filed_as_that_kind(reporter, text, kind):
    response = add(reporter, slug=f"pasted-{kind}", text=text, kind="article")
    if kind == "article":  # nothing in its form: the title is asked for, the kind left alone
        assert response.status_code == 200
        return
    assert response.status_code == 302, errors(response)
    assert Source.objects.get(slug=f"pasted-{kind}").kind == kind


def test_a_kind_the_curator_chose_is_kept(reporter):
    response = add(reporter, slug="chosen", text=TRANSCRIPT, kind="broadcast")
    assert response.status_code == 302, errors(response)
    assert Source.objects.get(slug="chosen").kind == "broadcast"
