"""The date and the venue a text gives for one passage in it (sources/text/facts.py): texts of
many kinds, written as newsrooms write them, each passage found by its words."""

from datetime import date

import pytest

from sources.text.facts import DAY, MONTH, YEAR, Facts, parse_date, propose_facts


def facts(text: str, words: str, story_date: date | None) -> Facts:
    start = text.index(words)
    return propose_facts(text, start, start + len(words), story_date)


WIRE = """Port authority defers vote on dredging contract

By Marisol Ortega

HALVERSTON — The harbor commission on Thursday postponed a vote on a $40 million dredging
contract after two commissioners questioned the bidding process.

"I am not going to rubber-stamp a deal nobody has read," Commissioner Pete Albrecht said at a
public meeting of the commission.

Chairwoman Dana Kirsch, speaking to reporters afterward, said the delay would cost the port
money. "Every month we wait, the river silts up a little more," she said.
"""


def test_a_weekday_in_the_paragraph_before_the_quote_counts_back_from_the_story_date():
    # Story of Friday 13 March 2026; "on Thursday" is in the paragraph before the quote.
    found = facts(WIRE, "I am not going to rubber-stamp", date(2026, 3, 13))
    assert found.date == date(2026, 3, 12)
    assert found.precision == DAY
    assert "“on Thursday”" in found.date_basis or "Thursday" in found.date_basis
    assert "13 Mar 2026" in found.date_basis


def test_a_venue_in_the_quote_s_own_sentence():
    found = facts(WIRE, "I am not going to rubber-stamp", date(2026, 3, 13))
    assert found.venue is not None
    assert found.venue.lower().startswith("public meeting")
    assert "at a public meeting" in found.venue_basis


def test_the_headline_is_never_the_venue():
    text = 'Mayor\'s press conference ends in shouting match\n\n"Sit down," the mayor said.\n'
    found = facts(text, "Sit down,", date(2026, 1, 9))
    assert found.venue is None


def test_yesterday_and_the_story_date():
    text = (
        "Grain prices fell sharply yesterday after the ministry released its forecast.\n\n"
        '"Farmers should brace for a hard season," Agriculture Minister Ruth Okafor told '
        "parliament yesterday."
    )
    found = facts(text, "Farmers should brace", date(2026, 2, 1))
    assert found.date == date(2026, 1, 31)
    assert found.precision == DAY
    assert "yesterday" in found.date_basis


def test_a_weekday_crossing_the_month_boundary():
    # Story dated Tuesday 3 March 2026; "last Friday" is 27 February.
    text = (
        "Speaking at a rally in Dunmore last Friday, the senator promised to fight the plan. "
        "“We will not let them close this hospital,” she said."
    )
    found = facts(text, "We will not let them close", date(2026, 3, 3))
    assert found.date == date(2026, 2, 27)
    assert found.venue and "rally" in found.venue.lower()


def test_a_weekday_crossing_the_year_boundary():
    # Story dated Friday 2 January 2026; "Tuesday" is 30 December 2025.
    text = (
        'The fire chief said on Tuesday that the department was understaffed. "We are running '
        'on fumes," he said.'
    )
    found = facts(text, "We are running on fumes,", date(2026, 1, 2))
    assert found.date == date(2025, 12, 30)


def test_a_weekday_that_names_the_story_s_own_day():
    # Wednesday 11 March 2026, and the story says "on Wednesday".
    text = '"There is no cover-up," the director said on Wednesday.'
    found = facts(text, "There is no cover-up,", date(2026, 3, 11))
    assert found.date == date(2026, 3, 11)
    assert found.precision == DAY


def test_last_weekday_on_that_weekday_is_a_week_before():
    text = 'She said last Wednesday: "We were never told."'
    found = facts(text, "We were never told.", date(2026, 3, 11))
    assert found.date == date(2026, 3, 4)


