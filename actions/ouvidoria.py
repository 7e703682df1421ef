"""The Ombudsman (Ouvidoria) as second instance.

The bot asks for the first-instance protocol and checks it. Without one it
explains the two tiers and offers to open the first-instance ticket; if the
beneficiary still wants the Ombudsman, it registers anyway: a missing
protocol never blocks access (ANS RN 323/2013). The Ombudsman answers within
7 business days (RN 323/2013).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import beneficiario_identificado, db_session
from actions.chamados import (
    PROTOCOLO_DA_CONVERSA,
    TELEFONE_24H,
    ActionConsultarProtocolo,
    abrir_chamado,
    lembrar_protocolo,
    mensagem_do_chamado,
)
from actions.contexto import reler_no_assunto
from actions.conversa import pergunta_contato
from actions.familia import pessoas_visiveis
from actions.formatting import format_date
from actions.ouvidoria_leitura import PRIMEIRA, descreve_o_caso, ler_instancia, ler_tipo
from actions.pedido import tem_protocolo
from bot.db import repository
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.regulation.deadlines import ANSWER_BUSINESS_DAYS, TicketKind

SEM_PROTOCOLO = "sem_protocolo"
_NEGATIVA = re.compile(r"\b(nao|n|nunca|nenhum|sem protocolo|nao tenho|não tenho)\b")
SLOTS = ["ouvidoria_protocolo", "ouvidoria_instancia", "ouvidoria_tipo", "ouvidoria_relato"]

# What each question says again after an answer it could not read. The way out is added from the second such
# answer in a row, recognised by these texts in the bot's reply to the previous message.
NAO_ENCONTRADO = "Não encontrei esse protocolo. Confira os 20 dígitos ou responda *não tenho*."
PEDIDO_PROTOCOLO = "Informe o protocolo de 20 dígitos do primeiro atendimento ou responda *não tenho*."
PEDIDO_INSTANCIA = (
    "Responda 1 para abrir o atendimento de primeira instância ou 2 para a Ouvidoria. Se já procurou o "
    "atendimento e não resolveram, responda 2."
)
PEDIDO_TIPO = "Escolha um número de 1 a 5 ou escreva o tipo, por exemplo *reclamação* ou *elogio*."
PEDIDO_RELATO = "Escreva em poucas palavras o que aconteceu."
_PEDIDOS = {
    "ouvidoria_protocolo": (NAO_ENCONTRADO, PEDIDO_PROTOCOLO),
    "ouvidoria_instancia": (PEDIDO_INSTANCIA,),
    "ouvidoria_tipo": (PEDIDO_TIPO,),
    "ouvidoria_relato": (PEDIDO_RELATO,),
}
SAIDA = "Se preferir, digite *menu* para sair ou 0 para falar com um atendente."
EXPLICACAO_INSTANCIAS = (
    "A Ouvidoria é a segunda instância: ela recebe demandas que já passaram por um canal de primeira instância "
    "(chat, aplicativo, telefone ou atendimento presencial) e não foram resolvidas no prazo ou de forma "
    "satisfatória."
)


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


def protocolo_existe(protocolo: str) -> bool:
    """Whether a first-instance protocol is known: a ticket, a reimbursement or an authorization."""
    with db_session() as session:
        return any(
            (
                repository.find_ticket_by_protocol(protocolo, session=session),
                repository.find_reimbursement_by_protocol(protocolo, session=session),
                repository.find_authorization(protocolo, session=session),
            )
        )


def consultar_andamento(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer a question about a manifestation asked while the form asked for a protocol.

    The lookup is the protocol option's own, for the people the identified user may see; without identification
    the user is told to identify first, since a protocol is shown only to its owner.
    """
    beneficiario_id = beneficiario_identificado(tracker)
    if beneficiario_id is None:
        dispatcher.utter_message(
            text="Para ver a situação de uma manifestação, preciso confirmar quem é você: informe seu CPF e, "
            "depois, pergunte de novo pelo protocolo."
        )
        return
    with db_session() as session:
        pessoas = pessoas_visiveis(beneficiario_id, session=session)
        ActionConsultarProtocolo().responder(dispatcher, tracker, pessoas, session=session)


