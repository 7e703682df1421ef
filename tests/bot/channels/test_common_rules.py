"""The shared request rules of the channels, each on its own (issue 13, mutation survivors).

Which URL Twilio signed, which form fields it signed, how long a delivery is remembered and how many, when a
delivery counts as answered before a restart, and what happens to an answer that fails in the background.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

from bot.channels import common
from bot.channels.common import SeenCache, answered_before, form_fields, public_request_url, spawn
from tests.bot.channels.harness import settings


def _request(**fields):
    values = dict(url="http://10.0.0.5:5005/webhooks/ura/webhook?etapa=menu", path="/webhooks/ura/webhook",
                  query_string="etapa=menu", content_type="application/x-www-form-urlencoded", body=b"", form=None)
    values.update(fields)
    return SimpleNamespace(**values)


def test_the_signed_url_is_the_public_one_with_the_query_when_published():
    published = settings(public_url="https://atende.example.com/")
    assert public_request_url(_request(), published) == "https://atende.example.com/webhooks/ura/webhook?etapa=menu"
    assert public_request_url(_request(query_string=""), published) == "https://atende.example.com/webhooks/ura/webhook"
    assert public_request_url(_request(), settings(public_url="")) == "http://10.0.0.5:5005/webhooks/ura/webhook?etapa=menu"


def test_form_fields_keep_blank_values_and_read_utf8():
    request = _request(content_type="application/x-www-form-urlencoded; charset=UTF-8",
                       body=b"Body=&From=whatsapp%3A%2B5531988887777&ProfileName=Jo%C3%A3o&X=%FF")
    assert form_fields(request) == {"Body": "", "From": "whatsapp:+5531988887777", "ProfileName": "João",
                                    "X": "\ufffd"}


def test_a_form_with_bytes_that_are_not_utf8_is_still_read():
    request = _request(body=b"Body=caf\xe9&From=whatsapp%3A%2B5531988887777")
    assert form_fields(request) == {"Body": "caf\ufffd", "From": "whatsapp:+5531988887777"}


def test_other_forms_are_read_one_value_per_field():
    form = {"Body": ["oi", "repetido"], "From": ["whatsapp:+5531988887777"]}
    request = _request(content_type="multipart/form-data; boundary=x", form=_MultiDict(form))
    assert form_fields(request) == {"Body": "oi", "From": "whatsapp:+5531988887777"}
    assert form_fields(_request(content_type=None, form=None)) == {}


class _MultiDict(dict):
    """Sanic's request.form: a list of values per key, ``get`` gives the first."""

    def get(self, key, default=None):
        values = super().get(key)
        return values[0] if values else default


def test_a_delivery_is_remembered_for_exactly_the_ttl():
    now = [100.0]
    cache = SeenCache(ttl=10, clock=lambda: now[0])
    assert cache.first_time("SM1") is True
    now[0] = 110.0
    assert cache.first_time("SM1") is False
    now[0] = 120.5
    assert cache.first_time("SM1") is True


def test_forgetting_an_old_delivery_keeps_the_recent_ones():
    now = [0.0]
    cache = SeenCache(ttl=10, clock=lambda: now[0])
    cache.first_time("SM-old")
    now[0] = 5.0
    cache.first_time("SM-recent")
    now[0] = 12.0
    assert cache.first_time("SM-recent") is False and len(cache) == 1


def test_at_most_max_size_deliveries_are_remembered_the_oldest_forgotten_first():
    cache = SeenCache(ttl=1000, max_size=3, clock=lambda: 0.0)
    for key in ("a", "b", "c"):
        assert cache.first_time(key)
    assert len(cache) == 3 and not cache.first_time("c")
    assert cache.first_time("d") and len(cache) == 3
    assert not cache.first_time("b") and not cache.first_time("d")
    assert cache.first_time("a")


def test_default_memory_remembers_an_hour_and_fifty_thousand_deliveries():
    now = [0.0]
    cache = SeenCache(clock=lambda: now[0])
    for number in range(50_001):
        cache.first_time(number)
    assert len(cache) == 50_000 and cache.first_time(0) and not cache.first_time(2)
    now[0] = 3600.0
    assert not cache.first_time(3)
    now[0] = 3600.5
    assert cache.first_time(3)


def _store(events):
    async def retrieve(sender):
        return SimpleNamespace(events=events) if sender == "telegram:7" else None

    return SimpleNamespace(retrieve=retrieve)


def test_a_delivery_counts_as_answered_only_when_its_own_id_is_in_the_senders_conversation(caplog):
    store = _store([SimpleNamespace(message_id="100"), SimpleNamespace()])

    def check(*args):
        return asyncio.run(answered_before(*args))

    assert check(store, "telegram:7", "100") is True
    assert check(store, "telegram:7", "101") is False
    assert check(store, "telegram:8", "100") is False
    assert check(store, "telegram:7", "") is False and check(None, "telegram:7", "100") is False

    async def broken(sender):
        raise OSError("disco cheio")

    with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
        assert check(SimpleNamespace(retrieve=broken), "telegram:7", "100") is False
    assert [record.getMessage() for record in caplog.records] == ["não foi possível ler a conversa telegram:7"]


def test_an_answer_failing_in_the_background_is_logged_and_let_go(caplog):
    async def failing():
        raise RuntimeError("Twilio fora do ar")

    async def main():
        task = spawn(failing(), "whatsapp SM1")
        assert task in common._background
        await task
        await asyncio.sleep(0)
        return task

    with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
        task = asyncio.run(main())
    assert task not in common._background and task.exception() is None
    [record] = caplog.records
    assert record.getMessage() == "falha ao responder whatsapp SM1" and record.exc_info[0] is RuntimeError
