"""Repository queries on the seeded demo population."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bot.db import repository as repo
from bot.db import seed
from bot.db.models import Beneficiary
from bot.db.session import session_scope
from tests.bot.db.conftest import TODAY


@pytest.fixture
def seeded(db):
    # A few families are enough here; the population size is tested in test_seed.
    seed.seed_demo(session_factory=db.session_factory, families=6, today=TODAY)
    return db


def _maria(session):
    return repo.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session)


def test_find_beneficiary_by_cpf_accepts_punctuation(seeded):
    with session_scope(seeded.session_factory) as session:
        maria = repo.find_beneficiary_by_cpf("529.982.247-25", session=session)
        assert maria.name == seed.DEMO_TITULAR_NAME
        assert maria.birth_date == seed.DEMO_TITULAR_BIRTH_DATE
        assert repo.find_beneficiary_by_cpf("123.456.789-09", session=session) is None
        assert repo.find_beneficiary_by_cpf("", session=session) is None


def test_find_beneficiary_by_card(seeded):
    with session_scope(seeded.session_factory) as session:
        jose = repo.find_beneficiary_by_card("4175 0500 0000 1012", session=session)
        assert jose.name == seed.DEMO_SPOUSE_NAME
        assert jose.cpf == seed.DEMO_SPOUSE_CPF
        assert repo.find_beneficiary_by_card("4175050000009999", session=session) is None


def test_list_family_titular_first_then_by_birth_date(seeded):
    with session_scope(seeded.session_factory) as session:
        maria = _maria(session)
        family = repo.list_family(maria.id, session=session)
        assert [m.name for m in family] == [
            seed.DEMO_TITULAR_NAME,
            seed.DEMO_SPOUSE_NAME,
            seed.DEMO_DAUGHTER_NAME,
        ]
        assert [m.kind for m in family] == ["titular", "dependente_direto", "dependente_direto"]
        ana = family[2]
        assert ana.guardian_name == seed.DEMO_TITULAR_NAME
        assert ana.guardian_cpf == seed.DEMO_TITULAR_CPF
        assert repo.family_titular_id(ana) == maria.id == repo.family_titular_id(maria)


def test_list_family_keeps_titular_first_even_when_a_dependant_is_older(seeded):
    with session_scope(seeded.session_factory) as session:
        maria = _maria(session)
        session.add(
            Beneficiary(
                card_number="4175050000001038",
                cpf=None,
                name="Conceição Aparecida Souza",
                birth_date=date(1948, 1, 20),
                kind="dependente_especial",
                relationship="mae",
                titular_id=maria.id,
                plan_id=maria.plan_id,
                adhesion_date=date(2020, 1, 1),
                status="ativo",
            )
        )
    with session_scope(seeded.session_factory) as session:
        family = repo.list_family(_maria(session).id, session=session)
    assert [m.name for m in family] == [
        seed.DEMO_TITULAR_NAME,
        "Conceição Aparecida Souza",
        seed.DEMO_SPOUSE_NAME,
        seed.DEMO_DAUGHTER_NAME,
    ]


def test_list_family_of_unknown_id_is_empty(seeded):
    with session_scope(seeded.session_factory) as session:
        assert repo.list_family(987_654, session=session) == []


def test_objects_stay_readable_after_the_session_ends(seeded):
    with session_scope(seeded.session_factory) as session:
        maria = _maria(session)
    # expire_on_commit=False and the eagerly loaded plan: actions format answers after the unit of work.
    assert maria.card_number == seed.DEMO_TITULAR_CARD
    assert maria.plan.code == seed.DEMO_PLAN_CODE
    assert len(maria.plan.age_bands) == 10


def test_reimbursements_of_the_family_newest_first(seeded):
    with session_scope(seeded.session_factory) as session:
        family_ids = [m.id for m in repo.list_family(_maria(session).id, session=session)]
        requests = repo.list_reimbursements(family_ids, session=session)
        pending = repo.list_reimbursements(family_ids, session=session, statuses=["pendente_documentos"])
    assert {r.status for r in requests} == {"em_analise", "pendente_documentos", "aprovado", "pago", "negado"}
    dates = [r.requested_on for r in requests]
    assert dates == sorted(dates, reverse=True)
    assert len(pending) == 1
    assert pending[0].documents_complete_on is None
    assert "Relatório do médico assistente" in pending[0].pending_documents
    paid = next(r for r in requests if r.status == "pago")
    assert paid.amount_approved == Decimal("1034.50")
    # Art. 72: paid within 30 days of the complete documents.
    assert paid.paid_on - paid.documents_complete_on <= timedelta(days=30)


def test_find_reimbursement_by_protocol_ignores_punctuation(seeded):
    with session_scope(seeded.session_factory) as session:
        maria = _maria(session)
        protocol = repo.list_reimbursements([maria.id], session=session)[0].protocol
        typed = f"{protocol[:6]}.{protocol[6:14]}-{protocol[14:]}"
        found = repo.find_reimbursement_by_protocol(typed, session=session)
        assert found.protocol == protocol
        assert found.beneficiary_id == maria.id
        assert repo.find_reimbursement_by_protocol("00000000000000000000", session=session) is None


def test_authorizations_and_lookup_by_guide_or_protocol(seeded):
    with session_scope(seeded.session_factory) as session:
        family_ids = [m.id for m in repo.list_family(_maria(session).id, session=session)]
        authorizations = repo.list_authorizations(family_ids, session=session)
        in_analysis = repo.list_authorizations(family_ids, session=session, statuses=["em_analise"])
        denied = next(a for a in authorizations if a.status == "negada")
        by_guide = repo.find_authorization(denied.guide_number, session=session)
        by_protocol = repo.find_authorization(denied.protocol, session=session)
    assert {a.status for a in authorizations} == {"autorizada", "negada", "em_analise"}
    assert len(in_analysis) == 2 and all(a.decided_on is None for a in in_analysis)
    assert denied.denial_reason and "DUT" in denied.denial_reason
    assert by_guide.id == by_protocol.id == denied.id


def test_invoices_last_twelve_months_and_overdue(seeded):
    with session_scope(seeded.session_factory) as session:
        maria = _maria(session)
        invoices = repo.list_invoices([maria.id], session=session)
        overdue = repo.list_overdue_invoices([maria.id], TODAY, session=session)
        open_ones = repo.list_invoices([maria.id], session=session, statuses=["aberto"])
    assert [i.competence for i in invoices][:2] == [date(2026, 11, 1), date(2026, 10, 1)]
    assert len(invoices) == 12
    assert invoices[-1].competence == date(2025, 12, 1)
    assert [i.competence for i in overdue] == [date(2026, 10, 1)]
    assert [i.competence for i in open_ones] == [date(2026, 10, 1)]
    # Art. 31-32: day 15, moved to Monday the 16th because 15/11/2026 is a Sunday (and a holiday).
    assert invoices[0].due_date == date(2026, 11, 16)
    assert all(len(i.digitable_line) == 47 for i in invoices)


def test_list_utilization_is_inclusive_and_ordered(seeded):
    with session_scope(seeded.session_factory) as session:
        family_ids = [m.id for m in repo.list_family(_maria(session).id, session=session)]
        start, end = TODAY - timedelta(days=45), TODAY - timedelta(days=8)
        events = repo.list_utilization(family_ids, start, end, session=session)
    days = [e.event_date for e in events]
    assert days == sorted(days)
    assert days[0] == start and days[-1] == end
    exempt = [e for e in events if e.category in ("conexao_saude", "pronto_atendimento_online")]
    assert exempt and all(e.copay_amount == 0 and "Art. 82" in e.copay_exempt_reason for e in exempt)
    consultation = next(e for e in events if e.category == "consulta" and e.amount_total == Decimal("280.00"))
    assert consultation.copay_amount == Decimal("60.00")  # 30% capped at R$ 60 (demo rate)


def test_tax_statements_follow_the_requested_order(seeded):
    with session_scope(seeded.session_factory) as session:
        family = repo.list_family(_maria(session).id, session=session)
        ids = [m.id for m in reversed(family)]
        statements = repo.get_tax_statements(ids, TODAY.year - 1, session=session)
        assert repo.get_tax_statements(ids, TODAY.year, session=session) == []
    assert [s.beneficiary_id for s in statements] == ids
    assert all(s.year == 2025 and s.contributions_paid > 0 for s in statements)


def test_list_plans_only_active_by_default(seeded):
    with session_scope(seeded.session_factory) as session:
        active = repo.list_plans(session=session)
        every = repo.list_plans(session=session, active_only=False)
        by_code = repo.find_plan_by_code("classico-apto", session=session)
    assert {p.code for p in active} == {"CLASSICO-APTO", "CLASSICO-ENF", "ESSENCIAL-ENF"}
    assert {p.code for p in every} == {p.code for p in active} | {"BASICO-ENF-LEGADO"}
    assert by_code.ans_registration == "492.893/22-8"
    bands = by_code.age_bands
    assert [(b.min_age, b.max_age) for b in bands][:2] == [(0, 18), (19, 23)]
    assert bands[-1].min_age == 59 and bands[-1].max_age is None
    assert bands[0].price == by_code.base_price


def test_create_ticket_allocates_daily_protocols(seeded):
    # 01:30 UTC on the 26th is still the 25th in São Paulo: the protocol carries the local date.
    now = datetime(2026, 11, 26, 1, 30, tzinfo=timezone.utc)
    with session_scope(seeded.session_factory) as session:
        maria = _maria(session)
        first = repo.create_ticket(
            "whatsapp",
            "reembolso",
            "Beneficiária pede prazo do reembolso pendente.",
            session=session,
            beneficiary_id=maria.id,
            context={"opcao": 1, "documentos": ["relatório médico"]},
            now=now,
        )
        second = repo.create_ticket(
            "telefone",
            "reclamacao",
            "Recurso à Ouvidoria.",
            session=session,
            tier="ouvidoria",
            related_protocol=first.protocol,
            now=now,
        )
    assert first.protocol == "41750520261125000001"
    assert second.protocol == "41750520261125000002"
    with session_scope(seeded.session_factory) as session:
        found = repo.find_ticket_by_protocol("417505.20261125.000001", session=session)
        appeal = repo.find_ticket_by_protocol(second.protocol, session=session)
    assert found.created_at == now and found.created_at.tzinfo is not None
    assert found.context_json == {"opcao": 1, "documentos": ["relatório médico"]}
    assert found.status == "aberto" and found.tier == "primeira_instancia"
    assert appeal.tier == "ouvidoria" and appeal.related_protocol == first.protocol
    assert appeal.beneficiary_id is None