class ValidateOuvidoriaForm(FormValidationAction):
    """Validates the Ombudsman form; the tier question only appears without a protocol."""

    def name(self) -> Text:
        """Rasa action name."""
        return "validate_ouvidoria_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Ask the tier only without a protocol; the first instance needs no kind of manifestation."""
        if tracker.get_slot("ouvidoria_protocolo") != SEM_PROTOCOLO:
            return ["ouvidoria_protocolo", "ouvidoria_tipo", "ouvidoria_relato"]
        if tracker.get_slot("ouvidoria_instancia") == PRIMEIRA:
            return ["ouvidoria_protocolo", "ouvidoria_instancia", "ouvidoria_relato"]
        return SLOTS

    def validate_ouvidoria_protocolo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A known 20-digit protocol, or the user has none; a question about one already made ends the form."""
        texto = str(value or "")
        # "qual o protocolo?" here asks which protocol the question means, not how one is going.
        quer_saber_qual = re.fullmatch(r"\s*qual (?:e )?o protocolo\s*\??\s*", strip_accents(texto).lower())
        perguntando = tracker.get_slot("requested_slot") == "ouvidoria_protocolo"
        if perguntando and pergunta_andamento(texto) and not quer_saber_qual:
            # "quero saber o andamento do protocolo ...": a lookup, not a second manifestation.
            consultar_andamento(dispatcher, tracker)
            return {"ouvidoria_protocolo": None, "requested_slot": None}
        protocolos = [f.value for f in find_identifiers(texto) if f.entity == "protocolo"]
        if tracker.get_slot("requested_slot") is None and not protocolos:
            return {"ouvidoria_protocolo": None}
        if protocolos:
            if protocolo_existe(protocolos[0]):
                return {"ouvidoria_protocolo": protocolos[0]}
            pedir_de_novo(dispatcher, tracker, "ouvidoria_protocolo", NAO_ENCONTRADO)
            return {"ouvidoria_protocolo": None}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "negar" or _NEGATIVA.search(strip_accents(texto)):
            dispatcher.utter_message(text=EXPLICACAO_INSTANCIAS)
            return {"ouvidoria_protocolo": SEM_PROTOCOLO}
        pedir_de_novo(dispatcher, tracker, "ouvidoria_protocolo", PEDIDO_PROTOCOLO)
        return {"ouvidoria_protocolo": None}

    def validate_ouvidoria_instancia(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """First instance now, or the Ombudsman anyway (also when the person already tried the first)."""
        escolha = ler_instancia(str(value or ""))
        if escolha is None and tracker.get_slot("requested_slot") == "ouvidoria_instancia":
            pedir_de_novo(dispatcher, tracker, "ouvidoria_instancia", PEDIDO_INSTANCIA)
        return {"ouvidoria_instancia": escolha}

    def validate_ouvidoria_tipo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """One of the five kinds of manifestation, by number, by name or told by a description.

        An answer that already describes what happened is also the report, while none was given, so the
        person is not asked to tell it again.
        """
        texto = str(value or "").strip()
        tipo = ler_tipo(texto)
        if tipo is None:
            if tracker.get_slot("requested_slot") == "ouvidoria_tipo":
                pedir_de_novo(dispatcher, tracker, "ouvidoria_tipo", PEDIDO_TIPO)
            return {"ouvidoria_tipo": None}
        if not tracker.get_slot("ouvidoria_relato") and descreve_o_caso(texto):
            return {"ouvidoria_tipo": tipo, "ouvidoria_relato": texto[:2000]}
        return {"ouvidoria_tipo": tipo}

    def validate_ouvidoria_relato(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A few words describing the case."""
        relato = str(value or "").strip()
        if len(relato) < 5:
            if tracker.get_slot("requested_slot") == "ouvidoria_relato":
                pedir_de_novo(dispatcher, tracker, "ouvidoria_relato", PEDIDO_RELATO)
            return {"ouvidoria_relato": None}
        return {"ouvidoria_relato": relato[:2000]}


