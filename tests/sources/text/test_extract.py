"""Candidate quotations and their speakers, on texts written for the purpose."""

import pytest

from sources.text.extract import Candidate, extract_quotes
from sources.text.speakers import (
    KnownSpeaker,
    find_name_mentions,
    match_speaker,
)

SPEAKERS = [
    KnownSpeaker("jane-doe", "Jane Doe", ["Jane", "Doe"]),
    KnownSpeaker("tom-ford", "Tom Ford", ["Ford"]),
    KnownSpeaker("halyna-hutchins", "Halyna Hutchins", ["Halyna", "Hutchins"]),
    KnownSpeaker("joel-souza", "Joel Souza", ["Souza"]),
    KnownSpeaker("city-council", "City Council", ["the council"], kind="organization"),
]


def one(text: str, speakers=SPEAKERS, **kw) -> Candidate:
    found = extract_quotes(text, speakers=speakers, **kw)
    assert len(found) == 1, found
    return found[0]


def by_quote(found: list[Candidate], start: str) -> Candidate:
    for c in found:
        if c.quote.startswith(start):
            return c
    raise AssertionError(f"no quote starting {start!r} in {[c.quote for c in found]}")


def test_offsets_are_the_words_inside_the_marks():
    text = "Jane Doe spoke. “I never touched it,” she said."
    c = one(text)
    assert text[c.start : c.end] == c.quote == "I never touched it,"


def test_he_said_after_the_quote():
    text = "Tom Ford arrived late.\n\n“I never touched the gun,” he said."
    c = one(text)
    assert c.kind == "statement"
    assert c.speaker == "Tom Ford"
    assert c.speaker_id == "tom-ford"
    assert c.cue == "he said"
    assert c.speaker_flag is None


def test_x_told_y_after_the_quote():
    text = "“The report is wrong,” Jane Doe told Reuters. Nothing else was said."
    c = one(text)
    assert c.speaker_id == "jane-doe"
    assert c.cue == "Jane Doe told Reuters"


def test_said_name_inverted():
    c = one("“We were a very good crew,” said Ford, who produced the film.")
    assert c.speaker_id == "tom-ford"
    assert c.cue == "said Ford"


def test_the_actor_continued_resolves_to_the_last_person_named():
    text = (
        "Tom Ford spoke on a podcast.\n\n"
        '"The point is we were told everything was fine," the actor continued.'
    )
    c = one(text)
    assert c.speaker_id == "tom-ford"
    assert c.cue == "the actor continued"


@pytest.mark.parametrize("verb", ["said", "insisted", "replied", "added"])
def test_cue_before_with_a_colon(verb):
    text = f"Jane Doe was asked about the fire.\n\nShe {verb}: “I did not see any safety issue.”"
    c = one(text)
    assert c.kind == "statement"
    assert c.speaker_id == "jane-doe"
    assert c.cue == f"She {verb}:"


def test_named_cue_before_with_a_colon():
    c = one("When asked if he fired, Ford replied: “No, no, no. I would never do that.”")
    assert c.speaker_id == "tom-ford"
    assert c.cue == "Ford replied:"


def test_subject_of_a_long_colon_sentence():
    text = (
        "Ford spoke at length. He continued in an interview with Jane Doe which aired on "
        "Thursday (02.12.21): “I thought she had fainted.”"
    )
    c = one(text)
    assert c.speaker_id == "tom-ford"
    assert c.cue == "He continued"


def test_pronoun_resolves_to_the_most_salient_person():
    text = (
        "Tom Ford gave an interview. Ford talked about the set, where Halyna Hutchins "
        "was working.\n\n"
        "“It was a terrible day,” he said."
    )
    assert one(text).speaker_id == "tom-ford"


def test_pronoun_prefers_a_person_just_named_in_the_same_paragraph():
    text = (
        "Tom Ford said: “We will rebuild.”\n\n"
        "Jane Doe, the mayor, disagreed. She said: “There is no money for that.”"
    )
    found = extract_quotes(text, speakers=SPEAKERS)
    assert [c.speaker_id for c in found] == ["tom-ford", "jane-doe"]


def test_role_noun_learned_from_the_text():
    text = (
        "Jane Doe spoke first. Director Joel Souza was wounded. Doe said more later.\n\n"
        "“I am grateful to be alive,” the director said."
    )
    assert one(text).speaker_id == "joel-souza"


def test_attribution_in_the_middle_of_a_quote_covers_both_halves():
    text = (
        "Jane Doe recalled the rehearsal.\n\n"
        "“She’s guiding me through the angle,” she said. “I’m holding the camera where she "
        "told me to hold it.”"
    )
    found = extract_quotes(text, speakers=SPEAKERS)
    assert [c.quote for c in found] == [
        "She’s guiding me through the angle,",
        "I’m holding the camera where she told me to hold it.",
    ]
    assert [c.speaker_id for c in found] == ["jane-doe", "jane-doe"]
    assert [c.kind for c in found] == ["statement", "statement"]
    assert found[1].attribution == "previous"


