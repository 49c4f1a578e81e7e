"""The public search's own table (PostgreSQL): one narrow row per published problem.

`participation_publicsearch` holds, for every published problem, its plan, its moment (whole
microseconds since 1970, as the search sorts by it), its supports and its word numbers
(`search_words`, migration 0013). A trigger on the problems keeps it: a problem that becomes
published gets its row, one that leaves the published state loses it, and a write to its
text, plan, moment or supports rewrites it; a delete or a truncate of the problems removes
the rows. A visitor's search of one plan (the public list's search) reads only this table:
its rows are ~1/8 of a problem's width, so it stays in PostgreSQL's buffers, where the
problems' table (texts and all) does not. SQLite has no such table; it searches the texts.
"""

from django.db import migrations

from backend.migration_sql import postgres_only

POSTGRES_UP = [
    """
    CREATE TABLE IF NOT EXISTS participation_publicsearch (
        problem_id integer PRIMARY KEY,
        plan_id integer NOT NULL,
        moment bigint NOT NULL,
        supports_count integer NOT NULL,
        words integer[] NOT NULL
    )
    """,
    """
    CREATE OR REPLACE FUNCTION participation_problem_public_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM participation_publicsearch WHERE problem_id = OLD.id;
            RETURN NULL;
        END IF;
        IF NEW.moderation_state <> 'published' THEN
            IF TG_OP = 'UPDATE' AND OLD.moderation_state = 'published' THEN
                DELETE FROM participation_publicsearch WHERE problem_id = OLD.id;
            END IF;
            RETURN NULL;
        END IF;
        INSERT INTO participation_publicsearch AS s
            (problem_id, plan_id, moment, supports_count, words)
        VALUES (
            NEW.id,
            NEW.plan_id,
            (EXTRACT(EPOCH FROM NEW.created_at) * 1000000)::bigint,
            NEW.supports_count,
            NEW.search_words
        )
        ON CONFLICT (problem_id) DO UPDATE SET
            plan_id = EXCLUDED.plan_id,
            moment = EXCLUDED.moment,
            supports_count = EXCLUDED.supports_count,
            words = EXCLUDED.words;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION participation_problem_public_search_emptied() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM participation_publicsearch;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS problem_public_search ON participation_problem",
    # After the row is written, so the words (set by problem_search_words before it) are in.
    "CREATE TRIGGER problem_public_search AFTER INSERT OR DELETE OR UPDATE OF "
    "search_text, plan_id, moderation_state, created_at, supports_count "
    "ON participation_problem FOR EACH ROW EXECUTE FUNCTION participation_problem_public_search()",
    "DROP TRIGGER IF EXISTS problem_public_search_emptied ON participation_problem",
    "CREATE TRIGGER problem_public_search_emptied AFTER TRUNCATE ON participation_problem "
    "FOR EACH STATEMENT EXECUTE FUNCTION participation_problem_public_search_emptied()",
    """
    INSERT INTO participation_publicsearch (problem_id, plan_id, moment, supports_count, words)
    SELECT id, plan_id, (EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, supports_count,
        search_words
    FROM participation_problem WHERE moderation_state = 'published'
    ON CONFLICT (problem_id) DO NOTHING
    """,
    "CREATE INDEX IF NOT EXISTS public_search_words ON participation_publicsearch "
    "USING gin (words)",
    # A common word's newest matches: the plan's newest rows with their words, from this
    # index alone (participation.selectors._public_window).
    "CREATE INDEX IF NOT EXISTS public_search_recent ON participation_publicsearch "
    "(plan_id, moment DESC, problem_id DESC) INCLUDE (supports_count, words)",
    "ANALYZE participation_publicsearch",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS problem_public_search_emptied ON participation_problem",
    "DROP TRIGGER IF EXISTS problem_public_search ON participation_problem",
    "DROP FUNCTION IF EXISTS participation_problem_public_search_emptied()",
    "DROP FUNCTION IF EXISTS participation_problem_public_search()",
    "DROP TABLE IF EXISTS participation_publicsearch",
]


class Migration(migrations.Migration):
    dependencies = [("participation", "0013_search_words")]

    operations = [postgres_only(POSTGRES_UP, POSTGRES_DOWN)]
