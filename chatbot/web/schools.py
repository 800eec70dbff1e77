"""School profiles: `knowledge/schools/ID/school.yaml`, one per school that embeds the widget.

    id: demo                      # optional; must equal the folder name
    name: Demo College
    colour: "#1d4f91"             # the widget header's background (#rrggbb)
    contact:
      office: Demo College Financial Aid Office
      phone: 555-0100             # optional
      email: finaid@example.edu   # optional
      url: https://www.example.edu/financial-aid   # optional
      hours: Monday to Friday, 9 a.m. to 5 p.m.     # optional
    allowed_origins:              # the sites allowed to frame /embed?school=ID (scheme://host[:port])
      - https://www.example.edu

The school's own knowledge entries sit beside it as Markdown files (`school: ID`, see
knowledge/README.md). `load_schools(root)` reads every profile and raises `SchoolError` listing every
problem, so a typo stops the app at start-up instead of breaking a college's page later.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import yaml

from chatbot.web.security import OriginError, check_origin

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[a-z]{2,}$", re.I)
PHONE = re.compile(r"^[0-9A-Z+().\- ]{7,25}$")
URL = re.compile(r"^https?://[^\s<>\"']+$")
FIELDS = {"id", "name", "colour", "contact", "allowed_origins"}
CONTACT_FIELDS = {"office", "phone", "email", "url", "hours"}


class SchoolError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in school profiles:\n" + "\n".join(problems))


@dataclass(frozen=True)
class Contact:
    office: str
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class School:
    id: str
    name: str
    colour: str
    contact: Contact
    allowed_origins: tuple[str, ...] = ()

    @property
    def text_colour(self) -> str:
        return text_colour(self.colour)


def _luminance(colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """White or black, whichever reads better on the school's colour: one of them always reaches 4.5:1."""
    return max(("#ffffff", "#000000"), key=lambda fg: contrast_ratio(fg, background))


def _text(problems: list[str], where: str, data: dict, key: str, pattern: re.Pattern | None = None,
          required: bool = False, limit: int = 200) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.append(f"{where}: {key} is required")
        return None
    if not isinstance(value, (str, int)) or len(str(value)) > limit:
        problems.append(f"{where}: {key} must be text of at most {limit} characters, got {value!r}")
        return None
    value = str(value).strip()
    if pattern is not None and not pattern.match(value):
        problems.append(f"{where}: {key} {value!r} is not valid")
        return None
    return value


def parse_school(path: Path) -> tuple[School | None, list[str]]:
    """One school.yaml; the school id is its folder's name."""
    where, problems = str(path), []
    school_id = path.parent.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return None, [f"{where}: not valid YAML ({exc})"]
    if not isinstance(data, dict):
        return None, [f"{where}: must be a mapping of field: value"]
    for key in sorted(set(data) - FIELDS):
        problems.append(f"{where}: unknown field {key!r} (known: {', '.join(sorted(FIELDS))})")
    if not SLUG.match(school_id):
        problems.append(f"{where}: the folder name {school_id!r} must be a school id like example-college")
    if data.get("id") not in (None, school_id):
        problems.append(f"{where}: id {data.get('id')!r} must equal the folder name {school_id!r}")
    name = _text(problems, where, data, "name", required=True, limit=80)
    colour = _text(problems, where, data, "colour", COLOUR, required=True)
    raw_contact = data.get("contact")
    contact = None
    if not isinstance(raw_contact, dict):
        problems.append(f"{where}: contact must be a mapping with at least office:")
    else:
        for key in sorted(set(raw_contact) - CONTACT_FIELDS):
            problems.append(f"{where}: unknown contact field {key!r} (known: {', '.join(sorted(CONTACT_FIELDS))})")
        cw = f"{where}: contact"
        contact = Contact(
            office=_text(problems, cw, raw_contact, "office", required=True, limit=120) or "",
            phone=_text(problems, cw, raw_contact, "phone", PHONE),
            email=_text(problems, cw, raw_contact, "email", EMAIL),
            url=_text(problems, cw, raw_contact, "url", URL),
            hours=_text(problems, cw, raw_contact, "hours"),
        )
    origins = data.get("allowed_origins") or []
    if not isinstance(origins, list):
        problems.append(f"{where}: allowed_origins must be a list of origins like https://www.example.edu")
        origins = []
    checked = []
    for origin in origins:
        try:
            checked.append(check_origin(origin))
        except OriginError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        return None, problems
    return School(school_id, name, colour.lower(), contact, tuple(dict.fromkeys(checked))), []


def load_schools(root: Path) -> dict[str, School]:
    """Every `ROOT/ID/school.yaml`; a missing root means no schools (the page works without any)."""
    schools, problems = {}, []
    for path in sorted(Path(root).glob("*/school.yaml")):
        school, found = parse_school(path)
        problems += found
        if school is not None:
            schools[school.id] = school
    if problems:
        raise SchoolError(problems)
    return schools


def embed_snippet(school: School, base_url: str) -> str:
    """The copy-paste <iframe> for a school's website.

    sandbox keeps the widget from navigating or scripting the host page; popups may escape it so the
    citation links open normally in a new tab. clipboard-write lets the copy buttons work.
    """
    src = f"{base_url.rstrip('/')}/embed?school={school.id}"
    title = f"{school.name}: financial aid assistant"
    return (
        f'<iframe src="{escape(src)}"\n'
        f'        title="{escape(title)}"\n'
        '        style="width: 100%; max-width: 480px; height: 640px; border: 0;"\n'
        '        allow="clipboard-write"\n'
        '        sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"\n'
        '        referrerpolicy="strict-origin-when-cross-origin"\n'
        '        loading="lazy"></iframe>'
    )
