"""History is not rewritten in the database either (PostgreSQL, the production path): an
UPDATE or DELETE of a published indicator version, of a verified measurement or of a
snapshot raises. Drafts and submitted values stay editable. On SQLite the model and
queryset guards apply."""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION monitoring_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'monitoring history is immutable (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER indicatorversion_published_immutable
    BEFORE UPDATE OR DELETE ON monitoring_indicatorversion
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL)
    EXECUTE FUNCTION monitoring_refuse_change();
CREATE TRIGGER measurement_verified_immutable
    BEFORE UPDATE OR DELETE ON monitoring_measurement
    FOR EACH ROW WHEN (OLD.state = 'verified')
    EXECUTE FUNCTION monitoring_refuse_change();
CREATE TRIGGER snapshot_immutable
    BEFORE UPDATE OR DELETE ON monitoring_snapshot
    FOR EACH ROW EXECUTE FUNCTION monitoring_refuse_change();
"""
DOWN = """
DROP TRIGGER IF EXISTS snapshot_immutable ON monitoring_snapshot;
DROP TRIGGER IF EXISTS measurement_verified_immutable ON monitoring_measurement;
DROP TRIGGER IF EXISTS indicatorversion_published_immutable ON monitoring_indicatorversion;
DROP FUNCTION IF EXISTS monitoring_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
