import datetime as dt
from decimal import Decimal

import pytest

from bot.regulation.finance import (
    LateCharges,
    art36_due_date,
    delinquency_warning,
    effective_due_date,
    invoice_due_date,
    is_payment_on_time,
    late_charges,
    payroll_remainder,
    pro_rata_first_month,
)

D = dt.date


def test_invoice_due_date_is_day_15_of_the_competence_month():
    assert invoice_due_date(2026, 6) == D(2026, 6, 15)
    assert invoice_due_date(2026, 12) == D(2026, 12, 15)
    assert invoice_due_date(2026, 6, due_day=10) == D(2026, 6, 10)  # another date communicated in advance


def test_art36_due_date_is_first_business_day_of_next_month():
    assert art36_due_date(2026, 3) == D(2026, 4, 1)  # Wednesday
    # 01/01/2027 is a holiday (Friday), then a weekend: Monday 04/01/2027.
    assert art36_due_date(2026, 12) == D(2027, 1, 4)


def test_art36_due_date_skips_a_belo_horizonte_holiday():
    # 01/04/2026 is a Wednesday; were it a municipal holiday, the contribution would fall due on Thursday 02/04.
    assert art36_due_date(2026, 3, extra_holidays={D(2026, 4, 1)}) == D(2026, 4, 2)


@pytest.mark.parametrize(
    ("due", "effective"),
    [
        (D(2026, 6, 15), D(2026, 6, 15)),  # Monday: unchanged
        (D(2026, 3, 15), D(2026, 3, 16)),  # Sunday -> Monday
        (D(2026, 11, 15), D(2026, 11, 16)),  # Proclamação da República on a Sunday -> Monday
        (D(2025, 11, 15), D(2025, 11, 17)),  # Proclamação da República on a Saturday -> Monday
        (D(2026, 4, 21), D(2026, 4, 22)),  # Tiradentes (Tuesday) -> Wednesday
        (D(2026, 11, 20), D(2026, 11, 23)),  # Consciência Negra (Friday) -> Monday
        (D(2010, 2, 15), D(2010, 2, 17)),  # Carnival Monday: banks closed Monday and Tuesday -> Ash Wednesday
    ],
)
def test_effective_due_date(due, effective):
    assert effective_due_date(due) == effective


def test_effective_due_date_with_a_municipal_holiday():
    # 08/12/2026 (Tuesday) is Imaculada Conceição in Belo Horizonte, absent from the holidays package.
    assert effective_due_date(D(2026, 12, 8)) == D(2026, 12, 8)
    assert effective_due_date(D(2026, 12, 8), extra_holidays={D(2026, 12, 8)}) == D(2026, 12, 9)


def test_late_charges_worked_example():
    # R$ 1.000,00 due Monday 15/06/2026, paid 15/07/2026: 30 days late.
    # Fine: 2% x 1.000,00 = 20,00. Interest: 1.000,00 x 1% x 30/30 = 10,00. Total: 1.030,00.
    charges = late_charges(Decimal("1000.00"), D(2026, 6, 15), D(2026, 7, 15))
    assert charges == LateCharges(
        fine=Decimal("20.00"), interest=Decimal("10.00"), total=Decimal("1030.00"), days_late=30
    )
    assert charges.charges == Decimal("30.00")


def test_late_charges_pro_rata_die():
    # 45 days (15/06 -> 30/07/2026): interest 1.000,00 x 1% x 45/30 = 15,00; fine 20,00; total 1.035,00.
    charges = late_charges("1000.00", D(2026, 6, 15), D(2026, 7, 30))
    assert (charges.fine, charges.interest, charges.total, charges.days_late) == (
        Decimal("20.00"),
        Decimal("15.00"),
        Decimal("1035.00"),
        45,
    )


