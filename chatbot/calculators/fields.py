"""The keyword tables the calculator turn reads students' messages with (chatbot/calculators/extract.py
does the reading). Which calculator a message asks for is chatbot/calculators/which.py.

Values use the calculators' field names where one fits (chatbot/calculators/__init__.py); a few are
generic and mapped per calculator in calc_chat (`<who>_income`, `<who>_tax_paid`, `<who>_agi`,
`<who>_cash`, `kids`, `birth_year`, `borrowed`), where who is `student` or `parent`.
Patterns run on lower-cased text with accents removed (`normalize`), so the Spanish ones are written
without accents. Nothing is guessed: "part time" or "12 credits" are hints to ask about (HINTS), never
an enrollment level; "2 kids" is not a family size.
"""
from __future__ import annotations

import re
from typing import Any

from chatbot.lang import fold

# -- field kinds (calculator field names): amounts shown in dollars; yes/no answers ----------------------
MONEY = re.compile(r"^(?:cost_of_attendance|balance|agi|borrowed\w*|non_federal_grant_aid|(?:student|parent)_(?:agi|"
                   r"income_tax_paid|earned_income|cash))$")
YES_NO_FIELDS = {"legacy_borrower", "new_loans", "married", "parents_married", "has_dependents",
                 "born_before_cutoff",
                 "graduate_student", "active_duty", "veteran", "supports_dependents", "orphan_foster_ward",
                 "emancipated_or_guardianship", "homeless"}

# -- amounts: "$25,000", "25000", "3k", "1.5k", "25 mil" (Spanish thousand), "-1500", "negative 1500" ---
AMT = (r"(?P<neg>(?<![\w$])-\s?|\bminus\s|\bnegative\s|\bmenos\s)?\$?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|"
       r"\d+(?:\.\d+)?)(?:\s?(?P<k>k\b|thousand\b|grand\b|mil\b))?(?!\d|,\d|\w)")
AMOUNT = re.compile(AMT)
# A range becomes its midpoint (and the reply says so): "between 20 and 25k", "20k-25k", "entre 20 y 25 mil".
RANGE = re.compile(r"(?:(?P<b>between|from|entre|de)\s+)?" + AMT.replace("?P<", "?P<a") +
                   r"\s*(?P<sep>-|–|to|and|y|a|hasta)\s*" + AMT)
# Value follows the key ("sai of 2000", "coa: 18k"); the gap may hold a few words ("is around").
AFTER_GAP = r"[^\d\n;!?$]{0,30}?"
# key regexes per amount, in matching order (a longer phrase first: "income tax paid" before "income").
# (value after the key, value before the key: "30k in loans") ; WHO marks per-person amounts.
AMOUNT_KEYS: dict[str, tuple[str, str | None]] = {
    "sai": (r"\bs\.?a\.?i\b|\bsia\b|student aid ind[ei]?x|aid index|indice de ayuda estudiantil", r"\bsai\b"),
    "cost_of_attendance": (r"cost of att?[ea]nd[ae]n?[cs]e|\bcoa\b|total cost|cost of (?:college|school|attending)"
                           r"|(?:school|college|it) costs?|costo (?:de asistencia|total)", r"cost of attendance|\bcoa\b"),
    "tax_paid": (r"(?:income )?tax(?:es)? paid|paid (?:in )?(?:federal )?(?:income )?tax(?:es)?|impuestos pagados",
                 r"(?:in|of) (?:federal )?(?:income )?tax(?:es)?\b|(?:en|de) impuestos"),
    "agi": (r"\bagi\b|adjusted gross income|ingreso bruto ajustado", None),
    "income": (r"\b(?:make|makes|made|earn|earns|earned|income|salary|wages|earnings|gano|ganan|ganamos|ingresos?"
               r"|sueldo|salario)\b", None),
    "balance": (r"\bowe\b|\bbalance\b|\bdebo\b|\bsaldo\b|\bdeuda\b|payments? on(?: a| my)?\b|\bloans? of\b"
                r"|\bprestamo de\b",
                r"(?:in|of) (?:federal |student |direct )*(?:loans?|debt)\b|\bbalance\b|(?:en|de) (?:prestamos|deuda)"),
    "borrowed": (r"\bborrowed\b|pedi prestado", None),
    "cash": (r"\bsavings\b|\bcash\b|\bahorros\b", r"(?:in|of) (?:savings|cash|the bank)|(?:en|de) ahorros"),
    "interest_rate": (r"interest(?: rate)?|\brate\b|tasa(?: de interes)?", None),
}
WHO = ("tax_paid", "agi", "income", "cash")
PERCENT = re.compile(r"(?P<v>\d+(?:\.\d+)?)\s?(?:%|percent\b|por ciento\b)")
ENROLL_PERCENT = re.compile(r"(?P<v>\d{1,3}(?:\.\d+)?)\s?(?:%|percent)\s*(?:of\s+)?(?:full[\s-]*time|enroll\w*|intensity)"
                            r"|intensity\D{0,12}?(?P<w>\d{1,3}(?:\.\d+)?)\s?%?")
