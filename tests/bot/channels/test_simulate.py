import pytest

from bot import cli
from bot.channels import console
from bot.channels.common import DEV_TWILIO_AUTH_TOKEN
from bot.channels.simulate import CallSimulator, WhatsAppSimulator, read_twiml
from bot.channels.telegram import TelegramInput
from bot.channels.ura import UraInput
from bot.channels.whatsapp import WhatsAppInput
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, telegram_answer
from tests.bot.channels.harness import ChannelServer, RecordingSender, settings

LOCAL = dict(twilio_auth_token="", twilio_account_sid="", telegram_bot_token="", telegram_webhook_secret="")


def ivr_bot(message):
    return {"menu": ["Escolha:\n1 - Reembolso\n0 - Falar com um atendente"]}.get(message.text, ["Certo."])


def test_whatsapp_simulator_signs_with_the_development_token_and_reads_the_outbox():
    channel = WhatsAppInput(settings(**LOCAL))
    with ChannelServer(channel) as server:
        user = WhatsAppSimulator(server.url, channel.settings)
        assert user.signer.validator.token in (DEV_TWILIO_AUTH_TOKEN, DEV_TWILIO_AUTH_TOKEN.encode())
        status, sid = user.send("oi")
        assert status == 200 and user.answers(sid, timeout=5) == ["eco: oi"]
        status, sid = user.send("", media="image")
        assert status == 200 and user.answers(sid, timeout=5)[0].startswith("Recebi sua imagem")
    assert [m.sender_id for m in server.received] == ["whatsapp:+5531900000001"]


def test_call_simulator_follows_the_gathers_until_the_transfer():
    channel = UraInput(settings(**LOCAL))
    with ChannelServer(channel, answer=ivr_bot) as server:
        call = CallSimulator(server.url, channel.settings)
        status, spoken = call.step()
        assert status == 200 and spoken.single_key and "Cemig Saúde" in spoken.said[0]
        status, spoken = call.step(digits="1")
        assert "Para reembolso, digite 1." in spoken.said[0]
        status, spoken = call.step(digits="0")
    assert spoken.transfer.startswith("fila WW") and '"chamada": "' + call.call_sid in spoken.transfer


def test_read_twiml_of_a_dial():
    spoken = read_twiml('<Response><Say>Aguarde.</Say><Dial><Number>+5531</Number></Dial></Response>')
    assert spoken.said == ["Aguarde."] and "discagem" in spoken.transfer and spoken.gather_action is None


def test_ivr_console_prompts_for_keys(monkeypatch, capsys):
    channel = UraInput(settings(**LOCAL))
    typed = iter(["1", "", ""])
    monkeypatch.setattr("builtins.input", lambda prompt: print(prompt, end="") or next(typed))
    with ChannelServer(channel, answer=ivr_bot) as server:
        assert console.simulate("ivr", base_url=server.url) == 0
    shown = capsys.readouterr().out
    assert "🔊 Olá! Você ligou para a Cemig Saúde." in shown and "Teclado (uma tecla) ou fala:" in shown
    assert "Não recebi sua resposta." in shown and "Transferida" in shown


def test_simulating_with_real_credentials_needs_an_explicit_sender(monkeypatch, capsys):
    monkeypatch.setattr(console, "get_settings", lambda: settings(twilio_account_sid="AC123"))
    assert console.simulate("whatsapp", base_url="http://127.0.0.1:9") == 2
    assert "--de" in capsys.readouterr().err


def test_unreachable_bot_is_reported(monkeypatch, capsys):
    monkeypatch.setattr("builtins.input", lambda prompt: "oi")
    monkeypatch.setattr(console, "get_settings", lambda: settings(**LOCAL))
    assert console.simulate("whatsapp", base_url="http://127.0.0.1:9") == 1
    assert "indisponível" in capsys.readouterr().err


def test_cli_has_the_channel_commands():
    parser = cli.build_parser()
    args = parser.parse_args(["simulate", "ivr", "--url", "http://x", "--de", "+5531"])
    assert (args.channel, args.url, args.sender) == ("ivr", "http://x", "+5531")
    assert parser.parse_args(["telegram-polling", "--remover-webhook"]).remove_webhook
    with pytest.raises(SystemExit):
        parser.parse_args(["simulate", "sms"])


def test_polling_needs_a_token(monkeypatch, capsys):
    monkeypatch.setattr(console, "get_settings", lambda: settings(telegram_bot_token=""))
    assert console.telegram_polling() == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_polling_relays_updates_to_the_webhook_until_telegram_says_conflict(monkeypatch, capsys):
    update = payloads.telegram_text(31337, 55501234, "oi")
    polls = []

    def answer(request):
        method = request.path.rsplit("/", 1)[-1]
        if method == "getUpdates":
            polls.append(request.fields)
            if len(polls) == 1:
                return {"ok": True, "result": [update]}
            return 409, {"ok": False, "error_code": 409, "description": "Conflict: can't use getUpdates method "
                         "while webhook is active; use deleteWebhook to delete the webhook first"}
        return telegram_answer(request)

    with FakeApi(answer) as api:
        local = settings(telegram_bot_token="123456:ABC-teste", telegram_api_url=api.url)
        channel = TelegramInput(local, sender=RecordingSender())
        with ChannelServer(channel) as server:
            monkeypatch.setattr(console, "get_settings", lambda: local)
            assert console.telegram_polling(base_url=server.url) == 2
    assert [m.text for m in server.received] == ["oi"]
    assert int(polls[1]["offset"]) == 31338  # confirmed to Telegram only after the webhook took it
    assert "--remover-webhook" in capsys.readouterr().err
