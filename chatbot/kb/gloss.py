"""A word-by-word English gloss of a Spanish aid question, for the English-only sentence embedder.

    gloss("¿Cómo obtengo el perdón de préstamos estudiantiles?")   # "how get the forgiveness of loans student"

Why: all-MiniLM-L6-v2 was trained on English, so a Spanish question's vector says little more than
"this is Spanish" (a few Spanish entries topped unrelated Spanish questions). Every Spanish entry has an
English twin, so a rough English rendering of the question, matched against the English entries,
finds the twin, and retrieval then shows the Spanish version. The gloss is not a translation: word
order stays Spanish, unknown words stay as they are (often English aid terms: "FAFSA", "Parent PLUS").
The words are the aid vocabulary of knowledge/ and the everyday words around it. Pure standard library.
"""
from __future__ import annotations

import re

from chatbot.lang import fold

# Several words first, so "estudio y trabajo" is work-study and not "study and work".
PHRASES = {
    "estudio y trabajo": "work study", "estudio-trabajo": "work study", "tiempo completo": "full time",
    "medio tiempo": "half time", "tiempo parcial": "part time", "tres cuartos": "three quarter",
    "ayuda financiera": "financial aid", "ayuda federal": "federal aid", "ayuda estudiantil": "student aid",
    "indice de ayuda estudiantil": "student aid index sai", "oficina de ayuda financiera": "financial aid office",
    "administrador de prestamos": "loan servicer", "administrador del prestamo": "loan servicer",
    "prestamo directo": "direct loan", "prestamos directos": "direct loans", "perdon de prestamos": "loan forgiveness",
    "condonacion de prestamos": "loan forgiveness", "servicio publico": "public service", "fecha limite": "deadline",
    "fechas limite": "deadlines", "costo de asistencia": "cost of attendance", "progreso academico": "academic progress",
    "sin hogar": "homeless", "declaracion de impuestos": "tax return", "seguro social": "social security",
    "numero de seguro social": "social security number", "plan de pago": "repayment plan",
    "plan de pagos": "repayment plan", "pago mensual": "monthly payment", "tasa de interes": "interest rate",
    "tasas de interes": "interest rates", "padrastro": "stepfather", "madrastra": "stepmother",
    "cuenta de studentaid": "studentaid account", "carta de adjudicacion": "award letter",
    "oferta de ayuda": "aid offer", "circunstancias especiales": "special circumstances",
    "dificultades economicas": "economic hardship", "dificultades financieras": "financial hardship",
    "cada ano": "every year", "por ano": "per year", "al mes": "per month", "a la vez": "at the same time",
    "de nuevo": "again", "otra vez": "again", "sin embargo": "however", "se puede": "can",
}
WORDS = {
    # question and function words
    "que": "what", "como": "how", "cuando": "when", "donde": "where", "cual": "which", "cuales": "which",
    "quien": "who", "quienes": "who", "cuanto": "how much", "cuanta": "how much", "cuantos": "how many",
    "cuantas": "how many", "por": "for", "porque": "because", "para": "for", "si": "if", "no": "not", "sin": "without",
    "con": "with", "de": "of", "del": "of the", "en": "in", "a": "to", "al": "to the", "y": "and", "o": "or",
    "pero": "but", "tambien": "also", "todavia": "still", "aun": "still", "ya": "already", "solo": "only",
    "mas": "more", "menos": "less", "antes": "before", "despues": "after", "durante": "during", "hasta": "until",
    "desde": "since", "entre": "between", "sobre": "about", "mi": "my", "mis": "my", "tu": "your", "tus": "your",
    "su": "their", "sus": "their", "nuestro": "our", "nuestra": "our", "yo": "i", "me": "me", "nos": "us",
    "ellos": "they", "ella": "she", "el": "the", "la": "the", "los": "the", "las": "the", "un": "a", "una": "a",
    "este": "this", "eso": "that", "esto": "this", "otro": "another", "otra": "another",
    "todo": "all", "todos": "all", "nada": "nothing", "algo": "something", "alguien": "someone", "cada": "each",
    "mucho": "much", "muy": "very", "demasiado": "too much", "asi": "so", "siempre": "always", "nunca": "never",
    "nadie": "nobody", "mejor": "better", "alto": "high", "bajo": "low", "derecho": "right eligible", "poco": "little", "ningun": "no", "ninguna": "no", "ahora": "now", "hoy": "today",
    "ano": "year", "anos": "years", "mes": "month", "meses": "months", "semestre": "semester", "dia": "day",
    "dias": "days", "vez": "time", "veces": "times", "primer": "first", "primera": "first", "primero": "first",
    "segundo": "second", "ultimo": "last", "proximo": "next", "nuevo": "new", "nuevos": "new", "viejo": "old",
    # verbs, in the forms people type
    "es": "is", "son": "are", "esta": "is", "estan": "are", "estoy": "am", "soy": "am", "fue": "was", "sera": "will be",
    "hay": "is there", "tendre": "will i have", "tendra": "will have", "tengo": "i have", "tiene": "has", "tienen": "have", "tener": "have", "puedo": "can i",
    "puede": "can", "pueden": "can", "podemos": "can we", "podria": "could", "debo": "should i", "debe": "must",
    "deberia": "should", "necesito": "i need", "necesita": "needs", "necesitan": "need", "quiero": "i want",
    "quiere": "wants", "hago": "do i", "hacer": "do", "hace": "does", "obtengo": "get", "obtener": "get",
    "conseguir": "get", "recibir": "receive", "recibo": "receive", "recibe": "receives", "pagar": "pay",
    "pago": "payment", "pagos": "payments", "pague": "pay", "devolver": "pay back", "reembolsar": "repay",
    "pedir": "borrow", "pido": "borrow", "prestado": "borrowed", "solicitar": "apply for", "solicito": "apply",
    "aplicar": "apply", "llenar": "fill out", "lleno": "fill out", "llenarla": "fill it out", "enviar": "submit",
    "envie": "submitted", "presentar": "submit", "firmar": "sign", "calificar": "qualify", "califico": "qualify",
    "califica": "qualifies", "califican": "qualify", "perder": "lose", "pierdo": "lose", "cambiar": "change",
    "cambia": "changes", "corregir": "correct", "estudiar": "study", "trabajar": "work", "trabajo": "job",
    "vivir": "live", "vivo": "i live", "vive": "lives", "viven": "live", "ganan": "earn", "gano": "earn",
    "ganar": "earn", "declarar": "file", "reportar": "report", "incluir": "include", "consolidar": "consolidate",
    "refinanciar": "refinance", "cancelar": "cancel", "aceptar": "accept", "rechazar": "decline", "apelar": "appeal",
    "pasa": "happens", "pasaria": "would happen", "significa": "means", "funciona": "works", "cuenta": "counts",
    "cuentan": "count", "afecta": "affects", "sirve": "works", "sale": "comes out", "llega": "arrives",
    "tarda": "takes", "dura": "lasts", "vencer": "due", "vence": "due", "sacar": "take out", "tomar": "take",
    "reprobar": "fail", "repruebo": "fail", "reprobe": "failed", "dejar": "drop", "retirarme": "withdraw",
    "retirar": "withdraw", "transferir": "transfer", "casarme": "get married", "casado": "married",
    "casada": "married", "casados": "married", "divorciados": "divorced", "separados": "separated",
    "murio": "died", "fallecio": "died",
    # aid nouns and adjectives
    "ayuda": "aid", "beca": "grant", "becas": "grants scholarships", "subvencion": "grant", "pell": "pell", "prestamo": "loan",
    "prestamos": "loans", "estudiantil": "student", "estudiantiles": "student", "estudiante": "student",
    "estudiantes": "students", "universidad": "college", "universidades": "colleges", "escuela": "school",
    "colegio": "college", "carrera": "program", "titulo": "degree", "licenciatura": "bachelor undergraduate",
    "posgrado": "graduate", "maestria": "master", "doctorado": "doctoral", "padres": "parents", "papas": "parents",
    "mama": "mom", "papa": "dad", "madre": "mother", "padre": "father", "hijo": "son child", "hija": "daughter child",
    "hijos": "children", "familia": "family", "esposo": "husband spouse", "esposa": "wife spouse",
    "conyuge": "spouse", "abuelos": "grandparents", "tutor": "guardian", "ingresos": "income", "ingreso": "income",
    "impuestos": "taxes", "activos": "assets", "bienes": "assets", "ahorros": "savings", "dinero": "money",
    "deuda": "debt", "deudas": "debts", "saldo": "balance", "intereses": "interest", "interes": "interest",
    "tasa": "rate", "fija": "fixed", "variable": "variable", "subsidiado": "subsidized", "subsidiados": "subsidized",
    "limite": "limit", "limites": "limits", "maximo": "maximum", "maxima": "maximum", "minimo": "minimum",
    "monto": "amount", "cantidad": "amount", "plazo": "term deadline", "solicitud": "application",
    "formulario": "form", "requisitos": "requirements", "requisito": "requirement", "elegible": "eligible",
    "elegibilidad": "eligibility", "dependiente": "dependent", "independiente": "independent",
    "contribuyente": "contributor", "contribuyentes": "contributors", "consentimiento": "consent",
    "verificacion": "verification", "documentos": "documents", "perdon": "forgiveness",
    "condonacion": "forgiveness discharge", "cancelacion": "cancellation discharge", "aplazamiento": "deferment",
    "indulgencia": "forbearance", "incumplimiento": "default", "impago": "default", "impagados": "defaulted",
    "morosidad": "delinquency", "atrasado": "behind", "atrasados": "behind", "embargo": "garnishment",
    "salario": "wages", "sueldo": "salary", "rehabilitacion": "rehabilitation", "consolidacion": "consolidation",
    "reembolso": "refund", "desembolso": "disbursement", "matricula": "tuition enrollment",
    "colegiatura": "tuition", "costo": "cost", "costos": "costs", "gastos": "expenses", "vivienda": "housing",
    "estafa": "scam", "estafas": "scams", "fraude": "fraud", "contrasena": "password", "ciudadano": "citizen",
    "ciudadania": "citizenship", "indocumentado": "undocumented", "indocumentados": "undocumented",
    "residente": "resident", "militar": "military", "veterano": "veteran", "discapacidad": "disability",
    "muerte": "death", "desempleo": "unemployment", "apelacion": "appeal", "oferta": "offer", "carta": "letter",
    "calificaciones": "grades", "promedio": "gpa average", "creditos": "credits", "clases": "classes",
    "verano": "summer", "otono": "fall", "primavera": "spring", "gratis": "free", "gratuita": "free",
    "obligatoria": "required", "obligatorio": "required", "tarde": "late", "pronto": "soon", "estado": "state status",
    "federal": "federal", "federales": "federal", "privado": "private", "privados": "private",
    "empleador": "employer", "calificado": "qualifying", "calificados": "qualifying", "servicio": "service",
    "publico": "public", "maestro": "teacher", "maestros": "teachers", "enfermera": "nurse",
}
_PHRASE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, PHRASES), key=len, reverse=True)) + r")\b")
_WORD = re.compile(r"[a-z0-9$%]+(?:[-'][a-z0-9]+)*")


def gloss(text: str) -> str:
    """`text` (Spanish) with its known words and phrases in English, the rest left as they are."""
    low = _PHRASE.sub(lambda m: PHRASES[m.group()], fold(text).lower())
    return " ".join(WORDS.get(w, w) for w in _WORD.findall(low))