def test_quote_running_over_paragraphs():
    text = (
        "Tom Ford spoke.\n\n"
        "He said: “In the 40 years I have worked, I never had a problem...\n\n"
        "“I’m married, I have six kids.\n\n"
        "“I just want to live my life in peace.”\n\n"
        "The interview ended there."
    )
    found = extract_quotes(text, speakers=SPEAKERS)
    assert [c.quote for c in found] == [
        "In the 40 years I have worked, I never had a problem...",
        "I’m married, I have six kids.",
        "I just want to live my life in peace.",
    ]
    assert all(c.speaker_id == "tom-ford" for c in found)
    assert [c.continued for c in found] == [False, True, True]
    assert [c.unclosed for c in found] == [True, True, False]
    for c in found:
        assert text[c.start : c.end] == c.quote


def test_straight_and_curly_marks_mixed():
    text = 'Jane Doe said: "It was cold."\n\n“She just laid there in shock."'
    found = extract_quotes(text, speakers=SPEAKERS)
    assert [c.quote for c in found] == ["It was cold.", "She just laid there in shock."]
    assert found[1].speaker_id == "jane-doe"


@pytest.mark.parametrize(
    ("opening", "closing"), [("‘", "’"), ("'", "'")], ids=["curly", "straight"]
)
def test_single_quote_style(opening, closing):
    text = f"Jane Doe left the court. {opening}I did nothing wrong,{closing} she said."
    c = one(text)
    assert c.quote == "I did nothing wrong,"
    assert c.speaker_id == "jane-doe"


def test_single_quote_style_with_apostrophes_inside():
    text = "‘I don’t know who’s responsible, but it isn’t me,’ said Ford."
    c = one(text)
    assert c.quote == "I don’t know who’s responsible, but it isn’t me,"
    assert c.speaker_id == "tom-ford"


@pytest.mark.parametrize(
    "text",
    [
        "«We have won,» said Ford.",
        "« We have won, » said Ford.",
        "»We have won,« said Ford.",
        "„We have won,“ said Ford.",
    ],
)
def test_guillemets_and_low_nine_quotes(text):
    c = one(text)
    assert c.quote == "We have won,"
    assert c.speaker_id == "tom-ford"


def test_quote_inside_a_quote_belongs_to_the_outer_one():
    text = (
        "Ford said: “The safety officer declared, 'This is a cold gun.' Why did he say "
        "that?”\n\n“I go, ‘Can you see that?’ And then it went off,” he recalled."
    )
    found = extract_quotes(text, speakers=SPEAKERS)
    assert [c.quote for c in found] == [
        "The safety officer declared, 'This is a cold gun.' Why did he say that?",
        "I go, ‘Can you see that?’ And then it went off,",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Don't worry: it's the '90s and rock 'n' roll is back, isn't it?",
        "The film ’97 Minutes’ opens in May; Ford's 'Blue Jasmine' and '30 Rock' did not.",
        "The players' union and the owners' group met on Monday.",
        "He starred in 'Rust' and in “Rust”, the Western.",
        "Related: Ford Says Investigation 'Exonerates' Him of Wrongdoing",
    ],
)
def test_apostrophes_and_titles_are_not_quotes(text):
    assert extract_quotes(text, speakers=SPEAKERS) == []


def test_fragment_inside_reporting_prose():
    text = "During the interview, Ford insisted he “didn’t pull the trigger” of the gun."
    c = one(text)
    assert c.kind == "fragment"
    assert c.quote == "didn’t pull the trigger"
    assert c.speaker_id == "tom-ford"
    assert c.cue == "Ford insisted"


def test_fragment_attributed_after_it_in_the_sentence():
    c = one("“We are very worried” about her family, Jane Doe said, before leaving.")
    assert c.kind == "fragment"
    assert c.speaker_id == "jane-doe"


def test_fragment_told_by_someone_else_has_no_speaker():
    text = 'Tom Ford spoke. Stressing he\'d been told it was a "cold gun" - he left.'
    c = one(text)
    assert c.kind == "fragment"
    assert c.speaker is None


def test_fragment_of_a_sentence_subject():
    text = "Jane Doe broke her silence, defending the “well-oiled crew” on the set."
    c = one(text)
    assert c.kind == "fragment"
    assert c.speaker_id == "jane-doe"


def test_long_quote_in_prose_is_a_statement():
    text = (
        'Although a recent City Council analysis of the bridge found that it "was in working '
        'order at the time and would not have failed unless it was overloaded," Ford disagrees.'
    )
    c = one(text)
    assert c.kind == "statement"
    assert c.speaker_id == "city-council"


def test_headline_with_a_colon():
    text = "Jane Doe asks reporters to stop following her: “My kids are in the car crying.”"
    c = one(text)
    assert c.kind == "statement"
    assert c.speaker_id == "jane-doe"


def test_misspelled_speaker_is_found_and_flagged():
    c = one("“We keep going for her,” said Haylna Hutchins.")
    assert c.speaker_id == "halyna-hutchins"
    assert c.speaker == "Halyna Hutchins"
    assert c.speaker_flag == "misspelling"
    c = one("“We keep going,” said Halyna Hutchins.")
    assert c.speaker_flag is None


