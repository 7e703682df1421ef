"""ORM models of the plan database (SQLAlchemy 1.4 declarative, used 2.0 style).

Enumerated columns are plain strings guarded by CHECK constraints rather than
native enums: the values are Portuguese words that the importer and the bot
share, and a CHECK is portable between SQLite and PostgreSQL and cheap to
change in a migration.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    orm,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names let migrations drop or alter constraints by name on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)

ACCOMMODATIONS = ("apartamento", "enfermaria")
BENEFICIARY_KINDS = ("titular", "dependente_direto", "dependente_especial")
BENEFICIARY_STATUSES = ("ativo", "suspenso", "cancelado")
RELATIONSHIPS = (
    "titular",
    "conjuge",
    "companheiro",
    "ex_conjuge",
    "filho",
    "filha",
    "enteado",
    "enteada",
    "menor_sob_guarda",
    "pai",
    "mae",
    "irmao",
    "irma",
    "neto",
    "neta",
    "avo",
    "sobrinho",
    "sobrinha",
    "tio",
    "tia",
    "genro",
    "nora",
    "sogro",
    "sogra",
    "outro",
)
REIMBURSEMENT_STATUSES = ("em_analise", "pendente_documentos", "aprovado", "pago", "negado")
AUTHORIZATION_STATUSES = ("em_analise", "autorizada", "negada", "cancelada")
INVOICE_STATUSES = ("aberto", "pago", "cancelado")
UTILIZATION_CATEGORIES = (
    "consulta",
    "exame",
    "terapia",
    "internacao",
    "internacao_psiquiatrica",
    "pronto_atendimento_online",
    "quimioterapia",
    "radioterapia",
    "hemodialise",
    "transplante",
    "conexao_saude",
    "outro",
)
# Art. 82, §4º: these never bear co-payment.
COPAY_EXEMPT_CATEGORIES = (
    "conexao_saude",
    "pronto_atendimento_online",
    "quimioterapia",
    "radioterapia",
    "hemodialise",
    "transplante",
)
# The life of a ticket in the agents' console (issue 10), in order.
TICKET_STATUSES = ("aberto", "em_atendimento", "aguardando_beneficiario", "resolvido", "encerrado")
# The statuses of a ticket someone still has to answer or act on.
OPEN_TICKET_STATUSES = TICKET_STATUSES[:3]
# What an agent (or the bot, agent_id NULL) did to a ticket; see TicketEvent.
TICKET_EVENT_KINDS = (
    "atribuicao",
    "liberacao",
    "resposta",
    "nota",
    "transferencia",
    "devolucao_ao_bot",
    "status",
    "aviso_espera",
    "pausa_do_bot",
    "mensagem_do_beneficiario",
)
DELIVERY_STATUSES = ("pendente", "enviada", "falhou")
# "teleconsulta": the teleconsultation desk's inboxes (004_440bb7f2301d6e8b.txt), added in revision 0002.
TICKET_TIERS = ("primeira_instancia", "ouvidoria", "teleconsulta")
OUTBOX_STATUSES = ("pendente", "enviado", "falhou")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite has no time zone type and returns naive values; normalising here
    keeps ``created_at`` comparable to ``datetime.now(timezone.utc)`` on both
    backends.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: D102 - SQLAlchemy hook
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(timezone.utc)
        # SQLite would store the offset text verbatim; a naive UTC value sorts correctly as text.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):  # noqa: D102 - SQLAlchemy hook
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Money(TypeDecorator):
    """A NUMERIC amount of reais that always comes back as a ``Decimal`` with the column's scale.

    PostgreSQL returns ``Decimal`` natively. SQLite keeps NUMERIC as a float;
    reading it as float and quantizing here gives exact cents for any amount
    the plan handles (well inside a double's 15 significant digits) without
    SQLAlchemy's lossy-Decimal warning on every query.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 12, scale: int = 2):
        super().__init__(precision=precision, scale=scale)
        # Kept on the instance so SQLAlchemy's statement cache tells Money(10, 2) from Money(12, 2).
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect):  # noqa: D102 - SQLAlchemy hook
        asdecimal = dialect.name != "sqlite"
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=asdecimal))

    def process_result_value(self, value, dialect):  # noqa: D102 - SQLAlchemy hook
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-self.scale))


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


