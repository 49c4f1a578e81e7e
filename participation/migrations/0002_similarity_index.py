"""Trigram indexes for similar-problem lookups and Persian search, per database.

PostgreSQL: pg_trgm GIN indexes on the normalised title and text.
SQLite: an FTS5 table with the trigram tokenizer over the normalised title, kept in step
with the problem table by triggers.
"""

from django.db import migrations

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
SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS participation_problem_trgm "
    "USING fts5(title_key, tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS problem_trgm_insert AFTER INSERT ON participation_problem "
    "BEGIN INSERT INTO participation_problem_trgm(rowid, title_key) "
    "VALUES (new.id, new.title_key); END",
    "CREATE TRIGGER IF NOT EXISTS problem_trgm_update AFTER UPDATE OF title_key "
    "ON participation_problem BEGIN UPDATE participation_problem_trgm "
    "SET title_key = new.title_key WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS problem_trgm_delete AFTER DELETE ON participation_problem "
    "BEGIN DELETE FROM participation_problem_trgm WHERE rowid = old.id; END",
    "INSERT INTO participation_problem_trgm(rowid, title_key) "
    "SELECT id, title_key FROM participation_problem",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS problem_trgm_delete",
    "DROP TRIGGER IF EXISTS problem_trgm_update",
    "DROP TRIGGER IF EXISTS problem_trgm_insert",
    "DROP TABLE IF EXISTS participation_problem_trgm",
]


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