MONTHLY = re.compile(r"\s*(?:a|per|each|/)\s*mo(?:nth)?\b|\s*monthly|\s*al mes|\s*mensual")

# -- choices: field -> [(pattern, value)]; two different values in one message = ambiguous, ask ----------
CHOICES: dict[str, list[tuple[str, Any]]] = {
    "enrollment": [(r"less than half[\s-]*time|menos de medio tiempo", "less-than-half-time"),
                   (r"\b(?:3/4|three[\s-]*quarters?)(?:[\s-]*time)?\b|tres cuartos", "three-quarter-time"),
                   (r"\bhalf[\s-]*time\b|\bhalftime\b|medio tiempo|media jornada", "half-time"),
                   (r"\bful+[\s-]*ti?me?\b|tiempo completo|jornada completa", "full-time")],
    "level": [(r"law school|med(?:ical)? school|dental school|pharmacy school|vet(?:erinary)? school|\bj\.?d\.?\b"
               r"|professional (?:student|degree|program|school)|escuela de (?:derecho|medicina)", "professional"),
              (r"\bgrad(?:uate)? (?:student|school|program)|\bgrad\b|master'?s|\bmba\b|ph\.?d|doctora(?:l|te)"
               r"|maestria|posgrado|doctorado", "graduate"),
              (r"undergrad\w*|community college|pregrado|estudiante universitario", "undergraduate")],
    "year_in_school": [(r"high school senior|senior in high school|incoming freshman|fresh(?:man|men|ie)\b"
                        r"|\b(?:first|1st)[\s-]*year|primer ano", 1),
                       (r"\bsoph(?:o|)more\b|\b(?:second|2nd)[\s-]*year|segundo ano", 2),
                       (r"\bjunior\b|(?<!high school )\bsenior\b(?! in high school)|\b(?:third|3rd|fourth|4th|fifth|5th)"
                        r"[\s-]*year|tercer ano|cuarto ano", 3)],
    "dependency": [(r"\bindependent\b|\bindependiente\b", "independent"), (r"\bdependent\b|\bdependiente\b", "dependent")],
    "filing_status": [(r"head of (?:the )?household|\bhoh\b|cabeza de familia|jefe de familia", "head_of_household"),
                      (r"married filing joint\w*|fil(?:e|ed|ing) joint\w*|joint(?:ly| return)|declaracion conjunta",
                       "married_filing_jointly"),
                      (r"married filing separate\w*|fil(?:e|ed|ing) separate\w*|por separado", "married_filing_separately"),
                      (r"qualifying (?:surviving spouse|widow\w*)|surviving spouse", "qualifying_surviving_spouse"),
                      (r"fil(?:e|ed|ing)(?: as)? single|single filer", "single")],
    "tax_return": [(r"(?:did ?n'?t|did not|don'?t|do not|never|no need to|not required to) (?:have to )?file"
                    r"|non-?filer|no declar\w*", "not_filed")],
    "parents_married": [(r"parents?\W+(?:are|were)?\s*(?:still\s+)?(?:re)?married|married parents"
                         r"|padres (?:estan |son )?casados", "yes"),
                        (r"parents?\W+(?:are|were|got)?\s*(?:divorced|separated|not married|never married|unmarried)"
                         r"|single (?:mom|dad|mother|father|parent)|padres (?:estan |son )?(?:divorciados|separados)", "no")],
    "new_loans": [(r"(?:on or )?after july(?: 1(?:st)?)?,? 2026|(?:from|since) july(?: 1(?:st)?)?,? 2026", "yes"),
                  (r"before july(?: 1(?:st)?)?,? 2026|(?:borrowed|took (?:them |it )?out|taken out)\D{0,12}"
                   r"(?:in|back in) (?:19\d\d|20[01]\d|202[0-5])", "no")],
}
WHO_CHOICES = ("filing_status", "tax_return")
# yes/no facts about the student, negatable ("not a veteran", "no kids"); parents' clauses are skipped.
FLAGS: dict[str, str] = {
    "married": r"\b(?:re)?married\b|\bmy (?:wife|husband|spouse)\b|\bcasad[oa]\b",
    "active_duty": r"active[\s-]*duty|servicio activo",
    "veteran": r"\bveteran\b|\bveterano\b|\bvet\b(?!\s*school)",
    "orphan_foster_ward": r"foster (?:care|kid|child|youth)|\borphan\w*|ward of (?:the )?court|huerfan\w*",
    "emancipated_or_guardianship": r"emancipat\w*|legal guardian\w*|guardianship|tutela",
    "homeless": r"homeless|sin hogar|sin techo",
    "has_bachelors_or_graduate": r"(?:have|got|earned|finished|hold) (?:a |my )?bachelor'?s|ya tengo (?:una )?licenciatura",
}
NOT_MARRIED = r"\b(?:single|unmarried|divorced|widowed|solter[oa]|divorciad[oa]|viud[oa])\b"
NEGATION = re.compile(r"(?:\bnot|\bno|\bnever|n't|\bnunca|\bni)\b[\w\s']{0,12}$")
HINTS = {"enrollment": [(r"part[\s-]*time|tiempo parcial", "part-time"),
                        (r"\b\d{1,2}(?:\.\d)?\s*(?:credits?|credit hours|units|semester hours|creditos)\b", "credits")]}
WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
WORDS.update({w: i for i, w in enumerate("cero uno dos tres cuatro cinco seis siete ocho nueve diez".split())})
_N = r"(?P<n>\d{1,2}|" + "|".join(WORDS) + r")"
WORDS.update({"a": 1, "an": 1, "un": 1, "una": 1})
_NA = r"(?P<n>\d{1,2}|" + "|".join(WORDS) + r")"   # "a son" counts one; "a family" is not a size
COUNTS: dict[str, list[str]] = {
    "family_size": [rf"(?:family|household)(?: size)?\s*(?:of|is|:|=)?\s*{_N}\b", rf"\b{_N}\s*(?:people|persons|members)\b",
                    rf"familia de {_N}\b", rf"\bsomos {_N}\b"],
    "dependents": [rf"\b{_N}\s+dependents?\b", rf"\bdependents?\s*(?:of|is|are|:)\s*{_N}\b", rf"\b{_N}\s+dependientes\b"],
    "kids": [rf"\b{_NA}\s+(?:kids?|children|child|sons?|daughters?|hij[oa]s?|ninos?)\b"],
}
NO_COUNT = {"dependents": r"\bno dependents\b|\bsin dependientes\b",
            "kids": r"\bno (?:kids|children)\b|don'?t have (?:any )?(?:kids|children)"}
BIRTH = re.compile(r"\b(?:born|naci)\b[^\n.;]{0,20}?\b(?P<y>(?:19|20)\d\d)\b")
# Numbers that are not amounts: dates, durations, ages, hourly pay. Blanked so they are never taken as one.
NOT_AMOUNTS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?"
    r"|\b\d{4}-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d+\s*(?:years?|months?|weeks?|anos|meses)\b(?! old)"
    r"|\b(?:i'?m|i am|age|aged|tengo)\s+\d{1,2}\b(?:\s*(?:years? old|yo|anos))?|\b\d{1,2}\s*(?:years? old|y/?o)\b"
    r"|\$?\d+(?:\.\d+)?\s*(?:/\s*h\w*|an hour|per hour)"
    r"|\b(?:in|before|after|since|by) (?:19|20)\d\d\b")
