"""The identified session: a number typed after identifying, leaving the identification ("sair"), goodbye.

Leaving and the goodbye forget who the user is: a WhatsApp or Telegram conversation may be read next by whoever
holds the phone.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import beneficiario_identificado, db_session, esquecer_identificacao, trocar_de_pessoa
from actions.contexto import assunto_atual, reler_no_assunto
from actions.familia import fala_de_si
from actions.formatting import first_name
from actions.identificacao_leitura import documento_de_outra_pessoa
from actions.pedido import nao_entendeu, nao_resolveu
from actions.reanalise import atender_pedido_de_reanalise
from bot.canais import Canal
from bot.db import repository
from bot.identifiers import is_valid_card, is_valid_cpf
from bot.nlu.parsing import find_identifiers
from bot.nlu.short_replies import normalize, short_reply_intent

# What leaving says: "sair", "logout", "trocar de usuário", "não sou eu", "esse cpf não é meu". The classifier also
# gave "ok, quero fazer a troca" (of plan) to leaving, and logged the person out.
_SAIR = re.compile(
    # "sair", "sai da conta", "saio"; not "já saiu?" (a result) nor "se não saiu".
    r"\b(?:sair\w*|saio|saindo|sai(?= da\b| do\b| dess| daqui|$)|logout|log ?out|log ?off|deslog\w*|"
    r"desconect\w*|encerr\w*|finaliz\w*|termin\w*|esquec\w*|"
    r"apag\w*|limp\w*|outr[oa] (?:cpf|pessoa|usuario|carteirinha|beneficiario|conta)|"
    r"(?:troc|mud)\w* (?:de |o |a )?(?:usuario|pessoa|beneficiario|conta|cpf|carteirinha)|nao sou eu|"
    r"nao sou ess[ae]|nao sou (?:a|o) |nao (?:e|eh) (?:o )?meu|nao (?:e|eh) (?:a )?minha|"
    r"(?:cpf|nome|documento) errado|identificar outro|logar com)"
)
# "quero fazer a troca", "quero pedir", "pode seguir": yes to the person the last answer offered ("digite 0").
_ACEITA = re.compile(
    r"^(?:ok|sim|ta|certo|beleza|entao)?[ ,!.]*(?:quero|queria|vou|pode|bora|gostaria de)\b.{0,30}"
    r"\b(?:fazer|pedir|contratar|troca\w*|mudanca|mudar|inclusao|incluir|seguir|prosseguir|continuar|solicitar)\b"
)


def diz_sair(texto: str) -> bool:
    """Whether a message says to leave the identification, as the classifier's ``sair`` must.

    >>> diz_sair("SAIR DA CONTA"), diz_sair("esse cpf não é meu"), diz_sair("ok quero fazer a troca")
    (True, True, False)
    >>> diz_sair("e a minha tomografia? ja saiu? se nao saiu quero recorrer tb"), diz_sair("sai")
    (False, True)
    """
    return bool(_SAIR.search(normalize(texto)))


def aceita_oferta_de_atendente(tracker: Tracker) -> bool:
    """Whether the message accepts the person the previous answer offered ("Para pedir a mudança, digite 0").

    >>> from types import SimpleNamespace as T
    >>> oferta = {"event": "bot", "text": "Para pedir a mudança, digite 0 e fale com um atendente."}
    >>> aceita_oferta_de_atendente(T(events=[oferta], latest_message={"text": "ok quero fazer a troca"}))
    True
    >>> aceita_oferta_de_atendente(T(events=[oferta], latest_message={"text": "quanto custa?"}))
    False
    """
    ultima = next((e for e in reversed(tracker.events or []) if e.get("event") == "bot"), None)
    if ultima is None or "digite 0" not in (ultima.get("text") or ""):
        return False
    return bool(_ACEITA.search(normalize(tracker.latest_message.get("text") or "")))


class ActionSair(Action):
    """Clears the identification ("sair")."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_sair"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Forget who the user is for the rest of the conversation, when the message says to leave."""
        texto = tracker.latest_message.get("text") or ""
        if not diz_sair(texto):
            # The classifier's guess, not the user's words: nobody is logged out on a guess.
            if aceita_oferta_de_atendente(tracker):
                return [FollowupAction("action_falar_atendente")]
            reanalise = atender_pedido_de_reanalise(dispatcher, tracker, texto)
            if reanalise is not None:  # "já saiu? se não saiu quero recorrer"
                return reanalise
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
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


NAO_RESOLVEU = (
    "Sinto muito que ainda não resolveu. Me conte com outras palavras o que acontece (o que aparece na tela, o que "
    "falta) que eu tento de outro jeito, ou digite 0 para falar com um atendente."
)
AJUDA = (
    "Desculpe, vou tentar de outro jeito. Escreva com suas palavras o que você precisa, por exemplo: *meu boleto*, "
    "*meu reembolso*, *número da carteirinha*. Ou digite *menu* para ver as opções numeradas, ou 0 para falar com "
    "um atendente."
)


class ActionDespedida(Action):
    """Says goodbye and, on a phone anyone may pick up next, forgets the identification."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_despedida"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Say goodbye; an identified user is told the identification ended with the conversation.

        "Não entendi", read as a "no", is someone who needs help, not a goodbye: they keep the conversation.
        """
        texto = tracker.latest_message.get("text") or ""
        if nao_entendeu(texto):
            dispatcher.utter_message(text=AJUDA)
            return []
        if nao_resolveu(texto):
            # u17: "ja tentei e nao foi" after the camera tips, or "olhei lá e não tem nada" after where the
            # prescription is, got "Até logo!": someone still stuck.
            dispatcher.utter_message(text=NAO_RESOLVEU)
            return []
        assunto = assunto_atual(tracker.events)
        if assunto and short_reply_intent(texto) is None and fala_de_si(texto):
            # "nao, as MINHAS" after the daughter's data corrects whose data, and said goodbye and logged out.
            return reler_no_assunto(tracker, assunto)
        dispatcher.utter_message(response="utter_despedida")
        if tracker.get_slot("identificado") and tracker.get_latest_input_channel() != Canal.URA.value:
            # On the phone the call ends with the goodbye, and the identification with it (u25: said to no one).
            dispatcher.utter_message(text="Por segurança, encerrei sua identificação.")
        return esquecer_identificacao()


def numero_do_assunto(texto: str) -> bool:
    """Whether the numbers in a message are no CPF nor card, so they belong to the topic (a guide, a protocol).

    >>> numero_do_assunto("20260000004"), numero_do_assunto("guia 20260000004"), numero_do_assunto("529.982.247-25")
    (True, True, False)
    """
    numeros = [item for item in find_identifiers(texto) if item.entity in ("cpf", "numero_cartao", "protocolo")]
    return bool(numeros) and not any(is_valid_cpf(item.value) or is_valid_card(item.value) for item in numeros)


# u22: "quero ver a utilização da minha esposa, o cpf dela é …" once identified got "para trocar de pessoa, digite
# sair": an invitation to enter as someone else with their CPF and birth date.
OUTRA_PESSOA_JA_IDENTIFICADO = (
    "Por segurança, não entro com o CPF de outra pessoa, mesmo da família: cada um vê só o que é seu. Quem é "
    "titular vê os dados dos dependentes sem o CPF deles: escreva, por exemplo, *utilização da minha esposa* ou "
    "*reembolso do meu filho*. Os dados do titular ou de outro dependente só o titular consulta (ou a própria "
    "pessoa, se for maior de idade, identificando-se ela mesma)."
)

# The topics whose answers read a number typed after them (a guide, a protocol).
ASSUNTOS_COM_NUMERO = ("autorizacao", "reembolso", "consultar_protocolo")


def _documento_alheio(tracker: Tracker, texto: str) -> bool:
    """Whether a valid CPF or card in the message is not the identified person's own."""
    documentos = [item for item in find_identifiers(texto)
                  if (item.entity == "cpf" and is_valid_cpf(item.value))
                  or (item.entity == "numero_cartao" and is_valid_card(item.value))]
    identificado = beneficiario_identificado(tracker)
    if not documentos or identificado is None:
        return False
    with db_session() as session:
        pessoa = repository.get_beneficiary(identificado, session=session)
        proprios = {pessoa.cpf, pessoa.card_number} if pessoa is not None else set()
    return any(item.value not in proprios for item in documentos)


