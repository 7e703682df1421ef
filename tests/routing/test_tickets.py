"""Tickets: protocol at once, deadlines in business days, outbox rows in the same transaction, status by protocol."""

from __future__ import annotations

import doctest
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import routing.outbox
import routing.tickets
from bot.db.models import Beneficiary, OutboxMessage, Plan, Ticket
from bot.db.session import session_scope
from routing.tickets import (
    RESTRICTED_NOTICE,
    message_id_for,
    open_ticket,
    ticket_status,
)
from tests.routing.conftest import NOW, make_decision

SP = ZoneInfo("America/Sao_Paulo")


def _open(db, decision=None, *, now=NOW, kind="geral", category="reembolso", summary="Quero saber do meu reembolso",
          context=None, **kwargs):
    with session_scope(db.session_factory) as session:
        ticket = open_ticket(
            decision or make_decision(),
            session=session,
            channel="whatsapp",
            category=category,
            summary=summary,
            context=context if context is not None else {},
            kind=kind,
            now=now,
            **kwargs,
        )
    return ticket


def _outbox(db) -> list[OutboxMessage]:
    with session_scope(db.session_factory) as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


@pytest.mark.parametrize("module", [routing.tickets, routing.outbox])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_ticket_gets_its_protocol_at_creation(db):
    ticket = _open(db)
    # Returned already flushed: the conversation can show it before anything is e-mailed.
    assert ticket.protocol == "41750520261125000001"
    assert len(ticket.protocol) == 20 and ticket.protocol.isdigit()
    assert ticket.status == "aberto"
    second = _open(db)
    assert second.protocol == "41750520261125000002"


def test_protocol_uses_the_local_date(db):
    # 23:30 in São Paulo on the 24th is already the 25th in UTC: the protocol carries the local day.
    late = datetime(2026, 11, 24, 23, 30, tzinfo=SP)
    assert _open(db, now=late).protocol.startswith("41750520261124")
    assert _open(db, now=NOW).protocol.startswith("41750520261125")


def test_ticket_and_outbox_row_are_one_transaction(db):
    with pytest.raises(RuntimeError):
        with session_scope(db.session_factory) as session:
            open_ticket(make_decision(), session=session, channel="rest", category="reembolso", summary="x",
                        context={}, now=NOW)
            raise RuntimeError("a conversa falhou depois")
    with session_scope(db.session_factory) as session:
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 0
    ticket = _open(db)
    rows = _outbox(db)
    assert [(r.ticket_id, r.status, r.attempts) for r in rows] == [(ticket.id, "pendente", 0)]
    assert rows[0].next_attempt_at <= NOW  # due at once


def test_protocol_conflict_is_retried_with_the_next_number(db, monkeypatch, caplog):
    first = _open(db)
    calls = []
    real_next = routing.tickets.next_protocol

    def stale_next(day, *, session):
        # The first call answers as a process that has not yet seen the committed ticket would.
        calls.append(day)
        return first.protocol if len(calls) == 1 else real_next(day, session=session)

    monkeypatch.setattr(routing.tickets, "next_protocol", stale_next)
    with caplog.at_level("INFO", logger="routing.tickets"):
        second = _open(db)
    assert second.protocol == "41750520261125000002"
    assert len(calls) == 2
    assert "já usado" in caplog.text


