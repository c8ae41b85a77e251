"""An outlet's reliability, and the append-only log of its ratings.

As the claim log (claims migrations 0002 and 0008), the rating log refuses
UPDATE and DELETE in PostgreSQL and UPDATE in SQLite (whose test runner
empties tables with DELETE), so raw SQL cannot rewrite it either. Existing
outlets start at F, not yet rated.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

POSTGRESQL_TRIGGER = """
CREATE OR REPLACE FUNCTION sources_outletrating_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'sources_outletrating is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sources_outletrating_append_only
    BEFORE UPDATE OR DELETE ON sources_outletrating
    FOR EACH ROW EXECUTE FUNCTION sources_outletrating_refuse_change();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS sources_outletrating_append_only ON sources_outletrating;
DROP FUNCTION IF EXISTS sources_outletrating_refuse_change();
"""
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS sources_outletrating_append_only
BEFORE UPDATE ON sources_outletrating
BEGIN
    SELECT RAISE(ABORT, 'sources_outletrating is append-only: UPDATE refused');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS sources_outletrating_append_only"


def add_trigger(apps, schema_editor):
    sql = {"postgresql": POSTGRESQL_TRIGGER, "sqlite": SQLITE_TRIGGER}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    sql = {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0012_reliability_not_yet_rated'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='outlet',
            name='reliability',
            field=models.CharField(choices=[('A', 'A: completely reliable'), ('B', 'B: usually reliable'), ('C', 'C: fairly reliable'), ('D', 'D: not usually reliable'), ('E', 'E: unreliable'), ('F', 'F: not yet rated')], default='F', max_length=1, verbose_name='reliability'),
        ),
        migrations.AddField(
            model_name='outlet',
            name='reliability_reason',
            field=models.TextField(blank=True, verbose_name='why this rating'),
        ),
        migrations.AddField(
            model_name='outlet',
            name='reliability_set_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='rated at'),
        ),
        migrations.AddField(
            model_name='outlet',
            name='reliability_set_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rated by'),
        ),
        migrations.CreateModel(
            name='OutletRating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reliability', models.CharField(choices=[('A', 'A: completely reliable'), ('B', 'B: usually reliable'), ('C', 'C: fairly reliable'), ('D', 'D: not usually reliable'), ('E', 'E: unreliable'), ('F', 'F: not yet rated')], max_length=1, verbose_name='reliability')),
                ('reason', models.TextField(verbose_name='why this rating')),
                ('set_at', models.DateTimeField(db_index=True, verbose_name='rated at')),
                ('outlet', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='sources.outlet', verbose_name='outlet')),
                ('set_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rated by')),
            ],
            options={
                'verbose_name': 'outlet rating',
                'verbose_name_plural': 'outlet ratings',
                'ordering': ['-set_at', '-id'],
            },
        ),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
