"""Daily clean-up of personal data kept only for a while: old conversations (LGPD) and expired documents.

``atende conversas expurgar`` runs it once (for cron); ``atende outbox worker``, which ``make run`` starts,
runs it at start and every 24 hours.
"""

from __future__ import annotations

import logging
import threading

from bot import clock
from bot.arquivos import purgar_expirados
from bot.settings import Settings
from bot.tracker_store import purge_conversations

logger = logging.getLogger(__name__)

DAY_SECONDS = 24 * 3600


def run_once(settings: Settings, days: int | None = None) -> int:
    """Delete conversation events past the retention period and expired generated files.

    Returns:
        The number of conversation events deleted.
    """
    deleted = purge_conversations(settings, now=clock.now(settings), days=days)
    files = purgar_expirados(settings)
    logger.info("limpeza diária: %d eventos de conversa e %d arquivos vencidos apagados", deleted, files)
    return deleted


def start_daily(settings: Settings, stop: threading.Event) -> threading.Thread:
    """Run :func:`run_once` now and then every 24 hours until ``stop`` is set, in a daemon thread."""

    def loop() -> None:
        while not stop.is_set():
            try:
                run_once(settings)
            except Exception:  # noqa: BLE001 - the e-mail worker must go on if a clean-up fails
                logger.exception("falha na limpeza diária das conversas")
            stop.wait(DAY_SECONDS)

    thread = threading.Thread(target=loop, name="limpeza-diaria", daemon=True)
    thread.start()
    return thread
