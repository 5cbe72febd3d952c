"""Work inside a case (issue 19, point 2): a pair takes the case its two claims share, and the
lists that offer claims rank what is near (the same case, the same speaker) first."""

import pytest
from django.urls import reverse

from claims import curation
from claims.models import Contradiction, Status
from tests.factories import make_case, make_claim, make_source, make_speaker
from tests.helpers import text, user

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
