"""Option 4: boletos of the financially responsible person (Arts. 9, 30-32, 44, 46)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from actions.boletos import aviso_na_data_do_pagamento, dia_do_limite, dias_em_atraso, item_aberto
from actions.datas_de_pagamento import data_de_pagamento
from actions.financeiro import ActionConsultarFinanceiro
from actions.formatting import NOMES_MESES, competencia, format_date, format_money, linha_digitavel
from bot import clock
from bot.db import repository, seed
from bot.db.models import Beneficiary, Invoice
from bot.identifiers import make_card_number
from bot.nlu.parsing import find_relative_dates
from bot.regulation.finance import effective_due_date
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.fixed_clock import TODAY

CENT = Decimal("0.01")
LINHA = "00190000090100202610010057021163516000000168961"





def _tracker(beneficiary_id, entities=None, text=""):
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(beneficiary_id)}, text=text)
    tracker.latest_message["entities"] = entities or []
    return tracker


def _ao_telefone(beneficiary_id, text):
    tracker = _tracker(beneficiary_id, text=text)
    tracker.latest_message["intent"] = {"name": ActionConsultarFinanceiro.intent, "confidence": 1.0}
    tracker.events.append({"event": "user", "text": text, "input_channel": "ura"})
    return tracker


def _shown(dispatcher) -> str:
    return "\n".join(t for t in texts(dispatcher) if t)


def _expected_total(amount: Decimal, due: date, paid: date) -> tuple[Decimal, Decimal, Decimal]:
    """Art. 44 §1, computed here by hand: 2% fine plus 1%/30 a day, each rounded to cents."""
    days = (paid - due).days
    fine = (amount * Decimal("0.02")).quantize(CENT, rounding=ROUND_HALF_UP)
    interest = (amount * Decimal("0.01") * days / 30).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount + fine + interest, fine, interest


def _invoice(**kwargs) -> Invoice:
    values = dict(
        competence=date(2027, 2, 1),
        due_date=date(2027, 2, 15),
        amount=Decimal("1000.00"),
        payroll_deducted=Decimal("0.00"),
        status="aberto",
        digitable_line=LINHA,
    )
    values.update(kwargs)
    return Invoice(**values)


# -- pure helpers ----------------------------------------------------------------------------------


def test_digitable_line_is_grouped_as_printed_on_the_boleto():
    assert linha_digitavel(LINHA) == "00190.00009 01002.026100 10057.021163 5 16000000168961"
    assert linha_digitavel("123") == "123"
    assert competencia(date(2026, 3, 1)) == "03/2026"


def test_payment_date_ignores_past_dates_such_as_the_birth_date():
    today = date(2026, 11, 25)
    entities = [{"entity": "data", "value": "1975-03-12"}, {"entity": "data", "value": "2026-12-01"}]
    assert data_de_pagamento(entities, today) == date(2026, 12, 1)
    assert data_de_pagamento([{"entity": "data", "value": "1975-03-12"}], today) is None
    assert data_de_pagamento([{"entity": "cpf", "value": "52998224725"}], today) is None


def test_days_in_arrears_count_each_day_once():
    today = date(2026, 11, 25)
    late_paid = _invoice(due_date=date(2026, 6, 15), status="pago", paid_on=date(2026, 6, 20))
    open_a = _invoice(competence=date(2026, 10, 1), due_date=date(2026, 10, 15))
    open_b = _invoice(competence=date(2026, 11, 1), due_date=date(2026, 11, 16))
    # 5 days in June, 16/10..25/11 = 41 days; November's overlaps October's and adds nothing.
    assert dias_em_atraso([late_paid, open_a, open_b], today) == 5 + 41


def test_payroll_remainder_goes_on_the_boleto():
    fatura = _invoice(amount=Decimal("1000.00"), payroll_deducted=Decimal("600.00"))
    text = item_aberto(fatura, date(2027, 2, 1), None)
    assert "R$ 600,00 descontados na folha" in text
    assert "Restante no boleto: R$ 400,00" in text
    assert "Art. 9 §1º" in text


def test_fully_deducted_invoice_has_no_boleto():
    fatura = _invoice(payroll_deducted=Decimal("1000.00"), digitable_line=None)
    text = item_aberto(fatura, date(2027, 2, 1), None)
    assert "não há boleto" in text
    assert "2ª via" not in text


def test_due_date_without_banking_hours_moves_to_next_business_day():
    # 08/02/2027 is Carnival Monday: banks close Monday and Tuesday (Art. 32).
    fatura = _invoice(competence=date(2027, 2, 1), due_date=date(2027, 2, 8))
    text = item_aberto(fatura, date(2027, 2, 1), None)
    assert "sem multa até 10/02/2027 (Art. 32)" in text
    on_time = item_aberto(fatura, date(2027, 2, 1), date(2027, 2, 10))
    assert "Se pagar em 10/02/2027: R$ 1.000,00, dentro do prazo, sem multa nem juros." in on_time
    assert "multa de 2%" not in on_time
    late = item_aberto(fatura, date(2027, 2, 1), date(2027, 2, 11))
    total, _, _ = _expected_total(Decimal("1000.00"), date(2027, 2, 8), date(2027, 2, 11))
    assert f"Se pagar em 11/02/2027: {format_money(total)}" in late


# -- the action over the demo data -----------------------------------------------------------------


async def test_on_the_phone_one_digitable_line_is_read_and_the_paid_history_comes_two_at_a_time(dispatcher, db):
    # u16: a caller heard both open boletos' 47-digit lines in one breath, then five paid ones.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    open_ = sorted(repository.list_invoices([maria.id], session=db, statuses=["aberto"]), key=lambda f: f.due_date)
    assert len(open_) >= 2, "the demo family has last month's and this month's boleto open"
    tracker = _ao_telefone(maria.id, "meus boletos")

    events = await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    shown = _shown(dispatcher)

    assert linha_digitavel(open_[0].digitable_line) in shown
    assert all(linha_digitavel(f.digitable_line) not in shown for f in open_[1:])
    mes = NOMES_MESES[open_[1].competence.month - 1]
    assert f"Para ouvir a linha digitável deste, diga *boleto de {mes}*." in shown
    assert "Mostrando 2 de" in shown
    assert len(slot_events(events)["paginas"]) >= 2


async def test_on_the_phone_the_boleto_of_a_month_named_is_read_with_its_line(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    ultimo = max(repository.list_invoices([maria.id], session=db, statuses=["aberto"]), key=lambda f: f.due_date)
    pedido = f"boleto de {NOMES_MESES[ultimo.competence.month - 1]}"
    tracker = _ao_telefone(maria.id, pedido)

    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})

    assert linha_digitavel(ultimo.digitable_line) in _shown(dispatcher)


async def test_titular_sees_overdue_boleto_with_second_copy_and_updated_amount(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    open_ = repository.list_invoices([maria.id], session=db, statuses=["aberto"])
    paid = repository.list_invoices([maria.id], session=db, statuses=["pago"])
    overdue = [f for f in open_ if f.due_date < TODAY]
    assert overdue, "the seed always leaves last month's boleto of the demo family unpaid"

    events = await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id), {})
    shown = _shown(dispatcher)

    fatura = overdue[0]
    total, fine, interest = _expected_total(fatura.amount - fatura.payroll_deducted, fatura.due_date, TODAY)
    assert f"Competência {fatura.competence:%m/%Y}, vencimento {format_date(fatura.due_date)} (EM ATRASO)" in shown
    assert f"Se pagar hoje ({format_date(TODAY)}): {format_money(total)}" in shown
    assert format_money(fine) in shown and format_money(interest) in shown
    assert "Art. 44 §1º" in shown
    assert linha_digitavel(fatura.digitable_line) in shown
    assert "Art. 46 do Regulamento" in shown and "arts. 27 e 46" not in shown
    # Paid ones follow, newest first, a page at a time.
    assert "Últimos boletos pagos:" in shown
    assert f"Competência {paid[0].competence:%m/%Y}: pago {format_money(paid[0].paid_amount)}" in shown
    assert slot_events(events)["paginas"]
    assert "Art. 31" in "\n".join(slot_events(events)["paginas"])
    assert texts(dispatcher)[-1] == "utter_algo_mais"
    # Contributions of the direct dependants are on Maria's boleto: nobody is asked "de quem?".
    assert not slot_events(events).get("escolher_pessoa")


async def test_amount_on_the_payment_date_the_user_typed(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    fatura = repository.list_overdue_invoices([maria.id], TODAY, session=db)[0]
    payday = TODAY + timedelta(days=10)
    tracker = _tracker(maria.id, entities=[{"entity": "data", "value": payday.isoformat()}])
    events = await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    shown = _shown(dispatcher)
    total, _, _ = _expected_total(fatura.amount - fatura.payroll_deducted, fatura.due_date, payday)
    assert f"Se pagar em {format_date(payday)}: {format_money(total)}" in shown
    assert "Se pagar hoje" not in shown
    # This month's boleto, not yet due on that day, says so instead of saying nothing.
    open_ = repository.list_invoices([maria.id], session=db, statuses=["aberto"])
    upcoming = [f for f in open_ if f.due_date >= payday]
    assert upcoming, "the seed leaves this month's boleto of the demo family open"
    amount = format_money(upcoming[0].amount - upcoming[0].payroll_deducted)
    assert f"Se pagar em {format_date(payday)}: {amount}, dentro do prazo, sem multa nem juros." in shown
    # The question is about the open boletos: the paid history is left out, and so is the paging.
    assert "Últimos boletos pagos" not in shown
    assert not slot_events(events).get("paginas")
    assert texts(dispatcher)[-1] == "utter_algo_mais"


async def test_late_fee_for_a_day_written_in_words(dispatcher, db):
    # The entities the NLU's IdentifierExtractor gives this message on the suite's clock (Wednesday 02/12/2026).
    text = "se eu pagar dia 20 quanto fica"
    entities = [{"entity": f.entity, "value": f.value} for f in find_relative_dates(text, clock.today())]
    assert entities == [{"entity": "data", "value": "2026-12-20"}]
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    fatura = repository.list_overdue_invoices([maria.id], TODAY, session=db)[0]
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, entities=entities, text=text), {})
    shown = _shown(dispatcher)
    total, _, _ = _expected_total(fatura.amount - fatura.payroll_deducted, fatura.due_date, date(2026, 12, 20))
    assert f"Se pagar em 20/12/2026: {format_money(total)}" in shown
    assert "Se pagar hoje" not in shown


async def test_late_fee_for_a_month_named_without_a_day(dispatcher, db):
    # u22: "e se eu pagar só em janeiro?" showed "Se pagar hoje": the month was dropped.
    text = "e se eu pagar só em janeiro?"
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    fatura = repository.list_overdue_invoices([maria.id], TODAY, session=db)[0]
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=text), {})
    shown = _shown(dispatcher)
    total, _, _ = _expected_total(fatura.amount - fatura.payroll_deducted, fatura.due_date, date(2027, 1, 1))
    assert f"Se pagar em 01/01/2027: {format_money(total)}" in shown, shown
    assert "Se pagar hoje" not in shown


async def test_direct_dependant_is_told_the_titular_pays(dispatcher, db):
    jose = repository.find_beneficiary_by_cpf(seed.DEMO_SPOUSE_CPF, session=db)
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    maria_lines = [f.digitable_line for f in repository.list_invoices([maria.id], session=db) if f.digitable_line]
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(jose.id), {})
    shown = _shown(dispatcher)
    assert "boleto de quem é titular do plano" in shown and "Art. 30" in shown and "Maria" not in shown
    assert "R$" not in shown
    for line in maria_lines:
        assert linha_digitavel(line) not in shown


def _family_with_special_dependant(db):
    special = db.execute(
        select(Beneficiary).where(Beneficiary.kind == "dependente_especial", Beneficiary.status == "ativo")
    ).scalars().first()
    return special, repository.get_beneficiary(special.titular_id, session=db)


def _latest_paid(db, payer_id):
    return repository.list_invoices([payer_id], session=db, statuses=["pago"])[0]


async def test_special_dependant_sees_only_their_own_boletos(dispatcher, db):
    special, titular = _family_with_special_dependant(db)
    own = repository.list_invoices([special.id], session=db)
    assert own and all(f.beneficiary_id == special.id for f in own)
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(special.id), {})
    shown = _shown(dispatcher)
    for fatura in repository.list_invoices([titular.id], session=db):
        if fatura.digitable_line:
            assert linha_digitavel(fatura.digitable_line) not in shown
    last = _latest_paid(db, special.id)
    assert format_money(last.paid_amount) in shown


async def test_titular_everyone_vs_chosen_special_dependant(dispatcher, db):
    special, titular = _family_with_special_dependant(db)
    tracker = _tracker(titular.id)

    ActionConsultarFinanceiro().atender(dispatcher, tracker, titular.id)
    family_view = _shown(dispatcher)
    titular_last = _latest_paid(db, titular.id)
    assert format_money(titular_last.paid_amount if titular_last.paid_amount else titular_last.amount) in family_view
    assert "boleto próprio" in family_view and special.name.split()[0] in family_view

    dispatcher.messages.clear()
    ActionConsultarFinanceiro().atender(dispatcher, tracker, titular.id, escolha=str(special.id))
    chosen_view = _shown(dispatcher)
    special_last = _latest_paid(db, special.id)
    assert format_money(special_last.paid_amount) in chosen_view
    assert "boleto próprio" not in chosen_view


async def test_titular_choosing_a_direct_dependant_still_sees_the_family_boleto(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    ana = repository.find_beneficiary_by_cpf(seed.DEMO_DAUGHTER_CPF, session=db)
    fatura = repository.list_overdue_invoices([maria.id], TODAY, session=db)[0]
    ActionConsultarFinanceiro().atender(dispatcher, _tracker(maria.id), maria.id, escolha=str(ana.id))
    assert linha_digitavel(fatura.digitable_line) in _shown(dispatcher)


@pytest.fixture
def titular_without_invoices(db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    newcomer = Beneficiary(
        card_number=make_card_number(9999, 0),
        name="Pedro Recém Chegado",
        birth_date=date(1980, 1, 1),
        kind="titular",
        relationship="titular",
        plan_id=maria.plan_id,
        adhesion_date=TODAY,
        status="ativo",
    )
    db.add(newcomer)
    db.commit()
    yield newcomer.id
    db.delete(newcomer)
    db.commit()


async def test_no_invoices_is_a_clear_answer(dispatcher, titular_without_invoices):
    events = await ActionConsultarFinanceiro().run(dispatcher, _tracker(titular_without_invoices), {})
    shown = texts(dispatcher)
    assert shown[0] == "Não há boletos registrados em nome de Pedro."
    assert shown[-1] == "utter_algo_mais"
    assert "paginas" not in slot_events(events)


async def test_unidentified_user_sees_no_boleto(dispatcher):
    events = await ActionConsultarFinanceiro().run(dispatcher, make_tracker(), {})
    shown = _shown(dispatcher)
    assert "R$" not in shown and "Boletos" not in shown
    assert slot_events(events)["opcao_pendente"] == "financeiro"


def test_paying_on_a_later_day_warns_when_the_delay_passes_the_limit_of_art_46():
    # "e dia 16/01?" on 06/12/2026 with November's boleto (due 16/11) open: 17/11..16/01 = 61 days, past the 60
    # of Art. 46; today's count (20 days) said nothing of it.
    november = _invoice(competence=date(2026, 11, 1), due_date=date(2026, 11, 16))
    assert dias_em_atraso([november], date(2026, 12, 6)) == 20
    warning = aviso_na_data_do_pagamento([november], date(2027, 1, 16))
    assert warning.startswith("⚠️ Pagando só em 16/01/2027, serão 61 dias de atraso") and "Art" in warning
    assert aviso_na_data_do_pagamento([november], date(2027, 1, 15)) is None  # 60 days: not more than 60
    assert aviso_na_data_do_pagamento([november], None) is None


async def test_will_they_cut_my_plan_gets_the_days_and_the_limit(dispatcher, db):
    # "tá, mas vai cortar meu plano?" got the plans on sale.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    faturas = repository.list_invoices([maria.id], session=db, statuses=["aberto", "pago"])
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text="ta mas vai cortar meu plano?"), {})
    first = texts(dispatcher)[0]
    assert "dia(s) de atraso" in first and "Art. 46" in first
    assert f"passa em {format_date(dia_do_limite(faturas, TODAY))}" in first
    assert "Boletos em aberto" not in first


async def test_splitting_a_late_boleto_goes_to_a_person_and_the_bar_code_shows_the_open_ones_only(dispatcher, db):
    # "dá pra parcelar o de novembro?" and "manda o código de barras" got the whole list, paid ones included.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text="da pra parcelar o de novembro?"), {})
    said = "\n".join(t for t in texts(dispatcher) if t)
    assert "Parcelar ou negociar boletos em atraso é feito por um atendente" in said and "Art. 27, I" in said
    other = type(dispatcher)()
    events = await ActionConsultarFinanceiro().run(other, _tracker(maria.id, text="manda o codigo de barras"), {})
    said = "\n".join(t for t in texts(other) if t)
    assert "Boletos em aberto" in said and "Últimos boletos pagos" not in said
    assert not slot_events(events).get("paginas")


async def test_asking_to_pay_in_instalments_reads_the_answer_first_and_not_the_paid_history(dispatcher, db):
    # Tester: "dá pra parcelar?" got the answer between the open boletos and the whole list of paid ones.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    events = await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text="dá pra parcelar?"), {})
    said = [t for t in texts(dispatcher) if t]
    assert said[0].startswith("Parcelar ou negociar boletos em atraso é feito por um atendente")
    assert any("Boletos em aberto" in t for t in said) and not any("Últimos boletos pagos" in t for t in said)
    assert not slot_events(events).get("paginas")


async def test_how_much_do_i_owe_adds_up_the_open_boletos_with_todays_charges(dispatcher, db):
    # "quanto eu devo?" got each boleto but never the figure asked for.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    open_ = [f for f in repository.list_invoices([maria.id], session=db, statuses=["aberto"])
             if f.amount - f.payroll_deducted > 0]
    assert len(open_) >= 2, "the demo family has last month's boleto late and this month's open"
    expected = Decimal(0)
    for fatura in open_:
        amount = fatura.amount - fatura.payroll_deducted
        late = TODAY > effective_due_date(fatura.due_date)
        expected += _expected_total(amount, fatura.due_date, TODAY)[0] if late else amount
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text="quanto eu devo?"), {})
    assert f"Total dos {len(open_)} boletos em aberto, pagando hoje: {format_money(expected)}." in _shown(dispatcher)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paguei duas vezes o mesmo boleto de outubro, quero o dinheiro de volta", "Pagamento em dobro é devolvido"),
        # It got "Se o item contestado sai deste boleto…", as if a contest were already under analysis.
        ("quero contestar uma cobrança, paguei o boleto de outubro em dobro", "Pagamento em dobro é devolvido"),
        ("tem como mudar o dia de vencimento? dia 15 ta ruim pra mim, recebo dia 20", "vence até o dia 15"),
        ("quero colocar o plano em debito automatico", "Débito automático ou outra forma de pagamento"),
    ],
)
async def test_how_the_boleto_is_paid_is_answered_instead_of_the_list(dispatcher, db, text, expected):
    # These got the list of open boletos; "dia 15 ta ruim" even got the late fees of paying on the 15th.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=text), {})
    shown = _shown(dispatcher)
    assert expected in shown and "digite 0" in shown
    assert "Boletos em aberto" not in shown and "Se pagar em" not in shown


async def test_asking_to_contest_a_charge_of_the_boleto_shows_the_statement_to_point_at_the_item(dispatcher, db):
    # "quero contestar uma cobrança do boleto de outubro" got "Se o item contestado sai deste boleto…" and no way to
    # contest: the charges billed are the statement's items, and the contest asks which one.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    text = "quero contestar uma cobrança do boleto de outubro"
    events = await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=text), {})
    assert not _shown(dispatcher)
    reread = events[-1]
    assert reread["event"] == "user" and reread["parse_data"]["intent"]["name"] == "contestar_utilizacao"
    assert reread["text"] == text


async def test_a_payment_told_by_pix_is_looked_for_not_answered_with_the_ways_to_pay(dispatcher, db):
    # "mas eu já paguei o de novembro ontem pelo pix!" got "A mensalidade é paga pelo boleto... Débito automático".
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    text = "mas eu ja paguei o de novembro ontem pelo pix!"
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=text), {})
    shown = _shown(dispatcher)
    assert "Débito automático" not in shown and "3 dias úteis" in shown


async def test_a_boleto_named_by_its_month_or_as_the_next_is_shown_alone(dispatcher, db):
    # "so o codigo de barras do de dezembro", "e quando vence o proximo?" got every boleto, the late-fee warning
    # and the paid history each time.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    open_ = sorted(repository.list_invoices([maria.id], session=db, statuses=["aberto"]), key=lambda f: f.due_date)
    assert len(open_) >= 2, "the seed leaves last month's boleto unpaid and this month's open"
    latest, overdue = open_[-1], open_[0]
    for text in (f"so o codigo de barras do de {MESES[latest.competence.month]}", "e quando vence o proximo?"):
        said = type(dispatcher)()
        await ActionConsultarFinanceiro().run(said, _tracker(maria.id, text=text), {})
        shown = _shown(said)
        assert f"Competência {latest.competence:%m/%Y}" in shown, text
        assert f"Competência {overdue.competence:%m/%Y}" not in shown and "Últimos boletos pagos" not in shown, text
        assert "Art. 46 do Regulamento" not in shown, text
        # The overdue one is not hidden: it is named, with how to see it.
        assert f"Há também boleto em atraso ({overdue.competence:%m/%Y})" in shown, text


MESES = {11: "novembro", 12: "dezembro", 1: "janeiro", 10: "outubro"}


async def test_cancelling_does_not_settle_a_late_boleto(dispatcher, db):
    # After the cancellation rules, "e se eu cancelar tenho q pagar o boleto atrasado?" got every boleto again.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    text = "e se eu cancelar tenho q pagar o boleto atrasado?"
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=text), {})
    shown = _shown(dispatcher)
    assert shown.startswith("Sim: cancelar o plano não quita o que está em aberto") and "Art. 17, II" in shown
    assert "Boletos em aberto" not in shown


async def test_asking_whether_a_month_was_paid_gets_its_payment(dispatcher, db):
    # "paguei o boleto de outubro? nao lembro" got the open boletos and "o banco tem até 3 dias úteis".
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    paid = [f for f in repository.list_invoices([maria.id], session=db, statuses=["pago"]) if f.competence.month == 10]
    assert paid and paid[0].paid_on, "the seed has October paid"
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text="paguei o boleto de outubro? nao lembro"),
                                          {})
    shown = _shown(dispatcher)
    assert shown.startswith("Já está pago:") and f"Competência 10/{paid[0].competence.year}: pago" in shown
    assert f"em {format_date(paid[0].paid_on)}" in shown and "Boletos em aberto" not in shown


async def test_asking_whether_an_open_month_was_paid_gets_a_no_and_that_boleto(dispatcher, db):
    # "o boleto de novembro tá pago?" showed November's boleto with no answer to the question asked.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    open_ = [f for f in repository.list_invoices([maria.id], session=db, statuses=["aberto"])]
    assert open_, "the seed has open boletos"
    month = open_[0].competence
    names = {11: "novembro", 12: "dezembro", 1: "janeiro"}
    await ActionConsultarFinanceiro().run(
        dispatcher, _tracker(maria.id, text=f"o boleto de {names[month.month]} tá pago?"), {})
    shown = _shown(dispatcher)
    assert shown.startswith(f"Ainda não consta pagamento da competência {month:%m/%Y}: está em aberto.")
    assert f"Competência {month:%m/%Y}, vencimento" in shown and "Já está pago" not in shown


async def test_fearing_the_plan_cancelled_for_debt_is_not_told_yes(dispatcher, db):
    # u11: "vao cancelar meu plano??" from someone who cannot pay got "Sim: cancelar o plano não quita...".
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    text = "to desempregada, nao consigo pagar os dois boletos. da pra parcelar? vao cancelar meu plano??"
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=text), {})
    shown = _shown(dispatcher)
    assert not shown.startswith("Sim:") and "60 dias" in shown


async def test_paying_a_boleto_with_a_disputed_item_is_answered_not_listed(dispatcher, db):
    # u11: after disputing two items, "tenho que pagar o boleto de dezembro com essa cobrança dentro? vai ser
    # estornado?" got the open boletos and their barcodes, with no word on the question.
    from actions.boletos import COBRANCA_CONTESTADA

    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    text = "e ai, tenho que pagar o boleto de dezembro com essa cobrança dentro? vai ser estornado?"
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=text), {})
    shown = _shown(dispatcher)
    assert shown.startswith(COBRANCA_CONTESTADA) and "Art. 78, §2º" in shown and "linha digitável" not in shown


@pytest.mark.parametrize(
    ("text", "payday"),
    [
        # u19: "na sexta dia 18" computed the fee for the next Friday; "venceu dia 10" was read as the payment day.
        ("se eu pagar o boleto na sexta dia 18 tem juros?", date(2026, 12, 18)),
        ("venceu dia 10, posso pagar sexta?", date(2026, 12, 4)),
    ],
)
async def test_the_fee_is_for_the_day_the_person_will_pay(dispatcher, db, text, payday):
    entities = [
        {"entity": f.entity, "value": f.value, "start": f.start, "end": f.end}
        for f in find_relative_dates(text, clock.today())
    ]
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, entities=entities, text=text), {})
    shown = _shown(dispatcher)
    assert f"Se pagar em {format_date(payday)}:" in shown
    assert [d for d in ("04/12/2026", "10/12/2026", "18/12/2026") if f"Se pagar em {d}" in shown] == [
        format_date(payday)
    ]


# -- "tá atrasado?" ------------------------------------------------------------------------------------


def test_is_it_overdue_is_answered_yes_with_the_overdue_boleto_or_no_with_the_next_one():
    from actions.atraso import resposta_sobre_o_atraso

    late = _invoice(competence=date(2027, 1, 1), due_date=date(2027, 1, 15))
    next_ = _invoice()
    yes = resposta_sobre_o_atraso([late, next_], [late, next_], date(2027, 1, 20))
    assert yes.startswith("Sim: há 1 boleto em atraso.") and "Competência 01/2027" in yes
    assert "Competência 02/2027" not in yes and "Se pagar hoje (20/01/2027)" in yes
    no = resposta_sobre_o_atraso([next_], [next_], date(2027, 1, 20))
    assert no.startswith("Não: nenhum boleto em atraso. O próximo é o da competência 02/2027, R$ 1.000,00, com "
                         "vencimento em 15/02/2027.")
    assert resposta_sobre_o_atraso([], [], date(2027, 1, 20)).startswith("Não: nenhum boleto em atraso nem em aberto")


async def test_esse_da_maria_ta_atrasado_gets_yes_and_the_overdue_boleto_not_the_whole_list(dispatcher, db):
    # Older item: "esse da Maria tá atrasado?" got every open boleto and the paid history again.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    open_ = repository.list_invoices([maria.id], session=db, statuses=["aberto"])
    overdue = [f for f in open_ if TODAY > effective_due_date(f.due_date)]
    assert overdue, "the seed always leaves last month's boleto of the demo family unpaid"
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text="esse da Maria tá atrasado?"), {})
    shown = _shown(dispatcher)
    assert shown.startswith("Sim: há 1 boleto em atraso.") and linha_digitavel(overdue[0].digitable_line) in shown
    assert "Últimos boletos pagos" not in shown and texts(dispatcher)[-1] == "utter_algo_mais"
    assert all(f"Competência {f.competence:%m/%Y}" not in shown for f in open_ if f not in overdue)


async def test_on_the_phone_the_line_can_be_asked_by_sms_and_the_answer_says_how(dispatcher, db):
    # Older item: a caller who could not take the 47 digits down had no way to get them from the phone line.
    from actions.boleto_sms import DICA_SMS

    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    open_ = sorted(repository.list_invoices([maria.id], session=db, statuses=["aberto"]), key=lambda f: f.due_date)
    await ActionConsultarFinanceiro().run(dispatcher, _ao_telefone(maria.id, "meus boletos"), {})
    assert DICA_SMS in _shown(dispatcher)
    asked = type(dispatcher)()
    await ActionConsultarFinanceiro().run(asked, _ao_telefone(maria.id, "manda por SMS"), {})
    (sms,) = [m["custom"] for m in asked.messages if m.get("custom")]
    assert all(linha_digitavel(f.digitable_line) in sms["sms"] for f in open_)
    assert sms["sms"].startswith("Cemig Saúde - 2ª via") and "(em atraso, valor de hoje)" in sms["sms"]
    said = f"Pronto: mandei por SMS, para o número de onde você liga, a linha digitável dos {len(open_)} boletos."
    assert sms["dito"] == said and texts(asked)[-1] == "utter_algo_mais"
    assert seed.DEMO_TITULAR_CPF not in sms["sms"] and "529.982" not in sms["sms"]  # no CPF in a text message
    # On WhatsApp the line is in the answer already: no SMS is offered nor sent.
    chat = type(dispatcher)()
    await ActionConsultarFinanceiro().run(chat, _tracker(maria.id, text="manda por SMS"), {})
    assert not any(m.get("custom") for m in chat.messages) and DICA_SMS not in _shown(chat)


async def test_the_second_copy_of_a_paid_month_says_it_is_paid_and_sends_no_file(dispatcher, db):
    # u23: "manda o pdf do boleto de outubro", October paid, sent the open boletos' PDFs and never said it was paid.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    paid = db.scalars(select(Invoice).where(Invoice.beneficiary_id == maria.id, Invoice.status == "pago")
                      .order_by(Invoice.competence.desc())).first()
    month = NOMES_MESES[paid.competence.month - 1]
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria.id, text=f"manda o pdf do boleto de {month}"), {})
    shown = _shown(dispatcher)
    assert shown.startswith("Esse boleto já está pago") and f"Competência {competencia(paid.competence)}: pago" in shown
    assert "Últimos boletos pagos" not in shown
    assert not [m for m in dispatcher.messages if m.get("attachment") or m.get("json_message")]


async def test_whether_pix_is_accepted_is_answered_without_a_cpf(dispatcher):
    # u27: "posso pagar no pix?" was asked for a CPF before any answer; how one pays is the same for everyone.
    from actions.boletos import FORMA_DE_PAGAMENTO
    from actions.identificacao_fluxo import ActionSolicitarIdentificacao

    events = await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text="posso pagar no pix?",
                                                                               intent="financeiro"), {})
    assert texts(dispatcher)[0] == FORMA_DE_PAGAMENTO
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_listen"]
