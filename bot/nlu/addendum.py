"""More to say about the request just registered: "esqueci de dizer: o valor cobrado foi R$ 250".

After a ticket was opened, such a message was classified by the words of what it adds ("o valor cobrado", "a
atendente") and started another topic, or the teleconsultation desk's form; what the person added never reached the
ticket. Adding is said with a closed set of openings, so it is recognised by pattern and the dialogue joins it to
the conversation's ticket (actions/complemento.py), or reads it in the topic when there is none.
"""

from __future__ import annotations

import re

from bot.nlu.short_replies import normalize

# The intent of such a message (domain.yml); the pattern below is its only source, there are no training examples.
COMPLEMENTAR_CHAMADO = "complementar_chamado"

_SAY = r"(?:dizer|falar|contar|mencionar|informar|colocar|avisar|escrever|explicar)"
# "quero acrescentar minha esposa" adds a person to the plan, not words to a request.
_NOT_A_PERSON = (
    r"(?! (?:a |o |um |uma |mais um |mais uma )?(?:minha|meu|dependente|filh|espos|marido|mulher|mae|pai|sogr|net|"
    r"entead|irm|pessoa|beneficiari)\w*)"
)
_OPENER = re.compile(
    r"^\W*(?:(?:ah|ahh|ops|opa|ei|e|entao|desculpa|desculpe|so|ainda)\W+)*(?:eu\s+)?(?:"
    rf"esqueci de (?:te |lhe |vos )?{_SAY}|faltou (?:eu )?{_SAY}|"
    rf"(?:quero|queria|gostaria de|preciso|vou|deixa eu|posso) (?:acrescentar|complementar|adicionar)\b{_NOT_A_PERSON}|"
    r"complementando|acrescentando|"
    r"(?:pra|para) (?:complementar|acrescentar)|"
    r"mais (?:uma|um) (?:informacao|detalhe) (?:sobre o|sobre a|do|da|pro|para o|para a) (?:pedido|protocolo|chamado|"
    r"reclamacao|manifestacao|relato|solicitacao)"
    r")\b"
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
    # "acrescentar:" is how the bot asks for it (actions/complemento.py); the colon is gone once normalised.
    return bool(re.match(r"\s*acrescentar\s*:", (text or "").lower()) or _OPENER.search(normalize(text or "")))
