"""The synthetic population: size, validity, variety, determinism and the rules it follows."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.db import seed
from bot.db.models import (
    Authorization,
    Beneficiary,
    Invoice,
    Plan,
    Reimbursement,
    TaxStatement,
    UtilizationEvent,
)
from bot.db.session import session_scope
from bot.identifiers import card_family_number, is_valid_card, is_valid_cpf, is_valid_digitable_line
from bot.regulation.pricing import price_table
from tests.bot.db.conftest import TODAY


def _snapshot(db) -> dict[str, list[tuple]]:
    """Everything the seed wrote, keyed by natural keys so database ids do not matter."""
    with session_scope(db.session_factory) as session:
        cards = dict(session.execute(select(Beneficiary.id, Beneficiary.card_number)).all())

        def rows(model, *columns, by_card=True):
            result = []
            for row in session.execute(select(model)).scalars():
                values = tuple(getattr(row, c) for c in columns)
                result.append(((cards[row.beneficiary_id],) if by_card else ()) + values)
            return sorted(result, key=repr)

        people = sorted(
            (
                b.card_number,
                b.cpf,
                b.name,
                b.birth_date,
                b.kind,
                b.relationship,
                cards.get(b.titular_id),
                b.guardian_name,
                b.plan.code,
                b.adhesion_date,
                b.status,
                b.email,
                b.phone,
            )
            for b in session.execute(select(Beneficiary)).scalars()
        )
        return {
            "plans": sorted(
                (p.code, p.base_price, tuple((b.min_age, b.max_age, b.price) for b in p.age_bands))
                for p in session.execute(select(Plan)).scalars()
            ),
            "beneficiaries": people,
            "reimbursements": rows(Reimbursement, "protocol", "status", "amount_requested", "paid_on"),
            "authorizations": rows(Authorization, "guide_number", "protocol", "status", "denial_reason"),
            "invoices": rows(Invoice, "competence", "amount", "status", "paid_amount", "digitable_line"),
            "utilization": rows(UtilizationEvent, "event_date", "provider", "procedure_code", "copay_amount"),
            "tax": rows(TaxStatement, "year", "contributions_paid", "copay_paid"),
        }


@pytest.fixture
def population(db):
    counts = seed.seed_demo(session_factory=db.session_factory, today=TODAY)
    return db, counts


def test_at_least_fifty_families_with_zero_to_four_dependants(population):
    db, counts = population
    with session_scope(db.session_factory) as session:
        people = session.execute(select(Beneficiary)).scalars().all()
    titulars = [p for p in people if p.kind == "titular"]
    assert len(titulars) == 60 >= 50
    assert counts["beneficiaries"] == len(people)
    dependants = Counter(p.titular_id for p in people if p.titular_id is not None)
    assert max(dependants.values()) <= 4
    assert sum(1 for t in titulars if dependants[t.id] == 0) > 0  # some titulars live alone
    kinds = Counter(p.relationship for p in people)
    assert kinds["conjuge"] > 10 and kinds["filho"] + kinds["filha"] > 10
    assert kinds["pai"] + kinds["mae"] + kinds["neto"] + kinds["neta"] > 0
    assert any(p.kind == "dependente_especial" for p in people)


def test_identifiers_are_valid_unique_and_consistent(population):
    db, _ = population
    with session_scope(db.session_factory) as session:
        people = session.execute(select(Beneficiary)).scalars().all()
        by_id = {p.id: p for p in people}
    cpfs = [p.cpf for p in people if p.cpf]
    assert all(is_valid_cpf(cpf) for cpf in cpfs)
    assert len(cpfs) == len(set(cpfs))
    assert all(is_valid_card(p.card_number) for p in people)
    for person in people:
        if person.titular_id is not None:
            assert card_family_number(person.card_number) == card_family_number(
                by_id[person.titular_id].card_number
            )
        else:
            assert person.card_number[13:15] == "00"


def test_minors_have_a_guardian_and_direct_children_are_under_24(population):
    db, _ = population
    with session_scope(db.session_factory) as session:
        people = session.execute(select(Beneficiary)).scalars().all()
    minors = [p for p in people if seed.age_on(p.birth_date, TODAY) < 18]
    assert minors
    assert all(p.guardian_name and is_valid_cpf(p.guardian_cpf) for p in minors)
    for person in people:
        if person.kind == "dependente_direto" and person.relationship in (
            "filho",
            "filha",
            "enteado",
            "enteada",
        ):
            assert seed.age_on(person.birth_date, TODAY) < 24  # Art. 22, II


def test_demo_family_is_fixed(population):
    db, _ = population
    with session_scope(db.session_factory) as session:
        cards = {
            b.card_number: b
            for b in session.execute(
                select(Beneficiary).where(Beneficiary.card_number.like("4175050000001%"))
            )
            .scalars()
            .all()
        }
    maria, jose, ana = (
        cards[seed.DEMO_TITULAR_CARD],
        cards[seed.DEMO_SPOUSE_CARD],
        cards[seed.DEMO_DAUGHTER_CARD],
    )
    assert (maria.name, maria.cpf, maria.birth_date, maria.kind) == (
        "Maria Aparecida Souza",
        "52998224725",
        date(1975, 3, 12),
        "titular",
    )
    assert (jose.name, jose.cpf, jose.birth_date, jose.relationship) == (
        "José Carlos Souza",
        "11144477735",
        date(1972, 8, 30),
        "conjuge",
    )
    assert (ana.name, ana.birth_date, ana.relationship, ana.guardian_name) == (
        "Ana Luiza Souza",
        date(2012, 6, 5),
        "filha",
        "Maria Aparecida Souza",
    )
    assert is_valid_cpf(ana.cpf)
    assert jose.titular_id == maria.id == ana.titular_id


def test_requests_cover_every_status(population):
    db, _ = population
    with session_scope(db.session_factory) as session:
        reimbursements = session.execute(select(Reimbursement)).scalars().all()
        authorizations = session.execute(select(Authorization)).scalars().all()
    assert {r.status for r in reimbursements} == {
        "em_analise",
        "pendente_documentos",
        "aprovado",
        "pago",
        "negado",
    }
    for r in reimbursements:
        assert (r.status == "pendente_documentos") == bool(r.pending_documents)
        assert (r.status == "negado") == bool(r.denial_reason)
        assert (r.status == "pago") == (r.paid_on is not None)
        if r.status == "pago":
            assert r.paid_on - r.documents_complete_on <= timedelta(days=30)  # Art. 72
            assert r.amount_approved <= r.amount_requested
    assert {a.status for a in authorizations} >= {"em_analise", "autorizada", "negada"}
    assert all(a.denial_reason for a in authorizations if a.status == "negada")
    assert all(a.decided_on is None for a in authorizations if a.status == "em_analise")


def test_invoices_cover_twelve_months_with_some_overdue(population):
    db, _ = population
    with session_scope(db.session_factory) as session:
        invoices = session.execute(select(Invoice)).scalars().all()
        payer_kinds = {i.beneficiary.kind for i in invoices}
    first_month = date(2025, 12, 1)
    assert {i.competence for i in invoices} == {
        date(2025 + (11 + m) // 12, (11 + m) % 12 + 1, 1) for m in range(12)
    }
    assert min(i.competence for i in invoices) == first_month
    assert payer_kinds == {"titular", "dependente_especial"}  # direct dependants are on the titular's slip
    overdue = [i for i in invoices if i.status == "aberto" and i.due_date < TODAY]
    assert len(overdue) >= 2
    assert all(i.due_date.day >= 15 and i.due_date.weekday() < 5 for i in invoices)
    for invoice in invoices:
        to_pay = invoice.amount - invoice.payroll_deducted
        assert (invoice.digitable_line is None) == (to_pay == 0)
        if invoice.digitable_line:
            assert is_valid_digitable_line(invoice.digitable_line)
        if invoice.status == "pago":
            late = (invoice.paid_on - invoice.due_date).days
            assert invoice.paid_amount == seed.late_payment_total(to_pay, invoice.due_date, invoice.paid_on)
            assert (invoice.paid_amount > to_pay) == (late > 0 and to_pay > 0)
    assert any(i.payroll_deducted == i.amount > 0 for i in invoices)  # Forluz payroll (Art. 34 §1º)
    assert any(0 < i.payroll_deducted < i.amount for i in invoices)


def test_utilization_includes_exempt_categories_and_psychiatric_rule(population):
    db, _ = population
    with session_scope(db.session_factory) as session:
        events = session.execute(select(UtilizationEvent)).scalars().all()
    categories = Counter(e.category for e in events)
    for exempt in ("conexao_saude", "pronto_atendimento_online", "quimioterapia", "hemodialise"):
        assert categories[exempt] > 0, exempt
        assert all(
            e.copay_amount == 0 and "Art. 82" in e.copay_exempt_reason for e in events if e.category == exempt
        )
    psychiatric = sorted(
        (e for e in events if e.category == "internacao_psiquiatrica"), key=lambda e: e.event_date
    )
    assert [e.hospitalization_day for e in psychiatric] == list(range(1, len(psychiatric) + 1))
    assert len(psychiatric) > 30
    assert all(e.copay_amount == 0 for e in psychiatric[:30])  # Art. 82, VI
    assert all(e.copay_amount == e.amount_total / 2 for e in psychiatric[30:])  # up to 50%, Art. 83 §2º
    assert all(e.event_date <= TODAY for e in events)
    assert any(e.copay_amount > 0 for e in events if e.category == "consulta")


def test_tax_statements_for_the_last_three_years(population):
    # "o informe de 2024" said there was none: only last year's statement existed.
    db, _ = population
    with session_scope(db.session_factory) as session:
        statements = session.execute(select(TaxStatement)).scalars().all()
        events = session.execute(select(UtilizationEvent)).scalars().all()
    years = {TODAY.year - 3, TODAY.year - 2, TODAY.year - 1}
    assert statements and {s.year for s in statements} == years
    copay = Counter()
    for event in events:
        copay[(event.beneficiary_id, event.event_date.year)] += event.copay_amount
    assert all(s.copay_paid == copay.get((s.beneficiary_id, s.year), Decimal("0")) for s in statements)


def test_same_seed_same_data_and_rerun_is_idempotent(db):
    seed.seed_demo(session_factory=db.session_factory, today=TODAY)
    first = _snapshot(db)
    counts = seed.seed_demo(session_factory=db.session_factory, today=TODAY)
    assert _snapshot(db) == first
    assert counts["beneficiaries"] == len(first["beneficiaries"])
    seed.seed_demo(session_factory=db.session_factory, today=TODAY, seed=7)
    other = _snapshot(db)
    assert other["beneficiaries"] != first["beneficiaries"]
    # The demo family does not depend on the seed.
    assert [p for p in other["beneficiaries"] if p[0].startswith("4175050000001")] == [
        p for p in first["beneficiaries"] if p[0].startswith("4175050000001")
    ]


def test_age_band_prices_follow_article_40():
    bands = seed.age_band_prices(Decimal("100.00"))
    assert [(lo, hi) for lo, hi, _ in bands] == [
        (0, 18), (19, 23), (24, 28), (29, 33), (34, 38), (39, 43), (44, 48), (49, 53), (54, 58), (59, None),
    ]  # fmt: skip
    prices = [price for _, _, price in bands]
    # Rounded once from the first band (pricing.price_table), not band by band.
    assert prices[:4] == [Decimal("100.00"), Decimal("116.00"), Decimal("134.56"), Decimal("177.62")]
    assert prices == [price for _, price in price_table(Decimal("100.00"))]
    assert prices[-1] == Decimal("541.03")
    assert prices[-1] <= 6 * prices[0]  # Art. 42
    assert prices[9] / prices[6] <= prices[6] / prices[0]  # Art. 43


def test_billing_age_changes_the_month_after_the_birthday():
    born = date(1967, 11, 10)  # turns 59 on 2026-11-10
    assert seed.billing_age(born, date(2026, 11, 1)) == 58
    assert seed.billing_age(born, date(2026, 12, 1)) == 59


def test_late_payment_total_article_44():
    # Fine 2% and interest 1%/30 a day, each rounded (finance.late_charges): 10 days late on R$ 1000,00.
    assert seed.late_payment_total(Decimal("1000.00"), date(2026, 1, 15), date(2026, 1, 25)) == Decimal("1023.33")
    assert seed.late_payment_total(Decimal("1000.00"), date(2026, 1, 15), date(2026, 1, 15)) == Decimal("1000.00")


def test_due_dates_skip_minas_gerais_holidays_and_carnival():
    # 15/08/2026 is a Saturday; 15/02/2026 a Sunday followed by Carnival Monday and Tuesday (no banking).
    assert seed.due_date_for(date(2026, 8, 1)) == date(2026, 8, 17)
    assert seed.due_date_for(date(2026, 2, 1)) == date(2026, 2, 18)
    # 15/11 (Proclamation of the Republic) on a Monday in 2027.
    assert seed.due_date_for(date(2027, 11, 1)) == date(2027, 11, 16)