def test_tuesday_night():
    text = (
        'In a televised address Tuesday night, the governor defended the cuts. "These are '
        'painful choices," he said.'
    )
    found = facts(text, "These are painful choices,", date(2026, 3, 12))
    assert found.date == date(2026, 3, 10)
    assert found.venue and "address" in found.venue.lower()


def test_an_explicit_date_in_the_paragraph():
    text = (
        "At a hearing on March 3, Dr. Amit Rao testified that the samples had been mislabeled. "
        '"The chain of custody was broken," Rao said.'
    )
    found = facts(text, "The chain of custody was broken,", date(2026, 3, 20))
    assert found.date == date(2026, 3, 3)
    assert found.precision == DAY
    assert "March 3" in found.date_basis


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("on 3 March 2026", date(2026, 3, 3)),
        ("on Mar. 3", date(2026, 3, 3)),
        ("on March 3rd", date(2026, 3, 3)),
        ("on Tuesday, March 3, 2026", date(2026, 3, 3)),
        ("on the 3rd of March", date(2026, 3, 3)),
        ("on 2026-03-03", date(2026, 3, 3)),
    ],
)
def test_explicit_dates_in_their_usual_forms(written, expected):
    text = f'The minister wrote {written} that "the figures speak for themselves."'
    found = facts(text, "the figures speak for themselves.", date(2026, 3, 15))
    assert (found.date, found.precision) == (expected, DAY)


def test_a_date_without_a_year_late_in_the_previous_year():
    text = 'The coach said on Dec. 29 that "nobody here is leaving."'
    found = facts(text, "nobody here is leaving.", date(2026, 1, 6))
    assert found.date == date(2025, 12, 29)


def test_a_date_ahead_of_the_story_is_a_plan_not_when_it_was_said():
    text = (
        'The council will vote on March 30, the clerk said Monday. "We expect a full '
        'chamber," she said.'
    )
    found = facts(text, "We expect a full chamber,", date(2026, 3, 12))
    assert found.date == date(2026, 3, 9)  # Monday, not the vote


def test_a_story_with_no_date_in_it_falls_back_to_the_story_s_date():
    text = 'The plan is "dead on arrival," according to the union.'
    found = facts(text, "dead on arrival,", date(2025, 11, 4))
    assert found.date == date(2025, 11, 4)
    assert found.precision == DAY
    assert "story's date" in found.date_basis
    assert "no date in the text" in found.date_basis


def test_no_date_anywhere():
    text = 'The plan is "dead on arrival," according to the union.'
    found = facts(text, "dead on arrival,", None)
    assert found.date is None
    assert found.precision is None
    assert found.date_basis


def test_a_weekday_without_a_story_date_is_not_guessed():
    text = '"We are done here," the striker said Monday.'
    found = facts(text, "We are done here,", None)
    assert found.date is None
    assert "Monday" in found.date_basis


EMAIL_IN_STORY = """Emails show health officials knew of the leak

By Tom Hadley

Internal emails obtained by the Courier show that senior officials were warned about the
contamination weeks before the public was told.

From: Linda Marsh
Sent: Thursday, January 15, 2026 8:42 AM
To: Regional Director Paul Greer
Subject: Well 4 results

Paul, the nitrate readings from Well 4 are three times the limit. I don't think we can sit on
this much longer.

The department did not notify residents until Feb. 9. Greer said on Monday that "the data
needed to be verified first."
"""


def test_an_email_quoted_in_a_story_keeps_its_own_date():
    found = facts(EMAIL_IN_STORY, "I don't think we can sit on", date(2026, 3, 4))
    assert found.date == date(2026, 1, 15)
    assert found.precision == DAY
    assert "email" in found.date_basis.lower()
    assert found.venue and found.venue.startswith("Email")
    assert "Paul Greer" in found.venue


def test_the_story_resumes_after_the_email():
    found = facts(EMAIL_IN_STORY, "the data\nneeded to be verified first.", date(2026, 3, 4))
    assert found.date == date(2026, 3, 2)  # Monday before Wednesday 4 March