def test_match_speaker():
    m = match_speaker("Haylna Hutchins", SPEAKERS)
    assert m is not None and m.speaker_id == "halyna-hutchins" and m.misspelled
    assert 80 <= m.score < 100
    m = match_speaker("Halyna Hitchins", SPEAKERS)
    assert m is not None and m.speaker_id == "halyna-hutchins" and m.misspelled
    m = match_speaker("jane doe", SPEAKERS)
    assert m is not None and m.speaker_id == "jane-doe" and not m.misspelled and m.score == 100
    m = match_speaker("Doe", SPEAKERS)
    assert m is not None and m.speaker_id == "jane-doe"
    assert match_speaker("the council", SPEAKERS).speaker_id == "city-council"
    assert match_speaker("Jake Dole", SPEAKERS) is None
    assert match_speaker("Tim", SPEAKERS) is None
    assert match_speaker("", SPEAKERS) is None


def test_find_name_mentions():
    text = "Halyna Hitchins and Haylna Hutchins are misspelled; Halyna Hutchins and Ford's are not."
    mentions = find_name_mentions(text, SPEAKERS)
    got = [(m.text, m.speaker_id, m.misspelled) for m in mentions]
    assert got == [
        ("Halyna Hitchins", "halyna-hutchins", True),
        ("Haylna Hutchins", "halyna-hutchins", True),
        ("Halyna Hutchins", "halyna-hutchins", False),
        ("Ford", "tom-ford", False),
    ]
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_without_known_speakers_names_are_guessed():
    text = "Maria Lopez arrived late.\n\n“We are ready,” she said. “So is the team,” Lopez added."
    found = extract_quotes(text)
    assert [c.speaker for c in found] == ["Maria Lopez", "Maria Lopez"]
    assert all(c.speaker_id is None for c in found)


def test_unknown_name_in_a_cue_is_reported_as_written():
    c = one("“No comment,” said Peter Quill.")
    assert c.speaker == "Peter Quill"
    assert c.speaker_id is None


def test_as_dict():
    d = one("“No comment,” said Ford.").as_dict()
    assert d["speaker_id"] == "tom-ford"
    assert {"start", "end", "quote", "kind", "speaker", "cue", "speaker_flag"} <= set(d)


def test_unclosed_quote_ends_with_its_paragraph():
    text = "Ford said: “This never ends\n\nA new paragraph without quotes."
    c = one(text)
    assert c.quote == "This never ends"
    assert c.unclosed


def test_honorific_in_a_cue():
    found = extract_quotes("“We will appeal,” said Mr. Ford. “Absolutely.”", speakers=SPEAKERS)
    assert [c.speaker_id for c in found] == ["tom-ford", "tom-ford"]
    assert found[0].cue == "said Mr. Ford"


def test_someone_elses_role_is_not_the_named_person():
    c = one("Ford's lawyer said: “We are considering all options.”")
    assert c.speaker == "Ford's lawyer"
    assert c.speaker_id is None


def test_a_title_inside_a_cue_does_not_break_it():
    c = one("Tom Ford spoke. “I’m done,” said the ‘Rust’ star.")
    assert c.cue == "said the ‘Rust’ star"
    assert c.speaker_id == "tom-ford"


def test_an_organisation_as_the_speaker():
    text = "The City Council met on Monday.\n\n“We stand by the report,” the council said."
    c = one(text)
    assert c.speaker_id == "city-council"
    c = one("“We stand by the report,” the City Council said.")
    assert c.speaker_id == "city-council"


def test_according_to():
    c = one("“The plan failed,” according to Jane Doe.")
    assert c.speaker_id == "jane-doe"
    assert c.cue == "according to Jane Doe"


def test_cue_closing_the_paragraph_before():
    text = "Tom Ford was asked about the set. He said:\n\n“I never heard one word about that.”"
    c = one(text)
    assert c.speaker_id == "tom-ford"
    assert c.cue == "He said:"


def test_a_title_opening_a_paragraph_is_not_a_quote():
    assert extract_quotes("“Rust” is a Western starring Tom Ford.", speakers=SPEAKERS) == []


def test_name_in_an_appositive():
    c = one("The mayor of the city, Jane Doe, said: “We will rebuild.”")
    assert c.speaker_id == "jane-doe"
    c = one("Ford, 61, said: “No.”")
    assert c.speaker_id == "tom-ford"


def test_an_unnamed_witness_is_not_someone_named_before():
    text = (
        "Tom Ford spoke first.\n\n"
        "“It was chaos,” one witness, who asked not to be named, told the BBC."
    )
    c = one(text)
    assert c.speaker == "one witness"
    assert c.speaker_id is None


def test_known_misspellings_are_flagged():
    speakers = [KnownSpeaker("sam-o", "Samuel Okafor", ["Okafor"], misspellings=["Sammuel Okafur"])]
    m = match_speaker("Sammuel Okafur", speakers)
    assert m is not None and m.speaker_id == "sam-o" and m.misspelled and m.score < 100
    c = one("“We are done,” said Sammuel Okafur.", speakers=speakers)
    assert c.speaker_id == "sam-o"
    assert c.speaker_flag == "misspelling"
