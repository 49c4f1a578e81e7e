"""Trigram indexes for similar-problem lookups and Persian search, per database.

PostgreSQL: pg_trgm GIN indexes on the normalised title and text.
SQLite: an FTS5 table with the trigram tokenizer over the normalised title, kept in step
with the problem table by triggers.
"""

from django.db import migrations

from participation.migrations import _sqlite_trigram as sqlite

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS problem_title_key_trgm ON participation_problem "
    "USING gin (title_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS problem_search_text_trgm ON participation_problem "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS problem_search_text_trgm",
    "DROP INDEX IF EXISTS problem_title_key_trgm",
]
SQLITE_UP = [*sqlite.CREATE, sqlite.FILL]
SQLITE_DOWN = sqlite.DROP


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
