"""The REST channel (``POST /webhooks/rest/webhook``): the terminal chat, the tests and the benchmarks.

Rasa's own REST channel answers anyone and lets the caller pick any conversation, so a post with
``"sender": "whatsapp:+55…"`` read a WhatsApp beneficiary's invoices, and posts without a sender shared the
conversation ``default``. This one is off unless ``ATENDE_REST_ENABLED`` is set; when on, it answers loopback
callers only, or anyone with ``Authorization: Bearer $ATENDE_REST_TOKEN`` when that is set; a missing or empty
sender is a 400; and every sender lives in the ``rest:`` namespace, apart from the other channels.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from typing import Any, Dict, Text

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.canais import Canal
from bot.channels.common import (
    BODY_TOO_LARGE,
    MAX_BODY_BYTES,
    OnNewMessage,
    agent_messages,
    conversation_id,
    conversation_stores,
    epoch_arg,
    run_bot,
    secret_ok,
)
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def _error(reason: str, status: int = 400) -> HTTPResponse:
    return response.json({"erro": reason}, status=status)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def read_request(body: bytes) -> tuple[str, str] | str:
    """The sender and the text of a REST post, or the reason (in Portuguese) it is refused.

    >>> read_request(b'{"sender": "ana", "message": "oi"}')
    ('ana', 'oi')
    >>> read_request(b'{"message": "oi"}'), read_request(b'[1]'), read_request(b'{"sender": "a", "message": 3}')
    ('informe o remetente: "sender" não pode faltar nem ser vazio', 'o corpo deve ser um objeto JSON', \
'"message" deve ser um texto')
    """
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return "o corpo não é JSON válido"
    if not isinstance(data, dict):
        return "o corpo deve ser um objeto JSON"
    sender = data.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return 'informe o remetente: "sender" não pode faltar nem ser vazio'
    message = data.get("message", "")
    if not isinstance(message, str):
        return '"message" deve ser um texto'
    return sender.strip(), message


class RestInput(InputChannel):
    """The REST channel, guarded (see the module's docstring)."""

    @classmethod
    def name(cls) -> Text:
        """Channel name, also the URL prefix (/webhooks/rest)."""
        return Canal.REST.value

    @classmethod
    def from_credentials(cls, credentials: Dict[Text, Any] | None) -> "RestInput":
        """Built from the environment (Settings); credentials.yml holds no secret."""
        return cls(get_settings())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _refusal(self, request: Request) -> HTTPResponse | None:
        if not self.settings.rest_enabled:
            return _error("canal REST desativado (ATENDE_REST_ENABLED)", 404)
        if self.settings.rest_token:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not secret_ok(given, self.settings.rest_token):
                logger.warning("rest: pedido sem o token de %s", request.ip)
                return _error("token ausente ou inválido", 403)
        elif not _is_loopback(request.ip):
            logger.warning("rest: pedido de fora do loopback recusado (%s)", request.ip)
            return _error("o canal REST só atende este computador (defina ATENDE_REST_TOKEN)", 403)
        if len(request.body or b"") > MAX_BODY_BYTES:
            return _error(BODY_TOO_LARGE, 413)
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """GET / (health), POST /webhook and GET /atendente (an agent's replies, for the terminal chat)."""
        rest = Blueprint("atende_rest", __name__)

        @rest.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            refused = self._refusal(request)
            return refused or response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self._refusal(request)
            if refused is not None:
                return refused
            read = read_request(request.body)
            if isinstance(read, str):
                return _error(read)
            sender, text = read
            store, locks = conversation_stores(request)
            messages = await run_bot(
                on_new_message, text, conversation_id(self.name(), sender), self.name(), tracker_store=store,
                lock_store=locks,
            )
            # The caller knows its conversation by the name it gave.
            return response.json([{**message, "recipient_id": sender} for message in messages])

        @rest.route("/atendente", methods=["GET"])
        async def agent_replies(request: Request) -> HTTPResponse:
            # The terminal chat polls here for what an agent wrote from the console (docs/painel.md).
            refused = self._refusal(request)
            if refused is not None:
                return refused
            sender = request.args.get("sender", "").strip()
            if not sender:
                return _error("informe sender")
            after = epoch_arg(request)
            if after is None:
                return _error("depois: esperado um número (segundos desde 1970)")
            store, _ = conversation_stores(request)
            return response.json(await agent_messages(store, conversation_id(self.name(), sender), after))

        return rest
