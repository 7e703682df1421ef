"""Talking to a person: the hand-off in the attendants' hours, a ticket outside them, and withdrawing it.

"0" or "quero falar com alguém" opens a ticket with what was said; in hours the bot goes silent until an agent
hands the conversation back, out of hours it says when a person answers. A second request gets the first
protocol back, and "já resolvi, pode cancelar" closes a request nobody has taken yet.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import agora, beneficiario_identificado, session_factory
from actions.chamados import (
    ESTOU_AQUI,
    PROTOCOLO_DA_CONVERSA,
    abrir_chamado,
    atendentes,
    lembrar_protocolo,
    responder_sobre_o_chamado,
)
from actions.formatting import format_date
from actions.sinais import de_portugal, escreve_de_portugal
from actions.teleconsulta_leitura import pais_do_cliente
from bot.canais import TELEFONE_24H, Canal
from bot.db import repository
from bot.db.session import session_scope
from bot.identifiers import mask_personal_data
from bot.menu import POR_INTENT
from bot.nlu.handoff import only_checks_presence, withdraws_request
from bot.nlu.parsing import only_digits, strip_accents, typed_choice
from bot.nlu.privacy import is_data_rights_request

RETIRADO = (
    "Pronto: cancelei o pedido {protocolo}. Nenhum atendente vai chamar você por ele. Se precisar de novo, é só "
    "digitar 0."
)
RETIRADO_DA_MESA = (
    "Pronto: cancelei o pedido {protocolo} à equipe da teleconsulta; ela não vai tratar dele. Se precisar de novo, é "
    "só escrever o que aconteceu."
)
# "cancela o pedido de atendimento", "quero cancelar o atendimento": the request for a person, named; with none open
# the desk's form took it for a teleconsultation to cancel and filed a request.
_PEDIDO_NOMEADO = re.compile(
    r"\b(?:cancel\w*|desist\w*|retir\w*)\b.{0,30}\b(?:pedido de (?:atendimento|atendente)|(?:o|esse|meu) "
    r"atendimento|atendente|chamado)\b(?!.{0,30}\b(?:teleconsulta|consulta|medico|receita)\b)"
)
NENHUM_PEDIDO = (
    "Não há pedido de atendimento aberto nesta conversa, então não há nada para cancelar. Para falar com uma pessoa, "
    "digite 0; para ver as opções, *menu*."
)
JA_COM_ATENDENTE = (
    "Um atendente já está com o pedido {protocolo}: escreva aqui mesmo que já resolveu, e ele encerra o atendimento."
)


def pedido_de_atendente_aberto(tracker: Tracker) -> Any | None:
    """The request for an attendant this conversation already opened and nobody has taken yet, if any.

    "quero falar com alguém" and then "0" out of hours opened two tickets for one wait; the second request
    gets the first protocol back instead.
    """
    protocolo = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
    if not protocolo:
        return None
    with session_factory()() as session:
        ticket = repository.find_ticket_by_protocol(str(protocolo), session=session)
        if ticket is None or ticket.category != "falar_atendente" or ticket.status != "aberto":
            return None
        session.expunge(ticket)
        return ticket


def retirar_pedido(dispatcher: CollectingDispatcher, tracker: Tracker, texto: str) -> bool:
    """Withdraw this conversation's request for a person, when the message does; whether it was answered.

    Only a request nobody has taken is closed; one an agent is working on stays, and the person is told to say
    it to the agent.
    """
    protocolo = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
    if not withdraws_request(texto):
        return False
    nomeado = bool(_PEDIDO_NOMEADO.search(strip_accents(texto).lower()))
    if not protocolo:
        if nomeado:
            dispatcher.utter_message(text=NENHUM_PEDIDO)
        return nomeado
    with session_scope(session_factory()) as session:
        ticket = repository.find_ticket_by_protocol(str(protocolo), session=session)
        if ticket is None or not retiravel(ticket) or ticket.status in ("resolvido", "encerrado"):
            if nomeado:
                dispatcher.utter_message(text=NENHUM_PEDIDO)
            return nomeado
        if (ticket.context_json or {}).get("conversa") != tracker.sender_id:
            return False  # only the conversation that asked for the person withdraws it
        if ticket.status != "aberto":
            dispatcher.utter_message(text=JA_COM_ATENDENTE.format(protocolo=ticket.protocol))
            return True
        dispatcher.utter_message(text=retirar(ticket, texto, session=session))
    return True


def retiravel(ticket: Any) -> bool:
    """Whether the person may withdraw this ticket in the conversation: a request for a person, or to the desk.

    A complaint, a contest or a request to the Ombudsman is closed by whoever works it, with a resolution; so is a
    request for a person an agent sent on to the Ombudsman (u24: "já resolvi, pode cancelar" closed it unread).
    """
    # u17: "entretanto o médico ligou-me, já está resolvido, podem cancelar o pedido" to the teleconsultation desk
    # filed a second request instead of withdrawing the first.
    return (ticket.category == "falar_atendente" and ticket.tier != "ouvidoria") or ticket.tier == "teleconsulta"


def retirar(ticket: Any, texto: str, *, session: Any) -> str:
    """Close a withdrawable ticket nobody has taken, with the person's words (masked); what they read."""
    repository.withdraw_ticket(ticket, f"Cancelado pelo beneficiário no chat: {mask_personal_data(texto)[:300]}",
                               session=session)
    retirado = RETIRADO if ticket.category == "falar_atendente" else RETIRADO_DA_MESA
    return retirado.format(protocolo=ticket.protocol)


