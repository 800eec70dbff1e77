"""The languages the bot speaks, and the one place that tells them apart.

    LANGUAGES             the supported codes; the first is the default
    PROMPT_NAMES[code]    the language's name in English (what the answer prompt asks the model for)
    OWN_NAMES[code]       the language's name in itself (the page's language picker)
    detect(text) -> code  which language a message is written in
    fold(text) -> text    accents and compatibility forms removed ("¿Cuánto?" -> "¿Cuanto?",
                          fullwidth "ｉｇｎｏｒｅ" -> "ignore"), case kept, curly apostrophes straightened

Adding a language: its code, names, stemmer and stopword list here, its function words in
FUNCTION_WORDS, then its phrases (chatbot/web/i18n/, prompts/replies/, the keyed tables of
chatbot/calculators/reply.py) and knowledge entries. Pure standard library.
"""
from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("en", "es")
DEFAULT = LANGUAGES[0]
PROMPT_NAMES = {"en": "English", "es": "Spanish"}
OWN_NAMES = {"en": "English", "es": "Español"}
# Retrieval (chatbot/kb/text.py): the PyStemmer algorithm and the bm25s stopword list per language.
STEMMERS = {"en": "english", "es": "spanish"}
STOPWORD_LISTS = {"en": "STOPWORDS_EN_PLUS", "es": "STOPWORDS_SPANISH"}

# Words that mark a language in short, informal messages (folded: no accents). English is the
# default, so only the others need to win clearly.
FUNCTION_WORDS = {
    "en": frozenset("""the is are to of and my i you what how can do does for in it on that this with be have will
when much get if im i'm it's its was were would could should about your me we they he she there which who why
an or not but just so like dont don't can't cant need want where""".split()),
    "es": frozenset("""de la el que los las por para con es mi mis una del al lo le se pero mas porque tambien ya muy
hay sus yo tu tus nos como cuando donde cual cuales quien cuanto cuanta cuantos cuantas puedo puede pueden tengo
tiene tienen soy estoy esta estan necesito quiero hola gracias beca becas prestamo prestamos ayuda fecha limite
dinero papas mama papa padres ano anos sobre entre hasta desde si algo nada usted ustedes ella ellos seria sera
fue son estudiante pagar deuda ingresos universidad solicitud debo""".split()),
}
# Words only a speaker of that language would open with count double ("hola" alone is Spanish).
STRONG_WORDS = {
    "es": frozenset("hola gracias cuanto cuanta cuantos cual cuales puedo necesito quiero tengo beca becas "
                    "prestamos".split()),
}
# Characters only that language writes, up to two points ("¿", "ñ", accented vowels).
MARKS = {"es": re.compile(r"[áéíóúñ¿¡]")}
_WORD = re.compile(r"[a-z']+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\u2019", "'")


def detect(text: str) -> str:
    """The language with the most function words; another than the default needs at least two
    points and a clear lead, so short or mixed text stays in the default."""
    raw = unicodedata.normalize("NFC", text or "").lower()
    words = _WORD.findall(fold(raw))
    scores = {}
    for code in LANGUAGES:
        strong = STRONG_WORDS.get(code, frozenset())
        marks = MARKS.get(code)
        scores[code] = sum((w in FUNCTION_WORDS[code]) + (w in strong) for w in words) + (
            min(2, len(marks.findall(raw))) if marks else 0)
    best = max(LANGUAGES[1:], key=lambda c: scores[c], default=DEFAULT)
    return best if scores[best] >= 2 and scores[best] > scores[DEFAULT] else DEFAULT
