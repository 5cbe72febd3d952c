"""Word-level diff of two versions of one quotation."""

from sources.text.variants import diff_ratio, tokenize, word_diff

A = (
    "Someone is responsible for what happened, but I know it's not me. I might have killed "
    "myself if I thought I was responsible, and I don't say that lightly."
)
B = (
    "I feel that… someone is responsible for what happened, and I can’t say who that is, "
    "but I know it’s not me,"
)


def test_identical_texts_are_one_equal_op():
    ops = word_diff("I did it.", "I did it.")
    assert [op.op for op in ops] == ["equal"]
    assert ops[0].a_words == ("I", "did", "it", ".")


def test_typography_is_not_a_change_but_the_original_words_are_shown():
    ops = word_diff("it's “safe” — really…", 'it’s "safe" - really...')
    assert [op.op for op in ops] == ["equal"]
    assert ops[0].a_words == ("it's", "“", "safe", "”", "—", "really", "…")
    assert ops[0].b_words == ("it’s", '"', "safe", '"', "-", "really", "...")


def test_case_is_a_change():
    assert [op.op for op in word_diff("Someone said", "someone said")] == ["replace", "equal"]


def test_replace_insert_delete():
    ops = word_diff("the gun was empty", "the revolver was not empty at all")
    assert [(op.op, op.a_words, op.b_words) for op in ops] == [
        ("equal", ("the",), ("the",)),
        ("replace", ("gun",), ("revolver",)),
        ("equal", ("was",), ("was",)),
        ("insert", (), ("not",)),
        ("equal", ("empty",), ("empty",)),
        ("insert", (), ("at", "all")),
    ]
    ops = word_diff("I really did not", "I did not")
    assert [(op.op, op.a_words) for op in ops] == [
        ("equal", ("I",)),
        ("delete", ("really",)),
        ("equal", ("did", "not")),
    ]


def test_punctuation_is_its_own_word():
    ops = word_diff("responsible,", "responsible.")
    assert [(op.op, op.a_words, op.b_words) for op in ops] == [
        ("equal", ("responsible",), ("responsible",)),
        ("replace", (",",), (".",)),
    ]


def test_offsets_point_into_the_originals():
    for op in word_diff(A, B):
        assert A[op.a_start : op.a_end] == op.a_text
        assert B[op.b_start : op.b_end] == op.b_text
        if op.op in ("equal", "delete", "replace"):
            assert op.a_text.startswith(op.a_words[0])
        if op.op in ("equal", "insert", "replace"):
            assert op.b_text.endswith(op.b_words[-1])


def test_two_outlets_versions():
    ops = word_diff(A, B)
    kinds = [op.op for op in ops]
    assert "equal" in kinds and "delete" in kinds
    equal_words = [w for op in ops if op.op == "equal" for w in op.b_words]
    assert "it’s" in equal_words  # curly against straight apostrophe: the same word
    d = ops[0].as_dict()
    assert set(d) >= {"op", "a_words", "b_words", "a_start", "a_end", "b_start", "b_end"}
    assert isinstance(d["a_words"], list)


def test_empty_sides():
    assert word_diff("", "") == []
    ops = word_diff("", "new words")
    assert [(op.op, op.b_words) for op in ops] == [("insert", ("new", "words"))]
    ops = word_diff("old", "")
    assert [(op.op, op.a_words) for op in ops] == [("delete", ("old",))]


def test_tokenize_and_ratio():
    assert [t.key for t in tokenize("It’s… fine")] == ["It's", "...", "fine"]
    assert diff_ratio("a b c", "a b c") == 1.0
    assert 0 < diff_ratio(A, B) < 1
    assert diff_ratio("", "") == 1.0
