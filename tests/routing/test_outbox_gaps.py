"""Outbox behaviour no other test pinned down (issue 13), against real SMTP servers (aiosmtpd on loopback).

What an operator sees in the ``outbox`` row (status, attempts, next try, ``last_error``) and what the mail
server received: a refused recipient, a claim taken over by another worker, a database outage during a pass,
and the SMTP login and STARTTLS settings.
"""

from __future__ import annotations

import asyncio
import io
import logging
import ssl
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from ipaddress import ip_address
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy.exc import OperationalError

from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_session_factory
from bot.outbox_cli import cmd_list
from bot.settings import Settings
from routing.outbox import DeliveryCounts, run_outbox_worker
from routing.smtp_dev import LOOPBACK, MailSpool
from tests.routing.conftest import NOW, free_port, make_decision, make_settings
from tests.routing.outbox_support import deliver as _deliver
from tests.routing.outbox_support import open_reimbursement_ticket as _open
from tests.routing.outbox_support import rows as _rows
from tests.routing.outbox_support import swap_handler as _swap_handler
from tests.routing.outbox_support import until as _until

INBOX = "relacionamento@cemigsaude.org.br"  # make_decision's inbox
REFUSAL = "550 5.1.1 Caixa postal inexistente"




# --- 5. A recipient the server refuses ---------------------------------------------------------------------------


class _RefusesRecipients(MailSpool):
    """Answers ``reply`` to RCPT TO for the addresses in ``refused``; accepts the others."""

    def __init__(self, refused: set[str], reply: str = REFUSAL):
        super().__init__()
        self.refused, self.reply = refused, reply
        self.rcpt_seen: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        self.rcpt_seen.append(address)
        if address in self.refused:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_refused_recipient_is_retried_on_the_backoff_then_failed_with_the_servers_reason(db, smtp, tmp_path):
    settings = make_settings(db, smtp, tmp_path, outbox_max_attempts=3)
    handler = _RefusesRecipients({INBOX})
    _swap_handler(smtp, handler)
    _open(db.session_factory)

    first = await _deliver(db.session_factory, settings, now=NOW)
    assert (first.sent, first.retried, first.failed) == (0, 1, 0)
    [row] = _rows(db.session_factory)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pendente", 1, NOW + timedelta(seconds=30))
    assert row.last_error == f"todos os destinatários recusados: {{'{INBOX}': '{REFUSAL}'}}"
    assert row.claimed_by is None and row.sending_at is None

    # Not due before the backoff: the server is not asked again.
    assert await _deliver(db.session_factory, settings, now=NOW + timedelta(seconds=29)) == DeliveryCounts()
    assert handler.rcpt_seen == [INBOX]

    t2 = NOW + timedelta(seconds=30)
    assert (await _deliver(db.session_factory, settings, now=t2)).retried == 1
    [row] = _rows(db.session_factory)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pendente", 2, t2 + timedelta(seconds=60))

    t3 = t2 + timedelta(seconds=60)
    last = await _deliver(db.session_factory, settings, now=t3)
    assert (last.sent, last.retried, last.failed) == (0, 0, 1)
    [row] = _rows(db.session_factory)
    assert (row.status, row.attempts) == ("falhou", 3)
    assert row.last_error == (
        f"3 tentativas sem sucesso; última: todos os destinatários recusados: {{'{INBOX}': '{REFUSAL}'}}"
    )
    assert handler.rcpt_seen == [INBOX] * 3 and smtp.messages == []
    # Never tried again by itself; the operator's list shows the server's reason.
    assert await _deliver(db.session_factory, settings, now=t3 + timedelta(days=1)) == DeliveryCounts()
    out = io.StringIO()
    assert cmd_list(settings, statuses=["falhou"], out=out) == 0
    assert REFUSAL in out.getvalue() and INBOX in out.getvalue()


async def test_a_refused_copy_does_not_stop_the_message_and_is_recorded(db, smtp, settings):
    gone = "antigo.setor@cemigsaude.org.br"
    handler = _RefusesRecipients({gone})
    _swap_handler(smtp, handler)
    _open(db.session_factory, make_decision(cc=(gone,)))

    counts = await _deliver(db.session_factory, settings)
    assert (counts.sent, counts.retried, counts.failed) == (1, 0, 0)
    [mail] = smtp.messages
    assert mail.rcpt_tos == (INBOX,)
    [row] = _rows(db.session_factory)
    assert (row.status, row.attempts, row.sent_at) == ("enviado", 1, NOW)
    assert row.last_error == f"destinatários recusados: {gone}: {REFUSAL}"
    # Sent is sent: the copy is not retried later.
    assert await _deliver(db.session_factory, settings, now=NOW + timedelta(hours=1)) == DeliveryCounts()
    assert handler.rcpt_seen == [INBOX, gone]


