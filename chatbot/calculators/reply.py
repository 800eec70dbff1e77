"""What the calculator turn (chatbot/calculators/chat.py) says, in English and Spanish: its questions and its
rendering of a result (key numbers, the inputs used, what was assumed, the steps, the estimate line).

The opening phrases in INTRO and HEADING are also how a later turn recognises our own question or
result in the history (`calc_chat.in_calc_conversation`), and the text of a question line before its
first "(" tells which field it asked for: change them and older conversations are not recognised.
Questions never ask for an SSN, an FSA ID or password, or a bank or account number.
"""
from __future__ import annotations

import re
from typing import Any

from chatbot.calculators.fields import MONEY, YES_NO_FIELDS
from chatbot.calculators import CALCULATORS, CalcResult
from chatbot.calculators.checks import AWARD_YEARS

ASK_AT_ONCE = 3          # questions per reply
ESTIMATOR_AFTER = 3      # SAI: after this many rounds with much still missing, point to the official estimator

# calculator -> how our question for it starts
INTRO = {
    "pell": ("To estimate your Pell Grant", "Para estimar tu beca Pell"),
    "loan-limits": ("To work out your federal loan limits", "Para calcular tus límites de préstamos federales"),
    "repayment": ("To estimate your monthly loan payment", "Para estimar tu pago mensual del préstamo"),
    "dependency": ("To check your FAFSA dependency status", "Para revisar tu estado de dependencia en la FAFSA"),
    "sai": ("To estimate your Student Aid Index (SAI)", "Para estimar tu Índice de Ayuda Estudiantil (SAI)"),
}
# calculator -> how our result for it starts
HEADING = {
    "pell": ("Your Pell Grant estimate", "Tu estimación de la beca Pell"),
    "loan-limits": ("Your federal Direct Loan limits", "Tus límites de préstamos federales Direct"),
    "repayment": ("Your monthly payment estimate", "Tu estimación de pago mensual"),
    "dependency": ("Your FAFSA dependency status", "Tu estado de dependencia en la FAFSA"),
    "sai": ("Your Student Aid Index (SAI) estimate", "Tu estimación del Índice de Ayuda Estudiantil (SAI)"),
}
CHOOSE = ("I can estimate these for you: a Pell Grant, your federal loan limits, a monthly loan payment, your "
          "FAFSA dependency status, or your Student Aid Index (SAI). Which one would you like?",
          "Puedo estimar esto por ti: una beca Pell, tus límites de préstamos federales, un pago mensual de "
          "préstamo, tu estado de dependencia en la FAFSA o tu Índice de Ayuda Estudiantil (SAI). ¿Cuál quieres?")
NEED = ("{intro}{year}, I need:", "{intro}{year}, necesito:")
FOR_YEAR = (" for {year}", " para {year}")
OUTRO = ("Round numbers or a range are fine.", "Puedes usar números redondos o un rango.")
SO_FAR = ("So far I have: {facts}.", "Hasta ahora tengo: {facts}.")
BASED_ON = ("Based on: {facts}.", "Con estos datos: {facts}.")
STEPS = ("How it was worked out:", "Cómo se calculó (detalles en inglés):")
UNCONFIRMED = ("Not yet confirmed:", "Sin confirmar todavía (detalles en inglés):")
NOTE = ("Note: {note}", "Nota (en inglés): {note}")
PARENTS_OPTIONS = ("If your parents can't or won't provide their information:",
                   "Si tus padres no pueden o no quieren dar su información (detalles en inglés):")
ESTIMATE = ("This is an estimate; your school's financial aid office decides your actual aid.",
            "Esto es una estimación; la oficina de ayuda financiera de tu escuela decide tu ayuda real.")
BAD_VALUE = ("I can't use this answer ({label}): {message}.",
             "No puedo usar este dato ({label}): {message} (detalles en inglés).")
HINT = {
    "part-time": ("You said part-time: which level is it? Half-time and three-quarter-time give different amounts.",
                  "Dijiste tiempo parcial: ¿cuál es? Medio tiempo y tres cuartos de tiempo dan montos distintos."),
    "credits": ("Credits alone don't tell me your enrollment level, since each school sets its own full-time load: "
                "please tell me the level your school gives you.",
                "Los créditos solos no me dicen tu nivel de matrícula, porque cada escuela fija su carga de tiempo "
                "completo: dime el nivel que te da tu escuela."),
    "ambiguous": ("I saw more than one answer for {label}; which one applies?",
                  "Vi más de una respuesta para {label}; ¿cuál aplica?"),
}
ESTIMATOR = ("That's a lot of details to gather in a chat: the Federal Student Aid Estimator "
             "(https://studentaid.gov/aid-estimator/) asks for the same information step by step. Or keep going here.",
             "Son muchos datos para un chat: el Federal Student Aid Estimator (https://studentaid.gov/aid-estimator/) "
             "pide la misma información paso a paso. O sigue aquí.")
