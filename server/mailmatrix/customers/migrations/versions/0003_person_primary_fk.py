"""the foreign key of persons.primary_address_id on PostgreSQL

0001 declared it with use_alter (persons and addresses point at each other), and a table
created that way leaves such a key to a later ALTER, which never came: PostgreSQL had no
such constraint. SQLite created it inline with the table.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAME = "fk_persons_primary_address_id_addresses"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(NAME, "persons", "addresses", ["primary_address_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(NAME, "persons", type_="foreignkey")
