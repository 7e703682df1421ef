"""Failed identification guesses per CPF/card and per sender, with their lockout (issue 9, item 2).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "identification_guards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_identification_guards_failures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identification_guards")),
        sa.UniqueConstraint("subject", name=op.f("uq_identification_guards_subject")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("identification_guards")
