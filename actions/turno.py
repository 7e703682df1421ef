"""What every message is checked for before the action the policies chose for it runs.

Some things in a message matter whatever the classifier read: someone else saying they are writing now ("aqui é
a ana, peguei o cel da minha mãe", read as out of scope, a goodbye or leaving); the withdrawal of a request for a
person ("ah deixa pra lá, já resolvi", read as thanks, a "no" or not understood); where to send a document for the
request the conversation opened; more for the teleconsultation desk's request just made ("é urgente"); a bare
number answering one of the bot's numbered questions, which goes back to the topic that asked it instead of the
menu option of that digit. Checked in each action, they were missed by every action nobody had thought of; the
action server runs this once, before the first action of each message (:class:`bot.action_server.Executor`).
Form validations get two of them: an emergency told at a short question, and someone else writing at "De quem
você quer ver?".
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.atendente import retirar_pedido
from actions.base import SERVICOS, trocar_de_pessoa
from actions.chamados import responder_documento_do_chamado
from actions.contexto import reler_no_assunto
from actions.sinais import de_portugal, sinais_de_emergencia
from actions.teleconsulta_seguimento import acrescentar_ao_pedido_da_mesa
from actions.utilizacao import QUAL_ITEM, ActionContestarUtilizacao
from bot.nlu.parsing import strip_accents
from bot.nlu.symptoms import is_urgent

# Actions Rasa itself runs between a message and the first action chosen for it ("falar_atendente" inside a form
# deactivates the form first); anything else (a form asking its next question) means the message was answered.
_ANTES_DA_RESPOSTA = frozenset({"action_listen", "action_deactivate_loop", "action_unlikely_intent"})


# The bot's questions a bare number answers, and the topic that asked each: "1" after "Qual item você não
# reconhece? Responda com um número de 1 a 2." is that item, not option 1 of the menu.
PERGUNTAS_NUMERADAS = {QUAL_ITEM: ActionContestarUtilizacao.intent}
_NUMERO = re.compile(r"(?:(?:o|a) )?(?:item |numero |n )?\d{1,3}")


def numero_respondido(tracker: Tracker) -> str | None:
    """The topic whose numbered question the latest message answers with a bare number, if any.

    >>> from rasa_sdk import Tracker
    >>> def t(text): return Tracker("s", {}, {"text": text}, [{"event": "bot", "text": QUAL_ITEM + " 1 a 2."}],
    ...                             False, None, {}, "action_listen")
    >>> numero_respondido(t("1")), numero_respondido(t("o 2")), numero_respondido(t("o 2 e o 1 não fiz"))
    ('contestar_utilizacao', 'contestar_utilizacao', None)
    """
    falas = [e for e in tracker.events or [] if e.get("event") in ("bot", "user")]
    if falas and falas[-1].get("event") == "user":
        falas.pop()  # the message being answered, as Rasa sends it
    if not falas or falas[-1].get("event") != "bot":
        return None
    ultima = falas[-1]
    texto = strip_accents(tracker.latest_message.get("text") or "").lower().strip().strip(".!?").strip()
    if not _NUMERO.fullmatch(texto):
        return None
    return next((assunto for pergunta, assunto in PERGUNTAS_NUMERADAS.items()
                 if (ultima.get("text") or "").startswith(pergunta)), None)


def primeira_acao_da_mensagem(events: List[Dict[str, Any]]) -> bool:
    """Whether no action has answered the latest message yet.

    >>> user = {"event": "user", "text": "oi"}
    >>> primeira_acao_da_mensagem([{"event": "action", "name": "action_listen"}, user])
    True
    >>> primeira_acao_da_mensagem([user, {"event": "action", "name": "action_deactivate_loop"}])
    True
    >>> primeira_acao_da_mensagem([user, {"event": "action", "name": "identificacao_form"}])
    False
    >>> primeira_acao_da_mensagem([user, {"event": "action", "name": "utter_menu"}])
    False
    """
    for event in reversed(events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in _ANTES_DA_RESPOSTA:
            return False
    return True


# The form whose answer shows the family's data next ("De quem você quer ver?"): who is writing is checked even in
# its answers, or "oi aqui é o josé agora" answered it and the next message showed Maria's data.
ESCOLHA_DE_PESSOA = "validate_escolha_pessoa_form"
# Forms that ask a name, a number or a person: an emergency told at their question is answered before the question
# comes again ("estou com dor no peito agora" at "Qual é o seu nome completo?" got the question again). The
# Ombudsman's report is left out: a complaint tells of past symptoms.
PERGUNTAS_CURTAS = frozenset({"validate_teleconsulta_form", ESCOLHA_DE_PESSOA})


def verifica_antes(acao: str, events: List[Dict[str, Any]]) -> bool:
    """Whether ``acao`` is the first answer to a message, which the checks run before.

    A form's validation is not: "cancelar" inside a form leaves the form, and a name typed at "qual é o nome do
    paciente?" is the answer asked for. Nor is the start of a session, which answers no message.

    >>> verifica_antes("action_fora_de_escopo", [{"event": "user", "text": "aqui é a ana"}])
    True
    >>> verifica_antes("validate_teleconsulta_form", [{"event": "user", "text": "aqui é a ana"}])
    False
    """
    if acao.startswith("validate_") or acao == "action_session_start":
        return False
    return primeira_acao_da_mensagem(events)


def antes_da_acao(
    acao: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType] | None:
    """Answer the message here when one of the module's checks does; else None, and ``acao`` runs.

    Args:
        acao: The action the policies chose for the message.
        dispatcher: Where the answer goes.
        tracker: The conversation.

    Returns:
        The events that answer the message instead of ``acao``, or None to run ``acao``.
    """
    texto = tracker.latest_message.get("text") or ""
    if acao in PERGUNTAS_CURTAS and is_urgent(texto):
        dispatcher.utter_message(text=sinais_de_emergencia(texto, de_portugal(tracker)))
        return []  # the form asks its question again
    if acao == ESCOLHA_DE_PESSOA:
        troca = trocar_de_pessoa(dispatcher, tracker, pendente=tracker.get_slot("opcao_pendente"))
        if troca is None:
            return None
        # A validation ends its form by clearing the requested slot; the form's closing action then shows nothing.
        return [e for e in troca if e.get("event") != "followup"] + [SlotSet("requested_slot", None)]
    if not verifica_antes(acao, tracker.events or []):
        return None
    # The option the message asked for is served once the new person identifies.
    pendente = next((s.intent for s in SERVICOS.values() if s.acao == acao), None)
    troca = trocar_de_pessoa(dispatcher, tracker, pendente=pendente)
    if troca is not None:
        return troca
    if retirar_pedido(dispatcher, tracker, tracker.latest_message.get("text") or ""):
        # Listening next: a rule after ``acao`` (a form to fill, a goodbye) would answer what was not asked.
        return [FollowupAction("action_listen")]
    if responder_documento_do_chamado(dispatcher, tracker):
        # "como mando o relatório pra essa reanálise?" drew the reimbursements: where it goes, for that protocol.
        return [FollowupAction("action_listen")]
    if acrescentar_ao_pedido_da_mesa(dispatcher, tracker):
        # "é urgente, preciso da receita hoje" after a desk request drew the plan's urgency text: it joins it.
        return [FollowupAction("action_listen")]
    assunto = numero_respondido(tracker)
    if assunto and SERVICOS[assunto].acao != acao:
        return reler_no_assunto(tracker, assunto)
    return None
