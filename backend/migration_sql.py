"""Statements a migration runs on PostgreSQL only (triggers, side tables, special indexes):
SQLite, the embedded default, has no use for them and would refuse most of them."""

from django.db import migrations


def postgres_only(up: list[str], down: list[str]) -> migrations.RunPython:
    """A reversible operation running `up` (forward) or `down` (backward) on PostgreSQL."""

    def runner(statements: list[str]):
        def operation(_apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return operation

    return migrations.RunPython(runner(up), runner(down))
