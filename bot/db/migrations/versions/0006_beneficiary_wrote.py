"""Ticket history: the beneficiary wrote in a conversation an agent has (u15: nothing in the queue said so).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 03:10:00.000000
"""

from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
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
    "pausa_do_bot",
)
KINDS_AFTER = (*KINDS_BEFORE, "mensagem_do_beneficiario")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Apply this revision."""
    # SQLite cannot alter a CHECK: batch mode rebuilds the table (render_as_batch).
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ticket_events_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_ticket_events_kind"), _in("kind", KINDS_AFTER))


def downgrade() -> None:
    """Revert this revision (the marks recorded are dropped from the history)."""
    op.execute("DELETE FROM ticket_events WHERE kind = 'mensagem_do_beneficiario'")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ticket_events_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_ticket_events_kind"), _in("kind", KINDS_BEFORE))
