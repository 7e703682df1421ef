"""What the three channels share.

Secrets with their development defaults, request checks, de-duplication, the local outbox, and running one
message through the bot.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Hashable, List, Set
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic.request import Request
from twilio.request_validator import RequestValidator

from actions.sinais import SINAIS_DE_EMERGENCIA, SINAIS_DE_EMERGENCIA_PT
from bot.canais import ENVIO_DE_DOCUMENTOS, ORIGEM_PAINEL, TELEFONE_24H, pais_do_remetente
from bot.channels.waiting import answer_while_waiting, protocol_waited_on, record_answers
from bot.nlu.handoff import while_waiting
from bot.nlu.parsing import typed_choice, with_dictated_identifiers
from bot.nlu.symptoms import is_urgent
from bot.settings import Settings

logger = logging.getLogger(__name__)

# Development defaults, public on purpose (docs/canais.md): used only while the real variable is unset AND the
# server is not published (no ATENDE_PUBLIC_URL), so that `atende simulate` can sign requests on a laptop.
DEV_TWILIO_ACCOUNT_SID = "AC" + "0" * 32
DEV_TWILIO_AUTH_TOKEN = "atende-desenvolvimento-twilio"
DEV_TWILIO_WHATSAPP_FROM = "whatsapp:+14155238886"
DEV_TELEGRAM_WEBHOOK_SECRET = "atende-desenvolvimento-telegram"

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
APOLOGY = (
    "Desculpe, não consegui responder agora. Tente de novo em alguns minutos "
    f"ou ligue para a Central de Relacionamento: {TELEFONE_24H}."
)

# WhatsApp's own limit for a message; longer texts are not read (run_bot).
MAX_MESSAGE_CHARS = 4096
# A webhook's body: a form or an update with one such message fits many times over.
MAX_BODY_BYTES = 64 * 1024
TOO_LONG = (
    "Sua mensagem é longa demais para eu ler (limite de 4.096 caracteres). "
    "Envie em partes menores ou escreva em poucas palavras o que precisa."
)
BODY_TOO_LARGE = "Pedido grande demais: o limite é de 64 KiB."

DOCUMENTS_HINT = f" {ENVIO_DE_DOCUMENTOS}"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def no_text_answer(kind: str, menu: str, pendente: str | None = None) -> str:
    """The answer to a message without text (photo, sticker, location...).

    Args:
        kind: What arrived, e.g. ``"sua foto"``.
        menu: How to ask for the menu on this channel, e.g. ``"digite *menu*"``.
        pendente: The question the bot is waiting an answer to, asked again (u19: a photo sent at the CPF
            question got "Escreva sua dúvida" and the question was lost).

    >>> no_text_answer("sua imagem", "digite *menu*", "Informe seu CPF (11 dígitos).").split(". ", 1)[1]
    'Para continuar, responda por escrito: Informe seu CPF (11 dígitos).'
    """
    if pendente:
        return f"Recebi {kind}, mas por aqui só consigo ler mensagens de texto. Para continuar, responda por " \
            f"escrito: {pendente}"
    answer = (
        f"Recebi {kind}, mas por aqui só consigo ler mensagens de texto. "
        f"Escreva sua dúvida ou {menu} para ver as opções."
    )
    # A picture or a file is most often a receipt for a reimbursement: say where those go.
    if any(word in kind for word in ("foto", "imagem", "documento", "arquivo")):
        answer += DOCUMENTS_HINT
    return answer


def twilio_signing_token(settings: Settings) -> str | None:
    """The token that signs Twilio's requests, or None when none may be accepted.

    A published server (ATENDE_PUBLIC_URL set) without TWILIO_AUTH_TOKEN refuses everything rather than trust
    the public development default.
    """
    if settings.twilio_auth_token:
        return settings.twilio_auth_token
    return None if settings.public_url else DEV_TWILIO_AUTH_TOKEN


def telegram_webhook_secret(settings: Settings) -> str | None:
    """The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token, or None when none may be accepted."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    return None if settings.public_url else DEV_TELEGRAM_WEBHOOK_SECRET


def public_request_url(request: Request, settings: Settings) -> str:
    """The URL the caller used: ATENDE_PUBLIC_URL + path (+ query) when set, since a proxy hides it."""
    if not settings.public_url:
        return request.url
    query = f"?{request.query_string}" if request.query_string else ""
    return f"{settings.public_url.rstrip('/')}{request.path}{query}"


