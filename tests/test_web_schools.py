"""School profiles (knowledge/schools/ID/school.yaml) and the embed snippet built from them."""
from pathlib import Path

import pytest

from chatbot.web.schools import SchoolError, contrast_ratio, embed_snippet, load_schools, text_colour
from chatbot.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, school_id: str, text: str) -> Path:
    (tmp_path / school_id).mkdir()
    (tmp_path / school_id / "school.yaml").write_text(text)
    return tmp_path


def test_the_demo_profile_is_a_complete_fictional_example():
    demo = load_schools(Settings().schools_dir)["demo"]
    assert demo.name == "Demo College" and demo.colour == "#1d4f91"
    assert demo.contact.office == "Demo College Financial Aid Office"
    assert demo.contact.email.endswith("@example.edu") and demo.contact.phone.startswith("555")
    assert demo.allowed_origins == ("http://localhost:8000", "http://127.0.0.1:8000")
    assert contrast_ratio(demo.text_colour, demo.colour) >= 4.5


def test_every_problem_in_a_profile_is_listed(tmp_path):
    write(tmp_path, "bad-college", """
name: Bad College
colour: blue
contact: {phone: "call us!", emial: x@example.edu}
allowed_origins: ["https://*.example.edu", "https://www.example.edu/aid", "localhost:8000"]
logo: x.png
""")
    with pytest.raises(SchoolError) as err:
        load_schools(tmp_path)
    text = str(err.value)
    for expected in ("colour 'blue' is not valid", "contact: office is required", "phone 'call us!' is not valid",
                     "unknown contact field 'emial'", "wildcards are not allowed",
                     "'https://www.example.edu/aid' must be",
                     "'localhost:8000' must be", "unknown field 'logo'"):
        assert expected in text


def test_the_id_is_the_folder_name_and_a_missing_root_means_no_schools(tmp_path):
    write(tmp_path, "north-college", "id: south-college\nname: N\ncolour: '#000000'\ncontact: {office: Aid}\n")
    with pytest.raises(SchoolError, match="id 'south-college' must equal the folder name 'north-college'"):
        load_schools(tmp_path)
    assert load_schools(tmp_path / "nowhere") == {}


@pytest.mark.parametrize("colour", ["#1d4f91", "#ffcc00", "#777777", "#00ff00", "#000000", "#ffffff"])
def test_header_text_always_has_enough_contrast(colour):
    assert contrast_ratio(text_colour(colour), colour) >= 4.5


def test_the_snippet_is_a_titled_sandboxed_iframe_for_the_school():
    demo = load_schools(Settings().schools_dir)["demo"]
    snippet = embed_snippet(demo, "https://aid.example.org/")
    assert snippet.startswith('<iframe src="https://aid.example.org/embed?school=demo"')
    assert 'title="Demo College: financial aid assistant"' in snippet
    assert 'allow="clipboard-write"' in snippet and "height: 640px" in snippet
    # Links must still open (popups escape the sandbox); the widget may not navigate the host page.
    assert "allow-popups-to-escape-sandbox" in snippet and "allow-top-navigation" not in snippet
    # The example host page carries the same snippet, pointed at the default local address.
    host_page = (ROOT / "examples" / "host-page.html").read_text()
    assert " ".join(embed_snippet(demo, "http://127.0.0.1:7860").split()) in " ".join(host_page.split())
