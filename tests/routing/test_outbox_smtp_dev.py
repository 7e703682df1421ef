"""The local SMTP server of `make run` (atende smtp-dev) and the command-line wiring of the outbox."""

from __future__ import annotations

import email
import email.policy
import io
import threading
import time

from bot.cli import build_parser
from bot.settings import Settings
from routing.mailer import MailSendError, OutgoingMail, SmtpMailer
from routing.smtp_dev import serve
from tests.routing.conftest import free_port


async def test_smtp_dev_writes_each_message_as_eml_and_prints_a_summary(tmp_path):
    port = free_port()
    out = io.StringIO()
    stop = threading.Event()
    settings = Settings(var_dir=tmp_path, smtp_dev_port=port, smtp_host="127.0.0.1", smtp_port=port, smtp_user="",
                        smtp_starttls=False, smtp_timeout=2.0, mail_from="atende@cemigsaude.org.br")
    server = threading.Thread(target=serve, kwargs=dict(settings=settings, out=out, stop=stop))
    server.start()
    try:
        for _ in range(100):
            if "ouvindo" in out.getvalue():
                break
            time.sleep(0.02)
        mail = OutgoingMail(
            message_id="<41750520261125000001.abc@atende.cemigsaude.org.br>",
            to="ouvidoria@cemigsaude.org.br",
            cc=("relacionamento@cemigsaude.org.br",),
            subject="[41750520261125000001] Ouvidoria: reclamação",
            body="Manifestação registrada.\nAcentuação: ação, atenção, é.\n.linha que começa com ponto\n",
            protocol="41750520261125000001",
        )
        async with SmtpMailer(settings) as mailer:
            report = await mailer.send(mail)
        assert report.refused == {}
    finally:
        stop.set()
        server.join(10)
    [eml] = sorted((tmp_path / "mail").glob("*.eml"))
    raw = eml.read_bytes()
    assert raw.startswith(b"X-Envelope-From: <atende@cemigsaude.org.br>\r\nX-Envelope-To: "
                          b"<ouvidoria@cemigsaude.org.br>, <relacionamento@cemigsaude.org.br>")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "[41750520261125000001] Ouvidoria: reclamação"
    assert message.get_content().replace("\r\n", "\n") == mail.body  # dot-stuffing and UTF-8 survive
    # Readable with a text editor: the body travels as 8bit UTF-8.
    assert "Acentuação: ação, atenção, é." in raw.decode("utf-8")
    printed = out.getvalue()
    assert "<41750520261125000001.abc@atende.cemigsaude.org.br>" in printed
    assert "[41750520261125000001] Ouvidoria: reclamação" in printed and str(eml) in printed
    assert "smtp-dev: encerrado" in printed


async def test_mailer_reports_an_unreachable_server_as_connection_failure(tmp_path):
    settings = Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_user="", smtp_starttls=False,
                        smtp_timeout=1.0)
    mail = OutgoingMail(message_id="<x@y>", to="a@b.c", cc=(), subject="s", body="b")
    async with SmtpMailer(settings) as mailer:
        try:
            await mailer.send(mail)
        except MailSendError as exc:
            assert exc.connecting and not exc.maybe_delivered
        else:  # pragma: no cover
            raise AssertionError("no server was listening")


def test_smtp_dev_refuses_a_taken_port(tmp_path, capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve(Settings(var_dir=tmp_path), port=port, out=io.StringIO()) == 1
    assert "não foi possível abrir" in capsys.readouterr().err


def test_cli_has_the_outbox_and_smtp_dev_commands():
    parser = build_parser()
    assert parser.parse_args(["outbox", "deliver"]).func.__name__ == "_outbox_deliver"
    listing = parser.parse_args(["outbox", "list", "--status", "falhou", "--limit", "5"])
    assert (listing.func.__name__, listing.status, listing.limit) == ("_outbox_list", ["falhou"], 5)
    retry = parser.parse_args(["outbox", "retry", "3", "4"])
    assert (retry.ids, retry.all_failed) == ([3, 4], False)
    assert parser.parse_args(["outbox", "retry", "--todas"]).all_failed is True
    assert parser.parse_args(["outbox", "worker"]).func.__name__ == "_outbox_worker"
    assert parser.parse_args(["smtp-dev", "--port", "2525"]).port == 2525
