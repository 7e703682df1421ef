"""The phone IVR ("URA digital") through Twilio Voice: keypad and speech in Portuguese, answers for the ear.

Webhook: ``POST /webhooks/ura/webhook`` (the "A call comes in" URL of the Twilio number). Each request is one
step of the call; the step and the count of silences travel in the Gather's action URL, which Twilio signs.
"""

from __future__ import annotations

import json
import logging
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any, Dict, List
from urllib.parse import urlencode

from rasa.core.channels.channel import InputChannel
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from actions.identificacao_fluxo import IDENTIFICACAO_CONFIRMADA
from bot.canais import Canal
from bot.channels.common import (
    OnNewMessage,
    conversation_stores,
    form_fields,
    latest_bot_messages,
    run_bot,
    twilio_signature_ok,
    twilio_signing_token,
)
from bot.channels.render import menu_options, message_texts, render_for_ear
from bot.channels.sms import deliver_texts, make_sms_sender
from bot.menu import OPCOES
from bot.nlu.parsing import strip_accents
from bot.nlu.spoken_numbers import spoken_numbers
from bot.nlu.symptoms import is_urgent
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

ENTRY = (
    "Olá! Você ligou para a Cemig Saúde. "
    "Digite 1 para o atendimento automático ou 0 para falar com um atendente."
)
AUTOMATED_HINT = (
    "A qualquer momento, diga repetir para ouvir de novo, tecle asterisco para voltar ao menu ou 0 para falar com "
    "um atendente."
)
GOODBYE = "Obrigado por ligar para a Cemig Saúde. Até logo!"
# u16: "repete por favor", "fala mais devagar" (read as a goodbye: the caller was logged out) got "Desculpe, não
# entendi"; the caller hears the last answer again instead.
_REPEAT = re.compile(
    r"\b(?:repet\w*|de novo|outra vez|mais devagar|devagar|nao (?:entendi|ouvi)|pode falar de novo)",
    re.IGNORECASE,
)
# "espera que vou pegar uma caneta", "um momento que vou anotar": the caller goes for a pen; the bot waits (u16
# replayed the answer; u22: at once, with the caller away).
_WAIT = re.compile(
    r"\b(?:espera|espere|perai|um (?:momento|minuto|instante)|so um)\b.{0,40}\b(?:caneta|papel|anotar|lapis)\b",
    re.IGNORECASE,
)
# u24: "pronto" spoke to men only.
WAITING = "Tudo bem, eu espero. Quando puder anotar, diga repetir."
STILL_WAITING = "Estou aqui esperando. Quando puder anotar, diga repetir."
# How many silences in a row a caller who asked to wait is waited for (each one the IVR's timeout long).
MAX_WAITS = 4
# A longer sentence with "de novo" is a request ("quero pedir de novo o reembolso da consulta"), not a repeat.
_REPEAT_WORDS = 9
# u16: the reimbursement how-to, read aloud, ran for three minutes in one breath: a long answer is said in parts
# of about this many characters (some 45 seconds), each ending with how to hear the next.
SPOKEN_PART_CHARS = 700
CONTINUE_HINT = "Para continuar ouvindo, diga continuar ou tecle 9."
# The bot's bare "I did not understand" (utter_ask_rephrase, utter_default, the IVR's own): nothing to hear again.
# "Não entendi a data. Informe…" asks something, and is heard again like any question.
_NOT_UNDERSTOOD_BEFORE = re.compile(
    r"^\W*(?:desculpe, nao (?:entendi|consegui entender)\. pode (?:escrever|dizer) de outra forma|"
    r"nao entendi\. tecle asterisco)"
)
CONTINUE_KEY = "9"  # no menu of the bot has a ninth option
_CONTINUE = re.compile(r"^\W*(?:continu\w*|segue|seguir|pode (?:seguir|continuar)|prossig\w*|sim)\W*$", re.IGNORECASE)
_CONTINUE_WORD = re.compile(r"^\W*continu\w*\W*$", re.IGNORECASE)
# The question at the end of every answer: a caller who goes quiet there is done, not waiting for a person.
_ALGO_MAIS = "Posso ajudar em algo mais?"
NO_INPUT = "Não recebi sua resposta."
INVALID = "Opção inválida."
ANSWER_ENDED = "Essa resposta já terminou."
NOT_UNDERSTOOD = "Não entendi. Tecle asterisco para ouvir o menu ou 0 para falar com um atendente."
TRANSFER = "Vou transferir sua ligação para um atendente. Aguarde um instante, por favor."
FAILURE = "Desculpe, tive um problema para consultar seus dados."
ENDED = {"completed", "busy", "failed", "no-answer", "canceled"}
# The menu's options (bot/menu.py), as the attendant will read them in the transfer data.
OPTIONS = {opcao.intent: opcao.linha for opcao in OPCOES if opcao.digito != "0"}
_PERSON = re.compile(r"\b(atendente|pessoa|humano|operador|zero)\b", re.IGNORECASE)
_AUTOMATED = re.compile(r"^\s*(1|um|autom[aá]tico|atendimento autom[aá]tico)\s*\.?\s*$", re.IGNORECASE)
_PROTOCOL = re.compile(r"protocolo\D{0,40}?(\d(?:[ .\-]?\d){19})(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Collected:
    """What the IVR knows when it transfers: the attendant gets it instead of asking again."""

    canal: str
    chamada: str
    telefone: str
    identificado: bool
    beneficiario_id: int | None
    beneficiario_nome: str | None
    opcao: str | None
    protocolo: str | None
    motivo: str


class MemoryTransfers:
    """The data of recent transfers in this process (one replica), the oldest dropped after ``limit``."""

    def __init__(self, limit: int = 1000) -> None:
        self._items: "OrderedDict[str, Collected]" = OrderedDict()
        self._limit = limit

    def put(self, call: str, collected: Collected) -> None:
        """Keep what was collected on ``call``."""
        self._items[call] = collected
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def get(self, call: str) -> Collected | None:
        """What was collected on ``call``, or None."""
        return self._items.get(call)


class RedisTransfers:
    """The data of recent transfers in Redis (``REDIS_URL``): the whisper may reach another replica.

    Args:
        url: The Redis URL.
        ttl: Seconds a transfer is kept (Twilio fetches the whisper seconds after the transfer).
    """

    def __init__(self, url: str, ttl: int = 3600) -> None:
        from redis import Redis

        self._redis = Redis.from_url(url, socket_timeout=2)
        self._ttl = ttl

    def put(self, call: str, collected: Collected) -> None:
        """Keep what was collected on ``call``, for ``ttl`` seconds."""
        self._redis.set(f"atende:ura:transferencia:{call}", json.dumps(asdict(collected)), ex=self._ttl)

    def get(self, call: str) -> Collected | None:
        """What was collected on ``call``, or None."""
        found = self._redis.get(f"atende:ura:transferencia:{call}") if call else None
        return Collected(**json.loads(found)) if found else None


def make_transfer_store(settings: Settings) -> "MemoryTransfers | RedisTransfers":
    """Redis when ``REDIS_URL`` is set (several replicas), else this process's memory."""
    return RedisTransfers(settings.redis_url) if settings.redis_url else MemoryTransfers()


def gather_twiml(spoken: List[str], action: str, voice: str, timeout: int, single_key: bool) -> VoiceResponse:
    """Say ``spoken`` and listen for keys or Portuguese speech; ``#`` ends a number, silence comes back empty.

    Args:
        spoken: Sentences to say, in order.
        action: Where Twilio posts what it heard.
        voice: A Portuguese voice, e.g. ``Polly.Camila``.
        timeout: Seconds of silence before giving up (also between keys).
        single_key: True for a menu of one-digit options: the first key is the answer.
    """
    twiml = VoiceResponse()
    gather = Gather(
        input="dtmf speech",
        language="pt-BR",
        finish_on_key="#",
        action=action,
        method="POST",
        timeout=timeout,
        speech_timeout="2",
        action_on_empty_result=True,
        num_digits=1 if single_key else None,
    )
    for sentence in spoken:
        gather.say(sentence, language="pt-BR", voice=voice)
    twiml.append(gather)
    return twiml


def hangup_twiml(spoken: List[str], voice: str) -> VoiceResponse:
    """Say ``spoken`` and end the call."""
    twiml = VoiceResponse()
    for sentence in spoken:
        twiml.say(sentence, language="pt-BR", voice=voice)
    twiml.hangup()
    return twiml


def transfer_twiml(settings: Settings, collected: Collected, spoken: List[str], whisper_url: str) -> VoiceResponse:
    """Say ``spoken`` and hand the call to the attendants, with what was collected.

    ATENDE_IVR_TRANSFER=enqueue: a TaskRouter workflow SID (``WW...``) gets the data as the task's attributes;
    a plain queue name gets the call only. ATENDE_IVR_TRANSFER=dial: ``sip:`` gets ``X-Atende-*`` headers,
    ``client:NAME`` gets ``<Parameter>``s, and a phone number hears a summary (whisper) before it connects.
    """
    twiml = VoiceResponse()
    for sentence in spoken:
        twiml.say(sentence, language="pt-BR", voice=settings.ivr_voice)
    target = settings.ivr_transfer_target.strip()
    data = {key: value for key, value in asdict(collected).items() if value not in (None, "")}
    if settings.ivr_transfer.strip().lower() == "dial":
        dial = twiml.dial()
        flat = {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in data.items()}
        if target.startswith("sip:"):
            headers = urlencode({f"X-Atende-{key.replace('_', '-').title()}": value for key, value in flat.items()})
            dial.sip(f"{target}{'&' if '?' in target else '?'}{headers}")
        elif target.startswith("client:"):
            client = dial.client()
            client.identity(target.split(":", 1)[1])
            for key, value in flat.items():
                client.parameter(name=key, value=value)
        else:
            dial.number(target, url=whisper_url)
    elif target.startswith("WW"):
        twiml.enqueue(workflow_sid=target).task(json.dumps(data, ensure_ascii=False))
    else:
        twiml.enqueue(target or "atendimento")
    return twiml


def whisper_text(collected: Collected) -> str:
    """What an attendant hears before a dialled call connects."""
    parts = ["Chamada da URA."]
    if collected.identificado:
        parts.append(f"Beneficiário identificado: {collected.beneficiario_nome or collected.beneficiario_id}.")
    else:
        parts.append("Beneficiário não identificado.")
    if collected.opcao:
        parts.append(f"Última opção: {collected.opcao.split(' - ', 1)[-1]}.")
    if collected.protocolo:
        parts.append(f"Protocolo: {collected.protocolo}.")
    return render_for_ear(" ".join(parts))


def entry_choice(digits: str, speech: str) -> str | None:
    """The first answer of the call as a message for the bot: ``menu``, ``0`` (a person), speech, or None."""
    if digits:
        if digits not in ("1", "0") and digits in {opcao.digito for opcao in OPCOES}:
            # u22: "5", the WhatsApp menu's option for authorizations, at the welcome was "Opção inválida": the
            # caller who knows the option goes straight to it.
            return digits
        return {"1": "menu", "0": "0"}.get(digits)
    if _PERSON.search(speech):
        return "0"
    return "menu" if _AUTOMATED.match(speech) else speech or None


_LIST_NUMBER = re.compile(r"\d{1,2}[.)]")


def _sentences(message: str) -> List[str]:
    """The sentences of a message, a list's number ("3.") joined to the item it opens."""
    sentences: List[str] = []
    for piece in (p for p in re.split(r"(?<=[.!?])\s+", message.strip()) if p):
        if sentences and _LIST_NUMBER.fullmatch(sentences[-1].rsplit(" ", 1)[-1]):
            number = sentences[-1].rsplit(" ", 1)
            # "… carimbado. 3." is the end of one item and the number of the next.
            if len(number) == 2:
                sentences[-1] = number[0]
                sentences.append(f"{number[1]} {piece}")
            else:
                sentences[-1] = f"{sentences[-1]} {piece}"
            continue
        sentences.append(piece)
    return sentences


def spoken_parts(spoken: List[str], limit: int = SPOKEN_PART_CHARS) -> List[List[str]]:
    """Cut what is to be said into parts of at most about ``limit`` characters.

    Each part is a list of messages to say in order. Messages are kept whole where they fit; a longer one is cut
    at the ends of its sentences (a sentence longer than ``limit`` is a part of its own).

    >>> spoken_parts(["Olá.", "Escolha."])
    [['Olá.', 'Escolha.']]
    >>> parts = spoken_parts(["Uma frase longa. " * 50, "Posso ajudar em algo mais?"], limit=300)
    >>> [sum(map(len, part)) for part in parts], parts[-1][-1]
    ([288, 288, 297], 'Posso ajudar em algo mais?')

    A list's number stays with its item (u24: a part ended in "… carimbado. 3." and the next began mid-item):

    >>> spoken_parts(["Documentos. 1. Um item longo. 2. Outro item. 3. Conta."], limit=40)
    [['Documentos. 1. Um item longo.'], ['2. Outro item. 3. Conta.']]
    """
    parts: List[List[str]] = [[]]
    size = 0

    def add(text: str, same_message: bool) -> None:
        nonlocal size
        if parts[-1] and size + len(text) > limit:
            parts.append([])
            size = 0
            same_message = False
        if same_message and parts[-1]:
            parts[-1][-1] = f"{parts[-1][-1]} {text}"
        else:
            parts[-1].append(text)
        size += len(text) + 1

    for message in spoken:
        if len(message) <= limit:
            add(message, same_message=False)
            continue
        for position, sentence in enumerate(_sentences(message)):
            add(sentence, same_message=position > 0)
    return parts


def is_single_key_menu(texts: List[str]) -> bool:
    """True when the last message is a menu whose options are all one digit."""
    options = menu_options(texts[-1]) if texts else []
    return bool(options) and all(len(number) == 1 for number, _ in options)


class UraInput(InputChannel):
    """Twilio Voice input channel: signed requests only; the same dialogue as the chat channels, spoken.

    Args:
        settings: Configuration (Twilio token, public URL, voice, transfer).
    """

    @classmethod
    def name(cls) -> str:
        """Channel name, also the URL prefix (/webhooks/ura)."""
        return Canal.URA.value

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "UraInput":
        """Built from the environment (Settings); credentials.yml holds no secret."""
        return cls(get_settings())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Kept for the whisper of a dialled transfer, which Twilio fetches a moment later (maybe from another replica).
        self.transfers = make_transfer_store(settings)
        self.sms = make_sms_sender(settings)
        if not twilio_signing_token(settings):
            logger.error("ura: ATENDE_PUBLIC_URL definido sem TWILIO_AUTH_TOKEN; toda ligação será recusada")

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes: health, the call webhook and the whisper of a dialled transfer."""
        ura = Blueprint("atende_ura", __name__)

        @ura.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @ura.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not twilio_signature_ok(request, self.settings):
                logger.warning("ura: assinatura inválida de %s", request.ip)
                return response.text("assinatura inválida", status=403)
            return xml(await self._step(request, on_new_message))

        @ura.route("/sussurro", methods=["POST"])
        async def whisper(request: Request) -> HTTPResponse:
            if not twilio_signature_ok(request, self.settings):
                return response.text("assinatura inválida", status=403)
            twiml = VoiceResponse()
            collected = self.transfers.get(request.args.get("chamada", ""))
            if collected:
                twiml.say(whisper_text(collected), language="pt-BR", voice=self.settings.ivr_voice)
            return xml(twiml)

        return ura

    async def _step(self, request: Request, on_new_message: OnNewMessage) -> VoiceResponse:
        form = form_fields(request)
        call = form.get("CallSid") or ""
        if not call or (form.get("CallStatus") or "").lower() in ENDED:
            return VoiceResponse()  # a status callback: the call is over
        stage = request.args.get("etapa")
        silences = 1 if request.args.get("silencio") == "1" else 0
        digits = (form.get("Digits") or "").strip().rstrip("#")
        # "quatro", "cinco dois nove…", "doze de março de mil novecentos…": the numbers a caller says, in digits.
        speech = spoken_numbers((form.get("SpeechResult") or "").strip())
        if not digits and re.fullmatch(r"\d+", speech.strip(" .")):
            # u20: "nove" said after a long answer's part was "não entendi"; a number said is a key pressed.
            digits, speech = speech.strip(" ."), ""
        sender = f"ura:{call}"
        if stage is None:
            return self._gather(request, [ENTRY], "entrada", 0, single_key=True)
        if not digits and not speech:
            parte = int(request.args.get("parte") or 0)
            esperas = int(request.args.get("espera") or 0)
            if 0 < esperas < MAX_WAITS:
                # u23: "Tudo bem, eu espero", then two silences while the caller looked for a pen: "Posso ajudar em
                # algo mais?" and the call hung up 12 seconds later. Quiet is what waiting sounds like.
                return self._gather(request, [STILL_WAITING], stage, 0, single_key=True, parte=parte,
                                    espera=esperas + 1)
            if parte and stage != "entrada":
                # u22: a caller waiting quietly for the rest of a long answer heard "Não recebi sua resposta" and
                # never the overdue invoice that came next: a silence there is listening, and the answer goes on.
                said = await self._pending(request, sender)
                spoken = [render_for_ear(text) for text in said] or [NOT_UNDERSTOOD]
                return self._say_parts(request, spoken, said, stage, parte)
            if silences:
                ultima = (await self._pending(request, sender))[-1:]
                # u24: a caller who told of chest pain heard "Ligue 192", then silence after "algo mais?" hung up:
                # after an emergency, a silent line goes to a person (the Central answers 24 hours).
                if _told_an_emergency(await self._tracker(request, sender)):
                    return await self._transfer(request, form, sender, "emergência relatada, sem resposta", [])
                if any(text.startswith(_ALGO_MAIS) or not _asks(text) for text in ultima):
                    # u16: silence after "algo mais?" sent a caller who was done to a person; u22: so did silence
                    # after a registered complaint, which asked nothing.
                    return hangup_twiml([GOODBYE], self.settings.ivr_voice)
                return await self._transfer(request, form, sender, "sem resposta", [])
            if stage == "entrada":
                return self._gather(request, [NO_INPUT, ENTRY], stage, 1, single_key=True)
            # The bot's last message is the question left unanswered; the rest was heard already.
            said = (await self._pending(request, sender))[-1:]
            if said and not _asks(said[-1]):
                # Nothing was asked ("Sua manifestação foi registrada…"): "Não recebi sua resposta" made no sense.
                return self._gather(request, [_ALGO_MAIS], stage, 1, single_key=False)
            spoken = [render_for_ear(text) for text in said] or [NOT_UNDERSTOOD]
            return self._gather(request, [NO_INPUT, *spoken], stage, 1, single_key=is_single_key_menu(said))
        if stage == "entrada":
            text = entry_choice(digits, speech)
            if text is None:  # a wrong key counts like a silence: twice, and a person takes over
                if silences:
                    return await self._transfer(request, form, sender, "opção inválida", [])
                return self._gather(request, [INVALID, ENTRY], "entrada", 1, single_key=True)
        else:
            parte = int(request.args.get("parte") or 0)
            continuing = digits == CONTINUE_KEY or (not digits and _CONTINUE.match(strip_accents(speech)))
            repeating = not digits and len(speech.split()) <= _REPEAT_WORDS and _REPEAT.search(strip_accents(speech))
            # "sim" continues a long answer, but after one it answers the bot's question.
            if not parte and len(digits) == 1 and digits not in "0*":
                menu = (await self._pending(request, sender))[-1:]
                oferecidas = {numero for numero, _ in menu_options(menu[0])} if is_single_key_menu(menu) else set()
                if oferecidas and digits not in oferecidas:
                    # u27: an 8 at the menu was "Desculpe, não entendi", a 9 "Essa resposta já terminou": a key the
                    # menu does not offer is said so, and the menu heard again.
                    return self._gather(request, [INVALID, *(render_for_ear(t) for t in menu)], stage, 0,
                                        single_key=True)
            if not parte and (digits == CONTINUE_KEY or (not digits and _CONTINUE_WORD.match(strip_accents(speech)))):
                # u19: a 9 pressed once too often reached the bot and got "não entendi": the answer had ended.
                # u22: it then replayed a whole 45-second answer to reach its closing question; only the last part
                # is said again ("repetir" still plays it all).
                said = (await self._pending(request, sender))[-1:]
                last = spoken_parts([render_for_ear(text) for text in said])[-1] if said else []
                return self._gather(request, [ANSWER_ENDED, *last], stage, 0, single_key=is_single_key_menu(said))
            if not digits and _WAIT.search(strip_accents(speech)) and len(speech.split()) <= _REPEAT_WORDS:
                # u22: "espera que vou pegar uma caneta" replayed the card number at once, with the caller away.
                return self._gather(request, [WAITING], stage, 0, single_key=True, parte=parte, espera=1)
            said_before = await self._pending(request, sender) if repeating and not parte else []
            if said_before and all(_NOT_UNDERSTOOD_BEFORE.search(strip_accents(t)) for t in said_before):
                # u23: "repete", "hã? não ouvi" after "Desculpe, não entendi" replayed that sentence over and over, and
                # the caller never heard the options again: what is worth hearing again is the menu.
                repeating, speech, digits = False, "menu", ""
            if (parte and continuing) or repeating:
                # The next part of a long answer, or the part just heard (the whole answer when it had one).
                said = await self._pending(request, sender)
                if repeating and not parte:
                    # u25: "repetir" after the boleto replayed "Obrigado, Maria! Identificação confirmada." first.
                    said = [t for t in said if not _CONFIRMED.search(t)] or said
                spoken = [render_for_ear(text) for text in said] or [NOT_UNDERSTOOD]
                return self._say_parts(request, spoken, said, stage, parte if continuing else max(parte - 1, 0))
            text = "menu" if digits == "*" else digits or speech
        try:
            store, _ = conversation_stores(request)
            metadata = {"chamada": call, "telefone": form.get("From") or ""}
            messages = await run_bot(on_new_message, text, sender, self.name(), metadata=metadata, tracker_store=store)
            # A boleto's line asked for by SMS goes to the caller's phone; the call says that it went.
            from_ = self.settings.twilio_sms_from or form.get("To") or ""
            messages = await deliver_texts(messages, self.sms, form.get("From") or "", from_, call)
            answers = message_texts(messages)
        except Exception:  # noqa: BLE001 - the caller still reaches a person when the bot fails
            logger.exception("ura: o bot falhou na chamada %s", call)
            return await self._transfer(request, form, sender, "falha do bot", [FAILURE])
        tracker = await self._tracker(request, sender)
        if text == "0" or _handed_to_a_person(tracker):
            protocol = next((_PROTOCOL.search(a)[1] for a in reversed(answers) if _PROTOCOL.search(a)), None)
            return await self._transfer(request, form, sender, "pedido do beneficiário", [], protocol, tracker)
        spoken = [render_for_ear(answer) for answer in answers] or [NOT_UNDERSTOOD]
        if _latest_intent(tracker) == "despedida" or _said_goodbye(tracker):
            # u16: "tchau, obrigada" got "Até logo!" and the call stayed open until silence sent it to a person.
            return hangup_twiml(spoken, self.settings.ivr_voice)
        if stage == "entrada":
            spoken.append(AUTOMATED_HINT)
        return self._say_parts(request, spoken, answers, "menu", 0)

    def _say_parts(
        self, request: Request, spoken: List[str], texts: List[str], stage: str, index: int
    ) -> VoiceResponse:
        """Say part ``index`` of a long answer, with how to hear the next, or the whole of a short one."""
        parts = spoken_parts(spoken)
        index = min(index, len(parts) - 1)
        if index + 1 < len(parts):
            return self._gather(request, [*parts[index], CONTINUE_HINT], stage, 0, single_key=True, parte=index + 1)
        return self._gather(request, parts[index], stage, 0, single_key=is_single_key_menu(texts))

    def _gather(
        self, request: Request, spoken: List[str], stage: str, silences: int, single_key: bool, parte: int = 0,
        espera: int = 0,
    ) -> VoiceResponse:
        query: Dict[str, Any] = {
            "etapa": stage, "silencio": silences, **({"parte": parte} if parte else {}),
            **({"espera": espera} if espera else {}),
        }
        action = self._url(request, request.path, query)
        return gather_twiml(spoken, action, self.settings.ivr_voice, self.settings.ivr_timeout, single_key)

    def _url(self, request: Request, path: str, query: Dict[str, Any]) -> str:
        # Path-absolute unless published: Twilio resolves it against the URL it called.
        return f"{self.settings.public_url.rstrip('/')}{path}?{urlencode(query)}"

    async def _transfer(
        self,
        request: Request,
        form: Dict[str, str],
        sender: str,
        reason: str,
        spoken: List[str],
        protocol: str | None = None,
        tracker: Any = None,
    ) -> VoiceResponse:
        tracker = tracker or await self._tracker(request, sender)
        slots = tracker.current_slot_values() if tracker is not None else {}
        call = form.get("CallSid") or ""
        collected = Collected(
            canal=self.name(),
            chamada=call,
            telefone=form.get("From") or "",
            identificado=bool(slots.get("identificado")),
            beneficiario_id=int(slots["beneficiario_id"]) if slots.get("beneficiario_id") else None,
            beneficiario_nome=slots.get("beneficiario_nome") if slots.get("identificado") else None,
            opcao=_latest_option(tracker),
            protocolo=re.sub(r"\D", "", protocol) if protocol else None,
            motivo=reason,
        )
        self.transfers.put(call, collected)
        logger.info("ura: chamada %s transferida (%s, identificado=%s)", call, reason, collected.identificado)
        said = [*spoken, TRANSFER]
        if collected.protocolo:
            # u17: read once, right before the queue's music, with no pen ready and no way to hear it again.
            numero = render_for_ear(f"{collected.protocolo}.")
            said[:0] = [f"Anote o seu protocolo: {numero}", f"Repetindo: {numero}"]
        whisper = self._url(request, request.path.rsplit("/", 1)[0] + "/sussurro", {"chamada": call})
        return transfer_twiml(self.settings, collected, said, whisper)

    async def _tracker(self, request: Request, sender: str) -> Any:
        # The Rasa server keeps the agent on the app; the tracker says who was identified and what was asked.
        store, _ = conversation_stores(request)
        return await store.retrieve(sender) if store is not None else None

    async def _pending(self, request: Request, sender: str) -> List[str]:
        """What the bot said since the caller last spoke, to say again after a silence."""
        # With the buttons as numbered lines, as the answer was first said (message_texts).
        return message_texts(latest_bot_messages(await self._tracker(request, sender)))


# The identification's thanks, said once: no answer worth hearing again.
_CONFIRMED = re.compile(
    "^" + re.escape(IDENTIFICACAO_CONFIRMADA).replace(re.escape("{nome}"), "[^!]{1,60}") + "$"
)
# "Diga menu para ver as opções" closing an answer offers the menu; it asks nothing (u25: two silences after the
# reimbursement documents, while the caller wrote them down, sent the call to the agents' queue).
_OFFERS_THE_MENU = re.compile(r"\b(?:diga|digite)\s+\*?menu\*?\s+para\s+ver\s+as\s+op[cç][oõ]es\.?", re.IGNORECASE)


def _asks(text: str) -> bool:
    """Whether a message of the bot asks the caller something (a question, or options to choose from)."""
    text = _OFFERS_THE_MENU.sub("", text)
    pede = re.search(r"\b(?:digite|informe|diga|tecle|escolha|responda)\b", text, re.IGNORECASE)
    return "?" in text or is_single_key_menu([text]) or bool(pede)


def _told_an_emergency(tracker: Any) -> bool:
    """Whether the caller told of an emergency sign during the call."""
    events = tracker.events if tracker is not None else []
    return any(isinstance(event, UserUttered) and is_urgent(event.text or "") for event in events)


def _handed_to_a_person(tracker: Any) -> bool:
    """Whether the bot handed the conversation to a person since the caller last spoke.

    Not the intent: "o atendente nunca me ligou de volta", told to the Ombudsman, is read as ``falar_atendente``
    but registered as the complaint it is (u17), and the caller must hear the protocol, not a queue.
    """
    for event in reversed(tracker.events if tracker is not None else []):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == "action_falar_atendente":
            return True
    return False


def _said_goodbye(tracker: Any) -> bool:
    """Whether the bot's answer to the caller's last words was the goodbye ("não, obrigada" after "algo mais?").

    u17: the goodbye was said, the line stayed open, and the silence that followed sent the caller to a person.
    """
    for event in reversed(tracker.events if tracker is not None else []):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get("utter_action") == "utter_despedida":
            return True
    return False


def _latest_intent(tracker: Any) -> str | None:
    return (tracker.latest_message.intent or {}).get("name") if tracker is not None else None


def _latest_option(tracker: Any) -> str | None:
    for event in reversed(tracker.events if tracker is not None else []):
        if isinstance(event, UserUttered) and (event.intent or {}).get("name") in OPTIONS:
            return OPTIONS[event.intent["name"]]
    return None


def xml(twiml: VoiceResponse) -> HTTPResponse:
    """TwiML as an HTTP answer."""
    return response.text(str(twiml), content_type="text/xml")
