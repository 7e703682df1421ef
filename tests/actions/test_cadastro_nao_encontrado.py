"""The identified beneficiary's record is gone (issue 13): every option says so and forgets the identity.

actions/base.py, ``AcaoIdentificada.atender``: when the signed ``beneficiario_id`` no longer matches a record (data
reloaded or removed while the conversation went on), the user reads "Não encontrei mais o seu cadastro..." with the
way to an attendant, nobody's data is shown, and the identification is dropped, so the next request starts it again.
The branch is reached the same way from the option itself, from the end of identification and from the answer to
"de quem?".
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import func, select

import actions
from actions.autorizacao import ActionConsultarAutorizacao
from actions.base import SERVICOS
from actions.cartao import ActionNumeroCartao
from actions.financeiro import ActionConsultarFinanceiro
from actions.identificacao_fluxo import ActionConcluirIdentificacao
from actions.imposto_renda import ActionConsultarImpostoRenda
from actions.navegacao import ActionConcluirEscolha
from actions.protocolo import ActionConsultarProtocolo
from actions.reembolso import ActionConsultarReembolso
from actions.utilizacao import ActionConsultarUtilizacao, ActionContestarUtilizacao
from bot.db.models import Beneficiary
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, slot_events, texts

GONE = "Não encontrei mais o seu cadastro. Digite 0 para falar com um atendente."
OPTIONS = [
    ActionConsultarReembolso,
    ActionConsultarUtilizacao,
    ActionContestarUtilizacao,
    ActionNumeroCartao,
    ActionConsultarFinanceiro,
    ActionConsultarAutorizacao,
    ActionConsultarImpostoRenda,
    ActionConsultarProtocolo,
]
REQUEST = {
    "reembolso": "como está meu reembolso?",
    "utilizacao": "quero ver minha utilização",
    "contestar_utilizacao": "não reconheço uma consulta no extrato",
    "numero_cartao": "qual o número do meu cartão?",
    "financeiro": "segunda via do boleto",
    "autorizacao": "minha autorização saiu?",
    "imposto_renda": "informe do imposto de renda 2025",
    "consultar_protocolo": "protocolo 41750520261202999999",
}


def _missing_id() -> str:
    """An id no beneficiary has: what a signed identity points at once its record is gone."""
    with make_session_factory(make_engine(get_settings()))() as session:
        return str(session.scalar(select(func.max(Beneficiary.id))) + 1000)


def _identified(option, **slots):
    slots = {"identificado": True, "beneficiario_id": _missing_id(), "beneficiario_nome": "Maria Aparecida Souza",
             **slots}
    return make_tracker(slots, text=REQUEST[option.intent], intent=option.intent)


def _assert_identity_dropped(events) -> None:
    slots = slot_events(events)
    assert slots["identificado"] is False
    assert slots["beneficiario_id"] is None
    assert slots["identidade"] is None


def test_every_option_is_listed():
    # A new option that shows personal data must be added here, so it gets the same checks.
    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    assert set(SERVICOS) == {option.intent for option in OPTIONS} == set(REQUEST)


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.intent)
async def test_option_says_the_record_is_gone_and_forgets_the_identity(dispatcher, option):
    events = await option().run(dispatcher, _identified(option), {})
    assert texts(dispatcher) == [GONE]
    _assert_identity_dropped(events)


@pytest.mark.parametrize("option", [ActionConsultarReembolso, ActionConsultarFinanceiro], ids=lambda o: o.intent)
async def test_next_request_asks_for_identification_again(dispatcher, option):
    first = _identified(option)
    events = await option().run(dispatcher, first, {})
    after = make_tracker({**first.slots, **slot_events(events)}, text=REQUEST[option.intent], intent=option.intent)
    dispatcher.messages.clear()
    events = await option().run(dispatcher, after, {})
    assert texts(dispatcher) == ["utter_ask_identificacao_documento"]
    assert slot_events(events)["opcao_pendente"] == option.intent


async def test_record_gone_when_identification_ends(dispatcher):
    tracker = _identified(ActionConsultarReembolso, opcao_pendente="reembolso")
    events = await ActionConcluirIdentificacao().run(dispatcher, tracker, {})
    assert texts(dispatcher)[-1] == GONE
    _assert_identity_dropped(events)


async def test_record_gone_when_the_titular_answers_whose_data(dispatcher):
    tracker = _identified(ActionConsultarReembolso, opcao_pendente="reembolso", pessoa_escolhida="todos")
    events = await ActionConcluirEscolha().run(dispatcher, tracker, {})
    assert texts(dispatcher) == [GONE]
    _assert_identity_dropped(events)
