"""PII detection and redaction (chatbot/guards/pii.py): what must go, what must stay, and pii_echo.

Each row is a realistic message. REDACT rows give the exact redacted text, so a placeholder that eats
a neighbouring word or leaves a digit behind fails loudly. KEEP rows must come back unchanged.
"""
from __future__ import annotations

import pytest

from chatbot.guards import PLACEHOLDERS, find_pii, pii_echo, redact_pii

REDACT = [
    # SSN / ITIN, with and without separators
    ("my ssn is 123-45-6789 can you check if my fafsa went through",
     "my ssn is [SSN removed] can you check if my fafsa went through", ["ssn"]),
    ("moms ssn, hers is 987 65 4321 and my dad doesnt have one",
     "moms ssn, hers is [SSN removed] and my dad doesnt have one", ["ssn"]),
    ("my social is 123456789", "my social is [SSN removed]", ["ssn"]),
    ("SSN: 123456789.", "SSN: [SSN removed].", ["ssn"]),
    ("mi numero de seguro social es 555-12-3456, me pueden decir cual es mi SAI?",
     "mi numero de seguro social es [SSN removed], me pueden decir cual es mi SAI?", ["ssn"]),
    ("social security number 123.45.6789", "social security number [SSN removed]", ["ssn"]),
    ("my ssn is 123 - 45 - 6789 ok", "my ssn is [SSN removed] ok", ["ssn"]),
    ("here: 078051120 thats the number", "here: [SSN removed] thats the number", ["ssn"]),   # bare 9 digits
    ("my itin is 912-70-1234", "my itin is [ITIN removed]", ["itin"]),
    ("dad uses 900-70-1234 for taxes", "dad uses [ITIN removed] for taxes", ["itin"]),
    ("123456789 is my ssn", "[SSN removed] is my ssn", ["ssn"]),
    # passwords and FSA ID usernames
    ("heres my fsa id login so you can fix my fafsa: username jdiaz07 password Tigers!2024",
     "heres my fsa id login so you can fix my fafsa: username [username removed] password [password removed]",
     ["username", "password"]),
    ("my password is sunshine", "my password is [password removed]", ["password"]),
    ("fsa id password: Hunter2!!", "fsa id password: [password removed]", ["password"]),
    ("My FSA ID password is 'bluebird_77'.", "My FSA ID password is '[password removed]'.", ["password"]),
    ("is Blue$ky2025 a strong enough password for my studentaid.gov account? thats what i use now",
     "is [password removed] a strong enough password for my studentaid.gov account? thats what i use now",
     ["password"]),
    ("Tigers!2024 is my fsa password", "[password removed] is my fsa password", ["password"]),
    ("i use Mango#55 as my password", "i use [password removed] as my password", ["password"]),
    ("mi contraseña es perro123", "mi contraseña es [password removed]", ["password"]),
    ("contraseña: Gato#99", "contraseña: [password removed]", ["password"]),
    ("la clave es Luna2020", "la clave es [password removed]", ["password"]),
    ("pw=qwerty123", "pw=[password removed]", ["password"]),
    ("my fsa id is jdiaz and my password is Tigers!2024",
     "my fsa id is [username removed] and my password is [password removed]", ["username", "password"]),
    ("usuario: maria.g88", "usuario: [username removed]", ["username"]),
    # cards (Luhn), routing (ABA checksum), accounts
    ("my credit card is 4111 1111 1111 1111 exp 09/28, can i pay the fafsa fee with it",
     "my credit card is [card number removed], can i pay the fafsa fee with it", ["card"]),
    ("card 4012888888881881 cvv 123", "card [card number removed]", ["card"]),
    ("amex 3782-822463-10005", "amex [card number removed]", ["card"]),
    ("debit 5555-5555-5555-4444 vence 10/27", "debit [card number removed]", ["card"]),
    ("for my refund direct deposit the school wants routing 021000021 and account 4839201755, is that right?",
     "for my refund direct deposit the school wants routing [routing number removed] and account "
     "[account number removed], is that right?", ["routing", "account"]),
    ("ABA 011000015", "ABA [routing number removed]", ["routing"]),
    ("routing number: 123456789", "routing number: [account number removed]", ["account"]),   # bad checksum
    ("checking account #000123456789", "checking account #[account number removed]", ["account"]),
    ("acct no. 12345678", "acct no. [account number removed]", ["account"]),
    ("numero de cuenta 9876543210", "numero de cuenta [account number removed]", ["account"]),
    ("my loan account number is 1234-5678-90", "my loan account number is [account number removed]", ["account"]),
    ("ref 12345678901234", "ref [account number removed]", ["account"]),      # long run, not Luhn, not phone
    # dates of birth
    ("born 03/14/2008, am i independent", "born [date of birth removed], am i independent", ["dob"]),
    ("dob: 2008-03-14", "dob: [date of birth removed]", ["dob"]),
    ("my date of birth is March 14th, 2008", "my date of birth is [date of birth removed]", ["dob"]),
    ("my birthday is 3/14/08", "my birthday is [date of birth removed]", ["dob"]),
    ("fecha de nacimiento: 14/03/2008", "fecha de nacimiento: [date of birth removed]", ["dob"]),
    ("nací el 14 de marzo de 2008", "nací el [date of birth removed]", ["dob"]),
    ("I was born on Jan 5 2004 so am i 24 yet", "I was born on [date of birth removed] so am i 24 yet", ["dob"]),
    # phones and emails
    ("call me at (555) 201-3344", "call me at [phone removed]", ["phone"]),
    ("my cell 555.201.3344", "my cell [phone removed]", ["phone"]),
    ("text 555-201-3344 or +1 555 201 3344", "text [phone removed] or [phone removed]", ["phone"]),
    ("my number is 5552013344", "my number is [phone removed]", ["phone"]),
    ("mi mamá: +52 55 1234 5678", "mi mamá: [phone removed]", ["phone"]),
    ("text me at 201-3344", "text me at [phone removed]", ["phone"]),
    ("email me at jo.diaz+fafsa@gmail.com", "email me at [email removed]", ["email"]),
    ("MARIA_G@School.EDU is mine", "[email removed] is mine", ["email"]),
    # several kinds at once, in order
    ("ssn 123-45-6789, dob 01/02/2007, email a@b.co",
     "ssn [SSN removed], dob [date of birth removed], email [email removed]", ["ssn", "dob", "email"]),
]


