"""Scheduling at the CPS: each question about one step gets that step (actions/cps.py)."""

from __future__ import annotations

import pytest

from actions.cps import ActionOrientarAgendamentoCps
from tests.actions.conftest import make_tracker, texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # u26: each of these got the same guide to logging in, without a word about what was asked.
        ("preciso desmarcar minha consulta no cps de quinta", "A desmarcação também é feita por você"),
        ("e se eu precisar remarcar?", "para remarcar, desmarque e escolha outro horário"),
        ("esqueci minha senha do portal", "chega um link no e-mail de contato"),
        ("qual o endereço do cps?", "O endereço e o horário de atendimento do CPS eu não tenho aqui"),
        ("vc marca pra mim? com clinico geral", "Por aqui eu não vejo a agenda nem marco a consulta"),
    ],
)
async def test_a_question_about_one_step_gets_that_step(dispatcher, text, expected):
    await ActionOrientarAgendamentoCps().run(dispatcher, make_tracker(text=text, intent="agendamento_cps"), {})
    said = "\n".join(t for t in texts(dispatcher) if t)
    assert expected in said and "Primeiro acesso" not in said and "3253-4888" in said


async def test_a_question_about_scheduling_in_general_gets_the_whole_guide(dispatcher):
    await ActionOrientarAgendamentoCps().run(dispatcher, make_tracker(text="como marco consulta no CPS?",
                                                                      intent="agendamento_cps"), {})
    assert texts(dispatcher) == ["utter_agendamento_cps"]
