"""Asking for a person in words ("quero falar com uma pessoa", "me passa pra um atendente").

The digit 0 is the menu's; these words are recognised wherever the message is, so that a request for a person
inside another question (the CPF's, why it is needed) is served rather than explained away.
"""

from __future__ import annotations

import re

from bot.nlu.parsing import strip_accents

_A_PERSON = re.compile(
    r"\b(?:falar|conversar|atendimento) com (?:um |uma |o |a |algum |alguem )?(?:atendente|pessoa|humano|gente|"
    r"ser humano)|\b(?:me )?(?:passa|transfere|transferir|chama)\w* (?:pra |para )?(?:um |uma )?(?:atendente|pessoa)"
)


def asks_for_a_person(text: str) -> bool:
    """Whether a message asks for a human agent in words.

    >>> asks_for_a_person("não sei meu cpf de cabeça, quero falar com uma pessoa"), asks_for_a_person("meu cpf")
    (True, False)
    >>> asks_for_a_person("me passa pra um atendente por favor")
    True
    """
    return bool(_A_PERSON.search(strip_accents(text or "").lower()))
