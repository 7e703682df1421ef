"""Serves the files the bot hands out (bot.arquivos) from the Rasa server.

Registered in credentials.yml like a channel, though it receives no messages:
GET /webhooks/arquivos/<32 hex>.pdf returns the file, anything else 404.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.arquivos import caminho


class ArquivosInput(InputChannel):
    """Download route for generated documents."""

    @classmethod
    def name(cls) -> Text:
        """Route prefix: /webhooks/arquivos."""
        return "arquivos"

    @classmethod
    def from_credentials(cls, credentials: Dict[Text, Any] | None) -> "ArquivosInput":
        """No credentials: the file names themselves are unguessable."""
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET /<nome>.pdf."""
        blueprint = Blueprint("arquivos_webhook", __name__)

        @blueprint.route("/<nome>", methods=["GET"])
        async def baixar(request: Request, nome: str) -> HTTPResponse:
            arquivo = caminho(nome)
            if arquivo is None:
                return response.text("Arquivo não encontrado ou expirado.", status=404)
            return await response.file(
                arquivo, mime_type="application/pdf", headers={"Cache-Control": "no-store"}
            )

        return blueprint
