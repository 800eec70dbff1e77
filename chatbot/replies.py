"""Fixed replies (prompts/replies/*.md) turned into Answers with citations, and the finishing touches
every knowledge answer gets: the award year named, unconfirmed facts hedged.

Pure apart from reading the reply files; the wording lives in prompts/replies/, not here.
"""
from __future__ import annotations

from chatbot import award_year as ay
from chatbot.answers import Answer, Citation
from chatbot.prompts import reply

PII_NAMES = {
    "en": {"ssn": "a Social Security number", "itin": "an ITIN", "username": "a username",
           "password": "a password", "account": "an account number", "card": "a card number",
           "routing": "a routing number", "dob": "a date of birth", "phone": "a phone number",
           "email": "an email address"},
    "es": {"ssn": "un número de Seguro Social", "itin": "un ITIN", "username": "un nombre de usuario",
           "password": "una contraseña", "account": "un número de cuenta", "card": "un número de tarjeta",
           "routing": "un número de ruta bancaria", "dob": "una fecha de nacimiento",
           "phone": "un número de teléfono", "email": "un correo electrónico"},
}
YEAR_LEAD = {"en": "For the {year} award year: ", "es": "Para el año de ayuda {year}: "}


class Replies:
    def __init__(self, entries: dict):
        self.entries = entries  # id -> kb Entry, to cite the entries a reply names

    def answer(self, name: str, lang: str, route: str, flags: list[str], **variables) -> Answer:
        template = reply(name, lang)
        return Answer(template.render(**variables), self.cite(template.cite), route, True, list(flags))

    def pii_warning(self, kinds: list[str], lang: str) -> tuple[str, list[Citation]]:
        names = PII_NAMES.get(lang, PII_NAMES["en"])
        template = reply("pii_warning", lang)
        text = template.render(kinds=join([names.get(k, k) for k in dict.fromkeys(kinds)], lang))
        return text, self.cite(template.cite)

    def cite(self, ids: list[str]) -> list[Citation]:
        out = []
        for entry_id in ids:
            entry = self.entries.get(entry_id)
            if entry is not None:
                out.append(Citation(entry.id, entry.title, entry.sources[0].url, ", ".join(entry.award_years)))
        return out


def name_year(text: str, year: str, lang: str) -> str:
    """The text led by the award year it answers for, unless it names that year already."""
    if ay.is_valid(year) and year not in text:
        return YEAR_LEAD.get(lang, YEAR_LEAD["en"]).format(year=year) + text
    return text


def finish(text: str, hits, lang: str) -> str:
    """Name the award year the top passage answers for, and hedge when it is unconfirmed."""
    text = name_year(text, hits[0].award_year, lang)
    if hits[0].entry.status == "unconfirmed":
        text += "\n\n" + reply("unconfirmed", lang).render()
    return text


def refusal_name(reason: str) -> str:
    """Which refusal fits the router's reason: injection, plain off-topic, or harmful."""
    if reason == "prompt-injection":
        return "injection"
    return "refuse" if reason.startswith("off-topic") or reason == "default" else "harmful"


def join(items: list[str], lang: str) -> str:
    word = " y " if lang == "es" else " and "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def unique(citations: list[Citation]) -> list[Citation]:
    return list({c.id: c for c in citations}.values())