def test_an_email_with_an_rfc_date_header():
    text = (
        "From: ops@example.org\nTo: board@example.org\nDate: Mon, 2 Feb 2026 17:05:11 -0500\n"
        "Subject: Outage\n\nWe lost both feeds at 4pm and have no timeline for a fix.\n"
    )
    found = facts(text, "We lost both feeds", date(2026, 2, 10))
    assert found.date == date(2026, 2, 2)


def test_a_reply_line_dates_the_quoted_message():
    text = (
        "Thanks, I'll look into it.\n\n"
        "On Fri, Feb 6, 2026 at 10:12 AM Jo Banner <jo@example.org> wrote:\n"
        "> The contract was never signed, so we owe them nothing.\n"
    )
    found = facts(text, "The contract was never signed", date(2026, 2, 9))
    assert found.date == date(2026, 2, 6)


LETTER = """Riverside Tenants Association
14 Mill Lane

12 February 2026

Dear Councillor Abebe,

We write to object to the proposed rent review. The building has had no heating since
November, and the landlord has ignored every complaint we have sent.

Yours sincerely,
Grace Whitfield, Chair
"""


def test_a_letter_s_own_date_and_its_addressee():
    found = facts(LETTER, "the landlord has ignored every complaint", date(2026, 2, 20))
    assert found.date == date(2026, 2, 12)
    assert "letter" in found.date_basis.lower()
    assert found.venue and found.venue.startswith("Letter")
    assert "Abebe" in found.venue


TRANSCRIPT = """TRANSCRIPT: Special session of the Water Board
Date: 9 March 2026

CHAIR WELLS: We are now in session. First item, the rate increase.

MS. FERRANTE: The increase was approved by staff before anyone on this board saw it.

CHAIR WELLS: That is not accurate.
"""


def test_a_transcript_s_date_header_dates_every_turn():
    found = facts(TRANSCRIPT, "The increase was approved by staff", date(2026, 3, 14))
    assert found.date == date(2026, 3, 9)
    assert "Date" in found.date_basis


def test_a_transcript_without_story_date_still_has_its_header():
    found = facts(TRANSCRIPT, "That is not accurate.", None)
    assert found.date == date(2026, 3, 9)


def test_earlier_this_week_is_shown_to_the_month():
    text = 'The chancellor told students earlier this week that "tuition will not rise next year."'
    found = facts(text, "tuition will not rise next year.", date(2026, 3, 13))
    assert found.precision == MONTH
    assert (found.date.year, found.date.month) == (2026, 3)


def test_last_month_and_last_year():
    text = 'The CEO said last month that "layoffs are off the table."'
    found = facts(text, "layoffs are off the table.", date(2026, 1, 20))
    assert (found.date.year, found.date.month, found.precision) == (2025, 12, MONTH)
    text = 'In 2024 she said that "the mine is safe."'
    found = facts(text, "the mine is safe.", date(2026, 1, 20))
    assert (found.date.year, found.precision) == (2024, YEAR)


def test_a_date_inside_the_quote_is_not_when_it_was_said():
    text = '"We met them on January 4 and they agreed," the spokesman said Thursday.'
    found = facts(text, "We met them on January 4 and they agreed,", date(2026, 2, 13))
    assert found.date == date(2026, 2, 12)


def test_the_nearest_mention_wins_when_there_are_two():
    text = (
        'Hughes, who was appointed on Jan. 5, said Tuesday that the budget "cannot absorb '
        'another cut."'
    )
    found = facts(text, "cannot absorb another cut.", date(2026, 3, 13))
    assert found.date == date(2026, 3, 10)


