"""Alembic environment: the URL comes from the caller's Config (``Database.upgrade``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from mailmatrix.customers.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = create_engine(url)
with engine.connect() as connection:
    # render_as_batch: SQLite alters tables by copying them; PostgreSQL ignores the flag.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
