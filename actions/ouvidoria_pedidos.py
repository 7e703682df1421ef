"""How the Ombudsman's form asks its questions again after an answer it could not read.

Each question says what it needs; from the second unreadable answer in a row, also how to leave (the menu, or a
person), recognised by the question's own texts in the bot's previous reply.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

# What each question says again after an answer it could not read. The way out is added from the second such
# answer in a row, recognised by these texts in the bot's reply to the previous message.
NAO_ENCONTRADO = "Não encontrei esse protocolo. Confira os 20 dígitos ou responda *não tenho*."
PEDIDO_PROTOCOLO = "Informe o protocolo de 20 dígitos do primeiro atendimento ou responda *não tenho*."
# A CPF, a card number or a birth date typed where the protocol is asked: say what it looks like, or it is
# asked again as if nothing had been said.
PARECE_OUTRO_NUMERO = (
    "Isso parece {o_que}, não um protocolo. Aqui preciso do protocolo do primeiro atendimento (20 dígitos); se não "
    "tiver, responda *não tenho*. A identificação, se for preciso, vem depois."
)
NOMES_DOS_NUMEROS = {"cpf": "um CPF", "numero_cartao": "um número de carteirinha", "data": "uma data"}
PEDIDO_INSTANCIA = (
    "Responda 1 para abrir o atendimento de primeira instância ou 2 para a Ouvidoria. Se já procurou o "
    "atendimento e não resolveram, responda 2."
)
PEDIDO_TIPO = "Escolha um número de 1 a 5 ou escreva o tipo, por exemplo *reclamação* ou *elogio*."
PEDIDO_RELATO = "Escreva em poucas palavras o que aconteceu."
_PEDIDOS = {
    "ouvidoria_protocolo": (NAO_ENCONTRADO, PEDIDO_PROTOCOLO, PARECE_OUTRO_NUMERO.split("{o_que}, ")[1][:60]),
    "ouvidoria_instancia": (PEDIDO_INSTANCIA,),
    "ouvidoria_tipo": (PEDIDO_TIPO,),
    "ouvidoria_relato": (PEDIDO_RELATO,),
}
SAIDA = "Se preferir, digite *menu* para sair ou 0 para falar com um atendente."


def repetiu_sem_entender(events: List[Dict[str, Any]], pedidos: Tuple[str, ...]) -> bool:
    """Whether the bot's reply to the previous message already asked this question again.

    >>> user, pedido, pergunta = {"event": "user"}, {"event": "bot", "text": PEDIDO_TIPO}, {"event": "bot"}
    >>> repetiu_sem_entender([user, pedido, user], (PEDIDO_TIPO,))
    True
    >>> repetiu_sem_entender([pedido, user, pergunta, user], (PEDIDO_TIPO,))
    False
    """
    mensagens = 0
    for event in reversed(events):
        if event.get("event") == "user":
            mensagens += 1
            if mensagens == 2:
                return False
        elif mensagens == 1 and event.get("event") == "bot":
            if any(pedido in (event.get("text") or "") for pedido in pedidos):
                return True
    return False


def pedir_de_novo(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, pedido: str) -> None:
    """Say what the question needs; from the second unreadable answer in a row, also how to leave.

    Args:
        dispatcher: Where the message goes.
        tracker: The conversation, to see whether the previous answer was not read either.
        slot: The question's slot, whose texts in ``_PEDIDOS`` mark an answer not read.
        pedido: What to say this time.
    """
    if repetiu_sem_entender(tracker.events or [], _PEDIDOS[slot]):
        pedido = f"{pedido} {SAIDA}"
    dispatcher.utter_message(text=pedido)