def test_late_charges_round_half_up():
    # R$ 250,25 paid one day late (Tuesday 16/06/2026):
    # fine 250,25 x 2% = 5,005 -> 5,01 (half up); interest 250,25 x 1% x 1/30 = 0,0834 -> 0,08; total 255,34.
    charges = late_charges("250.25", D(2026, 6, 15), D(2026, 6, 16))
    assert (charges.fine, charges.interest, charges.total, charges.days_late) == (
        Decimal("5.01"),
        Decimal("0.08"),
        Decimal("255.34"),
        1,
    )


def test_no_charges_when_paid_by_the_due_date():
    charges = late_charges("1000.00", D(2026, 6, 15), D(2026, 6, 15))
    assert charges == LateCharges(Decimal("0.00"), Decimal("0.00"), Decimal("1000.00"), 0)
    assert late_charges("1000.00", D(2026, 6, 15), D(2026, 6, 1)).days_late == 0  # paid early


def test_no_charges_when_paid_on_the_next_business_day_art32():
    # Due Sunday 15/11/2026 (also a holiday): paying Monday 16/11 bears nothing.
    assert late_charges("350.00", D(2026, 11, 15), D(2026, 11, 16)).charges == Decimal("0.00")
    # Due 21/04/2026 (Tiradentes): paying Wednesday 22/04 bears nothing.
    assert late_charges("350.00", D(2026, 4, 21), D(2026, 4, 22)).charges == Decimal("0.00")


def test_delay_after_the_grace_counts_from_the_contractual_due_date():
    # Due Sunday 15/11/2026, paid Tuesday 17/11: 2 days late from the 15th.
    # Fine 350,00 x 2% = 7,00; interest 350,00 x 1% x 2/30 = 0,2333 -> 0,23; total 357,23.
    charges = late_charges("350.00", D(2026, 11, 15), D(2026, 11, 17))
    assert (charges.fine, charges.interest, charges.total, charges.days_late) == (
        Decimal("7.00"),
        Decimal("0.23"),
        Decimal("357.23"),
        2,
    )


def test_is_payment_on_time():
    assert is_payment_on_time(D(2026, 3, 15), D(2026, 3, 16))  # Sunday due date, Monday payment
    assert not is_payment_on_time(D(2026, 3, 15), D(2026, 3, 17))


def test_late_charges_with_a_municipal_holiday_art32():
    # Due Tuesday 08/12/2026, Imaculada Conceição in Belo Horizonte when given: paying on the 9th bears nothing;
    # without it, the 9th is one day late.
    holiday = {D(2026, 12, 8)}
    assert is_payment_on_time(D(2026, 12, 8), D(2026, 12, 9), extra_holidays=holiday)
    assert not is_payment_on_time(D(2026, 12, 8), D(2026, 12, 9))
    assert late_charges("350.00", D(2026, 12, 8), D(2026, 12, 9), extra_holidays=holiday) == LateCharges(
        Decimal("0.00"), Decimal("0.00"), Decimal("350.00"), 0
    )
    assert late_charges("350.00", D(2026, 12, 8), D(2026, 12, 9)).days_late == 1


def test_late_charges_on_small_and_zero_amounts():
    # A co-payment of R$ 0,50 a month late: fine 0,01; interest 0,50 x 1% = 0,005 -> 0,01; total 0,52.
    assert late_charges("0.50", D(2026, 6, 15), D(2026, 7, 15)) == LateCharges(
        Decimal("0.01"), Decimal("0.01"), Decimal("0.52"), 30
    )
    assert late_charges("0", D(2026, 6, 15), D(2026, 7, 15)) == LateCharges(
        Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 30
    )


def test_late_charges_refuses_bad_amounts():
    with pytest.raises(ValueError, match=r"^amount must not be negative$"):
        late_charges("-1.00", D(2026, 6, 15), D(2026, 7, 15))
    with pytest.raises(TypeError):
        late_charges(1000.0, D(2026, 6, 15), D(2026, 7, 15))


@pytest.mark.parametrize("days", [0, 1, 29])
def test_no_delinquency_warning_below_30_days(days):
    assert delinquency_warning(days) is None


