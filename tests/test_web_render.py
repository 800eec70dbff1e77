"""What the chat shows: escaped model output, citation links, the help panel; UI strings."""
import pytest

from chatbot.answers import Citation
from chatbot.web.render import answer_markdown, header_html, help_markdown, safe_markdown
from chatbot.config import Settings
from chatbot.web.i18n import pick_language, strings
from chatbot.web.schools import load_schools

EN = strings("en")
DEMO = load_schools(Settings().schools_dir)["demo"]


def test_model_output_cannot_inject_html_or_images():
    hostile = ('<script>alert(1)</script> <img src="http://evil.example/p.png" onerror=x> '
               '![t](http://evil.example/i.png) `<b>`')
    shown = safe_markdown(hostile)
    assert "<" not in shown and ">" not in shown
    assert "&lt;script&gt;" in shown and "&lt;img src=" in shown
    assert "![" not in shown and "!\\[t\\]" in shown  # image syntax becomes literal text
    assert "\\`" in shown  # no code spans, where &lt; would show up verbatim


@pytest.mark.parametrize("text", [
    "Log in at https://evil.example/x now", "see www.evil.example", "go to <https://evil.example/a>",
    "[studentaid.gov](https://evil.example/login)", "write to help@evil.example", "HTTPS://EVIL.EXAMPLE",
    "ftp://evil.example/f", "[x][ref]\n\n[ref]: https://evil.example",
])
def test_no_text_in_a_message_can_become_a_link(text):
    import re

    shown = safe_markdown(text)
    # Every scheme, www. and @ is escaped, and no bracket is left to open a link or a reference.
    assert not re.search(r"(?i)(?<!\\)(?:https?|ftp):|(?<![\\])www\.|(?<!\\)@|(?<!\\)[\[\]]", shown.replace("\\\\", ""))


def test_escaping_keeps_the_text_as_written():
    assert safe_markdown("C:\\aid\\form") == "C:\\\\aid\\\\form"  # a backslash shows as one
    assert safe_markdown("the [SSN removed] part") == "the \\[SSN removed\\] part"


def test_citations_are_links_with_title_and_award_year_deduplicated():
    citations = [Citation("a", "Pell Grant amounts", "https://studentaid.gov/pell", "2026-27"),
                 Citation("b", "Pell Grant amounts", "https://studentaid.gov/pell", "2026-27"),
                 Citation("c", "FAFSA [basics]", "https://studentaid.gov/fafsa", "all"),
                 Citation("d", "Bad link", "javascript:alert(1)", "2025-26")]
    text = answer_markdown("The maximum is $7,395.", citations, EN)
    assert text.startswith("The maximum is $7,395.\n\n**Sources**")
    assert text.count("studentaid.gov/pell") == 1
    assert '[Pell Grant amounts](https://studentaid.gov/pell "opens in a new tab") (award year 2026-27)' in text
    assert "FAFSA \\[basics\\]" in text and "(all award years)" in text
    assert "javascript:" not in text and "2. " in text and "3. Bad link (award year 2025-26)" in text


def test_a_stopped_answer_says_so():
    text = answer_markdown("Partial answer.", [], strings("es"), stopped=True)
    assert text == "Partial answer.\n\n*(Detenido. Vuelva a preguntar o pregunte otra cosa.)*"


def test_help_panel_has_the_school_contact_and_the_federal_line():
    text = help_markdown(DEMO, EN)
    assert "**Demo College Financial Aid Office** (Demo College)" in text
    assert "[555-0100](tel:5550100)" in text and "(mailto:finaid@example.edu)" in text
    assert "1-800-4-FED-AID" in text and "studentaid.gov" in text and "988" in text
    assert "Your school's financial aid office" in help_markdown(None, EN)


def test_headers_escape_profile_text():
    widget = header_html(DEMO, EN, compact=True)
    assert 'style="background-color: #1d4f91; color: #ffffff"' in widget and "<h1>Demo College</h1>" in widget
    assert "<h1>Student Aid Helper</h1>" in header_html(None, EN, compact=False)


def test_english_and_spanish_have_the_same_strings():
    en, es = strings("en"), strings("es")
    assert set(en) == set(es) and len(en["starters"]) == len(es["starters"]) == 5
    with pytest.raises(ValueError, match="unknown UI language 'fr'"):
        strings("fr")


@pytest.mark.parametrize("header, lang", [
    (None, "en"), ("", "en"), ("es-MX,es;q=0.9,en;q=0.8", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,es;q=0.5", "es"), ("de", "en"), ("es;q=0.2,en;q=0.4", "en"), ("es;q=bad", "en"),
])
def test_ui_language_follows_the_browser(header, lang):
    assert pick_language(header) == lang
