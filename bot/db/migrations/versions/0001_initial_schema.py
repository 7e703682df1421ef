"""Initial schema: plans, beneficiaries, requests, billing, utilization, tickets.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 10:16:43.959235
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the allowed values at this revision; later revisions change them explicitly.
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


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("ans_registration", sa.String(length=20), nullable=False),
        sa.Column("accommodation", sa.String(length=20), nullable=False),
        sa.Column("coverage", sa.Text(), nullable=False),
        sa.Column("base_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "accommodation IN ('apartamento', 'enfermaria')", name=op.f("ck_plans_accommodation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_code")),
    )
    op.create_table(
        "beneficiaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_number", sa.String(length=16), nullable=False),
        sa.Column("cpf", sa.String(length=11), nullable=True),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("relationship", sa.String(length=30), nullable=False),
        sa.Column("titular_id", sa.Integer(), nullable=True),
        sa.Column("guardian_name", sa.String(length=160), nullable=True),
        sa.Column("guardian_cpf", sa.String(length=11), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("adhesion_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "(kind = 'titular' AND titular_id IS NULL) OR (kind <> 'titular' AND titular_id IS NOT NULL)",
            name=op.f("ck_beneficiaries_titular_link"),
        ),
        sa.CheckConstraint(
            "kind IN ('titular', 'dependente_direto', 'dependente_especial')",
            name=op.f("ck_beneficiaries_kind"),
        ),
        sa.CheckConstraint(
            _in("relationship", RELATIONSHIPS),
            name=op.f("ck_beneficiaries_relationship"),
        ),
        sa.CheckConstraint(
            "status IN ('ativo', 'suspenso', 'cancelado')", name=op.f("ck_beneficiaries_status")
        ),
        sa.CheckConstraint("cpf IS NULL OR length(cpf) = 11", name=op.f("ck_beneficiaries_cpf_length")),
        sa.CheckConstraint("length(card_number) = 16", name=op.f("ck_beneficiaries_card_number_length")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_beneficiaries_plan_id_plans"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["titular_id"],
            ["beneficiaries.id"],
            name=op.f("fk_beneficiaries_titular_id_beneficiaries"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiaries")),
        sa.UniqueConstraint("card_number", name=op.f("uq_beneficiaries_card_number")),
        sa.UniqueConstraint("cpf", name=op.f("uq_beneficiaries_cpf")),
    )
    with op.batch_alter_table("beneficiaries", schema=None) as batch_op:
        batch_op.create_index("ix_beneficiaries_name", ["name"], unique=False)
        batch_op.create_index("ix_beneficiaries_plan_id", ["plan_id"], unique=False)
        batch_op.create_index("ix_beneficiaries_titular_id", ["titular_id"], unique=False)

    op.create_table(
        "plan_age_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint("max_age IS NULL OR max_age >= min_age", name=op.f("ck_plan_age_bands_max_age")),
        sa.CheckConstraint("min_age >= 0", name=op.f("ck_plan_age_bands_min_age")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_plan_age_bands_price")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_age_bands_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_age_bands")),
        sa.UniqueConstraint("plan_id", "min_age", name=op.f("uq_plan_age_bands_plan_id_min_age")),
    )
    op.create_table(
        "authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_number", sa.String(length=30), nullable=False),
        sa.Column("protocol", sa.String(length=30), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("procedure_code", sa.String(length=20), nullable=False),
        sa.Column("procedure_name", sa.String(length=200), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("denial_reason", sa.Text(), nullable=True),
        sa.Column("urgency", sa.Boolean(), nullable=False),
        sa.Column("high_complexity", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "status IN ('em_analise', 'autorizada', 'negada', 'cancelada')",
            name=op.f("ck_authorizations_status"),
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_authorizations_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorizations")),
        sa.UniqueConstraint("guide_number", name=op.f("uq_authorizations_guide_number")),
    )
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_authorizations_beneficiary_id_requested_on", ["beneficiary_id", "requested_on"], unique=False
        )
        batch_op.create_index("ix_authorizations_protocol", ["protocol"], unique=False)
        batch_op.create_index("ix_authorizations_status", ["status"], unique=False)

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("competence", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("payroll_deducted", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("digitable_line", sa.String(length=47), nullable=True),
        sa.CheckConstraint("status IN ('aberto', 'pago', 'cancelado')", name=op.f("ck_invoices_status")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_invoices_amount")),
        sa.CheckConstraint(
            "digitable_line IS NULL OR length(digitable_line) = 47", name=op.f("ck_invoices_digitable_line")
        ),
        sa.CheckConstraint(
            "payroll_deducted >= 0 AND payroll_deducted <= amount", name=op.f("ck_invoices_payroll_deducted")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_invoices_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "beneficiary_id", "competence", name=op.f("uq_invoices_beneficiary_id_competence")
        ),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_status_due_date", ["status", "due_date"], unique=False)

    op.create_table(
        "reimbursements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol", sa.String(length=30), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("service_description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("amount_requested", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("amount_approved", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("documents_complete_on", sa.Date(), nullable=True),
        sa.Column("pending_documents", sa.Text(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("denial_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('em_analise', 'pendente_documentos', 'aprovado', 'pago', 'negado')",
            name=op.f("ck_reimbursements_status"),
        ),
        sa.CheckConstraint(
            "amount_approved IS NULL OR amount_approved >= 0", name=op.f("ck_reimbursements_amount_approved")
        ),
        sa.CheckConstraint("amount_requested >= 0", name=op.f("ck_reimbursements_amount_requested")),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_reimbursements_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reimbursements")),
        sa.UniqueConstraint("protocol", name=op.f("uq_reimbursements_protocol")),
    )
    with op.batch_alter_table("reimbursements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reimbursements_beneficiary_id_requested_on", ["beneficiary_id", "requested_on"], unique=False
        )
        batch_op.create_index("ix_reimbursements_status", ["status"], unique=False)

    op.create_table(
        "tax_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("contributions_paid", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("copay_paid", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint(
            "contributions_paid >= 0 AND copay_paid >= 0", name=op.f("ck_tax_statements_amounts")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_tax_statements_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_statements")),
        sa.UniqueConstraint("beneficiary_id", "year", name=op.f("uq_tax_statements_beneficiary_id_year")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tier", sa.String(length=30), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=True),
        sa.Column("inbox", sa.String(length=120), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("context_json", sa.JSON(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("related_protocol", sa.String(length=30), nullable=True),
        sa.CheckConstraint(
            "status IN ('aberto', 'em_atendimento', 'encerrado')", name=op.f("ck_tickets_status")
        ),
        sa.CheckConstraint("tier IN ('primeira_instancia', 'ouvidoria')", name=op.f("ck_tickets_tier")),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_tickets_beneficiary_id_beneficiaries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("protocol", name=op.f("uq_tickets_protocol")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_beneficiary_id", ["beneficiary_id"], unique=False)
        batch_op.create_index("ix_tickets_related_protocol", ["related_protocol"], unique=False)
        batch_op.create_index("ix_tickets_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "utilization_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("procedure_code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("amount_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("copay_amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("copay_exempt_reason", sa.Text(), nullable=True),
        sa.Column("hospitalization_day", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            _in("category", UTILIZATION_CATEGORIES),
            name=op.f("ck_utilization_events_category"),
        ),
        sa.CheckConstraint("amount_total >= 0", name=op.f("ck_utilization_events_amount_total")),
        sa.CheckConstraint(
            "copay_amount >= 0 AND copay_amount <= amount_total",
            name=op.f("ck_utilization_events_copay_amount"),
        ),
        sa.CheckConstraint(
            "hospitalization_day IS NULL OR hospitalization_day >= 1",
            name=op.f("ck_utilization_events_hospitalization_day"),
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_utilization_events_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_utilization_events")),
        sa.UniqueConstraint(
            "beneficiary_id",
            "event_date",
            "provider",
            "procedure_code",
            name="uq_utilization_events_natural_key",
        ),
    )
    with op.batch_alter_table("utilization_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_utilization_events_beneficiary_id_event_date", ["beneficiary_id", "event_date"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("utilization_events", schema=None) as batch_op:
        batch_op.drop_index("ix_utilization_events_beneficiary_id_event_date")

    op.drop_table("utilization_events")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_status_created_at")
        batch_op.drop_index("ix_tickets_related_protocol")
        batch_op.drop_index("ix_tickets_beneficiary_id")

    op.drop_table("tickets")
    op.drop_table("tax_statements")
    with op.batch_alter_table("reimbursements", schema=None) as batch_op:
        batch_op.drop_index("ix_reimbursements_status")
        batch_op.drop_index("ix_reimbursements_beneficiary_id_requested_on")

    op.drop_table("reimbursements")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_status_due_date")

    op.drop_table("invoices")
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.drop_index("ix_authorizations_status")
        batch_op.drop_index("ix_authorizations_protocol")
        batch_op.drop_index("ix_authorizations_beneficiary_id_requested_on")

    op.drop_table("authorizations")
    op.drop_table("plan_age_bands")
    with op.batch_alter_table("beneficiaries", schema=None) as batch_op:
        batch_op.drop_index("ix_beneficiaries_titular_id")
        batch_op.drop_index("ix_beneficiaries_plan_id")
        batch_op.drop_index("ix_beneficiaries_name")

    op.drop_table("beneficiaries")
    op.drop_table("plans")