# --- 6. A claim taken over by another worker ---------------------------------------------------------------------


class _HoldsTheFirstRcpt(MailSpool):
    """Holds the first RCPT TO until ``release`` is set, then answers it with ``reply``; the others pass."""

    def __init__(self, reply: str = "250 OK"):
        super().__init__()
        self.reply = reply
        self.holding = threading.Event()
        self.release = threading.Event()
        self._first = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        if self._first:
            self._first = False
            self.holding.set()
            await asyncio.to_thread(self.release.wait, 20)
            if not self.reply.startswith("250"):
                return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.parametrize("held_reply", ["250 OK", REFUSAL], ids=["recipient accepted", "recipient refused"])
async def test_a_worker_whose_claim_was_taken_over_neither_sends_nor_overwrites(db, smtp, tmp_path, held_reply):
    # Worker A is slow: its SMTP transaction is held at RCPT TO past the claim timeout. Worker B, whose clock says
    # A's claim is stale, gives the row back to the queue, claims it and sends it. Then A's server answers.
    settings = make_settings(db, smtp, tmp_path, smtp_timeout=30.0)
    handler = _HoldsTheFirstRcpt(held_reply)
    _swap_handler(smtp, handler)
    _open(db.session_factory)

    slow = asyncio.create_task(_deliver(db.session_factory, settings, now=NOW, worker="lento:1:a"))
    later = NOW + timedelta(seconds=settings.outbox_claim_timeout + 1)
    try:
        assert await asyncio.to_thread(handler.holding.wait, 10)
        [row] = _rows(db.session_factory)
        assert row.claimed_by == "lento:1:a" and row.sending_at is None
        other = await _deliver(db.session_factory, settings, now=later, worker="outro:2:b")
        assert (other.released, other.sent) == (1, 1)
    finally:
        handler.release.set()
    slow_counts = await asyncio.wait_for(slow, 20)

    assert slow_counts.sent == 0
    [mail] = smtp.messages  # B's message only: A never reached DATA
    [row] = _rows(db.session_factory)
    assert mail.message_id == row.message_id
    # B's record stands: A wrote neither "sending", nor a failure, nor "sent".
    assert (row.status, row.attempts, row.sent_at, row.sending_at, row.last_error, row.claimed_by) == (
        "enviado", 1, later, later, None, None
    )
    if held_reply.startswith("250"):
        assert slow_counts.skipped == 1  # ClaimLostError: counted as another process's message


# --- 7. The database goes away during a pass ---------------------------------------------------------------------


def _own_database(tmp_path: Path, smtp) -> tuple[Settings, Path, object, object]:
    """A migrated SQLite database in a folder of its own (the test moves the folder away and back)."""
    folder = tmp_path / "banco"
    url = f"sqlite:///{folder / 'atende.db'}"
    upgrade(Settings(database_url=url))
    settings = Settings(
        database_url=url, var_dir=tmp_path, smtp_host=LOOPBACK, smtp_port=smtp.port, smtp_user="", smtp_password="",
        smtp_starttls=False, smtp_timeout=2.0, mail_from="atende@cemigsaude.org.br", outbox_interval=0.05,
        outbox_max_attempts=5, outbox_backoff_base=30.0, outbox_backoff_max=3600.0, outbox_claim_timeout=300.0,
    )
    engine = make_engine(settings)
    return settings, folder, engine, make_session_factory(engine)


async def test_worker_logs_a_database_outage_and_delivers_once_it_is_back(smtp, tmp_path, caplog):
    settings, folder, engine, factory = _own_database(tmp_path, smtp)
    away = tmp_path / "banco-fora"
    stop = asyncio.Event()
    passes: list[DeliveryCounts] = []
    worker = asyncio.create_task(
        run_outbox_worker(session_factory=factory, settings=settings, stop=stop, on_pass=passes.append)
    )
    try:
        await _until(lambda: passes)  # a healthy pass
        with caplog.at_level(logging.ERROR, logger="routing.outbox"):
            folder.rename(away)  # the database file disappears...
            engine.dispose()  # ...and no pooled connection keeps it open
            await _until(lambda: any("banco de dados indisponível" in r.getMessage() for r in caplog.records))
        [record] = [r for r in caplog.records if "banco de dados indisponível" in r.getMessage()][:1]
        assert record.levelno == logging.ERROR and issubclass(record.exc_info[0], OperationalError)
        assert not worker.done()

        away.rename(folder)  # the database is back
        _open(factory)
        await _until(lambda: sum(p.sent for p in passes) == 1)
    finally:
        stop.set()
        await asyncio.wait_for(worker, 5)  # ends normally: no exception escaped the loop
        engine.dispose()
    [mail] = smtp.messages
    [row] = _rows(factory)
    assert mail.message_id == row.message_id and (row.status, row.attempts, row.last_error) == ("enviado", 1, None)


