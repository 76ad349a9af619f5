"""Alembic environment of the catalogue plugin (own version table)."""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool

# No fileConfig here (as in CKAN's own env.py): it would disable every logger
# the running CKAN process has already configured.
config = context.config

target_metadata = None
# Each plugin keeps its own version table so it never touches CKAN's.
VERSION_TABLE = f"{os.path.basename(os.path.dirname(__file__))}_alembic_version"


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        version_table=VERSION_TABLE,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
