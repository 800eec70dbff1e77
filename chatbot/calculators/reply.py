"""What the calculator turn (chatbot/calculators/chat.py) says, per language: its questions and its
rendering of a result (key numbers, the inputs used, what was assumed, the steps, the estimate line).
Every phrase table is keyed by language code (chatbot/lang.py); a new language adds its key to each.

The opening phrases in INTRO and HEADING are also how a later turn recognises our own question or
result in the history (`calc_chat.in_calc_conversation`), and the text of a question line before its
first "(" tells which field it asked for: change them and older conversations are not recognised.
Questions never ask for an SSN, an FSA ID or password, or a bank or account number.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chatbot.calculators.fields import MONEY, YES_NO_FIELDS
from chatbot.calculators import CALCULATORS, CalcResult
from chatbot.calculators.checks import AWARD_YEARS

ASK_AT_ONCE = 3          # questions per reply
ESTIMATOR_AFTER = 3      # SAI: after this many rounds with much still missing, point to the official estimator

# calculator -> how our question for it starts
INTRO = {
    "pell": {"en": "To estimate your Pell Grant", "es": "Para estimar tu beca Pell"},
    "loan-limits": {"en": "To work out your federal loan limits", "es": "Para calcular tus límites de préstamos federales"},
    "repayment": {"en": "To estimate your monthly loan payment", "es": "Para estimar tu pago mensual del préstamo"},
    "dependency": {"en": "To check your FAFSA dependency status", "es": "Para revisar tu estado de dependencia en la FAFSA"},
    "sai": {"en": "To estimate your Student Aid Index (SAI)", "es": "Para estimar tu Índice de Ayuda Estudiantil (SAI)"},
}
# calculator -> how our result for it starts
HEADING = {
    "pell": {"en": "Your Pell Grant estimate", "es": "Tu estimación de la beca Pell"},
    "loan-limits": {"en": "Your federal Direct Loan limits", "es": "Tus límites de préstamos federales Direct"},
    "repayment": {"en": "Your monthly payment estimate", "es": "Tu estimación de pago mensual"},
    "dependency": {"en": "Your FAFSA dependency status", "es": "Tu estado de dependencia en la FAFSA"},
    "sai": {"en": "Your Student Aid Index (SAI) estimate", "es": "Tu estimación del Índice de Ayuda Estudiantil (SAI)"},
}
CHOOSE = {"en": "I can estimate these for you: a Pell Grant, your federal loan limits, a monthly loan payment, your "
          "FAFSA dependency status, or your Student Aid Index (SAI). Which one would you like?",
          "es": "Puedo estimar esto por ti: una beca Pell, tus límites de préstamos federales, un pago mensual de "
          "préstamo, tu estado de dependencia en la FAFSA o tu Índice de Ayuda Estudiantil (SAI). ¿Cuál quieres?"}
NEED = {"en": "{intro}{year}, I need:", "es": "{intro}{year}, necesito:"}
FOR_YEAR = {"en": " for {year}", "es": " para {year}"}
OUTRO = {"en": "Round numbers or a range are fine.", "es": "Puedes usar números redondos o un rango."}
SO_FAR = {"en": "So far I have: {facts}.", "es": "Hasta ahora tengo: {facts}."}
BASED_ON = {"en": "Based on: {facts}.", "es": "Con estos datos: {facts}."}
STEPS = {"en": "How it was worked out:", "es": "Cómo se calculó (detalles en inglés):"}
UNCONFIRMED = {"en": "Not yet confirmed:", "es": "Sin confirmar todavía (detalles en inglés):"}
NOTE = {"en": "Note: {note}", "es": "Nota (en inglés): {note}"}
PARENTS_OPTIONS = {"en": "If your parents can't or won't provide their information:",
                   "es": "Si tus padres no pueden o no quieren dar su información (detalles en inglés):"}
ESTIMATE = {"en": "This is an estimate; your school's financial aid office decides your actual aid.",
            "es": "Esto es una estimación; la oficina de ayuda financiera de tu escuela decide tu ayuda real."}
BAD_VALUE = {"en": "I can't use this answer ({label}): {message}.",
             "es": "No puedo usar este dato ({label}): {message} (detalles en inglés)."}
HINT = {
    "part-time": {"en": "You said part-time: which level is it? Half-time and three-quarter-time give different amounts.",
                  "es": "Dijiste tiempo parcial: ¿cuál es? Medio tiempo y tres cuartos de tiempo dan montos distintos."},
    "credits": {"en": "Credits alone don't tell me your enrollment level, since each school sets its own full-time load: "
                "please tell me the level your school gives you.",
                "es": "Los créditos solos no me dicen tu nivel de matrícula, porque cada escuela fija su carga de tiempo "
                "completo: dime el nivel que te da tu escuela."},
    "ambiguous": {"en": "I saw more than one answer for {label}; which one applies?",
                  "es": "Vi más de una respuesta para {label}; ¿cuál aplica?"},
}
ESTIMATOR = {"en": "That's a lot of details to gather in a chat: the Federal Student Aid Estimator "
             "(https://studentaid.gov/aid-estimator/) asks for the same information step by step. Or keep going here.",
             "es": "Son muchos datos para un chat: el Federal Student Aid Estimator (https://studentaid.gov/aid-estimator/) "
             "pide la misma información paso a paso. O sigue aquí."}
ASSUMED = {  # what calc_chat assumed from the user's words
    "midpoint": {"en": "You gave a range for {label} ({lo} to {hi}), so I used the midpoint, {mid}.",
                 "es": "Diste un rango para {label} ({lo} a {hi}); usé el punto medio, {mid}."},
    "monthly": {"en": "I multiplied your monthly income ({lo}) by 12: {hi} a year.",
                "es": "Multipliqué tu ingreso mensual ({lo}) por 12: {hi} al año."},
    "income_as_agi": {"en": "I used the income you gave, {lo}, as your adjusted gross income (AGI); the AGI on your tax "
                      "return can differ.", "es": "Usé el ingreso que diste, {lo}, como tu ingreso bruto ajustado (AGI); el "
                      "AGI de tu declaración puede ser distinto."},
    "kids_as_dependents": {"en": "I counted your {lo} children as dependents.", "es": "Conté a tus {lo} hijos como dependientes."},
    "coa_not_binding": {"en": "You didn't give your cost of attendance, so I assumed it is at least {lo}, the most Pell can "
                        "pay: it only lowers Pell when it is below the award, which is rare for a full-time student. If "
                        "your school's cost of attendance is lower, tell me and I'll redo it.",
                        "es": "No diste el costo de asistencia, así que supuse que es al menos {lo}, lo máximo que paga "
                        "Pell: solo reduce la Pell cuando es menor que la beca, algo raro para un estudiante de tiempo "
                        "completo. Si el costo de tu escuela es menor, dímelo y lo recalculo."},
    "full_time_assumed": {"en": "I assumed you'll be enrolled full-time. At three-quarter time it would be about {lo}, "
                          "at half time about {hi}; less than half-time is prorated by your exact enrollment.",
                          "es": "Supuse que estudiarás a tiempo completo. A tres cuartos de tiempo serían unos {lo}, a "
                          "medio tiempo unos {hi}; a menos de medio tiempo se prorratea según tu matrícula exacta."},
    "loan_full_time_assumed": {"en": "I assumed you'll be enrolled full-time. At half time the yearly limit would be "
                               "about {lo}; below half time there are no Direct Loans.",
                               "es": "Supuse que estudiarás a tiempo completo. A medio tiempo el límite anual sería de "
                               "unos {lo}; a menos de medio tiempo no hay "
                               "Préstamos Direct."},
    "standard_assumed": {"en": "I assumed the loans were made before July 1, 2026 (the Standard 10-year plan). Loans made "
                         "from July 1, 2026 use the Tiered Standard plan instead: {lo} years, about {hi} a month.",
                         "es": "Supuse que los préstamos son de antes del 1 de julio de 2026 (plan Estándar a 10 años). Los "
                         "préstamos desde el 1 de julio de 2026 usan el plan Estándar Escalonado: {lo} años, unos {hi} al mes."},
    "borrowed_as_balance": {"en": "I used the amount you borrowed, {lo}, as your balance; accrued interest can make it higher.",
                            "es": "Usé lo que pediste prestado, {lo}, como tu saldo; los intereses pueden aumentarlo."},
}
YES, NO = {"en": "yes", "es": "sí"}, {"en": "no", "es": "no"}

# field -> one line of a question (the part before "(" identifies the field in a later turn)
QUESTION = {
    "sai": {"en": "your Student Aid Index (SAI) from your FAFSA Submission Summary (a round number is fine)",
            "es": "tu Índice de Ayuda Estudiantil (SAI) del resumen de tu FAFSA (un número redondo está bien)"},
    "enrollment": {"en": "how you'll be enrolled (full-time, three-quarter-time, half-time, less than half-time, or a "
                   "percent of full time)", "es": "cómo vas a estudiar (tiempo completo, tres cuartos de tiempo, "
                   "medio tiempo, menos de medio tiempo, o un porcentaje del tiempo completo)"},
    "cost_of_attendance": {"en": "your school's cost of attendance for the year (a round number is fine)",
                           "es": "el costo de asistencia de tu escuela para el año (un número redondo está bien)"},
    "level": {"en": "whether you're an undergraduate, a graduate student, or a professional student (e.g. undergrad "
              "sophomore, master's, law school)", "es": "si eres estudiante de pregrado, de posgrado o de un programa "
              "profesional (p. ej. pregrado segundo año, maestría, escuela de derecho)"},
    "year_in_school": {"en": "your year in school (freshman, sophomore, junior or senior)",
                       "es": "tu año de estudios (primer año, segundo año, tercer año o más)"},
    "dependency": {"en": "whether you're a dependent or an independent student for the FAFSA (not sure? ask me \"am I "
                   "independent?\")", "es": "si eres estudiante dependiente o independiente para la FAFSA (¿no sabes? "
                   "pregúntame \"¿soy independiente?\")"},
    "legacy_borrower": {"en": "did you already have a Direct Loan for this program before July 1, 2026? (yes/no)",
                        "es": "¿ya tenías un préstamo Direct para este programa antes del 1 de julio de 2026? (sí/no)"},
    "balance": {"en": "your total federal student loan balance (a round number is fine)",
                "es": "el saldo total de tus préstamos federales (un número redondo está bien)"},
    "interest_rate": {"en": "the interest rate (your loan servicer shows it)",
                      "es": "la tasa de interés (la muestra tu administrador de préstamos)"},
    "new_loans": {"en": "were the loans made on or after July 1, 2026? (yes/no)",
                  "es": "¿los préstamos se hicieron el 1 de julio de 2026 o después? (sí/no)"},
    "agi": {"en": "your adjusted gross income (AGI) from your latest tax return (a round number is fine)",
            "es": "tu ingreso bruto ajustado (AGI) de tu última declaración de impuestos (un número redondo está bien)"},
    "dependents": {"en": "how many dependents you have, not counting you or a spouse (none is fine)",
                   "es": "cuántos dependientes tienes, sin contarte a ti ni a tu cónyuge (ninguno también vale)"},
    "family_size": {"en": "how many people are in the household (for a dependent student, the "
                    "parents' household including you)", "es": "cuántas personas hay en el hogar ("
                    "si eres dependiente, el hogar de tus padres contándote a ti)"},
    "state": {"en": "your state of legal residence (your parents' if you're dependent), e.g. NJ or Texas",
              "es": "tu estado de residencia legal (el de tus padres si eres dependiente), p. ej. NJ o Texas"},
    "married": {"en": "are you married? (yes/no)", "es": "¿estás casado/a? (sí/no)"},
    "parents_married": {"en": "are your parents married to each other? (yes/no)", "es": "¿tus padres están casados entre sí? (sí/no)"},
    "born_before_cutoff": {"en": "were you born before January 1, {cutoff}? (yes/no, or just your birth year)",
                           "es": "¿naciste antes del 1 de enero de {cutoff}? (sí/no, o solo tu año de nacimiento)"},
    "graduate_student": {"en": "will you be a graduate or professional student? (yes/no)",
                         "es": "¿serás estudiante de posgrado o de un programa profesional? (sí/no)"},
    "active_duty": {"en": "are you on active duty in the U.S. armed forces, other than for training? (yes/no)",
                    "es": "¿estás en servicio activo en las fuerzas armadas de EE. UU., no solo en entrenamiento? (sí/no)"},
    "veteran": {"en": "are you a veteran of the U.S. armed forces? (yes/no)",
                "es": "¿eres veterano/a de las fuerzas armadas de EE. UU.? (sí/no)"},
    "supports_dependents": {"en": "do you have children, or other dependents living with you, who get more than half "
                            "their support from you? (yes/no)", "es": "¿tienes hijos, u otros dependientes que viven "
                            "contigo, que reciben de ti más de la mitad de su sustento? (sí/no)"},
    "orphan_foster_ward": {"en": "since you turned 13, were both your parents deceased, or were you in foster care or a "
                           "ward of the court? (yes/no)", "es": "desde que cumpliste 13 años, ¿fallecieron tus dos padres, "
                           "estuviste en hogar de crianza o bajo tutela de un tribunal? (sí/no)"},
    "emancipated_or_guardianship": {"en": "are you, or were you as a minor, emancipated or in legal guardianship decided "
                                    "by a court? (yes/no)", "es": "¿eres o fuiste, siendo menor, emancipado/a o bajo tutela "
                                    "legal decidida por un tribunal? (sí/no)"},
    "homeless": {"en": "are you an unaccompanied youth who is homeless or at risk of being homeless? (yes/no)",
                 "es": "¿eres un joven no acompañado sin hogar o en riesgo de quedarte sin hogar? (sí/no)"},
    "award_year": {"en": "which award year (one of {years})", "es": "qué año de ayuda (uno de {years})"},
}
QUESTION["has_dependents"] = QUESTION["supports_dependents"]   # the FAFSA's meaning of dependents (Formula C)
for _who, _en in (("student", "your"), ("parent", "your parents'")):
    def _es(noun: str, article: str = "el") -> str:
        return f"tu {noun}" if _who == "student" else f"{article} {noun} de tus padres"
    QUESTION.update({
        f"{_who}_agi": {"en": f"{_en} adjusted gross income (AGI) from the tax return the FAFSA asks about (a round number is fine)",
                        "es": f"{_es('ingreso bruto ajustado')} (AGI) de la declaración que pide la FAFSA (un número redondo está bien)"},
        f"{_who}_income_tax_paid": {"en": f"{_en} U.S. income tax paid on that return (zero is fine)",
                                    "es": f"{_es('impuesto federal pagado')} (en esa declaración; cero también vale)"},
        f"{_who}_earned_income": {"en": f"{_en} income from work (wages plus net self-employment)",
                                  "es": f"{_es('ingresos por trabajo', 'los')} (salarios más trabajo por cuenta propia)"},
        f"{_who}_filing_status": {"en": f"{_en} tax filing status (single, head of household, married filing jointly or "
                                  "separately, or \"didn't file\")", "es": f"{_es('estado civil tributario')} (soltero, "
                                  "cabeza de familia, casados declarando juntos o por separado, o \"no declaré\")"},
    })

# field -> short label for "So far I have" / errors
LABEL = {
    "sai": {"en": "SAI", "es": "SAI"}, "enrollment": {"en": "enrollment", "es": "matrícula"},
    "cost_of_attendance": {"en": "cost of attendance", "es": "costo de asistencia"}, "level": {"en": "level", "es": "nivel"},
    "year_in_school": {"en": "year in school", "es": "año de estudios"}, "dependency": {"en": "dependency", "es": "dependencia"},
    "balance": {"en": "balance", "es": "saldo"}, "interest_rate": {"en": "interest rate", "es": "tasa de interés"},
    "new_loans": {"en": "loans made on or after July 1, 2026", "es": "préstamos desde el 1 de julio de 2026"},
    "term_years": {"en": "years to pay it off", "es": "años para pagarlo"}, "agi": {"en": "AGI", "es": "AGI"},
    "dependents": {"en": "dependents", "es": "dependientes"}, "family_size": {"en": "family size", "es": "tamaño de la familia"},
    "state": {"en": "state", "es": "estado"}, "married": {"en": "married", "es": "casado/a"}, "award_year": {"en": "award year", "es": "año de ayuda"},
    "born_before_cutoff": {"en": "born before the cutoff", "es": "nacido antes de la fecha límite"},
    "legacy_borrower": {"en": "earlier Direct Loan for this program", "es": "préstamo Direct anterior para este programa"},
    "parents_married": {"en": "parents married", "es": "padres casados"}, "graduate_student": {"en": "graduate student", "es": "posgrado"},
    "active_duty": {"en": "active duty", "es": "servicio activo"}, "veteran": {"en": "veteran", "es": "veterano/a"},
    "supports_dependents": {"en": "supports dependents", "es": "mantiene dependientes"},
    "orphan_foster_ward": {"en": "orphan, foster care or ward of the court", "es": "huérfano/a, hogar de crianza o tutela"},
    "emancipated_or_guardianship": {"en": "emancipated or in legal guardianship", "es": "emancipado/a o bajo tutela legal"},
    "homeless": {"en": "homeless or at risk", "es": "sin hogar o en riesgo"}, "has_dependents": {"en": "has dependents", "es": "tiene dependientes"},
}

for _who, _en, _es in (("student", "your", "tuyo"), ("parent", "your parents'", "de tus padres")):
    LABEL.update({f"{_who}_{item}": {"en": f"{_en} {en}", "es": f"{es} {_es}"} for item, en, es in (
        ("agi", "AGI", "AGI"), ("income_tax_paid", "income tax paid", "impuesto pagado"),
        ("earned_income", "income from work", "ingresos por trabajo"), ("filing_status", "filing status", "estado tributario"),
        ("tax_return", "tax return", "declaración"), ("cash", "cash and savings", "efectivo y ahorros"))})

YEARS = {"en": "years", "es": "años"}
# A payment plan's level payment, rounded to whole dollars, on the heading line: the amount a person
# asked for, before the cents and totals below it.
ROUNDED = {"en": "about ${amount:,} a month over {years} {unit}", "es": "unos ${amount:,} al mes durante {years} {unit}"}
OR = {"en": ", or ", "es": ", o "}
# calculator -> the values shown first: (value key, {language: label}, format)
KEY_VALUES = {
    "pell": [("annual_award", {"en": "Pell Grant for the year", "es": "Beca Pell para el año"}, "$"),
             ("scheduled_award_full_time", {"en": "Full-time (scheduled) award", "es": "Beca a tiempo completo (programada)"}, "$"),
             ("enrollment_intensity_percent", {"en": "Enrollment intensity", "es": "Intensidad de matrícula"}, "%")],
    "loan-limits": [("annual_total", {"en": "Direct Loans you can borrow this year, at most", "es": "Préstamos Direct este año, como máximo"}, "$"),
                    ("subsidized_max", {"en": "of which subsidized, at most", "es": "de los cuales subsidiados, como máximo"}, "$"),
                    ("unsubsidized_if_full_subsidized", {"en": "unsubsidized, at least", "es": "no subsidiados, como mínimo"}, "$"),
                    ("aggregate_limit", {"en": "Aggregate limit", "es": "Límite acumulado"}, "$"),
                    ("aggregate_left", {"en": "Left under the aggregate limit after what you borrowed",
                                        "es": "Lo que queda bajo el límite acumulado después de lo que ya pediste"}, "$"),
                    ("parent_plus_annual", {"en": "Parent PLUS a year", "es": "Parent PLUS por año"}, "$"),
                    ("grad_plus", {"en": "Grad PLUS", "es": "Grad PLUS"}, "$"),
                    ("lifetime_cap", {"en": "Lifetime cap on federal student loans", "es": "Tope de por vida"}, "$"),
                    ("interest_rate_percent", {"en": "Interest rate", "es": "Tasa de interés"}, "%"),
                    ("plus_interest_rate_percent", {"en": "PLUS interest rate", "es": "Tasa de interés PLUS"}, "%")],
    "repayment": [(f"{plan}_{k}", {lang: f"{name}, {word}" for lang, word in words.items()}, fmt)
                  for plan, name in (("standard", "Standard plan"), ("tiered_standard", "Tiered Standard plan"))
                  for k, words, fmt in (("monthly", {"en": "per month", "es": "por mes"}, "$"),
                                        ("years", {"en": "years", "es": "años"}, ""),
                                        ("total_paid", {"en": "total paid", "es": "total pagado"}, "$"),
                                        ("total_interest", {"en": "total interest", "es": "intereses totales"}, "$"))]
                 + [("rap_monthly", {"en": "Repayment Assistance Plan (RAP), per month", "es": "Plan RAP, por mes"}, "$")]
                 + [(f"term_{i}_{k}", {lang: f"{{term_{i}_years}} {YEARS[lang]}, {word}" for lang, word in words.items()}, "$")
                    for i in (1, 2, 3)
                    for k, words in (("monthly", {"en": "per month", "es": "por mes"}),
                                     ("total_paid", {"en": "total paid", "es": "total pagado"}),
                                     ("total_interest", {"en": "total interest", "es": "intereses totales"}))],
    "dependency": [("status", {"en": "Status", "es": "Estado"}, ""),
                   ("deciding_question_text", {"en": "Because you answered yes to", "es": "Porque respondiste sí a"}, "")],
    "sai": [("sai", {"en": "Student Aid Index (SAI)", "es": "Índice de Ayuda Estudiantil (SAI)"}, ""),
            ("pell_eligible", {"en": "Pell-eligible", "es": "Elegible para Pell"}, "yesno"),
            ("pell_full_time_scheduled_award", {"en": "Full-time Pell Grant (scheduled award)", "es": "Beca Pell a tiempo completo"}, "$")],
}
# Values as shown, per language other than English (where the value itself is shown).
VALUES = {"es": {"full-time": "tiempo completo", "three-quarter-time": "tres cuartos de tiempo", "half-time": "medio tiempo",
            "less-than-half-time": "menos de medio tiempo", "undergraduate": "pregrado", "graduate": "posgrado",
            "professional": "profesional", "dependent": "dependiente", "independent": "independiente",
            "not_filed": "no declaró", "single": "soltero/a", "head_of_household": "cabeza de familia",
            "married_filing_jointly": "casados, declaración conjunta",
            "married_filing_separately": "casados, declaraciones separadas"}}
NONE = {"en": "none", "es": "ninguno"}  # "no kids" restated in the user's terms, not as a bare 0


# -- replies -------------------------------------------------------------------------------------
def question(name: str, fields: dict, missing: list[str], hints: dict, rounds: int, year: str | None, lang: str,
             error: str = "", cutoff: int = 0) -> str:
    """Ask for the first few missing inputs (after an error about a bad one, if any). One group is about
    one person, so that an unlabelled "80k" in the answer is clearly theirs."""
    ask: list[str] = []
    for f in missing:
        if len(ask) == ASK_AT_ONCE or (ask and _whose(f) and _whose(ask[0]) and _whose(f) != _whose(ask[0])):
            break
        ask.append(f)
    lines = [error] if error else []
    lines += [HINT[h][lang].format(label=label(f, lang)) for f, h in hints.items() if f in ask]
    if name == "sai" and rounds >= ESTIMATOR_AFTER and len(missing) > ASK_AT_ONCE:
        lines.append(ESTIMATOR[lang])
    if known := {k: v for k, v in fields.items() if k != "award_year"}:
        lines.append(SO_FAR[lang].format(facts=_facts(name, known, lang)))
    year_text = FOR_YEAR[lang].format(year=year) if year and "award_year" in CALCULATORS[name].fields else ""
    lines.append(NEED[lang].format(intro=INTRO[name][lang], year=year_text))
    for f in ask:
        text = QUESTION[f][lang] if f in QUESTION else CALCULATORS[name].fields.get(f, f.replace("_", " "))
        lines.append("- " + text.format(cutoff=cutoff, years=", ".join(AWARD_YEARS)))
    lines.append(OUTRO[lang])
    return "\n".join(lines)


def _whose(f: str) -> str | None:
    return next((w for w in ("parent_", "student_") if f.startswith(w)), None)


def label(f: str, lang: str) -> str:
    return LABEL[f][lang] if f in LABEL else f.replace("_", " ")


def _show(f: str, v: Any, lang: str) -> str:
    """One input as the user would say it: $25,000, 6.39%, full-time (tiempo completo), yes (sí)."""
    if f in YES_NO_FIELDS or v in ("yes", "no"):
        return (YES if v in ("yes", True) else NO)[lang]
    if f == "dependents" and v == 0:
        return NONE[lang]
    if isinstance(v, (int, float)):
        text = f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else f"{v:,}"
        return ("-$" + text[1:] if text.startswith("-") else "$" + text) if MONEY.match(f) else \
            text + "%" if f == "interest_rate" else text
    if isinstance(v, (list, tuple)):
        return ", ".join(_show(f, x, lang) for x in v)
    if f == "enrollment" and re.fullmatch(r"[\d.]+", str(v)):
        return f"{v}%"
    return VALUES.get(lang, {}).get(str(v), str(v)).replace("_", " ")


def _facts(name: str, fields: dict, lang: str) -> str:
    order = list(CALCULATORS[name].fields)
    return "; ".join(f"{label(k, lang)}: {_show(k, fields[k], lang)}" for k in sorted(fields, key=order.index))


def _value(v: Any, fmt: str, lang: str) -> str:
    if isinstance(v, bool) or fmt == "yesno":
        return (YES if v else NO)[lang]
    if isinstance(v, str):
        return VALUES.get(lang, {}).get(v, v)
    return (f"${v:,.2f}" if isinstance(v, float) else f"${v:,}") if fmt == "$" else f"{v:,}" + fmt.strip("$")


def _rounded_payments(values: dict, lang: str) -> str:
    """ "about $690 a month over 10 years" for each plan or term with a level payment, in result order."""
    plans = ["standard", "tiered_standard"] + [f"term_{i}" for i in (1, 2, 3)]
    return OR[lang].join(
        ROUNDED[lang].format(amount=int(Decimal(str(values[f"{p}_monthly"])).quantize(Decimal(1), ROUND_HALF_UP)),
                             years=values[f"{p}_years"], unit=YEARS[lang])
        for p in plans if values.get(f"{p}_monthly") is not None and values.get(f"{p}_years"))


def result_text(r: CalcResult, fields: dict, notes: dict, lang: str, hide: set[str] = frozenset()) -> str:
    """Key numbers first, then the inputs and what was assumed, the steps, unconfirmed points, the line.
    `hide`: assumed inputs, left out of "based on" (their own line says what was assumed)."""
    head = HEADING[r.calculator][lang] + (FOR_YEAR[lang].format(year=r.award_year) if "award_year" in fields else "")
    lines = [head + ":" + (f" {rounded}." if (rounded := _rounded_payments(r.values, lang)) else "")]
    lines += [f"- {words[lang].format(**r.values)}: {_value(r.values[k], fmt, lang)}"
              for k, words, fmt in KEY_VALUES[r.calculator] if r.values.get(k) is not None]
    inputs = {k: v for k, v in fields.items() if k != "award_year" and k not in hide}
    lines.append(BASED_ON[lang].format(facts=_facts(r.calculator, inputs, lang)))
    for f, (kind, *nums) in notes.items():
        f = f.split(":")[0]
        shown = [_show(f, x, lang) for x in nums] + [""] * 3
        lines.append(ASSUMED[kind][lang].format(label=label(f, lang), lo=shown[0], hi=shown[1], mid=shown[2]))
    if r.steps:
        lines += ["", STEPS[lang]] + [f"- {s}" for s in r.steps]
    if r.values.get("status") == "dependent":
        lines += ["", PARENTS_OPTIONS[lang], f"- {r.values['provisional_independence']}", f"- {r.values['parents_refuse']}"]
    if r.unconfirmed:
        lines += ["", UNCONFIRMED[lang]] + [f"- {u}" for u in r.unconfirmed]
    if r.estimate_note:
        lines += ["", NOTE[lang].format(note=r.estimate_note)]
    lines += ["", ESTIMATE[lang]]
    return "\n".join(lines)