class ActionJaIdentificado(Action):
    """A number typed after identifying: the guide or protocol the topic asked for, or the identification again."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_ja_identificado"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer "20260000004" inside the authorizations; say a CPF or card needs no second identification."""
        assunto = assunto_atual(tracker.events)
        texto = tracker.latest_message.get("text") or ""
        if numero_do_assunto(texto):
            if assunto not in ASSUNTOS_COM_NUMERO:
                # "20260000003" at the menu, or after the card: an 11-digit number that is no CPF is a guide
                # ("envie o número da guia (11 dígitos)"), a 20-digit one a protocol.
                guia = any(item.entity == "cpf" for item in find_identifiers(texto))
                assunto = "autorizacao" if guia else "consultar_protocolo"
            # An 11-digit guide is read as a CPF by the NLU: re-read in the topic that asked for it.
            return reler_no_assunto(tracker, assunto)
        if documento_de_outra_pessoa(texto) or _documento_alheio(tracker, texto):
            dispatcher.utter_message(text=OUTRA_PESSOA_JA_IDENTIFICADO)
            return []
        dispatcher.utter_message(response="utter_ja_identificado")
        return []


class ActionSaudacao(Action):
    """A greeting: the welcome and the menu, saying first who the conversation is identified as, if anyone.

    u16: on a phone shared by the family, "oi" 45 minutes after Maria identified showed the plain welcome, and the
    next "3" showed the family's card numbers to whoever held the phone.
    """

    def name(self) -> Text:
        """Rasa action name."""
        return "action_saudacao"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """The welcome with the menu; before it, the identified person's first name and how to leave."""
        trocou = trocar_de_pessoa(dispatcher, tracker)
        if trocou is not None:
            # "oi, aqui é a Ana" on her mother's identification: Ana identifies herself before any data is shown.
            return trocou
        if beneficiario_identificado(tracker) is not None and tracker.get_slot("beneficiario_nome"):
            nome = first_name(str(tracker.get_slot("beneficiario_nome")))
            dispatcher.utter_message(
                text=f"Esta conversa está identificada como {nome}. Se não for você, escreva *sair* antes de "
                "continuar."
            )
        dispatcher.utter_message(response="utter_saudacao")
        return []