ASSUMED = {  # what calc_chat assumed from the user's words
    "midpoint": ("You gave a range for {label} ({lo} to {hi}), so I used the midpoint, {mid}.",
                 "Diste un rango para {label} ({lo} a {hi}); usé el punto medio, {mid}."),
    "monthly": ("I multiplied your monthly income ({lo}) by 12: {hi} a year.",
                "Multipliqué tu ingreso mensual ({lo}) por 12: {hi} al año."),
    "income_as_agi": ("I used the income you gave, {lo}, as your adjusted gross income (AGI); the AGI on your tax "
                      "return can differ.", "Usé el ingreso que diste, {lo}, como tu ingreso bruto ajustado (AGI); el "
                      "AGI de tu declaración puede ser distinto."),
    "kids_as_dependents": ("I counted your {lo} children as dependents.", "Conté a tus {lo} hijos como dependientes."),
    "borrowed_as_balance": ("I used the amount you borrowed, {lo}, as your balance; accrued interest can make it higher.",
                            "Usé lo que pediste prestado, {lo}, como tu saldo; los intereses pueden aumentarlo."),
}
YES, NO = ("yes", "sí"), ("no", "no")

# field -> one line of a question (the part before "(" identifies the field in a later turn)
QUESTION = {
    "sai": ("your Student Aid Index (SAI) from your FAFSA Submission Summary (a round number is fine)",
            "tu Índice de Ayuda Estudiantil (SAI) del resumen de tu FAFSA (un número redondo está bien)"),
    "enrollment": ("how you'll be enrolled (full-time, three-quarter-time, half-time, less than half-time, or a "
                   "percent of full time)", "cómo vas a estudiar (tiempo completo, tres cuartos de tiempo, "
                   "medio tiempo, menos de medio tiempo, o un porcentaje del tiempo completo)"),
    "cost_of_attendance": ("your school's cost of attendance for the year (a round number is fine)",
                           "el costo de asistencia de tu escuela para el año (un número redondo está bien)"),
    "level": ("whether you're an undergraduate, a graduate student, or a professional student (e.g. undergrad "
              "sophomore, master's, law school)", "si eres estudiante de pregrado, de posgrado o de un programa "
              "profesional (p. ej. pregrado segundo año, maestría, escuela de derecho)"),
    "year_in_school": ("your year in school (freshman, sophomore, junior or senior)",
                       "tu año de estudios (primer año, segundo año, tercer año o más)"),
    "dependency": ("whether you're a dependent or an independent student for the FAFSA (not sure? ask me \"am I "
                   "independent?\")", "si eres estudiante dependiente o independiente para la FAFSA (¿no sabes? "
                   "pregúntame \"¿soy independiente?\")"),
    "legacy_borrower": ("did you already have a Direct Loan for this program before July 1, 2026? (yes/no)",
                        "¿ya tenías un préstamo Direct para este programa antes del 1 de julio de 2026? (sí/no)"),
    "balance": ("your total federal student loan balance (a round number is fine)",
                "el saldo total de tus préstamos federales (un número redondo está bien)"),
    "interest_rate": ("the interest rate (your loan servicer shows it)",
                      "la tasa de interés (la muestra tu administrador de préstamos)"),
    "new_loans": ("were the loans made on or after July 1, 2026? (yes/no)",
                  "¿los préstamos se hicieron el 1 de julio de 2026 o después? (sí/no)"),
    "agi": ("your adjusted gross income (AGI) from your latest tax return (a round number is fine)",
            "tu ingreso bruto ajustado (AGI) de tu última declaración de impuestos (un número redondo está bien)"),
    "dependents": ("how many dependents you have, not counting you or a spouse (none is fine)",
                   "cuántos dependientes tienes, sin contarte a ti ni a tu cónyuge (ninguno también vale)"),
    "family_size": ("how many people are in the household (for a dependent student, the "
                    "parents' household including you)", "cuántas personas hay en el hogar ("
                    "si eres dependiente, el hogar de tus padres contándote a ti)"),
    "state": ("your state of legal residence (your parents' if you're dependent), e.g. NJ or Texas",
              "tu estado de residencia legal (el de tus padres si eres dependiente), p. ej. NJ o Texas"),
    "married": ("are you married? (yes/no)", "¿estás casado/a? (sí/no)"),
    "parents_married": ("are your parents married to each other? (yes/no)", "¿tus padres están casados entre sí? (sí/no)"),
    "born_before_cutoff": ("were you born before January 1, {cutoff}? (yes/no, or just your birth year)",
                           "¿naciste antes del 1 de enero de {cutoff}? (sí/no, o solo tu año de nacimiento)"),
    "graduate_student": ("will you be a graduate or professional student? (yes/no)",
                         "¿serás estudiante de posgrado o de un programa profesional? (sí/no)"),
    "active_duty": ("are you on active duty in the U.S. armed forces, other than for training? (yes/no)",
                    "¿estás en servicio activo en las fuerzas armadas de EE. UU., no solo en entrenamiento? (sí/no)"),
    "veteran": ("are you a veteran of the U.S. armed forces? (yes/no)",
                "¿eres veterano/a de las fuerzas armadas de EE. UU.? (sí/no)"),
    "supports_dependents": ("do you have children, or other dependents living with you, who get more than half "
                            "their support from you? (yes/no)", "¿tienes hijos, u otros dependientes que viven "
                            "contigo, que reciben de ti más de la mitad de su sustento? (sí/no)"),
    "orphan_foster_ward": ("since you turned 13, were both your parents deceased, or were you in foster care or a "
                           "ward of the court? (yes/no)", "desde que cumpliste 13 años, ¿fallecieron tus dos padres, "
                           "estuviste en hogar de crianza o bajo tutela de un tribunal? (sí/no)"),
    "emancipated_or_guardianship": ("are you, or were you as a minor, emancipated or in legal guardianship decided "
                                    "by a court? (yes/no)", "¿eres o fuiste, siendo menor, emancipado/a o bajo tutela "
                                    "legal decidida por un tribunal? (sí/no)"),
    "homeless": ("are you an unaccompanied youth who is homeless or at risk of being homeless? (yes/no)",
                 "¿eres un joven no acompañado sin hogar o en riesgo de quedarte sin hogar? (sí/no)"),
    "award_year": ("which award year (one of {years})", "qué año de ayuda (uno de {years})"),
}
QUESTION["has_dependents"] = QUESTION["supports_dependents"]   # the FAFSA's meaning of dependents (Formula C)
for _who, _en in (("student", "your"), ("parent", "your parents'")):
    def _es(noun: str, article: str = "el") -> str:
        return f"tu {noun}" if _who == "student" else f"{article} {noun} de tus padres"
    QUESTION.update({
        f"{_who}_agi": (f"{_en} adjusted gross income (AGI) from the tax return the FAFSA asks about (a round number is fine)",
                        f"{_es('ingreso bruto ajustado')} (AGI) de la declaración que pide la FAFSA (un número redondo está bien)"),
        f"{_who}_income_tax_paid": (f"{_en} U.S. income tax paid on that return (zero is fine)",
                                    f"{_es('impuesto federal pagado')} (en esa declaración; cero también vale)"),
        f"{_who}_earned_income": (f"{_en} income from work (wages plus net self-employment)",
                                  f"{_es('ingresos por trabajo', 'los')} (salarios más trabajo por cuenta propia)"),
        f"{_who}_filing_status": (f"{_en} tax filing status (single, head of household, married filing jointly or "
                                  "separately, or \"didn't file\")", f"{_es('estado civil tributario')} (soltero, "
                                  "cabeza de familia, casados declarando juntos o por separado, o \"no declaré\")"),
    })

