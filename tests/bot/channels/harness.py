"""Test harness: a channel's blueprint served on loopback by Sanic, with a stand-in for the bot; signing helpers."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace
from typing import Any, Callable, Dict, List, Tuple
from urllib.parse import urlencode

from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.settings import Settings

TOKEN = "token-de-teste-twilio"
SECRET = "segredo-de-teste-telegram"


def settings(**overrides: Any) -> Settings:
    """Settings with test secrets and no real account unless overridden."""
    values = dict(twilio_account_sid="", twilio_auth_token=TOKEN, telegram_bot_token="",
                  telegram_webhook_secret=SECRET, public_url="", ivr_transfer="enqueue",
                  ivr_transfer_target="WW" + "a" * 32, ivr_voice="Polly.Camila", ivr_timeout=6)
    values.update(overrides)
    return Settings(**values)


class RecordingSender:
    """Stands in for Twilio or the Bot API: keeps every turn sent."""

    def __init__(self) -> None:
        self.turns: List[Tuple[Any, ...]] = []
        self.callbacks: List[str] = []

    async def send_turn(self, *args: Any) -> None:
        self.turns.append(args)

    async def answer_callback(self, query_id: str) -> None:
        self.callbacks.append(query_id)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condição não atingida a tempo")
        time.sleep(0.02)


def settled(server: "ChannelServer", received: int) -> None:
    """Wait until the bot got ``received`` messages and every answer spawned after a webhook has finished."""
    from bot.channels import common

    wait_until(lambda: len(server.received) == received and not common._background)


_TRACKER = object()


class ChannelServer:
    """Serves ``channel`` on a free loopback port in a thread; the bot answers with ``answer(message)``.

    Rasa's tracker store, as the channel finds it on the app: by default one that hands back ``tracker``;
    ``store`` replaces it (a real Rasa store, or None for an app without one).
    """

    def __init__(self, channel: Any, answer: Callable[[UserMessage], List[str]] | None = None,
                 tracker: Any = None, store: Any = _TRACKER) -> None:
        self.channel = channel
        self.answer = answer or (lambda message: [f"eco: {message.text}"])
        self.received: List[UserMessage] = []
        self.tracker = tracker
        self.store = store
        self._loop = asyncio.new_event_loop()

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        for text in self.answer(message):
            if isinstance(text, dict):  # an action's custom message ({"sms": ...} on the phone)
                await message.output_channel.send_custom_json(message.sender_id, text)
                continue
            await message.output_channel.send_text_message(message.sender_id, text)

    async def _start(self) -> None:
        Sanic.test_mode = True
        app = Sanic(f"teste_{uuid.uuid4().hex[:10]}")
        app.blueprint(self.channel.blueprint(self.on_new_message), url_prefix=f"/webhooks/{self.channel.name()}")

        async def retrieve(sender: str) -> Any:
            return self.tracker

        own = SimpleNamespace(retrieve=retrieve)
        app.ctx.agent = SimpleNamespace(tracker_store=own if self.store is _TRACKER else self.store)
        # Sanic 21.12 reads port=0 as "unset" and binds 8000: hand it a socket already bound to a free port.
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(100)
        self._server = await app.create_server(sock=self._sock, return_asyncio_server=True, access_log=False)
        await self._server.startup()
        await self._server.start_serving()
        port = self._server.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> "ChannelServer":
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            from bot.channels import common

            self._server.close()
            await self._server.wait_closed()
            # Answers still being sent finish first (a test may leave once the API got its call): a task left
            # pending on a stopped loop would stay in common._background and every later settled() would wait.
            mine = [task for task in common._background if task.get_loop() is self._loop]
            if mine:
                _, pending = await asyncio.wait(mine, timeout=5)
                for task in pending:
                    task.cancel()
                    common._background.discard(task)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def post(self, path: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, str]:
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_twilio(self, path: str, fields: Dict[str, str], token: str | None = TOKEN,
                    signed_url: str | None = None) -> Tuple[int, str]:
        """POST a Twilio form, signed with ``token`` over ``signed_url`` (default: the URL posted to)."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if token is not None:
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(
                signed_url or self.url + path, fields
            )
        return self.post(path, urlencode(fields).encode(), headers)

    def post_telegram(self, update: Dict[str, Any], secret: str | None = SECRET) -> Tuple[int, str]:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return self.post("/webhooks/telegram/webhook", json.dumps(update).encode(), headers)
