"""Conversation housekeeping: what to say when the bot did not understand."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.intencoes import ESCLARECIVEIS, rotulo

FALLBACK_INTENT = "nlu_fallback"


def fallbacks_seguidos(events: List[Dict[str, Any]]) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data", {}).get("intent") or {}).get("name") != FALLBACK_INTENT:
            break
        count += 1
    return count


class ActionFallback(Action):
    """First miss: ask to rephrase. Second miss in a row: the menu and a person."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer a message the NLU could not classify with confidence."""
        if fallbacks_seguidos(tracker.events) <= 1:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text="Ainda não consegui entender. Veja as opções abaixo ou digite 0 para falar com um atendente."
        )
        dispatcher.utter_message(response="utter_menu")
        return []


class ActionEsclarecer(Action):
    """Two topics were equally likely: offer both as numbered choices instead of guessing (issue 12).

    The choices are buttons whose payload is the intent; the channels read a digit answer to the last bot
    message with buttons as that button (bot/channels/common.py), and Telegram shows them as buttons.
    """

    def name(self) -> Text:
        """Rasa action name."""
        return "action_esclarecer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Ask which of the two likeliest topics the user meant."""
        ranking = [
            r.get("name")
            for r in tracker.latest_message.get("intent_ranking") or []
            if r.get("name") in ESCLARECIVEIS
        ][:2]
        if len(ranking) < 2:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text="Quero entender direito. Seu pedido é sobre qual destes assuntos?",
            buttons=[{"title": rotulo(intent), "payload": f"/{intent}"} for intent in ranking],
        )
        dispatcher.utter_message(text="Se não for nenhum dos dois, escreva com outras palavras.")
        return []
