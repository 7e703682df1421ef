"""Read and write helpers over the plan database, one small function per question.

Every function takes the session as the keyword argument ``session`` and
neither commits nor closes it: the caller's :func:`~bot.db.session.session_scope`
owns the unit of work. Results are ORM objects; with the project's session
factory they stay readable after the session ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import (
    OPEN_TICKET_STATUSES,
    Authorization,
    Beneficiary,
    IdentificationGuard,
    Invoice,
    Plan,
    Reimbursement,
    TaxStatement,
    Ticket,
    TicketEvent,
    UtilizationEvent,
    utc_now,
)
from bot.identifiers import normalize_digits
from bot.regulation.bloqueio import locked_until

# First six digits of every protocol number: the operator's ANS registration (41.750-5), as RN 395 asks.
PROTOCOL_PREFIX = "417505"


def find_beneficiary_by_cpf(cpf: str, *, session: Session) -> Beneficiary | None:
    """Find the beneficiary who holds a CPF.

    Args:
        cpf: The CPF, punctuation allowed.
        session: Open session.

    Returns:
        The beneficiary, or None when no one has that CPF.
    """
    digits = normalize_digits(cpf)
    if not digits:
        return None
    return session.execute(select(Beneficiary).where(Beneficiary.cpf == digits)).scalar_one_or_none()


def find_beneficiary_by_card(card: str, *, session: Session) -> Beneficiary | None:
    """Find the beneficiary of a card number.

    Args:
        card: The 16-digit card number, spaces allowed.
        session: Open session.

    Returns:
        The beneficiary, or None when the card is unknown.
    """
    digits = normalize_digits(card)
    if not digits:
        return None
    return session.execute(select(Beneficiary).where(Beneficiary.card_number == digits)).scalar_one_or_none()


def get_beneficiary(beneficiary_id: int, *, session: Session) -> Beneficiary | None:
    """Load a beneficiary by primary key.

    Args:
        beneficiary_id: The id.
        session: Open session.

    Returns:
        The beneficiary, or None.
    """
    return session.get(Beneficiary, beneficiary_id)


def list_family(titular_id: int, *, session: Session) -> list[Beneficiary]:
    """List a family: the titular first, then the dependants from the oldest to the youngest.

    Args:
        titular_id: Id of the titular.
        session: Open session.

    Returns:
        The family members; empty when the id is unknown.
    """
    titular_first = case((Beneficiary.id == titular_id, 0), else_=1)
    statement = (
        select(Beneficiary)
        .where(or_(Beneficiary.id == titular_id, Beneficiary.titular_id == titular_id))
        .order_by(titular_first, Beneficiary.birth_date, Beneficiary.id)
    )
    return list(session.execute(statement).scalars())


def family_titular_id(beneficiary: Beneficiary) -> int:
    """Return the id of the titular of a beneficiary's family (the beneficiary's own id for a titular).

    Args:
        beneficiary: Any family member.

    Returns:
        The titular's id.
    """
    return beneficiary.titular_id if beneficiary.titular_id is not None else beneficiary.id


def _ids(beneficiary_ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(beneficiary_ids))


def list_reimbursements(
    beneficiary_ids: Iterable[int], *, session: Session, statuses: Sequence[str] | None = None
) -> list[Reimbursement]:
    """List reimbursement requests of some beneficiaries, newest first.

    Args:
        beneficiary_ids: Whose requests.
        session: Open session.
        statuses: Only these statuses, when given.

    Returns:
        The requests ordered by request date (descending).
    """
    statement = select(Reimbursement).where(Reimbursement.beneficiary_id.in_(_ids(beneficiary_ids)))
    if statuses:
        statement = statement.where(Reimbursement.status.in_(list(statuses)))
    statement = statement.order_by(Reimbursement.requested_on.desc(), Reimbursement.id.desc())
    return list(session.execute(statement).scalars())


def find_reimbursement_by_protocol(protocol: str, *, session: Session) -> Reimbursement | None:
    """Find a reimbursement request by its protocol number.

    Args:
        protocol: The protocol; non-digits are ignored.
        session: Open session.

    Returns:
        The request, or None.
    """
    digits = normalize_digits(protocol)
    if not digits:
        return None
    return session.execute(select(Reimbursement).where(Reimbursement.protocol == digits)).scalar_one_or_none()


def list_authorizations(
    beneficiary_ids: Iterable[int], *, session: Session, statuses: Sequence[str] | None = None
) -> list[Authorization]:
    """List prior-authorization requests of some beneficiaries, newest first.

    Args:
        beneficiary_ids: Whose requests.
        session: Open session.
        statuses: Only these statuses, when given.

    Returns:
        The authorizations ordered by request date (descending).
    """
    statement = select(Authorization).where(Authorization.beneficiary_id.in_(_ids(beneficiary_ids)))
    if statuses:
        statement = statement.where(Authorization.status.in_(list(statuses)))
    statement = statement.order_by(Authorization.requested_on.desc(), Authorization.id.desc())
    return list(session.execute(statement).scalars())


def find_authorization(number: str, *, session: Session) -> Authorization | None:
    """Find an authorization by guide number or, failing that, by protocol.

    Args:
        number: Guide number or protocol as the beneficiary typed it.
        session: Open session.

    Returns:
        The authorization (the latest one when a protocol covers several), or None.
    """
    digits = normalize_digits(number)
    if not digits:
        return None
    by_guide = session.execute(
        select(Authorization).where(Authorization.guide_number == digits)
    ).scalar_one_or_none()
    if by_guide is not None:
        return by_guide
    return (
        session.execute(
            select(Authorization)
            .where(Authorization.protocol == digits)
            .order_by(Authorization.requested_on.desc(), Authorization.id.desc())
        )
        .scalars()
        .first()
    )


def list_invoices(
    beneficiary_ids: Iterable[int], *, session: Session, statuses: Sequence[str] | None = None
) -> list[Invoice]:
    """List invoices addressed to some beneficiaries, latest competence first.

    Args:
        beneficiary_ids: The financially responsible people (titular, special dependants).
        session: Open session.
        statuses: Only these statuses, when given.

    Returns:
        The invoices ordered by competence (descending).
    """
    statement = select(Invoice).where(Invoice.beneficiary_id.in_(_ids(beneficiary_ids)))
    if statuses:
        statement = statement.where(Invoice.status.in_(list(statuses)))
    statement = statement.order_by(Invoice.competence.desc(), Invoice.id.desc())
    return list(session.execute(statement).scalars())


def list_overdue_invoices(beneficiary_ids: Iterable[int], today: date, *, session: Session) -> list[Invoice]:
    """List open invoices whose due date has passed, oldest first.

    Args:
        beneficiary_ids: The financially responsible people.
        today: Reference date.
        session: Open session.

    Returns:
        Open invoices due before ``today``.
    """
    statement = (
        select(Invoice)
        .where(
            Invoice.beneficiary_id.in_(_ids(beneficiary_ids)),
            Invoice.status == "aberto",
            Invoice.due_date < today,
        )
        .order_by(Invoice.due_date, Invoice.id)
    )
    return list(session.execute(statement).scalars())


def list_utilization(
    beneficiary_ids: Iterable[int], start: date, end: date, *, session: Session
) -> list[UtilizationEvent]:
    """List uses of the plan in a closed date interval, oldest first.

    Args:
        beneficiary_ids: Whose events.
        start: First day, inclusive.
        end: Last day, inclusive.
        session: Open session.

    Returns:
        The events ordered by date.
    """
    statement = (
        select(UtilizationEvent)
        .where(
            UtilizationEvent.beneficiary_id.in_(_ids(beneficiary_ids)),
            UtilizationEvent.event_date >= start,
            UtilizationEvent.event_date <= end,
        )
        .order_by(UtilizationEvent.event_date, UtilizationEvent.id)
    )
    return list(session.execute(statement).scalars())


def get_tax_statements(beneficiary_ids: Iterable[int], year: int, *, session: Session) -> list[TaxStatement]:
    """Return the income-tax figures of some beneficiaries for one year.

    Args:
        beneficiary_ids: Whose statements.
        year: Calendar year.
        session: Open session.

    Returns:
        One statement per beneficiary that has one, in the order of ``beneficiary_ids``.
    """
    ids = _ids(beneficiary_ids)
    statements = session.execute(
        select(TaxStatement).where(TaxStatement.beneficiary_id.in_(ids), TaxStatement.year == year)
    ).scalars()
    by_beneficiary = {statement.beneficiary_id: statement for statement in statements}
    return [by_beneficiary[i] for i in ids if i in by_beneficiary]


def tax_statement_years(beneficiary_ids: Iterable[int], *, session: Session) -> list[int]:
    """Return the calendar years with an income-tax statement for any of some beneficiaries, oldest first.

    Args:
        beneficiary_ids: Whose statements.
        session: Open session.
    """
    ids = _ids(beneficiary_ids)
    years = session.execute(
        select(TaxStatement.year).where(TaxStatement.beneficiary_id.in_(ids)).distinct().order_by(TaxStatement.year)
    ).scalars()
    return list(years)


def list_plans(*, session: Session, active_only: bool = True) -> list[Plan]:
    """List plans with their age bands.

    Args:
        session: Open session.
        active_only: Leave out plans no longer sold.

    Returns:
        The plans ordered by name.
    """
    statement = select(Plan).order_by(Plan.name, Plan.code)
    if active_only:
        statement = statement.where(Plan.active.is_(True))
    return list(session.execute(statement).scalars())


def find_plan_by_code(code: str, *, session: Session) -> Plan | None:
    """Find a plan by its code (``CLASSICO-APTO``...).

    Args:
        code: Plan code, case-insensitive.
        session: Open session.

    Returns:
        The plan, or None.
    """
    return session.execute(select(Plan).where(Plan.code == code.strip().upper())).scalar_one_or_none()


def next_protocol(day: date, *, session: Session) -> str:
    """Allocate the next service protocol number of a day.

    The format follows ANS RN 395: the operator's registration (``417505``),
    the date (``yyyymmdd``) and a 6-digit daily sequence.

    Args:
        day: Local date of the request.
        session: Open session.

    Returns:
        A 20-digit protocol not yet used by any ticket.
    """
    prefix = f"{PROTOCOL_PREFIX}{day:%Y%m%d}"
    last = session.execute(
        select(func.max(Ticket.protocol)).where(Ticket.protocol.like(f"{prefix}%"))
    ).scalar_one()
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def create_ticket(
    channel: str,
    category: str,
    summary: str,
    *,
    session: Session,
    beneficiary_id: int | None = None,
    tier: str = "primeira_instancia",
    inbox: str | None = None,
    context: dict | None = None,
    due_date: date | None = None,
    related_protocol: str | None = None,
    protocol: str | None = None,
    now: datetime | None = None,
    timezone: str = "America/Sao_Paulo",
) -> Ticket:
    """Open a ticket and give it a protocol number.

    Args:
        channel: Where the request came from (``whatsapp``, ``chat``, ``telefone``...).
        category: What it is about (``reembolso``, ``autorizacao``, ``financeiro``...).
        summary: Text for the attendant, in Portuguese.
        session: Open session; the ticket is flushed so its id and protocol are set.
        beneficiary_id: Identified beneficiary, when there is one.
        tier: ``primeira_instancia`` or ``ouvidoria`` (second instance).
        inbox: Destination inbox of the hand-off.
        context: Data collected before the hand-off, stored as JSON.
        due_date: Deadline promised to the beneficiary.
        related_protocol: Earlier protocol this one follows up (e.g. an Ombudsman appeal).
        protocol: Use this protocol instead of allocating one.
        now: Creation time (aware); the current time by default.
        timezone: Time zone whose calendar date goes into the protocol.

    Returns:
        The new ticket.
    """
    created_at = now or utc_now()
    if protocol is None:
        protocol = next_protocol(created_at.astimezone(ZoneInfo(timezone)).date(), session=session)
    ticket = Ticket(
        protocol=protocol,
        created_at=created_at,
        channel=channel,
        category=category,
        status="aberto",
        tier=tier,
        beneficiary_id=beneficiary_id,
        inbox=inbox,
        summary=summary,
        context_json=context,
        due_date=due_date,
        related_protocol=related_protocol,
    )
    session.add(ticket)
    session.flush()
    return ticket


def find_ticket_by_protocol(protocol: str, *, session: Session) -> Ticket | None:
    """Find a ticket by protocol number.

    Args:
        protocol: The protocol; non-digits are ignored.
        session: Open session.

    Returns:
        The ticket, or None.
    """
    digits = normalize_digits(protocol)
    if not digits:
        return None
    return session.execute(select(Ticket).where(Ticket.protocol == digits)).scalar_one_or_none()


def ticket_holding_conversation(conversation: str, *, session: Session) -> Ticket | None:
    """The open ticket a conversation waits on while a person has it.

    The one whose pause came last: a request for a person pauses the conversation when it is opened, an agent's
    reply in the console when it is written. Without either, the newest open ticket of the conversation. None
    when the conversation has no open ticket.

    Args:
        conversation: The conversation id the tickets recorded when opened (``context_json["conversa"]``).
        session: Open session.
    """
    tickets = session.execute(
        select(Ticket)
        .where(Ticket.status.in_(OPEN_TICKET_STATUSES), Ticket.context_json["conversa"].as_string() == conversation)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    ).scalars().all()
    if not tickets:
        return None
    replies = dict(session.execute(
        select(TicketEvent.ticket_id, func.max(TicketEvent.at))
        .where(TicketEvent.ticket_id.in_([t.id for t in tickets]), TicketEvent.kind == "pausa_do_bot")
        .group_by(TicketEvent.ticket_id)
    ).all())
    paused = [
        (when, ticket) for ticket in tickets
        if (when := max(filter(None, (replies.get(ticket.id),
                                      ticket.created_at if ticket.category == "falar_atendente" else None)),
                        default=None))
    ]
    return max(paused, key=lambda pair: pair[0])[1] if paused else tickets[0]


def withdraw_ticket(ticket: Ticket, reason: str, *, session: Session) -> TicketEvent:
    """Close a ticket its author no longer needs, before anyone took it, with a public entry in its history.

    The console shows it closed by the system (no agent), with what the person wrote as the resolution, so no
    agent calls back about a matter already solved.

    Args:
        ticket: An open ticket nobody is working on (status ``aberto``).
        reason: The person's own words, masked by the caller.
        session: Open session; the caller commits.

    Returns:
        The history entry added.
    """
    at = utc_now()
    event = TicketEvent(ticket_id=ticket.id, agent_id=None, at=at, kind="status", old_value=ticket.status,
                        new_value="encerrado", text=reason, public=True, attempts=0)
    ticket.status, ticket.resolution, ticket.updated_at = "encerrado", reason, at
    session.add(event)
    session.flush()
    return event


def add_beneficiary_note(ticket: Ticket, text: str, *, session: Session, kind: str = "nota") -> TicketEvent:
    """Add what the beneficiary said or did after a ticket was opened to its history, for the agent who works it.

    Args:
        ticket: The ticket.
        text: The person's words, masked by the caller.
        session: Open session; the caller commits.
        kind: The entry's kind: a note, or ``devolucao_ao_bot`` when the person went back to the assistant.

    Returns:
        The history entry (without an agent).
    """
    at = utc_now()
    event = TicketEvent(ticket_id=ticket.id, agent_id=None, at=at, kind=kind, text=text, public=False, attempts=0)
    ticket.updated_at = at
    session.add(event)
    session.flush()
    return event


def list_tickets(beneficiary_ids: Iterable[int], *, session: Session, limit: int = 5) -> list[Ticket]:
    """List the latest tickets of some beneficiaries, newest first.

    Args:
        beneficiary_ids: Whose tickets.
        session: Open session.
        limit: At most this many.
    """
    return list(
        session.execute(
            select(Ticket)
            .where(Ticket.beneficiary_id.in_(_ids(beneficiary_ids)))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(limit)
        ).scalars()
    )


def open_reanalyses(guide_numbers: Iterable[str], family_ids: Iterable[int], *, session: Session) -> dict[str, Ticket]:
    """The open reanalysis requests of some guides, by guide number (the latest one of each).

    A reanalysis is a ticket of category ``autorizacao`` whose context names the guide under ``reanalise``
    (actions/reanalise.py); anyone of the guide owner's family may have asked it, so the family is searched.

    Args:
        guide_numbers: The guides.
        family_ids: The family of the guides' owners (who may have opened the requests).
        session: Open session.
    """
    guides = set(guide_numbers)
    if not guides:
        return {}
    tickets = session.execute(
        select(Ticket)
        .where(
            Ticket.beneficiary_id.in_(_ids(family_ids)),
            Ticket.category == "autorizacao",
            Ticket.status.in_(OPEN_TICKET_STATUSES),
        )
        .order_by(Ticket.created_at.asc(), Ticket.id.asc())
    ).scalars()
    found: dict[str, Ticket] = {}
    for ticket in tickets:
        guide = ((ticket.context_json or {}).get("reanalise") or {}).get("guia")
        if guide in guides:
            found[guide] = ticket
    return found


def claim_conversation_tickets(
    conversation: str, beneficiary_id: int, *, session: Session, since: datetime
) -> list[Ticket]:
    """Give the tickets a conversation opened without an owner to the beneficiary who has just identified in it.

    A complaint registered before identifying could never be looked up by its author (a ticket of nobody reads as
    "not found"); identifying in the same conversation makes it theirs.

    Args:
        conversation: The conversation id the tickets recorded when opened (``context_json["conversa"]``).
        beneficiary_id: The beneficiary just identified.
        session: Open session.
        since: Only tickets opened from this moment on.

    Returns:
        The tickets claimed.
    """
    orphans = session.execute(
        select(Ticket).where(Ticket.beneficiary_id.is_(None), Ticket.created_at >= since)
    ).scalars()
    claimed = [t for t in orphans if (t.context_json or {}).get("conversa") == conversation]
    for ticket in claimed:
        ticket.beneficiary_id = beneficiary_id
    return claimed


# --- identification guards (issue 9, item 2; policy in bot/regulation/bloqueio.py) ---------------------------------


def guard_subjects(document: str, sender: str, beneficiary_id: int | None = None) -> list[str]:
    """The counters a guess is charged to: the CPF/card (hashed), the sender (hashed) and the member.

    The member's counter, when the document is a member's, makes their CPF and their card share one count.

    >>> [s.split(":")[0] for s in guard_subjects("529.982.247-25", "whatsapp:+5531999990000")]
    ['documento', 'remetente']
    >>> guard_subjects("529.982.247-25", "x")[0] == guard_subjects("52998224725", "y")[0]
    True
    >>> guard_subjects("529.982.247-25", "x", 7)[-1]
    'beneficiario:7'
    """
    digits = normalize_digits(document)
    subjects = [
        f"documento:{hashlib.sha256(digits.encode()).hexdigest()[:64]}",
        f"remetente:{hashlib.sha256(sender.encode()).hexdigest()[:64]}",
    ]
    if beneficiary_id is not None:
        subjects.append(f"beneficiario:{beneficiary_id}")
    return subjects


def active_lock(subjects: Iterable[str], now: datetime, *, session: Session) -> datetime | None:
    """When the latest lock over any of ``subjects`` ends, or None when none is in force at ``now``."""
    ends = session.scalars(
        select(IdentificationGuard.locked_until).where(
            IdentificationGuard.subject.in_(list(subjects)), IdentificationGuard.locked_until > now
        )
    ).all()
    return max(ends) if ends else None


def register_failure(subjects: Iterable[str], now: datetime, *, session: Session) -> datetime | None:
    """Count one failed guess for each subject; returns when a lock set by this failure ends, if one was set."""
    ends = []
    for subject in subjects:
        guard = session.scalars(select(IdentificationGuard).where(IdentificationGuard.subject == subject)).first()
        if guard is None:
            guard = IdentificationGuard(subject=subject, failures=0)
            session.add(guard)
        guard.failures = (guard.failures or 0) + 1
        guard.updated_at = now
        end = locked_until(guard.failures, now)
        if end is not None:
            guard.locked_until = end
            ends.append(end)
    session.flush()
    return max(ends) if ends else None


def clear_failures(subjects: Iterable[str], *, session: Session) -> None:
    """Forget the failed guesses of ``subjects`` (after a successful identification)."""
    session.execute(delete(IdentificationGuard).where(IdentificationGuard.subject.in_(list(subjects))))
