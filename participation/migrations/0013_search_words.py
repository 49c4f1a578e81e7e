"""The search's word index (participation.models.SearchWord).

PostgreSQL: every problem keeps the numbers of its words in `search_words` (int[], GIN),
set by a trigger from `search_text` on every insert (COPY included) and every update of
the text, so bulk writes and `update()` keep it too. The trigram index over the whole
text, which only the search read, is dropped: the words' table has its own (for words
containing what was typed) and a pattern index (for words starting with it). A covering
index holds the newest rows with their words, for a common word's first pages.
SQLite: the table exists and stays empty; the search reads the texts there.
"""

from django.db import migrations, models

# Longer "words" (a pasted link, a run of digits) are numbered by their first letters: the
# unique index cannot hold an entry of more than ~2,700 bytes.
WORD_MAX = 200

POSTGRES_UP = [
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON participation_searchword "
    "USING gin (word gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_word_prefix ON participation_searchword "
    "(word text_pattern_ops)",
    "ALTER TABLE participation_problem "
    "ADD COLUMN IF NOT EXISTS search_words integer[] NOT NULL DEFAULT '{}'",
    f"""
    CREATE OR REPLACE FUNCTION participation_problem_search_words() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        words text[];
        found integer[];
    BEGIN
        -- Sorted: two writers adding the same new words add them in the same order, so
        -- neither can hold one the other waits for while waiting for one it holds.
        words := ARRAY(
            SELECT DISTINCT left(w, {WORD_MAX})
            FROM unnest(string_to_array(NEW.search_text, ' ')) AS w
            WHERE w <> ''
            ORDER BY 1
        );
        found := ARRAY(
            SELECT id FROM participation_searchword WHERE word = ANY(words) ORDER BY id
        );
        IF cardinality(found) < cardinality(words) THEN
            -- New words. Another writer may be adding the same ones: ON CONFLICT waits for
            -- it, and the next statement (a new snapshot) sees what it committed.
            INSERT INTO participation_searchword (word)
            SELECT unnest(words) ON CONFLICT (word) DO NOTHING;
            found := ARRAY(
                SELECT id FROM participation_searchword WHERE word = ANY(words) ORDER BY id
            );
        END IF;
        NEW.search_words := found;
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS problem_search_words ON participation_problem",
    "CREATE TRIGGER problem_search_words BEFORE INSERT OR UPDATE OF search_text "
    "ON participation_problem FOR EACH ROW EXECUTE FUNCTION participation_problem_search_words()",
    # The problems already stored: their words first, then each problem's numbers.
    f"""
    INSERT INTO participation_searchword (word)
    SELECT DISTINCT left(w, {WORD_MAX})
    FROM participation_problem AS p, unnest(string_to_array(p.search_text, ' ')) AS w
    WHERE w <> ''
    ON CONFLICT (word) DO NOTHING
    """,
    f"""
    UPDATE participation_problem AS p SET search_words = ARRAY(
        SELECT DISTINCT s.id
        FROM unnest(string_to_array(p.search_text, ' ')) AS w
        JOIN participation_searchword AS s ON s.word = left(w, {WORD_MAX})
        ORDER BY s.id
    )
    WHERE p.search_text <> ''
    """,
    "CREATE INDEX IF NOT EXISTS problem_search_words ON participation_problem "
    "USING gin (search_words)",
    # A common word's newest matches (participation.selectors._recent_matches): the newest
    # rows with their words, read from this index alone.
    "CREATE INDEX IF NOT EXISTS problem_recent_words ON participation_problem "
    "(plan_id, moderation_state, created_at DESC, id DESC) INCLUDE (supports_count, search_words)",
    "DROP INDEX IF EXISTS problem_search_text_trgm",
]
POSTGRES_DOWN = [
    "CREATE INDEX IF NOT EXISTS problem_search_text_trgm ON participation_problem "
    "USING gin (search_text gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS problem_search_words ON participation_problem",
    "DROP FUNCTION IF EXISTS participation_problem_search_words()",
    "DROP INDEX IF EXISTS problem_recent_words",
    "DROP INDEX IF EXISTS problem_search_words",
    "ALTER TABLE participation_problem DROP COLUMN IF EXISTS search_words",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("participation", "0012_persian_labels")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("word", models.TextField(unique=True, verbose_name="واژه")),
            ],
            options={
                "verbose_name": "واژه\u200cی جست\u200cوجو",
                "verbose_name_plural": "واژه\u200cهای جست\u200cوجو",
            },
        ),
        migrations.RunPython(run(POSTGRES_UP), run(POSTGRES_DOWN)),
    ]
