"""Teleconsultation desk requests (004_440bb7f2301d6e8b.txt).

Every such request first collects the client's NAME and NIF (Portuguese tax
number, checksum validated); then the routing rules choose the inbox, and
the reply carries the protocol, the tips to try and the rule's footer.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.chamados import abrir_chamado, mensagem_do_chamado
from bot.nlu.parsing import only_digits
from routing.nif import is_valid_nif

TELE_INTENTS = (
    "tele_documentos",
    "tele_apolice",
    "tele_tecnologia",
    "tele_cobranca_cancelada",
    "tele_procedimento",
    "tele_faturas",
    "tele_clinica",
)
SLOTS = ["tele_nome", "tele_nif", "tele_categoria", "tele_texto"]
_NOME = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)+$")


def ler_nif(texto: str) -> str | None:
    """The first 9-digit run of a message, if any (checked by the validator)."""
    achado = re.search(r"(?<!\d)(\d[\d .]{7,12}\d)(?!\d)", texto or "")
    digitos = only_digits(achado.group(1)) if achado else ""
    return digitos if len(digitos) == 9 else None


def ler_nome(texto: str) -> str | None:
    """A full name (two words or more, letters only), with "o meu nome é" removed.

    >>> ler_nome("o meu nome é Ana Sofia Ramos"), ler_nome("Ana"), ler_nome("123 456")
    ('Ana Sofia Ramos', None, None)
    """
    limpo = re.sub(r"(?i)^\s*(o\s+)?(meu\s+nome\s+(é|e)|chamo-me|me\s+chamo|sou\s+(o|a))\s+", "", texto or "")
    limpo = " ".join(limpo.strip(" .,!").split())
    return limpo if _NOME.match(limpo) and len(limpo) <= 120 else None


class ActionPrepararTeleconsulta(Action):
    """Remembers the request and anything already given before asking for name and NIF."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_preparar_teleconsulta"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Store the category and the text; prefill a NIF written in the request."""
        texto = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        nif = ler_nif(texto)
        dispatcher.utter_message(
            text="Para encaminhar o seu pedido sobre a teleconsulta, preciso do seu nome completo e do seu NIF."
        )
        return [
            SlotSet("requested_slot", None),
            SlotSet("tele_categoria", intent),
            SlotSet("tele_texto", texto[:2000]),
            SlotSet("tele_nome", None),
            SlotSet("tele_nif", nif if nif and is_valid_nif(nif) else None),
        ]


class ValidateTeleconsultaForm(FormValidationAction):
    """Validates name and NIF."""

    def name(self) -> Text:
        """Rasa action name."""
        return "validate_teleconsulta_form"

    def validate_tele_nome(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Accept a full name."""
        nome = ler_nome(str(value or ""))
        if nome is None and tracker.get_slot("requested_slot") == "tele_nome":
            dispatcher.utter_message(text="Indique o nome completo (nome e apelido).")
        return {"tele_nome": nome}

    def validate_tele_nif(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Accept a NIF whose check digit is right."""
        nif = ler_nif(str(value or ""))
        if nif and is_valid_nif(nif):
            return {"tele_nif": nif}
        if tracker.get_slot("requested_slot") == "tele_nif":
            motivo = "o dígito de controlo não confere" if nif else "o NIF tem 9 dígitos"
            dispatcher.utter_message(text=f"Esse NIF não é válido: {motivo}. Confira e escreva de novo.")
        return {"tele_nif": None}


class ActionEncaminharTeleconsulta(Action):
    """Routes the request by the rules and opens the ticket."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_encaminhar_teleconsulta"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Send the request to its inbox with name and NIF, and answer with protocol, tips and footer."""
        categoria = tracker.get_slot("tele_categoria") or "tele_procedimento"
        texto = tracker.get_slot("tele_texto") or ""
        coletado = {"nome": tracker.get_slot("tele_nome"), "nif": tracker.get_slot("tele_nif")}
        ticket, decisao = abrir_chamado(tracker, categoria, texto, coletado=coletado, extra=coletado)
        resposta = mensagem_do_chamado(ticket, decisao)
        dispatcher.utter_message(text=f"Obrigado. O seu pedido foi encaminhado para a equipa responsável.\n{resposta}")
        return [SlotSet(slot, None) for slot in SLOTS]
