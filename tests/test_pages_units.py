def test_an_untitled_pairs_name_cuts_its_sides_at_a_word():
    from claims.models import Claim

    long = Claim(
        text="We never promised the bridge would open this spring, and anyone who says so is wrong."
    )
    name = str(long)
    assert name.endswith("…") and len(name) <= 81
    assert long.text.startswith(name[:-1]) and long.text[len(name) - 1] == " "
    assert str(Claim(text="Short words.")) == "Short words."