class Plan(Base):
    """A health plan product offered by the operator."""

    __tablename__ = "plans"
    __table_args__ = (CheckConstraint(_in("accommodation", ACCOMMODATIONS), name="accommodation"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(40), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    ans_registration = Column(String(20), nullable=False)
    accommodation = Column(String(20), nullable=False)
    coverage = Column(Text, nullable=False, default="")
    base_price = Column(Money(10, 2), nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    age_bands = orm.relationship(
        "PlanAgeBand",
        back_populates="plan",
        order_by="PlanAgeBand.min_age",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def __repr__(self) -> str:
        return f"Plan(code={self.code!r})"


class PlanAgeBand(Base):
    """Monthly contribution of one age band of a plan (Art. 40)."""

    __tablename__ = "plan_age_bands"
    __table_args__ = (
        UniqueConstraint("plan_id", "min_age"),
        CheckConstraint("min_age >= 0", name="min_age"),
        CheckConstraint("max_age IS NULL OR max_age >= min_age", name="max_age"),
        CheckConstraint("price >= 0", name="price"),
    )

    id = Column(Integer, primary_key=True)
    plan_id = Column(Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    min_age = Column(Integer, nullable=False)
    max_age = Column(Integer, nullable=True)
    price = Column(Money(10, 2), nullable=False)

    plan = orm.relationship("Plan", back_populates="age_bands")

    def __repr__(self) -> str:
        return f"PlanAgeBand(plan_id={self.plan_id}, {self.min_age}-{self.max_age})"


class Beneficiary(Base):
    """A person enrolled in a plan: a titular or one of the titular's dependants."""

    __tablename__ = "beneficiaries"
    __table_args__ = (
        CheckConstraint(_in("kind", BENEFICIARY_KINDS), name="kind"),
        CheckConstraint(_in("status", BENEFICIARY_STATUSES), name="status"),
        CheckConstraint(_in("relationship", RELATIONSHIPS), name="relationship"),
        CheckConstraint("length(card_number) = 16", name="card_number_length"),
        CheckConstraint("cpf IS NULL OR length(cpf) = 11", name="cpf_length"),
        # A titular stands alone; every dependant hangs from a titular.
        CheckConstraint(
            "(kind = 'titular' AND titular_id IS NULL) OR (kind <> 'titular' AND titular_id IS NOT NULL)",
            name="titular_link",
        ),
        Index("ix_beneficiaries_titular_id", "titular_id"),
        Index("ix_beneficiaries_plan_id", "plan_id"),
        Index("ix_beneficiaries_name", "name"),
    )

    id = Column(Integer, primary_key=True)
    card_number = Column(String(16), nullable=False, unique=True)
    cpf = Column(String(11), nullable=True, unique=True)
    name = Column(String(160), nullable=False)
    birth_date = Column(Date, nullable=False)
    kind = Column(String(30), nullable=False)
    relationship = Column(String(30), nullable=False)
    titular_id = Column(Integer, ForeignKey("beneficiaries.id", ondelete="RESTRICT"), nullable=True)
    guardian_name = Column(String(160), nullable=True)
    guardian_cpf = Column(String(11), nullable=True)
    plan_id = Column(Integer, ForeignKey("plans.id", ondelete="RESTRICT"), nullable=False)
    adhesion_date = Column(Date, nullable=False)
    status = Column(String(20), nullable=False, default="ativo")
    email = Column(String(200), nullable=True)
    phone = Column(String(20), nullable=True)

    plan = orm.relationship("Plan", lazy="joined")
    titular = orm.relationship("Beneficiary", remote_side=[id], back_populates="dependants")
    dependants = orm.relationship("Beneficiary", back_populates="titular")

    def __repr__(self) -> str:
        return f"Beneficiary(id={self.id}, card_number={self.card_number!r}, kind={self.kind!r})"


class Reimbursement(Base):
    """A reimbursement request for urgent or emergency care outside the network (Art. 71-72)."""

    __tablename__ = "reimbursements"
    __table_args__ = (
        CheckConstraint(_in("status", REIMBURSEMENT_STATUSES), name="status"),
        CheckConstraint("amount_requested >= 0", name="amount_requested"),
        CheckConstraint("amount_approved IS NULL OR amount_approved >= 0", name="amount_approved"),
        Index("ix_reimbursements_beneficiary_id_requested_on", "beneficiary_id", "requested_on"),
        Index("ix_reimbursements_status", "status"),
    )

    id = Column(Integer, primary_key=True)
    protocol = Column(String(30), nullable=False, unique=True)
    beneficiary_id = Column(Integer, ForeignKey("beneficiaries.id", ondelete="CASCADE"), nullable=False)
    requested_on = Column(Date, nullable=False)
    service_date = Column(Date, nullable=False)
    service_description = Column(Text, nullable=False)
    status = Column(String(30), nullable=False)
    amount_requested = Column(Money(), nullable=False)
    amount_approved = Column(Money(), nullable=True)
    documents_complete_on = Column(Date, nullable=True)
    pending_documents = Column(Text, nullable=True)
    paid_on = Column(Date, nullable=True)
    denial_reason = Column(Text, nullable=True)

    beneficiary = orm.relationship("Beneficiary")


class Authorization(Base):
    """A prior authorization request for a procedure (Art. 77, 89-90)."""

    __tablename__ = "authorizations"
    __table_args__ = (
        CheckConstraint(_in("status", AUTHORIZATION_STATUSES), name="status"),
        Index("ix_authorizations_beneficiary_id_requested_on", "beneficiary_id", "requested_on"),
        Index("ix_authorizations_protocol", "protocol"),
        Index("ix_authorizations_status", "status"),
    )

    id = Column(Integer, primary_key=True)
    guide_number = Column(String(30), nullable=False, unique=True)
    protocol = Column(String(30), nullable=False)
    beneficiary_id = Column(Integer, ForeignKey("beneficiaries.id", ondelete="CASCADE"), nullable=False)
    procedure_code = Column(String(20), nullable=False)
    procedure_name = Column(String(200), nullable=False)
    requested_on = Column(Date, nullable=False)
    decided_on = Column(Date, nullable=True)
    status = Column(String(20), nullable=False)
    denial_reason = Column(Text, nullable=True)
    urgency = Column(Boolean, nullable=False, default=False)
    high_complexity = Column(Boolean, nullable=False, default=False)

    beneficiary = orm.relationship("Beneficiary")


class Invoice(Base):
    """A monthly bill of contributions and co-payments, addressed to the financially responsible person."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("beneficiary_id", "competence"),
        CheckConstraint(_in("status", INVOICE_STATUSES), name="status"),
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("payroll_deducted >= 0 AND payroll_deducted <= amount", name="payroll_deducted"),
        CheckConstraint("digitable_line IS NULL OR length(digitable_line) = 47", name="digitable_line"),
        Index("ix_invoices_status_due_date", "status", "due_date"),
    )

    id = Column(Integer, primary_key=True)
    beneficiary_id = Column(Integer, ForeignKey("beneficiaries.id", ondelete="CASCADE"), nullable=False)
    competence = Column(Date, nullable=False)
    due_date = Column(Date, nullable=False)
    amount = Column(Money(), nullable=False)
    payroll_deducted = Column(Money(), nullable=False, default=0)
    status = Column(String(20), nullable=False)
    paid_on = Column(Date, nullable=True)
    paid_amount = Column(Money(), nullable=True)
    # Null when the whole amount was deducted from the Forluz payroll (Art. 34, §1º) and no slip exists.
    digitable_line = Column(String(47), nullable=True)

    beneficiary = orm.relationship("Beneficiary")


class UtilizationEvent(Base):
    """One use of the plan: a consultation, exam, therapy session, hospital day..."""

    __tablename__ = "utilization_events"
    __table_args__ = (
        # Explicit name: the generated one would pass PostgreSQL's 63-character limit.
        UniqueConstraint(
            "beneficiary_id",
            "event_date",
            "provider",
            "procedure_code",
            name="uq_utilization_events_natural_key",
        ),
        CheckConstraint(_in("category", UTILIZATION_CATEGORIES), name="category"),
        CheckConstraint("amount_total >= 0", name="amount_total"),
        CheckConstraint("copay_amount >= 0 AND copay_amount <= amount_total", name="copay_amount"),
        CheckConstraint(
            "hospitalization_day IS NULL OR hospitalization_day >= 1", name="hospitalization_day"
        ),
        Index("ix_utilization_events_beneficiary_id_event_date", "beneficiary_id", "event_date"),
    )

    id = Column(Integer, primary_key=True)
    beneficiary_id = Column(Integer, ForeignKey("beneficiaries.id", ondelete="CASCADE"), nullable=False)
    event_date = Column(Date, nullable=False)
    provider = Column(String(200), nullable=False)
    procedure_code = Column(String(20), nullable=False)
    description = Column(String(300), nullable=False)
    category = Column(String(40), nullable=False)
    amount_total = Column(Money(), nullable=False)
    copay_amount = Column(Money(), nullable=False, default=0)
    copay_exempt_reason = Column(Text, nullable=True)
    hospitalization_day = Column(Integer, nullable=True)

    beneficiary = orm.relationship("Beneficiary")


class TaxStatement(Base):
    """What a beneficiary paid in one calendar year, for the income tax return."""

    __tablename__ = "tax_statements"
    __table_args__ = (
        UniqueConstraint("beneficiary_id", "year"),
        CheckConstraint("contributions_paid >= 0 AND copay_paid >= 0", name="amounts"),
    )

    id = Column(Integer, primary_key=True)
    beneficiary_id = Column(Integer, ForeignKey("beneficiaries.id", ondelete="CASCADE"), nullable=False)
    year = Column(Integer, nullable=False)
    contributions_paid = Column(Money(), nullable=False)
    copay_paid = Column(Money(), nullable=False)

    beneficiary = orm.relationship("Beneficiary")


class Ticket(Base):
    """A service request opened by the bot or handed to a person, with its protocol number."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in("status", TICKET_STATUSES), name="status"),
        CheckConstraint(_in("tier", TICKET_TIERS), name="tier"),
        Index("ix_tickets_beneficiary_id", "beneficiary_id"),
        Index("ix_tickets_status_created_at", "status", "created_at"),
        Index("ix_tickets_related_protocol", "related_protocol"),
    )

    id = Column(Integer, primary_key=True)
    protocol = Column(String(30), nullable=False, unique=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utc_now)
    channel = Column(String(30), nullable=False)
    category = Column(String(60), nullable=False)
    status = Column(String(20), nullable=False, default="aberto")
    tier = Column(String(30), nullable=False, default="primeira_instancia")
    beneficiary_id = Column(Integer, ForeignKey("beneficiaries.id", ondelete="SET NULL"), nullable=True)
    inbox = Column(String(120), nullable=True)
    summary = Column(Text, nullable=False)
    context_json = Column(JSON, nullable=True)
    due_date = Column(Date, nullable=True)
    related_protocol = Column(String(30), nullable=True)
    # Console (issue 10, revision 0004): who works it, and the text the beneficiary got when it was closed.
    assigned_agent_id = Column(Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    resolution = Column(Text, nullable=True)
    updated_at = Column(UTCDateTime(), nullable=True)

    beneficiary = orm.relationship("Beneficiary")
    assigned_agent = orm.relationship("Agent")



class OutboxMessage(Base):
    """One e-mail to deliver for a ticket (transactional outbox, routing/outbox.py).

    Written in the same transaction as its ticket, so a ticket never exists without its e-mail and an SMTP
    outage loses nothing. ``message_id`` is deterministic per ticket and recipient and is sent as the
    ``Message-ID`` header. A row is claimed by a worker (``claimed_by``/``claimed_at``) before sending;
    ``sending_at`` marks that the SMTP transaction has begun, which tells a crashed send (maybe delivered)
    from a claim that never reached the server.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_ticket_id", "ticket_id"),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    message_id = Column(String(255), nullable=False, unique=True)
    to_address = Column(String(254), nullable=False)
    cc_addresses = Column(JSON, nullable=False, default=list)
    subject = Column(String(300), nullable=False)
    body = Column(Text, nullable=False)
    # False for the copy of a confidential ticket that goes to non-clinical recipients without the clinical text.
    clinical_content = Column(Boolean, nullable=False, default=True)
    status = Column(String(20), nullable=False, default="pendente")
    attempts = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime(), nullable=False, default=utc_now)
    next_attempt_at = Column(UTCDateTime(), nullable=False, default=utc_now)
    last_error = Column(Text, nullable=True)
    sent_at = Column(UTCDateTime(), nullable=True)
    claimed_by = Column(String(64), nullable=True)
    claimed_at = Column(UTCDateTime(), nullable=True)
    sending_at = Column(UTCDateTime(), nullable=True)

    ticket = orm.relationship("Ticket")

    def __repr__(self) -> str:
        return f"OutboxMessage(id={self.id}, ticket_id={self.ticket_id}, status={self.status!r})"


class IdentificationGuard(Base):
    """Failed identification guesses of one CPF/card or one sender, across conversations (bot/regulation/bloqueio).

    ``subject`` is ``documento:<sha256 of the digits>`` or ``remetente:<sha256 of the conversation id>``: the
    table holds no CPF, card number or phone number in the clear.
    """

    __tablename__ = "identification_guards"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures"),)

    id = Column(Integer, primary_key=True)
    subject = Column(String(80), nullable=False, unique=True)
    failures = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime(), nullable=True)
    updated_at = Column(UTCDateTime(), nullable=False, default=utc_now)


class Agent(Base):
    """A person who answers escalated tickets in the console (painel/).

    ``inboxes`` are keys of ``routing/rules.yaml``; ``clinical`` lets the agent see the confidential inbox;
    ``admin`` lets the agent read the access log. The password is stored as a scrypt hash (painel/contas.py).
    """

    __tablename__ = "agents"
    __table_args__ = (CheckConstraint("failed_logins >= 0", name="failed_logins"),)

    id = Column(Integer, primary_key=True)
    login = Column(String(60), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    password_hash = Column(String(255), nullable=False)
    inboxes = Column(JSON, nullable=False, default=list)
    clinical = Column(Boolean, nullable=False, default=False)
    admin = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime(), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utc_now)


class AgentSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "agent_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    csrf_token = Column(String(64), nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utc_now)
    expires_at = Column(UTCDateTime(), nullable=False)

    agent = orm.relationship("Agent")


class TicketEvent(Base):
    """One entry of a ticket's history: who (NULL for the system), when, what.

    A ``resposta`` is a message to the beneficiary and carries its delivery (``delivery_status``,
    ``delivery_error``, ``attempts``); ``public`` marks what the beneficiary may read back (replies, status
    changes and the resolution), never internal notes.
    """

    __tablename__ = "ticket_events"
    __table_args__ = (
        CheckConstraint(_in("kind", TICKET_EVENT_KINDS), name="kind"),
        Index("ix_ticket_events_ticket_id_at", "ticket_id", "at"),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    at = Column(UTCDateTime(), nullable=False, default=utc_now)
    kind = Column(String(30), nullable=False)
    text = Column(Text, nullable=True)
    old_value = Column(String(120), nullable=True)
    new_value = Column(String(120), nullable=True)
    public = Column(Boolean, nullable=False, default=False)
    delivery_status = Column(String(20), nullable=True)
    delivery_error = Column(Text, nullable=True)
    attempts = Column(Integer, nullable=False, default=0)

    agent = orm.relationship("Agent")


class TicketAccess(Base):
    """Who opened which ticket's page and when (LGPD; regulation Art. 17 §2 on confidential data)."""

    __tablename__ = "ticket_access_log"
    __table_args__ = (Index("ix_ticket_access_log_at", "at"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    at = Column(UTCDateTime(), nullable=False, default=utc_now)

    agent = orm.relationship("Agent")
    ticket = orm.relationship("Ticket")


ALL_TABLES = tuple(metadata.sorted_tables)