@pytest.mark.parametrize("text,redacted,kinds", REDACT)
def test_redacts(text, redacted, kinds):
    r = redact_pii(text)
    assert r.text == redacted
    assert r.kinds == kinds
    assert r.found


KEEP = [
    "whats the max pell grant for 2026-27?",
    "my parents make $123,456,789 lol",
    "my parents make 123,456,789 a year haha",
    "my sai is -1,500 and the loan limit is $5,500",
    "my SAI is -1500",
    "parents make 120000 and we have 2 kids",
    "we make about 45k, is 6.39% the rate?",
    "the deadline is June 30, 2027 and it opened 10/1/2026",
    "2026-27 vs 2025-26 vs 2027-2028",
    "call 1-800-4-FED-AID or 1-800-433-3243 for help",
    "(800) 433-3243 and 1 (800) 730-8913",
    "in crisis? call or text 988, emergencies 911",
    "born before January 1, 2003 counts as independent right?",
    "i was born in 2004",
    "i'm 19, born in march",
    "my password is wrong and my fsa id is locked. i forgot my password",
    "password reset doesnt work",
    "can i just give my fsa id and password to my counselor so she can do my fafsa for me",
    "what should my password be? it needs 8 characters",
    "my password is 8 characters long",
    "my password was hacked last week",
    "my fsa id password is expiring soon",
    "my fsa id is ready now",
    "la clave es ahorrar temprano para la universidad",
    "mi contraseña es incorrecta",
    "the login page wont load",
    "do i need a new fsa id username?",
    "my savings account has 150000 in it",
    "my account is $5,000 short",
    "is this a good password?",
    "we paid $1,234,567,890 for nothing lol",
    "120 payments of $250 over 10 years",
    "the federal school code is 001234",
    "my ISIR says transaction 01 and SAI 999999",
    "credits 12-15 per semester, 3.5 gpa",
    "the 1098-E and W-2 forms",
    "loan of $30000 at 6.53% for 120 months",
    "mi SAI es de 15000, puedo recibir la beca pell en 2026-27?",
    "le pagan 2,500 dólares al mes",
    "H.R. 8618 was introduced April 30, 2026",
    "studentaid.gov/h/apply-for-aid/fafsa",
]


@pytest.mark.parametrize("text", KEEP)
def test_keeps_ordinary_numbers_and_words(text):
    r = redact_pii(text)
    assert r.text == text, r.matches
    assert not r.found and r.kinds == [] and not r.warn


def test_card_needs_luhn():
    assert redact_pii("card 4111 1111 1111 1112").kinds != ["card"]


def test_routing_needs_checksum_and_keyword():
    assert redact_pii("routing 021000021").kinds == ["routing"]
    assert redact_pii("021000021").kinds == ["ssn"]                # no keyword: a bare 9-digit number