def form_fields(request: Request) -> Dict[str, str]:
    """The form fields of a request, one value each, as Twilio signs them.

    Blank fields count: Twilio signs ``Body=`` of a photo without caption, and Sanic's ``request.form`` drops it.
    """
    if (request.content_type or "").startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    form = request.form or {}
    return {key: form.get(key) for key in form}


def twilio_signature_ok(request: Request, settings: Settings) -> bool:
    """True when X-Twilio-Signature matches this request (URL and form fields) for the configured token."""
    token = twilio_signing_token(settings)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = public_request_url(request, settings)
    return RequestValidator(token).validate(url, form_fields(request), signature)


def secret_ok(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of a shared secret; nothing matches a missing secret."""
    return bool(expected) and hmac.compare_digest((given or "").encode(), expected.encode())


class SeenCache:
    """Remembers keys (MessageSid, update_id) for a while, to answer each delivery once.

    Bounded and in memory: Twilio and Telegram retry within minutes, and only the action server touches the
    database. A restart forgets it; a retry that arrives just after a restart could be answered twice.

    Args:
        ttl: Seconds a key is remembered.
        max_size: Keys kept at most; the oldest go first.
        clock: Monotonic clock (tests pass their own).
    """

    def __init__(self, ttl: float = 3600.0, max_size: int = 50_000, clock: Callable[[], float] = time.monotonic):
        self._ttl, self._max_size, self._clock = ttl, max_size, clock
        self._seen: "OrderedDict[Hashable, float]" = OrderedDict()

    def first_time(self, key: Hashable) -> bool:
        """Record ``key``; True if it was not seen within the TTL."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._ttl:
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        # Make room only for a new key: a full cache must still recognise a retry of its oldest key.
        while len(self._seen) >= self._max_size:
            self._seen.popitem(last=False)
        self._seen[key] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)


class RedisSeen:
    """:class:`SeenCache` shared by every replica: ``SET NX`` with expiry in Redis (``REDIS_URL``).

    The same Twilio retry posted to two replicas at once is answered by one of them only.

    Args:
        url: The Redis URL.
        namespace: Keeps each channel's keys apart.
        ttl: Seconds a key is remembered.
    """

    def __init__(self, url: str, namespace: str, ttl: int = 3600) -> None:
        from redis import Redis
        from redis.exceptions import RedisError

        self._redis = Redis.from_url(url, socket_timeout=2)
        self._unreachable = RedisError
        self._prefix = f"atende:visto:{namespace}:"
        self._ttl = ttl

    def first_time(self, key: Hashable) -> bool:
        """Record ``key``; True if no replica saw it within the TTL, or if Redis cannot be reached.

        With Redis down the message is answered (perhaps twice, if it was a retry) rather than refused with
        a 500: Twilio does not send an incoming message again, so a refusal would lose it.
        """
        try:
            return bool(self._redis.set(f"{self._prefix}{key}", 1, nx=True, ex=self._ttl))
        except self._unreachable as error:
            logger.error("redis inacessível ao conferir mensagem repetida (%s): respondendo mesmo assim", error)
            return True


def make_seen_cache(settings: Settings, namespace: str) -> "SeenCache | RedisSeen":
    """Redis when ``REDIS_URL`` is set (several replicas), else this process's memory."""
    return RedisSeen(settings.redis_url, namespace) if settings.redis_url else SeenCache()


def conversation_stores(request: Request) -> tuple[Any, Any]:
    """Rasa's tracker store and lock store behind ``request`` (None, None while the server has no agent)."""
    agent = getattr(request.app.ctx, "agent", None)
    return getattr(agent, "tracker_store", None), getattr(agent, "lock_store", None)


async def read_conversation(tracker_store: Any, sender: str) -> Any | None:
    """The conversation's tracker, or None without a store, without the conversation or when it cannot be read.

    Every check the channels make on a conversation (a retry, a pause, a pending question, a button's question)
    decides for itself what "cannot tell" means; none of them may fail the message for it.
    """
    if tracker_store is None:
        return None
    try:
        return await tracker_store.retrieve(sender)
    except Exception:  # noqa: BLE001 - each caller answers without the conversation rather than drop the message
        logger.exception("não foi possível ler a conversa %s", sender)
        return None