@pytest.mark.parametrize(
    ("sentence", "venue_word"),
    [
        ('"We did nothing wrong," Price said in an interview with the Gazette.', "interview"),
        ('"We did nothing wrong," Price wrote in a letter to the council.', "letter"),
        ('"We did nothing wrong," Price told the hearing.', "hearing"),
        ('"We did nothing wrong," Price wrote on Facebook.', "facebook"),
        ('"We did nothing wrong," Price said in a statement.', "statement"),
        ('Price told a Senate committee hearing: "We did nothing wrong,"', "hearing"),
        ('At a news conference, Price said, "We did nothing wrong,"', "news conference"),
    ],
)
def test_venues_in_the_text_s_own_words(sentence, venue_word):
    found = facts(sentence, "We did nothing wrong,", date(2026, 3, 1))
    assert found.venue is not None, sentence
    assert venue_word in found.venue.lower()
    assert found.venue_basis


def test_no_venue_when_the_text_says_nothing():
    found = facts('"We did nothing wrong," Price said on Monday.', "We did nothing wrong,", None)
    assert found.venue is None
    assert found.venue_basis == ""


def test_parse_date_reads_header_values():
    assert parse_date("Tue, 3 Mar 2026 09:14:00 +0000") == (date(2026, 3, 3), DAY)
    assert parse_date("Tuesday, March 3, 2026 9:14 AM") == (date(2026, 3, 3), DAY)
    assert parse_date("nothing here") is None


def test_offsets_out_of_range_do_not_fail():
    found = propose_facts("Short text.", 50, 80, date(2026, 1, 1))
    assert found.date == date(2026, 1, 1)


# A second round, written after the first passed: the misses it found are fixed and pinned.


def test_a_wire_story_s_weekday_on_the_story_s_own_day_and_told_reporters():
    text = (
        "MINNEAPOLIS (AP) — A former police officer pleaded not guilty Wednesday to charges "
        "stemming from the 2024 raid.\n\n"
        "“My client did what he was trained to do,” defense attorney Lena Brooks told reporters "
        "outside the courthouse."
    )
    found = facts(text, "My client did what he was trained to do,", date(2026, 1, 14))
    assert (found.date, found.precision) == (date(2026, 1, 14), DAY)
    assert "own day" in found.date_basis
    assert found.venue == "Remarks to reporters"


def test_a_memo_dated_in_the_paragraph_before_and_named_as_the_speaker():
    text = (
        "On Sept. 12, 2025, the company's chief executive sent a memo to all staff.\n\n"
        '"We have no plans to close the Dayton plant," the memo said.'
    )
    found = facts(text, "We have no plans to close the Dayton plant,", date(2026, 2, 1))
    assert found.date == date(2025, 9, 12)
    assert found.venue == "Memo"


def test_remarks_without_an_article_and_a_part_of_the_day():
    text = (
        "The senator, in remarks on the Senate floor Thursday afternoon, called the bill "
        '"a gift to polluters."'
    )
    found = facts(text, "a gift to polluters.", date(2026, 4, 18))
    assert found.date == date(2026, 4, 16)
    assert found.venue == "Remarks on the Senate floor"


def test_a_platform_post_stops_before_the_time_of_day():
    text = 'In a post on X early Saturday, the minister wrote: "The strike is illegal."'
    found = facts(text, "The strike is illegal.", date(2026, 3, 9))
    assert found.date == date(2026, 3, 7)
    assert found.venue == "Post on X"


def test_a_letter_dated_below_its_signature():
    text = (
        "Dear Mr. Patel:\n\n"
        "I am writing to tender my resignation as treasurer, effective immediately. I can no "
        "longer vouch for the accounts.\n\n"
        "Sincerely,\nRuth Adler\nOctober 4, 2025"
    )
    found = facts(text, "I can no longer vouch for the accounts.", date(2025, 10, 10))
    assert found.date == date(2025, 10, 4)
    assert "letter" in found.date_basis
    assert found.venue == "Letter to Mr. Patel"


def test_last_week_is_shown_to_the_month_most_of_its_days_fall_in():
    text = (
        'Last week, the mayor stood on the steps of City Hall and promised that "not one '
        'dollar" of public money would go to the arena.'
    )
    found = facts(text, "not one dollar", date(2026, 5, 4))  # Mon 27 Apr to Sun 3 May
    assert (found.date, found.precision) == (date(2026, 4, 1), MONTH)
    assert "27 Apr 2026 and 3 May 2026" in found.date_basis


