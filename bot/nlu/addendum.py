"""More to say about the request just registered: "esqueci de dizer: o valor cobrado foi R$ 250".

After a ticket was opened, such a message was classified by the words of what it adds ("o valor cobrado", "a
atendente") and started another topic, or the teleconsultation desk's form; what the person added never reached the
ticket. Adding is said with a closed set of openings, so it is recognised by pattern and the dialogue joins it to
the conversation's ticket (actions/complemento.py), or reads it in the topic when there is none.
"""

from __future__ import annotations

import re

from bot.nlu.parsing import strip_accents

# The intent of such a message (domain.yml); the pattern below is its only source, there are no training examples.
COMPLEMENTAR_CHAMADO = "complementar_chamado"

_SAY = r"(?:dizer|falar|contar|mencionar|informar|colocar|avisar|escrever|explicar)"
# "quero acrescentar minha esposa" adds a person to the plan, not words to a request.
_NOT_A_PERSON = (
    r"(?!\W+(?:(?:a|o|um|uma|mais\W+um|mais\W+uma)\W+)?(?:minha|meu|dependente|filh|espos|marido|mulher|mae|pai|"
    r"sogr|net|entead|irm|pessoa|beneficiari)\w*)"
)
# Accents folded and lower case, punctuation kept (so the opening's end is a place in the message).
_OPENER = re.compile(
    r"^\W*(?:(?:ah+|ops|opa|ei|e|entao|desculpa|desculpe|so|ainda)\W+)*(?:eu\W+)?(?:"
    rf"esqueci\W+de\W+(?:(?:te|lhe|vos)\W+)?{_SAY}\b|faltou\W+(?:eu\W+)?{_SAY}\b|"
    r"(?:quero|queria|gostaria\W+de|preciso|vou|deixa\W+eu|posso)\W+(?:acrescentar|complementar|adicionar)\b"
    rf"{_NOT_A_PERSON}|"
    r"complementando\b|acrescentando\b|acrescentar\s*:|(?:pra|para)\W+(?:complementar|acrescentar)\b|"
    r"mais\W+(?:uma|um)\W+(?:informacao|detalhe)\W+(?:sobre\W+[oa]|d[oa]|pr[oa]|para\W+[oa])\W+(?:pedido|"
    r"protocolo|chamado|reclamacao|manifestacao|relato|solicitacao)\b"
    r")(?:\W*que\b)?\W*"
)


def is_addendum(text: str) -> bool:
    """Whether ``text`` opens as more to say about what was just asked or registered.

    >>> is_addendum("esqueci de dizer: o valor cobrado foi R$ 250 e a atendente se chamava Paula")
    True
    >>> is_addendum("ah, esqueci de falar que foi no dia 10")
    True
    >>> is_addendum("quero acrescentar uma informação ao meu pedido")
    True
    >>> is_addendum("Acrescentar: o reembolso de novembro está parado")
    True
    >>> is_addendum("quero acrescentar minha esposa como dependente")
    False
    >>> is_addendum("esqueci de pagar o boleto de outubro"), is_addendum("acrescentar"), is_addendum("")
    (False, False, False)
    """
    return bool(_OPENER.match(strip_accents(text or "")))


def without_opener(text: str) -> str:
    """What a message adds, without its opening ("esqueci de dizer que", "acrescentar:").

    >>> without_opener("Ah, esqueci de dizer: o valor cobrado foi R$ 250")
    'o valor cobrado foi R$ 250'
    >>> without_opener("acrescentar: a atendente se chamava Paula")
    'a atendente se chamava Paula'
    >>> without_opener("esqueci de falar que foi no dia 10")
    'foi no dia 10'
    """
    folded = strip_accents(text or "")
    opened = _OPENER.match(folded)
    # Folding keeps the length of Portuguese text; where it did not (a ligature), the message is kept whole.
    if not opened or len(folded) != len(text):
        return (text or "").strip()
    return text[opened.end():].strip()
