from decimal import Decimal

import pytest

from bot.regulation.copay import (
    COPAY_EXEMPTIONS,
    COPAY_SUBJECT,
    copay_exempt_reason,
    psychiatric_copay,
    psychiatric_copay_applies,
    psychiatric_copay_days,
)


def test_exemptions_of_art82_par4():
    assert set(COPAY_EXEMPTIONS) == {
        "conexao_saude",
        "online_emergency_care",
        "chemotherapy",
        "radiotherapy",
        "haemodialysis",
        "transplant",
    }
    assert "Conexão Saúde" in copay_exempt_reason("conexao_saude")
    assert "pronto atendimento online" in copay_exempt_reason("online_emergency_care")
    assert "neoplasia maligna" in copay_exempt_reason("chemotherapy")
    assert "Hemodiálise" in copay_exempt_reason("haemodialysis")
    assert all("art. 82, § 4º" in reason for reason in COPAY_EXEMPTIONS.values())


def test_exempt_reason_normalizes_the_category():
    assert copay_exempt_reason(" Conexao-Saude ") == COPAY_EXEMPTIONS["conexao_saude"]
    assert copay_exempt_reason("TRANSPLANT") == COPAY_EXEMPTIONS["transplant"]


@pytest.mark.parametrize("category", ["consultation", "hospitalization", "unknown", ""])
def test_not_exempt(category):
    assert copay_exempt_reason(category) is None


def test_subject_to_copay_art82():
    assert len(COPAY_SUBJECT) == 7
    assert "31º dia" in COPAY_SUBJECT["psychiatric_hospitalization"]


def test_psychiatric_copay_from_day_31_art83():
    assert not psychiatric_copay_applies(1)
    assert not psychiatric_copay_applies(30)
    assert psychiatric_copay_applies(31)
    assert psychiatric_copay_applies(90)
    with pytest.raises(ValueError, match=r"^hospitalization days start at 1$"):
        psychiatric_copay_applies(0)


def test_psychiatric_copay_days():
    assert psychiatric_copay_days(0) == 0
    assert psychiatric_copay_days(30) == 0
    assert psychiatric_copay_days(45) == 15  # days 31..45
    with pytest.raises(ValueError, match=r"^total_days must not be negative$"):
        psychiatric_copay_days(-1)


def test_psychiatric_copay_amount():
    # R$ 10.000,00 billed for days 31+ at the 50% ceiling: R$ 5.000,00.
    assert psychiatric_copay("10000.00", "0.5") == Decimal("5000.00")
    # 1.234,57 x 30% = 370,371 -> 370,37.
    assert psychiatric_copay("1234.57", Decimal("0.30")) == Decimal("370.37")
    # 0,10 x 25% = 0,025 -> 0,03 (half up).
    assert psychiatric_copay("0.10", "0.25") == Decimal("0.03")


RATE_MESSAGE = r"^the psychiatric co-payment rate must be between 0 and 50%$"


def test_psychiatric_copay_rate_within_0_and_50_percent():
    with pytest.raises(ValueError, match=RATE_MESSAGE):
        psychiatric_copay("100.00", "0.51")
    with pytest.raises(ValueError, match=RATE_MESSAGE):
        psychiatric_copay("100.00", "-0.01")
    with pytest.raises(ValueError, match=r"^billed amount must not be negative$"):
        psychiatric_copay("-100.00", "0.5")


def test_psychiatric_copay_at_the_limits_art83():
    # A Formulário de Inclusão may set 0% (no co-payment) and nothing may have been billed from day 31.
    assert psychiatric_copay("10000.00", "0") == Decimal("0.00")
    assert psychiatric_copay("0", "0.5") == Decimal("0.00")
    assert psychiatric_copay("0.00", "0.30") == Decimal("0.00")