# field -> short label for "So far I have" / errors
LABEL = {
    "sai": ("SAI", "SAI"), "enrollment": ("enrollment", "matrícula"),
    "cost_of_attendance": ("cost of attendance", "costo de asistencia"), "level": ("level", "nivel"),
    "year_in_school": ("year in school", "año de estudios"), "dependency": ("dependency", "dependencia"),
    "balance": ("balance", "saldo"), "interest_rate": ("interest rate", "tasa de interés"),
    "new_loans": ("loans made on or after July 1, 2026", "préstamos desde el 1 de julio de 2026"), "agi": ("AGI", "AGI"),
    "dependents": ("dependents", "dependientes"), "family_size": ("family size", "tamaño de la familia"),
    "state": ("state", "estado"), "married": ("married", "casado/a"), "award_year": ("award year", "año de ayuda"),
    "born_before_cutoff": ("born before the cutoff", "nacido antes de la fecha límite"),
    "legacy_borrower": ("earlier Direct Loan for this program", "préstamo Direct anterior para este programa"),
    "parents_married": ("parents married", "padres casados"), "graduate_student": ("graduate student", "posgrado"),
    "active_duty": ("active duty", "servicio activo"), "veteran": ("veteran", "veterano/a"),
    "supports_dependents": ("supports dependents", "mantiene dependientes"),
    "orphan_foster_ward": ("orphan, foster care or ward of the court", "huérfano/a, hogar de crianza o tutela"),
    "emancipated_or_guardianship": ("emancipated or in legal guardianship", "emancipado/a o bajo tutela legal"),
    "homeless": ("homeless or at risk", "sin hogar o en riesgo"), "has_dependents": ("has dependents", "tiene dependientes"),
}

