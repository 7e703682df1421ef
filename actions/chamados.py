"""Tickets from the conversation: opening them with context, handing over to a person, status by protocol.

What the bot already collected goes with the ticket ("coleta antecipada de
informações", 000_d58b96622c95b671.txt), so nobody asks the beneficiary twice.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Dict, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import agora, beneficiario_identificado, session_factory
from actions.formatting import format_date
from actions.sem_esperar import HOJE_NO_PA_ONLINE, precisa_hoje
from bot.canais import ENVIO_DE_DOCUMENTOS, Canal
from bot.db import repository
from bot.db.models import OPEN_TICKET_STATUSES
from bot.db.session import session_scope
from bot.identifiers import mask_personal_data
from bot.nlu.handoff import asks_if_anyone_is_there
from bot.nlu.parsing import strip_accents
from routing.decision import Decision, RoutingRequest
from routing.engine import decide
from routing.loader import load_rules
from routing.tickets import STATUS_LABELS, category_label, open_ticket

logger = logging.getLogger(__name__)

# The inbox of the attendants in routing/rules.yaml: its opening hours decide the handoff.
INBOX_ATENDENTES = "relacionamento"
# The latest protocol this conversation opened: "qual o protocolo?" right after gets it back (domain.yml slot).
PROTOCOLO_DA_CONVERSA = "protocolo_da_conversa"
AVISO_PROTOCOLO = (
    "O protocolo aberto nesta conversa é {protocolo}. Para consultar outro, informe o número (20 dígitos)."
)
AVISO_PROTOCOLO_CONCLUIDO = (
    "O protocolo desta conversa é {protocolo}, que já está {situacao}. Para ler a resolução, digite o número e "
    "confirme quem é você; para consultar outro, informe o número (20 dígitos)."
)


# "tem alguém aí?" with nothing open: the assistant is there, and a person is one digit away.
ESTOU_AQUI = (
    "Estou aqui: sou o assistente automático da Cemig Saúde e respondo na hora. Escreva o que precisa ou digite "
    "*menu* para ver as opções; para falar com uma pessoa, digite 0."
)

ENQUANTO_ESPERA = "Enquanto isso, posso ajudar em algo mais? Digite *menu* para ver as opções."


def aviso_do_protocolo(protocolo: str) -> str:
    """What "qual o protocolo?" gets in the conversation that was given ``protocolo``, before identifying.

    u24: a request cancelled or resolved was still "o protocolo aberto nesta conversa". Only its status is said:
    the resolution may hold the person's data, and is read after identifying.
    """
    with session_factory()() as session:
        ticket = repository.find_ticket_by_protocol(str(protocolo), session=session)
        if ticket is None or ticket.status in OPEN_TICKET_STATUSES:
            return AVISO_PROTOCOLO.format(protocolo=protocolo)
        return AVISO_PROTOCOLO_CONCLUIDO.format(protocolo=protocolo, situacao=STATUS_LABELS[ticket.status])


def rotulo_do_chamado(ticket: Any) -> str:
    """How a ticket is named to the person: a reanalysis of a guide is not a new prior authorization.

    >>> from types import SimpleNamespace as T
    >>> rotulo_do_chamado(T(category="autorizacao", context_json={"reanalise": {"guia": "20260000003"}}))
    'Reanálise de autorização'
    >>> rotulo_do_chamado(T(category="autorizacao", context_json={}))
    'Autorização prévia'
    """
    if ticket.category == "autorizacao" and (ticket.context_json or {}).get("reanalise"):
        return "Reanálise de autorização"
    return category_label(ticket.category)


def lembrar_protocolo(ticket: Any) -> SlotSet:
    """The event that remembers the protocol just given, for "qual o protocolo?" later in the conversation."""
    return SlotSet(PROTOCOLO_DA_CONVERSA, ticket.protocol)


TRANSCRICAO_MAX = 12
SLOTS_DE_CONTEXTO = ("opcao_pendente", "pessoa_escolhida", "identificacao_documento")


@lru_cache(maxsize=1)
def regras() -> Any:
    """The routing rules, loaded once per action-server process."""
    return load_rules()


def atendentes(momento: datetime) -> Tuple[bool, datetime | None]:
    """Whether the attendants are at work now and, if not, when they next start.

    The hours are those of the attendants' inbox in routing/rules.yaml (source 000: Monday to
    Friday, 8h to 17h, national, Minas Gerais and Belo Horizonte holidays excluded), the same ones the routing
    rules use, so an operator changes them in one place.
    """
    rules = regras()
    inbox = rules.inboxes[INBOX_ATENDENTES]
    if inbox.is_open(momento, rules.timezone):
        return True, None
    return False, inbox.next_opening(momento, rules.timezone)


def _mascarar(texto: str) -> str:
    return mask_personal_data(texto)


def transcricao(tracker: Tracker, limite: int = TRANSCRICAO_MAX) -> List[str]:
    """The last turns of the conversation, CPF and card numbers masked."""
    linhas = []
    for event in tracker.events or []:
        if event.get("event") == "user" and event.get("text"):
            linhas.append(f"Beneficiário: {_mascarar(event['text'])}")
        elif event.get("event") == "bot" and event.get("text"):
            linhas.append(f"Bot: {_mascarar(event['text'])}")
    return linhas[-limite:]


def contexto(tracker: Tracker, extra: Dict[str, Any] | None = None) -> Dict[str, Any]:
    """What the agent needs: identity, menu option, data collected, transcript."""
    intents = [
        (e.get("parse_data") or {}).get("intent", {}).get("name")
        for e in tracker.events or []
        if e.get("event") == "user"
    ]
    canal = tracker.get_latest_input_channel() or "rest"
    # A call's conversation is named by the call, not the caller: the number to call back travels with the message.
    telefone = ((tracker.latest_message or {}).get("metadata") or {}).get("telefone") if canal == Canal.URA else None
    return {
        "conversa": tracker.sender_id,
        "canal": canal,
        **({"telefone": str(telefone)[:32]} if telefone else {}),
        "identificado": bool(tracker.get_slot("identificado")),
        "beneficiario": tracker.get_slot("beneficiario_nome"),
        "opcoes_pedidas": [i for i in intents if i and i not in ("nlu_fallback",)][-5:],
        "dados_coletados": {k: tracker.get_slot(k) for k in SLOTS_DE_CONTEXTO if tracker.get_slot(k)},
        "transcricao": transcricao(tracker),
        **(extra or {}),
    }


def abrir_chamado(
    tracker: Tracker,
    categoria: str,
    texto: str,
    *,
    coletado: Dict[str, Any] | None = None,
    extra: Dict[str, Any] | None = None,
    related_protocol: str | None = None,
    kind: str = "geral",
    resumo: str | None = None,
) -> Tuple[Any, Decision]:
    """Route a request by the rules and open its ticket (protocol, deadline, e-mail in the outbox).

    ``resumo`` is the request as the agent reads it, when it says more than the routed ``texto``.

    Returns:
        The ticket (protocol, due_date...) and the routing decision.
    """
    momento = agora()
    canal = tracker.get_latest_input_channel() or "rest"
    pedido = RoutingRequest(category=categoria, text=texto, channel=canal, collected=coletado or {}, now=momento)
    decisao = decide(pedido, regras())
    with session_scope(session_factory()) as session:
        ticket = open_ticket(
            decisao,
            session=session,
            channel=canal,
            category=categoria,
            summary=_mascarar(resumo or texto)[:500] or categoria,
            context=contexto(tracker, extra),
            beneficiary_id=beneficiario_identificado(tracker),
            related_protocol=related_protocol,
            kind=kind,
            now=momento,
        )
        session.flush()
        session.expunge(ticket)
    logger.info("chamado %s aberto: categoria=%s regra=%s", ticket.protocol, categoria, decisao.rule)
    return ticket, decisao


def mensagem_do_chamado(ticket: Any, decisao: Decision) -> str:
    """The reply that gives the protocol at once (ANS RN 623/2024), the deadline and the rule's footer."""
    partes = [*decisao.tips, f"Seu protocolo é {ticket.protocol}."]
    if ticket.due_date:
        partes.append(f"Prazo de resposta: até {format_date(ticket.due_date)}.")
    if decisao.footer:
        partes.append(decisao.footer)
    return "\n".join(partes)


