"""The activity log is append-only in the database too (PostgreSQL, the production path):
an UPDATE or DELETE of an entry raises. TRUNCATE, an explicit operator action, is left alone.
On SQLite the model and queryset guards apply."""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION accounts_activity_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the activity log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_append_only BEFORE UPDATE OR DELETE ON accounts_activity
    FOR EACH ROW EXECUTE FUNCTION accounts_activity_refuse_change();
"""
DOWN = """
DROP TRIGGER IF EXISTS activity_append_only ON accounts_activity;
DROP FUNCTION IF EXISTS accounts_activity_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_activity_log")]

    operations = [migrations.RunPython(forwards, backwards)]
