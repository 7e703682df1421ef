"""What a client of the teleconsultation desk writes after a request: a question about it, or more for it.

A client who has just made a request keeps writing about it ("quanto tempo demora?", "é urgente, preciso da
receita hoje", "esqueci de dizer: a consulta foi às 15h"). Those messages name no option of the plan, and the
classifier reads them as anything; here they go with the request instead.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import beneficiario_identificado, session_factory
from actions.contexto import releitura
from actions.pedido import primeiro_pedido
from actions.sem_esperar import hoje_sem_esperar, precisa_hoje
from actions.teleconsulta import TELE_INTENTS
from actions.teleconsulta_leitura import equipa
from bot.db import repository
from bot.db.models import OPEN_TICKET_STATUSES
from bot.db.session import session_scope
from bot.identifiers import mask_personal_data, normalize_digits
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.nlu.symptoms import is_urgent

# A question ("quanto tempo demora a devolução?", "e esse número funciona de Portugal?"), not a request.
_PERGUNTA = re.compile(
    r"\?\s*$|^\W*(?:e\s+)?(?:como|quanto|quantos|quando|qual|quais|onde|posso|pode|tem|ha|há|e se)\b"
)
# More for the request just made: it is urgent, something forgotten, a detail of the consultation.
_URGENTE = re.compile(r"\b(?:urgente|urgencia|o quanto antes|o mais rapido possivel|com pressa)\b")
_COMPLEMENTO = re.compile(
    _URGENTE.pattern + r"|\b(?:esqueci(?:-me)? de (?:dizer|referir|mencionar|falar|contar|informar)|"
    r"mais uma coisa|(?:so )?(?:para|pra) (?:acrescentar|complementar)|acrescent\w*|complement\w*|alem disso|"
    r"ja agora|(?:a consulta|a teleconsulta|o medico|a medica|a doutora|o doutor) (?:foi|era)\b)"
)
def _assunto_da_mesa(tracker: Tracker) -> str | None:
    """The desk's category asked among the last few messages, for a conversation that made a desk request."""
    if beneficiario_identificado(tracker) is not None or not tracker.get_slot("tele_protocolo") or releitura(tracker):
        return None
    # The request and the name and NIF asked after it: the desk's topic is among the last few messages.
    anteriores = [
        ((e.get("parse_data") or {}).get("intent") or {}).get("name") for e in tracker.events or []
        if e.get("event") == "user"
    ][:-1]
    return next((nome for nome in reversed(anteriores[-6:]) if nome in TELE_INTENTS), None)


def segue_na_mesa(tracker: Tracker) -> str | None:
    """The desk's topic, when a client of the desk asks something after a request and names no option of the plan.

    "Quanto tempo demora a devolução do dinheiro?" after a request about a cancelled consultation drew the
    reimbursements and the CPF question, which a client in Portugal cannot answer; it goes with the request.
    """
    assunto = _assunto_da_mesa(tracker)
    texto = tracker.latest_message.get("text") or ""
    if assunto is None or find_identifiers(texto) or not _PERGUNTA.search(texto.lower()):
        return None
    if primeiro_pedido(texto) and len(normalize_digits(str(tracker.get_slot("tele_nif") or ""))) != 9:
        return None  # "quero ver meu cartão" after a desk request is the plan's: only a question goes with the request
    # u27: from a client in Portugal (a NIF), "E quanto tempo demora o reembolso?" is the desk's refund: she has no
    # plan, and was asked for a CPF.
    return assunto


def complementa_pedido(texto: str) -> bool:
    """Whether a message adds to a request just made rather than asking or making another.

    >>> complementa_pedido("é urgente, preciso da receita hoje")
    True
    >>> complementa_pedido("esqueci de dizer: a consulta foi com a Dra. Marta às 15h")
    True
    >>> complementa_pedido("quanto tempo demora?"), complementa_pedido("a videochamada travou")
    (False, False)
    >>> complementa_pedido("é urgente, ele está com falta de ar")  # the emergency is answered first
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_COMPLEMENTO.search(folded)) and not _PERGUNTA.search(folded) and not is_urgent(texto)


def acrescentar_ao_pedido_da_mesa(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Add a client's follow-up to the desk request this conversation just made; whether it did.

    "É urgente, preciso da receita hoje" right after a request got the plan's urgency text, and "esqueci de dizer:
    a consulta foi às 15h" the CPS's scheduling. The request, still open, gets the words in its history for the
    agent who works it, instead of a second request; one already answered or closed leaves the message to the
    normal flow (a new request, linked to it).

    Args:
        dispatcher: Where the answer goes.
        tracker: The conversation.
    """
    texto = tracker.latest_message.get("text") or ""
    if _assunto_da_mesa(tracker) is None or primeiro_pedido(texto) or not complementa_pedido(texto):
        return False
    protocolo = str(tracker.get_slot("tele_protocolo"))
    fiscal = str(tracker.get_slot("tele_nif") or "")
    urgente = bool(_URGENTE.search(strip_accents(texto).lower()))
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    with session_scope(session_factory()) as session:
        ticket = repository.find_ticket_by_protocol(protocolo, session=session)
        if ticket is None or ticket.status not in OPEN_TICKET_STATUSES:
            return False
        if intent in TELE_INTENTS and intent != ticket.category:
            # "o médico foi grosseiro" after a request for a prescription is a clinical complaint: it goes to its
            # own, confidential inbox as a request of its own, not into the documents team's history.
            return False
        rotulo = "Complemento do cliente (diz que é urgente)" if urgente else "Complemento do cliente"
        repository.add_beneficiary_note(ticket, f"{rotulo}: {mask_personal_data(texto)[:2000]}", session=session)
    partes = [
        f"Acrescentei a sua mensagem ao pedido {protocolo}: a {equipa(fiscal)} responsável vê-a junto com ele"
        + (", com a indicação de que é urgente." if urgente else ".")
    ]
    if precisa_hoje(texto):
        partes.append(hoje_sem_esperar(fiscal))
    dispatcher.utter_message(text="\n".join(partes))
    return True