# "quando vão me responder?", "qual o prazo?" right after a ticket: its protocol and deadline, whatever topic
# the classifier guessed (it was "só consigo ajudar com assuntos do seu plano", or a second dispute).
_PERGUNTA_SOBRE_O_CHAMADO = re.compile(
    r"\b(?:prazo|quanto tempo|demora\w*|quando (?:\w+ ){0,2}(?:respond\w*|retorn\w*|resposta|resolv\w*|abre|abrem|"
    r"volta\w*|atend\w*)|tem resposta)\b"
)
_MAX_PALAVRAS_PERGUNTA = 12


def pergunta_sobre_o_chamado(texto: str) -> bool:
    """Whether a short message asks when the request just registered will be answered.

    >>> pergunta_sobre_o_chamado("quando vao me responder?"), pergunta_sobre_o_chamado("qual o prazo?")
    (True, True)
    >>> pergunta_sobre_o_chamado("e quanto tempo demora a resposta? preciso do medicamento hoje")
    True
    >>> pergunta_sobre_o_chamado("quero ver meus reembolsos")
    False
    """
    folded = strip_accents(texto).lower()
    return len(folded.split()) <= _MAX_PALAVRAS_PERGUNTA and bool(_PERGUNTA_SOBRE_O_CHAMADO.search(folded))


