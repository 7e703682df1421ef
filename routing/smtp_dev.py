"""Local SMTP server for development and tests: every message becomes a ``.eml`` file a person can open.

``atende smtp-dev`` (what ``make run`` starts) listens on 127.0.0.1 only, port ``ATENDE_SMTP_DEV_PORT``
(8025 by default, the default ``ATENDE_SMTP_PORT`` too), accepts any message and writes it under
``var/mail/`` (``ATENDE_VAR_DIR``) with the envelope on top (``X-Envelope-From``, ``X-Envelope-To``), then
prints one line: time, Message-ID, sender, recipients, subject, file. Nothing is relayed anywhere.

The same :class:`MailSpool` handler, with :func:`start_server`, is the real SMTP server of the tests.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import signal
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from aiosmtpd.controller import Controller

from bot.settings import Settings, get_settings

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class StoredMail:
    """One message received.

    Attributes:
        path: The ``.eml`` file, or None when the spool keeps messages in memory only.
        mail_from: Envelope sender.
        rcpt_tos: Envelope recipients.
        message: The parsed message (``email.policy.default``: ``get_content()`` decodes the body).
    """

    path: Path | None
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: email.message.EmailMessage

    @property
    def message_id(self) -> str:
        """The ``Message-ID`` header."""
        return str(self.message["Message-ID"] or "")

    @property
    def subject(self) -> str:
        """The decoded subject."""
        return str(self.message["Subject"] or "")

    @property
    def body(self) -> str:
        """The decoded plain-text body."""
        part = self.message.get_body(preferencelist=("plain",)) or self.message
        return part.get_content()


class MailSpool:
    """aiosmtpd handler that accepts every message, keeps it in memory and optionally writes it to a folder."""

    def __init__(self, directory: Path | None = None, *, out: TextIO | None = None):
        """Prepare the spool.

        Args:
            directory: Folder of the ``.eml`` files (created on the first message); None keeps memory only.
            out: Stream for the one-line summaries; None prints nothing.
        """
        self.directory = directory
        self.out = out
        self.messages: list[StoredMail] = []
        self._lock = threading.Lock()
        self._counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd hook name
        """Store one message and accept it (``250``)."""
        content: bytes = envelope.original_content or envelope.content
        message = email.message_from_bytes(content, policy=email.policy.default)
        received = datetime.now(timezone.utc)
        path = None
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{received:%Y%m%dT%H%M%S%fZ}-{next(self._counter):05d}.eml"
            path = self.directory / name
            envelope_headers = (
                f"X-Envelope-From: <{envelope.mail_from}>\r\n"
                f"X-Envelope-To: {', '.join(f'<{r}>' for r in envelope.rcpt_tos)}\r\n"
            ).encode()
            partial = path.with_suffix(".eml.part")
            partial.write_bytes(envelope_headers + content)
            partial.replace(path)
        stored = StoredMail(path, envelope.mail_from, tuple(envelope.rcpt_tos), message)
        with self._lock:
            self.messages.append(stored)
        if self.out is not None:
            print(
                f"smtp-dev {received.astimezone():%H:%M:%S} {stored.message_id} de {envelope.mail_from} "
                f"para {', '.join(envelope.rcpt_tos)}: {stored.subject}" + (f" -> {path}" if path else ""),
                file=self.out,
                flush=True,
            )
        return "250 Message accepted for delivery"


def start_server(spool: MailSpool, *, port: int, host: str = LOOPBACK) -> Controller:
    """Start an SMTP server in a background thread.

    Args:
        spool: The handler that stores the messages.
        port: TCP port.
        host: Address to listen on; loopback by default (it never relays, but it should not be reachable).

    Returns:
        The running controller; call ``stop()`` to close the port.
    """
    controller = Controller(spool, hostname=host, port=port)
    controller.start()
    return controller


def serve(
    settings: Settings | None = None,
    *,
    port: int | None = None,
    directory: Path | None = None,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Run the development SMTP server until Ctrl-C, SIGTERM or ``stop`` is set (``atende smtp-dev``).

    Args:
        settings: ``smtp_dev_port`` and ``var_dir``; the process settings by default.
        port: Overrides ``settings.smtp_dev_port``.
        directory: Overrides ``var_dir/mail``.
        out: Where the summaries go (stdout by default).
        stop: Event that ends the server (tests).

    Returns:
        Exit code: 0, or 1 when the port is taken.
    """
    settings = settings or get_settings()
    out = out or sys.stdout
    port = port or settings.smtp_dev_port
    directory = directory or settings.var_dir / "mail"
    stop = stop or threading.Event()
    try:
        controller = start_server(MailSpool(directory, out=out), port=port)
    except (OSError, RuntimeError) as exc:
        print(f"smtp-dev: não foi possível abrir {LOOPBACK}:{port}: {exc}", file=sys.stderr)
        return 1
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    print(f"smtp-dev: ouvindo em {LOOPBACK}:{port}; mensagens em {directory}", file=out, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        print("smtp-dev: encerrado", file=out, flush=True)
    return 0