class _OutageAfterAccepting(MailSpool):
    """Accepts the message, and the database disappears before the worker can record it."""

    def __init__(self, outage: Callable[[], None]):
        super().__init__()
        self.outage = outage

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        reply = await super().handle_DATA(server, session, envelope)
        self.outage()
        return reply


async def test_database_lost_between_the_servers_250_and_the_record_is_never_sent_twice(smtp, tmp_path):
    settings, folder, engine, factory = _own_database(tmp_path, smtp)
    away = tmp_path / "banco-fora"

    def outage() -> None:
        folder.rename(away)
        engine.dispose()

    _swap_handler(smtp, _OutageAfterAccepting(outage))
    _open(factory)
    try:
        # The pass fails as a whole with the database error (run_outbox_worker logs it and goes on).
        with pytest.raises(OperationalError):
            await _deliver(factory, settings, now=NOW, worker="w:1:a")
        away.rename(folder)
        [row] = _rows(factory)
        assert (row.status, row.claimed_by, row.sending_at) == ("pendente", "w:1:a", NOW)
        # While the claim is fresh nobody touches it; once stale, it is "maybe delivered", not resent.
        assert await _deliver(factory, settings, now=NOW + timedelta(seconds=60)) == DeliveryCounts()
        stale = await _deliver(factory, settings, now=NOW + timedelta(seconds=settings.outbox_claim_timeout + 1))
        assert (stale.interrupted, stale.sent) == (1, 0)
        assert await _deliver(factory, settings, now=NOW + timedelta(days=1)) == DeliveryCounts()
        [row] = _rows(factory)
    finally:
        engine.dispose()
    assert len(smtp.messages) == 1
    assert row.status == "falhou"
    assert "pode ter sido entregue" in row.last_error and row.message_id in row.last_error


# --- 8. SMTP AUTH and STARTTLS -----------------------------------------------------------------------------------


