"""The Ombudsman (Ouvidoria) as second instance.

The bot asks for the first-instance protocol and checks it. Without one it
explains the two tiers and offers to open the first-instance ticket; if the
beneficiary still wants the Ombudsman, it registers anyway: a missing
protocol never blocks access (ANS RN 323/2013). The Ombudsman answers within
7 business days (RN 323/2013).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import db_session
from actions.chamados import abrir_chamado, mensagem_do_chamado
from bot.db import repository
from bot.nlu.parsing import find_identifiers, strip_accents

SEM_PROTOCOLO = "sem_protocolo"
PRIMEIRA, OUVIDORIA = "primeira_instancia", "ouvidoria"
TIPOS = {
    "1": "reclamação",
    "2": "reanálise de procedimento negado",
    "3": "elogio",
    "4": "sugestão",
    "5": "denúncia",
}
_PALAVRAS_TIPO = {
    "reclama": "reclamação",
    "reanalis": "reanálise de procedimento negado",
    "negad": "reanálise de procedimento negado",
    "elogi": "elogio",
    "suger": "sugestão",
    "denunci": "denúncia",
}
_NEGATIVA = re.compile(r"\b(nao|n|nunca|nenhum|sem protocolo|nao tenho|não tenho)\b")
SLOTS = ["ouvidoria_protocolo", "ouvidoria_instancia", "ouvidoria_tipo", "ouvidoria_relato"]

EXPLICACAO_INSTANCIAS = (
    "A Ouvidoria é a segunda instância: ela recebe demandas que já passaram por um canal de primeira instância "
    "(chat, aplicativo, telefone ou atendimento presencial) e não foram resolvidas no prazo ou de forma "
    "satisfatória."
)


def ler_tipo(texto: str) -> str | None:
    """The kind of manifestation from a number (1-5) or a word.

    >>> ler_tipo("2"), ler_tipo("quero fazer uma denúncia"), ler_tipo("talvez")
    ('reanálise de procedimento negado', 'denúncia', None)
    """
    folded = strip_accents(texto).strip()
    numero = re.fullmatch(r"\D*([1-5])\D*", folded)
    if numero:
        return TIPOS[numero.group(1)]
    for raiz, tipo in _PALAVRAS_TIPO.items():
        if raiz in folded:
            return tipo
    return None


def ler_instancia(texto: str) -> str | None:
    """1 / "primeira" opens the first instance; 2 / "ouvidoria" / "mesmo assim" goes to the Ombudsman.

    >>> ler_instancia("1"), ler_instancia("quero a ouvidoria mesmo assim"), ler_instancia("hein")
    ('primeira_instancia', 'ouvidoria', None)
    """
    folded = strip_accents(texto).strip()
    if re.fullmatch(r"\D*1\D*", folded) or "primeira" in folded or "abrir" in folded:
        return PRIMEIRA
    if re.fullmatch(r"\D*2\D*", folded) or re.search(r"ouvidoria|mesmo assim|insist|registr", folded):
        return OUVIDORIA
    return None


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
        """A known 20-digit protocol, or the user has none."""
        texto = str(value or "")
        protocolos = [f.value for f in find_identifiers(texto) if f.entity == "protocolo"]
        if tracker.get_slot("requested_slot") is None and not protocolos:
            return {"ouvidoria_protocolo": None}
        if protocolos:
            if protocolo_existe(protocolos[0]):
                return {"ouvidoria_protocolo": protocolos[0]}
            dispatcher.utter_message(
                text="Não encontrei esse protocolo. Confira os 20 dígitos ou responda *não tenho*."
            )
            return {"ouvidoria_protocolo": None}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "negar" or _NEGATIVA.search(strip_accents(texto)):
            dispatcher.utter_message(text=EXPLICACAO_INSTANCIAS)
            return {"ouvidoria_protocolo": SEM_PROTOCOLO}
        dispatcher.utter_message(
            text="Informe o protocolo de 20 dígitos do primeiro atendimento ou responda *não tenho*."
        )
        return {"ouvidoria_protocolo": None}

    def validate_ouvidoria_instancia(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """First instance now, or the Ombudsman anyway."""
        escolha = ler_instancia(str(value or ""))
        if escolha is None and tracker.get_slot("requested_slot") == "ouvidoria_instancia":
            dispatcher.utter_message(
                text="Responda 1 para abrir o atendimento de primeira instância ou 2 para a Ouvidoria."
            )
        return {"ouvidoria_instancia": escolha}

    def validate_ouvidoria_tipo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """One of the five kinds of manifestation."""
        tipo = ler_tipo(str(value or ""))
        if tipo is None and tracker.get_slot("requested_slot") == "ouvidoria_tipo":
            dispatcher.utter_message(text="Escolha um número de 1 a 5.")
        return {"ouvidoria_tipo": tipo}

    def validate_ouvidoria_relato(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A few words describing the case."""
        relato = str(value or "").strip()
        if len(relato) < 5:
            if tracker.get_slot("requested_slot") == "ouvidoria_relato":
                dispatcher.utter_message(text="Escreva em poucas palavras o que aconteceu.")
            return {"ouvidoria_relato": None}
        return {"ouvidoria_relato": relato[:2000]}


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
            return limpar
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
        dispatcher.utter_message(
            text=(
                f"Sua manifestação ({tipo}) foi registrada na Ouvidoria.\n"
                + mensagem_do_chamado(ticket, decisao)
                + "\nA Ouvidoria responde em até 7 dias úteis (ANS RN 323/2013)."
            )
        )
        return limpar