@pytest.mark.parametrize(
    ("created", "kind", "tier", "due"),
    [
        # Coverage request, 5 business days: Tiradentes (Tue 21/04, national and MG "Data Magna") is skipped.
        (datetime(2026, 4, 17, 10, tzinfo=SP), "cobertura", "primeira_instancia", date(2026, 4, 27)),
        # Everything else, 7: Consciência Negra (Fri 20/11) is skipped.
        (datetime(2026, 11, 13, 10, tzinfo=SP), "geral", "primeira_instancia", date(2026, 11, 25)),
        # Opened late on Friday 13/11 in São Paulo (already Saturday in UTC): counted from the local date.
        (datetime(2026, 11, 13, 23, 30, tzinfo=SP), "geral", "primeira_instancia", date(2026, 11, 25)),
        # High complexity, 10: Christmas and New Year's Day are skipped.
        (datetime(2026, 12, 18, 10, tzinfo=SP), "alta_complexidade", "primeira_instancia", date(2027, 1, 5)),
        (datetime(2026, 12, 18, 10, tzinfo=SP), "internacao_eletiva", "primeira_instancia", date(2027, 1, 5)),
        # Ombudsman, 7 (RN 323/2013), whatever kind the conversation passed: Good Friday 03/04 is skipped.
        (datetime(2026, 3, 31, 10, tzinfo=SP), "geral", "ouvidoria", date(2026, 4, 10)),
        (datetime(2026, 3, 31, 10, tzinfo=SP), "ouvidoria", "ouvidoria", date(2026, 4, 10)),
        # Opened on a Sunday: counting starts on Monday.
        (datetime(2026, 11, 29, 10, tzinfo=SP), "cobertura", "primeira_instancia", date(2026, 12, 4)),
        # The teleconsultation desk works in Portugal (source 004): 8/12 (Imaculada Conceição) is skipped there,
        # and 20/11 (Consciência Negra) is a working day.
        (datetime(2026, 12, 7, 10, tzinfo=SP), "geral", "teleconsulta", date(2026, 12, 17)),
        (datetime(2026, 11, 13, 10, tzinfo=SP), "geral", "teleconsulta", date(2026, 11, 24)),
        (datetime(2026, 12, 7, 10, tzinfo=SP), "geral", "primeira_instancia", date(2026, 12, 16)),
    ],
)
def test_due_dates_in_business_days_with_national_and_mg_holidays(db, created, kind, tier, due):
    inbox = {"ouvidoria": "ouvidoria@cemigsaude.org.br", "teleconsulta": "medico.online@medis.pt"}
    decision = make_decision(tier=tier, inbox=inbox.get(tier, "relacionamento@cemigsaude.org.br"))
    ticket = _open(db, decision, now=created, kind=kind)
    assert ticket.due_date == due


def test_unknown_kind_or_tier_is_refused_before_anything_is_written(db):
    with pytest.raises(ValueError, match="tipo de chamado"):
        _open(db, kind="urgentissimo")
    with pytest.raises(ValueError, match="instância"):
        _open(db, make_decision(tier="terceira_instancia"))
    assert _outbox(db) == []


def _status(db, protocol):
    with session_scope(db.session_factory) as session:
        return ticket_status(protocol, session=session)


def test_ticket_status_by_protocol(db):
    ticket = _open(
        db,
        make_decision(inbox="telemedicina@smpsaude.pt", tier="teleconsulta", rule="teleconsulta_documentos"),
        category="tele_documentos",
        now=datetime(2026, 11, 25, 10, 15, tzinfo=SP),
    )
    status = _status(db, f" {ticket.protocol[:6]}.{ticket.protocol[6:]} ")
    assert status is not None
    assert status.protocol == ticket.protocol
    assert status.status == "aberto"
    assert status.category == "Teleconsulta: documentos e retificações"
    assert status.created == datetime(2026, 11, 25, 10, 15, tzinfo=SP)
    assert status.created.utcoffset() == timedelta(hours=-3)
    assert status.due_date == date(2026, 12, 7)  # the desk's calendar: 1/12 is a holiday in Portugal
    assert status.inbox == "Telemedicina (documentos e retificações)"
    assert status.tier == "teleconsulta"
    with session_scope(db.session_factory) as session:
        session.get(Ticket, ticket.id).status = "em_atendimento"
    assert _status(db, ticket.protocol).status == "em atendimento"
    assert _status(db, "41750520261125999999") is None
    assert _status(db, "") is None


def _beneficiary(db) -> int:
    with session_scope(db.session_factory) as session:
        plan = Plan(code="T", name="Plano", ans_registration="1", accommodation="apartamento", coverage="",
                    base_price=Decimal("1.00"), active=True)
        session.add(plan)
        session.flush()
        person = Beneficiary(card_number="4175050000001004", cpf="52998224725", name="Maria Aparecida Souza",
                             birth_date=date(1975, 3, 12), kind="titular", relationship="titular", plan_id=plan.id,
                             adhesion_date=date(2020, 1, 1), status="ativo")
        session.add(person)
        session.flush()
        return person.id


