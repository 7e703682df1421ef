"""What replicas share through Redis: the deliveries already answered and the data of IVR transfers (issue 13).

The tests with a real Redis (``ATENDE_TEST_REDIS_URL``) are skipped by ``make mutation``, so these run against an
in-process stand-in that keeps redis-py's rules where they matter: ``SET NX`` refuses an existing key, ``EX``
expires it, and a value redis-py cannot encode (``None``) is refused with ``DataError``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Dict, Tuple

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import DataError

from bot.channels.common import make_seen_cache
from bot.channels.ura import Collected, UraInput
from bot.settings import get_settings
from tests.bot.channels import payloads
from tests.bot.channels.harness import ChannelServer, settings
from tests.bot.channels.test_ura import Call, bot

HOUR = 3600


class FakeRedisServer:
    """One Redis database: keys with their expiry, on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.keys: Dict[str, Tuple[bytes, float | None]] = {}
        self.down = False

    def live(self, key: str) -> bool:
        found = self.keys.get(key)
        return found is not None and (found[1] is None or self.now < found[1])


class FakeRedisClient:
    """The part of ``redis.Redis`` the channels use."""

    def __init__(self, server: FakeRedisServer) -> None:
        self.server = server

    @staticmethod
    def _encode(value: Any) -> bytes:
        if not isinstance(value, (bytes, str, int, float)) or isinstance(value, bool):
            raise DataError(f"Invalid input of type: '{type(value).__name__}'.")
        return value if isinstance(value, bytes) else str(value).encode()

    def set(self, name: Any, value: Any, ex: int | None = None, nx: bool = False) -> bool | None:
        if self.server.down:
            raise RedisConnectionError("Error 111 connecting to redis.interno:6379. Connection refused.")
        key = self._encode(name).decode()
        data = self._encode(value)
        if nx and self.server.live(key):
            return None
        self.server.keys[key] = (data, self.server.now + ex if ex is not None else None)
        return True

    def get(self, name: Any) -> bytes | None:
        key = self._encode(name).decode()
        return self.server.keys[key][0] if self.server.live(key) else None


class RedisServers:
    """The databases the clients of a test reached, by URL, and the options each client was made with."""

    def __init__(self, servers: Dict[str, FakeRedisServer], options: list) -> None:
        self.servers, self.options = servers, options

    def server(self, url: str) -> FakeRedisServer:
        return self.servers[url]


@pytest.fixture
def fake_redis(monkeypatch):
    """Every ``Redis.from_url`` gets the database of its URL; the options each client was made with are kept."""
    servers: Dict[str, FakeRedisServer] = {}
    options = []

    def from_url(url, **kwargs):
        options.append(kwargs)
        return FakeRedisClient(servers.setdefault(url, FakeRedisServer()))

    monkeypatch.setattr(redis.Redis, "from_url", from_url)
    return RedisServers(servers, options)


URL = "redis://redis.interno:6379/0"


# --- Deliveries already answered ----------------------------------------------------------------------------------


def test_a_delivery_seen_by_one_replica_is_refused_by_another_for_an_hour(fake_redis):
    one, other = make_seen_cache(settings(redis_url=URL), "whatsapp"), make_seen_cache(settings(redis_url=URL),
                                                                                      "whatsapp")
    sid = "SM" + uuid.uuid4().hex
    assert one.first_time(sid) is True
    assert other.first_time(sid) is False and one.first_time(sid) is False
    fake_redis.server(URL).now = HOUR - 1
    assert other.first_time(sid) is False
    # After an hour Twilio no longer retries: the key is gone.
    fake_redis.server(URL).now = HOUR
    assert other.first_time(sid) is True
    assert list(fake_redis.server(URL).keys) == [f"atende:visto:whatsapp:{sid}"]


def test_each_channel_keeps_its_own_deliveries(fake_redis):
    whatsapp, telegram = (make_seen_cache(settings(redis_url=URL), name) for name in ("whatsapp", "telegram"))
    assert whatsapp.first_time("7001") and telegram.first_time("7001")
    assert sorted(fake_redis.server(URL).keys) == ["atende:visto:telegram:7001", "atende:visto:whatsapp:7001"]


def test_a_hung_redis_holds_a_webhook_for_two_seconds_at_most(fake_redis):
    make_seen_cache(settings(redis_url=URL), "whatsapp")
    UraInput(settings(redis_url=URL))
    assert fake_redis.options == [{"socket_timeout": 2}, {"socket_timeout": 2}]


def test_with_redis_down_the_operator_reads_why_and_the_message_is_answered(fake_redis, caplog):
    seen = make_seen_cache(settings(redis_url=URL), "whatsapp")
    fake_redis.server(URL).down = True
    with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
        assert seen.first_time("SM1") is True
    assert [record.getMessage() for record in caplog.records] == [
        "redis inacessível ao conferir mensagem repetida (Error 111 connecting to redis.interno:6379. "
        "Connection refused.): respondendo mesmo assim"
    ]


# --- IVR transfers -------------------------------------------------------------------------------------------------


def _collected(call: str) -> Collected:
    return Collected(canal="ura", chamada=call, telefone=payloads.PHONE, identificado=True, beneficiario_id=7,
                     beneficiario_nome="Maria", opcao="4 - Financeiro", protocolo=None, motivo="pedido do beneficiário")


def test_a_transfer_kept_by_one_replica_is_read_by_another_for_an_hour(fake_redis):
    one, other = UraInput(settings(redis_url=URL)), UraInput(settings(redis_url=URL))
    call = "CA" + uuid.uuid4().hex
    one.transfers.put(call, _collected(call))
    assert other.transfers.get(call) == _collected(call)
    assert other.transfers.get("CA-desconhecida") is None and other.transfers.get("") is None
    assert list(fake_redis.server(URL).keys) == [f"atende:ura:transferencia:{call}"]
    fake_redis.server(URL).now = HOUR - 1
    assert other.transfers.get(call) == _collected(call)
    fake_redis.server(URL).now = HOUR
    assert other.transfers.get(call) is None


def test_the_whisper_of_a_transfer_is_spoken_by_the_replica_twilio_asks(fake_redis):
    settings_dial = settings(redis_url=URL, ivr_transfer="dial", ivr_transfer_target="+553133334444")
    with ChannelServer(UraInput(settings_dial), answer=bot) as first, \
            ChannelServer(UraInput(settings_dial), answer=bot) as second:
        call = Call(first)
        call.start()
        root, _ = call.keys("0")
        whisper = root.find("Dial").find("Number").get("url")
        status, body = second.post_twilio(whisper, {"CallSid": "CA2", "ParentCallSid": call.sid})
    assert status == 200 and "Beneficiário não identificado" in body


# --- Built by Rasa --------------------------------------------------------------------------------------------------


def test_the_ivr_built_by_rasa_takes_its_token_from_the_environment(monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token-do-ambiente")
    for name in ("TWILIO_ACCOUNT_SID", "ATENDE_PUBLIC_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    try:
        channel = UraInput.from_credentials({"auth_token": "token-de-teste-twilio"})
        with ChannelServer(channel, answer=bot) as server:
            refused = server.post_twilio("/webhooks/ura/webhook", payloads.voice_call("CA1"))[0]
            accepted = server.post_twilio("/webhooks/ura/webhook", payloads.voice_call("CA1"),
                                          token="token-do-ambiente")[0]
    finally:
        get_settings.cache_clear()
    assert (refused, accepted) == (403, 200)
