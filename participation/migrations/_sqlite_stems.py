"""SQL for SQLite's full-text index of problem stems (shared by a migration and the
post-migrate check in participation.similarity)."""

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS participation_problem_stems "
    "USING fts5(stem_key, tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS problem_stems_insert AFTER INSERT ON participation_problem "
    "BEGIN INSERT INTO participation_problem_stems(rowid, stem_key) "
    "VALUES (new.id, new.stem_key); END",
    "CREATE TRIGGER IF NOT EXISTS problem_stems_update AFTER UPDATE OF stem_key "
    "ON participation_problem BEGIN UPDATE participation_problem_stems "
    "SET stem_key = new.stem_key WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS problem_stems_delete AFTER DELETE ON participation_problem "
    "BEGIN DELETE FROM participation_problem_stems WHERE rowid = old.id; END",
]
FILL = (
    "INSERT INTO participation_problem_stems(rowid, stem_key) "
    "SELECT id, stem_key FROM participation_problem"
)
DROP = [
    "DROP TRIGGER IF EXISTS problem_stems_delete",
    "DROP TRIGGER IF EXISTS problem_stems_update",
    "DROP TRIGGER IF EXISTS problem_stems_insert",
    "DROP TABLE IF EXISTS participation_problem_stems",
]
