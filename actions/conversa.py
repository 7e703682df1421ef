"""Conversation housekeeping: what to say when the bot did not understand."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.autorizacao import DUT, pergunta_dut
from actions.base import beneficiario_identificado
from actions.boletos import pede_negociacao, pedido_sobre_pagamento
from actions.chamados import ESTOU_AQUI, responder_sobre_o_chamado
from actions.cobertura import REDE_CREDENCIADA, orientacao_sem_cadastro, pergunta_rede
from actions.composicao import pergunta_composicao
from actions.contexto import assunto_atual, pergunta_sobre_o_assunto, reler_no_assunto
from actions.cps import AGENDA_CPS, fala_da_agenda_do_cps
from actions.financeiro import ActionConsultarFinanceiro
from actions.idades import idades_da_mensagem
from actions.identificacao_leitura import permissao_de_outra_pessoa
from actions.inscricao import evento_de_vida
from actions.mensalidade import informa_pagamento
from actions.obito import depois_do_obito, obito_dito_antes
from actions.pedido import outros_pedidos, primeiro_pedido
from actions.reanalise import atender_pedido_de_reanalise
from actions.sem_esperar import hoje_sem_esperar, precisa_hoje
from actions.sinais import SINAIS_DE_EMERGENCIA
from bot.canais import ENVIO_DE_DOCUMENTOS, TELEFONE_24H
from bot.intencoes import opcoes_de_esclarecimento, rotulo
from bot.nlu.handoff import asks_if_anyone_is_there
from bot.nlu.parsing import strip_accents

FALLBACK_INTENT = "nlu_fallback"
# "qual o telefone de vocês?", "qual o horário de atendimento?", "endereço": the operator's own channels, which
# the classifier calls out of scope (other companies' phones are).
_CONTATO = re.compile(
    r"\b(?:telefone|fone|0800|contato|endereco|onde (?:fica|ficam|voces ficam)|horario de atendimento|"
    r"horario (?:de|do|da) (?:voces|vcs|funcionamento|central|cemig)|(?:que|q) horas (?:abre|abrem|fecha|fecham)|"
    r"ate que horas|"
    r"horario do chat|chat funciona|atendimento presencial|presencial|central de (?:atendimento|relacionamento))\b"
)
_OUTRA_EMPRESA = re.compile(r"\b(?:da|do|de) (?:farmacia|hospital|clinica|laboratorio|medico|vivo|claro|tim|banco)\b")


def pergunta_contato(texto: str) -> bool:
    """Whether a message asks for the operator's phone, address or opening hours.

    >>> pergunta_contato("qual o telefone de vcs?"), pergunta_contato("horario de atendimento?")
    (True, True)
    >>> pergunta_contato("qual o horario de voces"), pergunta_contato("que horas abre amanha?")
    (True, True)
    >>> pergunta_contato("qual o telefone da farmacia?"), pergunta_contato("qual a previsão do tempo?")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    return bool(_CONTATO.search(folded)) and not _OUTRA_EMPRESA.search(folded)


# "é urgente!!", "socorro", "preciso de ajuda urgente": urgency with nothing else to go by. The bot cannot tell a
# medical emergency from an urgent matter of the plan, so it gives the way for each, emergencies first.
_URGENCIA = re.compile(r"\b(?:urgen\w*|emergen\w*|socorro|sos)\b")
_MAX_PALAVRAS_URGENCIA = 6
URGENCIA = "\n".join(
    [
        SINAIS_DE_EMERGENCIA,
        'Para falar com um médico agora, por vídeo, o Pronto Atendimento Online atende 24 horas: escreva "PA Online".',
        f"Para um assunto do plano que não pode esperar, ligue para a Central de Relacionamento: {TELEFONE_24H}.",
    ]
)


def pede_urgencia(texto: str) -> bool:
    """Whether a short message says only that something is urgent.

    >>> pede_urgencia("é urgente!!"), pede_urgencia("SOCORRO"), pede_urgencia("preciso de ajuda urgente")
    (True, True, True)
    >>> pede_urgencia("qual a previsão do tempo?")
    False
    """
    folded = strip_accents(texto).lower()
    return len(folded.split()) <= _MAX_PALAVRAS_URGENCIA and bool(_URGENCIA.search(folded))


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


