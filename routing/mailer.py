"""SMTP delivery of ticket e-mails with aiosmtplib, telling "not delivered" apart from "maybe delivered".

The outbox (:mod:`routing.outbox`) promises that a ticket is never e-mailed twice. That needs to know, when a
send fails, whether the server could already have accepted the message. The SMTP transaction is therefore run
step by step: a failure while connecting, logging in, in ``MAIL FROM`` or ``RCPT TO``, or an error reply to
``DATA`` (RFC 5321 §4.2: a 4xx/5xx reply means the server did not take responsibility for the message) is
*not delivered* and safe to retry. A connection lost or a timeout after the message text was sent and before
the server's reply is *maybe delivered*: the outbox does not retry it automatically.

Nothing connects at import; :class:`SmtpMailer` is built from :class:`~bot.settings.Settings`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib
from aiosmtplib.email import flatten_message

from bot.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingMail:
    """One e-mail, as stored in the outbox.

    Attributes:
        message_id: ``Message-ID`` header, ``<...@...>``; deterministic per ticket and recipient.
        to: Main recipient.
        cc: Addresses in copy (also envelope recipients).
        subject: Subject line.
        body: Plain-text body.
        protocol: Ticket protocol, repeated in the ``X-Atende-Protocolo`` header for mail filters.
        date: ``Date`` header; the time of sending.
    """

    message_id: str
    to: str
    cc: Sequence[str]
    subject: str
    body: str
    protocol: str = ""
    date: datetime | None = None

    @property
    def recipients(self) -> list[str]:
        """Envelope recipients: ``to`` then ``cc``, without repeats."""
        return list(dict.fromkeys([self.to, *self.cc]))


@dataclass(frozen=True)
class SendReport:
    """What the server answered to an accepted message.

    Attributes:
        refused: Recipients the server refused (address -> reply), when others were accepted.
        response: The server's reply to the end of ``DATA``.
    """

    refused: dict[str, str] = field(default_factory=dict)
    response: str = ""


class MailSendError(Exception):
    """A message was not accepted.

    Attributes:
        maybe_delivered: True when the failure came after the message text was sent and before the server's
            reply (connection lost, timeout): the server may have accepted it.
        connecting: True when the server could not be reached or refused the session (connect, EHLO, login):
            the next messages would fail the same way.
    """

    def __init__(self, message: str, *, maybe_delivered: bool = False, connecting: bool = False):
        super().__init__(message)
        self.maybe_delivered = maybe_delivered
        self.connecting = connecting


def build_message(mail: OutgoingMail, *, sender: str, eight_bit: bool = True) -> EmailMessage:
    """Build the MIME message of an outbox e-mail.

    Args:
        mail: The e-mail.
        sender: ``From`` address.
        eight_bit: Send the UTF-8 body as 8bit (server announces 8BITMIME); quoted-printable otherwise.

    Returns:
        The message, with ``Message-ID`` set to ``mail.message_id`` and ``Auto-Submitted: auto-generated``
        (RFC 3834) so auto-responders stay quiet.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    if mail.date is not None:
        message["Date"] = format_datetime(mail.date)
    message["Auto-Submitted"] = "auto-generated"
    if mail.protocol:
        message["X-Atende-Protocolo"] = mail.protocol
    message.set_content(mail.body, charset="utf-8", cte="8bit" if eight_bit else "quoted-printable")
    return message


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:500]


class SmtpMailer:
    """One SMTP connection, opened lazily and reused for several messages.

    Use as ``async with SmtpMailer(settings) as mailer: await mailer.send(mail)``. After a failure the
    connection is dropped and the next :meth:`send` opens a new one.
    """

    def __init__(self, settings: Settings):
        """Keep the settings; nothing connects yet.

        Args:
            settings: ``smtp_host``, ``smtp_port``, ``smtp_user``, ``smtp_password``, ``smtp_starttls``,
                ``smtp_timeout``, ``mail_from``.
        """
        self.settings = settings
        self._smtp: aiosmtplib.SMTP | None = None

    async def __aenter__(self) -> SmtpMailer:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def connect(self) -> None:
        """Open the connection (STARTTLS and login when configured).

        Raises:
            MailSendError: Server unreachable, refused or login failed (never ``maybe_delivered``).
        """
        if self._smtp is not None and self._smtp.is_connected:
            return
        s = self.settings
        smtp = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            timeout=s.smtp_timeout,
            start_tls=True if s.smtp_starttls else False,
        )
        try:
            await smtp.connect()
            if smtp.is_ehlo_or_helo_needed:
                # EHLO now, so the extensions (8BITMIME) are known before the first message is built.
                try:
                    await smtp.ehlo()
                except aiosmtplib.SMTPHeloError:
                    await smtp.helo()
            if s.smtp_user:
                await smtp.login(s.smtp_user, s.smtp_password)
        except (aiosmtplib.SMTPException, OSError) as exc:
            smtp.close()
            raise MailSendError(
                f"servidor SMTP {s.smtp_host}:{s.smtp_port}: {_describe(exc)}", connecting=True
            ) from exc
        self._smtp = smtp

    async def close(self) -> None:
        """Say QUIT and close; errors here are ignored (the messages were already answered)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.is_connected:
                await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            pass
        finally:
            smtp.close()

    async def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    async def send(self, mail: OutgoingMail, *, before_data: Callable[[], Awaitable[None]] | None = None) -> SendReport:
        """Send one message: ``MAIL FROM``, ``RCPT TO`` each recipient, then ``DATA``.

        Args:
            mail: The e-mail.
            before_data: Awaited after the recipients were accepted and right before the message text is sent;
                the outbox records there that the row entered the "maybe delivered" window.

        Returns:
            The server's answer; ``refused`` lists recipients refused while others were accepted.

        Raises:
            MailSendError: Not accepted; ``maybe_delivered`` tells whether the server may have it anyway.
        """
        await self.connect()
        smtp = self._smtp
        assert smtp is not None
        sender = self.settings.mail_from
        refused: dict[str, str] = {}
        try:
            eight_bit = smtp.supports_extension("8bitmime")
            message = build_message(mail, sender=sender, eight_bit=eight_bit)
            await smtp.mail(sender, options=["BODY=8BITMIME"] if eight_bit else None)
            for recipient in mail.recipients:
                try:
                    await smtp.rcpt(recipient)
                except aiosmtplib.SMTPRecipientRefused as exc:
                    refused[recipient] = f"{exc.code} {exc.message}"
            if len(refused) == len(mail.recipients):
                await smtp.rset()
                raise MailSendError(f"todos os destinatários recusados: {refused}")
        except MailSendError:
            raise
        except aiosmtplib.SMTPResponseException as exc:
            # An error reply before DATA: the server holds nothing; reset or reconnect next time.
            await self._drop()
            raise MailSendError(_describe(exc)) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._drop()
            raise MailSendError(_describe(exc)) from exc

        if before_data is not None:
            try:
                await before_data()
            except BaseException:
                # Nothing was transmitted: abandon the envelope and the connection.
                await self._drop()
                raise
        try:
            response = await smtp.data(flatten_message(message, utf8=False))
        except aiosmtplib.SMTPDataError as exc:
            # The server answered the end of DATA with an error: it did not take the message.
            await self._drop()
            raise MailSendError(_describe(exc)) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._drop()
            raise MailSendError(
                f"conexão perdida durante o envio do texto: {_describe(exc)}", maybe_delivered=True
            ) from exc
        return SendReport(refused=refused, response=response.message)
