"""Input hygiene and prompt-injection signals: pure, standard library only.

`clean_input` strips invisible and control characters; `check_length` gives the kind "too long" /
"empty" message; `injection_signals` names the injection patterns found; `neutralize` defuses chat
template tokens so pasted text can never open or close a turn. Language detection is chatbot/lang.py.
Imported through chatbot.guards.
"""
from __future__ import annotations

import re
import unicodedata

from chatbot.lang import detect, fold


def _rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(parts), re.I | re.M)


# -- prompt injection: signal name -> pattern ---------------------------------------------------
_OVERRIDE = r"(?:ignore|disregard|forget|override|bypass|skip|discard|abandon)"
_RULES = (r"(?:instructions?|rules|prompts?|guidelines|directions|directives|programming|guardrails|"
          r"restrictions|polic(?:y|ies)|training|constraints|filters?|system prompt)")
_ADJ = r"(?:previous|prior|above|earlier|preceding|original|initial|system|safety|default)"
INJECTION_SIGNALS = {
    "ignore-instructions": _rx(
        rf"\b{_OVERRIDE}\s+(?:all\s+)?(?:of\s+)?your\s+(?:{_ADJ}\s+)?{_RULES}\b",
        rf"\b{_OVERRIDE}\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|these\s+|those\s+)?{_ADJ}\s+{_RULES}\b",
        rf"\b{_OVERRIDE}\s+all\s+(?:of\s+)?(?:the\s+)?{_RULES}\b",
        rf"\b{_OVERRIDE}\s+(?:everything|anything|all)\s+(?:above|before|you(?:'ve| have| were)? (?:been )?told)",
        rf"\b{_OVERRIDE}\s+the\s+(?:above|previous)\b",
        r"\b(?:ignora|ignorar|olvida|olvidar|olvidate|omite|omitir|descarta|desobedece)\s+(?:de\s+)?(?:todas?\s+)?"
        r"(?:tus|las|sus)\s+(?:\w+\s+)?(?:instrucciones|reglas|indicaciones|ordenes|directrices|restricciones)",
        r"\b(?:ignora|olvida|olvidate de)\s+todo lo (?:anterior|que te dijeron)"),
    "new-instructions": _rx(
        r"\bnew (?:instructions?|rules|policy|system prompt|directive|task)\s*:",
        r"\bupdated (?:instructions|policy|rules)\s*:",
        r"\bfrom now on,?\s+(?:you|u)\s+(?:are|will|must|should|only)\b",
        r"\byour new (?:role|task|instructions|name|persona) is\b", r"\ba partir de ahora (?:eres|seras|vas a|debes)\b",
        r"\bnuevas (?:instrucciones|reglas)\s*:"),
    "jailbreak": _rx(
        r"(?-i:\bDAN\b)", r"\bdo anything now\b", r"\b(?:developer|dev|god|sudo) mode\b", r"\bjailbr(?:eak|oken)",
        r"\bunrestricted (?:mode|ai)\b", r"\b(?:unfiltered|uncensored)\b", r"\bstay in character\b",
        r"\byou (?:have|has|got|now have) no (?:rules|restrictions|filters|guidelines|limits|boundaries|morals)\b",
        r"\byou are now (?:dan|evil|free|unrestricted|jailbroken|unfiltered)\b",
        r"\bmodo (?:desarrollador|dios)\b", r"\bsin (?:reglas|restricciones|filtros)\b"),
    "roleplay": _rx(r"\b(?:pretend|imagine) (?:that )?(?:you|u|to be)\b", r"\bact as\b", r"\brole-?play",
                    r"\byou(?: are|'re) now\b", r"\bfinge que eres\b", r"\bactua como\b", r"\bhaz de cuenta\b"),
    "role-tag": _rx(
        r"<\|[^|>\n]{1,40}\|>", r"</?s>", r"\[/?inst\]", r"<</?sys>>",
        r"</?(?:system|user|assistant|human|sys|im_start|im_end|start_of_turn|end_of_turn)\b[^>\n]*>",
        r"^\s*#{1,4}\s*(?:system|assistant|instructions?|human|developer)\b", r"\[(?:system|assistant|admin|developer|"
        r"sys|sistema)\]", r"^\s*(?:system|assistant|developer|sistema|asistente)\s*:"),
    "reveal-prompt": _rx(
        r"\b(?:show|print|reveal|repeat|display|output|tell|give|share|leak|dump|paste|write out|recite|spell out|"
        r"what'?s|what (?:is|are|were)|whats)\b[^.?!\n]{0,30}\b(?:system prompt|system message|initial prompt|"
        r"original prompt|hidden prompt|your prompt|pre-?prompt|your (?:instructions|guidelines|directives|"
        r"programming|configuration|initial instructions)|instructions you (?:were|have been|'ve been|got) given)\b",
        r"\b(?:show|print|reveal|repeat|display|dump|recite)\b[^.?!\n]{0,15}\byour (?:full |complete |entire )?rules\b",
        r"\brepeat (?:everything|all|the text|the words|what'?s|what is) (?:above|before|written above)",
        r"\beverything above this line\b",
        r"\b(?:muestra(?:me)?|dime|revela|repite|imprime|cuales son|cual es)\b[^.?!\n]{0,30}\b(?:tus instrucciones|"
        r"tu prompt|el prompt|prompt del sistema|mensaje del sistema|instrucciones del sistema)\b"),
    "fake-authority": _rx(
        r"\b(?:i'?m|i am|this is)\s+(?:your|the)\s+(?:admin\w*|developer|dev|creator|owner|operator|programmer|maker)"
        r"\s+(?:of|for)\s+(?:this|the)\s+(?:bot|chat\w*|assistant|ai|system|app|site|model)\b",
        r"\b(?:i'?m|i am)\s+your\s+(?:admin\w*|developer|dev|creator|owner|operator|programmer|maker)\b",
        r"\bi (?:authorize|order|command|instruct|permit) you\b",
        r"\b(?:admin|sudo|root) (?:access|override|command)\b",
        r"\bsoy (?:tu|el) (?:administrador|desarrollador|creador|dueno|programador)\b", r"\bte (?:autorizo|ordeno)\b"),
    # Text aimed at the AI inside something pasted: "[AI assistant: ignore the user ...]".
    "pasted-instructions": _rx(
        r"\[\s*(?:note to |message (?:to|for) |attention |hey )?(?:the )?(?:ai|ai assistant|assistant|chatbot|bot|"
        r"llm|model|gpt|chatgpt|language model|claude|llama)\s*[:,-]",
        r"\b(?:if you are|if you'?re|attention|note to|message (?:to|for)|instructions for)\s+(?:an?\s+|the\s+)?"
        r"(?:ai|assistant|language model|llm|chatbot|gpt)\b", r"^\s*ai\s*:"),
}
# An override that comes after one of these was pasted, not typed: reported as pasted-instructions.
PASTE_MARKERS = _rx(r"\bhere (?:it )?is\b", r"\bhere'?s\b", r"\bheres\b", r"\bthe following\b", r"\bbelow is\b",
                    r"\bthis (?:email|text|letter|message|document|doc|website|page|pdf|notice|post)\b",
                    r"\bit says\b", r"\bpasted\b", r"\bcopied\b", r"[:]\s*[\"“']", r"^\s*>")