# u26: "🙏🙏😭😭" was "não entendi", as if words had been misread; emojis alone say no request.
SO_EMOJIS = (
    "Recebi só emojis, e por eles não consigo saber o que você precisa. Escreva em poucas palavras (por exemplo, "
    "*boleto* ou *reembolso*), digite *menu* para ver as opções ou 0 para falar com um atendente."
)


# u27: insults got "Desculpe, só consigo ajudar com assuntos do seu plano", twice: the anger is acknowledged first.
_INSULTO = re.compile(
    r"\b(?:idiota|burr[oa]|inutil|lixo|porcaria|merda|bosta|imbecil|otari[oa]|ridicul[oa]|incompetentes?|"
    r"palhacada|vergonha|droga de|robo de merda|nao serve pra nada)\b"
)
IRRITACAO = (
    "Sinto muito pela irritação. Diga em poucas palavras o que você precisa, que eu tento resolver agora; se "
    "preferir falar com uma pessoa, digite 0."
)


def antes_de_nao_entender(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """What a message classified as out of scope or not understood may still be; None when it is neither.

    A short question about the topic just answered goes back to that topic (:mod:`actions.contexto`); a question
    for the operator's phone, address or hours gets the channels; a bare "é urgente!" gets the ways to urgent help.
    """
    assunto = pergunta_sobre_o_assunto(tracker)
    if assunto:
        return reler_no_assunto(tracker, assunto)
    reanalise = atender_pedido_de_reanalise(dispatcher, tracker, tracker.latest_message.get("text") or "")
    if reanalise is not None:
        return reanalise
    if responder_sobre_o_chamado(dispatcher, tracker):
        return []
    if asks_if_anyone_is_there(tracker.latest_message.get("text") or ""):
        # "tem alguém aí?" with no request open was "não entendi".
        dispatcher.utter_message(text=ESTOU_AQUI)
        return []
    if assunto_atual(tracker.events) == "novos_planos" and idades_da_mensagem(tracker.latest_message.get("text")):
        # "somos eu com 51, meu marido 54 e minha filha de 14" after the plans: their prices.
        return reler_no_assunto(tracker, "novos_planos")
    if assunto_atual(tracker.events) == "agendamento_cps" and fala_da_agenda_do_cps(
        tracker.latest_message.get("text") or ""
    ):
        # "com clinico geral" after the CPS answer: the person books and sees the agenda, not the bot.
        dispatcher.utter_message(text=AGENDA_CPS)
        dispatcher.utter_message(response="utter_algo_mais")
        return []
    if pede_negociacao(tracker.latest_message.get("text") or ""):
        # "dá pra parcelar o de novembro?": a person negotiates; the boletos show what is owed.
        return reler_no_assunto(tracker, ActionConsultarFinanceiro.intent)
    if pergunta_composicao(tracker.latest_message.get("text") or ""):
        # "pq o de dezembro tá mais caro que o de setembro?": the boleto's composition.
        return reler_no_assunto(tracker, ActionConsultarFinanceiro.intent)
    if informa_pagamento(tracker.latest_message.get("text") or ""):
        # "paguei sábado no app do banco": a payment to look for among the boletos.
        return reler_no_assunto(tracker, ActionConsultarFinanceiro.intent)
    texto = tracker.latest_message.get("text") or ""
    if len(texto.split()) <= 12 and _INSULTO.search(strip_accents(texto).lower()):
        dispatcher.utter_message(text=IRRITACAO)
        return []
    if not re.search(r"\w", texto) and any(ord(c) > 0x2000 for c in texto):  # "??" is no emoji
        dispatcher.utter_message(text=SO_EMOJIS)
        return []
    if permissao := permissao_de_outra_pessoa(texto, identificado=beneficiario_identificado(tracker) is not None):
        # u26: José's "sou o marido dela, ela deixou", to see his wife's data, was "não entendi".
        dispatcher.utter_message(text=permissao)
        return []
    if pergunta_envio_de_documento(texto):
        # "e o relatorio do medico eu mando como? por aqui?": not here, and where.
        dispatcher.utter_message(text=ENVIO_POR_AQUI)
        dispatcher.utter_message(response="utter_algo_mais")
        return []
    if pede_urgencia(texto):
        dispatcher.utter_message(text=URGENCIA)
        dispatcher.utter_message(response="utter_algo_mais")
        return []
    evento = evento_de_vida(texto) or pedido_sobre_pagamento(texto)
    if evento:
        # "o titular faleceu", "vcs aceitam pix?": the rules, the same for everyone.
        dispatcher.utter_message(text=evento)
        dispatcher.utter_message(response="utter_algo_mais")
        return []
    if pergunta_dut(texto):
        # "o que é DUT?" after reading a denial's reason.
        dispatcher.utter_message(text=DUT)
        dispatcher.utter_message(response="utter_algo_mais")
        return []
    geral = orientacao_sem_cadastro(texto) or (REDE_CREDENCIADA if pergunta_rede(texto) else None)
    if geral:
        dispatcher.utter_message(text=geral)
        dispatcher.utter_message(response="utter_algo_mais")
        return []
    if pergunta_contato(texto):
        dispatcher.utter_message(response="utter_falar_atendente")
        dispatcher.utter_message(response="utter_algo_mais")
        return []
    return None


_ENVIO = re.compile(
    r"\b(?:mand\w*|envi\w*|anex\w*|encaminh\w*|entreg\w*)\b.{0,40}\b(?:document\w*|relatorio|laudo|recibo|nota|"
    r"comprovante|receita|exames?|pedido medico|foto|arquivo|pdf)s?\b|"
    r"\b(?:document\w*|relatorio|laudo|recibo|comprovante|foto|arquivo)s?\b.{0,40}\b(?:mando|envio|anexo|"
    r"encaminho|entrego|mandar|enviar|anexar)\b"
)
ENVIO_POR_AQUI = (
    f"Por aqui eu só leio mensagens de texto. {ENVIO_DE_DOCUMENTOS} Num pedido que já tem protocolo, cite o "
    "número dele. Se já enviou e o pedido continua aguardando documentos, digite 0 para falar com um atendente."
)


def pergunta_envio_de_documento(texto: str) -> bool:
    """Whether a message asks how (or says it tried) to send a document.

    >>> pergunta_envio_de_documento("e o relatorio do medico eu mando como? por aqui?")
    True
    >>> pergunta_envio_de_documento("quero mandar o laudo do medico como faço")
    True
    >>> pergunta_envio_de_documento("quais documentos preciso pro reembolso?")
    False
    """
    return bool(_ENVIO.search(strip_accents(texto).lower()))


class ActionAgradecimento(Action):
    """Thanks get "de nada"; "obrigada, já resolvi, pode cancelar" withdraws a request first (actions.turno)."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_agradecimento"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer the thanks."""
        dispatcher.utter_message(response="utter_de_nada")
        return []


class ActionFallback(Action):
    """First miss: ask to rephrase. Second miss in a row: the menu and a person."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer a message the NLU could not classify with confidence."""
        entendido = antes_de_nao_entender(dispatcher, tracker)
        if entendido is not None:
            return entendido
        if fallbacks_seguidos(tracker.events) <= 1:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text="Ainda não consegui entender. Veja as opções abaixo ou digite 0 para falar com um atendente."
        )
        dispatcher.utter_message(response="utter_menu")
        return []


