"""Agents' console (issue 10): agents, their sessions, ticket history, access log; the full ticket life cycle.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the allowed values at this revision.
STATUSES_BEFORE = ("aberto", "em_atendimento", "encerrado")
STATUSES_AFTER = ("aberto", "em_atendimento", "aguardando_beneficiario", "resolvido", "encerrado")
EVENT_KINDS = (
    "atribuicao",
    "liberacao",
    "resposta",
    "nota",
    "transferencia",
    "devolucao_ao_bot",
    "status",
    "aviso_espera",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("inboxes", sa.JSON(), nullable=False),
        sa.Column("clinical", sa.Boolean(), nullable=False),
        sa.Column("admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("failed_logins >= 0", name=op.f("ck_agents_failed_logins")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("login", name=op.f("uq_agents_login")),
    )
    op.create_table(
        "agent_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_sessions_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agent_sessions_token_hash")),
    )
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("old_value", sa.String(length=120), nullable=True),
        sa.Column("new_value", sa.String(length=120), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("delivery_status", sa.String(length=20), nullable=True),
        sa.Column("delivery_error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.CheckConstraint(_in("kind", EVENT_KINDS), name=op.f("ck_ticket_events_kind")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_ticket_events_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index("ix_ticket_events_ticket_id_at", "ticket_events", ["ticket_id", "at"], unique=False)
    op.create_table(
        "ticket_access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_access_log_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_ticket_access_log_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_access_log")),
    )
    op.create_index("ix_ticket_access_log_at", "ticket_access_log", ["at"], unique=False)
    # SQLite cannot alter a CHECK or add a foreign key: batch mode rebuilds the table (render_as_batch).
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_agent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_tickets_assigned_agent_id_agents"), "agents", ["assigned_agent_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.drop_constraint(op.f("ck_tickets_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tickets_status"), _in("status", STATUSES_AFTER))


def downgrade() -> None:
    """Revert this revision (tickets in the new statuses go back to ``em_atendimento``)."""
    op.execute(
        "UPDATE tickets SET status = 'em_atendimento' WHERE status IN ('aguardando_beneficiario', 'resolvido')"
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tickets_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tickets_status"), _in("status", STATUSES_BEFORE))
        batch_op.drop_constraint(op.f("fk_tickets_assigned_agent_id_agents"), type_="foreignkey")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("resolution")
        batch_op.drop_column("assigned_agent_id")
    op.drop_index("ix_ticket_access_log_at", table_name="ticket_access_log")
    op.drop_table("ticket_access_log")
    op.drop_index("ix_ticket_events_ticket_id_at", table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_table("agent_sessions")
    op.drop_table("agents")
