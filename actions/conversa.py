"""Conversation housekeeping: what to say when the bot did not understand."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, UserUtteranceReverted, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from bot.intencoes import CONTINUACAO, CONTINUAVEIS, ENCERRAM_ASSUNTO, opcoes_de_esclarecimento, rotulo
from bot.nlu.parsing import menu_digit_intent

FALLBACK_INTENT = "nlu_fallback"
# How many earlier user messages a follow-up question may reach back for its topic.
MENSAGENS_DE_CONTEXTO = 8


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
        ranking = opcoes_de_esclarecimento(tracker.latest_message.get("intent_ranking"))
        if len(ranking) < 2:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text="Quero entender direito. Seu pedido é sobre qual destes assuntos?",
            buttons=[{"title": rotulo(intent), "payload": f"/{intent}"} for intent in ranking],
        )
        dispatcher.utter_message(text="Se não for nenhum dos dois, escreva com outras palavras.")
        return []


def assunto_atual(events: List[Dict[str, Any]]) -> str | None:
    """The topic the conversation is in: the latest topic the user asked about, unless something closed it since.

    The latest user message (the follow-up itself) is skipped; answers, identifiers and other follow-ups in
    between keep the topic open; the menu, a greeting, a goodbye or leaving the identification close it. A digit
    typed while the bot was asking something ("de quem?" answered with "1") is an answer, not the menu option of
    that digit.
    """
    mensagens: List[Dict[str, Any]] = []
    perguntando = False
    for evento in events:
        if evento.get("event") == "active_loop":
            perguntando = evento.get("name") is not None
        elif evento.get("event") == "user":
            resposta = perguntando and menu_digit_intent(evento.get("text") or "") is not None
            mensagens.append({} if resposta else evento)
    for evento in reversed(mensagens[:-1][-MENSAGENS_DE_CONTEXTO:]):
        nome = (evento.get("parse_data", {}).get("intent") or {}).get("name")
        if nome in CONTINUAVEIS:
            return nome
        if nome in ENCERRAM_ASSUNTO:
            return None
    return None


class ActionContinuarAssunto(Action):
    """A follow-up question ("e o prazo?", "e o da minha filha?") is answered inside the current topic (issue 12).

    The message is put back on the conversation as a question about that topic, so the topic's own rule and
    action answer it, reading its text as they read any question (the deadline, a month, a family member).
    The copy is marked ``continuacao`` in its metadata, so transcripts show the message once.
    """

    def name(self) -> Text:
        """Rasa action name."""
        return "action_continuar_assunto"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Re-read the latest message as a question about the topic the conversation is in."""
        assunto = assunto_atual(tracker.events)
        if assunto is None:
            dispatcher.utter_message(
                text="Sobre qual assunto é a sua pergunta? Escreva o assunto ou digite *menu* para ver as opções."
            )
            return []
        ultima = tracker.latest_message or {}
        topo = {"name": assunto, "confidence": 1.0}
        parse_data = {
            "text": ultima.get("text"),
            "intent": topo,
            "intent_ranking": [topo],
            "entities": ultima.get("entities") or [],
        }
        copia = UserUttered(ultima.get("text"), parse_data=parse_data, input_channel=tracker.get_latest_input_channel())
        copia["metadata"] = {**(ultima.get("metadata") or {}), CONTINUACAO: True}
        return [UserUtteranceReverted(), ActionExecuted("action_listen"), copia]
