"""Issue 9, item 2: birth dates cannot be guessed: failures count per document and per sender, across
conversations, and lock identification for a growing time."""

from __future__ import annotations

import logging

import pytest

from actions.identificacao import FALHOU, ValidateIdentificacaoForm
from bot.db import seed
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, texts

RIGHT, WRONG = "12/03/1975", "13/03/1975"
BLOCKED = (
    "Por segurança, a identificação com estes dados está bloqueada até as {hora} (horário de Brasília), porque houve "
    "várias tentativas sem sucesso com estes dados, nem sempre suas. "
    "Se precisar agora, ligue para a Central de Relacionamento: 0800 030 9009 (24 horas; de celular, "
    "(31) 3429-5200), ou digite 0 para falar com um atendente."
)


def guess(dispatcher, answer: str, sender: str, document: str = seed.DEMO_TITULAR_CPF) -> dict:
    """One answer to "data de nascimento?" in a new conversation's first attempt."""
    tracker = make_tracker({"identificacao_documento": document, "requested_slot": "identificacao_nascimento"},
                           sender=sender)
    return ValidateIdentificacaoForm().validate_identificacao_nascimento(answer, dispatcher, tracker, {})


def at(monkeypatch, moment: str) -> None:
    monkeypatch.setenv("ATENDE_NOW", moment)
    get_settings.cache_clear()


def test_rotating_senders_cannot_guess_one_cpf(dispatcher, caplog):
    caplog.set_level(logging.WARNING, logger="actions.identificacao")
    for sender in ("whatsapp:+5531900000001", "whatsapp:+5531900000002"):
        guess(dispatcher, WRONG, sender)
        assert texts(dispatcher)[-1].startswith("Os dados informados não conferem com o nosso cadastro.")
    third = guess(dispatcher, WRONG, "telegram:77")
    assert third["identificacao_documento"] == FALHOU
    assert texts(dispatcher)[-1] == BLOCKED.format(hora="10:15")
    # Blocked even with the right date, from yet another sender.
    assert guess(dispatcher, RIGHT, "rest:outro").get("identificado") is None
    assert texts(dispatcher)[-1] == BLOCKED.format(hora="10:15")
    logged = caplog.text
    assert "identificação bloqueada até 2026-12-02T10:15:00-03:00: documento ***.982.247-**" in logged
    assert seed.DEMO_TITULAR_CPF not in logged


def test_the_card_of_a_locked_cpf_is_locked_too(dispatcher):
    # Three wrong dates on Maria's CPF locked it, but her card number gave three more guesses.
    for sender in ("whatsapp:+5531900000011", "whatsapp:+5531900000012", "whatsapp:+5531900000013"):
        guess(dispatcher, WRONG, sender)
    assert texts(dispatcher)[-1] == BLOCKED.format(hora="10:15")
    assert guess(dispatcher, RIGHT, "telegram:99", document=seed.DEMO_TITULAR_CARD).get("identificado") is None
    assert texts(dispatcher)[-1] == BLOCKED.format(hora="10:15")


def test_one_sender_cannot_guess_by_changing_cpf_or_starting_over(dispatcher):
    sender = "whatsapp:+5531911111111"
    guess(dispatcher, WRONG, sender)
    guess(dispatcher, "01/01/1980", sender, document=seed.DEMO_SPOUSE_CPF)
    guess(dispatcher, "01/01/1980", sender, document="11122233396")  # not a member: counts the same
    assert texts(dispatcher)[-1] == BLOCKED.format(hora="10:15")
    # Spouse's own right date, same sender: still blocked.
    assert guess(dispatcher, "30/08/1972", sender, document=seed.DEMO_SPOUSE_CPF).get("identificado") is None


def test_the_lock_ends_and_grows(dispatcher, monkeypatch):
    for n in range(3):
        guess(dispatcher, WRONG, f"s{n}")
    at(monkeypatch, "2026-12-02T10:16:00-03:00")
    assert guess(dispatcher, RIGHT, "depois")["identificado"] is True  # 15 minutes later, the right date works
    for n in range(3):
        guess(dispatcher, WRONG, f"t{n}")
    for n in range(3):
        at(monkeypatch, f"2026-12-02T10:{32 + n}:00-03:00")
        guess(dispatcher, WRONG, f"u{n}")
    # The success cleared the first count; three more failures lock for 15 min, three after that for 1 hour.
    assert texts(dispatcher)[-1] == BLOCKED.format(hora="11:34")


def test_a_success_clears_the_count(dispatcher):
    guess(dispatcher, WRONG, "a")
    guess(dispatcher, WRONG, "b")
    assert guess(dispatcher, RIGHT, "c")["identificado"] is True
    guess(dispatcher, WRONG, "d")
    guess(dispatcher, WRONG, "e")
    assert guess(dispatcher, RIGHT, "f")["identificado"] is True


@pytest.mark.parametrize("answer", ["ontem", "31/02/1975"])
def test_an_unreadable_date_is_not_a_guess(dispatcher, answer):
    for n in range(4):
        guess(dispatcher, answer, f"ilegivel{n}")
    assert guess(dispatcher, RIGHT, "depois")["identificado"] is True
