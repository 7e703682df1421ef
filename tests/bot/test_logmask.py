"""Issue 9, item 6: one masking function for everything personal that leaves the process."""

from __future__ import annotations

import io
import logging

import pytest

from bot import logmask
from bot.identifiers import mask_personal_data

CPF = "52998224725"
CARD = "4175050000001004"


@pytest.mark.parametrize("separator", [".", "-", " ", "_", ",", "\u00a0", "\u2013", "\u2014", "/", "\u202f", ""])
def test_cpf_and_card_are_hidden_whatever_separates_their_groups(separator):
    cpf = separator.join([CPF[0:3], CPF[3:6], CPF[6:9], CPF[9:]])
    card = separator.join([CARD[i : i + 4] for i in range(0, 16, 4)])
    masked = mask_personal_data(f"cpf {cpf} cartão {card}")
    assert masked == "cpf ***.982.247-** cartão 4175 **** **** 1004"


@pytest.mark.parametrize("birth", ["12/03/1975", "12-03-1975", "12.03.1975", "12 / 03 / 1975", "12031975", "12/3/75"])
def test_birth_dates_are_hidden(birth):
    assert mask_personal_data(f"nasci em {birth}!") == "nasci em **/**/****!"


@pytest.mark.parametrize("kept", ["protocolo 41750520261202000123", "R$ 1.234,56", "3", "ligue 0800 030 9009",
                                  "em 2025 paguei 15 parcelas"])
def test_what_is_not_personal_stays_readable(kept):
    assert mask_personal_data(kept) == kept


def test_log_records_and_streams_are_masked(monkeypatch):
    monkeypatch.setattr(logmask, "_installed", False)
    factory = logging.getLogRecordFactory()
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    try:
        logmask.install()
        import sys

        handler = logging.StreamHandler(sys.stderr)
        logger = logging.getLogger("teste.logmask")
        logger.addHandler(handler)
        logger.propagate = False
        logger.warning("usuário mandou /informar_identificacao{\"cpf\": \"%s\", \"data\": \"%s\"}", CPF, "12/03/1975")
        print(f"cartão {CARD[:4]}_{CARD[4:8]}_{CARD[8:12]}_{CARD[12:]}")
        logger.warning("x" * 10_000)
        logger.removeHandler(handler)
    finally:
        logging.setLogRecordFactory(factory)
    logged = err.getvalue()
    assert CPF not in logged and "12/03/1975" not in logged
    assert '"cpf": "***.982.247-**", "data": "**/**/****"' in logged
    assert out.getvalue() == "cartão 4175 **** **** 1004\n"
    assert "x" * logmask.MAX_LOG_MESSAGE in logged and "x" * (logmask.MAX_LOG_MESSAGE + 1) not in logged
