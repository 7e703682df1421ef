"""The teleconsultation desk's form: name, then NIF or, from a client in Brazil, CPF (procedure 004)."""

from __future__ import annotations

import pytest

from actions.teleconsulta import ValidateTeleconsultaForm
from tests.actions.conftest import make_tracker, texts


def _nif(value, dispatcher):
    tracker = make_tracker({"requested_slot": "tele_nif"}, text=value)
    return ValidateTeleconsultaForm().validate_tele_nif(value, dispatcher, tracker, {})


@pytest.mark.parametrize(
    ("reply", "kept"),
    [("123456789", "123456789"), ("o meu NIF é 123 456 789", "123456789"), ("529.982.247-25", "52998224725"),
     ("não tenho NIF, o meu CPF é 52998224725", "52998224725")],
)
def test_a_valid_nif_or_cpf_is_kept(dispatcher, reply, kept):
    assert _nif(reply, dispatcher) == {"tele_nif": kept}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        ("123456780", "Esse NIF não é válido: o dígito de controlo não confere."),
        ("529.982.247-26", "Esse CPF não é válido: os dígitos verificadores não conferem."),
        ("não tenho NIF, sou do Brasil", "se estiver no Brasil e não tiver NIF, o CPF (11 dígitos)"),
        ("12345", "o NIF tem 9 dígitos e o CPF, 11"),
    ],
)
def test_anything_else_says_what_is_wrong_and_how_to_go_on(dispatcher, reply, said):
    assert _nif(reply, dispatcher) == {"tele_nif": None}
    assert said in texts(dispatcher)[0]
