"""Outbox of ticket e-mails; tickets may belong to the teleconsultation tier.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of the allowed values at this revision.
TIERS_BEFORE = ("primeira_instancia", "ouvidoria")
TIERS_AFTER = ("primeira_instancia", "ouvidoria", "teleconsulta")
OUTBOX_STATUSES = ("pendente", "enviado", "falhou")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_tier_check(values: tuple[str, ...]) -> None:
    # SQLite cannot alter a CHECK: batch mode rebuilds the table (render_as_batch in env.py).
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tickets_tier"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tickets_tier"), _in("tier", values))


def upgrade() -> None:
    """Apply this revision."""
    _replace_tier_check(TIERS_AFTER)
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("cc_addresses", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("clinical_content", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in("status", OUTBOX_STATUSES), name=op.f("ck_outbox_status")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_attempts")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_outbox_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_ticket_id", ["ticket_id"], unique=False)


def downgrade() -> None:
    """Revert this revision (fails if a ticket of the teleconsultation tier exists)."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_ticket_id")
        batch_op.drop_index("ix_outbox_status_next_attempt_at")
    op.drop_table("outbox")
    _replace_tier_check(TIERS_BEFORE)
