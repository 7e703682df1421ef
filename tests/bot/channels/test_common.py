from bot.channels.common import (
    DEV_TELEGRAM_WEBHOOK_SECRET,
    DEV_TWILIO_AUTH_TOKEN,
    LocalOutbox,
    SeenCache,
    no_text_answer,
    secret_ok,
    telegram_webhook_secret,
    twilio_signing_token,
)
from tests.bot.channels.harness import settings


def test_development_defaults_only_while_unset_and_unpublished():
    local = settings(twilio_auth_token="", telegram_webhook_secret="")
    assert twilio_signing_token(local) == DEV_TWILIO_AUTH_TOKEN
    assert telegram_webhook_secret(local) == DEV_TELEGRAM_WEBHOOK_SECRET
    published = settings(twilio_auth_token="", telegram_webhook_secret="", public_url="https://atende.example")
    assert twilio_signing_token(published) is None and telegram_webhook_secret(published) is None
    real = settings(twilio_auth_token="real", telegram_webhook_secret="s", public_url="https://atende.example")
    assert twilio_signing_token(real) == "real" and telegram_webhook_secret(real) == "s"


def test_secrets_stay_out_of_repr():
    shown = repr(settings(twilio_auth_token="tok-123", telegram_bot_token="123:abc", twilio_account_sid="ACx"))
    assert "tok-123" not in shown and "123:abc" not in shown and "ACx" not in shown


def test_secret_comparison():
    assert secret_ok("abc", "abc")
    assert not secret_ok("abd", "abc") and not secret_ok(None, "abc") and not secret_ok("", "")
    assert not secret_ok("abc", None)


def test_seen_cache_forgets_after_ttl_and_stays_bounded():
    now = [0.0]
    cache = SeenCache(ttl=10, max_size=3, clock=lambda: now[0])
    assert cache.first_time("a") and not cache.first_time("a")
    now[0] = 11
    assert cache.first_time("a")
    for key in "bcdef":
        cache.first_time(key)
    assert len(cache) <= 3


def test_outbox_keeps_recent_turns():
    outbox = LocalOutbox(max_turns=2)
    for turn in "123":
        outbox.record(turn, "whatsapp:+55", [turn])
    assert outbox.get("1") is None and outbox.get("3") == {"para": "whatsapp:+55", "mensagens": ["3"]}


def test_no_text_answers_are_portuguese_and_point_receipts_to_the_app():
    photo = no_text_answer("sua foto", "digite *menu*")
    assert photo.startswith("Recebi sua foto") and "aplicativo" in photo
    assert "aplicativo" not in no_text_answer("sua localização", "digite *menu*")