DADOS_PESSOAIS = (
    "Pedidos sobre os seus dados pessoais (acesso, correção ou eliminação, pela LGPD) são registrados por uma pessoa "
    "da Cemig Saúde, com protocolo: por aqui eu não altero nem apago cadastros."
)


# A client of the teleconsultation desk (Portugal) asking for a person was given the plan's attendants, their
# Brazilian hours and a 0800 number: the desk's teams answer requests, which are made here.
PARA_A_MESA = (
    "As equipas do Médico Online respondem aos pedidos feitos por aqui: diga o que precisa (por exemplo, a receita "
    "que não chegou, a fatura, uma cobrança ou um problema na videochamada) e eu encaminho à equipa responsável. "
    "A resposta chega por esta conversa."
)


def pedido_antes_do_atendente(tracker: Tracker, texto: str) -> str:
    """What the agent reads as the request: "0" or "atendente" alone says nothing, the message before it does.

    u18: every "0" ticket read "Pedido: 0", the real request ("o reembolso de 450 está parado…") buried in the
    conversation.

    >>> from rasa_sdk import Tracker
    >>> eventos = [{"event": "user", "text": "o reembolso de 450 está parado, já mandei o relatório"},
    ...            {"event": "bot", "text": "..."}, {"event": "user", "text": "0"}]
    >>> pedido_antes_do_atendente(Tracker("x", {}, {}, eventos, False, None, {}, ""), "0")
    '0 (antes: o reembolso de 450 está parado, já mandei o relatório)'
    >>> clinico = [{"event": "user", "text": "o médico disse que era sinusite mas continuo com febre",
    ...             "parse_data": {"intent": {"name": "tele_clinica"}}}, {"event": "user", "text": "0"}]
    >>> pedido_antes_do_atendente(Tracker("x", {}, {}, clinico, False, None, {}, ""), "0")
    '0'
    >>> boleto = [{"event": "user", "text": "4", "parse_data": {"intent": {"name": "financeiro"}}},
    ...           {"event": "user", "text": "0", "parse_data": {"intent": {"name": "falar_atendente"}}}]
    >>> pedido_antes_do_atendente(Tracker("x", {}, {}, boleto, False, None, {}, ""), "0")
    '0 (no assunto: Boletos e financeiro)'
    """
    if len(texto.split()) > 4 and not typed_choice(texto):
        return texto
    # A request to the teleconsultation desk has its own ticket, maybe a confidential one (u21: a clinical question
    # was read by the first line as "0 (antes: … febre de 38…)"): never quoted here.
    anteriores = [
        str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"
        and not str(((e.get("parse_data") or {}).get("intent") or {}).get("name") or "").startswith("tele_")
    ][:-1]
    substantivos = [a for a in anteriores[-3:] if len(a.split()) >= 4 and not typed_choice(a)]
    if substantivos:
        return f"{texto} (antes: {substantivos[-1]})"
    # u24: "4", a boleto shown, then "0" read "Pedido: 0": the topic the person was in says more than nothing.
    assunto = assunto_antes_do_atendente(tracker)
    return f"{texto} (no assunto: {assunto})" if assunto else texto


def assunto_antes_do_atendente(tracker: Tracker) -> str | None:
    """The menu topic the person was in before asking for a person ("Boletos e financeiro"), if any."""
    return next((
        POR_INTENT[nome].categoria for e in reversed(tracker.events or []) if e.get("event") == "user"
        and (nome := str(((e.get("parse_data") or {}).get("intent") or {}).get("name") or "")) in POR_INTENT
        and nome != "falar_atendente"
    ), None)