for _who, _en, _es in (("student", "your", "tuyo"), ("parent", "your parents'", "de tus padres")):
    LABEL.update({f"{_who}_{item}": (f"{_en} {en}", f"{es} {_es}") for item, en, es in (
        ("agi", "AGI", "AGI"), ("income_tax_paid", "income tax paid", "impuesto pagado"),
        ("earned_income", "income from work", "ingresos por trabajo"), ("filing_status", "filing status", "estado tributario"),
        ("tax_return", "tax return", "declaración"), ("cash", "cash and savings", "efectivo y ahorros"))})

# calculator -> the values shown first: (value key, English label, Spanish label, format)
KEY_VALUES = {
    "pell": [("annual_award", "Pell Grant for the year", "Beca Pell para el año", "$"),
             ("scheduled_award_full_time", "Full-time (scheduled) award", "Beca a tiempo completo (programada)", "$"),
             ("enrollment_intensity_percent", "Enrollment intensity", "Intensidad de matrícula", "%")],
    "loan-limits": [("annual_total", "Direct Loans you can borrow this year, at most",
                     "Préstamos Direct este año, como máximo", "$"),
                    ("subsidized_max", "of which subsidized, at most", "de los cuales subsidiados, como máximo", "$"),
                    ("unsubsidized_if_full_subsidized", "unsubsidized, at least", "no subsidiados, como mínimo", "$"),
                    ("aggregate_limit", "Aggregate limit", "Límite acumulado", "$"),
                    ("parent_plus_annual", "Parent PLUS a year", "Parent PLUS por año", "$"),
                    ("grad_plus", "Grad PLUS", "Grad PLUS", "$"),
                    ("lifetime_cap", "Lifetime cap on federal student loans", "Tope de por vida", "$"),
                    ("interest_rate_percent", "Interest rate", "Tasa de interés", "%"),
                    ("plus_interest_rate_percent", "PLUS interest rate", "Tasa de interés PLUS", "%")],
    "repayment": [(f"{plan}_{k}", f"{name}, {en}", f"{name}, {es}", fmt) for plan, name in
                  (("standard", "Standard plan"), ("tiered_standard", "Tiered Standard plan"))
                  for k, en, es, fmt in (("monthly", "per month", "por mes", "$"), ("years", "years", "años", ""),
                                         ("total_paid", "total paid", "total pagado", "$"),
                                         ("total_interest", "total interest", "intereses totales", "$"))]
                 + [("rap_monthly", "Repayment Assistance Plan (RAP), per month", "Plan RAP, por mes", "$")],
    "dependency": [("status", "Status", "Estado", ""),
                   ("deciding_question_text", "Because you answered yes to", "Porque respondiste sí a", "")],
    "sai": [("sai", "Student Aid Index (SAI)", "Índice de Ayuda Estudiantil (SAI)", ""),
            ("pell_eligible", "Pell-eligible", "Elegible para Pell", "yesno"),
            ("pell_full_time_scheduled_award", "Full-time Pell Grant (scheduled award)", "Beca Pell a tiempo completo", "$")],
}
VALUE_ES = {"full-time": "tiempo completo", "three-quarter-time": "tres cuartos de tiempo", "half-time": "medio tiempo",
            "less-than-half-time": "menos de medio tiempo", "undergraduate": "pregrado", "graduate": "posgrado",
            "professional": "profesional", "dependent": "dependiente", "independent": "independiente",
            "not_filed": "no declaró", "single": "soltero/a", "head_of_household": "cabeza de familia",
            "married_filing_jointly": "casados, declaración conjunta",
            "married_filing_separately": "casados, declaraciones separadas"}


