"""Which calculator a message asks for: the one table the router, the calculator conversation and the
pipeline all read. Three questions, three entry points:

    calculator_with_inputs(folded)  the router: the message names a calculator's topic, asks for a
                                    result AND carries the facts it needs -> the calculator route
    wants_calculation(text)         inside the calculator turn: which calculator the text asks to
                                    run (topic, and the student's own numbers or a personal ask)
    asks_to_calculate(text)         "calculate it for me" (what the calculator offer invites)
    topic(text)                     the first calculator whose subject the text names

First match wins in each table, so the order settles overlaps: "my SAI is 2000, how much Pell?" is
a Pell question. Pure standard library; tables of real messages in tests/test_guards_*.py and
tests/test_calculators_chat.py.
"""
from __future__ import annotations

import re

from chatbot.calculators.fields import normalize


def _rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(parts), re.I | re.M)


# -- the router's rules: (calculator, topic, ask, facts); all three must match (on folded text) ----
_SAI_NUMBER = r"\b(?:sai|efc|indice(?: de ayuda)?)\b[^.?!\d-]{0,20}-?\$?\d|(?<![\d,])-?\d[\d,]*\s*(?:sai|efc)\b"
_MONEY_FACT = (r"\$\s?\d|\b\d+(?:\.\d+)?\s?(?:k|mil|thousand|grand)\b|\b\d{1,3}(?:,\d{3})+\b|\b(?:owe|debo|balance|"
               r"borrowed|make|makes|earn|earns|income|salary|agi|gano|ganan?)\b[^.?!]{0,20}\d|\bloans? of \$?\d")
CALCULATOR_RULES = [
    ("pell", _rx(r"\bpel+s?\b"), _rx(r"\?", r"\bhow much\b", r"\bwhat'?s my\b", r"\bwhats my\b", r"\bcuant",
    r"\b(?:will|would|can|could|do) i\b",
                                     r"\bam i\b", r"\bpuedo\b", r"\bestimate\b", r"\bcalculat(?:e|ing)\b"), _rx(_SAI_NUMBER)),
    ("sai", _rx(r"\b(?:sai|efc|student aid index|indice de ayuda)\b"),
     _rx(r"\b(?:calculate|calc|estimate|figure out|predict)\b",
     r"\bwhat (?:will|would|should) (?:my|our|the) (?:sai|efc)",
         r"\bwhat'?s my (?:sai|efc)\b", r"\bwhat is my (?:sai|efc)\b",
         r"\bhow (?:much|high|low) (?:will|would) (?:my|our)",
         r"\bcuanto (?:sera|seria|va a ser)\b", r"\bcalcula"),
     _rx(_MONEY_FACT, r"\bfamily of \d", r"\bhousehold of \d", r"\b\d+ (?:people|kids|children|personas|hijos)\b")),
    ("loan-limits", _rx(r"\bborrow|\bloans?\b|\bprest"),
     _rx(r"\bhow much (?:\w+ )?(?:can|could|will|would|may|am) (?:i|we|my \w+|a \w+)(?: be able to)? "
         r"(?:borrow|get|take)",
         r"\b(?:max|maximum|most) (?:i|we) can borrow\b", r"\bcuanto (?:puedo|podemos|puede) (?:pedir|sacar|tomar)"),
     _rx(r"\b(?:freshm[ae]n|sophomore|junior|senior|first[- ]year|1st[- ]year|second[- ]year|2nd[- ]year|third[- ]year|"
         r"3rd[- ]year|fourth[- ]year|4th[- ]year|5th[- ]year|grad(?:uate)? (?:student|school)|masters?|phd|doctoral|"
         r"med(?:ical)? school|law school|professional (?:student|program|degree)|dependent|independent|undergrad\w*|"
         r"primer ano|segundo ano|tercer ano|cuarto ano|dependiente|independiente|posgrado|maestria)\b")),
    ("repayment", _rx(r"\bpayments?\b", r"\bpay (?:back|per|a|each|monthly|off)\b", r"\bmonthly\b", r"\bper month\b",
                      r"\bhow long\b", r"\bpagar(?:ia|e|ias|iamos)?\b", r"\bal mes\b", r"\bpagos?\b", r"\bmensualidad\b", r"\bcuota\b"),
     _rx(r"\bhow (?:much|long)\b", r"\bwhat (?:would|will|is|'s|are)\b", r"\bwhats\b", r"\bcalculat(?:e|ing)\b",
         r"\bestimate\b", r"\bcuant", r"\bpayments? (?:will|would) be\b"), _rx(_MONEY_FACT)),
    ("dependency", _rx(r"\b(?:in)?depend(?:ent|ence|ency|iente)", r"\bmy parents'? (?:info|information)",
                       r"\bmis (?:padres|papas)\b"),
     _rx(r"\b(?:am i|would i be|will i be|would i count|do i count|count as|considered|soy|seria|cuento como)\b"
         r"[^.?!]{0,15}\b(?:in)?dependi?ente?\b", r"\b(?:in)?dependiente? o (?:in)?dependiente?\b",
         r"\bdo i (?:still )?(?:need|have to (?:include|use|put|add|report)) (?:my )?(?:parents?|mom|dad)",
         r"\b(?:necesito|tengo que (?:poner|incluir)) (?:la )?(?:informacion|info|datos) de mis (?:padres|papas)"),
     _rx(r"\b(?:i'?m|i am|im|tengo|turned|turning|cumpli)\s+\d{2}\b", r"\b\d{2} (?:years old|yrs old|yo|anos)\b",
         r"\bborn in (?:19|20)\d\d\b", r"\b(?:married|marry|marriage|husband|wife|spouse|casad[oa]|espos[oa])\b",
         r"\b(?:kids?|child|children|baby|son|daughter|pregnant|hij[oa]s?|bebe|embarazada)\b",
         r"\b(?:veteran|military|army|navy|marines?|air force|active duty|national guard|veterano|militar)\b",
         r"\b(?:foster|orphan|ward of (?:the )?court|parents (?:both )?(?:died|passed|are dead)|huerfan[oa]|"
         r"emancipated|legal guardian\w*|homeless|sin hogar|grad(?:uate)? (?:student|school)|masters|phd|posgrado|"
         r"maestria)\b")),
]




