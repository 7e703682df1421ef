"""A message that corrects which one the answer just given was about: "não, era o de outubro" (u23, u24).

After November's boleto, "não, era o de outubro" was a goodbye that ended the identification; after the daughter's
reimbursements, "não, era do meu marido" was "não entendi". Such a message continues the topic
(:mod:`bot.nlu.followup`) and, while "de quem?" is asked, replaces the period given before (actions/pedido.py).
Kept apart from the NLU components so that the action server reads it without loading Rasa.
"""

from __future__ import annotations

import re

from bot.nlu.parsing import MONTH_NAMES, strip_accents

_PHRASES = re.compile(r"[?!.,;]+")
# "não, era o de outubro", "na verdade o de 2024", "não é esse, é o da minha filha", "agora o do José".
_CORRECTION = re.compile(
    r"^(?=(?:nao|n|na verdade|desculpa|desculpe|errei|ops|opa|foi mal|era|eu quis dizer|quis dizer|agora)\b)"
    r"(?:(?:nao (?:e|era) (?:esse|este|essa|esta|isso)|nao|n|na verdade|desculpa|desculpe|errei|ops|opa|foi mal|"
    r"eu quis dizer|quis dizer|eu queria|queria|era|e|agora)\b[\s,.!:]*)+"
    r"(?P<rest>.+)$"
)
_CORRECTED_TO = re.compile(
    rf"(?:(?:(?:o|a|os|as) )?(?:de|do|da|dos|das|pro|pra|para o|para a) "
    r"(?!(?:jeito|nada|novo|forma|modo|vez|acordo|boa|maneira|graca|repente|verdade)\b)\w+.*|"
    rf"(?:de |do |em )?(?:{MONTH_NAMES})(?: de (?:19|20)\d{{2}})?|"
    r"(?:de |do |em )?(?:19|20)\d{2}|(?:o|a) (?:meu|minha|dele|dela)\b.*)"
)
_MAX_CORRECTION_WORDS = 9
# "não é pro meu filho" (no comma) denies: only "não, é pro meu filho" corrects; "não é esse, é o …" corrects too.
_DENIAL = re.compile(r"\bnao\s+(?:e|eh|era|foi)\s+(?!(?:esse|este|essa|esta|isso)\b)")


def is_correction(text: str) -> bool:
    """Whether ``text`` corrects which one the answer just given was about ("não, era o de outubro").

    >>> is_correction("não, era do meu marido"), is_correction("não"), is_correction("e o de outubro?")
    (True, False, False)
    >>> is_correction("não, não é pro meu filho não"), is_correction("não é esse, é o da minha filha")
    (False, True)
    """
    folded = strip_accents(text).lower().strip()
    if _DENIAL.search(folded):
        return False
    correction = _CORRECTION.match(_PHRASES.sub(" ", folded).strip())
    return bool(
        correction and len(text.split()) <= _MAX_CORRECTION_WORDS and _CORRECTED_TO.fullmatch(correction["rest"])
    )