def test_warn_kinds():
    assert redact_pii("my ssn is 123-45-6789").warn
    # Contact details are removed but do not stop the turn: often someone else's (a scam email, the office).
    email = redact_pii('the email says "send your login to finaid-verify@gmail.com" is that real?')
    assert email.kinds == ["email"] and not email.warn
    assert email.text == 'the email says "send your login to [email removed]" is that real?'


def test_matches_carry_raw_values_and_positions():
    text = "ssn 123-45-6789"
    (m,) = find_pii(text)
    assert (m.kind, m.value, text[m.start:m.end]) == ("ssn", "123-45-6789", "123-45-6789")


def test_placeholders_are_defined_for_every_kind():
    kinds = {m.kind for row in REDACT for m in find_pii(row[0])}
    assert kinds <= set(PLACEHOLDERS)
    assert all(p.startswith("[") and p.endswith(" removed]") for p in PLACEHOLDERS.values())


def test_redaction_is_stable():
    once = redact_pii("my ssn is 123-45-6789 and password: Tigers!2024").text
    assert redact_pii(once).text == once and not redact_pii(once).found


# -- pii_echo -----------------------------------------------------------------------------------

ECHO = [
    ("Your SSN 123-45-6789 should never be shared.", "my ssn is 123-45-6789", ["123-45-6789"]),
    ("I received 123456789 and deleted it.", "my ssn is 123-45-6789", ["123-45-6789"]),
    ("Got it: 123 45 6789.", "ssn 123456789", ["123456789"]),
    ("Your password Tigers!2024 is strong.", "password Tigers!2024", ["Tigers!2024"]),
    ("your password tigers!2024", "password Tigers!2024", ["Tigers!2024"]),
    ("Card 4111-1111-1111-1111 is not accepted.", "card 4111 1111 1111 1111", ["4111 1111 1111 1111"]),
    ("We will call (555) 201-3344.", "call me at 555-201-3344", ["555-201-3344"]),
    ("we'll call 15552013344", "call me at 555-201-3344", ["555-201-3344"]),
    ("Born March 14, 2008, you are 18.", "born 03/14/2008 am i independent", ["03/14/2008"]),
    ("I emailed JO@GMAIL.COM.", "email jo@gmail.com", ["jo@gmail.com"]),
    ("routing 021000021 is Chase", "routing 021000021 and account 4839201755", ["021000021"]),
    ("Both 021000021 and 4839201755 look right.", "routing 021000021 and account 4839201755",
     ["021000021", "4839201755"]),
]


@pytest.mark.parametrize("answer,user_text,echoed", ECHO)
def test_pii_echo(answer, user_text, echoed):
    assert pii_echo(answer, user_text) == echoed


NO_ECHO = [
    ("I can't see or store your Social Security number. Please don't share it here.", "my ssn is 123-45-6789"),
    ("The max Pell Grant is $7,395.", "my ssn is 123-45-6789"),
    ("It ends in 6789.", "my ssn is 123-45-6789"),                       # a fragment is not the number
    ("Call 1-800-433-3243.", "my number is 555-201-3344"),
    ("Never share your password.", "password Tigers!2024"),
    ("1234567891", "my ssn is 123-45-6789"),                               # not the same digits
    ("Your SSN [SSN removed] was removed.", "my ssn is 123-45-6789"),
    ("The deadline is June 30, 2027.", "born 03/14/2008"),
    ("Anything", "no pii here, SAI -1500, $5,500"),
]


@pytest.mark.parametrize("answer,user_text", NO_ECHO)
def test_pii_no_echo(answer, user_text):
    assert pii_echo(answer, user_text) == []


@pytest.mark.parametrize("unit", ["123 456 7890 ", "born 10/1/2006 ", "ssn 123-45-6789 "])
def test_redaction_time_grows_linearly_with_the_number_of_matches(unit):
    """Every earlier match was re-checked for each new one (quadratic): 150,000 pasted characters
    froze the whole server for seconds. A ratio in this process, so any CPU can run it: 8x the
    matches measured 7.7-8.7x after the fix and 29-32x before it (quadratic tends to 64x)."""
    import time

    def seconds(n: int) -> float:
        text = (unit * (n // len(unit) + 1))[:n]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            redact_pii(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(5000), seconds(40000)
    assert large <= 16 * small, f"5,000 chars {small * 1e3:.1f} ms, 40,000 chars {large * 1e3:.1f} ms"


def test_a_dashed_ssn_followed_by_k_is_not_read_as_money():
    # Found by tests/security/test_fuzz.py: "1000 k" looked like thousands of dollars.
    assert redact_pii("my ssn 123-45-6789 k thx").text == "my ssn [SSN removed] k thx"
    assert redact_pii("I make 100 10 1000 dollars").text == "I make 100 10 1000 dollars"
