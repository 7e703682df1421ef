"""The importer's row rules exactly at their limits (issue 13, mutation survivors).

Every rule has a side that must import: a decision on the day of the request, an invoice due on the first day
of its competence or wholly deducted from the payroll, a co-payment equal to the total, a hospitalisation's first
day, psychiatric co-payment from day 31, an event dated today. And the other side must be refused with its
reason. Events of different people, providers or procedures on the same day are different events.
"""

from __future__ import annotations

import pytest

from bot.db.importer import ImportIssue
from tests.bot.db.conftest import TODAY
from tests.bot.db.test_importer_rejections import (
    EVENT,
    PATRICIA_CARD,
    PEDRO,
    SECOND_AUTHORIZATION,
    SECOND_BAND,
    SECOND_EVENT,
    SECOND_INVOICE,
    SECOND_REIMBURSEMENT,
    _base,
    _batch,
    _csv,
    _import,
    _rejected,
    _with,
    _write,
)

ACCEPTED = [
    pytest.param("authorizations", _with(SECOND_AUTHORIZATION, status="autorizada", decided_on="2026-10-27"),
                 id="decided-on-the-day-of-the-request"),
    pytest.param("plan_age_bands", _with(SECOND_BAND, max_age="19"), id="band-of-a-single-age"),
    pytest.param("reimbursements", _with(SECOND_REIMBURSEMENT, service_date="2026-10-20"),
                 id="service-on-the-day-of-the-request"),
    pytest.param("reimbursements",
                 _with(SECOND_REIMBURSEMENT, status="pago", amount_approved="380,00", paid_on="2026-10-20"),
                 id="paid-in-full-on-the-day-of-the-request"),
    pytest.param("invoices", _with(SECOND_INVOICE, due_date="01/10/2026"), id="due-on-the-first-of-the-competence"),
    pytest.param("invoices", _with(SECOND_INVOICE, payroll_deducted="1.855,24", digitable_line=""),
                 id="wholly-deducted-from-payroll-needs-no-boleto"),
    pytest.param("utilization_events", _with(SECOND_EVENT, copay_amount="280,00"), id="copay-equal-to-the-total"),
    pytest.param("utilization_events", _with(SECOND_EVENT, category="internacao", hospitalization_day="1"),
                 id="first-day-of-a-hospitalisation"),
    pytest.param("utilization_events",
                 _with(SECOND_EVENT, category="internacao_psiquiatrica", hospitalization_day="31"),
                 id="psychiatric-copay-from-day-31"),
    pytest.param("utilization_events",
                 _with(SECOND_EVENT, category="internacao_psiquiatrica", hospitalization_day="30", copay_amount="0"),
                 id="psychiatric-day-30-without-copay"),
    pytest.param("utilization_events",
                 _with(SECOND_EVENT, category="internacao_psiquiatrica", hospitalization_day="12",
                       copay_amount="0,00"),
                 id="psychiatric-early-day-without-copay"),
    pytest.param("utilization_events", _with(SECOND_EVENT, event_date=TODAY.isoformat()), id="event-dated-today"),
]


@pytest.mark.parametrize("table, row", ACCEPTED)
def test_a_row_exactly_at_a_limit_imports(db, tmp_path, table, row):
    paths, _, _ = _batch(tmp_path, table, row)
    assert _import(db, paths)[table].inserted == 2


REFUSED = [
    pytest.param("reimbursements", _with(SECOND_REIMBURSEMENT, status="pago", paid_on="2026-10-28"),
                 "amount_approved: obrigatório quando o status é pago", id="paid-without-approved-amount"),
    pytest.param("authorizations", _with(SECOND_AUTHORIZATION, status="negada", denial_reason="Fora do rol"),
                 "decided_on: obrigatório quando o status é negada", id="denied-without-decision-date"),
    pytest.param("invoices", _with(SECOND_INVOICE, status="pago", paid_on="2026-10-15"),
                 "paid_on/paid_amount: obrigatórios quando o status é pago", id="paid-without-amount"),
    pytest.param("utilization_events", _with(SECOND_EVENT, category="quimioterapia", copay_amount="0,50"),
                 "copay_amount: a categoria quimioterapia é isenta de coparticipação (Art. 82, §4º)",
                 id="exempt-category-with-fifty-cents"),
    pytest.param("utilization_events",
                 _with(SECOND_EVENT, category="internacao_psiquiatrica", hospitalization_day="30",
                       copay_amount="0,50"),
                 "copay_amount: internação psiquiátrica só tem coparticipação a partir do 31º dia",
                 id="psychiatric-day-30-with-fifty-cents"),
]


