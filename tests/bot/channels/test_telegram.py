import json

import pytest

from bot.channels.common import DEV_TELEGRAM_WEBHOOK_SECRET
from bot.channels.simulate import TelegramSimulator
from bot.channels.telegram import (
    EDITED_ANSWER,
    GROUP_ANSWER,
    STALE_BUTTON_ANSWER,
    LocalSender,
    TelegramInput,
    make_telegram_sender,
)
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, telegram_answer
from tests.bot.channels.harness import SECRET, ChannelServer, RecordingSender, settings, wait_until

USER = 55501234
MENU = "Escolha uma opção:\n1 - Reembolso\n3 - Número de cartão\n0 - Falar com um atendente"


@pytest.fixture
def sender():
    return RecordingSender()


@pytest.fixture
def server(sender):
    with ChannelServer(TelegramInput(settings(), sender=sender), answer=lambda m: [MENU]) as running:
        yield running


def only_turn(sender):
    wait_until(lambda: sender.turns)
    [(chat_id, messages, turn)] = sender.turns
    return chat_id, messages, turn


def test_text_reaches_the_bot_and_the_menu_comes_back_as_buttons(server, sender):
    assert server.post_telegram(payloads.telegram_text(9001, USER, "oi"))[0] == 200
    chat_id, [message], turn = only_turn(sender)
    [received] = server.received
    assert received.text == "oi" and received.sender_id == f"telegram:{USER}" and received.input_channel == "telegram"
    assert chat_id == USER and turn == "9001"
    assert message.html == "Escolha uma opção:"
    assert message.buttons == [
        ("1 - Reembolso", "1"), ("3 - Número de cartão", "3"), ("0 - Falar com um atendente", "0")
    ]


@pytest.mark.parametrize("secret", [None, "", "errado", SECRET + "x"])
def test_wrong_or_missing_secret_is_refused_and_nothing_happens(server, sender, secret):
    assert server.post_telegram(payloads.telegram_text(9002, USER, "3"), secret=secret)[0] == 403
    assert server.received == [] and sender.turns == []
    # The same update, delivered for real, is still answered.
    assert server.post_telegram(payloads.telegram_text(9002, USER, "3"))[0] == 200
    only_turn(sender)


def test_start_command_is_a_greeting(server, sender):
    server.post_telegram(payloads.telegram_text(9003, USER, "/start"))
    only_turn(sender)
    assert server.received[0].text == "oi"


def test_a_button_press_is_answered_and_read_as_the_users_text(server, sender):
    update = payloads.telegram_button(9004, USER, "3")
    server.post_telegram(update)
    only_turn(sender)
    assert sender.callbacks == [update["callback_query"]["id"]]
    assert server.received[0].text == "3" and server.received[0].sender_id == f"telegram:{USER}"


def test_a_button_of_a_question_the_conversation_never_had_is_answered_without_the_bot(server, sender):
    # A list's button names its question; with no such question among the bot's latest messages, the "2" is not
    # the menu's option 2 (tests/e2e/test_canais.py presses a current one and an old one through Rasa).
    server.post_telegram(payloads.telegram_button(9010, USER, "2:1a2b3c4d"))
    _, [message], _ = only_turn(sender)
    assert message.html == STALE_BUTTON_ANSWER and server.received == []


def test_repeated_update_is_answered_once(server, sender):
    for _ in range(3):
        server.post_telegram(payloads.telegram_text(9005, USER, "oi"))
    only_turn(sender)
    assert len(server.received) == 1


@pytest.mark.parametrize(
    "update, answer",
    [
        (payloads.telegram_edited(9006, USER, "3"), EDITED_ANSWER),
        (payloads.telegram_group_text(9007, USER, "meu cpf é 52998224725"), GROUP_ANSWER),
    ],
)
def test_edits_and_groups_get_a_fixed_answer_without_the_bot(server, sender, update, answer):
    server.post_telegram(update)
    _, [message], _ = only_turn(sender)
    assert message.html == answer and server.received == []


def test_a_photo_gets_a_portuguese_answer(server, sender):
    server.post_telegram(payloads.telegram_photo(9008, USER))
    _, [message], _ = only_turn(sender)
    assert message.html.startswith("Recebi sua foto") and server.received == []


def test_unsupported_updates_are_ignored_safely(server, sender):
    assert server.post_telegram(payloads.telegram_member_update(9009, USER))[0] == 200
    assert server.post_telegram({"update_id": 9010, "poll_answer": {"poll_id": "1", "option_ids": [0],
                                                                     "user": {"id": USER, "is_bot": False,
                                                                              "first_name": "M"}}})[0] == 200
    assert server.post("/webhooks/telegram/webhook", b"{not json",
                       {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})[0] == 200
    server.post_telegram(payloads.telegram_text(9011, USER, "oi"))
    only_turn(sender)  # only the text was answered
    assert [m.text for m in server.received] == ["oi"]


def test_bot_api_is_called_through_python_telegram_bot():
    with FakeApi(telegram_answer) as api:
        channel = TelegramInput(settings(telegram_bot_token="123456:ABC-teste", telegram_api_url=api.url))
        with ChannelServer(channel, answer=lambda m: ["Digite *menu* <agora>", MENU]) as server:
            server.post_telegram(payloads.telegram_button(9012, USER, "3"))
            api.wait_for(lambda calls: sum(c.path.endswith("/sendMessage") for c in calls) == 2)
    paths = [call.path for call in api.requests]
    assert paths[0] == "/bot123456:ABC-teste/getMe"
    assert "/bot123456:ABC-teste/answerCallbackQuery" in paths
    first, second = api.calls("/sendMessage")
    assert first.fields["text"] == "Digite <b>menu</b> &lt;agora&gt;" and first.fields["parse_mode"] == "HTML"
    assert int(first.fields["chat_id"]) == USER and "reply_markup" not in first.fields
    markup = second.fields["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    assert markup["inline_keyboard"][1] == [{"text": "3 - Número de cartão", "callback_data": "3"}]


def test_local_mode_and_the_simulator():
    channel = TelegramInput(settings(telegram_bot_token="", telegram_webhook_secret=""))
    assert isinstance(channel.sender, LocalSender)
    assert isinstance(make_telegram_sender(settings(telegram_bot_token="")), LocalSender)
    with ChannelServer(channel, answer=lambda m: [MENU]) as server:
        user = TelegramSimulator(server.url, channel.settings)
        assert user.secret == DEV_TELEGRAM_WEBHOOK_SECRET
        status, update_id = user.send("/start")
        assert status == 200
        [message] = user.answers(update_id, timeout=5)
        assert message["botoes"][0] == ["1 - Reembolso", "1"]
        status, update_id = user.press("1")
        assert user.answers(update_id, timeout=5) and server.received[-1].text == "1"
