"""Work inside a case (issue 19, point 2): a pair takes the case its two claims share; the
lists that offer claims rank what is near (the same case, the same speaker) first; the case's
page is the desk's workspace (its sources and their quotes, its claims and pairs with their rule
status, what is not yet paired, "Add" links pre-filled with the case); a source added from the
case belongs to it, a claim from a quote of a source in one case takes that case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import curation, publishing
from claims.cases import add_source, quote_url, take_source_case
from claims.models import Contradiction, Status
from sources.models import Source
from tests.factories import make_case, make_claim, make_contradiction, make_source, make_speaker
from tests.helpers import change_url, form_data, signed_in, step_url, text, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases():
    """Two claims in case A (one of them also in case B), a third claim in B only."""
    a, b = make_case(status=Status.DRAFT), make_case(status=Status.DRAFT)
    claim = make_claim(text="The bridge is perfectly safe for traffic.", status=Status.DRAFT)
    counter = make_claim(text="Inspectors closed the bridge to traffic.", status=Status.DRAFT)
    claim.cases.add(a, b)
    counter.cases.add(a)
    return a, b, claim, counter


# --- (a) a pair takes the case its two claims share -----------------------------------------


def test_a_linked_pair_takes_the_cases_both_claims_belong_to(two_cases):
    a, _b, claim, counter = two_cases
    pair = curation.link_as_contradiction(claim=claim, counter=counter, by=user("Reporter"))
    assert list(pair.cases.all()) == [a]


def test_a_pair_of_claims_in_no_common_case_has_none():
    claim, counter = make_claim(), make_claim()
    claim.cases.add(make_case())
    pair = curation.link_as_contradiction(claim=claim, counter=counter)
    assert not pair.cases.exists()


def test_the_add_form_gives_a_new_pair_the_shared_case_when_none_is_chosen(reporter, two_cases):
    a, b, claim, counter = two_cases
    form = {
        "slug": "bridge-pair",
        "title": "Safe or closed",
        "claim": claim.pk,
        "counter": counter.pk,
        "relation": "contradicts",
        "explanation": "Both cannot hold.",
    }
    response = reporter.post(reverse("admin:claims_contradiction_add"), form)
    assert response.status_code == 302, text(response)
    assert list(Contradiction.objects.get(slug="bridge-pair").cases.all()) == [a]
    other = make_claim(text="The bridge reopened.", status=Status.DRAFT)
    other.cases.add(a)
    chosen = form | {"slug": "chosen", "counter": other.pk, "cases": [b.pk]}
    assert reporter.post(reverse("admin:claims_contradiction_add"), chosen).status_code == 302
    assert list(Contradiction.objects.get(slug="chosen").cases.all()) == [b]  # as chosen


# --- (b) suggestions: the same case, then the same speaker, then topics and words -----------


def test_suggestions_rank_the_same_case_first_then_the_same_speaker():
    case = make_case()
    speaker = make_speaker()
    claim = make_claim(speaker=speaker, text="The bridge is perfectly safe for traffic.")
    claim.cases.add(case)
    in_case = make_claim(text="An email: we close it tomorrow.")  # no word in common
    in_case.cases.add(case)
    same_speaker = make_claim(speaker=speaker, text="I never said anything of the kind.")
    alike = make_claim(text="The bridge is perfectly unsafe for traffic, say inspectors.")
    elsewhere = make_case()
    for item in (alike, make_claim(text="Bridge traffic is safe, perfectly safe.")):
        item.cases.add(elsewhere)
    suggestions = list(curation.suggested_counters(claim))
    assert suggestions[:2] == [in_case, same_speaker]
    assert alike in suggestions[2:]


def test_suggestions_are_never_empty_when_the_case_has_other_claims():
    case = make_case()
    claim = make_claim(text="Zyx.")  # no topics, no words worth searching
    claim.cases.add(case)
    other = make_claim(text="Qwv.")
    other.cases.add(case)
    assert list(curation.suggested_counters(claim)) == [other]


# --- (c) "Add to a claim" lists the same speaker's claims first -----------------------------


def test_add_to_a_claim_lists_the_same_speakers_claims_first(reporter):
    whitlock = make_speaker(name="Dana Whitlock", slug="dana-whitlock", aliases=["Whitlock"])
    source = make_source(
        text="“The bridge is perfectly safe for traffic,” said Mayor Dana Whitlock.\n",
        title="Mayor defends bridge",
    )
    hers = make_claim(speaker=whitlock, text="Our engineers signed it off.", status=Status.DRAFT)
    make_claim(text="The bridge is perfectly safe for traffic.")  # another speaker, same words
    (candidate,) = curation.candidates(source)
    args = [source.pk, candidate.start, candidate.end, "cite"]
    url = reverse("admin:sources_source_quote", args=args)
    options = list(reporter.get(url, {"sha256": source.sha256}).context["options"])
    assert options[0] == hers


# --- (d) the similar-claim warning looks at the same speaker or the same case ---------------


def post_claim(client, speaker, words, cases=()):
    return client.post(
        reverse("admin:claims_claim_add"),
        {
            "slug": f"new-{speaker.pk}",
            "speaker": speaker.pk,
            "kind": "quote",
            "text": words,
            "said_on_precision": "day",
            "cases": [c.pk for c in cases],
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
        follow=True,
    )


def test_the_similar_claim_warning_ignores_other_speakers_and_cases(reporter):
    make_claim(slug="elsewhere", text="The bridge is perfectly safe for traffic.")
    page = text(post_claim(reporter, make_speaker(), "The bridge is perfectly safe for traffic!"))
    assert "Similar claims already on record" not in page


def test_the_similar_claim_warning_names_the_same_cases_claims(reporter):
    case = make_case(status=Status.DRAFT)
    on_record = make_claim(slug="in-case", text="The bridge is perfectly safe for traffic.")
    on_record.cases.add(case)
    make_claim(slug="elsewhere", text="The bridge is perfectly safe for traffic.")
    page = text(
        post_claim(reporter, make_speaker(), "The bridge is perfectly safe for traffic!", [case])
    )
    assert "Similar claims already on record: 'in-case' (published)." in page


# --- (e) the case's page is the desk's workspace ---------------------------------------------

STORY = (
    "HARBOUR TOWN — The mayor spoke on Monday.\n\n"
    "“The bridge is perfectly safe for traffic,” said Mayor Dana Whitlock.\n\n"
    "“We closed the bridge to all traffic,” said Orla Fenwick, a spokeswoman for the agency.\n"
)


@pytest.fixture
def workspace_case():
    """A draft case with a source (two quotes, one cited), a claim in review that meets the
    rules, a draft claim whose quote is not in its source, a published pair and an unpaired
    claim; and a claim of another case."""
    case = make_case(status=Status.DRAFT, title="The Millrace bridge")
    source = make_source(text=STORY, title="Mayor defends bridge")
    add_source(case=case, source=source)
    mayor = make_speaker(name="Dana Whitlock")
    quote = next(c for c in curation.candidates(source) if "perfectly safe" in c.quote)
    sound = curation.claim_from_candidate(source=source, candidate=quote, speaker=mayor)
    publishing.submit_for_review(item=sound, by=user("Reporter", "another-reporter"))
    sound.refresh_from_db()
    wrong = make_claim(status=Status.DRAFT, cite=source, text="Nobody ever drove on it.")
    published = make_claim(slug="published-claim", cite=source, text="The mayor spoke on Monday.")
    counter = make_claim(slug="published-counter", text="The bridge is closed.", kind="record")
    pair = make_contradiction(claim=published, counter=counter, slug="spoke-vs-closed")
    for item in (sound, wrong, published, counter, pair):
        item.cases.add(case)
    elsewhere = make_claim(slug="elsewhere", text="Words of another story.")
    elsewhere.cases.add(make_case())
    return {"case": case, "source": source, "sound": sound, "wrong": wrong, "pair": pair}


def section(page: str, name: str) -> str:
    """The part of the workspace from the heading of ``name`` to the next heading."""
    start = page.index(f'id="case-{name}-title"')
    end = page.find("<h3", start)
    return page[start : end if end != -1 else None]


def test_the_case_page_shows_its_sources_quotes_claims_pairs_and_what_is_unpaired(
    reporter, workspace_case
):
    page = text(reporter.get(change_url(workspace_case["case"])))
    sources = section(page, "sources")
    assert "Mayor defends bridge" in sources
    assert "2 found, 1 not yet curated" in sources
    quotes = section(page, "quotes")
    assert "We closed the bridge to all traffic" in quotes  # not yet a claim
    assert "perfectly safe for traffic" not in quotes  # cited by a claim already
    source = workspace_case["source"]
    assert f"/admin/sources/source/{source.pk}/quotes/" in quotes  # the source's own flows
    claims = section(page, "claims")
    sound, wrong = workspace_case["sound"], workspace_case["wrong"]
    row = claims[claims.index(f'id="case-claim-{sound.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "In review" in row and "Every publishing rule holds" in row
    row = claims[claims.index(f'id="case-claim-{wrong.pk}"') :]
    assert "was not found in its source" in row[: row.index("</tr>")]
    assert "elsewhere" not in page
    pairs = section(page, "pairs")
    assert "published-claim contradicted by published-counter" in pairs
    assert "On record: every rule holds" in pairs
    unpaired = section(page, "unpaired")
    assert sound.slug in unpaired and wrong.slug in unpaired
    assert "published-claim" not in unpaired and "published-counter" not in unpaired


def test_a_published_item_that_broke_a_rule_needs_attention_on_the_workspace(
    reporter, workspace_case
):
    from claims.models import Citation

    Citation.objects.filter(claim__slug="published-claim").update(
        verification_state="not_found", drifted=True
    )
    page = text(reporter.get(change_url(workspace_case["case"])))
    assert "Needs attention" in section(page, "claims")
    assert "Needs attention" in section(page, "pairs")


def test_the_add_links_prefill_the_case(reporter, workspace_case):
    case = workspace_case["case"]
    page = text(reporter.get(change_url(case)))
    for model in ("sources/source", "claims/claim", "claims/contradiction"):
        url = f"/admin/{model}/add/?cases={case.pk}"
        assert f'href="{url}"' in page
        form = reporter.get(url).context["adminform"].form
        assert [str(pk) for pk in form.initial["cases"]] == [str(case.pk)]
        assert f'<option value="{case.pk}" selected>{case.title}</option>' in text(
            reporter.get(url)
        )


def test_a_source_added_from_the_case_belongs_to_it_and_the_desk_is_back_on_the_case(
    reporter, workspace_case
):
    case = workspace_case["case"]
    response = reporter.post(
        f"/admin/sources/source/add/?cases={case.pk}",
        {
            "title": "Agency closes bridge",
            "slug": "agency-closes-bridge",
            "kind": "article",
            "text": "“The supports are corroded,” the agency said in its report.",
            "cases": [case.pk],
        },
    )
    assert response.status_code == 302, text(response)
    assert response["Location"] == change_url(case)
    source = Source.objects.get(slug="agency-closes-bridge")
    assert list(source.cases.all()) == [case]
    latest = case.history.latest()  # the case's history holds the change, by the reporter
    assert latest.history_user.username == "reporter"
    assert source.pk in {row.source_id for row in latest.sources.all()}
    page = text(reporter.get(change_url(case)))
    assert "Agency closes bridge" in section(page, "sources")
    assert "The supports are corroded" in section(page, "quotes")


def test_a_claim_added_from_the_case_brings_the_desk_back_to_the_case(reporter, workspace_case):
    case = workspace_case["case"]
    speaker = make_speaker(name="Ines Okafor")
    data = {
        "slug": "okafor-new",
        "speaker": speaker.pk,
        "kind": "quote",
        "text": "The supports were never inspected.",
        "said_on_precision": "day",
        "cases": [case.pk],
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    response = reporter.post(f"/admin/claims/claim/add/?cases={case.pk}", data)
    assert response.status_code == 302 and response["Location"] == change_url(case)
    assert "okafor-new" in section(text(reporter.get(change_url(case))), "unpaired")
    # "Save and continue editing" stays on the claim, as asked
    data["slug"], data["_continue"] = "okafor-other", "1"
    response = reporter.post(f"/admin/claims/claim/add/?cases={case.pk}", data)
    assert "/admin/claims/claim/" in response["Location"]


def test_a_sources_page_shows_and_changes_the_cases_it_belongs_to(reporter, workspace_case):
    case, source = workspace_case["case"], workspace_case["source"]
    other = make_case(status=Status.DRAFT, title="Harbour budget")
    url = reverse("admin:sources_source_change", args=[source.pk])
    response = reporter.get(url)
    assert [int(pk) for pk in response.context["adminform"].form.initial["cases"]] == [case.pk]
    data = form_data(response) | {"cases": [str(other.pk)]}
    assert reporter.post(url, data).status_code == 302
    assert list(source.cases.all()) == [other]
    assert not case.sources.exists()


def test_a_reporter_works_in_the_case_and_only_an_editor_publishes_it(reporter, workspace_case):
    case = workspace_case["case"]
    page = text(reporter.get(change_url(case)))
    assert "Add source" in page and "Add claim" in page and "Add contradiction" in page
    assert "Publish case" not in page
    assert reporter.get(step_url(case, "publish")).status_code == 403
    editor_page = text(signed_in("Editor").get(change_url(case)))
    assert "Publish case" in editor_page and 'id="case-workspace"' in editor_page


def test_the_case_page_runs_the_same_queries_however_many_claims_and_pairs(reporter):
    """Guards against N+1: sources, claims, pairs and their citations are read a list at a
    time (the speakers on record once for every source's quotes)."""
    case = make_case(status=Status.DRAFT)
    source = make_source(text=STORY)
    add_source(case=case, source=source)

    def grow(count):
        for _ in range(count):
            claim = make_claim(cite=source, text="The bridge is perfectly safe for traffic")
            counter = make_claim(status=Status.REVIEW, text="Closed.", kind="record")
            pair = make_contradiction(claim=claim, counter=counter, status=Status.DRAFT)
            for item in (claim, counter, pair):
                item.cases.add(case)
            make_claim(status=Status.DRAFT, text="Unpaired.", kind="record").cases.add(case)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert reporter.get(change_url(case)).status_code == 200
        return len(queries)

    grow(1)
    few = count()
    grow(3)
    assert count() == few
    for day in ("Tuesday", "Wednesday", "Thursday"):
        add_source(case=case, source=make_source(text=STORY.replace("Monday", day)))
    assert count() == few


# --- (f) what is made inside a case belongs to it --------------------------------------------


def test_a_claim_from_a_quote_of_a_source_in_one_case_takes_that_case():
    case = make_case(status=Status.DRAFT)
    source = make_source(text=STORY)
    add_source(case=case, source=source)
    claim = make_claim(status=Status.DRAFT)
    assert take_source_case(claim=claim, source=source) == case
    assert list(claim.cases.all()) == [case]
    assert take_source_case(claim=claim, source=source) == case  # twice: still one
    assert list(claim.cases.all()) == [case]


def test_the_new_claim_page_of_a_cases_source_gives_the_claim_the_case(reporter):
    """The one-step page a quote (or any selected passage) of the source opens."""
    case = make_case(status=Status.DRAFT)
    source = make_source(text=STORY)
    add_source(case=case, source=source)
    whitlock = make_speaker(name="Dana Whitlock")
    quote = next(c for c in curation.candidates(source) if "perfectly safe" in c.quote)
    url = quote_url(source, quote, "claim")  # as the workspace links it
    form = reporter.get(url).context["form"]
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in form.initial.items()}
    assert data["speaker"] == whitlock.pk
    assert reporter.post(url, data).status_code == 302
    claim = source.citations.get().claim
    assert list(claim.cases.all()) == [case]