_PEDE_O_PROTOCOLO = re.compile(
    r"\b(?:numero|n[o.]?) (?:do|de) (?:meu |minha )?(?:pedido|protocolo|chamado|atendimento|reclamacao)\b|"
    r"\bqual (?:e )?(?:o )?(?:meu )?(?:protocolo|numero do pedido)\b"
)


def pede_o_protocolo(texto: str) -> bool:
    """Whether a message asks the number of a request ("Qual é o número do meu pedido?").

    >>> pede_o_protocolo("Qual é o número do meu pedido?"), pede_o_protocolo("qual meu protocolo")
    (True, True)
    >>> pede_o_protocolo("qual o número do meu cartão?")
    False
    """
    return bool(_PEDE_O_PROTOCOLO.search(strip_accents(texto).lower()))


# "e se passar do dia 15 e ninguém me responder, faço o quê?": the Ombudsman with the protocol, not a new request.
_SE_O_PRAZO_PASSAR = re.compile(
    r"\b(?:se|e se) (?:\w+ ){0,2}(?:passar|vencer|estourar|acabar|expirar)\b.{0,40}"
    r"\b(?:prazo|dia \d+|respond\w*|resposta|retorn\w*)\b|"
    r"\bninguem (?:me )?(?:respond\w*|retorn\w*)\b.{0,30}\b(?:faco|fazer|o que|oq|q faco)\b|"
    # "e se negarem de novo?" after a reanalysis was registered
    r"\be se (?:\w+ ){0,2}(?:negar\w*|recusar\w*|indeferir\w*|nao aprovar\w*|nao resolver\w*)\b"
)


def pergunta_se_o_prazo_passar(texto: str) -> bool:
    """Whether a message asks what to do if a request's deadline passes unanswered.

    >>> pergunta_se_o_prazo_passar("ta mas e se passar do dia 15 e ninguem me responder, faço o q?")
    True
    >>> pergunta_se_o_prazo_passar("qual o prazo?"), pergunta_se_o_prazo_passar("e se negarem de novo?")
    (False, True)
    """
    return bool(_SE_O_PRAZO_PASSAR.search(strip_accents(texto).lower()))


# "como eu mando o relatorio do medico pra essa reanalise?": a document for the request this conversation opened.
_DOCUMENTO_DO_PEDIDO = re.compile(
    r"\b(?:como|onde|pra onde|para onde|posso|da pra|tem como|por onde)\b.{0,30}\b(?:mand\w*|envi\w*|anex\w*|"
    r"junt\w*|entreg\w*)\b.{0,40}\b(?:relatorio|laudo|exames?|documentos?|receita|recibo|nota fiscal)\b.{0,40}"
    r"\b(?:reanalise|recurso|pedido|protocolo|reclamacao|manifestacao|ess[ae]|iss[oa]|dela|dele)\b"
)


