"""``atende simulate whatsapp|ivr|telegram``: the running bot through each channel's real webhook.

Requests are built as Twilio and Telegram send them and signed with the server's secrets (the same environment
variables, or the development defaults when they are unset). In local mode the channel keeps what it would
have sent, and the simulator shows it; for the IVR the answer is the TwiML itself.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Tuple
from urllib.parse import urlencode, urljoin, urlsplit

from twilio.request_validator import RequestValidator

from bot.channels.common import (
    DEV_TWILIO_ACCOUNT_SID,
    DEV_TWILIO_WHATSAPP_FROM,
    telegram_webhook_secret,
    twilio_signing_token,
)
from bot.settings import Settings

DEMO_PHONE = "+5531900000001"  # fictitious: a Brazilian mobile number that belongs to nobody
DEMO_IVR_NUMBER = "+553130309009"
DEMO_TELEGRAM_CHAT = 700000001


def default_base_url() -> str:
    """The Rasa server started by ``make run``."""
    return f"http://127.0.0.1:{os.environ.get('ATENDE_RASA_PORT', '5005')}"


def http_request(url: str, data: bytes | None, headers: Dict[str, str], timeout: float = 60.0) -> Tuple[int, str]:
    """POST ``data`` (GET when None); return (status, body), also for error statuses."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class TwilioSigner:
    """Signs requests as Twilio does, over the URL Twilio would have called (ATENDE_PUBLIC_URL when set)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.validator = RequestValidator(twilio_signing_token(settings) or "")

    def signed_url(self, url: str) -> str:
        """The URL the server checks the signature against."""
        if not self.settings.public_url:
            return url
        parts = urlsplit(url)
        return f"{self.settings.public_url.rstrip('/')}{parts.path}{'?' + parts.query if parts.query else ''}"

    def request(self, url: str, fields: Dict[str, str] | None = None) -> Tuple[int, str]:
        """POST ``fields`` (GET without them) with a valid X-Twilio-Signature."""
        signature = self.validator.compute_signature(self.signed_url(url), fields or {})
        headers = {"X-Twilio-Signature": signature}
        if fields is None:
            return http_request(url, None, headers)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return http_request(url, urlencode(fields).encode(), headers)


def _wait_outbox(fetch: Callable[[], Tuple[int, str]], timeout: float) -> Dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = fetch()
        if status != 200:
            return None
        found = json.loads(body)
        if found:
            return found
        time.sleep(0.2)
    return None


@dataclass
class WhatsAppSimulator:
    """A WhatsApp user writing to the bot through Twilio's webhook."""

    base_url: str
    settings: Settings
    number: str = DEMO_PHONE

    def __post_init__(self) -> None:
        self.signer = TwilioSigner(self.settings)
        self.webhook = f"{self.base_url.rstrip('/')}/webhooks/whatsapp/webhook"

    def fields(self, body: str, media: str | None = None) -> Dict[str, str]:
        """The form Twilio posts for an incoming WhatsApp message."""
        sid = f"SM{uuid.uuid4().hex}"
        fields = {
            "SmsMessageSid": sid, "NumMedia": "0", "ProfileName": "Simulador", "MessageType": "text",
            "SmsSid": sid, "WaId": self.number.lstrip("+"), "SmsStatus": "received", "Body": body,
            "To": self.settings.twilio_whatsapp_from or DEV_TWILIO_WHATSAPP_FROM, "NumSegments": "1",
            "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": self.settings.twilio_account_sid
            or DEV_TWILIO_ACCOUNT_SID, "From": f"whatsapp:{self.number}", "ApiVersion": "2010-04-01",
        }
        if media == "image":
            fields.update(NumMedia="1", MessageType="image", MediaContentType0="image/jpeg",
                          MediaUrl0=f"https://api.twilio.com/2010-04-01/Accounts/AC/Messages/{sid}/Media/ME1")
        elif media == "location":
            fields.update(MessageType="location", Latitude="-19.9245", Longitude="-43.9352")
        return fields

    def send(self, body: str, media: str | None = None) -> Tuple[int, str]:
        """Post one message; return (HTTP status, MessageSid)."""
        fields = self.fields(body, media)
        status, _ = self.signer.request(self.webhook, fields)
        return status, fields["MessageSid"]

    def answers(self, sid: str, timeout: float = 30.0) -> List[str] | None:
        """What the local mode would have sent in reply to ``sid`` (None when not in local mode or too late)."""
        url = f"{self.base_url.rstrip('/')}/webhooks/whatsapp/local/respostas?{urlencode({'sid': sid})}"
        found = _wait_outbox(lambda: self.signer.request(url), timeout)
        return found["mensagens"] if found else None

    def agent_messages(self, after: float) -> List[Dict[str, Any]]:
        """What an agent wrote from the console since ``after`` (local mode only; empty otherwise)."""
        query = urlencode({"para": self.number, "depois": after})
        status, body = self.signer.request(f"{self.base_url.rstrip('/')}/webhooks/whatsapp/local/atendente?{query}")
        return json.loads(body) if status == 200 else []


@dataclass
class Spoken:
    """One TwiML answer of the IVR, as a caller experiences it."""

    said: List[str] = field(default_factory=list)
    gather_action: str | None = None
    single_key: bool = False
    transfer: str | None = None


