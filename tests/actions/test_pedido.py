"""The request message: two options asked at once get the first answered and the second offered (actions/pedido.py)."""

from __future__ import annotations

import pytest

from actions.financeiro import ActionConsultarFinanceiro
from actions.pedido import outros_pedidos
from bot.db import repository, seed
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, texts


@pytest.mark.parametrize(
    ("texto", "atendido", "digito"),
    [
        ("quero a segunda via do boleto e ver meu reembolso", "financeiro", "1"),
        ("bom dia! preciso do informe de rendimentos. Tambem queria o numero da carteirinha", "imposto_renda", "3"),
        ("minha autorização saiu? e o extrato de utilização desse mês", "autorizacao", "2"),
        ("qual o valor do reembolso, e quando vence o boleto", "reembolso", "4"),
        # The tester's: the card numbers were answered and the boleto lost.
        ("oi boa noite, queria a 2 via do boleto e tbm o numero da carteirinha da minha filha", "numero_cartao", "4"),
        ("quero o boleto e tambem o informe de ir de 2025", "imposto_renda", "4"),
        ("manda a 2 via do boleto e me passa pra um atendente pq quero negociar a divida", "financeiro", "0"),
    ],
)
def test_a_second_option_in_its_own_phrase_is_offered(texto, atendido, digito):
    assert [o.digito for o in outros_pedidos(texto, atendido)] == [digito]


@pytest.mark.parametrize(
    ("texto", "atendido"),
    [
        ("o reembolso da coparticipação", "reembolso"),  # one request naming two things
        ("quero a segunda via do boleto", "financeiro"),
        ("boleto", "financeiro"),
        ("meus reembolsos e os da minha filha", "reembolso"),  # the same option twice
        ("quero ver meu reembolso e a segunda via", "novos_planos"),  # an option with no words of its own here
    ],
)
def test_nothing_is_offered_for_a_single_request(texto, atendido):
    assert outros_pedidos(texto, atendido) == []


async def test_the_offer_comes_after_the_answer_and_before_anything_else(dispatcher):
    # Before: "quero a segunda via do boleto e ver meu reembolso" got the boletos, and the reimbursement was lost.
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        maria_id = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session).id
    engine.dispose()
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)},
                           text="quero a segunda via do boleto e ver meu reembolso", intent="financeiro")
    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("Boletos em aberto")
    assert said[-2:] == ["Você também perguntou sobre *Reembolso* (digite 1).", "utter_algo_mais"]


async def test_every_other_option_asked_is_offered(dispatcher):
    # A long message about a late reimbursement, a higher boleto and the tax statement got the reimbursements alone.
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        maria_id = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session).id
    engine.dispose()
    texto = "a segunda via do boleto, por favor. e o reembolso da Ana? e o informe de rendimentos de 2025"
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)}, text=texto, intent="financeiro")
    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    assert texts(dispatcher)[-2] == (
        "Você também perguntou sobre *Reembolso* (digite 1) e *Imposto de renda* (digite 6)."
    )
