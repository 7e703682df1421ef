"""One typed settings object, read from the environment.

Nothing here opens a file or a connection: factories elsewhere take a
:class:`Settings` and build engines and clients from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A variable of the environment holds a value of the wrong form; the message names it."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _int(name: str, default: str) -> int:
    value = _env(name, default).strip()
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r}: esperado um número inteiro, por exemplo {default}") from None


def _float(name: str, default: str) -> float:
    value = _env(name, default).strip()
    try:
        return float(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r}: esperado um número (segundos), por exemplo {default}") from None


TRUE_WORDS = ("1", "true", "sim", "yes", "on")
FALSE_WORDS = ("", "0", "false", "nao", "não", "no", "off")


def _bool(name: str) -> bool:
    value = _env(name).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={value!r}: esperado sim ou não (1/0, true/false, on/off)")


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of the whole product.

    Attributes:
        database_url: SQLAlchemy URL of the plan database. SQLite under
            ``var/`` unless ``DATABASE_URL`` says otherwise.
        timezone: Time zone for every date shown to a beneficiary.
        max_identification_attempts: Failed attempts before identification
            ends and a person is offered.
        var_dir: Folder for local state (SQLite file, logs, mail spool).
        routing_rules_path: YAML file with the routing inboxes and rules (issue 4; ``docs/routing.md``).
    """

    # Empty: the SQLite file var_dir/atende.db (filled in by __post_init__).
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL"))
    timezone: str = field(default_factory=lambda: _env("ATENDE_TIMEZONE", "America/Sao_Paulo"))
    max_identification_attempts: int = field(
        default_factory=lambda: _int("ATENDE_MAX_ID_ATTEMPTS", "3")
    )
    var_dir: Path = field(default_factory=lambda: Path(_env("ATENDE_VAR_DIR", str(PROJECT_ROOT / "var"))))
    routing_rules_path: Path = field(
        default_factory=lambda: Path(_env("ATENDE_ROUTING_RULES", str(PROJECT_ROOT / "routing" / "rules.yaml")))
    )
    # A fixed clock (ISO 8601 with offset) for demonstrations and tests of
    # opening hours; empty means the real clock.
    fixed_now: str = field(default_factory=lambda: _env("ATENDE_NOW"))

    # Channels (bot/channels, docs/canais.md). Secrets come only from the environment and stay out of repr();
    # empty means "not configured": the channel then runs in its local mode.
    twilio_account_sid: str = field(default_factory=lambda: _env("TWILIO_ACCOUNT_SID"), repr=False)
    twilio_auth_token: str = field(default_factory=lambda: _env("TWILIO_AUTH_TOKEN"), repr=False)
    twilio_whatsapp_from: str = field(default_factory=lambda: _env("TWILIO_WHATSAPP_FROM"))
    # The number the phone line texts from (a boleto's line by SMS); empty means the number the caller dialled.
    twilio_sms_from: str = field(default_factory=lambda: _env("TWILIO_SMS_FROM"))
    # Base URL of Twilio's REST API; tests point it at a recording server on loopback.
    twilio_api_url: str = field(default_factory=lambda: _env("TWILIO_API_URL", "https://api.twilio.com"))
    # Public base URL (scheme and host, e.g. https://atende.example.com) that Twilio calls: signatures are
    # computed over the URL Twilio saw, which a reverse proxy hides from the server.
    public_url: str = field(default_factory=lambda: _env("ATENDE_PUBLIC_URL"))
    telegram_bot_token: str = field(default_factory=lambda: _env("TELEGRAM_BOT_TOKEN"), repr=False)
    telegram_webhook_secret: str = field(default_factory=lambda: _env("TELEGRAM_WEBHOOK_SECRET"), repr=False)
    telegram_api_url: str = field(default_factory=lambda: _env("TELEGRAM_API_URL", "https://api.telegram.org"))
    # Phone IVR: "enqueue" (TaskRouter workflow SID or queue name) or "dial" (number, sip: or client:).
    ivr_transfer: str = field(default_factory=lambda: _env("ATENDE_IVR_TRANSFER", "enqueue"))
    ivr_transfer_target: str = field(default_factory=lambda: _env("ATENDE_IVR_TRANSFER_TARGET", "atendimento"))
    ivr_voice: str = field(default_factory=lambda: _env("ATENDE_IVR_VOICE", "Polly.Camila"))
    # Seconds the IVR waits for the first key or word (and between keys) before taking it as silence.
    ivr_timeout: int = field(default_factory=lambda: _int("ATENDE_IVR_TIMEOUT", "6"))

    # Ticket e-mail (routing/mailer.py, routing/outbox.py, docs/tickets.md). The defaults reach the local
    # development server of `atende smtp-dev` (127.0.0.1:8025), so `make run` never mails anyone for real.
    smtp_host: str = field(default_factory=lambda: _env("ATENDE_SMTP_HOST", "127.0.0.1"))
    smtp_port: int = field(default_factory=lambda: _int("ATENDE_SMTP_PORT", "8025"))
    smtp_user: str = field(default_factory=lambda: _env("ATENDE_SMTP_USER"))
    smtp_password: str = field(default_factory=lambda: _env("ATENDE_SMTP_PASSWORD"), repr=False)
    smtp_starttls: bool = field(
        default_factory=lambda: _bool("ATENDE_SMTP_STARTTLS")
    )
    # Seconds for connecting and for each SMTP command.
    smtp_timeout: float = field(default_factory=lambda: _float("ATENDE_SMTP_TIMEOUT", "10"))
    mail_from: str = field(default_factory=lambda: _env("ATENDE_MAIL_FROM", "atende@cemigsaude.org.br"))
    # Outbox worker: seconds between passes, sends tried before a message is marked "falhou", backoff
    # (base·2^n seconds, capped) and how long a claimed message may stay claimed before another worker looks at it.
    outbox_interval: float = field(default_factory=lambda: _float("ATENDE_OUTBOX_INTERVAL", "15"))
    outbox_max_attempts: int = field(default_factory=lambda: _int("ATENDE_OUTBOX_MAX_ATTEMPTS", "10"))
    outbox_backoff_base: float = field(default_factory=lambda: _float("ATENDE_OUTBOX_BACKOFF_BASE", "30"))
    outbox_backoff_max: float = field(default_factory=lambda: _float("ATENDE_OUTBOX_BACKOFF_MAX", "3600"))
    outbox_claim_timeout: float = field(default_factory=lambda: _float("ATENDE_OUTBOX_CLAIM_TIMEOUT", "300"))
    # Local development SMTP server (`atende smtp-dev`): messages land as .eml files in var_dir/mail.
    smtp_dev_port: int = field(default_factory=lambda: _int("ATENDE_SMTP_DEV_PORT", "8025"))

    # Action server (bot/action_server.py). It listens on loopback unless told otherwise and answers only the
    # Rasa server, which sends ATENDE_ACTIONS_TOKEN in the X-Atende-Token header (endpoints.yml).
    actions_host: str = field(default_factory=lambda: _env("ATENDE_ACTIONS_HOST", "127.0.0.1"))
    actions_port: int = field(default_factory=lambda: _int("ATENDE_ACTIONS_PORT", "5055"))
    actions_token: str = field(default_factory=lambda: _env("ATENDE_ACTIONS_TOKEN"), repr=False)
    # Key that signs the identity the identification form verified (actions/base.py); only the action server
    # holds it, so neither a forged tracker nor a SlotSet through Rasa's HTTP API can claim a beneficiary.
    # Empty: a random key per process (identifications then end when the action server restarts).
    identity_key: str = field(default_factory=lambda: _env("ATENDE_IDENTITY_KEY"), repr=False)

    # Conversations (bot/tracker_store.py): where Rasa keeps them, and for how many days (LGPD; they hold CPFs
    # and health data). Empty URL: beside the plan's SQLite file, or the plan's PostgreSQL database.
    tracker_url: str = field(default_factory=lambda: _env("ATENDE_TRACKER_URL"), repr=False)
    conversation_retention_days: int = field(
        default_factory=lambda: _int("ATENDE_CONVERSATION_RETENTION_DAYS", "180")
    )
    # Several Rasa replicas (docs/escala.md): Redis serialises each conversation and remembers the channels'
    # deliveries; empty keeps one process's in-memory behaviour.
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL"), repr=False)
    # The REST channel (terminal chat, tests): off unless enabled; then loopback callers only, or anyone with
    # this bearer token when it is set (bot/channels/rest.py).
    rest_enabled: bool = field(default_factory=lambda: _bool("ATENDE_REST_ENABLED"))
    rest_token: str = field(default_factory=lambda: _env("ATENDE_REST_TOKEN"), repr=False)

    # Agents' console (painel/, docs/painel.md): loopback unless told otherwise; the Rasa server it reads the
    # conversations from (its HTTP API, token ATENDE_RASA_TOKEN or var/run/rasa-token).
    console_host: str = field(default_factory=lambda: _env("ATENDE_PAINEL_HOST", "127.0.0.1"))
    console_port: int = field(default_factory=lambda: _int("ATENDE_PAINEL_PORT", "5080"))
    rasa_url: str = field(
        default_factory=lambda: _env("ATENDE_RASA_URL", f"http://127.0.0.1:{_env('ATENDE_RASA_PORT', '5005')}")
    )
    # Sign-in: failures before a lockout, and its length; how long a signed-in session lasts (hours).
    console_max_failures: int = field(default_factory=lambda: _int("ATENDE_PAINEL_MAX_FALHAS", "5"))
    console_lockout_minutes: int = field(default_factory=lambda: _int("ATENDE_PAINEL_BLOQUEIO_MIN", "15"))
    console_session_hours: int = field(default_factory=lambda: _int("ATENDE_PAINEL_SESSAO_HORAS", "10"))
    # Minutes a conversation handed to a person in opening hours may wait for an agent before the beneficiary
    # is told the protocol and what happens next.
    handoff_wait_minutes: int = field(default_factory=lambda: _int("ATENDE_ESPERA_ATENDENTE_MIN", "10"))
    # Seconds between the console's looks for conversations waiting too long.
    handoff_wait_check_seconds: float = field(default_factory=lambda: _float("ATENDE_ESPERA_VERIFICAR_S", "15"))
    # WhatsApp template (Twilio Content SID) for writing after the 24-hour customer-service window has closed.
    whatsapp_template_sid: str = field(default_factory=lambda: _env("TWILIO_TEMPLATE_SID"))

    def __post_init__(self) -> None:
        # The default database lives in var_dir, so ATENDE_VAR_DIR alone moves all local state (tests give
        # each test its own).
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{Path(self.var_dir) / 'atende.db'}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
