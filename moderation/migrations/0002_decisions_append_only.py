"""Decisions are append-only in the database too (PostgreSQL, the production path): an
UPDATE or DELETE of a decision, or of the rules it cites, raises. TRUNCATE, an explicit
operator action, is left alone. On SQLite the model and queryset guards apply."""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION moderation_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'moderation decisions are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decision_append_only BEFORE UPDATE OR DELETE ON moderation_decision
    FOR EACH ROW EXECUTE FUNCTION moderation_refuse_change();
CREATE TRIGGER decision_rules_append_only BEFORE UPDATE OR DELETE ON moderation_decision_rules
    FOR EACH ROW EXECUTE FUNCTION moderation_refuse_change();
"""
DOWN = """
DROP TRIGGER IF EXISTS decision_rules_append_only ON moderation_decision_rules;
DROP TRIGGER IF EXISTS decision_append_only ON moderation_decision;
DROP FUNCTION IF EXISTS moderation_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