PRAZO_OUVIDORIA = (
    f"A Ouvidoria responde em até {ANSWER_BUSINESS_DAYS[TicketKind.OMBUDSMAN]} dias úteis (ANS RN 323/2013)."
)
# "qual o prazo da ouvidoria?", "quanto tempo demora?": the Ombudsman's deadline, not a manifestation; the form
# would take it for one ("demora" is a complaint's word) and start over.
_PERGUNTA_PRAZO = re.compile(
    r"\b(?:qual (?:e )?o prazo|que prazo|tem prazo|prazo de resposta|quanto tempo|em quantos dias|quando "
    r"(?:respond\w*|vou ter|terei|recebo|sai|vem)|demora quanto|vai demorar|demora muito)\b"
)
# "já tem resposta?", "e a minha reclamação?", "o andamento do protocolo ...": a manifestation already made.
_PERGUNTA_ANDAMENTO = re.compile(
    r"\bcomo (?:ta|esta|anda|vai|fica)\b.{0,25}\b(?:reclamacao|manifestacao|denuncia|protocolo|pedido|ouvidoria)\b|"
    r"\b(?:status|andamento|situacao|ja (?:tem|teve) (?:resposta|retorno)|tem (?:resposta|retorno)|ja respond\w*|"
    r"como (?:acompanho|acompanhar)|qual (?:e )?(?:o )?(?:meu |numero do (?:meu )?)?protocolo|"
    r"(?:esqueci|perdi|nao anotei) (?:o )?(?:meu )?(?:numero do )?protocolo|"
    r"(?:e )?(?:a )?minha (?:reclamacao|manifestacao|denuncia|sugestao|reanalise)\??$)"
)
_QUER_REGISTRAR = re.compile(
    r"\b(?:quero|queria|gostaria de|preciso|vou) (?:registrar|reclamar|fazer|abrir|denunciar|elogiar|sugerir)\b"
)
# Registered before identifying, a manifestation has no owner, and only its owner may look it up; identifying in
# the same conversation makes it theirs (actions.identificacao.assumir_protocolos_da_conversa).
ACOMPANHAR_SEM_IDENTIFICACAO = (
    "Para acompanhar depois pelo número do protocolo, identifique-se nesta conversa (informe seu CPF): a "
    "manifestação fica vinculada ao seu cadastro."
)
OUVIDORIA_CONTATO = (
    "Não tenho um telefone próprio da Ouvidoria: você registra sua manifestação por aqui mesmo (escreva \"quero "
    f"registrar na ouvidoria\") ou pela Central de Relacionamento, {TELEFONE_24H}."
)


def _pergunta(padrao: re.Pattern[str], texto: str) -> bool:
    folded = strip_accents(texto or "").lower().strip()
    return len(folded.split()) <= 16 and bool(padrao.search(folded)) and not _QUER_REGISTRAR.search(folded)


def pergunta_prazo(texto: str) -> bool:
    """Whether a message asks the Ombudsman's deadline without making a manifestation.

    >>> pergunta_prazo("qual o prazo da ouvidoria?"), pergunta_prazo("quanto tempo demora?")
    (True, True)
    >>> pergunta_prazo("quero reclamar da demora, qual o prazo?")
    False
    """
    return _pergunta(_PERGUNTA_PRAZO, texto)


def pergunta_andamento(texto: str) -> bool:
    """Whether a message asks about a manifestation already made.

    >>> pergunta_andamento("fiz uma reclamacao hj cedo, protocolo 41750520261206000003, ja tem resposta?")
    True
    >>> pergunta_andamento("e a minha reclamação da ouvidoria?"), pergunta_andamento("quero registrar uma reclamação")
    (True, False)
    >>> pergunta_andamento("oi, como ta minha reclamacao na ouvidoria? abri hoje mais cedo")
    True
    >>> pergunta_andamento("qual meu protocolo? abri uma reclamacao na ouvidoria hoje cedo")
    True
    >>> pergunta_andamento("esqueci o numero do protocolo da ouvidoria")
    True
    """
    folded = strip_accents(texto or "").lower().strip().rstrip("?!. ")
    return _pergunta(_PERGUNTA_ANDAMENTO, re.sub(r"\s+da ouvidoria$", "", folded))


