"""Telegram through python-telegram-bot: webhook with a secret token, menus as buttons.

Webhook: ``POST /webhooks/telegram/webhook``, registered with ``setWebhook(url, secret_token=...)``; for a
laptop without a public address, ``atende telegram-polling`` relays long polling to the same webhook.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Protocol, Tuple

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.canais import Canal
from bot.channels.common import (
    APOLOGY,
    BODY_TOO_LARGE,
    MAX_BODY_BYTES,
    LocalOutbox,
    OnNewMessage,
    agent_messages,
    answered_before,
    conversation_id,
    conversation_stores,
    epoch_arg,
    latest_bot_messages,
    make_seen_cache,
    media_answer,
    no_text_answer,
    read_conversation,
    run_bot,
    secret_ok,
    spawn,
    telegram_webhook_secret,
)
from bot.channels.render import (
    TelegramMessage,
    button_tag,
    mask_for_log,
    message_texts,
    read_button,
    render_telegram,
)
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
COMMANDS = {"/start": "oi", "/menu": "menu", "/ajuda": "menu", "/sair": "sair"}
# What a message without text carried, by the attribute python-telegram-bot fills.
KINDS = [
    ("photo", "sua foto"),
    ("sticker", "sua figurinha"),
    ("voice", "seu áudio"),
    ("audio", "seu áudio"),
    ("video", "seu vídeo"),
    ("video_note", "seu vídeo"),
    ("animation", "seu GIF"),
    ("document", "seu documento"),
    ("location", "sua localização"),
    ("venue", "sua localização"),
    ("contact", "seu contato"),
    ("poll", "sua enquete"),
]
EDITED_ANSWER = (
    "Vi que você editou uma mensagem, mas não consigo considerar edições. Envie o texto corrigido como uma nova "
    "mensagem, por favor."
)
GROUP_ANSWER = "Por segurança, só atendo em conversa privada. Fale comigo diretamente, por favor."
# u16: a "2" pressed on an old list of people was read as the menu's option 2.
STALE_BUTTON_ANSWER = (
    "Esse botão é de uma pergunta anterior, que já passou. Escreva o que precisa ou toque em /menu para ver as "
    "opções."
)


class TelegramSender(Protocol):
    """Delivers the answers to one update."""

    async def send_turn(self, chat_id: int, messages: List[TelegramMessage], turn: str) -> None:
        """Send ``messages`` to ``chat_id`` in order; ``turn`` is the update_id answered."""

    async def answer_callback(self, query_id: str) -> None:
        """Stop the spinner on the button the user pressed."""


class BotSender:
    """Sends with python-telegram-bot's ``Bot``, initialised on first use inside the server's event loop.

    Args:
        bot: See :func:`make_bot`.
    """

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._ready = asyncio.Lock()

    async def _initialised(self) -> Bot:
        async with self._ready:
            await self.bot.initialize()  # idempotent; the HTTP pool belongs to the loop that opens it
        return self.bot

    async def send_turn(self, chat_id: int, messages: List[TelegramMessage], turn: str) -> None:
        """One sendMessage per message, HTML, with an inline keyboard for a menu."""
        bot = await self._initialised()
        for message in messages:
            markup = keyboard(message)
            await bot.send_message(chat_id=chat_id, text=message.html, parse_mode="HTML", reply_markup=markup)

    async def answer_callback(self, query_id: str) -> None:
        """answerCallbackQuery, with no text."""
        bot = await self._initialised()
        await bot.answer_callback_query(query_id)


class LocalSender:
    """Local mode (no TELEGRAM_BOT_TOKEN): logs what would be sent and keeps it for `atende simulate`."""

    def __init__(self) -> None:
        self.outbox = LocalOutbox()

    async def send_turn(self, chat_id: int, messages: List[TelegramMessage], turn: str) -> None:
        """Log each message (CPF and card numbers masked) and keep the turn in the outbox."""
        for message in messages:
            logger.info("telegram (modo local) para %s: %s", chat_id, mask_for_log(message.html))
        self.outbox.record(turn, str(chat_id), [{"html": m.html, "botoes": m.buttons} for m in messages])

    async def answer_callback(self, query_id: str) -> None:
        """Nothing to stop locally."""


def keyboard(message: TelegramMessage) -> InlineKeyboardMarkup | None:
    """One button per row; pressing one sends its number back, like typing it."""
    if not message.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in message.buttons])


def make_bot(settings: Settings) -> Bot:
    """A python-telegram-bot ``Bot`` for TELEGRAM_BOT_TOKEN, talking to TELEGRAM_API_URL."""
    api = settings.telegram_api_url.rstrip("/")
    return Bot(settings.telegram_bot_token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot")


def make_telegram_sender(settings: Settings) -> TelegramSender:
    """The Bot API sender when a token is configured, else the local mode."""
    if settings.telegram_bot_token:
        return BotSender(make_bot(settings))
    logger.warning("telegram: TELEGRAM_BOT_TOKEN ausente; modo local, respostas só no log")
    return LocalSender()


def no_text_kind(message: Message) -> str:
    """What a message without text carried (``"sua foto"``...)."""
    return next((kind for attribute, kind in KINDS if getattr(message, attribute, None)), "uma mensagem sem texto")


def incoming(update: Update) -> Tuple[int | None, str | None, str | None]:
    """Read an update as (chat id, text for the bot, fixed answer instead of the bot).

    Returns:
        ``(None, None, None)`` for updates with nothing to answer (channel posts, member changes...).
    """
    if update.callback_query:
        query = update.callback_query
        chat = query.message.chat if query.message else None
        return (chat.id if chat else query.from_user.id), (query.data or "").strip(), None
    if update.edited_message:
        return update.edited_message.chat.id, None, EDITED_ANSWER
    message = update.message
    if message is None or message.chat is None:
        return None, None, None
    if message.chat.type != "private":
        # Personal data never goes to a group, whoever asks for it there.
        return message.chat.id, None, GROUP_ANSWER
    # Telegram sends text as a string; anything else (a number from a broken client) is read as its text.
    text = str(message.text if message.text is not None else "").strip()
    if not text:
        return message.chat.id, None, no_text_answer(no_text_kind(message), "toque em /menu")
    command = text.split()[0].split("@")[0].lower()
    if command in COMMANDS:
        return message.chat.id, COMMANDS[command], None
    return message.chat.id, text.lstrip("/") if command.startswith("/") else text, None


async def question_still_open(tracker_store: Any, conversation: str, tag: str) -> bool:
    """Whether a button's question (:func:`~bot.channels.render.button_tag`) is among the bot's latest messages.

    Only the messages sent since the person last wrote count: once they have answered, the list's buttons are
    stale. Without a store to read, the press is taken as it comes.
    """
    if tracker_store is None:
        return True
    # A conversation that cannot be read or never was is answered as a stale press: told to write, not dropped.
    tracker = await read_conversation(tracker_store, conversation)
    return tag in {button_tag(text) for text in message_texts(latest_bot_messages(tracker))}


class TelegramInput(InputChannel):
    """Telegram input channel: the secret token is checked first, each update_id is answered once.

    Args:
        settings: Configuration (token, webhook secret, API URL).
        sender: Where answers go; by default built from ``settings`` (Bot API or local mode).
    """

    @classmethod
    def name(cls) -> str:
        """Channel name, also the URL prefix (/webhooks/telegram)."""
        return Canal.TELEGRAM.value

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "TelegramInput":
        """Built from the environment (Settings); credentials.yml holds no secret."""
        return cls(get_settings())

    def __init__(self, settings: Settings, sender: TelegramSender | None = None) -> None:
        self.settings = settings
        self.secret = telegram_webhook_secret(settings)
        self.sender = sender or make_telegram_sender(settings)
        self.seen = make_seen_cache(settings, self.name())
        if not self.secret:
            logger.error("telegram: ATENDE_PUBLIC_URL definido sem TELEGRAM_WEBHOOK_SECRET; tudo será recusado")

    @property
    def outbox(self) -> LocalOutbox | None:
        """The local mode's outbox, or None when answers go to Telegram."""
        return getattr(self.sender, "outbox", None)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes: health, the webhook and, in local mode only, the outbox the simulator reads."""
        telegram = Blueprint("atende_telegram", __name__)

        @telegram.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "modo": "local" if self.outbox else "telegram"})

        @telegram.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not secret_ok(request.headers.get(SECRET_HEADER), self.secret):
                logger.warning("telegram: segredo do webhook inválido de %s", request.ip)
                return response.text("segredo inválido", status=403)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.text(BODY_TOO_LARGE, status=413)
            try:
                update = Update.de_json(request.json, None)
                if update is None:
                    raise ValueError("corpo vazio")
            except Exception:  # noqa: BLE001 - Telegram retries a failed delivery forever: take it and drop it
                logger.warning("telegram: atualização ilegível ignorada")
                return response.json({"ok": True})
            if self.seen.first_time(update.update_id):
                store, locks = conversation_stores(request)
                spawn(self._answer(on_new_message, update, store, locks), f"telegram {update.update_id}")
            return response.json({"ok": True})

        @telegram.route("/local/respostas", methods=["GET"])
        async def local_answers(request: Request) -> HTTPResponse:
            if not self.outbox or not secret_ok(request.headers.get(SECRET_HEADER), self.secret):
                return response.text("indisponível", status=403 if self.outbox else 404)
            return response.json(self.outbox.get(request.args.get("update", "")))

        @telegram.route("/local/atendente", methods=["GET"])
        async def local_agent(request: Request) -> HTTPResponse:
            # Local mode: what an agent wrote from the console to this chat, for `atende simulate`.
            if not self.outbox or not secret_ok(request.headers.get(SECRET_HEADER), self.secret):
                return response.text("indisponível", status=403 if self.outbox else 404)
            store, _ = conversation_stores(request)
            conversa = conversation_id(self.name(), request.args.get("chat", ""))
            return response.json(await agent_messages(store, conversa, epoch_arg(request) or 0.0))

        return telegram

    async def _answer(
        self, on_new_message: OnNewMessage, update: Update, store: Any = None, locks: Any = None
    ) -> None:
        chat_id, text, fixed = incoming(update)
        if update.callback_query:
            try:
                await self.sender.answer_callback(update.callback_query.id)
            except Exception as error:  # noqa: BLE001 - only the spinner; the press itself must still be answered
                logger.warning("telegram: confirmação do botão %s recusada: %s", update.update_id, error)
        if chat_id is None:
            logger.debug("telegram: atualização %s sem nada a responder", update.update_id)
            return
        turn = str(update.update_id)
        if await answered_before(store, conversation_id(self.name(), str(chat_id)), turn):
            logger.info("telegram: atualização %s já respondida antes de o servidor reiniciar", turn)
            return
        message = update.message
        if fixed and message is not None and message.chat.type == "private" and not (message.text or "").strip():
            conversa = conversation_id(self.name(), str(chat_id))
            kind = no_text_kind(message)
            fixed = await media_answer(on_new_message, store, conversa, self.name(), kind, turn, "toque em /menu")
        if update.callback_query and text:
            text, tag = read_button(text)
            if tag and not await question_still_open(store, conversation_id(self.name(), str(chat_id)), tag):
                fixed = STALE_BUTTON_ANSWER
        if fixed:
            await self.sender.send_turn(chat_id, render_telegram([{"text": fixed}]), turn)
            return
        if not text:
            return  # a button without data
        try:
            messages = await run_bot(
                on_new_message, text, conversation_id(self.name(), str(chat_id)), self.name(), message_id=turn,
                tracker_store=store, lock_store=locks,
            )
            rendered = render_telegram(messages)
        except Exception:  # noqa: BLE001 - the user still gets an answer when the bot fails
            logger.exception("telegram: o bot falhou na atualização %s", turn)
            rendered = render_telegram([{"text": APOLOGY}])
        if rendered or self.outbox is not None:  # an empty turn tells the simulator the bot stays silent
            await self.sender.send_turn(chat_id, rendered, turn)