async def answered_before(tracker_store: Any, sender: str, message_id: str) -> bool:
    """Whether the conversation already holds this delivery (Rasa keeps each message's id in the tracker).

    The tracker outlives a restart, which the in-memory cache does not: a Twilio retry of a message answered
    before the restart is recognised here.
    """
    # The caches above already said "new": unreadable, the message is answered rather than dropped.
    tracker = await read_conversation(tracker_store, sender) if message_id else None
    if tracker is None:
        return False
    return any(getattr(event, "message_id", None) == message_id for event in tracker.events)


class LocalOutbox:
    """What a channel in local mode would have sent, per incoming message, for `atende simulate` to show.

    Args:
        max_turns: Turns kept; the oldest go first.
    """

    def __init__(self, max_turns: int = 500) -> None:
        self._turns: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
        self._max_turns = max_turns

    def record(self, turn: str, recipient: str, items: List[Any]) -> None:
        """Keep the answers to incoming message ``turn``."""
        self._turns[str(turn)] = {"para": recipient, "mensagens": items}
        while len(self._turns) > self._max_turns:
            self._turns.popitem(last=False)

    def get(self, turn: str) -> Dict[str, Any] | None:
        """The answers to ``turn``, or None while there are none yet."""
        return self._turns.get(str(turn))


