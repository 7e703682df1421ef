"""What counts as disputing an item of the usage statement (bot/nlu/disputes.py)."""

from __future__ import annotations

import pytest

from bot.nlu.disputes import states_a_dispute


@pytest.mark.parametrize("text", [
    "não reconheço esse exame",
    "nunca vi essa clínica na vida",
    "cobraram duas vezes a mesma consulta",
    "minha mãe nem saiu de casa e tem consulta no extrato dela",
    "esse procedimento não é meu",
    "a coparticipação veio errada",
    "Estão a cobrar-me uma análise que não fiz",
    "nao fiz esse exame q ta no extrato 😡",
    "essa consulta não deveria ter sido cobrada, foi desmarcada",
])
def test_a_dispute_in_any_wording_is_one(text):
    assert states_a_dispute(text)


@pytest.mark.parametrize("text", [
    "quero ver minha utilização",
    "quais exames fiz em 2024?",
    "extrato de coparticipação de março",
    "quanto paguei de coparticipação este ano",
    "q consultas minha filha usou em 2024",
])
def test_asking_for_the_statement_is_no_dispute(text):
    assert not states_a_dispute(text)