def test_email_carries_the_context_the_agent_needs(db):
    decision = make_decision(
        inbox="medico.online@medis.pt",
        tier="teleconsulta",
        rule="teleconsulta_cobranca_cancelada_multipla",
        reason="categoria tele_cobranca_cancelada e o texto diz 'duas vezes'",
        tips=("Experimente ajustar o zoom do telemóvel.",),
        flags=("verificar se o valor ficou apenas cativo ou se é necessário reembolso",),
    )
    context = {
        "conversa": "5531999990000",
        "canal": "whatsapp",
        "identificado": True,
        "beneficiario": "Maria Aparecida Souza",
        "opcoes_pedidas": ["teleconsulta", "tele_cobranca_cancelada"],
        "dados_coletados": {"nome": "Maria Souza", "nif": "123456789", "documento": "529.982.247-25"},
        "transcricao": ["Beneficiário: cobraram duas vezes a consulta cancelada", "Bot: Qual é o seu NIF?"],
        "transferencia": "fora_do_horario",
    }
    ticket = _open(db, decision, category="tele_cobranca_cancelada", context=context,
                   summary="cobraram duas vezes a consulta cancelada, meu cpf 52998224725",
                   beneficiary_id=_beneficiary(db), now=datetime(2026, 11, 25, 10, 0, tzinfo=SP))
    [row] = _outbox(db)
    assert row.subject == f"[{ticket.protocol}] Teleconsulta: consulta cancelada cobrada"
    assert row.to_address == "medico.online@medis.pt" and row.cc_addresses == []
    assert row.message_id == message_id_for(ticket.protocol, "medico.online@medis.pt")
    body = row.body
    for expected in (
        f"Protocolo: {ticket.protocol}",
        "Aberto em: 25/11/2026 10:00",
        # The desk answers from Portugal: 1 December (Restauração da Independência) is not a working day there.
        "Prazo de resposta: até 07/12/2026 (7 dias úteis; feriados de Portugal excluídos)",
        "Canal: WhatsApp",
        "Conversa: 5531999990000",
        "Nome: Maria Aparecida Souza",
        "CPF: ***.982.247-**",
        "Carteirinha: 4175 **** **** 1004",
        "NIF: 123456789",
        "Identificado no bot: sim",
        "Regra: teleconsulta_cobranca_cancelada_multipla",
        "Motivo: categoria tele_cobranca_cancelada e o texto diz 'duas vezes'",
        "- verificar se o valor ficou apenas cativo ou se é necessário reembolso",
        "== Dicas já dadas ao beneficiário\n- Experimente ajustar o zoom do telemóvel.",
        "teleconsulta, tele_cobranca_cancelada",
        "- documento: ***.982.247-**",
        "cobraram duas vezes a consulta cancelada, meu cpf ***.982.247-**",
        "Bot: Qual é o seu NIF?",
        "- transferencia: fora_do_horario",
    ):
        assert expected in body, expected
    # Personal documents never travel in full.
    assert "52998224725" not in body and "529.982.247-25" not in body and "4175050000001004" not in body


def test_a_call_ticket_email_gives_the_number_to_call_back(db):
    # u21: a phone ticket's e-mail named the call's id only; the inbox had no number to return the call on.
    _open(db, context={"conversa": "ura:CA42", "telefone": "+5531988887777"})
    [row] = _outbox(db)
    assert "Telefone para retorno: (31) 98888-7777" in row.body


def test_copies_of_a_normal_ticket_go_on_the_same_email(db):
    decision = make_decision(inbox="rute.joao.externo@ageas.pt", cc=("clinicadigital@saude360.medis.pt",),
                             tier="teleconsulta", rule="teleconsulta_faturas")
    _open(db, decision, category="tele_faturas", summary="Preciso da fatura da consulta de outubro")
    [row] = _outbox(db)
    assert row.to_address == "rute.joao.externo@ageas.pt"
    assert row.cc_addresses == ["clinicadigital@saude360.medis.pt"]
    assert row.clinical_content is True
    assert "Preciso da fatura da consulta de outubro" in row.body


