from chatbot.guards.draft_gate import SentenceGate, content_words, is_degenerate, support_ratio, tidy


def test_gate_releases_whole_sentences_and_keeps_decimals_together():
    gate = SentenceGate()
    out = []
    for piece in ["The rate is 6.", "39% for ", "2025-26. It is ", "fixed.", " More"]:
        out += gate.feed(piece)
    assert out == ["The rate is 6.39% for 2025-26. ", "It is fixed. "]
    assert gate.flush() == ["More"]


def test_support_ratio_separates_paraphrase_from_invention():
    source = content_words("For 2026-27 the maximum Federal Pell Grant is $7,395 and the minimum is $740.")
    assert support_ratio("The maximum Pell Grant for 2026-27 is $7,395.", source) >= 0.8
    assert support_ratio("The Federal Insurance and Deathless law protects workers.", source) < 0.5


def test_repetition_loops_are_degenerate():
    loop = "It's a way to help people who need money. " * 3
    assert is_degenerate(loop)
    assert not is_degenerate("The FAFSA is free. You fill it out every year before the deadline.")


def test_tidy_joins_wrapped_lines_but_keeps_tables():
    body = "For 2026-27, the limits\nare below.\n\n| Year | Limit |\n|---|---|\n| 1 | $5,500 |"
    assert tidy(body) == "For 2026-27, the limits are below.\n\n| Year | Limit |\n|---|---|\n| 1 | $5,500 |"


def test_gate_keeps_the_line_structure_of_tables():
    gate = SentenceGate()
    text = "Limits:\n\n| Year | Limit |\n|---|---|\n| 1 | $5,500 |"
    out = gate.feed(text) + gate.flush()
    assert "".join(out) == text