class ActionForaDeEscopo(Action):
    """Out of scope, unless it is a short question about the topic the conversation is in."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_fora_de_escopo"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer inside the current topic, or say what the bot can help with and show the menu."""
        entendido = antes_de_nao_entender(dispatcher, tracker)
        if entendido is not None:
            return entendido
        dispatcher.utter_message(response="utter_fora_de_escopo")
        dispatcher.utter_message(response="utter_menu")
        return []


# A short message whose two likeliest topics include the one being talked about is about that one.
_MAX_PALAVRAS_NO_ASSUNTO = 6


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
        """Ask which of the two likeliest topics the user meant, unless no topic's data answers the question."""
        texto = tracker.latest_message.get("text") or ""
        geral = orientacao_sem_cadastro(texto) or evento_de_vida(texto)
        if geral:
            # "tô em Salvador e passei mal, o plano cobre?", "o titular morreu, como fica o dependente?" were between
            # two options; neither answers them.
            dispatcher.utter_message(text=geral)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        primeiro = primeiro_pedido(texto)
        if primeiro and outros_pedidos(texto, primeiro):
            # "preciso da 2ª via do boleto, ver meu reembolso e o informe do IR" asked which of two of the three:
            # the first named is answered, and its answer offers the others by their digits.
            return reler_no_assunto(tracker, primeiro)
        ranking = opcoes_de_esclarecimento(tracker.latest_message.get("intent_ranking"))
        assunto = assunto_atual(tracker.events)
        if assunto in ranking and len(texto.split()) <= _MAX_PALAVRAS_NO_ASSUNTO:
            # "como eu peço?" right after the authorizations, between them and the card: the topic the person is in.
            return reler_no_assunto(tracker, assunto)
        if len(ranking) < 2:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text="Quero entender direito. Seu pedido é sobre qual destes assuntos?",
            buttons=[{"title": rotulo(intent), "payload": f"/{intent}"} for intent in ranking],
        )
        dispatcher.utter_message(text="Se não for nenhum dos dois, escreva com outras palavras.")
        return []


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
        texto = strip_accents(tracker.latest_message.get("text") or "").lower()
        if obito_dito := obito_dito_antes(tracker.events):
            # u17: "qual o prazo pra avisar?" after the rules for a death got the plans on sale (the topic the
            # death was classified in): the part of those rules it asks about.
            dispatcher.utter_message(text=depois_do_obito(texto, obito_dito))
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if assunto is None and _depois_do_cancelamento(tracker.events) and _FAMILIA.search(texto):
            # "e a minha filha continua?" after the cancellation rules: the dependants' part of them.
            dispatcher.utter_message(text=DEPENDENTES_NO_CANCELAMENTO)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if assunto is None and _depois_do_cancelamento(tracker.events) and _VOLTAR.search(texto):
            # u17: "e se eu cancelar e quiser voltar depois?" after the cancellation rules: "Sobre qual assunto?".
            dispatcher.utter_message(text=VOLTAR_DEPOIS_DO_CANCELAMENTO)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if assunto is None and responder_sobre_o_chamado(dispatcher, tracker):
            # u17: "e quanto tempo demora?" right after the desk's protocol: that request's deadline.
            return []
        if assunto is None and tracker.get_slot("tele_protocolo") and precisa_hoje(texto):
            # u26: "e se precisar do antibiotico hoje ainda?" after a request to the desk: "Sobre qual assunto?".
            dispatcher.utter_message(text=hoje_sem_esperar(tracker.get_slot("tele_nif")))
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if assunto is None:
            dispatcher.utter_message(
                text="Sobre qual assunto é a sua pergunta? Escreva o assunto ou digite *menu* para ver as opções."
            )
            return []
        return reler_no_assunto(tracker, assunto)


