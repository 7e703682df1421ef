"""More said about the request this conversation registered ("esqueci de dizer: o valor foi R$ 250").

The words join the ticket: a note in its history for the agent who works it in the console, and an e-mail under
the same protocol to an inbox worked by e-mail (the teleconsultation desk's are worked only that way). Before, such a
message was read by what it talked about and started another topic or the desk's form, and what the person added
never reached anyone.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import db_session, session_factory
from actions.chamados import PROTOCOLO_DA_CONVERSA
from actions.contexto import assunto_atual, reler_no_assunto
from bot.db import repository
from bot.db.models import OPEN_TICKET_STATUSES
from bot.db.session import session_scope
from bot.identifiers import mask_personal_data
from bot.nlu.addendum import without_opener
from bot.nlu.parsing import strip_accents
from routing.tickets import queue_addendum

JUNTADO = "Juntei isto ao seu pedido {protocolo}: quem cuida dele recebe junto, sem abrir outro."
JUNTADO_OUVIDORIA = "Juntei isto à sua manifestação {protocolo}: a Ouvidoria recebe junto, sem abrir outra."
CONTE_O_CASO = (
    "Pode contar numa mensagem só o que quer acrescentar, com datas e nomes se souber: eu junto ao seu pedido "
    "{protocolo}. Comece por *acrescentar:*."
)
JA_CONCLUIDO = (
    "O pedido {protocolo} já foi concluído, e o que se junta a ele não seria lido. Se o assunto continua, digite 0 "
    "para falar com um atendente: ele abre um novo pedido com o que você disser."
)
SEM_PEDIDO = (
    "Nesta conversa ainda não foi registrado nenhum pedido para eu juntar isso. Escreva o que precisa ou digite "
    "*menu* para ver as opções."
)
NOTA = "Complemento do beneficiário: {texto}"
def diz_algo(acrescimo: str) -> bool:
    """Whether what is added says something: two words or a number ("foi no dia 10/11" does).

    >>> diz_algo("foi no dia 10/11"), diz_algo("uma coisa"), diz_algo("")
    (True, False, False)
    """
    palavras = re.findall(r"[a-z]{3,}|\d+", strip_accents(acrescimo).lower())
    return len([p for p in palavras if p not in ("uma", "coisa", "coisas", "algo", "mais", "detalhe")]) >= 2


def juntar_ao_chamado(ticket: Any, texto: str) -> None:
    """Join ``texto`` to the ticket: a note in its history, and an e-mail to an inbox worked by e-mail."""
    with session_scope(session_factory()) as session:
        aberto = session.merge(ticket)
        repository.add_beneficiary_note(aberto, NOTA.format(texto=mask_personal_data(texto)[:2000]), session=session)
        queue_addendum(aberto, texto[:2000], session=session)


def chamado_da_conversa(tracker: Tracker) -> Any | None:
    """The ticket this conversation opened last (the protocol it gave last), detached from its session."""
    protocolo = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
    if not protocolo:
        return None
    with db_session() as session:
        ticket = repository.find_ticket_by_protocol(str(protocolo), session=session)
        if ticket is not None:
            session.expunge(ticket)
        return ticket


class ActionComplementarChamado(Action):
    """Joins what the person adds to the conversation's ticket, or reads it in the topic when there is none."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_complementar_chamado"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Join, ask for the words to join, or hand the message to the topic it continues."""
        texto = tracker.latest_message.get("text") or ""
        ticket = chamado_da_conversa(tracker)
        if ticket is None:
            assunto = assunto_atual(tracker.events or [])
            if assunto:
                # "esqueci de dizer, é o boleto de outubro" after the invoices: the topic reads it.
                return reler_no_assunto(tracker, assunto)
            dispatcher.utter_message(text=SEM_PEDIDO)
            return []
        if ticket.status not in OPEN_TICKET_STATUSES:
            dispatcher.utter_message(text=JA_CONCLUIDO.format(protocolo=ticket.protocol))
            return []
        acrescimo = without_opener(texto)
        if not diz_algo(acrescimo):
            dispatcher.utter_message(text=CONTE_O_CASO.format(protocolo=ticket.protocol))
            return []
        juntar_ao_chamado(ticket, acrescimo)
        modelo = JUNTADO_OUVIDORIA if ticket.tier == "ouvidoria" else JUNTADO
        dispatcher.utter_message(text=modelo.format(protocolo=ticket.protocol))
        return []
