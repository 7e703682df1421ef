"""Issue 9, "keep it closed": 1,200 generated inputs (seeded) across the four webhooks.

Asserted for every one: no 5xx, an answer within 2 s, no English in what the user reads; after all of them the
bot still answers a normal message and no log holds a traceback. The figures are in docs/seguranca.md.
"""

from __future__ import annotations

import json
import random
import re
import time
from typing import Callable, Dict, Iterator, List, Tuple
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.simulate import http_request
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, telegram_answer, twilio_answer
from tests.e2e.conftest import start_servers
from tests.e2e.test_canais import BOT_TOKEN, PUBLIC, SECRET, TOKEN, WORKFLOW, Env

pytestmark = pytest.mark.servers

SEED = 20261202
ENGLISH = re.compile(r"\b(sorry|the|please|error|exception|traceback|invalid|not found)\b", re.IGNORECASE)
TEXTS_PER_CHANNEL = {"rest": 400, "whatsapp": 300, "telegram": 300, "ura": 200}

PAYLOADS = [
    "", " ", "\t\n", "\x00", "a\x00b", "🙂", "👨‍👩‍👧‍👦" * 50, "مرحبا أريد بطاقتي", "שלום", "\u202eoi\u202c",
    "'; DROP TABLE beneficiaries; --", "1 OR 1=1", "{{7*7}}", "${jndi:ldap://x}", "%s%s%n", "<script>alert(1)</script>",
    "/restart", "/informar_identificacao{\"cpf\": \"52998224725\"}", "/", "//", "3", "0", "menu", "mais", "sair",
    "529.982.247-25", "4175 0500 0000 1004", "12/03/1975", "99/99/9999", "41750520261202000001",
    "a" * 4096, "a" * 4097, "ab " * 3000, "\U0010ffff", "\ud7ff", "NaN", "null", "[]", "{}", "-1", "1e308",
]


def _texts(rng: random.Random, count: int) -> List[str]:
    texts = []
    for _ in range(count):
        base = rng.choice(PAYLOADS)
        mutation = rng.random()
        if mutation < 0.3:
            base = "".join(rng.choice([c, c.upper(), c + c]) for c in base[:200])
        elif mutation < 0.45:
            base = base + rng.choice(PAYLOADS)
        elif mutation < 0.55:
            base = "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(1, 60)))
        texts.append(base)
    return texts


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with FakeApi(twilio_answer, status=201) as twilio, FakeApi(telegram_answer) as telegram:
        variables = {
            "TWILIO_ACCOUNT_SID": payloads.ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_WHATSAPP_FROM": payloads.WHATSAPP_BUSINESS, "TWILIO_API_URL": twilio.url,
            "ATENDE_PUBLIC_URL": PUBLIC, "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_URL": telegram.url, "ATENDE_IVR_TRANSFER": "enqueue", "ATENDE_IVR_TRANSFER_TARGET": WORKFLOW,
        }
        workdir = tmp_path_factory.mktemp("fuzz")
        with start_servers(workdir, variables) as servers:
            environment = Env(servers, twilio, telegram)
            environment.workdir = workdir  # type: ignore[attr-defined]
            yield environment


def _timed(call: Callable[[], Tuple[int, str]]) -> Tuple[int, str, float]:
    started = time.monotonic()
    status, body = call()
    return status, body, time.monotonic() - started


def _signed_form(env: Env, path: str, fields: Dict[str, str]) -> Tuple[int, str]:
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return http_request(env.base + path, urlencode(fields).encode(), headers)


def _rest_bodies(rng: random.Random, texts: List[str]) -> List[bytes]:
    bodies = [json.dumps({"sender": f"fuzz-{rng.randrange(20)}", "message": text}).encode() for text in texts]
    odd = [b"", b"null", b"3", b"[]", b'"oi"', b"{", b"\xff\xfe\x00", b'{"sender": "\xc3\x28", "message": "oi"}',
           b'{"sender": ["a"], "message": "oi"}', b'{"sender": "a", "message": null}', b"{}" * 10]
    return bodies + odd


def test_a_thousand_odd_inputs_get_portuguese_answers_fast_and_break_nothing(env):
    rng = random.Random(SEED)
    results: List[Tuple[str, int, str, float]] = []

    for body in _rest_bodies(rng, _texts(rng, TEXTS_PER_CHANNEL["rest"])):
        status, answer, seconds = _timed(lambda b=body: http_request(
            env.base + "/webhooks/rest/webhook", b, {"Content-Type": "application/json"}))
        results.append(("rest", status, answer, seconds))

    for text in _texts(rng, TEXTS_PER_CHANNEL["whatsapp"]):
        fields = payloads.whatsapp_text(text, phone=f"+55319{rng.randrange(10**8):08d}")
        if rng.random() < 0.2:
            fields[rng.choice(["NumMedia", "MessageType", "Latitude", "ButtonPayload"])] = rng.choice(PAYLOADS)[:50]
        if rng.random() < 0.1:
            fields.pop(rng.choice(sorted(fields)))
        status, answer, seconds = _timed(lambda f=fields: _signed_form(env, "/webhooks/whatsapp/webhook", f))
        results.append(("whatsapp", status, "", seconds))

    for number, text in enumerate(_texts(rng, TEXTS_PER_CHANNEL["telegram"])):
        update = payloads.telegram_text(10**7 + number, rng.randrange(10**6, 10**7), text or "oi")
        update["message"]["text"] = text
        if rng.random() < 0.15:
            update["message"][rng.choice(["chat", "from", "date", "text"])] = rng.choice([None, 3, [], "x"])
        status, answer, seconds = _timed(lambda u=update: (env.post_telegram(u), ""))
        results.append(("telegram", status, "", seconds))

    for text in _texts(rng, TEXTS_PER_CHANNEL["ura"]):
        call = payloads.twilio_sid("CA")
        fields = payloads.voice_speech(call, text) if rng.random() < 0.5 else payloads.voice_digits(call, text[:20])
        status, answer, seconds = _timed(lambda f=fields: _signed_form(env, "/webhooks/ura/webhook", f))
        results.append(("ura", status, answer, seconds))

    assert len(results) >= 1000
    server_errors = [(channel, status) for channel, status, _, _ in results if status >= 500]
    # Issue 9's bound: no reply slower than 2 s (an uncapped 100 kB word took 14.7 s in spaCy). It holds on the
    # CI machine running the suite alone; a second suite on the same 2 cores pushed one reply to 4.6 s.
    slow = [(channel, round(seconds, 2)) for channel, _, _, seconds in results if seconds > 2]
    english = [(channel, answer[:120]) for channel, _, answer, _ in results if ENGLISH.search(answer)]
    assert server_errors == [] and slow == [] and english == []

    # What WhatsApp and Telegram users were sent (in the background) is Portuguese too.
    time.sleep(3)
    sent = [call.fields.get("Body") or call.fields.get("text") or "" for api in (env.twilio, env.telegram)
            for call in api.calls()]
    assert sent and [text for text in sent if ENGLISH.search(text)] == []

    status, answer = http_request(env.base + "/webhooks/rest/webhook",
                                  json.dumps({"sender": "depois", "message": "menu"}).encode(),
                                  {"Content-Type": "application/json"})
    assert status == 200 and "Escolha uma opção" in json.loads(answer)[0]["text"]
    logs = "\n".join(p.read_text(errors="replace") for p in env.workdir.glob("*.log"))  # type: ignore[attr-defined]
    assert "Traceback" not in logs
