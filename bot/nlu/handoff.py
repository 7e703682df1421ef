"""Asking for a person in words, and what a person waiting for one says to the system rather than to them.

The digit 0 is the menu's; "quero falar com uma pessoa" is recognised wherever the message is, so that a request for
a person inside another question (the CPF's, why it is needed) is served rather than explained away.

While a person has the conversation the bot is silent, and everything written reaches the agent. Three kinds of
message are for the system instead (:func:`while_waiting`): withdrawing the request ("já resolvi, pode cancelar"),
going back to the assistant ("menu", "sair") and asking how the request stands ("tem alguém aí?", "qual o
protocolo?"). u23: all three got silence, and the person could not leave the queue nor learn they were in it.
"""

from __future__ import annotations

import re

from bot.nlu.parsing import restart_intent, strip_accents

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


# "quero cancelar esse pedido de atendente, ja resolvi", "não precisa mais, consegui": the request withdrawn.
_WITHDRAW = re.compile(
    r"^\W*(?:cancela|cancele|cancelar|esquece|esqueca|desisto|deixa)\W*$|"
    r"\b(?:cancel\w*|desconsider\w*|retir\w*|desist\w*|esquece|pode fechar|pode encerrar)\b.{0,40}"
    r"\b(?:pedido|atendente|atendimento|chamado|protocolo|solicitacao)\b|"
    r"\b(?:ja resolvi|ja consegui|consegui resolver|nao preciso mais|nao precisa mais|ja foi resolvido|"
    r"deixa (?:pra|para) la|deixa quieto|nao quero mais|pode cancelar)\b"
)
_SOMETHING_ELSE = re.compile(r"\b(?:plano|inscricao|boletos?|debito|dependentes?|reembolsos?|consultas?|exames?)\b")
_THE_REQUEST = re.compile(r"\b(?:pedido|atendente|atendimento|chamado|protocolo|solicitacao)\b")


def withdraws_request(text: str) -> bool:
    """Whether a message withdraws the request for a person.

    >>> [withdraws_request(t) for t in ("quero cancelar esse pedido de atendente, ja resolvi", "nao precisa mais")]
    [True, True]
    >>> [withdraws_request(t) for t in ("ah deixa pra la, nao quero mais", "ok obrigada. ja resolvi, pode cancelar")]
    [True, True]
    >>> [withdraws_request(t) for t in ("quero falar com um atendente", "quero cancelar meu plano")]
    [False, False]
    >>> [withdraws_request(t) for t in ("pode cancelar meu plano", "nao quero mais o plano, pode cancelar o pedido")]
    [False, True]
    >>> [withdraws_request(t) for t in ("esquece", "cancela", "quero desistir do atendimento")]
    [True, True, True]
    """
    folded = strip_accents(text).lower()
    if _SOMETHING_ELSE.search(folded) and not _THE_REQUEST.search(folded):
        return False  # "pode cancelar meu plano", "não quero mais o plano": not the request for a person
    return bool(_WITHDRAW.search(folded))


WITHDRAW = "withdraw"
BACK_TO_THE_BOT = "back_to_the_bot"
HOW_IT_STANDS = "how_it_stands"

# The whole message is the command: "sair do plano" or "o menu do hospital" is for the agent.
_BACK = re.compile(
    r"(?:(?:eu\s+)?(?:quero|queria|posso|pode|vou|deixa eu)\s+)?"
    r"(?:(?:ver\s+|voltar\s+(?:ao|pro|para o|pra o)\s+|volta\s+(?:ao|pro)\s+|ir\s+(?:ao|pro|para o)\s+)?"
    r"(?:o\s+)?menu(?:\s+(?:principal|inicial|de opcoes))?|(?:ver\s+(?:as\s+)?)?opcoes|"
    r"sair|sai|encerrar(?: a conversa)?|"
    r"(?:voltar|volta|falar)\s+(?:ao|pro|para o|com o|pra o)\s+(?:robo|bot|assistente|atendimento automatico))"
    r"(?:\s+(?:por favor|pfv|pf))?"
)
_HOW = re.compile(
    r"\b(?:ainda\s+)?(?:to|estou|tou|continuo)\s+na fila\b|\bminha vez\b|"
    r"\b(?:quanto tempo|vai demorar|demora muito|ta demorando|esta demorando|falta muito)\b|"
    r"\bqual\s+(?:e\s+)?(?:o\s+)?(?:(?:meu|o)\s+)?(?:numero\s+do\s+)?protocolo\b|"
    r"^(?:o\s+)?(?:meu\s+)?protocolo\s*\??$"
)
_MAX_WORDS = 14
# "tem alguém aí?", "cadê o atendente?": asking whether a person is there, not for the protocol or a deadline.
_ANYONE = re.compile(
    r"\b(?:tem|ha|existe)\s+alguem\b|^alguem$|^alguem\s+(?:ai|aqui|ta ai|esta ai|me responde)|"
    r"\b(?:alguem|ninguem|voces?|voce)\s+(?:vai|vao|pode|podem|ira|irao)\s+(?:me\s+)?(?:responder|atender)|"
    r"\bcade\s+(?:o|a|os|as)?\s*(?:atendente|pessoa|resposta|voces|todo mundo)"
)


