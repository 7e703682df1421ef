"""Requests to cancel the plan, recognised by pattern (bot/nlu/cancellation.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.cancellation import CANCELAR_PLANO, is_cancellation_request
from bot.nlu.components import IdentifierExtractor


@pytest.mark.parametrize(
    "text",
    [
        "quero cancelar meu plano de saúde",
        "Como faço o cancelamento do plano?",
        "quero sair do convênio",
        "nao quero mais o plano",
        "desisto do plano, quero cancelar",
        "boa tarde, gostaria de solicitar a rescisão do meu contrato",
        "preciso tirar minha ex-esposa do plano",
        "como excluo meu filho dos dependentes? quero excluir meu filho como dependente",
        "cancela meu plano 😡",
        "QUERO CANCELAR O CONVENIO",
        # Coming back after cancelling (Art. 20 §5), which the same answer covers.
        "e se eu cancelar posso voltar depois?",
        # u27: "agora" between the two verbs was "não entendi".
        "se eu cancelar agora posso voltar depois?",
        "cancelei, posso voltar?",
        "dá pra voltar pro plano depois de cancelar?",
    ],
)
def test_requests_to_cancel_the_plan_are_recognised(text):
    assert is_cancellation_request(text)


@pytest.mark.parametrize(
    "text",
    [
        # Other things cancelled, and other companies' plans.
        "quero cancelar a consulta de amanhã no CPS",
        "fui cobrado por uma teleconsulta que foi cancelada",
        "quero cancelar o pedido de reembolso",
        "quero cancelar meu plano de celular da vivo",
        "como cancelo meu plano da Unimed?",
        # The plan without cancelling it.
        "quero incluir minha esposa no plano",
        "quero mudar de plano",
        "quero sair",
        # Coming back to something else.
        "posso sair e voltar depois pra terminar?",
        "quero cancelar a consulta e voltar pra fila",
        "",
    ],
)
def test_other_requests_are_left_to_the_classifier(text):
    assert not is_cancellation_request(text)


def test_the_rule_overrides_the_classifier():
    # The classifier took it for new plans (0.96) and the bot listed the plans on sale.
    message = Message.build(text="quero cancelar meu plano de saúde")
    message.set("intent", {"name": "novos_planos", "confidence": 0.96}, add_to_output=True)
    message.set("intent_ranking", [{"name": "novos_planos", "confidence": 0.96}], add_to_output=True)
    IdentifierExtractor().process([message])
    assert message.get("intent") == {"name": CANCELAR_PLANO, "confidence": 1.0}
