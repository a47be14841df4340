"""backfill: mailbox grants (encrypted offline consent) and backfill jobs (resumable runs)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _owned(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f(f"fk_{table}_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users")),
        sa.UniqueConstraint("tenant_id", "user_id", "provider",
                            name=op.f(f"uq_{table}_tenant_id_user_id_provider")),
    ]


def upgrade() -> None:
    op.create_table(
        "mailbox_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_owned("mailbox_grants"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_grants")),
    )
    op.create_table(
        "backfill_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("read", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("estimated_total", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_owned("backfill_jobs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backfill_jobs")),
    )


def downgrade() -> None:
    op.drop_table("backfill_jobs")
    op.drop_table("mailbox_grants")
