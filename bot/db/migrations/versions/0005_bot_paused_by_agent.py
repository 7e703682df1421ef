"""Ticket history: the bot went silent because an agent answered in the conversation (u15).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 23:40:00.000000
"""

from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copies of the allowed values at this revision.
KINDS_BEFORE = (
    "atribuicao",
    "liberacao",
    "resposta",
    "nota",
    "transferencia",
    "devolucao_ao_bot",
    "status",
    "aviso_espera",
)
KINDS_AFTER = (*KINDS_BEFORE, "pausa_do_bot")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Apply this revision."""
    # SQLite cannot alter a CHECK: batch mode rebuilds the table (render_as_batch).
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ticket_events_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_ticket_events_kind"), _in("kind", KINDS_AFTER))


def downgrade() -> None:
    """Revert this revision (the pauses recorded are dropped from the history)."""
    op.execute("DELETE FROM ticket_events WHERE kind = 'pausa_do_bot'")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ticket_events_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_ticket_events_kind"), _in("kind", KINDS_BEFORE))