def manifestacao_da_conversa(tracker: Tracker) -> Any | None:
    """The Ombudsman ticket this conversation registered last, if that is the protocol it gave last."""
    protocolo = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
    if not protocolo:
        return None
    with db_session() as session:
        ticket = repository.find_ticket_by_protocol(str(protocolo), session=session)
        if ticket is None or ticket.tier != "ouvidoria":
            return None
        session.expunge(ticket)
        return ticket


class ActionExplicarOuvidoria(Action):
    """Explains the two tiers before the Ombudsman form, or answers a question about the Ombudsman instead.

    "qual o prazo da ouvidoria?" right after registering started the form again; the question gets the deadline
    (and the protocol just given), and the form does not open.
    """

    def name(self) -> Text:
        """Rasa action name."""
        return "action_explicar_ouvidoria"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer a question and wait for the next message, or explain the tiers and let the form open."""
        texto = tracker.latest_message.get("text") or ""
        ticket = manifestacao_da_conversa(tracker)
        if pergunta_andamento(texto) and (tem_protocolo(texto) or ticket is None):
            # A manifestation made elsewhere or earlier: the protocol lookup, which identifies first.
            return reler_no_assunto(tracker, ActionConsultarProtocolo.intent)
        if pergunta_andamento(texto) or pergunta_prazo(texto):
            if ticket is not None:
                prazo = f" Prazo de resposta: até {format_date(ticket.due_date)}." if ticket.due_date else ""
                dispatcher.utter_message(
                    text=f"Sua manifestação foi registrada na Ouvidoria com o protocolo {ticket.protocol}.{prazo}\n"
                    f"{PRAZO_OUVIDORIA}"
                )
            else:
                dispatcher.utter_message(
                    text=f"{PRAZO_OUVIDORIA} {EXPLICACAO_INSTANCIAS}\n"
                    'Para registrar uma manifestação, escreva "quero registrar na ouvidoria".'
                )
        elif pergunta_contato(texto) and not _QUER_REGISTRAR.search(strip_accents(texto).lower()):
            dispatcher.utter_message(text=OUVIDORIA_CONTATO)
        else:
            dispatcher.utter_message(response="utter_ouvidoria")
            return []
        dispatcher.utter_message(response="utter_algo_mais")
        # The rule would open the form next; the question is answered, so the bot listens instead.
        return [FollowupAction("action_listen")]


class ActionRegistrarOuvidoria(Action):
    """Registers the manifestation with the Ombudsman, or opens the first-instance ticket."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_registrar_ouvidoria"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Open the ticket and give the protocol and the deadline at once."""
        limpar = [SlotSet(slot, None) for slot in SLOTS]
        protocolo = tracker.get_slot("ouvidoria_protocolo")
        relato = tracker.get_slot("ouvidoria_relato") or ""
        if not relato:
            return limpar
        if tracker.get_slot("ouvidoria_instancia") == PRIMEIRA:
            ticket, decisao = abrir_chamado(tracker, "primeira_instancia", relato, kind="geral")
            dispatcher.utter_message(
                text="Abri seu atendimento de primeira instância.\n" + mensagem_do_chamado(ticket, decisao)
            )
            dispatcher.utter_message(
                text="Se não ficar satisfeito com a resposta, volte e registre na Ouvidoria com este protocolo."
            )
            return [*limpar, lembrar_protocolo(ticket)]
        tipo = tracker.get_slot("ouvidoria_tipo") or "reclamação"
        primeiro = protocolo if protocolo and protocolo != SEM_PROTOCOLO else None
        ticket, decisao = abrir_chamado(
            tracker,
            "ouvidoria",
            relato,
            coletado={"protocolo": primeiro, "tipo": tipo} if primeiro else {"tipo": tipo},
            extra={"tipo_manifestacao": tipo, "protocolo_primeira_instancia": primeiro or "não informado"},
            related_protocol=primeiro,
            kind="ouvidoria",
        )
        acompanhar = "" if beneficiario_identificado(tracker) else f"\n{ACOMPANHAR_SEM_IDENTIFICACAO}"
        dispatcher.utter_message(
            text=(
                f"Sua manifestação ({tipo}) foi registrada na Ouvidoria.\n"
                + mensagem_do_chamado(ticket, decisao)
                + f"\n{PRAZO_OUVIDORIA}{acompanhar}"
            )
        )
        return [*limpar, lembrar_protocolo(ticket)]