def responder_documento_do_chamado(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Say where a document for this conversation's request goes; whether the message asked it.

    >>> from rasa_sdk import Tracker
    >>> t = Tracker("s", {PROTOCOLO_DA_CONVERSA: "41750520261206000001"},
    ...             {"text": "como eu mando o relatorio do medico pra essa reanalise?"}, [], False, None, {}, "")
    >>> d = CollectingDispatcher(); responder_documento_do_chamado(d, t), d.messages[0]["text"][:40]
    (True, 'O documento vai para o pedido 4175052026')
    """
    protocolo = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
    texto = strip_accents(tracker.latest_message.get("text") or "").lower()
    if not protocolo or not _DOCUMENTO_DO_PEDIDO.search(texto):
        return False
    if protocolo == tracker.get_slot("tele_protocolo"):
        return False  # the desk's request: the plan's app and portal are not its channels; the desk's form adds it
    dispatcher.utter_message(
        text=f"O documento vai para o pedido {protocolo}: {ENVIO_DE_DOCUMENTOS} Cite o número do protocolo. "
        "Por aqui eu recebo só texto."
    )
    return True


def responder_sobre_o_chamado(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer "quando vão me responder?" with the protocol this conversation opened last and its deadline.

    Without a ticket in this conversation, an identified person asking about an answer ("quando vão me
    responder?", not "qual o prazo?", which belongs to the topic) gets their latest open ticket.

    Returns:
        Whether it answered (there was a ticket and the message asks about it).
    """
    texto = tracker.latest_message.get("text") or ""
    se_passar = pergunta_se_o_prazo_passar(texto)
    alguem = asks_if_anyone_is_there(texto)
    if not (pergunta_sobre_o_chamado(texto) or se_passar or alguem):
        return False
    protocolo = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
    with session_factory()() as session:
        if protocolo:
            ticket = repository.find_ticket_by_protocol(str(protocolo), session=session)
        else:
            ticket = _ultimo_chamado_aberto(tracker, texto, session=session)
            if ticket is None:
                return False
            protocolo = ticket.protocol
        prazo = f" O prazo de resposta vai até {format_date(ticket.due_date)}." if ticket and ticket.due_date else ""
        if ticket is not None and ticket.category == "falar_atendente":
            # A request for a person is answered when the attendants are at work, not at the deadline.
            _, abertura = atendentes(agora())
            quando = f"a partir de {format_date(abertura)} às {abertura.hour}h" if abertura else "em instantes"
            prazo = f" Um atendente responde {quando}, por esta conversa."
            if ticket.assigned_agent_id and ticket.assigned_agent:
                # u24: back with the bot after "menu", "tem alguém aí?" was "não entendi"; the agent is named.
                prazo = f" Está com {ticket.assigned_agent.name}, que responde por esta conversa."
        if ticket is not None and ticket.status not in OPEN_TICKET_STATUSES:
            prazo = f" Ele já está {STATUS_LABELS[ticket.status]}."
            if ticket.category == "falar_atendente":
                prazo += " Para falar com uma pessoa de novo, digite 0."
        # u25: "Um atendente responde em instantes" then "…ou 0 para falar com um atendente", already asked for.
        esperando = ticket is not None and ticket.category == "falar_atendente" and ticket.status in (
            OPEN_TICKET_STATUSES)
        if ticket is not None and ticket.status == "aguardando_beneficiario":
            prazo = " A equipe está esperando uma resposta sua: veja o e-mail ou a mensagem que ela enviou."
        titulo = "" if tracker.get_slot(PROTOCOLO_DA_CONVERSA) else f" ({rotulo_do_chamado(ticket)})"
        vence = f" (até {format_date(ticket.due_date)})" if ticket is not None and ticket.due_date else ""
        mesa = ticket is not None and ticket.tier == "teleconsulta"
    if se_passar:
        dispatcher.utter_message(
            text=f"Se o prazo do protocolo {protocolo}{vence} passar sem resposta, ou se a resposta não resolver, "
            "registre na Ouvidoria, a segunda instância, citando esse protocolo: escreva *ouvidoria*. Não é preciso "
            "abrir outro pedido."
        )
        dispatcher.utter_message(response="utter_algo_mais")
        return True
    if mesa and precisa_hoje(texto):
        # "preciso do medicamento hoje": the desk answers in days; a doctor online answers now.
        prazo += f" {HOJE_NO_PA_ONLINE}"
    dispatcher.utter_message(text=f"Seu pedido{titulo} tem o protocolo {protocolo}.{prazo}")
    if esperando:
        dispatcher.utter_message(text=ENQUANTO_ESPERA)
    else:
        dispatcher.utter_message(response="utter_algo_mais")
    return True


_ESPERA_RESPOSTA = re.compile(r"\b(?:respond\w*|resposta|retorn\w*|resolv\w*)\b")


def _ultimo_chamado_aberto(tracker: Tracker, texto: str, *, session: Any) -> Any | None:
    beneficiario_id = beneficiario_identificado(tracker)
    if beneficiario_id is None or not _ESPERA_RESPOSTA.search(strip_accents(texto).lower()):
        return None
    tickets = repository.list_tickets([beneficiario_id], session=session, limit=20)
    return next((t for t in tickets if t.status in OPEN_TICKET_STATUSES), None)


# A ticket opened before identifying, in the same conversation and at most this long ago, becomes the person's.
JANELA_PROTOCOLOS_DA_CONVERSA = timedelta(days=1)


def assumir_protocolos_da_conversa(tracker: Tracker, beneficiario_id: int) -> None:
    """Make the tickets this conversation opened before identifying (an Ombudsman complaint) the person's own.

    Their author could otherwise never look them up: a ticket of nobody reads as "not found".
    """
    with session_scope(session_factory()) as session:
        assumidos = repository.claim_conversation_tickets(
            tracker.sender_id, beneficiario_id, session=session, since=agora() - JANELA_PROTOCOLOS_DA_CONVERSA
        )
        for ticket in assumidos:
            logger.info("protocolo %s vinculado ao beneficiário identificado na conversa", ticket.protocol)