class Collector(CollectingOutputChannel):
    """Collects the bot's messages whole (Rasa's collector cuts texts at blank lines).

    Its name is the channel's, so a response in domain.yml may have a variant per channel.
    """

    def __init__(self, channel: str) -> None:
        super().__init__()
        self._channel = channel

    def name(self) -> str:  # type: ignore[override]
        """The channel's name."""
        return self._channel

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Keep the text as one message."""
        await self._persist_message(self._message(recipient_id, text=text.strip()))


def epoch_arg(request: Request, name: str = "depois") -> float | None:
    """A query argument in seconds since 1970 (0 when absent), or None when it is not a number."""
    try:
        return float(request.args.get(name, "0"))
    except ValueError:
        return None


async def agent_messages(tracker_store: Any, conversation: str, after: float) -> List[Dict[str, Any]]:
    """Messages an agent wrote into ``conversation`` from the console after ``after`` (epoch seconds).

    The console writes each reply into the conversation; in local mode that is the delivery, and
    ``atende simulate`` polls for it through the channel. A negative ``after`` means "since the person last
    wrote": what a phone would show on opening the chat (u15: replies sent while the simulator was closed never
    appeared, though the console said they were delivered).
    """
    tracker = await read_conversation(tracker_store, conversation)
    if after < 0:
        escritas = [e.timestamp for e in (tracker.events if tracker is not None else []) if e.type_name == "user"]
        after = max(escritas, default=0.0)
    found = []
    for event in tracker.events if tracker is not None else []:
        metadata = getattr(event, "metadata", None) or {}
        if getattr(event, "type_name", "") == "bot" and metadata.get("origem") == ORIGEM_PAINEL:
            if event.timestamp > after and event.text:
                found.append({"texto": event.text, "quando": event.timestamp, "agente": metadata.get("agente", "")})
    return found


def conversation_id(channel: str, sender: str) -> str:
    """The conversation of ``sender`` on ``channel``, in that channel's own namespace.

    No channel can name another's conversation: a REST caller who says it is ``whatsapp:+55...`` gets
    ``rest:whatsapp:+55...``, a conversation of its own.

    >>> conversation_id("rest", "abc"), conversation_id("rest", "whatsapp:+5531999990000")
    ('rest:abc', 'rest:whatsapp:+5531999990000')
    >>> conversation_id("whatsapp", "whatsapp:+5531999990000"), conversation_id("whatsapp", "+5531999990000")
    ('whatsapp:+5531999990000', 'whatsapp:+5531999990000')
    """
    prefix = f"{channel}:"
    return sender if sender.startswith(prefix) else prefix + sender


def as_plain_text(text: str) -> str:
    """The user's text as text: no leading ``/``, which Rasa would read as an intent typed by hand.

    >>> as_plain_text('/informar_identificacao{"cpf": "1"}'), as_plain_text("/restart"), as_plain_text(" oi ")
    ('informar_identificacao{"cpf": "1"}', 'restart', 'oi')
    """
    return text.replace("\x00", "").strip().lstrip("/").strip()


async def chosen_button(tracker_store: Any, sender: str, text: str) -> str | None:
    """The payload of the button a digit answer chose, when the bot's last message offered numbered buttons.

    A clarifying question (``action_esclarecer``) offers topics as buttons whose payload is the intent: on
    WhatsApp and the phone the user answers with the digit, on Telegram the button sends it. A web chat on the REST
    channel sends the payload itself, which counts only when it is one of the buttons just offered (any other
    ``/intent`` stays text: nobody chooses an intent the bot did not offer). Anything else is left to the NLU
    (None), so a digit after an ordinary message still means the menu option.
    """
    digits = typed_choice(text)
    typed = text.strip()
    if digits is None and not typed.startswith("/"):
        return None
    # Without the conversation the digit keeps its menu meaning.
    tracker = await read_conversation(tracker_store, sender)
    for event in reversed(tracker.events if tracker is not None else []):
        kind = getattr(event, "type_name", "")
        if kind == "user":
            return None  # only the bot's latest turn counts
        buttons = (getattr(event, "data", None) or {}).get("buttons") if kind == "bot" else None
        if buttons and digits is None:
            offered = {str(button.get("payload", "")) for button in buttons}
            return typed if typed in offered else None
        if buttons:
            index = int(digits) - 1
            payload = str(buttons[index].get("payload", "")) if 0 <= index < len(buttons) else ""
            return payload if payload.startswith("/") else None
    return None


def latest_bot_messages(tracker: Any) -> List[Dict[str, Any]]:
    """What the bot said since the person last wrote, oldest first, as messages (text and buttons).

    The phone says them again on "repetir" or after a silence; Telegram tells a current list's button from a
    button of a question already answered.
    """
    said: List[Dict[str, Any]] = []
    for event in reversed(tracker.events if tracker is not None else []):
        kind = getattr(event, "type_name", "")
        if kind == "user":
            break
        if kind == "bot" and event.text:
            said.insert(0, {**(event.data or {}), "text": event.text})
    return said


async def is_paused(tracker_store: Any, sender: str) -> bool:
    """Whether the conversation waits for a human agent (the bot stays silent on purpose then)."""
    # When in doubt, the bot answers (or apologises) rather than stay silent.
    tracker = await read_conversation(tracker_store, sender)
    return bool(tracker is not None and tracker.is_paused())


async def run_bot(
    on_new_message: OnNewMessage,
    text: str,
    sender: str,
    channel: str,
    message_id: str | None = None,
    metadata: Dict[str, Any] | None = None,
    tracker_store: Any = None,
    lock_store: Any = None,
) -> List[Dict[str, Any]]:
    """Pass one user message to the bot and return its answers (Rasa's message dicts), in order.

    A text over :data:`MAX_MESSAGE_CHARS` is answered here and never parsed (spaCy's tokenizer is superlinear
    on a long word: one such message could stall the server for everyone). A turn that produced no message
    although the conversation is not waiting for an agent means an action failed or timed out (Rasa swallows
    those errors): the user gets :data:`APOLOGY` instead of silence. In a conversation a person has, "menu",
    "já resolvi" or "tem alguém aí?" get the system's answer (:mod:`bot.channels.waiting`).

    Args:
        on_new_message: Rasa's handler.
        text: What the user wrote.
        sender: The conversation id (see :func:`conversation_id`).
        channel: The channel's name.
        message_id: The channel's id of the message.
        metadata: Channel data kept with the message.
        tracker_store: Rasa's tracker store, to tell a paused conversation from a failed turn.
        lock_store: Rasa's lock store, to give a paused conversation back to the bot when the person asks
            (:mod:`bot.channels.waiting`).
    """
    if len(text) > MAX_MESSAGE_CHARS:
        logger.info("%s: mensagem de %d caracteres recusada (%s)", channel, len(text), sender)
        return [{"recipient_id": sender, "text": TOO_LONG}]
    collector = Collector(channel)
    passed: List[str] = []

    async def to_the_bot() -> List[Dict[str, Any]]:
        passed.append(text)
        chosen = await chosen_button(tracker_store, sender, text)
        # A CPF or birth date dictated in words (a transcribed voice message) reaches the bot, and its masking, in
        # digits.
        await on_new_message(
            UserMessage(
                chosen or as_plain_text(with_dictated_identifiers(text)), collector, sender, input_channel=channel,
                message_id=message_id,
                metadata=metadata,
            )
        )
        return collector.messages

    command = None if is_urgent(text) else while_waiting(text)
    if command and await is_paused(tracker_store, sender):
        try:
            return await answer_while_waiting(command, text, sender, to_the_bot, tracker_store, lock_store)
        except Exception:  # noqa: BLE001 - the message must still reach the agent, as it would without the command
            logger.exception("%s: resposta do sistema na espera falhou (%s)", channel, sender)
    if not passed:
        await to_the_bot()
    if not collector.messages and not await is_paused(tracker_store, sender):
        logger.error("%s: nenhuma resposta para %s; pedido de desculpas enviado", channel, sender)
        return [{"recipient_id": sender, "text": APOLOGY}]
    if not collector.messages and is_urgent(text):
        # u23: "meu marido tá com dor no peito" written while waiting for a person got silence: the bot is quiet
        # while an agent has the conversation, but an emergency sign still gets the emergency number at once (the
        # agent reads the message in the conversation, marked as an emergency).
        said = emergency_while_waiting(sender)
        try:
            await record_answers(tracker_store, lock_store, sender, [said])
        except Exception:  # noqa: BLE001 - the emergency number goes out whether or not the agent can see it
            logger.exception("%s: aviso de emergência não gravado na conversa (%s)", channel, sender)
        return [{"recipient_id": sender, "text": said}]
    return collector.messages


def emergency_while_waiting(sender: str) -> str:
    """What a person reads who tells an emergency sign while a person has the conversation."""
    sinais = SINAIS_DE_EMERGENCIA_PT if pais_do_remetente(sender) == "PT" else SINAIS_DE_EMERGENCIA
    return f"{sinais} O atendente também vê a sua mensagem."


_background: Set["asyncio.Task[Any]"] = set()


def spawn(coroutine: Awaitable[Any], what: str) -> "asyncio.Task[Any]":
    """Run ``coroutine`` after the webhook has answered; errors are logged, never lost silently."""

    async def guarded() -> None:
        try:
            await coroutine
        except Exception:  # noqa: BLE001 - a background answer must not take the server down
            logger.exception("falha ao responder %s", what)

    task = asyncio.get_running_loop().create_task(guarded())
    # The loop keeps only weak references to tasks: hold them until they finish.
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


# u15: a photo sent to an agent who had just asked for a document got the bot's "only text" answer, and the
# agent never knew it came.
MEDIA_TO_AGENT = (
    "Recebi {kind}, mas o atendente só recebe texto por aqui: avisei a ele que você enviou. "
    + ENVIO_DE_DOCUMENTOS
    + " Cite {protocolo}."
)


async def pending_question(tracker_store: Any, sender: str) -> str | None:
    """The question a form of the bot is waiting an answer to (the CPF, the birth date…), if one is."""
    tracker = await read_conversation(tracker_store, sender)
    if tracker is None or not tracker.active_loop_name:
        return None
    said = latest_bot_messages(tracker)
    return said[-1]["text"] if said else None


async def media_answer(
    on_new_message: OnNewMessage, tracker_store: Any, sender: str, channel: str, kind: str, message_id: str,
    menu: str,
) -> str:
    """What the person reads after sending media where text was expected.

    To an agent, the conversation says it came (:func:`media_to_agent`); otherwise :func:`no_text_answer`, with
    the question a form is waiting on asked again.
    """
    para_atendente = await media_to_agent(on_new_message, tracker_store, sender, channel, kind, message_id)
    if para_atendente:
        return para_atendente
    return no_text_answer(kind, menu, await pending_question(tracker_store, sender))


async def media_to_agent(
    on_new_message: OnNewMessage, tracker_store: Any, sender: str, channel: str, kind: str, message_id: str
) -> str | None:
    """When the conversation is with an agent, put in it that media came and return what the person reads.

    Args:
        on_new_message: Rasa's handler.
        tracker_store: Rasa's tracker store, to tell whether the conversation is paused.
        sender: The conversation id.
        channel: The channel's name.
        kind: What came, as :func:`no_text_answer` names it ("sua imagem").
        message_id: The channel's id of the message.

    Returns:
        The answer for the person, or None when the bot answers the conversation (:func:`no_text_answer`).
    """
    if not await is_paused(tracker_store, sender):
        return None
    what = kind.split(" ", 1)[-1]
    await run_bot(on_new_message, f"[enviou {what}, que não chega por aqui]", sender, channel,
                  message_id=message_id, tracker_store=tracker_store)
    # u24: "Cite o número do protocolo." without the number, which the person may not have at hand.
    protocolo = protocol_waited_on(sender)
    citar = f"o protocolo {protocolo}" if protocolo else "o número do protocolo"
    return MEDIA_TO_AGENT.format(kind=kind, protocolo=citar)