_DA_CEMIG = re.compile(r"\b(?:cemig|plano|boleto|reembolso|carteirinha|autoriza\w*)\b")


def cliente_da_mesa(tracker: Tracker, texto: str) -> bool:
    """Whether a request for a person comes from a client of the teleconsultation desk, whose teams answer here.

    u18: after one request to the desk, "0", "menu" then "0", and "quero falar com um atendente da Cemig Saúde
    sobre o meu boleto" all got "As equipas do Médico Online respondem…", in a loop only "sair" broke. A client
    in Brazil (a Brazilian phone, a CPF given to the desk) is the plan's beneficiary; a request naming the plan
    is the plan's; and whoever was told about the desk and asks for a person again gets one.
    """
    if not (de_portugal(tracker) or escreve_de_portugal(texto) or tracker.get_slot("tele_protocolo")):
        return False
    if pais_do_cliente(tracker) == "BR" or len(only_digits(str(tracker.get_slot("tele_nif") or ""))) == 11:
        return False
    if _DA_CEMIG.search(strip_accents(texto).lower()):
        return False
    ditas = [e.get("text") for e in tracker.events if e.get("event") == "bot"]
    return PARA_A_MESA not in ditas[-3:]


class ActionFalarAtendente(Action):
    """Hands the conversation to the attendants in hours; outside hours, opens a ticket."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_falar_atendente"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Open the ticket with the context, then pause the bot or say when a person will answer."""
        momento = agora()
        texto = tracker.latest_message.get("text") or ""
        if only_checks_presence(texto) and tracker.get_latest_input_channel() != Canal.URA.value:
            # u27: "alguém?" (read as a request for a person, 0.72) opened a ticket nobody had asked for.
            if not responder_sobre_o_chamado(dispatcher, tracker):
                dispatcher.utter_message(text=ESTOU_AQUI)
            return []
        if cliente_da_mesa(tracker, texto) and beneficiario_identificado(tracker) is None and not (
            is_data_rights_request(texto)
        ):
            dispatcher.utter_message(text=PARA_A_MESA)
            return []
        if is_data_rights_request(texto):
            dispatcher.utter_message(text=DADOS_PESSOAIS)  # "apaguem meus dados (LGPD)": why a person
        em_horario, abertura = atendentes(momento)
        if tracker.get_latest_input_channel() == Canal.URA.value:
            # u18: a caller is transferred to the Central's queue, open 24 hours; the chat's hours, which the
            # ticket told the agent about, were never said on the call.
            em_horario = True
        ticket = pedido_de_atendente_aberto(tracker)
        repetido = ticket is not None
        if ticket is None:
            # Older item: "0" after the desk's request opened a ticket that did not say so; the agent now sees the
            # request this conversation opened before (and reads it on the ticket's page).
            ticket, _ = abrir_chamado(
                tracker, "falar_atendente", texto,
                extra={"transferencia": "fila" if em_horario else "fora_do_horario",
                       # u24: every "0" was "Pedido de atendente" in the queue, whatever the topic.
                       "assunto": assunto_antes_do_atendente(tracker)},
                resumo=pedido_antes_do_atendente(tracker, texto),
                related_protocol=tracker.get_slot(PROTOCOLO_DA_CONVERSA) or None,
            )
        if em_horario:
            dispatcher.utter_message(
                text=(
                    f"Vou transferir você para um atendente. Seu protocolo é {ticket.protocol}.\n"
                    "Ele já recebe o que conversamos até aqui, então você não precisa repetir. "
                    "Aguarde: a próxima mensagem será de uma pessoa."
                )
            )
            # The bot stays silent in this conversation until an agent hands it back.
            return [lembrar_protocolo(ticket), ConversationPaused()]
        quando = f"a partir de {format_date(abertura)} às {abertura.hour}h" if abertura else "assim que possível"
        if repetido:
            dispatcher.utter_message(
                text=(
                    f"Seu pedido para falar com um atendente já está registrado, com o protocolo {ticket.protocol}: "
                    f"um atendente responde {quando}, e já recebe o que conversamos. Não precisa pedir de novo.\n"
                    f"Se for urgente, ligue para a Central de Relacionamento: {TELEFONE_24H}."
                )
            )
            return []
        dispatcher.utter_message(
            text=(
                "Nosso atendimento com pessoas funciona de segunda a sexta, das 8h às 17h (exceto feriados).\n"
                f"Registrei seu pedido com o protocolo {ticket.protocol}: um atendente responde {quando}.\n"
                f"Se for urgente, ligue para a Central de Relacionamento: {TELEFONE_24H}."
            )
        )
        return [lembrar_protocolo(ticket)]