VOLTAR_DEPOIS_DO_CANCELAMENTO = (
    "Pode voltar: o titular autopatrocinado pode se inscrever de novo a qualquer tempo, cumprindo as carências de uma "
    "nova adesão (Art. 20, §5º, do Regulamento); a cobertura parcial temporária é contada de novo, por inteiro "
    "(Art. 62)."
)
_VOLTAR = re.compile(r"\b(?:volt\w*|retorn\w*|reingress\w*|entrar de novo|aderir de novo|me inscrever de novo)\b")
DEPENDENTES_NO_CANCELAMENTO = (
    "Não: o cancelamento do titular exclui também os dependentes diretos (Art. 26, §1º, do Regulamento). Para um "
    "plano só para ela ou ele, veja os planos à venda: digite 7. Para cancelar só a inscrição de um dependente, o "
    "titular pede a exclusão dele (Art. 26) e os outros continuam."
)
_FAMILIA = re.compile(
    r"\b(?:filh[oa]s?|esposa|esposo|marido|mulher|dependentes?|familia|ela|ele|eles|elas|criancas?|neto|neta|"
    r"os outros|a gente)\b"
)


def _depois_do_cancelamento(events: List[Dict[str, Any]]) -> bool:
    """Whether the message before the latest one asked to cancel the plan."""
    pedidos = [e for e in events if e.get("event") == "user"][:-1]
    anterior = (pedidos[-1].get("parse_data", {}).get("intent") or {}).get("name") if pedidos else None
    return anterior == "cancelar_plano"