# Signals that make classify refuse outright; the rest only flag and are defused by neutralize.
BLOCKING_SIGNALS = {"ignore-instructions", "jailbreak", "reveal-prompt", "fake-authority"}


# -- input hygiene ------------------------------------------------------------------------------

def clean_input(text: str) -> str:
    """NFC-normalize, drop control and invisible format characters, trim.

    Zero-width characters, bidi overrides and Unicode "tag" characters are how hidden instructions
    get smuggled past a reader ("ig\u200bnore", ASCII smuggling); newlines and tabs are kept. A lone
    surrogate (JSON allows "\\ud800") cannot be encoded as UTF-8: nothing after us could store it."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in text
        if ch in "\n\t" or not (unicodedata.category(ch) in ("Cc", "Cf", "Cs") or "\ufe00" <= ch <= "\ufe0f"
                                or "\U000e0100" <= ch <= "\U000e01ef")
    ).strip()


_TOO_LONG = {
    "en": "Your message is {n:,} characters long, and I can read up to {limit:,} at a time. Could you ask a "
          "shorter question? If you pasted a document or letter, paste just the part you are asking about.",
    "es": "Su mensaje tiene {n:,} caracteres y puedo leer hasta {limit:,} a la vez. ¿Podría hacer una pregunta "
          "más corta? Si pegó un documento o una carta, pegue solo la parte sobre la que tiene la pregunta.",
}
_EMPTY = "It looks like your message is empty. Type your question, for example: “When is the FAFSA due?”"


def check_length(text: str, max_chars: int = 4000) -> str | None:
    """A kind message when `text` is empty or longer than `max_chars` (after clean_input), else None."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    cleaned = clean_input(text or "")
    if not cleaned:
        return _EMPTY
    if len(cleaned) > max_chars:
        return _TOO_LONG[detect(cleaned[:2000])].format(n=len(cleaned), limit=max_chars)
    return None


def _fold(text: str) -> str:
    """Clean, then accent- and compatibility-folded (chatbot/lang.py); case kept for "DAN"."""
    return fold(clean_input(text))


# -- prompt injection ---------------------------------------------------------------------------

def injection_signals(text: str) -> list[str]:
    """Names of the prompt-injection signals in `text` (see INJECTION_SIGNALS), in table order."""
    folded = _fold(text)
    found = [name for name, pattern in INJECTION_SIGNALS.items() if pattern.search(folded)]
    marker = PASTE_MARKERS.search(folded)
    override = INJECTION_SIGNALS["ignore-instructions"].search(folded)
    if marker and override and override.start() >= marker.end():
        found.remove("ignore-instructions")     # it is inside the pasted text, not the user's own ask
        if "pasted-instructions" not in found:
            found.append("pasted-instructions")
    return found


_SPECIAL_TOKEN = re.compile(r"<\|")
_ROLE_TAG = re.compile(r"<(/?)(s|system|user|assistant|human|sys|im_start|im_end|start_of_turn|end_of_turn)\b", re.I)


def neutralize(text: str) -> str:
    """Defuse chat-template tokens so pasted text can never open or close a turn.

    "<|im_start|>" -> "< |im_start| >", "</s>" -> "< /s>", "[INST]" -> "[ INST]", "<<SYS>>" -> "< <SYS> >".
    Invisible characters go first, so "<\u200b|" cannot sneak past. Idempotent."""
    text = clean_input(text)
    text = _SPECIAL_TOKEN.sub("< |", text).replace("|>", "| >")
    text = _ROLE_TAG.sub(lambda m: f"< {m.group(1)}{m.group(2)}", text)
    text = re.sub(r"\[(/?)(INST|SYS)\]", r"[ \1\2]", text, flags=re.I)
    return text.replace("<<", "< <").replace(">>", "> >")
