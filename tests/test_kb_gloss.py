"""The English gloss of a Spanish question that the English-only embedder reads (chatbot/kb/gloss.py)."""
from chatbot.kb.gloss import gloss


def test_aid_phrases_go_before_their_words():
    assert "work study" in gloss("¿Puedo tener estudio y trabajo a medio tiempo?")
    assert "half time" in gloss("¿Puedo tener estudio y trabajo a medio tiempo?")
    assert "loan forgiveness" in gloss("¿Cómo obtengo el perdón de préstamos estudiantiles?")


def test_unknown_words_and_english_terms_stay():
    out = gloss("¿El Parent PLUS cuenta para mi FAFSA 2026-27?")
    assert "parent plus" in out and "fafsa" in out and "2026-27" in out


def test_accents_and_case_do_not_matter():
    assert gloss("¿CUÁLES PRÉSTAMOS CALIFICAN?") == gloss("cuales prestamos califican") == "which loans qualify"