# u27: "alguém?" after "bom dia" and "??" opened a request for a person nobody had made: only checking.
_ONLY_PRESENCE = re.compile(r"^(?:oi\s+)?(?:tem\s+)?alguem(?:\s+(?:ai|aqui|ta ai|esta ai|on|online))?$")


def only_checks_presence(text: str) -> bool:
    """Whether a message only checks that someone is there ("alguém?", "tem alguém aí?"), asking nothing else.

    >>> [only_checks_presence(t) for t in ("alguém?", "tem alguém aí??", "alguém pode me atender?")]
    [True, True, False]
    """
    return bool(_ONLY_PRESENCE.match(" ".join(strip_accents(text or "").lower().split()).strip(" .!?,;:")))


def asks_if_anyone_is_there(text: str) -> bool:
    """Whether a short message asks if a person is there ("tem alguém aí?", "cadê o atendente??").

    >>> [asks_if_anyone_is_there(t) for t in ("tem alguém aí?", "Alguém vai me responder?", "cadê o atendente??")]
    [True, True, True]
    >>> [asks_if_anyone_is_there(t) for t in ("alguém usou minha carteirinha?", "tem alguém da minha família no plano")]
    [False, False]
    """
    bare = " ".join(strip_accents(text or "").lower().split()).strip(" .!?,;:")
    return 0 < len(bare.split()) <= _MAX_WORDS and bool(_ANYONE.search(bare)) and not _SOMETHING_ELSE.search(bare)


def while_waiting(text: str) -> str | None:
    """What a message written while a person has the conversation asks of the system, if anything.

    Returns :data:`WITHDRAW`, :data:`BACK_TO_THE_BOT`, :data:`HOW_IT_STANDS` or None (the message is for the agent).

    >>> [while_waiting(t) for t in ("já resolvi, pode cancelar", "Menu", "voltar ao menu", "sair", "quero sair")]
    ['withdraw', 'back_to_the_bot', 'back_to_the_bot', 'back_to_the_bot', 'back_to_the_bot']
    >>> [while_waiting(t) for t in ("tem alguém aí?", "boa tarde, alguém vai me responder?", "qual o protocolo?")]
    ['how_it_stands', 'how_it_stands', 'how_it_stands']
    >>> [while_waiting(t) for t in ("0", "quero falar com um atendente", "cadê o atendente??", "vai demorar?")]
    ['how_it_stands', 'how_it_stands', 'how_it_stands', 'how_it_stands']
    >>> [while_waiting(t) for t in ("recomeçar do zero", "voltar pro robô")]
    ['back_to_the_bot', 'back_to_the_bot']

    What answers the agent, or asks something else, is the agent's:

    >>> [while_waiting(t) for t in ("sim", "quero sair do plano", "o protocolo do reembolso é 2026", "obrigada")]
    [None, None, None, None]
    >>> while_waiting("segue a foto do recibo, o médico demorou muito pra me atender e ninguém resolve nada aqui")
    """
    folded = " ".join(strip_accents(text or "").lower().split())
    bare = folded.strip(" .!?,;:")
    if not bare or len(bare.split()) > _MAX_WORDS:
        return None
    if withdraws_request(folded):
        return WITHDRAW
    if _BACK.fullmatch(bare) or restart_intent(text) == "menu":
        return BACK_TO_THE_BOT
    if bare == "0" or asks_for_a_person(folded) or _HOW.search(bare) or asks_if_anyone_is_there(bare):
        return HOW_IT_STANDS
    return None
