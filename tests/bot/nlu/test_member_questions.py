"""A member's questions about their own contribution and registration, recognised by pattern."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import IdentifierExtractor
from bot.nlu.member_questions import FINANCEIRO, NUMERO_CARTAO, member_question_intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("a ana vai ficar mais cara quando fizer 19?", FINANCEIRO),
        ("minha mensalidade subiu depois que fiz 59 anos, é reajuste de faixa etária?", FINANCEIRO),
        ("quando muda a faixa de idade da mensalidade?", FINANCEIRO),
        # A member's own next year, not the price of a plan for someone joining at 59 (was a clarifying question).
        ("tenho 59 anos quanto vou pagar ano que vem", FINANCEIRO),
        ("quanto eu vou pagar quando fizer 60?", FINANCEIRO),
        ("MEU PLANO TA ATIVO??", NUMERO_CARTAO),
        ("fui no pronto socorro e falaram q meu plano ta suspenso", NUMERO_CARTAO),
        ("minha carteirinha foi bloqueada?", NUMERO_CARTAO),
        # What happens to a debt: the days in arrears of option 4, not the cancellation rules nor new plans.
        ("tô com 2 mensalidades atrasadas, o plano vai ser cancelado?", FINANCEIRO),
        ("ta mas vai cortar meu plano?", FINANCEIRO),
        ("vão cancelar meu plano por causa do atraso?", FINANCEIRO),
        # How much is owed: the open boletos and their total (was "só consigo ajudar com assuntos do seu plano").
        ("ta mas quanto eu devo?", FINANCEIRO),
        ("qto to devendo?", FINANCEIRO),
        ("qual o total que eu devo?", FINANCEIRO),
    ],
)
def test_questions_about_ones_own_plan(text, intent):
    assert member_question_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    ["tabela de preços por faixa etária", "quais são as faixas etárias?", "quanto custa o plano pra 40 anos?",
     "tenho 54 anos, quanto eu pagaria no enfermaria?", "quanto devo pagar de coparticipação na consulta?",
     "quero cancelar meu plano", ""],
)
def test_other_questions_are_left_to_the_classifier(text):
    assert member_question_intent(text) is None


def test_the_rule_overrides_the_classifier():
    message = Message.build(text="meu plano ta ativo?")
    message.set("intent", {"name": "novos_planos", "confidence": 0.77}, add_to_output=True)
    message.set("intent_ranking", [{"name": "novos_planos", "confidence": 0.77}], add_to_output=True)
    IdentifierExtractor().process([message])
    assert message.get("intent") == {"name": NUMERO_CARTAO, "confidence": 1.0}
