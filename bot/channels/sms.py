"""Text messages from the phone line: what a caller cannot take down by ear (a boleto's 47-digit line).

An action asks for one with a custom message ``{"sms": body, "dito": said_when_sent}``; the IVR channel sends it
to the number the caller is on, through Twilio's REST API (the same account as the call), and says what the
action wrote, or why it could not send. In local mode (no Twilio account) the message is logged, masked, and kept
for ``atende simulate ura``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Protocol

import phonenumbers

from bot.canais import SMS_KEY, SMS_SAID_KEY
from bot.channels.common import LocalOutbox
from bot.channels.render import mask_for_log
from bot.settings import Settings

logger = logging.getLogger(__name__)

NO_NUMBER = (
    "O número de onde você liga não veio na ligação, então não consigo mandar o SMS. A linha digitável também está "
    "no Aplicativo, no Portal e no WhatsApp da Cemig Saúde."
)
NOT_SENT = (
    "Não consegui mandar o SMS agora. A linha digitável também está no Aplicativo, no Portal e no WhatsApp da "
    "Cemig Saúde."
)


class SmsSender(Protocol):
    """Sends one text message."""

    async def send(self, to: str, from_: str, body: str, turn: str) -> None:
        """Send ``body`` to ``to`` from ``from_``; ``turn`` is the call step it answers. Raises on failure."""


class TwilioSms:
    """Sends through Twilio's REST API, in a worker thread so the call's answer is not held up by the event loop."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def send(self, to: str, from_: str, body: str, turn: str) -> None:
        """Create the message; Twilio's error propagates."""
        created = await asyncio.to_thread(self.client.messages.create, to=to, from_=from_, body=body)
        logger.info("ura: SMS %s enviado a %s", created.sid, mask_for_log(to))


class LocalSms:
    """Local mode: logs the message (masked) and keeps it for `atende simulate ura`."""

    def __init__(self) -> None:
        self.outbox = LocalOutbox()

    async def send(self, to: str, from_: str, body: str, turn: str) -> None:
        """Log and keep."""
        logger.info("ura (modo local) SMS para %s: %s", mask_for_log(to), mask_for_log(body))
        self.outbox.record(turn, to, [body])


def make_sms_sender(settings: Settings) -> SmsSender:
    """Twilio's REST sender when the account is configured, else the local mode."""
    if settings.twilio_account_sid and settings.twilio_auth_token:
        from bot.channels.whatsapp import make_twilio_client

        return TwilioSms(make_twilio_client(settings))
    return LocalSms()


def callable_number(number: str) -> str | None:
    """The caller's number in E.164 when it can receive a text, else None (withheld, anonymous, malformed).

    >>> callable_number("+5531988887777"), callable_number("anonymous"), callable_number("+266696687")
    ('+5531988887777', None, None)
    """
    try:
        parsed = phonenumbers.parse(number or "", None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


async def deliver_texts(
    messages: List[Dict[str, Any]], sender: SmsSender, caller: str, from_: str, turn: str
) -> List[Dict[str, Any]]:
    """Send the SMS the bot's messages ask for; each request becomes the sentence to say in its place.

    Args:
        messages: What the bot answered, as Rasa's collector gathered it.
        sender: Where SMS go.
        caller: The number the caller is on (Twilio's ``From``).
        from_: The number to text from.
        turn: The call step, for the log and the local outbox.
    """
    spoken: List[Dict[str, Any]] = []
    for message in messages:
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else None
        if not custom or not custom.get(SMS_KEY):
            spoken.append(message)
            continue
        to = callable_number(caller)
        if to is None:
            spoken.append({"text": NO_NUMBER})
            continue
        try:
            await sender.send(to, from_, str(custom[SMS_KEY]), turn)
        except Exception:  # noqa: BLE001 - the caller hears that it failed and where else to find it
            logger.exception("ura: SMS para %s falhou", mask_for_log(to))
            spoken.append({"text": NOT_SENT})
            continue
        spoken.append({"text": str(custom.get(SMS_SAID_KEY) or "")})
    return spoken