def read_twiml(twiml: str) -> Spoken:
    """What the caller hears, where the next keys go, and the transfer, from a TwiML document."""
    root = ElementTree.fromstring(twiml)
    spoken = Spoken(said=[say.text or "" for say in root.iter("Say")])
    gather = root.find("Gather")
    if gather is not None:
        spoken.gather_action = gather.get("action")
        spoken.single_key = gather.get("numDigits") == "1"
    for element in root:
        if element.tag == "Enqueue":
            task = element.find("Task")
            spoken.transfer = f"fila {element.get('workflowSid') or (element.text or '').strip()}" + (
                f" com {task.text}" if task is not None else ""
            )
        elif element.tag == "Dial":
            spoken.transfer = "discagem para " + ElementTree.tostring(element, encoding="unicode")
    return spoken


@dataclass
class CallSimulator:
    """A phone call to the IVR through Twilio Voice's webhook."""

    base_url: str
    settings: Settings
    number: str = DEMO_PHONE

    def __post_init__(self) -> None:
        self.signer = TwilioSigner(self.settings)
        self.webhook = f"{self.base_url.rstrip('/')}/webhooks/ura/webhook"
        self.call_sid = f"CA{uuid.uuid4().hex}"
        self.next_url = self.webhook

    def fields(self, **extra: str) -> Dict[str, str]:
        """The form Twilio Voice posts for this call ("ringing" when it starts, then "in-progress")."""
        status = "ringing" if self.next_url == self.webhook else "in-progress"
        return {
            "AccountSid": self.settings.twilio_account_sid or DEV_TWILIO_ACCOUNT_SID,
            "ApiVersion": "2010-04-01",
            "CallSid": self.call_sid,
            "CallStatus": status,
            "Called": DEMO_IVR_NUMBER,
            "CalledCountry": "BR",
            "Caller": self.number,
            "CallerCountry": "BR",
            "Direction": "inbound",
            "From": self.number,
            "FromCountry": "BR",
            "To": DEMO_IVR_NUMBER,
            "ToCountry": "BR",
            **extra,
        }

    def step(self, digits: str = "", speech: str = "") -> Tuple[int, Spoken]:
        """Call (first step), or answer the last Gather with keys, speech, or silence (both empty)."""
        extra: Dict[str, str] = {}
        if self.next_url != self.webhook:
            if digits:
                # Twilio leaves the finishing key out of Digits and reports it apart.
                extra.update(Digits=digits.rstrip("#"), FinishedOnKey="#" if digits.endswith("#") else "")
            elif speech:
                extra.update(SpeechResult=speech, Confidence="0.91")
        status, body = self.signer.request(self.next_url, self.fields(**extra))
        if status != 200:
            return status, Spoken()
        spoken = read_twiml(body)
        if spoken.gather_action:
            self.next_url = urljoin(self.next_url, spoken.gather_action)
        return status, spoken


@dataclass
class TelegramSimulator:
    """A Telegram user in a private chat with the bot, through the webhook."""

    base_url: str
    settings: Settings
    chat_id: int = DEMO_TELEGRAM_CHAT
    # Telegram's update ids are unique across the bot's chats; two simulators started in the same second shared
    # them, and each read the other's answers (u20).
    update_id: int = field(default_factory=lambda: secrets.randbelow(1_000_000_000))

    def __post_init__(self) -> None:
        self.secret = telegram_webhook_secret(self.settings) or ""
        self.webhook = f"{self.base_url.rstrip('/')}/webhooks/telegram/webhook"
        self.user = {"id": self.chat_id, "is_bot": False, "first_name": "Simulador", "language_code": "pt-br"}

    def _post(self, update: Dict[str, Any]) -> Tuple[int, int]:
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": self.secret}
        status, _ = http_request(self.webhook, json.dumps(update).encode(), headers)
        return status, update["update_id"]

    def send(self, text: str) -> Tuple[int, int]:
        """A text message (a leading /command is marked as such, as Telegram does)."""
        self.update_id += 1
        message: Dict[str, Any] = {
            "message_id": self.update_id % 1_000_000, "from": self.user, "date": int(time.time()), "text": text,
            "chat": {"id": self.chat_id, "first_name": "Simulador", "type": "private"},
        }
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        return self._post({"update_id": self.update_id, "message": message})

    def press(self, data: str) -> Tuple[int, int]:
        """A press on an inline button whose callback data is ``data``."""
        self.update_id += 1
        chat = {"id": self.chat_id, "first_name": "Simulador", "type": "private"}
        query = {
            "id": str(uuid.uuid4().int)[:19], "from": self.user, "chat_instance": "-7000000001", "data": data,
            "message": {"message_id": 1, "from": {"id": 1, "is_bot": True, "first_name": "Atende"}, "chat": chat,
                        "date": int(time.time()), "text": "menu"},
        }
        return self._post({"update_id": self.update_id, "callback_query": query})

    def answers(self, update_id: int, timeout: float = 30.0) -> List[Dict[str, Any]] | None:
        """What the local mode would have sent for ``update_id``."""
        url = f"{self.base_url.rstrip('/')}/webhooks/telegram/local/respostas?update={update_id}"
        found = _wait_outbox(lambda: http_request(url, None, {"X-Telegram-Bot-Api-Secret-Token": self.secret}), timeout)
        return found["mensagens"] if found else None

    def agent_messages(self, after: float) -> List[Dict[str, Any]]:
        """What an agent wrote from the console since ``after`` (local mode only; empty otherwise)."""
        url = f"{self.base_url.rstrip('/')}/webhooks/telegram/local/atendente?chat={self.chat_id}&depois={after}"
        status, body = http_request(url, None, {"X-Telegram-Bot-Api-Secret-Token": self.secret})
        return json.loads(body) if status == 200 else []