@pytest.mark.parametrize("table, row, reason", REFUSED)
def test_a_row_just_past_a_limit_is_refused(db, tmp_path, table, row, reason):
    paths, target, line = _batch(tmp_path, table, row)
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_events_of_two_people_or_two_providers_on_the_same_day_are_different_events(db, tmp_path):
    rows = [EVENT, _with(EVENT, beneficiary_card_number=PATRICIA_CARD), _with(EVENT, provider="Hospital Central"),
            _with(EVENT, procedure_code="40301630", description="Hemograma completo", category="exame")]
    events = _write(tmp_path, "utilization_events.csv", _csv(rows))
    assert _import(db, [*_base(tmp_path), events])["utilization_events"].inserted == 4
    # Imported again, each updates itself.
    counts = _import(db, [*_base(tmp_path), events])["utilization_events"]
    assert (counts.inserted, counts.updated) == (0, 4)


ADULT_SON = _with(PEDRO, birth_date="17/01/1996", guardian_name="", guardian_cpf="")


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(_with(PEDRO, birth_date=TODAY.isoformat(), adhesion_date=TODAY.isoformat()),
                     id="born-and-joined-today"),
        pytest.param(_with(ADULT_SON, kind="dependente_especial"), id="special-dependant-son-over-24"),
        pytest.param(_with(ADULT_SON, status="cancelado"), id="cancelled-direct-dependant-over-24"),
    ],
)
def test_beneficiaries_at_their_limits_import(db, tmp_path, row):
    paths, _, _ = _batch(tmp_path, "beneficiaries", row)
    assert _import(db, paths)["beneficiaries"].inserted == 3


@pytest.mark.parametrize("relationship", ["filha", "enteado", "enteada"])
def test_a_direct_dependant_child_of_24_or_more_is_refused_whatever_the_kinship(db, tmp_path, relationship):
    paths, target, line = _batch(tmp_path, "beneficiaries", _with(ADULT_SON, relationship=relationship))
    reason = "relationship: filho(a) ou enteado(a) com 24 anos ou mais não é dependente direto"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_a_special_dependant_needs_a_cpf(db, tmp_path):
    paths, target, line = _batch(tmp_path, "beneficiaries", _with(ADULT_SON, kind="dependente_especial", cpf=""))
    reason = "cpf: obrigatório para o titular e o dependente especial (responsáveis financeiros)"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


# TODAY is 2026-11-25: these birthdays make exactly 24 and 18 years today, or the day before.
@pytest.mark.parametrize(
    "changes, accepted",
    [
        pytest.param({"birth_date": "2002-11-26"}, True, id="son-turning-24-tomorrow"),
        pytest.param({"birth_date": "2002-11-25"}, False, id="son-24-today"),
        pytest.param({"relationship": "menor_sob_guarda", "birth_date": "2008-11-26"}, True,
                     id="ward-turning-18-tomorrow"),
        pytest.param({"relationship": "menor_sob_guarda", "birth_date": "2008-11-25"}, False, id="ward-18-today"),
    ],
)
def test_direct_dependants_age_out_on_their_birthday(db, tmp_path, changes, accepted):
    row = _with(PEDRO, **changes)
    paths, target, line = _batch(tmp_path, "beneficiaries", row)
    if accepted:
        assert _import(db, paths)["beneficiaries"].inserted == 3
        return
    reason = ("relationship: filho(a) ou enteado(a) com 24 anos ou mais não é dependente direto"
              if row["relationship"] == "filho" else
              "relationship: menor sob guarda com 18 anos ou mais não é dependente direto")
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_an_adult_of_18_today_needs_no_guardian(db, tmp_path):
    paths, _, _ = _batch(tmp_path, "beneficiaries", _with(PEDRO, birth_date="2008-11-25", guardian_name="",
                                                          guardian_cpf=""))
    assert _import(db, paths)["beneficiaries"].inserted == 3


def test_a_minor_turning_18_tomorrow_still_needs_a_guardian(db, tmp_path):
    paths, target, line = _batch(tmp_path, "beneficiaries", _with(PEDRO, birth_date="2008-11-26", guardian_name="",
                                                                  guardian_cpf=""))
    reason = "guardian_name: obrigatório para menor de 18 anos (representante legal)"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_a_dependant_of_a_titular_that_exists_nowhere_names_the_column(db, tmp_path):
    paths, target, line = _batch(tmp_path, "beneficiaries", _with(PEDRO, titular_card_number="4175059000001047"))
    reason = "titular_card_number: beneficiário com cartão 4175059000001047 não existe no banco nem no arquivo"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]
