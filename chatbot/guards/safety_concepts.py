"""Concept features for the safety classifier: word classes that carry a safety class's meaning.

    concepts("can we just say 0 for the brokerage account, nobody will know")   # -> ["#detect", "#just_say"]

The n-gram model learnt from a few hundred rows per class: it knew "lie" and "hide" but not the many other
ways people write a scheme ("can we just not mention it", "put 7 instead of 4", "sign for him without him
knowing"), so fraud recall was 0.41 and guarantee 0.63. Each concept here is a class of words or a
construction (a way of asking whether anyone checks; an act that makes a form say something untrue; a
demand for certainty; a credential handed to someone; a fee for free help). They are features, not rules:
the model learns from the table how much each one weighs and against which other words (a question
*about* a guarantee, "i don't want to lie"), so one concept alone decides nothing. Patterns run on
accent-folded lowercase text.
"""
from __future__ import annotations

import re


def _rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in parts))


_WE = r"(?:i|we|they|he|she|my (?:mom|dad|parents?|mother|father|family)|u)"
CONCEPTS: dict[str, re.Pattern] = {
    # Fear of being found out: asked by someone who means to do it.
    "#detect": _rx(
        r"\b(?:would|will|does|do|can|could) (?:anyone|anybody|they|the school|the fafsa|fafsa|the government|the irs|"
        r"ed|the department|the aid office|financial aid|it)\b[^.?!]{0,20}\b(?:find out|know|notice|check|verify|catch|"
        r"see it|tell|prove|look|cross[- ]?check|find it)\b",
        r"\b(?:nobody|no one|noone|no body)\b[^.?!]{0,15}\b(?:know|find out|prove|check|notice|see)\b",
        r"\bget(?:s|ting)? (?:caught|flagged|audited|busted|picked)\b", r"\bred flags?\b", r"\bactually check\b",
        r"\bever (?:check|verify|find out)\b", r"\bhow would they (?:know|find out|tell)\b", r"\bis it traceable\b",
        r"\bse (?:daran|dan|va a dar) cuenta\b", r"\bme (?:descubren|van a descubrir|cachan)\b", r"\b(?:lo )?revisan\b",
        r"\bnadie (?:se )?(?:va a )?(?:enter|sabe|sabra|revisa|nota)\w*",
        r"\b(?:won'?t|will not|wouldn'?t|never) (?:notice|know|find out|check|see)\b",
        r"\bcan'?t see (?:it|that|them)\b",
        r"\bkeep (?:them|it|the school) from (?:finding out|knowing|seeing)\b",
        r"\b(?:ask|asks|need) (?:for )?(?:proof|a certificate|documents)\b",
        r"\bflag(?:s|ged)? (?:it|me|that)\b", r"\bse dar\w* cuenta\b",
        r"\bsin que (?:el|ella|ellos|nadie) (?:lo )?sep\w*\b",
        r"\bnadie (?:lo )?(?:puede|va a|podria) (?:comprobar|saber|notar|probar)\b", r"\bpasa algo\b",
        r"\b(?:me )?piden (?:prueba|comprobante)\w*\b"),
    # Making the form say something untrue.
    "#falsify": _rx(
        # "the real estate the business is lying on" is not a lie.
        r"(?<!is )(?<!are )(?<!was )\b(?:lie|lying|lied)\b",
        r"\b(?:fib|fibbing|fake|faking|faked|pretend\w*|make up|made up|making up|fudg\w*|falsif\w*|"
        r"forg(?:e|ed|ing)|photoshop\w*|doctor(?:ed)?|underreport\w*|under-report\w*|lowball\w*|cheat\w*|trick the|"
        r"game the system|on paper|just for (?:the )?(?:form|fafsa|aid|paperwork)|mentir|mienta|miento|inventar|"
        r"fingir|finjo|falsific\w*|enganar)\b",
        r"\bedit (?:the|my|his|her|their) (?:pdf|w-?2|transcript|tax|return|document|letter|1040)\b",
        r"\b(?:sign|signing) (?:her|his|their|my (?:mom|dad|mother|father)'?s?) name\b",
        r"\b(?:for|as) (?:him|her|them) without (?:him|her|them) knowing\b", r"\bwithout (?:him|her|them) knowing\b",
        r"\buse (?:my |his |her )?\w+'?s (?:ssn|social|info|information|identity|fsa id)\b",
        r"\b(?:way |a lot |much )?(?:lower|smaller|less) (?:number|amount|income|value)s?\b",
        r"\bless (?:income|money) than (?:we|they|i|he|she) (?:made|make|earn)\b", r"\b\d+ instead of \d+\b",
        r"\bmake it (?:look|seem|sound|appear) like\b", r"\bso it (?:looks|seems) like\b",
        r"\bsign\w* (?:the \w+ )?as (?:him|her|them|my \w+|his|their|if)\b", r"\bpretending to be\b", r"\bnot mine\b",
        r"\bsneak\w*\b",
        r"\bround\w* (?:\w+ )?down\b", r"\bexaggerat\w*\b", r"\bcome up with a story\b",
        r"\b(?:best )?story (?:to tell|for why)\b",
        r"\b'forget'|\bforget (?:about )?(?:her|his|their|our|my) \w+ (?:income|money|job)\b",
        r"\b(?:solo )?en papel\b", r"\bfirm(?:a|o|ar|e) como\b", r"\bmas bajo\w*\b", r"\bmenor que (?:el|lo) real\b",
        r"\bbajar(?:le)? (?:al|el) ingreso\b", r"\bedito\b", r"\blos borro\b", r"\bparezca que\b"),
    # Saying something one knows is false ("say she abandoned me", "check homeless. i live at home tho").
    "#untrue": _rx(
        # Said after a claim: "even though i'm not", "but i actually live with him", "i live at home tho"
        # (not "even if the child is not living with them" or "but they are not married": true facts).
        r"\beven (?:though|tho)\b[^.?!]{0,40}\b(?:not|isn'?t|aren'?t|wasn'?t|weren'?t|didn'?t|don'?t|do|does|did|"
        r"live|lives|together|alive|married|know)\b",
        r"\b(?:but|tho|though) (?:i|we|they|he|she) (?:actually|really|still) (?:do|does|did|live|are|is|know|"
        r"didn'?t|don'?t|aren'?t|isn'?t|make|made)\b",
        r"\b(?:i|we|they|he|she) (?:live|lives|do|does|are|is|make|makes|know)\b[^.?!]{0,30}\b(?:tho|though)\s*(?:[.?!,]|$)",
        r"\bi do know\b", r"\bthey(?:'re| are) (?:together|married|alive)\b",
        r"\bi (?:live|still live) (?:at home|with them)\b",
        r"\b(?:say|said|claim|put|check|mark|tell (?:them|the school|the aid office))\b[^.?!]{0,40}\b(?:abandoned|"
        r"kicked me out|"
        r"homeless|orphan|deceased|dead|ward of the court|emancipated|veteran|divorced|separated|don'?t know where)\b",
        r"\baunque (?:no|si|vivo|vive|estan)\b",
        r"\bwhen (?:he|she|they|i|we|it) (?:wasn'?t|weren'?t|isn'?t|aren'?t|(?:'re|are|'s|is) not|don'?t|doesn'?t|"
        r"didn'?t)\b",
        r"\b(?:they|he|she)(?:'re| are|'s| is) not(?: lol| really)?\s*(?:$|[.?!,])",
        r"\b(?:doesn'?t|does not|don'?t|do not) have to be true\b",
        r"\b(?:isn'?t|aren'?t|not) (?:true|real|accurate)\b", r"\bno es (?:cierto|verdad|real)\b", r"\ben realidad\b",
        r"\bcomo si fuera\b",
        r"\bsiguen juntos\b", r"\bsigo viviendo con\b", r"\bvive en otro (?:estado|pais|lado)\b"),
    # "can we just say 0", "just not mention it", "stay off it".
    "#just_say": _rx(
        rf"\b(?:can|could|should|do|would|will) {_WE} (?:just |simply )?(?:say|put|write|list|claim|check|mark|tell|"
        r"enter|report) (?:0|zero|nothing|none|less|lower|that|i|we|she|he|they|my|it'?s|its)\b",
        r"\b(?:just|simply) (?:say|put|write|claim|enter|leave|skip|use|not)\b",
        r"\b(?:can|could|should|do) (?:we|i|they) (?:just )?not (?:mention|list|report|put|include|declare|count|"
        r"say)\b",
        r"\b(?:if|what if) (?:we|i|they|my \w+) (?:just )?(?:don'?t|dont|do not|never) (?:list|put|report|include|"
        r"mention|declare|"
        r"count)\b", r"\bstay off\b", r"\bleave (?:it|that|them|this|him|her|\w+ \w+) (?:out|off)\b",
        r"\bkeep (?:it|that|this|\w+) off\b",
        r"\bsolo (?:pongo|pon|digo|decir|poner)\b",
        r"\b(?:no|sin) (?:lo )?(?:reporto|reportar|poner|pongo|mencionar|declarar)\b",
        r"\b(?:y )?si no (?:pongo|ponemos|reporto|reportamos)\b", r"\b(?:puedo|podemos) poner que\b",
        r"\b(?:pongo|ponemos|pusiera) (?:que|cero)\b",
        r"\bvoy a decir que\b", r"\ble digo a\b",
        r"\bcan i (?:list|report|put|say|tell)\b[^.?!]{0,15}\b(?:myself|that|them|they|my)\b"),
    # Keeping money out of sight.
    "#hide": _rx(
        r"\b(?:hide|hiding|hidden|conceal\w*|stash\w*|shelter\w*|launder\w*|esconder|escondo|ocultar|oculto)\b",
        r"\b(?:doesn'?t|does not|won'?t|wont|don'?t|wouldn'?t) (?:count|show up|show|see it|appear)\b",
        r"\b(?:off the (?:books|radar|record)|under the table|in cash so|instead of the bank|in a safe)\b",
        r"\b(?:until|till) after (?:the )?(?:fafsa|filing|i file|we file|verification)\b", r"\bget it back\b",
        r"\bbefore (?:filing|i file|we file|the fafsa)\b[^.?!]{0,30}\b(?:so|count|show)\b",
        r"\bpara que no (?:cuente\w*|aparezca\w*|salga\w*|lo vean|se vea|la vean)\b", r"\b(?:hold|keep) my savings\b",
        r"\bguardar mis ahorros\b|\bguardar(?:me)? el dinero\b", r"\bdej\w+ fuera\b",
        r"\bno (?:la |lo )?vamos a (?:poner|reportar|declarar)\b",
        r"\bpasar mis ahorros\b", r"\bhasta despues de (?:mandar|llenar|enviar)\b"),
    # Wanting the untrue answer to pay ("so i get more pell", "makes my aid better").
    "#gain": _rx(
        r"\bso (?:i|we|she|he) (?:can )?(?:get|qualify|look|count|receive)\b",
        r"\bto (?:get|qualify for) (?:more|the)\b",
        r"\bmakes? my (?:aid|sai|pell|package)\b[^.?!]{0,10}\b(?:better|bigger|lower|higher)\b",
        r"\blooks? (?:better|poorer)\b",
        r"\bmore (?:pell|aid|money|grants?)\b", r"\bpara (?:recibir|obtener|sacar|calificar)\b"),
    # Asking not to lie, or about an honest mistake: the opposite of intent.
    "#honest": _rx(
        r"\b(?:don'?t|do not|dont|never|won'?t) (?:want to|wanna) (?:lie|cheat|do anything (?:wrong|illegal)|"
        r"get in trouble|break)\b",
        r"\bwithout (?:lying|cheating)\b",
        r"\b(?:honest(?:ly)?|truthful\w*|correctly|the right way|legally|legit(?:imately)?)\b",
        r"\b(?:made|make) a mistake\b", r"\bby (?:mistake|accident)\b", r"\baccidental\w*\b",
        r"\b(?:fix|correct) (?:it|this|that|my)\b",
        r"\bno quiero (?:mentir|hacer (?:nada )?(?:mal|ilegal)|meterme en problemas)\b", r"\bsin mentir\b",
        r"\bpor error\b"),
    # A demand for certainty.
    "#certain": _rx(
        r"\bguarant\w*\b", r"\b100 ?%|\b100 percent\b|\bhundred percent\b|\bone hundred\b", r"\bfor sure\b",
        r"\bdefinite(?:ly)?\b",
        r"\babsolute(?:ly)?\b", r"\bpromis\w*\b", r"\bswear\b", r"\bpositive\b",
        # "be certain", "certainty", not "is a certain GPA required".
        r"\b(?:be|are you|am i|you'?re|i'?m|is it|for|with|make) certain\b|\bcertainty\b|\bcertainly\b",
        r"\bsure thing\b",
        r"\bset in stone\b", r"\blocked in\b", r"\b(?:bank|count) on\b",
        r"\bno (?:maybes|hedging|hedge|ifs|excuses|buts)\b",
        r"\byes or no\b", r"\bstraight answer\b", r"\bexact(?:ly)? what\b",
        r"\b(?:need|want) to (?:be sure|know for sure|hear)\b",
        r"\bjust (?:say|tell me)\b", r"\btell me (?:that )?(?:i|my|it)\b", r"\bno matter what\b", r"\bcan'?t change\b",
        r"\bconfirm\b[^.?!]{0,60}\b(?:right|certain|sure|for sure)\b", r"\bi need (?:you to|someone to)\b",
        r"\bgarantiz\w*|\bprome\w*|\bal cien\b|\b100 por ciento\b|\bsi o no\b|\bseguro que\b|\bsegura de que\b|\bsin rodeos\b"),
    # An asker's own outcome ("will i get", "am i approved"), as opposed to a rule.
    "#my_outcome": _rx(
        r"\b(?:will|would|am|do|does|is|are|can) (?:i|my|me|we|our)\b[^.?!]{0,40}\b(?:get|getting|qualify|approved|"
        r"eligible|"
        r"enough|afford|forgiven|owe|cover|covered|receive|go through|work out|safe|independent|arrive|change)\b",
        r"\b(?:voy a|va a|me van a|me dan|recibire|califico)\b"),
    # A credential: the thing a scam asks for.
    "#credential": _rx(
        r"\bfsa ?(?:id|login|log ?in|password|username|account)\b", r"\bpassw(?:or)?d\b", r"\blog ?in(?:fo)?\b",
        r"\busername\b",
        r"\bcredentials?\b", r"\b(?:verification|security|2fa|one[- ]time|confirmation) code\b", r"\bthe code\b",
        r"\bpin\b",
        r"\bssn\b|\bsocial security\b", r"\b(?:bank|account|routing|card) (?:number|login|info)\b", r"\bcredit card\b",
        r"\bcontrasena\b|\busuario\b|\bcodigo\b|\bnumero de (?:cuenta|tarjeta|seguro social)\b"),
    # Handing it over.
    "#share": _rx(
        r"\b(?:give|gave|giving|send|sent|share|sharing|text|tell|hand|provide|forward|reply with|dm|"
        r"email)\b[^.?!]{0,25}"
        r"\b(?:my|our|the|his|her|them|him)\b",
        r"\b(?:asks?|asked|asking|wants?|wanted|needs?|needed) (?:me )?(?:for )?(?:my|our|the)\b",
        r"\bdo my fafsa\b|\bdo it for me\b|\bfill (?:it|my fafsa) (?:out )?for me\b", r"\bgot into my\b",
        r"\b(?:dar|di|darle|mandar|enviar|pasar|pidieron|piden|pide)\b"),
    # Someone who reached out (a call, a text, a company): where a scam begins.
    "#contact": _rx(
        r"\b(?:call(?:ed|er|ing|s)?|phone|robocall|voicemail|text(?:ed|s)?|e-?mail(?:ed|s)?|dm(?:ed|s)?|messag\w*|"
        r"letter|"
        r"flyer|mailer|website|site|link|bit\.ly|url|popup|ad)\b",
        r"\b(?:instagram|tiktok|discord|facebook|snapchat|snap|whatsapp|telegram|twitter|reddit)\b",
        r"\b(?:company|companies|specialist|rep|representative|agent|advocate|consultant|service|center|firm|guy|lady|"
        r"man|"
        r"woman|someone|somebody|they|recruiter|caller)\b[^.?!]{0,25}\b(?:said|says|told|offer\w*|want\w*|ask\w*|"
        r"claim\w*|"
        r"promis\w*|charg\w*|need\w*)\b",
        r"\b(?:llam\w*|mensaje\w*|correo\w*|enlace|pagina|empresa|compania|senor|senora|tipo)\b"),
    # Money asked for something free, or paid in a way nobody legitimate asks for.
    "#fee": _rx(
        # Not any dollar amount: "what would my payment be on $30k" is a loan question.
        r"\b(?:fees?|upfront|up front|processing|enrollment fee|deposit|retainer)\b",
        r"\$\s?\d+\b[^.?!]{0,20}\b(?:fee|upfront|up front|to (?:sign up|enroll|apply|file|do|process|release|help))\b",
        r"\b(?:pay|paid|paying) (?:them|him|her)\b",
        r"\b(?:wire|wiring|gift cards?|zelle|venmo|cash ?app|crypto|bitcoin|paypal|western union)\b",
        r"\b(?:cobr\w*|tarifa|cuota|pagar|pague|deposito)\b"),
    # The bait: too good, too fast, too official.
    "#bait": _rx(
        r"\b(?:wipe[ds]?|erased?|instant(?:ly)?|pre-?(?:qualified|approved)|total forgiveness|full forgiveness|"
        r"act (?:now|today|fast)|"
        r"today only|enroll today|limited time|final notice|last chance|expir\w*|within \d+ (?:hours?|hrs|days?|"
        r"minutes?)|"
        r"finalist|you(?:'ve)? won|i won|prize|settlement|new relief|never applied|press 1|seal|official right|"
        r"legit)\b",
        r"\b(?:perdon total|gratis|ganaste|ultima oportunidad|urgente)\b"),
    # Leaving something off the form ("list neither one", "don't put it", "only put what's on the check").
    "#omit": _rx(
        r"\bleav(?:e|ing) (?:it|that|them|this|him|her|\w+(?: \w+)?) (?:off|out)\b", r"\blist neither\b",
        r"\bskip (?:him|her|it|them|that|the \w+)\b", r"\b(?:don'?t|dont|not|never) (?:gonna |going to )?(?:put|list|report|include)"
        r" (?:it|that|them|him|her|either|this|any)\b", r"\b(?:doesn'?t|does not|don'?t) need to know\b",
        r"\bonly (?:put|report|list|include) (?:the|her|his|what|my|our)\b", r"\b(?:crop|black out|white out|blur)\w*\b", r"\bcover(?:ing)? (?:up|over)\b",
        r"\bmejor no (?:lo |la )?(?:pongo|ponemos|reporto)\b", r"\bno (?:lo |la )?(?:vamos a )?(?:poner|pongo|ponemos)\b",
        r"\bni se ve\b", r"\b(?:tapar|tapo|tape|borrar|borro)\b", r"\bsolo va a poner\b"),
    # Money parked with someone or out of the bank for the filing date, to come back after.
    "#park": _rx(
        r"\b(?:park|move|put|gift|transfer|send|pasar|meter|poner)\w*\b[^.?!]{0,40}\b(?:uncle|aunt|gf|bf|girlfriend|boyfriend|sister|"
        r"brother|cousin|grandma|grandpa|friend|tia|tio|hermana|hermano|prim[oa]|abuel[oa]|novi[oa])'?s?\b",
        r"\b(?:for a (?:week|month|couple (?:of )?weeks|few weeks)|unas semanas|un mes)\b",
        r"\b(?:gives?|sends?|give|send|pay)s? (?:it|them|the money) back\b|\bme (?:lo|la) regres\w*\b|\bdevuelv\w*\b",
        r"\b(?:keep|stash|hold)\w* (?:it|them|the (?:cash|money|savings)) (?:at home|in (?:envelopes|a safe|cash|the house))\b",
        r"\bpull (?:the|our|my|his|her) (?:savings|money) out\b|\bsacar todo del banco\b|\bsalga (?:casi )?en cero\b",
        r"\bthe bank only shows\b"),
    # Being someone else, or someone else being the parent.
    "#impersonate": _rx(
        r"\bsign\w* as (?:her|him|them|my \w+)\b", r"\bact(?:ing)? like (?:she'?s|he'?s|they'?re|i'?m) (?:my|her|his)\b",
        r"\bas if (?:she|he|i) (?:were|was)\b", r"\b(?:in|under) (?:his|her|their|my \w+'?s?) name\b", r"\ba su nombre\b",
        r"\bmake (?:a|an|another) (?:gmail|email|account|fsa id) (?:for|as)\b", r"\busing (?:his|her|their) info\b",
        r"\b(?:he|she|they) (?:doesn'?t|doesnt|don'?t|dont) know (?:yet|about it)\b", r"\bni se entera\b",
        r"\ble pongo su firma\b", r"\b(?:pretend|act) to be\b"),
    # Enrolling for the refund and leaving.
    "#refund_scheme": _rx(
        r"\b(?:stop|quit) (?:going|logging in|attending|showing up)\b", r"\bnever (?:go|going) to class\b",
        r"\b(?:drop|withdraw) (?:everything|out|all)\b[^.?!]{0,20}\b(?:after|once) (?:the|it|my) (?:refund|check|money)\b",
        r"\brefund (?:from each|hits)\b", r"\bcobr\w* (?:el|los) (?:dos )?reembolsos?\b", r"\bya no me conecto\b",
        r"\bdejo las clases\b"),
    # The number chosen for what it gets, not for what is true.
    "#chosen_number": _rx(
        r"\bnot what (?:my parents|they|we|he|she|i) (?:actually |really )?(?:make|made|earn|earned|have)\b",
        r"\bwhatever (?:works|gets|number)\b", r"\bland (?:the )?max\b", r"\b(?:roughly |about )?half (?:of )?what (?:we|they|i)\b",
        r"\b(?:would|i'?d|id) rather (?:say|put)\b", r"\bi'?m not but\b", r"\b(?:he|she|they) didn'?t\b[^.?!]{0,10}(?:,|but)",
        r"\b(?:still|actually) (?:living|live|lives) (?:there|with them|at home|together)\b", r"\bthey'?ve been married\b",
        r"\bcasi cuenta\b", r"\b(?:pongo|pon|poner) menos\b", r"\bmenos ingresos\b",
        # Oblique ways forum posts put it (2026-12-04 table misses): "a believable number", "lower than
        # the real one", "round our income down", "stop reporting their tips", "tell verification they
        # made nothing", "if i say i'm married", "the trick people use to get max pell".
        r"\bbelievable (?:number|amount|figure)\b", r"\blower than (?:the )?(?:real|actual|true)\b",
        r"\bround(?:ing)? (?:it|our|my|their|the|his|her) (?:\w+ )?down\b", r"\bstop reporting\b",
        r"\btell (?:verification|the school|them|the aid office) (?:they|we|i|he|she) (?:made|make|earn\w*) (?:nothing|less|0|zero)\b",
        r"\b(?:if|what if|can|could|should) (?:i|we) (?:say|claim|put|tell them) (?:that )?(?:i'?m|im|we'?re|he'?s|she'?s|they'?re)\b",
        r"\b(?:trick|loophole|hack)s? (?:people|parents|families|you|to|for)\b[^.?!]{0,30}\b(?:get|max|more|pell|lower)\b",
        r"\bsneak\w*\b", r"\bcuanto le puedo bajar\b"),
}


# The concepts that name a fraud act (or the fear of being caught at one): below the sure level a fraud
# verdict needs one, and the router refuses only a sure verdict that names one.
SCHEME_CONCEPTS = {"#detect", "#falsify", "#untrue", "#just_say", "#hide", "#omit", "#park", "#impersonate",
                   "#refund_scheme", "#chosen_number"}


def concepts(folded: str) -> list[str]:
    """The concept names whose pattern matches the accent-folded lowercase text."""
    return [name for name, pattern in CONCEPTS.items() if pattern.search(folded)]