# --- a transcript's and a letter's own date and place --------------------------------------

HEARING = (
    "Eastmoor Planning Board — hearing on the Marsh Road rezoning\n"
    "Record of the public hearing held on Wednesday 9 April 2025, Assembly Room, Old Town Hall, "
    "Eastmoor\n"
    """
CHAIR LINDQVIST: We are in session. The flooding on Marsh Road last Saturday night is the
first item.

DEVELOPER ROSA RAMOS: The culvert was cleared on Friday 4 April. The water never reached the
new houses.

MEMBER ADEYEMI — Then why were the basements pumped out on Sunday?
"""
)


def test_a_turn_in_a_transcript_is_dated_by_the_transcript_not_by_the_day_it_mentions():
    for story_date in (None, date(2025, 4, 10)):
        found = facts(HEARING, "The water never reached the\nnew houses.", story_date)
        assert found.date == date(2025, 4, 9), story_date
        assert "9 April 2025" in found.date_basis


def test_a_turn_after_a_dash_label_is_dated_by_the_transcript():
    found = facts(HEARING, "Then why were the basements pumped out", None)
    assert found.date == date(2025, 4, 9)


def test_a_transcript_turn_s_venue_is_its_header_s_place():
    found = facts(HEARING, "The water never reached the\nnew houses.", None)
    assert found.venue == "Assembly Room, Old Town Hall, Eastmoor"
    assert "Record of the public hearing" in found.venue_basis


def test_a_transcript_with_a_date_line_of_its_own_and_no_place():
    text = (
        "Radio phone-in with the harbour master\n"
        "5 February 2026\n\n"
        "HOST: Last Tuesday a trawler ran aground. What happened?\n\n"
        "HARBOUR MASTER GRAY: The beacon had been out since January 30 and nobody told us.\n"
    )
    found = facts(text, "nobody told us.", date(2026, 2, 7))
    assert found.date == date(2026, 2, 5)


LETTER_NO_DEAR = """Westfield Tenants' Association
Unit 4, Harrow Court

21 October 2025

To the Westfield Housing Committee

On 2 October the boiler in block C failed again, and the landlord's agent told us on 6 October
that no engineer was available.

We ask the committee to act before the frost.
"""


def test_a_letter_s_own_date_beats_the_days_its_body_mentions():
    found = facts(LETTER_NO_DEAR, "the boiler in block C failed again", date(2025, 10, 25))
    assert found.date == date(2025, 10, 21)
    assert "letter" in found.date_basis
    assert found.venue == "Letter to the Westfield Housing Committee"


@pytest.mark.parametrize(
    "sentence",
    [
        'She was told the Kessler Street pumps were off. "Nobody warned us," she said.',
        '"Nobody warned us," Ortiz said, and told the Kessler Street residents to leave.',
        '"Nobody warned us," Ortiz told the Kessler Street.',
    ],
)
def test_told_with_a_place_as_its_object_is_no_venue(sentence):
    found = facts(sentence, "Nobody warned us,", date(2026, 3, 1))
    assert found.venue is None, found.venue


@pytest.mark.parametrize(
    ("sentence", "venue"),
    [
        ('"Nobody warned us," Ortiz told the Eastmoor Gazette.', "Remarks to the Eastmoor Gazette"),
        (
            '"Nobody warned us," Ortiz told the Finance Committee.',
            "Remarks to the Finance Committee",
        ),
        ('"Nobody warned us," Ortiz told reporters.', "Remarks to reporters"),
        ('"Nobody warned us," Ortiz told the BBC.', "Remarks to the BBC"),
    ],
)
def test_told_an_audience_is_a_venue(sentence, venue):
    found = facts(sentence, "Nobody warned us,", date(2026, 3, 1))
    assert found.venue == venue