def calculator_with_inputs(folded: str) -> str | None:
    """The calculator whose topic, ask and facts all appear in `folded` (chatbot.lang.fold text)."""
    return next((name for name, topic_rx, ask, facts in CALCULATOR_RULES
                 if topic_rx.search(folded) and ask.search(folded) and facts.search(folded)), None)


# Asking for a calculation, not telling of one ("I did the calculations, how do I borrow?" is a how-to).
CALC_REQUEST = re.compile(r"\b(calculate|calc it|work it out|run the numbers|calc[uú]l(?:a|ar|alo|e|elo|emos|ame|enme))\b",
                          re.I)


# ...nor asking whether one has to do it oneself ("is it something I'll need to calculate on my own or is
# it given to me by colleges?" is a question about the SAI, and got the SAI calculator's first question).
CALC_ONESELF = re.compile(r"\b(?:i|we|i'?ll|we'?ll|do i|do we|should i|will i|would i|am i)\b(?:\s+\w+){0,4}\s+calculat\w*"
                          r"(?:\s+\w+){0,3}\s+(?:on (?:my|our) own|myself|ourselves|by hand|by myself)\b", re.I)


def asks_to_calculate(text: str) -> bool:
    return bool(CALC_REQUEST.search(text)) and not CALC_ONESELF.search(text)


# -- which calculator a message asks for ------------------------------------------------------------
# First match wins, so the order settles overlaps: "my SAI is 2000, how much Pell?" is a Pell question.
TOPICS: list[tuple[str, str]] = [
    ("repayment", r"monthly payments?|pay(?:ing)? (?:back|off)|\brepay|payment plan|\brap\b|\bowe\b|pago mensual|cuota"),
    ("loan-limits", r"\bborrow|loan limits?|max(?:imum)? (?:federal |direct |student )*loans?|how much (?:in )?"
                    r"(?:federal |student |direct )*loans?|pedir prestado|limites? de prestamos?"),
    ("dependency", r"dependency|\bam i (?:an? )?(?:in)?dependent|count as (?:an? )?(?:in)?dependent"
                   r"|soy (?:in)?dependiente|\bindependent student"),
    ("pell", r"\bpell\b"),
    ("sai", r"\bsai\b|student aid index|indice de ayuda"),
]
INTENT = re.compile(r"estimat|calculat|comput|figure out|work out|how much|what (?:would|will|could) (?:my|i)|what'?s my"
                    r"|what is my|my monthly|\bam i\b|would i get|will i get|cuanto|calcul|estim|\bsoy\b|recibir")
PERSONAL = re.compile(r"\b(?:i|i'm|im|i'd|my|me|we|our|mi|mis|yo|tengo|puedo|recibiria|soy)\b")


def topic(text: str) -> str | None:
    low = normalize(text).lower()
    return next((name for name, p in TOPICS if re.search(p, low)), None)


def wants_calculation(text: str) -> str | None:
    """The calculator a message asks to run, from its text alone; None for a general question
    ("what is a Pell Grant?", "how much is the maximum Pell for 2026-27?"). It needs a topic, and either
    the student's own numbers or a personal request ("how much Pell will I get?")."""
    low = normalize(text).lower()
    name = topic(low)
    # A number that is not a year ("sai 2000", "coa 18k") means there is something to calculate with.
    data = re.search(r"\d", re.sub(r"\b(?:19|20)\d\d\b(?:\s?[-–/]\s?\d{2,4})?|\b\d\d[-/]\d\d\b", " ", low))
    if not name or not (PERSONAL.search(low) or data):
        return None
    return name if INTENT.search(low) or data else None
