"""Who said it: one test per attribution rule, with and without speakers on record."""

import pytest

from sources.text.extract import Candidate, extract_quotes
from sources.text.speakers import KnownSpeaker

# Another story's speakers on record: they must never override what the text says.
UNRELATED = [
    KnownSpeaker("dana-wick", "Dana Wick", ["Wick"], role="Mayor of Oldport"),
    KnownSpeaker("port-authority", "Oldport Port Authority", ["the authority"], "organization"),
    KnownSpeaker("ray-stone", "Ray Stone", ["Stone", "Ray"], role="City engineer"),
]
MODES = {"blind": [], "unrelated": UNRELATED}


def speakers_of(text: str, speakers=()) -> list[str | None]:
    return [c.speaker for c in extract_quotes(text, speakers=speakers)]


def by_quote(found: list[Candidate], start: str) -> Candidate:
    for c in found:
        if c.quote.startswith(start):
            return c
    raise AssertionError(f"no quote starting {start!r} in {[c.quote for c in found]}")


@pytest.fixture(params=MODES, ids=list(MODES))
def record(request):
    return MODES[request.param]


# --- the text, not the record ------------------------------------------------------------------

MAYOR_AND_ENGINEER = (
    "Mayor Jane Roe said the bridge would close in April.\n\n"
    "“Nobody wants this,” Roe said.\n\n"
    "City engineer Tom Brandvold said the corrosion had spread.\n\n"
    "“We found section loss in one beam,” he said."
)


def test_he_said_after_a_named_engineer_is_the_engineer(record):
    found = extract_quotes(MAYOR_AND_ENGINEER, speakers=record)
    assert by_quote(found, "We found").speaker == "Tom Brandvold"


def test_he_said_is_the_engineer_even_with_the_mayor_on_record():
    own = [KnownSpeaker("jane-roe", "Jane Roe", ["Roe"], role="mayor")]
    found = extract_quotes(MAYOR_AND_ENGINEER, speakers=own)
    assert by_quote(found, "Nobody").speaker_id == "jane-roe"
    assert by_quote(found, "We found").speaker == "Tom Brandvold"


def test_she_added_never_goes_to_a_town(record):
    text = (
        "Council member Lorna Pike spoke after the vote. Grantsville has asked the state to "
        "let crews work at night.\n\n“People would rather lose sleep,” she added."
    )
    assert speakers_of(text, record) == ["Lorna Pike"]


def test_a_place_is_never_a_speaker():
    text = (
        "Crews in Port Avery worked all night. Port Avery has asked the state for help.\n\n"
        "“We are exhausted,” it said."
    )
    assert speakers_of(text) == [None]


def test_pronoun_skips_a_speaker_of_the_other_gender(record):
    text = (
        "Planning commissioner Gloria Fenwick said the project met the code.\n\n"
        "“My job is to apply the code,” she said.\n\n"
        "Developer Desmond Hale told the commission he would build 30 cheap units.\n\n"
        "“That is more than the city requires,” he said.\n\n"
        "“Then we will see you in March,” she said."
    )
    assert speakers_of(text, record) == ["Gloria Fenwick", "Desmond Hale", "Gloria Fenwick"]


def test_pronoun_prefers_the_subject_to_someone_named_in_passing(record):
    text = (
        "Tom Ford gave an interview. Ford talked about the set, where Ann Lee was working."
        "\n\n“It was a terrible day,” he said."
    )
    assert speakers_of(text, record) == ["Tom Ford"]


# --- nominal references ------------------------------------------------------------------------


