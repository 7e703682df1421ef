"""The action server (``atende actions``): rasa-sdk's app on loopback, answering only the Rasa server.

``rasa run actions`` binds every interface and accepts any caller, so anyone who
reached port 5055 could post a forged tracker and read a family's card numbers.
This serves rasa-sdk's executor with four differences: it binds
``ATENDE_ACTIONS_HOST`` (127.0.0.1 by default), every ``/webhook`` and
``/actions`` request must carry ``X-Atende-Token`` equal to
``ATENDE_ACTIONS_TOKEN`` (Rasa sends it, see endpoints.yml), and an error never
echoes the request (the tracker holds personal data) back to the caller, and
an action that cannot reach the database answers with an apology and the offer
of a person instead of failing the turn. A fifth: before the action chosen for a
message runs, the checks every message needs (someone else writing, a request
withdrawn; :mod:`actions.turno`) may answer it instead.
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
import zlib
from typing import Any, Callable, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot import logmask
from bot.canais import TELEFONE_24H
from bot.settings import Settings, SettingsError, get_settings

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Atende-Token"
# Paths a load balancer may probe without the token: they reveal nothing.
OPEN_PATHS = frozenset({"/health"})


# Said when the plan database cannot be reached: the user is not left in silence and knows where to go.
DATABASE_APOLOGY = (
    "Desculpe, não consegui consultar os dados do plano agora. Tente de novo em alguns minutos, "
    f"digite 0 para falar com um atendente ou ligue para a Central de Relacionamento: {TELEFONE_24H}."
)


# Checks a message before the action chosen for it: the events that answer it instead, or None to run the action.
Guard = Callable[[str, CollectingDispatcher, Tracker], List[Dict[str, Any]] | None]


class Executor(ActionExecutor):
    """rasa-sdk's executor, with a check before each action and an apology when the database is down."""

    def __init__(self, guard: Guard | None = None) -> None:
        """Keep ``guard``, run before every registered action (it decides which it answers for)."""
        super().__init__()
        self.guard = guard

    async def run(self, action_call: Dict[str, Any]) -> Dict[str, Any] | None:
        """Run the guard, then the action; a database failure becomes an apology in the conversation, logged."""
        try:
            answered = self._guarded(action_call)
            if answered is not None:
                return answered
            return await super().run(action_call)
        except SQLAlchemyError:
            logger.exception("banco de dados indisponível ao executar %s", action_call.get("next_action"))
            return {"events": [], "responses": [{"text": DATABASE_APOLOGY}]}


    def _guarded(self, action_call: Dict[str, Any]) -> Dict[str, Any] | None:
        name = action_call.get("next_action")
        if self.guard is None or name not in self.actions:
            return None
        dispatcher = CollectingDispatcher()
        events = self.guard(name, dispatcher, Tracker.from_dict(action_call["tracker"]))
        if events is None:
            return None
        return self._create_api_response(self.validate_events(events, name), dispatcher.messages)


def create_app(settings: Settings, package: str = "actions", guard: Guard | None = None) -> Sanic:
    """Build the action server: rasa-sdk's executor behind a token check and a quiet error handler.

    Args:
        settings: Where the token comes from.
        package: Python package holding the actions.
        guard: Run before each action (``actions.turno.antes_da_acao`` in production).

    Raises:
        SystemExit: When no token is configured: an open action server is never started.
    """
    if not settings.actions_token:
        raise SystemExit(
            "ATENDE_ACTIONS_TOKEN não definido: o servidor de ações só atende o Rasa com esse segredo "
            "(scripts/serve.sh gera um em var/run/actions-token)."
        )
    app = Sanic("atende_acoes", configure_logging=False)
    executor = Executor(guard)
    executor.register_package(package)
    expected = settings.actions_token.encode()

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get(TOKEN_HEADER) or "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("pedido recusado sem o segredo do servidor de ações: %s %s de %s",
                           request.method, request.path, request.ip)
            return response.json({"error": "forbidden"}, status=403)
        return None

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        body = request.body
        if request.headers.get("Content-Encoding") == "deflate":
            body = zlib.decompress(body)
        try:
            action_call = json.loads(body or b"null")
        except ValueError:
            action_call = None
        if not isinstance(action_call, dict):
            return response.json({"error": "corpo inválido: esperado um objeto JSON"}, status=400)
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as rejection:
            return response.json({"error": rejection.message, "action_name": rejection.action_name}, status=400)
        except ActionNotFoundException as missing:
            logger.error("ação desconhecida: %s", missing.action_name)
            return response.json({"error": missing.message, "action_name": missing.action_name}, status=404)
        return response.json(result)

    @app.exception(Exception)
    async def quiet_errors(request: Request, exception: Exception) -> HTTPResponse:
        # rasa-sdk's own handler returns the request body, i.e. the whole tracker, to the caller.
        logger.error("falha ao executar a ação (%s)", request.path, exc_info=exception)
        return response.json({"error": "erro interno do servidor de ações"}, status=500)

    return app


def main() -> None:
    """Run the action server until stopped."""
    logmask.install()
    try:
        settings = get_settings()
    except SettingsError as error:
        raise SystemExit(f"Configuração inválida: {error}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        from actions.turno import antes_da_acao

        app = create_app(settings, guard=antes_da_acao)
    except SystemExit as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    logger.info("servidor de ações em http://%s:%s", settings.actions_host, settings.actions_port)
    app.run(settings.actions_host, settings.actions_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