def test_confidential_ticket_keeps_clinical_text_in_the_clinical_inbox(db):
    clinical = "O médico receitou um antibiótico e tive uma reação alérgica grave"
    decision = make_decision(
        inbox="areaclinica@saude360.medis.pt",
        cc=("clinicadigital@saude360.medis.pt", "supervisao@medis.pt"),
        tier="teleconsulta",
        rule="teleconsulta_clinica",
        reason="categoria tele_clinica: 'reação alérgica' ao 'antibiótico'",
        flags=("Questão clínica: só profissionais clínicos podem ler e responder.",),
        confidential=True,
    )
    context = {
        "dados_coletados": {"nome": "Ana Costa", "nif": "123456789", "sintomas": "urticária"},
        "transcricao": [f"Beneficiário: {clinical}"],
    }
    _open(db, decision, category="tele_clinica", summary=clinical, context=context)
    clinical_row, restricted = _outbox(db)
    assert (clinical_row.to_address, clinical_row.cc_addresses, clinical_row.clinical_content) == (
        "areaclinica@saude360.medis.pt", [], True)
    assert clinical in clinical_row.body and "urticária" in clinical_row.body
    assert (restricted.to_address, restricted.cc_addresses, restricted.clinical_content) == (
        "clinicadigital@saude360.medis.pt", ["supervisao@medis.pt"], False)
    assert RESTRICTED_NOTICE.capitalize() in restricted.body
    for secret in ("antibiótico", "alérgica", "urticária", "123456789"):
        assert secret not in restricted.body
        assert secret not in restricted.subject
    assert "Nome: Ana Costa" in restricted.body and "NIF: ******789" in restricted.body
    assert restricted.message_id != clinical_row.message_id


def test_confidential_ticket_without_copies_has_one_email(db):
    decision = make_decision(inbox="areaclinica@saude360.medis.pt", tier="teleconsulta", rule="teleconsulta_clinica",
                             confidential=True)
    _open(db, decision, category="tele_clinica", summary="dúvida sobre o atestado")
    assert [r.to_address for r in _outbox(db)] == ["areaclinica@saude360.medis.pt"]


def test_ombudsman_subject_names_the_kind_and_links_the_first_protocol(db):
    first = _open(db)
    decision = make_decision(inbox="ouvidoria@cemigsaude.org.br", tier="ouvidoria", rule="ouvidoria_com_protocolo")
    ticket = _open(db, decision, category="ouvidoria", kind="ouvidoria", related_protocol=first.protocol,
                   context={"tipo_manifestacao": "reclamação"}, summary="Não responderam no prazo")
    row = _outbox(db)[-1]
    assert row.subject == f"[{ticket.protocol}] Ouvidoria: reclamação"
    assert f"Protocolo relacionado (primeira instância): {first.protocol}" in row.body
    assert ticket.related_protocol == first.protocol
    assert ticket.context_json["decision"]["rule"] == "ouvidoria_com_protocolo"


def test_a_teleconsultation_request_that_adds_to_an_earlier_one_names_it_in_the_email(db):
    decision = make_decision(inbox="medico.online@medis.pt", tier="teleconsulta", rule="teleconsulta_tecnologia")
    first = _open(db, decision, category="tele_tecnologia", summary="a videochamada caiu")
    _open(db, decision, category="tele_tecnologia", related_protocol=first.protocol, summary="caiu outra vez")
    assert f"Protocolo relacionado (complemento do pedido): {first.protocol}" in _outbox(db)[-1].body


def test_naive_now_is_refused(db):
    with pytest.raises(ValueError):
        _open(db, now=datetime(2026, 11, 25, 10, 0))


def test_created_at_is_stored_in_utc(db):
    ticket = _open(db, now=datetime(2026, 11, 25, 10, 0, tzinfo=SP))
    with session_scope(db.session_factory) as session:
        stored = session.get(Ticket, ticket.id)
        assert stored.created_at == datetime(2026, 11, 25, 13, 0, tzinfo=timezone.utc)