# A repayment term the user chose ("for 15 years", "paid in full within five years", "a 10-year period",
# "in 10 years instead of 20"): the level payment over that term is computed as asked. "I've been paying
# for 5 years" is time already spent, not a term.
_TERM_N = r"(?P<n>\d{1,2}|" + "|".join(w for w in WORDS if len(w) > 2) + r"|fifteen|twenty|twenty-five|thirty)"
_TERM_WORDS = {"fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30}
TERM = re.compile(
    r"(?<!been paying )(?<!been paying it )(?<!paid )(?<!worked )(?<!working )"
    r"\b(?:for|over|within|in|across|durante|en|a)\s+(?:a\s+|the\s+next\s+|un\s+|un plazo de\s+)?" + _TERM_N +
    # "in 10 or 20 years": both terms
    r"(?:\s+(?:or|and|o|y)\s+(?P<also>\d{1,2}))?[\s-]*(?:years?|yrs?|anos)\b(?! old| ago)"
    r"|\b" + _TERM_N.replace("?P<n>", "?P<m>") + r"[\s-]*(?:years?|yr)[\s-]+(?:term|period|plan|payoff|repayment)\b"
    r"|\b(?:term|period|plazo) of\s+" + _TERM_N.replace("?P<n>", "?P<o>") + r"\s*(?:years?|yrs?)\b"
    r"|\bplazo de\s+" + _TERM_N.replace("?P<n>", "?P<p>") + r"\s*anos\b")
TERM_ALSO = re.compile(r"\b(?:instead of|rather than|versus|vs\.?|or|en lugar de|o)\s+" + _TERM_N +
                       r"(?:\s*(?:years?|anos))?\b(?!\s*%|\s*k\b|,\d)")


def term_years(word: str) -> int:
    return int(word) if word.isdigit() else _TERM_WORDS.get(word, WORDS.get(word, 0))


# Never read, never kept: SSN-shaped and long account-like digit runs (the pipeline's guard warns about them).
SENSITIVE = re.compile(r"\b\d{3}([- ])\d{2}\1\d{4}\b|(?<![\d,.$])\d{9,}(?!\d|,\d)|\b\d{4}-\d{4}-\d{4}-\d{1,7}\b")
PARENT = re.compile(r"\b(?:parents?'?s?|mom'?s?|mother'?s?|dad'?s?|father'?s?|step(?:mom|dad|parents?)|they|their"
                    r"|padres|mama|papa|madre|padre)\b")
HEDGES = re.compile(r"\bi (?:think|guess|believe|suppose)\b|\bi'?m not sure\b|\bi don'?t know\b|\bcreo\b")
SELF = re.compile(r"\b(?:i|i'm|im|my|me|mine|yo|mi|mis)\b")
YES_NO_WORDS = re.compile(r"\b(?:yes|yeah|yep|yup|sure|correct|no|nope|nah)\b|\bsi\b(?=\s*(?:[,.!;]|$))")
NONE_OF = re.compile(r"\b(?:none(?: of (?:these|them|those|that))?|neither|no to all|all no|ningun[oa]|nada de eso)\b")

STATES = dict(reversed(s.split(" ", 1)) for s in (  # name -> code
    "AL alabama|AK alaska|AZ arizona|AR arkansas|CA california|CO colorado|CT connecticut|DE delaware|"
    "DC district of columbia|DC washington dc|DC washington d.c.|"
    "FL florida|GA georgia|HI hawaii|ID idaho|IL illinois|IN indiana|IA iowa|KS kansas|"
    "KY kentucky|LA louisiana|ME maine|MD maryland|MA massachusetts|MI michigan|MN minnesota|MS mississippi|"
    "MO missouri|MT montana|NE nebraska|NV nevada|NH new hampshire|NJ new jersey|NM new mexico|NY new york|"
    "NC north carolina|ND north dakota|OH ohio|OK oklahoma|OR oregon|PA pennsylvania|RI rhode island|"
    "SC south carolina|SD south dakota|TN tennessee|TX texas|UT utah|VT vermont|VA virginia|WA washington|"
    "WV west virginia|WI wisconsin|WY wyoming|PR puerto rico|NY nueva york|NJ nueva jersey|NM nuevo mexico|"
    "NC carolina del norte|SC carolina del sur|PA pensilvania|LA luisiana|HI hawai").split("|"))
_NAMES = "|".join(sorted(STATES, key=len, reverse=True))
STATE_NAME = re.compile(rf"\b(?:live|living|reside|resident of|residency in|from|vivo|vivimos|state is|state:)\s+(?:in\s+)?"
                        rf"(?:the state of\s+)?(?P<name>{_NAMES})\b")
STATE_CODE = re.compile(r"\bstate(?: of (?:legal )?residence)?\s*(?:is|:|=)\s*(?P<code>[a-z]{2})\b")
BARE_CODE = re.compile(r"(?<![\w'])(?P<code>[A-Z]{2})(?![\w'])")
WORDY_CODES = {"IN", "OR", "ME", "OK", "HI", "AS", "NO", "SO"}   # read as a state only when the whole reply


def normalize(text: str) -> str:
    """Lower-case, accents removed, same quotes everywhere; SSN- and account-like digit runs blanked."""
    text = fold(text.replace("¾", "3/4")).replace("⁄", "/")
    return SENSITIVE.sub(lambda m: " " * len(m.group()), text)


