"""The topic a conversation is in, and questions that only make sense inside it (issue 12).

"e o prazo?" and "e o da minha filha?" are marked as follow-ups by the NLU (bot/nlu/followup.py). Other short
questions depend on the answer just given without looking like follow-ups: "tem pediatra?" or "como entro?"
right after the online emergency care (PA Online) answer. Alone they name no topic, so the classifier calls them
out of scope, falls back, or guesses a topic with low confidence ("como entro?" was new plans). The actions that
would answer them as classified ask :func:`pergunta_sobre_o_assunto` first.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    EventType,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)

from actions.pedido import pedido_sem_opcao
from bot.intencoes import CONTINUACAO, CONTINUAVEIS, ENCERRAM_ASSUNTO
from bot.nlu.parsing import AND_OPENING, menu_digit_intent, strip_accents

logger = logging.getLogger(__name__)

# How many earlier user messages a follow-up question may reach back for its topic.
MENSAGENS_DE_CONTEXTO = 8
PALAVRAS_DA_PERGUNTA_CURTA = 6
_PERGUNTA = re.compile(
    r"^(?:e\s+|mas\s+)?(?:como|qual|quais|quanto|quanta|quando|qnd|qdo|qto|onde|tem|posso|pode|precisa|preciso|"
    r"da pra|consigo|funciona|serve|atende|aceita|cobra|vale|e pago|e de graca|e gratis)\b"
)
# What a short question must mention to be about the topic's answer ("ele foi negado pq?" after the
# reimbursements, "qual o telefone de lá?" after the CPS, "tem pediatra?" after PA Online). A topic without a
# vocabulary here is answered by its follow-ups ("e ...") only. Accents are folded before matching.
VOCABULARIO: Dict[str, re.Pattern[str]] = {
    "pronto_atendimento_online": re.compile(
        r"\b(?:pediatra|clinico|medic[oa]s?|doutor[a]?|crianca|filh[oa]s?|bebe|entr[oa]r?|entro|acess\w*|login|"
        r"logar|senha|cadastr\w*|codigo|site|link|app|aplicativo|celular|telemovel|computador|notebook|tablet|"
        r"navegador|internet|camera|microfone|video|fila|espera|demora\w*|horario|hora|24|madrugada|noite|"
        r"fim de semana|feriado|gratis|graca|pag\w*|cust\w*|cobra\w*|receita|atestado|exame|foto|document\w*|"
        r"suporte|telefone)\b"
    ),
    "reembolso": re.compile(
        r"\b(?:negad[oa]s?|recusad[oa]s?|indeferid[oa]s?|por que|porque|pq|motivo|prazo|valor|quanto|pago|pagamento|"
        r"deposit\w*|conta|document\w*|nota|recibo|falta\w*)\b"
    ),
    "autorizacao": re.compile(
        r"\b(?:negad[oa]s?|recusad[oa]s?|por que|porque|pq|motivo|prazo|urgente|urgencia|parto|carencias?|cirurgia|"
        r"exame|guia|liberad[oa]s?|liberar|recorr\w*|recurso)\b"
    ),
    "financeiro": re.compile(
        r"\b(?:juros|multa|vencimento|venc\w*|pagar|paguei|pago|pix|boleto|codigo de barras|linha digitavel|"
        r"atras\w*|desconto|parcel\w*|baixou|compens\w*|aument\w*|subir|sobe|faixa|aniversario|pdf)\b"
    ),
    "imposto_renda": re.compile(r"\b(?:ano|(?:19|20)\d{2}|declara\w*|receita|valor|dedu\w*|informe)\b"),
    "agendamento_cps": re.compile(
        r"\b(?:telefone|horario|hora|sabado|domingo|fim de semana|senha|app|aplicativo|site|cancel\w*|remarc\w*|"
        r"desmarc\w*|endereco|onde fica|onde e|primeiro acesso|cadastr\w*)\b"
    ),
    "novos_planos": re.compile(
        r"\b(?:cust\w*|preco|precos|valor|valores|mensalidade|idade|anos|dependentes?|inclu\w*|esposa|marido|"
        r"conjuge|companheir[oa]|filh[oa]s?|contrat\w*|adesao|aderir|carencias?|cobertura|cobre|apartamento|"
        r"enfermaria|coparticipacao|abrangencia|desconto)\b"
    ),
}
# What leaves a form and closes the topic even when typed as its answer.
SAIDAS = ENCERRAM_ASSUNTO - {"saudacao"}
# Out of scope this likely stays out of scope even inside a topic ("qual a previsão do tempo?" is 0.99); a topic
# this likely is a change of subject.
FORA_DE_ESCOPO_SEGURO = 0.9
OUTRO_ASSUNTO_SEGURO = 0.6


def assunto_atual(events: List[Dict[str, Any]]) -> str | None:
    """The topic the conversation is in: the latest topic the user asked about, unless something closed it since.

    The latest user message (the follow-up itself) is skipped; answers, identifiers and other follow-ups in
    between keep the topic open; the menu, a greeting, a goodbye or leaving the identification close it. A digit
    or a word typed while the bot was asking something ("de quem?" answered with "1" or "todos") is an answer,
    not the menu option of that digit nor a greeting.
    """
    mensagens: List[Dict[str, Any]] = []
    perguntando = False
    for evento in events:
        if evento.get("event") == "active_loop":
            perguntando = evento.get("name") is not None
        elif evento.get("event") == "user":
            nome = (evento.get("parse_data", {}).get("intent") or {}).get("name")
            # While a form asks, a digit or a word that is no topic nor a way out answers it ("todos" to "de
            # quem?" reads like a greeting, "bom dia a todos").
            resposta = perguntando and (
                menu_digit_intent(evento.get("text") or "") is not None
                or nome not in CONTINUAVEIS | SAIDAS
            )
            mensagens.append({} if resposta else evento)
    for evento in reversed(mensagens[:-1][-MENSAGENS_DE_CONTEXTO:]):
        nome = (evento.get("parse_data", {}).get("intent") or {}).get("name")
        if nome in CONTINUAVEIS:
            return nome
        if nome in ENCERRAM_ASSUNTO:
            return None
    return None


def anteriores_no_assunto(events: List[Dict[str, Any]], assunto: str) -> List[str]:
    """What the user said earlier in ``assunto``, latest first, the latest message excluded.

    The walk back stops at a message of another topic or one that closes it (the menu, a greeting), so "e o da
    minha filha?" reads the year or the ages said in this topic only.
    """
    textos = []
    usuario = [evento for evento in events if evento.get("event") == "user"]
    for evento in reversed(usuario[:-1]):
        nome = ((evento.get("parse_data") or {}).get("intent") or {}).get("name")
        if nome in ENCERRAM_ASSUNTO or (nome in CONTINUAVEIS and nome != assunto):
            break
        textos.append(str(evento.get("text") or ""))
    return textos


def resposta_anterior(events: List[Dict[str, Any]], texto: str | None) -> List[str]:
    """What the assistant said just before ``texto``, latest first: the answer a follow-up is about.

    The follow-up itself, and its copies read again in a topic (:func:`reler_no_assunto`), are skipped; the
    person's message before it ends the answer.
    """
    ditas: List[str] = []
    for event in reversed(events or []):
        if event.get("event") == "user" and event.get("text") != texto:
            break
        if event.get("event") == "bot":
            ditas.append(event.get("text") or "")
    return ditas


# Topics whose requests people call just "o pedido".
_TEM_PEDIDOS = ("reembolso", "autorizacao")


def assunto_do_pedido(tracker: Tracker, texto: str) -> str | None:
    """The topic "o pedido" means, when the message names no option and the conversation is in one with requests.

    "quero ver o status do meu pedido" after questions about reimbursements drew the authorizations.
    """
    assunto = assunto_atual(tracker.events or [])
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if assunto in _TEM_PEDIDOS and assunto != intent and pedido_sem_opcao(texto):
        return assunto
    if assunto == "reembolso" and intent == "financeiro" and nos_pagam(texto):
        return assunto
    return None


# u26/u27: "e quando vão pagar o da sutura?" after the reimbursements showed the boletos: the plan paying the person
# is the reimbursement; the person paying the plan is the boleto.
_NOS_PAGAM = re.compile(
    r"\b(?:(?:vao|vai|voces vao|quando) (?:me |nos )?(?:pagar|depositar|devolver|cair)|cai na (?:minha )?conta|"
    r"(?:me|nos) pagam|pagam quando|depositam|vou receber|recebo)\b"
)


def nos_pagam(texto: str) -> bool:
    """Whether a message asks when the plan pays the person ("quando vão pagar o da sutura?").

    >>> nos_pagam("e quando vão pagar o da sutura?"), nos_pagam("quando cai na conta?"), nos_pagam("quando vence?")
    (True, True, False)
    >>> nos_pagam("quando vou pagar o boleto?")
    False
    """
    return bool(_NOS_PAGAM.search(strip_accents(texto).lower()))


def pergunta_sobre_o_assunto(tracker: Tracker) -> str | None:
    """The conversation's topic, when the latest message is a short question about it the classifier misplaced.

    A question of six words at most ("?" at the end or a question word first), naming something of the
    topic's vocabulary (:data:`VOCABULARIO`), classified out of scope below 0.9, as not understood, or as anything
    else (another topic, the teleconsultation desk) below 0.6.

    Args:
        tracker: The conversation.

    Returns:
        The topic (:func:`assunto_atual`) to answer the question in, or None to answer it as classified.
    """
    texto = strip_accents(tracker.latest_message.get("text") or "").lower().strip()
    if not texto or len(texto.split()) > PALAVRAS_DA_PERGUNTA_CURTA:
        return None
    if not (texto.endswith("?") or _PERGUNTA.match(texto)):
        return None
    intent = tracker.latest_message.get("intent") or {}
    nome, confianca = intent.get("name"), float(intent.get("confidence") or 0.0)
    if confianca >= (FORA_DE_ESCOPO_SEGURO if nome == "fora_de_escopo" else OUTRO_ASSUNTO_SEGURO):
        return None
    assunto = assunto_atual(tracker.events)
    vocabulario = VOCABULARIO.get(assunto or "")
    if assunto == nome or vocabulario is None or not vocabulario.search(texto):
        return None
    return assunto


# A message put back this many times in a row is not put back again: two topics sending it to each other would
# otherwise answer nothing, and the person waits for a reply that never comes.
MAX_RELEITURAS = 3


def releitura(tracker: Tracker) -> bool:
    """Whether the latest message is a copy put back by :func:`reler_no_assunto` (its topic already chosen)."""
    return bool(((tracker.latest_message or {}).get("metadata") or {}).get(CONTINUACAO))


def continua_o_assunto(tracker: Tracker, assunto: str) -> bool:
    """Whether the latest message goes on ("e quando cai o dinheiro?") from an answer about ``assunto``.

    The classifier may read such a message as the topic itself rather than as a follow-up; either way it asks
    about the answer just given.
    """
    texto = str((tracker.latest_message or {}).get("text") or "")
    return bool(AND_OPENING.match(texto)) and assunto_atual(tracker.events or []) == assunto


def releituras_seguidas(events: List[Dict[str, Any]]) -> int:
    """How many times in a row the latest message was put back.

    >>> user = {"event": "user", "text": "cobrança", "metadata": {CONTINUACAO: True}}
    >>> releituras_seguidas([{"event": "user", "text": "cobrança"}, user, user]), releituras_seguidas([])
    (2, 0)
    """
    vezes = 0
    for evento in reversed(events):
        if evento.get("event") != "user":
            continue
        if not (evento.get("metadata") or {}).get(CONTINUACAO):
            break
        vezes += 1
    return vezes


def reler_no_assunto(tracker: Tracker, assunto: str, texto: str | None = None) -> List[EventType]:
    """Put the latest message back on the conversation as a question about ``assunto``.

    The topic's own rule and action then answer it, reading its text as they read any question. The copy is
    marked ``continuacao`` in its metadata, so transcripts show the message once. ``texto`` replaces the latest
    message's text when the question to read again is the request made before an identification, not the birth
    date that ended it.
    """
    if releituras_seguidas(tracker.events or []) >= MAX_RELEITURAS:
        logger.warning("mensagem relida %s vezes seguidas; vai para o fallback", MAX_RELEITURAS)
        return [FollowupAction("action_fallback")]
    ultima = tracker.latest_message or {}
    topo = {"name": assunto, "confidence": 1.0}
    texto = ultima.get("text") if texto is None else texto
    parse_data = {
        "text": texto,
        "intent": topo,
        "intent_ranking": [topo],
        "entities": ultima.get("entities") or [],
    }
    copia = UserUttered(texto, parse_data=parse_data, input_channel=tracker.get_latest_input_channel())
    copia["metadata"] = {**(ultima.get("metadata") or {}), CONTINUACAO: True}
    return [UserUtteranceReverted(), *_desta_vez(tracker), ActionExecuted("action_listen"), copia]


def _desta_vez(tracker: Tracker) -> List[EventType]:
    """The slots and forms set since the latest message, which putting it back would otherwise undo.

    The identification ends in the turn of the birth date and serves the pending request in that same turn; a
    request read again there lost the identification and asked the CPF once more.
    """
    eventos: List[EventType] = []
    for evento in reversed(tracker.events or []):
        if evento.get("event") == "user":
            break
        if evento.get("event") == "slot":
            eventos.append(SlotSet(evento.get("name"), evento.get("value")))
        elif evento.get("event") == "active_loop":
            eventos.append(ActiveLoop(evento.get("name")))
    return list(reversed(eventos))
