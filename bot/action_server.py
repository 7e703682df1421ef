"""The action server (``atende actions``): rasa-sdk's app on loopback, answering only the Rasa server.

``rasa run actions`` binds every interface and accepts any caller, so anyone who
reached port 5055 could post a forged tracker and read a family's card numbers.
This starts the same SDK app with three differences: it binds
``ATENDE_ACTIONS_HOST`` (127.0.0.1 by default), every ``/webhook`` and
``/actions`` request must carry ``X-Atende-Token`` equal to
``ATENDE_ACTIONS_TOKEN`` (Rasa sends it, see endpoints.yml), and an error never
echoes the request (the tracker holds personal data) back to the caller.
"""

from __future__ import annotations

import hmac
import logging
import sys

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logmask
from bot.settings import Settings, SettingsError, get_settings

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Atende-Token"
# Paths a load balancer may probe without the token: they reveal nothing.
OPEN_PATHS = frozenset({"/health"})


def create_app(settings: Settings, package: str = "actions") -> Sanic:
    """Build the SDK app for ``package`` with the token check and a quiet error handler.

    Args:
        settings: Where the token comes from.
        package: Python package holding the actions.

    Raises:
        SystemExit: When no token is configured: an open action server is never started.
    """
    if not settings.actions_token:
        raise SystemExit(
            "ATENDE_ACTIONS_TOKEN não definido: o servidor de ações só atende o Rasa com esse segredo "
            "(scripts/serve.sh gera um em var/run/actions-token)."
        )
    from rasa_sdk.endpoint import create_app as sdk_app

    app = sdk_app(package, cors_origins=[])
    expected = settings.actions_token

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(TOKEN_HEADER) or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            logger.warning("pedido recusado sem o segredo do servidor de ações: %s %s de %s",
                           request.method, request.path, request.ip)
            return response.json({"error": "forbidden"}, status=403)
        return None

    @app.exception(Exception)
    async def quiet_errors(request: Request, exception: Exception) -> HTTPResponse:
        # The SDK's own handler returns the request body, i.e. the whole tracker, to the caller.
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
        app = create_app(settings)
    except SystemExit as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    logger.info("servidor de ações em http://%s:%s", settings.actions_host, settings.actions_port)
    app.run(settings.actions_host, settings.actions_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