def test_a_claim_from_a_source_in_several_cases_or_none_is_left_to_the_curator():
    source = make_source(text=STORY)
    claim = make_claim(status=Status.DRAFT)
    assert take_source_case(claim=claim, source=source) is None
    for case in (make_case(), make_case()):
        add_source(case=case, source=source)
    assert take_source_case(claim=claim, source=source) is None
    assert not claim.cases.exists()


def test_a_pair_added_from_the_workspace_takes_the_case(reporter, workspace_case):
    case, sound, wrong = (workspace_case[k] for k in ("case", "sound", "wrong"))
    url = f"/admin/claims/contradiction/add/?claim={sound.pk}&cases={case.pk}"
    form = reporter.get(url).context["adminform"].form
    assert int(form.initial["claim"]) == sound.pk
    response = reporter.post(
        url,
        {
            "slug": "safe-vs-nobody",
            "claim": sound.pk,
            "counter": wrong.pk,
            "relation": "contradicts",
            "explanation": "Both cannot hold.",
            "cases": [case.pk],
        },
    )
    assert response.status_code == 302, text(response)
    assert list(Contradiction.objects.get(slug="safe-vs-nobody").cases.all()) == [case]
    page = text(reporter.get(change_url(case)))
    assert f"{sound.slug} contradicted by {wrong.slug}" in section(page, "pairs")
    assert sound.slug not in section(page, "unpaired")
