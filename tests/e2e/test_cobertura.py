"""Questions people ask about where and how the plan covers, through the real Rasa and action servers."""

from __future__ import annotations

import pytest

from bot.db import seed
from tests.e2e.test_conversa import joined

pytestmark = pytest.mark.servers


def test_travelling_and_abroad_get_the_coverage_area_without_the_cpf(conversa):
    # Before: "o plano cobre no Rio?" asked for the CPF and then listed the authorizations.
    text = joined(conversa("o plano cobre no Rio?"))
    assert "Cobertura fora de Minas Gerais" in text and "Urgência e emergência são cobertas em todo o Brasil" in text
    assert "Informe seu CPF" not in text
    text = joined(conversa("vou pra Portugal em janeiro, o plano cobre lá?"))
    assert text.startswith("Fora do Brasil o plano não cobre")


def test_someone_ill_away_from_home_reads_the_emergency_number_before_the_rule(conversa):
    # Before: "Seu pedido é sobre qual destes assuntos? Novos planos / Autorização".
    text = joined(conversa("tô em Salvador e passei mal, o plano cobre?"))
    assert text.index("192") < text.index("todo o Brasil")
    assert "qual destes assuntos" not in text


def test_no_prior_authorization_in_an_emergency_and_no_dentist_online(conversa):
    text = joined(conversa("preciso ir no pronto socorro, tem que pedir autorização antes?"))
    assert text.startswith("Em urgência ou emergência não precisa pedir autorização antes")
    assert "Informe seu CPF" not in text
    text = joined(conversa("dor de dente muito forte, o que eu faço?"))
    assert "não com dentista" in text and "sala de espera virtual" not in text


def test_the_deadline_after_the_reimbursements_is_each_open_requests_date(conversa):
    joined(conversa(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975"))
    joined(conversa("meus reembolsos"))
    listed = joined(conversa("os meus"))
    assert "Valor pedido" in listed
    # Before: "e o prazo?" showed the same list again.
    text = joined(conversa("e o prazo?"))
    assert text.startswith("Prazos dos pedidos em aberto de Maria:") and "Valor pedido" not in text
    assert "pagamento até" in text and "os 30 dias só começam" in text


def test_an_acknowledgement_after_the_emergency_answer_keeps_the_identification_going(conversa):
    joined(conversa("meus reembolsos"))
    joined(conversa("529.982.247-25"))
    text = joined(conversa("meu marido tá com dor no peito"))
    assert "192" in text
    # Before: "ok já liguei pro samu" was "Não entendi a data".
    text = joined(conversa("ok já liguei pro samu"))
    assert "Não entendi a data" not in text and "data de nascimento" in text
    assert "Identificação confirmada" in joined(conversa("12/03/1975"))
