"""Personal data never reaches a log: every record and every line the servers print is masked.

Rasa logs user texts in its own loggers and warnings (a message starting with
``/`` is echoed by a warning, CPF and birth date included), and serve.sh sends
the servers' stdout and stderr to var/log. Masking at the two exits that all of
them share — log records and the standard streams — covers loggers that exist
today and any a library adds later.
"""

from __future__ import annotations

import io
import logging
import sys
from typing import Any, TextIO

from bot.identifiers import mask_personal_data

# A log line is for an operator, not a copy of what the user sent: long texts keep their beginning.
MAX_LOG_MESSAGE = 2000

_installed = False


def clip(text: str, limit: int = MAX_LOG_MESSAGE) -> str:
    """Mask ``text`` and keep at most ``limit`` characters of it.

    >>> clip("cpf 52998224725 " + "x" * 50, limit=30)
    'cpf ***.982.247-** xxxxxxxxxxx… (+39 caracteres)'
    """
    masked = mask_personal_data(text)
    if len(masked) <= limit:
        return masked
    return f"{masked[:limit]}… (+{len(masked) - limit} caracteres)"


class MaskingStream(io.TextIOBase):
    """A text stream that masks what is written to it before passing it on."""

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self._target = target

    def write(self, text: str) -> int:  # noqa: D102 - io.TextIOBase API
        self._target.write(mask_personal_data(text))
        return len(text)

    def flush(self) -> None:  # noqa: D102 - io.TextIOBase API
        self._target.flush()

    def isatty(self) -> bool:  # noqa: D102 - io.TextIOBase API
        return self._target.isatty()

    def fileno(self) -> int:  # noqa: D102 - io.TextIOBase API
        return self._target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # noqa: D102
        return getattr(self._target, "encoding", "utf-8")


def install() -> None:
    """Mask every log record and the process's stdout and stderr; idempotent.

    Call it first thing in a server's entry point, before Rasa or Sanic create
    their handlers (a StreamHandler keeps the stream it was given).
    """
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is, masked
            message = str(record.msg)
        record.msg, record.args = clip(message), None
        return record

    logging.setLogRecordFactory(masked_record)
    sys.stdout = MaskingStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = MaskingStream(sys.stderr)  # type: ignore[assignment]
