"""A protocol's status, for its owner: tickets, reimbursements and authorizations."""

from __future__ import annotations

import logging
from typing import Any, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import AcaoIdentificada, mensagem_do_pedido
from actions.chamados import PROTOCOLO_DA_CONVERSA, aviso_do_protocolo, rotulo_do_chamado
from actions.contexto import resposta_anterior
from actions.familia import Pessoa
from actions.formatting import format_date
from actions.teleconsulta_leitura import ler_numero_fiscal
from bot.db import repository
from bot.identifiers import normalize_digits
from bot.nlu.parsing import find_identifiers
from routing.tickets import STATUS_LABELS, ticket_status

logger = logging.getLogger(__name__)


PEDE_NUMERO = "Informe o número do protocolo (20 dígitos) para eu consultar a situação."
NAO_ENCONTRADO = (
    "Não encontrei nenhum protocolo seu com o número {protocolo}. Confira os 20 dígitos ou digite 0 para falar "
    "com um atendente."
)


# The teleconsultation desk's clients have no plan identification: its requests are asked for with the NIF (or CPF)
# given in them, typed with the protocol.
PROTOCOLO_E_NIF = (
    "Esse é um pedido à equipe da teleconsulta. Para ver a situação, envie na mesma mensagem o número do protocolo e "
    "o NIF (ou o CPF) informado no pedido, por exemplo: *{protocolo} NIF 123456789*."
)


def com_o_protocolo_pedido(tracker: Tracker, texto: str) -> str:
    """The message with the desk's protocol the assistant just asked the NIF for, when it came without it.

    u26: after "envie na mesma mensagem o número do protocolo e o NIF", "o meu NIF é 245678905" was taken for a
    failed CPF and the client in Portugal was asked for a CPF she does not have.

    Returns:
        ``texto`` with that protocol in front, or ``texto`` as it was.
    """
    if any(f.entity == "protocolo" for f in find_identifiers(texto)):
        return texto
    pedido = PROTOCOLO_E_NIF.split("{", 1)[0]
    for dita in resposta_anterior(tracker.events, texto):
        if dita.startswith(pedido):
            protocolos = [f.value for f in find_identifiers(dita) if f.entity == "protocolo"]
            return f"{protocolos[0]} {texto}" if protocolos else texto
    return texto


def situacao_na_mesa(dispatcher: CollectingDispatcher, texto: str, *, session: Any) -> bool:
    """Answer the status of a teleconsultation request typed with its NIF (or CPF); whether the protocol was one.

    Only the status, dates and deadline are shown: the reply, which may be clinical, goes to the conversation that
    made the request. A member's request to the desk is theirs, behind the plan's identification as any other.

    Args:
        dispatcher: Where the answer goes.
        texto: The message, with the protocol and, to see it, the NIF or CPF of the request.
        session: Open database session.
    """
    protocolos = [f.value for f in find_identifiers(texto) if f.entity == "protocolo"]
    if not protocolos:
        return False
    ticket = repository.find_ticket_by_protocol(protocolos[0], session=session)
    if ticket is None or ticket.tier != "teleconsulta" or ticket.beneficiary_id is not None:
        return False
    dado = normalize_digits(str((ticket.context_json or {}).get("nif") or ""))
    if not dado or ler_numero_fiscal(texto.replace(protocolos[0], " ")) != dado:
        dispatcher.utter_message(text=PROTOCOLO_E_NIF.format(protocolo=ticket.protocol))
        return True
    situacao = ticket_status(ticket.protocol, session=session)
    prazo = f" Prazo de resposta: até {format_date(situacao.due_date)}." if situacao.due_date else ""
    dispatcher.utter_message(
        text=f"Protocolo {situacao.protocol}: {situacao.status}. Aberto em {format_date(situacao.created)}.{prazo} "
        "A resposta da equipe chega na conversa em que o pedido foi feito."
    )
    return True


class ActionConsultarProtocolo(AcaoIdentificada):
    """Status of a protocol, only to the identified beneficiary it belongs to (or the titular of that family).

    Protocols are sequential, so anyone could guess them: an unidentified user is identified first (the form
    resumes this lookup), and a protocol of someone else reads exactly like one that does not exist.
    """

    intent = "consultar_protocolo"
    acao = "action_consultar_protocolo"
    escolhe_pessoa = False

    def responder(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, pessoas: List[Pessoa], *, session: Any
    ) -> List[EventType]:
        """Look the protocol up among the tickets, reimbursements and authorizations of the people shown."""
        texto = mensagem_do_pedido(tracker, self.intent)["text"]
        protocolos = [f.value for f in find_identifiers(texto) if f.entity == "protocolo"]
        desta_conversa = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
        if not protocolos and not desta_conversa:
            # "e a minha reclamação?": the person's latest tickets, rather than a number they may not have at hand.
            tickets = repository.list_tickets([pessoa.id for pessoa in pessoas], session=session)
            if not tickets:
                dispatcher.utter_message(text=PEDE_NUMERO)
                return []
            itens = [
                f"• {t.protocol}: {rotulo_do_chamado(t)}, {STATUS_LABELS.get(t.status, t.status)}"
                + (f", prazo até {format_date(t.due_date)}" if t.due_date and t.status != "encerrado" else "")
                for t in tickets
            ]
            dispatcher.utter_message(
                text="\n".join(["Seus protocolos mais recentes:", *itens, "Para ver um deles, envie o número."])
            )
            return []
        # "qual o protocolo?" with none typed: the one this conversation opened.
        protocolo = protocolos[0] if protocolos else desta_conversa
        donos = {pessoa.id for pessoa in pessoas}
        situacao = ticket_status(protocolo, session=session, owners=donos)
        reembolso = repository.find_reimbursement_by_protocol(protocolo, session=session)
        autorizacao = repository.find_authorization(protocolo, session=session)
        if situacao is not None:
            prazo = f" Prazo de resposta: até {format_date(situacao.due_date)}." if situacao.due_date else ""
            linhas = [
                f"Protocolo {situacao.protocol}: {situacao.status}.",
                f"Assunto: {situacao.category}. Aberto em {format_date(situacao.created)}.{prazo}",
            ]
            if situacao.resolution:
                linhas.append(f"Resolução: {situacao.resolution}")
            elif situacao.last_update:
                quando, texto = situacao.last_update
                linhas.append(f"Última resposta do atendimento ({format_date(quando)}): {texto}")
            dispatcher.utter_message(text="\n".join(linhas))
        elif reembolso is not None and reembolso.beneficiary_id in donos:
            dispatcher.utter_message(text="Esse é um protocolo de reembolso: digite 1 para ver a situação.")
        elif autorizacao is not None and autorizacao.beneficiary_id in donos:
            dispatcher.utter_message(text="Esse é um protocolo de autorização: digite 5 para ver a situação.")
        elif protocolo == desta_conversa:
            # Opened before identifying (no owner on record): this conversation was given it, so it is told again.
            dispatcher.utter_message(text=aviso_do_protocolo(protocolo))
        else:
            logger.info("protocolo consultado sem ser do beneficiário identificado ou inexistente")
            dispatcher.utter_message(text=NAO_ENCONTRADO.format(protocolo=protocolo))
        return []
