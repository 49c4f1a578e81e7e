"""SQL for SQLite's trigram index of problem titles (shared by a migration and the
post-migrate check in participation.similarity)."""

CREATE = [
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
]
FILL = (
    "INSERT INTO participation_problem_trgm(rowid, title_key) "
    "SELECT id, title_key FROM participation_problem"
)
DROP = [
    "DROP TRIGGER IF EXISTS problem_trgm_delete",
    "DROP TRIGGER IF EXISTS problem_trgm_update",
    "DROP TRIGGER IF EXISTS problem_trgm_insert",
    "DROP TABLE IF EXISTS participation_problem_trgm",
]