@pytest.mark.parametrize("days", [30, 45, 60])
def test_delinquency_warning_from_30_days_art27(days):
    text = delinquency_warning(days)
    assert f"{days} dias" in text
    assert "negociação" in text
    assert "60 dias" in text
    assert "excluir" not in text


@pytest.mark.parametrize("days", [61, 90])
def test_delinquency_warning_over_60_days_art46(days):
    text = delinquency_warning(days)
    assert f"{days} dias" in text
    assert "excluir" in text
    assert "grupo familiar" in text
    assert "comprovante de recebimento" in text  # notification required by Art. 27, sole paragraph


def test_delinquency_warning_text_at_30_days_art27():
    assert delinquency_warning(30) == (
        "Constam 30 dias de atraso, consecutivos ou não, nos últimos 12 meses. A Cemig Saúde entrará em "
        "contato para apresentar opções de negociação do débito. Se o débito não for quitado até completar "
        "60 dias de atraso, a inscrição do titular e dos dependentes poderá ser cancelada (arts. 27 e 46 do "
        "Regulamento)."
    )


def test_delinquency_warning_text_over_60_days_art46():
    assert delinquency_warning(61) == (
        "Constam 61 dias de atraso, consecutivos ou não, nos últimos 12 meses, acima do limite de 60 dias. "
        "A Cemig Saúde pode excluir o beneficiário inadimplente e os beneficiários do mesmo grupo familiar, após "
        "comunicar o cancelamento por carta com comprovante de recebimento ou por comunicado virtual (art. 27, "
        "parágrafo único, e art. 46 do Regulamento). Quite ou negocie o débito o quanto antes pelos canais de "
        "atendimento."
    )


def test_delinquency_warning_refuses_negative_days():
    with pytest.raises(ValueError, match=r"^days must not be negative$"):
        delinquency_warning(-1)


def test_payroll_remainder():
    # R$ 350,00 due, Forluz deducted R$ 200,00: boleto of R$ 150,00.
    assert payroll_remainder("350.00", "200.00") == Decimal("150.00")
    assert payroll_remainder("350.00", "350.00") == Decimal("0.00")
    assert payroll_remainder("350.00", "400.00") == Decimal("0.00")
    assert payroll_remainder(Decimal("350.00"), 0) == Decimal("350.00")
    with pytest.raises(ValueError, match=r"^amounts must not be negative$"):
        payroll_remainder("350.00", "-1")
    with pytest.raises(ValueError, match=r"^amounts must not be negative$"):
        payroll_remainder("-0.01", "0")


def test_payroll_remainder_of_small_and_zero_amounts_art9():
    # Less than R$ 1,00 due (e.g. a co-payment balance) and nothing deducted: all of it goes to the boleto.
    assert payroll_remainder("0.50", "0") == Decimal("0.50")
    assert payroll_remainder("0.00", "0.00") == Decimal("0.00")
    assert payroll_remainder(0, "12.00") == Decimal("0.00")


def test_pro_rata_first_month():
    # June has 30 days; coverage from 10/06 is 21 days (10..30): 300,00 x 21/30 = 210,00.
    assert pro_rata_first_month("300.00", D(2026, 6, 10)) == Decimal("210.00")
    # February 2026 has 28 days; from 17/02 is 12 days: 280,00 x 12/28 = 120,00.
    assert pro_rata_first_month("280.00", D(2026, 2, 17)) == Decimal("120.00")
    # February 2028 has 29 days; from 20/02 is 10 days: 290,00 x 10/29 = 100,00.
    assert pro_rata_first_month("290.00", D(2028, 2, 20)) == Decimal("100.00")
    # December: from 31/12 is 1 day of 31: 310,00 / 31 = 10,00.
    assert pro_rata_first_month("310.00", D(2026, 12, 31)) == Decimal("10.00")
    assert pro_rata_first_month("300.00", D(2026, 6, 1)) == Decimal("300.00")
