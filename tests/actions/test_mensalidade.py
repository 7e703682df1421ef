"""Questions about the contribution that the list of boletos does not answer (actions/mensalidade.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from actions.boletos import a_pagar
from actions.financeiro import ActionConsultarFinanceiro
from actions.formatting import format_date, format_money
from actions.mensalidade import data_informada, informa_pagamento, pergunta_aumento_por_idade
from bot.db import repository, seed
from bot.nlu.parsing import find_relative_dates
from bot.regulation.calendar import add_business_days
from tests.actions.conftest import identified_tracker, read_text, slot_events, texts
from tests.fixed_clock import TODAY


@pytest.mark.parametrize(
    "text",
    ["minha mensalidade vai aumentar no aniversário?", "quando muda a faixa de idade?", "reajuste por faixa etária",
     "vai subir quando eu fizer 59?", "A MENSALIDADE AUMENTA COM A IDADE"],
)
def test_age_band_questions(text):
    assert pergunta_aumento_por_idade(text)


@pytest.mark.parametrize("text", ["segunda via do boleto", "quanto fica a multa se eu pagar amanhã?", "paguei ontem"])
def test_other_finance_questions_are_not_about_age_bands(text):
    assert not pergunta_aumento_por_idade(text)


@pytest.mark.parametrize(
    "text",
    ["paguei ontem, já baixou?", "já paguei", "paguei o boleto e ainda aparece em aberto", "meu pagamento não caiu",
     "paguei dia 1 e não baixou"],
)
def test_payment_reports(text):
    assert informa_pagamento(text)


@pytest.mark.parametrize("text", ["quero pagar o boleto", "quanto paguei de multa em outubro?", "2ª via"])
def test_other_finance_questions_are_not_payment_reports(text):
    assert not informa_pagamento(text)


def test_only_a_recent_past_day_is_a_payment_day():
    def entities(*days):
        return [{"entity": "data", "value": d.isoformat()} for d in days]

    yesterday = TODAY - timedelta(days=1)
    assert data_informada(entities(yesterday), TODAY) == yesterday
    # A birth date and a day read as next month are no payment days.
    assert data_informada(entities(date(1975, 3, 12), TODAY + timedelta(days=30)), TODAY) is None


async def test_titular_sees_when_each_persons_contribution_rises(dispatcher, db):
    # "minha mensalidade vai aumentar no aniversário?" got the whole list of boletos.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    events = await ActionConsultarFinanceiro().run(
        dispatcher, identified_tracker(maria.id, "minha mensalidade vai aumentar no aniversário?", "financeiro"), {}
    )
    shown = read_text(dispatcher)
    assert "Art. 40" in shown and "mês seguinte ao aniversário" in shown
    # Maria (12/03/1975) is 51 on the suite's day, band 49-53; 54 on 12/03/2029, priced from April 2029.
    bands = {b.min_age: b.price for b in maria.plan.age_bands}
    assert f"• Maria, 51 anos: faixa de 49 a 53 anos ({format_money(bands[49])}/mês)" in shown
    rise = f"{(bands[54] / bands[49] - 1) * 100:.0f}%"
    assert f"Aos 54 anos, faixa de 54 a 58 anos: {format_money(bands[54])}/mês (+{rise}) a partir de 04/2029" in shown
    # José (30/08/1972) is 54: the last band at 59, from September 2031.
    assert "• José, 54 anos" in shown and "Aos 59 anos, faixa de 59 anos ou mais" in shown and "09/2031" in shown
    assert "• Ana" in shown
    assert "reajuste anual é outra coisa" in shown
    # No boleto list, no birth date.
    assert "Boletos em aberto" not in shown and "12/03/1975" not in shown and "30/08/1972" not in shown
    assert not slot_events(events).get("paginas")
    assert texts(dispatcher)[-1] == "utter_algo_mais"


async def test_an_age_asked_about_is_answered_for_the_one_who_asks(dispatcher, db):
    # "vai aumentar quando eu fizer 59?" got only the next change, at 54.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    await ActionConsultarFinanceiro().run(
        dispatcher, identified_tracker(maria.id, "vai aumentar quando eu fizer 59?", "financeiro"), {}
    )
    shown = read_text(dispatcher)
    bands = {b.min_age: b.price for b in maria.plan.age_bands}
    assert "Aos 54 anos, faixa de 54 a 58 anos" in shown  # the next change comes first
    # Maria turns 59 on 12/03/2034: the last band, priced from April 2034.
    assert (
        f"Aos 59 anos: faixa de 59 anos ou mais, {format_money(bands[59])}/mês pelos preços de hoje, a partir de "
        "04/2034. É a última faixa" in shown
    )
    # Only for her: Ana (14) and José are not told a price "aos 59 anos:" of their own.
    assert shown.count("Aos 59 anos:") == 1


async def test_a_dependant_sees_only_their_own_band(dispatcher, db):
    jose = repository.find_beneficiary_by_cpf(seed.DEMO_SPOUSE_CPF, session=db)
    question = "quando minha mensalidade muda de faixa etária?"
    await ActionConsultarFinanceiro().run(dispatcher, identified_tracker(jose.id, question, "financeiro"), {})
    shown = read_text(dispatcher)
    assert "• José, 54 anos" in shown and "Maria" not in shown and "Ana" not in shown


def test_the_general_rule_is_answered_without_identifying():
    (answer,) = ActionConsultarFinanceiro().orientacao_geral("como funciona o reajuste por faixa etária?")
    assert "De 54 a 58 anos: +26%" in answer and "59 anos ou mais: +28%" in answer and "Art. 41" in answer
    assert ActionConsultarFinanceiro().orientacao_geral("minha mensalidade vai aumentar no aniversário?") == []


async def test_a_payment_made_yesterday_is_within_the_banks_delay(dispatcher, db):
    # "paguei ontem, já baixou?" got the open list, the paid history and the late-fee warning.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    yesterday = TODAY - timedelta(days=1)
    entities = [{"entity": "data", "value": yesterday.isoformat()}]
    tracker = identified_tracker(maria.id, "paguei ontem, já baixou?", "financeiro", entities)
    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    shown = read_text(dispatcher)
    open_ = [f for f in repository.list_invoices([maria.id], session=db, statuses=["aberto"]) if a_pagar(f) > 0]
    assert open_
    assert "Ainda consta em aberto:" in shown
    for fatura in open_:
        assert f"competência {fatura.competence:%m/%Y}, vencimento {format_date(fatura.due_date)}" in shown
        assert format_money(a_pagar(fatura)) in shown
    assert f"deve aparecer até {format_date(add_business_days(yesterday, 3))}" in shown
    assert "não precisa pagar de novo" in shown
    assert "Últimos boletos pagos" not in shown and "Art. 46" not in shown


async def test_a_payment_long_past_goes_to_a_person_with_the_receipt(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    long_ago = TODAY - timedelta(days=10)
    entities = [{"entity": "data", "value": long_ago.isoformat()}]
    tracker = identified_tracker(maria.id, "paguei faz tempo e não baixou", "financeiro", entities)
    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    shown = read_text(dispatcher)
    assert f"Desde {format_date(long_ago)} esse prazo já passou" in shown and "comprovante" in shown


async def test_a_payment_without_a_day_explains_the_delay(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    await ActionConsultarFinanceiro().run(dispatcher, identified_tracker(maria.id, "já paguei", "financeiro"), {})
    shown = read_text(dispatcher)
    assert "até 3 dias úteis" in shown and "digite 0" in shown


def test_a_payment_on_a_weekday_in_words_is_dated():
    # "paguei sábado" on Monday 07/12/2026 is Saturday 05/12, not the Saturday to come.
    text = "paguei sabado no app do banco"
    entities = [{"entity": f.entity, "value": f.value} for f in find_relative_dates(text, date(2026, 12, 7))]
    assert data_informada(entities, date(2026, 12, 7)) == date(2026, 12, 5)


def test_a_payment_told_with_late_words_is_about_ones_own_boleto_not_the_rule():
    # "...pelo pix e ainda ta aparecendo em atraso, vou ter q pagar de novo??" got the general late-fee rule.
    texto = "paguei o boleto de novembro ontem pelo pix e ainda ta aparecendo em atraso, vou ter q pagar de novo??"
    assert ActionConsultarFinanceiro().orientacao_geral(texto) == []
    assert ActionConsultarFinanceiro().orientacao_geral("qual a multa por atraso?") != []