# -- replies -------------------------------------------------------------------------------------
def question(name: str, fields: dict, missing: list[str], hints: dict, rounds: int, year: str | None, li: int,
             error: str = "", cutoff: int = 0) -> str:
    """Ask for the first few missing inputs (after an error about a bad one, if any). One group is about
    one person, so that an unlabelled "80k" in the answer is clearly theirs."""
    ask: list[str] = []
    for f in missing:
        if len(ask) == ASK_AT_ONCE or (ask and _whose(f) and _whose(ask[0]) and _whose(f) != _whose(ask[0])):
            break
        ask.append(f)
    lines = [error] if error else []
    lines += [HINT[h][li].format(label=label(f, li)) for f, h in hints.items() if f in ask]
    if name == "sai" and rounds >= ESTIMATOR_AFTER and len(missing) > ASK_AT_ONCE:
        lines.append(ESTIMATOR[li])
    if known := {k: v for k, v in fields.items() if k != "award_year"}:
        lines.append(SO_FAR[li].format(facts=_facts(name, known, li)))
    year_text = FOR_YEAR[li].format(year=year) if year and "award_year" in CALCULATORS[name].fields else ""
    lines.append(NEED[li].format(intro=INTRO[name][li], year=year_text))
    for f in ask:
        text = QUESTION.get(f, (CALCULATORS[name].fields.get(f, f.replace("_", " ")),) * 2)[li]
        lines.append("- " + text.format(cutoff=cutoff, years=", ".join(AWARD_YEARS)))
    lines.append(OUTRO[li])
    return "\n".join(lines)


def _whose(f: str) -> str | None:
    return next((w for w in ("parent_", "student_") if f.startswith(w)), None)


def label(f: str, li: int) -> str:
    return LABEL.get(f, (f.replace("_", " "),) * 2)[li]


def _show(f: str, v: Any, li: int) -> str:
    """One input as the user would say it: $25,000, 6.39%, full-time (tiempo completo), yes (sí)."""
    if f in YES_NO_FIELDS or v in ("yes", "no"):
        return (YES if v in ("yes", True) else NO)[li]
    if f == "dependents" and v == 0:
        return ("none", "ninguno")[li]  # "no kids" restated in the user's terms, not as a bare 0
    if isinstance(v, (int, float)):
        text = f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else f"{v:,}"
        return ("-$" + text[1:] if text.startswith("-") else "$" + text) if MONEY.match(f) else \
            text + "%" if f == "interest_rate" else text
    if f == "enrollment" and re.fullmatch(r"[\d.]+", str(v)):
        return f"{v}%"
    return VALUE_ES.get(str(v), str(v)).replace("_", " ") if li else str(v).replace("_", " ")


def _facts(name: str, fields: dict, li: int) -> str:
    order = list(CALCULATORS[name].fields)
    return "; ".join(f"{label(k, li)}: {_show(k, fields[k], li)}" for k in sorted(fields, key=order.index))


def _value(v: Any, fmt: str, li: int) -> str:
    if isinstance(v, bool) or fmt == "yesno":
        return (YES if v else NO)[li]
    if isinstance(v, str):
        return VALUE_ES.get(v, v) if li else v
    return (f"${v:,.2f}" if isinstance(v, float) else f"${v:,}") if fmt == "$" else f"{v:,}" + fmt.strip("$")


def result_text(r: CalcResult, fields: dict, notes: dict, li: int) -> str:
    """Key numbers first, then the inputs and what was assumed, the steps, unconfirmed points, the line."""
    head = HEADING[r.calculator][li] + (FOR_YEAR[li].format(year=r.award_year) if "award_year" in fields else "")
    lines = [head + ":"]
    lines += [f"- {(en, es)[li]}: {_value(r.values[k], fmt, li)}" for k, en, es, fmt in KEY_VALUES[r.calculator]
              if r.values.get(k) is not None]
    inputs = {k: v for k, v in fields.items() if k != "award_year"}
    lines.append(BASED_ON[li].format(facts=_facts(r.calculator, inputs, li)))
    for f, (kind, *nums) in notes.items():
        f = f.split(":")[0]
        shown = [_show(f, x, li) for x in nums] + [""] * 3
        lines.append(ASSUMED[kind][li].format(label=label(f, li), lo=shown[0], hi=shown[1], mid=shown[2]))
    if r.steps:
        lines += ["", STEPS[li]] + [f"- {s}" for s in r.steps]
    if r.values.get("status") == "dependent":
        lines += ["", PARENTS_OPTIONS[li], f"- {r.values['provisional_independence']}", f"- {r.values['parents_refuse']}"]
    if r.unconfirmed:
        lines += ["", UNCONFIRMED[li]] + [f"- {u}" for u in r.unconfirmed]
    if r.estimate_note:
        lines += ["", NOTE[li].format(note=r.estimate_note)]
    lines += ["", ESTIMATE[li]]
    return "\n".join(lines)
