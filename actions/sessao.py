"""The end of a session: leaving the identification ("sair") and saying goodbye.

Both forget who the user is: a WhatsApp or Telegram conversation may be read next by whoever holds the phone.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import IDENTIDADE, PESSOA_DO_ASSUNTO
from actions.identificacao import LIMPAR_FORMULARIO


class ActionSair(Action):
    """Clears the identification ("sair")."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_sair"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Forget who the user is for the rest of the conversation."""
        if tracker.get_slot("identificado"):
            dispatcher.utter_message(
                text=(
                    "Pronto, sua identificação foi encerrada. "
                    "Para consultar dados do plano, será preciso se identificar de novo."
                )
            )
        else:
            dispatcher.utter_message(text="Você não está identificado. Digite *menu* para ver as opções.")
        return esquecer_identificacao()


def esquecer_identificacao() -> List[EventType]:
    """The events that forget who the user is, what they were choosing, and the name and NIF given to the desk."""
    return [
        *LIMPAR_FORMULARIO,
        SlotSet("identificado", False),
        SlotSet("beneficiario_id", None),
        SlotSet(IDENTIDADE, None),
        SlotSet("beneficiario_nome", None),
        SlotSet("opcao_pendente", None),
        SlotSet("escolher_pessoa", False),
        SlotSet("pessoa_escolhida", None),
        SlotSet(PESSOA_DO_ASSUNTO, None),
        SlotSet("paginas", None),
        SlotSet("tele_nome", None),
        SlotSet("tele_nif", None),
        SlotSet("tele_protocolo", None),
    ]


class ActionDespedida(Action):
    """Says goodbye and, on a phone anyone may pick up next, forgets the identification."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_despedida"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Say goodbye; an identified user is told the identification ended with the conversation."""
        dispatcher.utter_message(response="utter_despedida")
        if tracker.get_slot("identificado"):
            dispatcher.utter_message(text="Por segurança, encerrei sua identificação.")
        return esquecer_identificacao()
