"""WhatsApp through Twilio: a Rasa input channel that checks Twilio's signature and answers through the REST API.

Webhook: ``POST /webhooks/whatsapp/webhook`` (the "A message comes in" URL of the Twilio WhatsApp sender).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Protocol

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.canais import Canal
from bot.channels.common import (
    APOLOGY,
    BODY_TOO_LARGE,
    EMPTY_TWIML,
    MAX_BODY_BYTES,
    LocalOutbox,
    OnNewMessage,
    agent_messages,
    answered_before,
    conversation_id,
    conversation_stores,
    epoch_arg,
    form_fields,
    make_seen_cache,
    media_answer,
    run_bot,
    spawn,
    twilio_signature_ok,
    twilio_signing_token,
)
from bot.channels.render import mask_for_log, render_whatsapp
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# What arrived, by Twilio's MessageType (or the media's content type), for the answer to a message without text.
KINDS = {
    "image": "sua imagem",
    "video": "seu vídeo",
    "audio": "seu áudio",
    "document": "seu documento",
    "sticker": "sua figurinha",
    "location": "sua localização",
    "contacts": "seu contato",
    "application": "seu documento",
}
class WhatsAppSender(Protocol):
    """Delivers the answers to one incoming message."""

    async def send_turn(self, to: str, from_: str, chunks: List[str], turn: str) -> None:
        """Send ``chunks`` to ``to`` from ``from_``, in order; ``turn`` is the MessageSid answered."""


class TwilioSender:
    """Sends through Twilio's REST API, in a worker thread so the server's event loop never waits.

    Args:
        client: A ``twilio.rest.Client`` (see :func:`make_twilio_client`).
        from_: The WhatsApp sender (``whatsapp:+55...``); empty means the number the user wrote to.
    """

    def __init__(self, client: Any, from_: str = "") -> None:
        self.client = client
        self.from_ = from_

    async def send_turn(self, to: str, from_: str, chunks: List[str], turn: str) -> None:
        """Create one Twilio message per chunk, one after the other so they arrive in order."""
        sender = whatsapp_address(self.from_ or from_)
        for chunk in chunks:
            created = await asyncio.to_thread(self.client.messages.create, to=to, from_=sender, body=chunk)
            logger.info("whatsapp: resposta %s a %s enviada (%s)", created.sid, turn, mask_for_log(to))


class LocalSender:
    """Local mode (no Twilio credentials): logs what would be sent and keeps it for `atende simulate`."""

    def __init__(self) -> None:
        self.outbox = LocalOutbox()

    async def send_turn(self, to: str, from_: str, chunks: List[str], turn: str) -> None:
        """Log each chunk (CPF and card numbers masked) and keep the turn in the outbox."""
        for chunk in chunks:
            logger.info("whatsapp (modo local) para %s: %s", mask_for_log(to), mask_for_log(chunk))
        self.outbox.record(turn, to, chunks)


def whatsapp_address(number: str) -> str:
    """``+5531...`` or ``whatsapp:+5531...`` → ``whatsapp:+5531...``."""
    return number if not number or number.startswith("whatsapp:") else f"whatsapp:{number}"


def make_twilio_client(settings: Settings) -> Any:
    """A Twilio REST client for the configured account, talking to TWILIO_API_URL."""
    from twilio.rest import Client

    client = Client(settings.twilio_account_sid, settings.twilio_auth_token)
    # Messages live on the "api" domain; tests point it at a recording server on loopback.
    client.api.base_url = settings.twilio_api_url.rstrip("/")
    return client


def make_whatsapp_sender(settings: Settings) -> WhatsAppSender:
    """The REST sender when the account is configured, else the local mode."""
    if settings.twilio_account_sid and settings.twilio_auth_token:
        return TwilioSender(make_twilio_client(settings), settings.twilio_whatsapp_from)
    logger.warning("whatsapp: TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN ausentes; modo local, respostas só no log")
    return LocalSender()


def received_kind(form: Dict[str, str]) -> str | None:
    """What a message without text carried (``"sua imagem"``...), or None for a text message."""
    if (form.get("Body") or "").strip() or (form.get("ButtonPayload") or "").strip():
        return None
    kind = (form.get("MessageType") or "").lower()
    if kind in KINDS:
        return KINDS[kind]
    if form.get("Latitude"):
        return KINDS["location"]
    if (form.get("NumMedia") or "0").strip() not in ("", "0"):
        # Any other value, even a malformed one, says something came that is not text.
        content = (form.get("MediaContentType0") or "").lower()
        if content == "image/webp":
            return KINDS["sticker"]
        return KINDS.get(content.split("/")[0], "seu arquivo")
    return "uma mensagem vazia"


class WhatsAppInput(InputChannel):
    """WhatsApp (Twilio) input channel: signed requests only, each MessageSid answered once.

    Args:
        settings: Configuration (Twilio account, public URL).
        sender: Where answers go; by default built from ``settings`` (REST or local mode).
    """

    @classmethod
    def name(cls) -> str:
        """Channel name, also the URL prefix (/webhooks/whatsapp)."""
        return Canal.WHATSAPP.value

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "WhatsAppInput":
        """Built from the environment (Settings); credentials.yml holds no secret."""
        return cls(get_settings())

    def __init__(self, settings: Settings, sender: WhatsAppSender | None = None) -> None:
        self.settings = settings
        self.sender = sender or make_whatsapp_sender(settings)
        self.seen = make_seen_cache(settings, self.name())
        if not twilio_signing_token(settings):
            logger.error("whatsapp: ATENDE_PUBLIC_URL definido sem TWILIO_AUTH_TOKEN; todo pedido será recusado")

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes: health, the Twilio webhook and, in local mode only, the outbox the simulator reads."""
        whatsapp = Blueprint("atende_whatsapp", __name__)

        @whatsapp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "modo": "local" if self.outbox else "twilio"})

        @whatsapp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # The signature comes before anything else: a forged request must not reach the bot or the cache.
            if not twilio_signature_ok(request, self.settings):
                logger.warning("whatsapp: assinatura inválida de %s", request.ip)
                return response.text("assinatura inválida", status=403)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.text(BODY_TOO_LARGE, status=413)
            form = form_fields(request)
            sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
            sender = form.get("From") or ""
            if form.get("MessageStatus") or not sid or not sender:
                return twiml()  # a status callback, or nothing to answer
            if not self.seen.first_time(sid):
                logger.info("whatsapp: %s repetida pelo Twilio; já atendida", sid)
                return twiml()
            store, locks = conversation_stores(request)
            spawn(self._answer(on_new_message, form, sid, sender, store, locks), f"whatsapp {sid}")
            return twiml()

        @whatsapp.route("/local/respostas", methods=["GET"])
        async def local_answers(request: Request) -> HTTPResponse:
            if not self.outbox or not twilio_signature_ok(request, self.settings):
                return response.text("indisponível", status=403 if self.outbox else 404)
            return response.json(self.outbox.get(request.args.get("sid", "")))

        @whatsapp.route("/local/atendente", methods=["GET"])
        async def local_agent(request: Request) -> HTTPResponse:
            # Local mode: what an agent wrote from the console to this number, for `atende simulate`.
            if not self.outbox or not twilio_signature_ok(request, self.settings):
                return response.text("indisponível", status=403 if self.outbox else 404)
            store, _ = conversation_stores(request)
            conversa = conversation_id(self.name(), whatsapp_address(request.args.get("para", "")))
            return response.json(await agent_messages(store, conversa, epoch_arg(request) or 0.0))

        return whatsapp

    @property
    def outbox(self) -> LocalOutbox | None:
        """The local mode's outbox, or None when answers go to Twilio."""
        return getattr(self.sender, "outbox", None)

    async def _answer(
        self, on_new_message: OnNewMessage, form: Dict[str, str], sid: str, sender: str, store: Any = None,
        locks: Any = None,
    ) -> None:
        if await answered_before(store, conversation_id(self.name(), sender), sid):
            logger.info("whatsapp: %s já respondida antes de o servidor reiniciar", sid)
            return
        kind = received_kind(form)
        conversa = conversation_id(self.name(), sender)
        if kind:
            chunks = [await media_answer(on_new_message, store, conversa, self.name(), kind, sid, "digite *menu*")]
        else:
            text = (form.get("Body") or "").strip() or (form.get("ButtonPayload") or "").strip()
            try:
                messages = await run_bot(
                    on_new_message, text, conversa, self.name(), message_id=sid,
                    tracker_store=store, lock_store=locks,
                )
                chunks = render_whatsapp(messages)
            except Exception:  # noqa: BLE001 - the user still gets an answer when the bot fails
                logger.exception("whatsapp: o bot falhou em %s", sid)
                chunks = [APOLOGY]
        # An empty turn (a conversation paused for an agent) is still recorded in local mode, so the simulator
        # knows the bot stays silent instead of waiting for an answer.
        if chunks or self.outbox is not None:
            await self.sender.send_turn(sender, form.get("To") or "", chunks, sid)


def twiml() -> HTTPResponse:
    """An empty TwiML answer: the reply goes through the REST API, not in the webhook's response."""
    return response.text(EMPTY_TWIML, content_type="text/xml")