class _Recording(MailSpool):
    """Keeps, per message, whether the session was under TLS and who logged in."""

    def __init__(self):
        super().__init__()
        self.sessions: list[tuple[bool, str | None]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        login = session.auth_data if session.authenticated else None
        self.sessions.append((session.ssl is not None, login))
        return await super().handle_DATA(server, session, envelope)


class _Accounts:
    """aiosmtpd authenticator with one account; records every login attempt."""

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self.attempts: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.attempts.append((mechanism, login))
        ok = (login, password) == (self.user, self.password)
        # handled=False: aiosmtpd answers 235 or 535 itself.
        return AuthResult(success=ok, handled=False, auth_data=login if ok else None)


class _Server:
    """An aiosmtpd server on a free loopback port with the SMTP options under test."""

    def __init__(self, **options):
        self.port = free_port()
        self.handler = _Recording()
        self.controller = Controller(self.handler, hostname=LOOPBACK, port=self.port, **options)

    def __enter__(self) -> "_Server":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def _settings_for(db, server: _Server, tmp_path: Path, **overrides) -> Settings:
    values = dict(database_url=db.settings.database_url, var_dir=tmp_path, smtp_host=LOOPBACK, smtp_port=server.port,
                  smtp_user="", smtp_password="", smtp_starttls=False, smtp_timeout=5.0,
                  mail_from="atende@cemigsaude.org.br", outbox_max_attempts=5, outbox_backoff_base=30.0,
                  outbox_backoff_max=3600.0, outbox_claim_timeout=300.0)
    values.update(overrides)
    return Settings(**values)


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 signed by it: (CA file, certificate, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    start = datetime.now(timezone.utc) - timedelta(minutes=5)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Atende CA de teste")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(1).not_valid_before(start).not_valid_after(start + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    certificate = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(2).not_valid_before(start).not_valid_after(start + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address(LOOPBACK)), x509.DNSName("localhost")]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "smtp.pem", folder / "smtp.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return ca_file, cert_file, key_file


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The server side of STARTTLS; the client trusts the test CA through SSL_CERT_FILE, like a system CA."""
    ca_file, cert_file, key_file = _certificates(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


async def test_login_is_used_when_configured(db, tmp_path):
    accounts = _Accounts("atende", "senha-do-smtp")
    with _Server(authenticator=accounts, auth_required=True, auth_require_tls=False) as server:
        settings = _settings_for(db, server, tmp_path, smtp_user="atende", smtp_password="senha-do-smtp")
        _open(db.session_factory)
        counts = await _deliver(db.session_factory, settings)
    assert counts.sent == 1
    assert [login for _, login in accounts.attempts] == ["atende"]
    assert server.handler.sessions == [(False, "atende")]
    [row] = _rows(db.session_factory)
    assert (row.status, row.last_error) == ("enviado", None)


@pytest.mark.parametrize(
    "user, password, reply, logins",
    [
        # The server refuses the login (aiosmtplib tries each mechanism offered, PLAIN then LOGIN).
        ("atende", "senha-errada", "535 5.7.8 Authentication credentials invalid", {"atende"}),
        # No login configured: the server refuses MAIL FROM.
        ("", "", "530 5.7.0 Authentication required", set()),
    ],
    ids=["wrong password", "no login configured"],
)
async def test_a_refused_or_missing_login_keeps_the_message_with_the_servers_reply(
    db, tmp_path, user, password, reply, logins
):
    accounts = _Accounts("atende", "senha-do-smtp")
    with _Server(authenticator=accounts, auth_required=True, auth_require_tls=False) as server:
        settings = _settings_for(db, server, tmp_path, smtp_user=user, smtp_password=password)
        _open(db.session_factory)
        counts = await _deliver(db.session_factory, settings)
    assert (counts.sent, counts.retried) == (0, 1)
    assert server.handler.messages == []
    [row] = _rows(db.session_factory)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pendente", 1, NOW + timedelta(seconds=30))
    code, text = reply.split(" ", 1)
    assert code in row.last_error and text in row.last_error
    assert {login for _, login in accounts.attempts} == logins


async def test_starttls_and_login_together(db, tmp_path, tls):
    accounts = _Accounts("atende", "senha-do-smtp")
    # aiosmtpd's defaults for a submission port: STARTTLS required, AUTH offered only under TLS.
    with _Server(tls_context=tls, require_starttls=True, authenticator=accounts, auth_required=True) as server:
        settings = _settings_for(db, server, tmp_path, smtp_starttls=True, smtp_user="atende",
                                 smtp_password="senha-do-smtp")
        _open(db.session_factory)
        counts = await _deliver(db.session_factory, settings)
    assert counts.sent == 1
    assert server.handler.sessions == [(True, "atende")]
    [row] = _rows(db.session_factory)
    assert (row.status, row.last_error) == ("enviado", None)


async def test_without_the_starttls_setting_a_server_that_requires_it_refuses(db, tmp_path, tls):
    with _Server(tls_context=tls, require_starttls=True) as server:
        settings = _settings_for(db, server, tmp_path, smtp_starttls=False)
        _open(db.session_factory)
        counts = await _deliver(db.session_factory, settings)
    assert (counts.sent, counts.retried) == (0, 1)
    assert server.handler.messages == []
    [row] = _rows(db.session_factory)
    assert row.status == "pendente" and "530" in row.last_error and "STARTTLS" in row.last_error


async def test_starttls_setting_against_a_server_without_it_fails_clearly(db, smtp, tmp_path):
    settings = make_settings(db, smtp, tmp_path, smtp_starttls=True)
    _open(db.session_factory)
    counts = await _deliver(db.session_factory, settings)
    assert (counts.sent, counts.retried) == (0, 1)
    assert smtp.messages == []  # never sent in clear text
    [row] = _rows(db.session_factory)
    assert row.status == "pendente" and row.attempts == 1
    assert row.last_error == (
        f"servidor SMTP 127.0.0.1:{smtp.port}: SMTPException: SMTP STARTTLS extension not supported by server."
    )


async def test_starttls_refuses_a_certificate_nobody_vouches_for(db, tmp_path, tls, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")  # the client no longer trusts the test CA
    with _Server(tls_context=tls, require_starttls=True) as server:
        settings = _settings_for(db, server, tmp_path, smtp_starttls=True)
        _open(db.session_factory)
        counts = await _deliver(db.session_factory, settings)
    assert (counts.sent, counts.retried) == (0, 1)
    assert server.handler.messages == []
    [row] = _rows(db.session_factory)
    assert row.status == "pendente" and row.last_error.startswith(f"servidor SMTP 127.0.0.1:{server.port}:")
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