# A speaker named by a role, an appositive or an organisation's own word.
NOMINAL = [
    pytest.param(
        "Mayor Jane Roe and council member Priya Nandi toured the site.\n\n"
        "“We will rebuild,” the mayor said.",
        ["Jane Roe"],
        id="role-from-a-title-before-the-name",
    ),
    pytest.param(
        "Emeka Adebayo, the city's transit director, and Mayor Jane Roe spoke on Monday.\n\n"
        "“Drivers asked for this,” the transit director said.",
        ["Emeka Adebayo"],
        id="role-from-an-appositive",
    ),
    pytest.param(
        "Mayor Yolanda Preston visited. The company's spokeswoman, Maya Lindgren, said the "
        "plant was not to blame.\n\n“Our permits are in order,” the spokeswoman said.",
        ["Maya Lindgren"],
        id="role-before-the-name-with-a-comma",
    ),
    pytest.param(
        "The Bellmont Department of Public Works said the tank had been drained. Mayor Yolanda "
        "Preston visited the site.\n\n“We are not ruling anything out,” the department said.",
        ["Bellmont Department of Public Works"],
        id="the-department-said-is-the-department",
    ),
    pytest.param(
        "Greenleaf Foods is recalling spinach. Its chief executive, Ann Lee, apologised.\n\n"
        "“No illnesses have been reported,” it said.",
        ["Greenleaf Foods"],
        id="it-said-is-the-last-organisation",
    ),
    pytest.param(
        "The library was approved by Ashby Vale Borough Council. Campaigner Tobias Quayle "
        "was pleased.\n\n“Volunteers will not replace staff,” a council statement said.",
        ["Ashby Vale Borough Council"],
        id="a-council-statement-is-the-council",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NOMINAL)
def test_a_nominal_reference_finds_its_speaker(text, expected, record):
    assert speakers_of(text, record) == expected


def test_role_on_record_is_used():
    own = [
        KnownSpeaker("jane-roe", "Jane Roe", ["Roe"], role="Mayor of Harlow"),
        KnownSpeaker("tom-ray", "Tom Ray", ["Ray"], role="City engineer"),
    ]
    text = "Jane Roe and Tom Ray met residents.\n\n“It will take a year,” the engineer said."
    assert speakers_of(text, own) == ["Tom Ray"]


def test_a_role_nobody_holds_is_the_main_person():
    text = (
        "Jane Roe has admitted it feels strange to go back to work. Roe spoke on Monday. "
        "Her co-star Ann Lee was not there.\n\nThe 63-year-old said: “It is strange.”"
    )
    assert speakers_of(text) == ["Jane Roe"]


# --- cues --------------------------------------------------------------------------------------


def test_split_quote_with_a_title_in_the_cue(record):
    text = "“The channel was deep,” harbourmaster Wendell Osei said, “and now it is not.”"
    assert speakers_of(text, record) == ["Wendell Osei", "Wendell Osei"]


def test_title_words_before_a_name_in_an_inverted_cue(record):
    text = "“We welcome them,” said County Executive Leonard Ashdown."
    assert speakers_of(text, record) == ["Leonard Ashdown"]


def test_colon_introduction(record):
    text = "Finance director Harriet Mbeki was blunt: “We would be $2 million short.”"
    assert speakers_of(text, record) == ["Harriet Mbeki"]


def test_colon_introduction_with_a_possessive(record):
    text = "Mayor Teodor Vasile defended the plan. His message was simple: “Nobody likes a tax.”"
    assert speakers_of(text, record) == ["Teodor Vasile"]


def test_relative_clause_between_name_and_verb(record):
    text = (
        "Councillor Gareth Pennock, who represents the island on Dunmere Council, said "
        "residents were angry.\n\n'This is not a minor inconvenience,' he said."
    )
    assert speakers_of(text, record) == ["Gareth Pennock"]


def test_according_to_at_the_start_of_the_sentence(record):
    text = (
        "The Office of the State Auditor reviewed the Tamsin County Housing Authority.\n\n"
        "According to the audit, the authority spent “no more than a few hours a month” on it."
    )
    assert speakers_of(text, record) == ["Office of the State Auditor"]


def test_multi_paragraph_quote_with_no_cue_is_the_paragraph_befores_subject(record):
    text = (
        "At 97, Walter Kaminski is the last of the crew. On Friday he came back.\n\n"
        "“We put it up in eleven days.\n\n“I never thought I would outlive the tower.”"
    )
    assert speakers_of(text, record) == ["Walter Kaminski", "Walter Kaminski"]


def test_hard_wrapped_cue_over_a_line_break(record):
    text = (
        "HARROWGATE -- The Harrowgate Community Foundation today awarded grants\n"
        "to 14 neighborhood groups, the largest round in the foundation's history.\n"
        "\n"
        '"These groups know their streets better than any of us ever will, and\n'
        'our job is to get out of their way and fund them," said\n'
        "Imogen Tsai, executive director of the Harrowgate Community\n"
        "Foundation, which gave out its first grants twenty years ago this month.\n"
    )
    assert speakers_of(text, record) == ["Imogen Tsai"]


# --- transcripts -------------------------------------------------------------------------------


def test_question_and_answer_transcript(record):
    text = (
        "Rosalind Achebe became state librarian in January.\n\n"
        "Q: What surprised you?\n\n"
        "ACHEBE: How many libraries are run by one person.\n\n"
        "Q: Are e-books replacing paper?\n\n"
        "ACHEBE: No. People read more when they can choose how.\n"
    )
    found = extract_quotes(text, speakers=record)
    assert [c.quote for c in found] == [
        "How many libraries are run by one person.",
        "No. People read more when they can choose how.",
    ]
    assert {c.speaker for c in found} == {"Rosalind Achebe"}
    assert {c.attribution for c in found} == {"turn"}


def test_named_turns_are_both_speakers():
    text = (
        "Harriet Quon spoke to Benedikt Auclair.\n\n"
        "Harriet Quon: Why close?\n\nBenedikt Auclair: Rent doubled.\n\n"
        "Harriet Quon: And now?\n\nBenedikt Auclair: A bakery, maybe.\n"
    )
    assert speakers_of(text) == ["Harriet Quon", "Benedikt Auclair"] * 2


def test_answer_turns_are_the_interviewees():
    text = (
        "Rosalind Achebe became state librarian in January. Harriet Quon asked the questions."
        "\n\nRosalind Achebe has run libraries for 20 years.\n\n"
        "Q: What surprised you?\n\nA: How many libraries are run by one person.\n\n"
        "Q: And e-books?\n\nA: People read more when they can choose how.\n"
    )
    assert speakers_of(text) == ["Rosalind Achebe", "Rosalind Achebe"]


def test_a_stray_label_is_not_a_transcript():
    text = "Note: this story was updated.\n\nUpdate: the bridge reopened."
    assert extract_quotes(text) == []


# --- proposing speakers not on record ----------------------------------------------------------


def test_a_new_speaker_is_described_by_kind_and_role():
    text = "“We found section loss,” said Raymond Tully, the city's engineer."
    (c,) = extract_quotes(text, speakers=UNRELATED)
    assert (c.speaker, c.speaker_id, c.speaker_kind) == ("Raymond Tully", None, "person")
    assert c.speaker_role == "engineer"


def test_a_new_organisation_is_proposed_as_one():
    text = "“The violations are serious,” the Department of Environmental Quality said."
    (c,) = extract_quotes(text)
    assert (c.speaker, c.speaker_kind) == ("Department of Environmental Quality", "organization")


def test_a_speaker_on_record_is_not_proposed():
    own = [KnownSpeaker("jane-roe", "Jane Roe", ["Roe"], misspellings=["Jane Rowe"])]
    (c,) = extract_quotes("“Yes,” said Jane Rowe.", speakers=own)
    assert (c.speaker_id, c.speaker_flag, c.speaker_kind) == ("jane-roe", "misspelling", None)


def test_an_acronym_is_an_organisation():
    text = (
        "Although a recent FBI analysis found that the gun “was in working order and could "
        "not fire,” nobody agreed."
    )
    assert speakers_of(text) == ["FBI"]


def test_a_dateline_does_not_make_a_quote_a_fragment():
    text = "WASHINGTON — “We are watching closely,” a State Department spokesman said Tuesday."
    (c,) = extract_quotes(text)
    assert (c.kind, c.speaker) == ("statement", "State Department")  # the spokesman's body


def test_an_unnamed_spokesman_of_a_department():
    (c,) = extract_quotes("“We are watching,” a department spokesman said.")
    assert c.speaker == "a department spokesman"


def test_a_person_of_an_organisation_is_the_person(record):
    text = (
        "Mara Quint of the Riverside Tenants Alliance spoke at the hearing.\n\n"
        '"We were never asked," Quint said.'
    )
    assert speakers_of(text, record) == ["Mara Quint"]


def test_a_title_inside_a_run_leaves_the_person(record):
    text = 'Board Chair Tobias Renn told reporters the cuts were "painful but needed."'
    assert speakers_of(text, record) == ["Tobias Renn"]


def test_a_title_before_of_is_not_the_organisations_role(record):
    text = (
        "Ida Marsh, president of Harbour Dock Workers Local 9, said members were angry.\n\n"
        '"Nobody told us a thing," the union president wrote to members.'
    )
    assert speakers_of(text, record) == ["Ida Marsh"]


def test_transcript_labels_name_the_people_of_the_prose_after_it(record):
    text = (
        "From the meeting's video:\n\n"
        "BOARD PRESIDENT ODILE VANCE: Is there a second?\n"
        "TRUSTEE PAVEL ORMOND: Second.\n"
        "VANCE: All in favour?\n"
        "ORMOND: Aye.\n"
        "VANCE: The motion carries.\n\n"
        'Ormond said afterward that the plan was "rushed".\n\n'
        "Vance said the board had no choice.\n\n"
        '"We did what the budget allows," she said.'
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "rushed").speaker == "Pavel Ormond"
    assert by_quote(found, "We did").speaker == "Odile Vance"


# --- issue 20, second round: roles, spokespeople, captions, transcripts' headers --------------


def test_a_role_then_the_name_in_commas_after_the_quote_is_the_name(record):
    text = (
        "Rolf Amundsen, 44, died in May.\n\n"
        "“He told them he was dying,” the family’s lawyer, Ann Tshabalala, said."
    )
    assert speakers_of(text, record) == ["Ann Tshabalala"]


def test_the_sister_named_after_a_possessive_is_she_not_her_brother(record):
    text = (
        "Rolf Amundsen died in the jail in May.\n\n"
        "Amundsen’s sister, Greta Vale, stood beside the lawyer. “He made mistakes,” she said."
    )
    assert speakers_of(text, record) == ["Greta Vale"]


def test_the_attorney_is_whoever_the_text_made_a_lawyer(record):
    text = (
        "Rolf Amundsen died in May. The county’s lawyer, Atticus Renfroe, said he had not seen "
        "the complaint.\n\n“We’ll respond in court,” the attorney said."
    )
    assert speakers_of(text, record) == ["Atticus Renfroe"]


def test_an_unnamed_spokesperson_speaks_for_the_organisation_named(record):
    text = (
        "The State Jail Standards Commission has not released its findings. A commission "
        "spokesman said the review “should be complete by the end of the month.”\n\n"
        "A spokeswoman for the Harlow Water Board said the pipes were safe.\n\n"
        "“The samples came back clean,” she said."
    )
    assert speakers_of(text, record) == ["State Jail Standards Commission", "Harlow Water Board"]


def test_a_photo_caption_and_a_byline_name_no_speaker(record):
    text = (
        "By Ines Caro\nStaff writer, The Orland Dispatch\n\n"
        "Homeowner Stellan Abernethy said he woke to the smoke alarm.\n\n"
        "Photo: Maribel Abernethy holds the dog across the street. (Ines Caro / Dispatch)\n\n"
        "“The whole back of the house was orange,” he said."
    )
    assert speakers_of(text, record) == ["Stellan Abernethy"]


def test_her_son_is_a_he(record):
    text = (
        "Ruth Kolb, 61, runs the bakery. Her son, Emeka Kolb, 34, will be the fourth "
        "generation.\n\n“He is good at it,” she said.\n\nEmeka laughs.\n\n“I’m here,” he says."
    )
    assert speakers_of(text, record) == ["Ruth Kolb", "Emeka Kolb"]


def test_a_quote_after_sentences_about_someone_is_theirs(record):
    text = (
        "“I’m here, aren’t I?” Emeka Kolb says.\n\n"
        "The bakery has survived two fires. Longtime customer Bertil Hawkins remembers the "
        "first week. Everyone expected the bakery to close. “It was the supermarket that closed.”"
    )
    assert speakers_of(text, record) == ["Emeka Kolb", "Bertil Hawkins"]


def test_a_weekday_is_never_a_speaker():
    (c,) = extract_quotes("The mayor on Tuesday called the project “a slow-motion shipwreck.”")
    assert c.speaker != "Tuesday"


def test_a_name_in_a_label_s_parenthesis_and_a_party_after_one(record):
    text = (
        "The following is a partial transcript of a news conference.\n\n"
        "PRESIDENT HELENA VOSS: Good morning.\n"
        "REPORTER (Minh Castellano, Northmere Daily): Why did it take two months?\n"
        "VOSS: The activity looked routine.\n"
        "REPORTER: Will you pay for monitoring?\n"
        "SEN. CYRUS MENDEL (R), MINORITY LEADER: It is not reckless.\n"
        "REPORTER (Castellano): Is anyone losing their job?\n"
        "VOSS: Not today."
    )
    assert speakers_of(text, record) == [
        "Helena Voss",
        "Minh Castellano",
        "Helena Voss",
        None,
        "Cyrus Mendel",
        "Minh Castellano",
        "Helena Voss",
    ]


def test_a_deposition_s_header_names_its_lawyers_and_deponent(record):
    text = (
        "Deposition of OTTILIE GRUNWALD, taken November 2\n\n"
        "APPEARANCES:\n  BENEDICT AMARI, Esq., for the Plaintiff\n"
        "  SUNNIVA ROTH, Esq., for the Defendant\n\n"
        "OTTILIE GRUNWALD,\nhaving been first duly sworn, testified as follows:\n\n"
        "BY MR. AMARI:\n"
        "Q. Were you on duty?\n"
        "A. Yes.\n"
        "MS. ROTH: Objection.\n"
        "MR. AMARI: I'll rephrase.\n"
        "Q. Did he call?\n"
        "A. At 11:40."
    )
    assert speakers_of(text, record) == [
        "Benedict Amari",
        "Ottilie Grunwald",
        "Sunniva Roth",
        "Benedict Amari",
        "Benedict Amari",
        "Ottilie Grunwald",
    ]


def test_a_short_excerpt_of_minutes_where_most_speak_once(record):
    text = (
        "Commissioners present: Theodora Blackwood (Chair), Eun-ji Park, Lars Engstrom\n\n"
        "HOLLIS VANDERMEER, SENIOR PLANNER: Staff recommends approval.\n"
        "JONAH WHITLOCK, FAIRHAVEN BUILDERS: We can accept the signal.\n"
        "COMMISSIONER EUN-JI PARK: How many are affordable?\n"
        "WHITLOCK: Six.\n"
        "CHAIR THEODORA BLACKWOOD: Is there a second?\n\n"
        "Commissioner Engstrom stated that he could not support “an approval the applicant "
        "cannot build.”"
    )
    assert speakers_of(text, record) == [
        "Hollis Vandermeer",
        "Jonah Whitlock",
        "Eun-Ji Park",
        "Jonah Whitlock",
        "Theodora Blackwood",
        "Lars Engstrom",
    ]


def test_posts_by_an_organisation_s_account_and_by_an_anonymous_user(record):
    text = (
        "Halvard Electric Cooperative posted on Facebook that crews were on their way. "
        "“We are coming,” the co-op wrote.\n\n"
        "“Day three. No power,” one user wrote in a post shared 2,000 times.\n\n"
        "In a now-deleted post, the co-op’s account said power would be back “by Monday.”"
    )
    assert speakers_of(text, record) == [
        "Halvard Electric Cooperative",
        None,
        "Halvard Electric Cooperative",
    ]


def test_his_letter_is_his_even_when_someone_else_released_it(record):
    text = (
        "Mayor Alvaro Petrakis wrote to the company on Monday.\n\n"
        "Conrad Wexley replied the same day. In his letter, also released by Petrakis’s "
        "office, he wrote that the date could not move.\n\n"
        "“We will do right by the people who did right by us,” the letter said."
    )
    assert speakers_of(text, record) == ["Conrad Wexley"]


def test_i_in_a_column_is_its_writer(record):
    text = (
        "For nineteen years I drove the No. 4 bus.\n\n"
        "Board Chair Lionel Ashgrove called the cuts “painful but necessary.”\n\n"
        "As I told the board in March, “You are not cutting a bus. You are cutting a way "
        "to work.”\n\n"
        "Rhea Mandal drove for Corriston Area Transit from 2003 to 2022."
    )
    assert speakers_of(text, record) == ["Lionel Ashgrove", "Rhea Mandal"]


def test_a_study_of_the_organisation_is_its_own(record):
    text = (
        "The Skerrin County Council says the ferry loses money. Viktor Hale runs a bakery. "
        "But the council’s own study, published in 2019, found that islanders “have no "
        "alternative.”"
    )
    assert speakers_of(text, record) == ["Skerrin County Council"]


def test_a_relative_clause_about_her_organisation_leaves_her_the_speaker(record):
    text = (
        "Yusuf Brandt, director of the Tamsin River Health Alliance, which represents 23 "
        "clinics in the region, called the grants “a lifeline at exactly the right moment.”"
    )
    assert speakers_of(text, record) == ["Yusuf Brandt"]


def test_a_headline_s_fragment_is_the_lede_s_speaker_introduced_after_it(record):
    text = (
        "Port chief calls dredging delay ‘a slow-motion shipwreck’\n\n"
        "VESPERTINE BAY — The head of the Port of Vespertine Bay on Tuesday called the delay "
        "“a slow-motion shipwreck” for the region.\n\n"
        "Port Director Cassius Mbeki told the port commission that two lines might stop "
        "calling."
    )
    found = extract_quotes(text, speakers=record)
    assert [(c.speaker, c.attribution) for c in found] == [
        ("Cassius Mbeki", "repeated"),
        ("Cassius Mbeki", "cue_before"),
    ]


def test_who_calls_her_is_the_name_before_and_she_stays_the_subject(record):
    text = (
        "Nadia Brzezinski, 58, has worked nights for twenty-six years. She has trained the "
        "charge nurse tonight, Kofi Adjei-Mensah, who calls her “the reason I stayed.”\n\n"
        "“Everybody is doing a job and a half,” she says."
    )
    assert speakers_of(text, record) == ["Kofi Adjei-Mensah", "Nadia Brzezinski"]


def test_a_name_before_a_time_phrase_speaks_only_when_it_opens_the_sentence(record):
    text = (
        "An FBI analysis of the gun that killed Ann Lee on Tuesday found it “in working "
        "order.”\n\nMayor Tom Roe on Tuesday called the report “a relief.”"
    )
    assert speakers_of(text, record) == ["FBI", "Tom Roe"]


def test_his_lawyer_is_never_his_client(record):
    text = (
        "Corbin Ashdown, 52, pleaded not guilty on Tuesday.\n\n"
        "“He took nothing,” his lawyer said.\n\n"
        "Ashdown’s lawyer, Priyanka Dale, said her client kept poor records.\n\n"
        "“Bad bookkeeping is not a crime,” the lawyer said."
    )
    assert speakers_of(text, record) == ["Priyanka Dale", "Priyanka Dale"]
    text = "Corbin Ashdown, 52, pleaded not guilty.\n\n“He took nothing,” his lawyer said."
    assert speakers_of(text, record) == [None]


def test_a_show_s_title_in_a_transcript_header_is_no_quotation():
    text = (
        "TRANSCRIPT: “Harbour Line,” Coastal Public Radio, broadcast April 2\n\n"
        "“We will dredge in June,” Delphine Marrow said."
    )
    assert [c.quote for c in extract_quotes(text)] == ["We will dredge in June,"]


def test_a_short_excerpt_with_names_as_labels(record):
    text = (
        "From the district's video of the meeting:\n\n"
        "Anita Corvo: If we keep Wickham open, what does that cost us?\n"
        "Leon Dreyer: About $610,000.\n"
        "Francine Ogundipe: So we're closing a school for $480,000.\n"
        "Malik Hosseini: Call the question."
    )
    assert speakers_of(text, record) == [
        "Anita Corvo",
        "Leon Dreyer",
        "Francine Ogundipe",
        "Malik Hosseini",
    ]


def test_a_lone_first_name_after_a_relative_is_a_person(record):
    text = (
        "Margaret Oyelowo was nine when the flood came.\n\n"
        "Her husband, Dele, nods. “She tells it better than me,” he says."
    )
    assert speakers_of(text, record) == ["Dele"]


def test_a_statement_from_someone_is_theirs(record):
    text = (
        "In a statement, the Harlow School District said it was “deeply concerned.”\n\n"
        "According to a statement from Mayor Ann Lee, the city will “do whatever it takes.”"
    )
    assert speakers_of(text, record) == ["Harlow School District", "Ann Lee"]


def test_an_edited_interview_names_its_subject_at_the_end(record):
    text = (
        "This interview has been edited for length.\n\n"
        "Q: Why did you run?\n\nA: Because nobody else would.\n\n"
        "Q: What now?\n\nA: Now we work.\n\n"
        "Ann Lee is the mayor of Harlow."
    )
    assert speakers_of(text, record) == ["Ann Lee", "Ann Lee"]


# --- issue 20, fourth round --------------------------------------------------------------------


def test_words_in_a_capitals_headline_or_a_picture_tag_are_no_organisation(record):
    text = (
        "THE QUIET MILL OWNER\n\n"
        "[IMAGE] Harlan Doyle Estes at his loom.\n\n"
        "Harlan Doyle Estes sells cloth to Tarrow Weaving Co., which ships it north. "
        "In an email, the company called his cloth “the best we stock.”"
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "the best").speaker == "Tarrow Weaving Co"


def test_the_outlet_under_a_byline_is_no_speaker(record):
    text = (
        "By Lotte Varga\n"
        "Valley Courier\n\n"
        "Wenna Pask has raced dinghies on the estuary for thirty years. "
        "She buys her sails from Kettle Row Ltd. down the coast. "
        "In a note, the company called her sails “fit for another decade.”"
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "fit for").speaker == "Kettle Row Ltd"


def test_the_questioner_named_in_the_prose_asks_the_q_turns(record):
    text = (
        "Mill owner Osric Penhallow was deposed in March in the dispute over the weir.\n\n"
        "In the passage below, the anglers' lawyer, Ysolde Marrack-Tye, is asking the "
        "questions:\n\n"
        "Q. When did you first see the cracks?\n"
        "A. Some time in the spring.\n"
        "Q. Which spring?\n"
        "A. I could not say for certain.\n"
        "Q. Did you report them?\n"
        "A. No."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "Which spring").speaker == "Ysolde Marrack-Tye"
    assert by_quote(found, "I could not say").speaker == "Osric Penhallow"


def test_a_statement_opening_the_sentence_is_its_subject_s_not_a_clause_s(record):
    text = (
        "The mill at Brackwater closed on Friday.\n\n"
        "In a short statement, Tamsin Ridge Holdings, which bought Brackwater Milling Co. in "
        "2019, said it regretted the closure.\n\n"
        "“No buyer could be found for the site,” the statement said."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "No buyer").speaker == "Tamsin Ridge Holdings"


def test_an_unnamed_voice_s_label_with_a_name_in_capitals_is_that_name(record):
    text = (
        "TRANSCRIPT: Morning Line, Radio Tarn\n\n"
        "HOST: You're on the air.\n"
        "LISTENER (WINNIFRED): The buses never come on time.\n"
        "HOST: Thank you. Next caller.\n"
        "LISTENER (ON PHONE): I agree with her.\n"
        "HOST: We'll leave it there."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "The buses").speaker == "Winnifred"
    assert by_quote(found, "I agree").speaker is None


def test_the_official_after_an_anonymous_one_is_that_unnamed_official(record):
    text = (
        "Deputy Minister Halvard Strick said the ferry contract would be signed this week.\n\n"
        "“We are close,” Strick said.\n\n"
        "A treasury official, who asked not to be named because talks were private, said "
        "the price had doubled. “Nobody budgeted for this,” the official said.\n\n"
        "Brightwater Ferries, which runs the crossing, would not comment on the record, "
        "according to a company spokeswoman who spoke on condition of anonymity.\n\n"
        "“We are ready to sail,” the spokeswoman said."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "Nobody budgeted").speaker is None
    assert by_quote(found, "We are ready").speaker == "Brightwater Ferries"


def test_a_letter_s_writer_named_after_its_quotation_wrote_it(record):
    text = (
        "Parents at Millbeck Primary have written to the Dunmere Education Authority about "
        "the school's leaking roof.\n\n"
        "“Our children sit under buckets every time it rains,” the letter said.\n\n"
        "The letter was written by Ottilie Brandvik, who chairs the parents' group.\n\n"
        "The authority said repairs would start in the summer."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "Our children").speaker == "Ottilie Brandvik"


def test_a_speech_verb_after_and_belongs_to_the_clause_s_subject(record):
    text = (
        "Councillor Brede Amundsen visited the night shelter on Friday.\n\n"
        "It houses people like Casimir, who is 70. Casimir sleeps by the radiator. When I asked "
        "him about the winter, he looked at the window and said, “I have had worse ones.”"
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "I have had worse").speaker == "Casimir"


def test_an_account_with_no_name_opening_the_sentence_is_nobody_s(record):
    text = (
        "Councillor Ingrid Solvay posted a picture of the flooded underpass on Monday.\n\n"
        "“Crews are on their way,” she wrote.\n\n"
        "A parody account, @SoggyTunnel, answered the councillor within the hour: “They said "
        "that last spring too.”"
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "Crews").speaker == "Ingrid Solvay"
    assert by_quote(found, "They said").speaker is None


def test_a_post_set_out_with_its_signature_line_under_it_is_its_author_s(record):
    text = (
        "The ferry was cancelled again on Sunday, and the harbour's followers were not "
        "pleased.\n\n"
        "This one, from a teacher on the island, was shared widely:\n\n"
        "Third Sunday in a row. My pupils will miss their exams at this rate.\n"
        "— Ragna Tollefsen (@ragnat) May 3\n\n"
        "The operator said a new boat arrives in June."
    )
    found = extract_quotes(text, speakers=record)
    post = by_quote(found, "Third Sunday")
    assert post.quote.endswith("at this rate.")
    assert post.speaker == "Ragna Tollefsen"


def test_a_stage_direction_closing_a_turn_is_not_part_of_the_words():
    text = (
        "TRANSCRIPT: Evening Desk, Channel 9\n\n"
        "ANCHOR JOSSE VEERMAN: Minister, the dam held, did it not?\n"
        "MINISTER ALIDA KROON: It held, and we are grateful --\n"
        "VEERMAN: Tell that to the farmers downstream -- (CROSSTALK)\n"
        "KROON: Let me finish.\n"
        "VEERMAN: Go ahead."
    )
    found = extract_quotes(text)
    assert by_quote(found, "Tell that").quote == "Tell that to the farmers downstream --"


def test_a_quotation_closing_its_sentence_takes_no_cue_from_the_next(record):
    text = (
        "Tobiah Renwick, 8 Alder Row, spoke about a blocked drain, which he said had been "
        "flooding the lane “every time it rains.” Town Engineer Marit Oyelaran said crews "
        "would clear it this week."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "every time").speaker == "Tobiah Renwick"


def test_a_plural_title_before_a_name_is_no_part_of_it(record):
    text = (
        "Councilmembers Idunn Falkenrath and Bram Oduya voted against the plan.\n\n"
        "“We cannot afford it this year,” Falkenrath said."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "We cannot").speaker == "Idunn Falkenrath"


def test_a_wire_dateline_s_agency_is_not_the_lede_s_subject(record):
    text = (
        "KESTRA HARBOUR, Velmora (Northline Agency) - The chair of Velmora's fishing council "
        "on Monday branded new quotas \u201cruinous\u201d as boats stayed in port.\n\n"
        "Council chair Odalys Fenwick said the quotas would halve catches."
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "ruinous").speaker == "Odalys Fenwick"


def test_a_role_named_inside_a_quotation_is_no_mention_of_its_holder(record):
    text = (
        "Hospital director Anselm Crowther said the ward would reopen in May.\n\n"
        "Union steward Liesel Marchetti said staff had not been consulted.\n\n"
        "“If the director wants nurses back, he can ask us,” she said. “He has our number.”"
    )
    found = extract_quotes(text, speakers=record)
    assert by_quote(found, "If the director").speaker == "Liesel Marchetti"
    assert by_quote(found, "He has our").speaker == "Liesel Marchetti"
