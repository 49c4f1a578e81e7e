"""Stems of every problem's title and body, their full-text index on each backend, and the
synonym lexicon with the groups every city starts with (participation/lexicon_seed.py)."""

import django.db.models.deletion
from django.db import migrations, models

from participation.migrations import _sqlite_stems as sqlite

PG_UP = (
    "CREATE INDEX IF NOT EXISTS problem_stem_key_fts ON participation_problem "
    "USING gin (to_tsvector('simple', stem_key))"
)
PG_DOWN = "DROP INDEX IF EXISTS problem_stem_key_fts"


def fill_stems(apps, schema_editor):
    from backend.sanitise import html_to_text
    from backend.stems import stem_key

    Problem = apps.get_model("participation", "Problem")
    batch = []
    for problem in Problem.objects.only("id", "title", "body").iterator(chunk_size=2000):
        problem.stem_key = stem_key(f"{problem.title} {html_to_text(problem.body)}")
        batch.append(problem)
        if len(batch) >= 2000:
            Problem.objects.bulk_update(batch, ["stem_key"])
            batch = []
    if batch:
        Problem.objects.bulk_update(batch, ["stem_key"])


def index_up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in sqlite.CREATE:
            schema_editor.execute(statement)
        schema_editor.execute(sqlite.FILL)


def index_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in sqlite.DROP:
            schema_editor.execute(statement)


def seed_lexicon(apps, schema_editor):
    from participation.lexicon_seed import GROUPS

    SynonymGroup = apps.get_model("participation", "SynonymGroup")
    SynonymGroup.objects.bulk_create(
        SynonymGroup(city=None, terms="\n".join(terms)) for terms in GROUPS
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0002_boundaries'),
        ('participation', '0008_map_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='problem',
            name='stem_key',
            field=models.TextField(default='', editable=False),
        ),
        migrations.CreateModel(
            name='SynonymGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('terms', models.TextField(help_text='هر واژه یا عبارت در یک خط؛ دست\u200cکم دو تا.', verbose_name='واژه\u200cها')),
                ('active', models.BooleanField(default=True, verbose_name='فعال')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='آخرین تغییر')),
                ('city', models.ForeignKey(blank=True, help_text='خالی یعنی برای همه\u200cی شهرها.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='synonym_groups', to='cities.city', verbose_name='شهر')),
            ],
            options={
                'verbose_name': 'گروه هم\u200cمعنی',
                'verbose_name_plural': 'واژه\u200cنامه\u200cی هم\u200cمعنی\u200cها',
                'ordering': ['city_id', 'id'],
            },
        ),
        migrations.RunPython(fill_stems, migrations.RunPython.noop),
        migrations.RunPython(index_up, index_down),
        migrations.RunPython(seed_lexicon, migrations.RunPython.noop),
    ]
