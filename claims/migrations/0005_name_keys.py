"""Parties, places and events get the key their names are compared by
(``claims.names.name_key``), and parties and places are unique by it.

Before, the submit page matched names ignoring case and the importer matched
them exactly, so one party could be recorded twice ("Local Armenians",
"local armenians"). Such rows are kept, not merged behind anyone's back:
every one after the first is renamed "<name> (#<id>)", so that an admin sees
the pair and can move its claims to one of them.
"""

from django.db import migrations, models

from claims.names import name_key


def fill_name_keys(apps, schema_editor):
    # Events may share a name (they have slugs); parties may not, places not at one precision.
    for model_name, unique_within in (("Actor", ()), ("Place", ("precision",)), ("Event", None)):
        model = apps.get_model("claims", model_name)
        seen = set()
        for row in model.objects.order_by("pk"):
            row.name_key = name_key(row.name)
            if unique_within is not None:
                scope = tuple(getattr(row, name) for name in unique_within)
                if (row.name_key, *scope) in seen:
                    suffix = f" (#{row.pk})"
                    row.name = row.name[: 200 - len(suffix)] + suffix
                    row.name_key = name_key(row.name)
                seen.add((row.name_key, *scope))
            row.save(update_fields=["name", "name_key"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_search_index")]

    operations = [
        migrations.AddField(
            model_name=model_name,
            name="name_key",
            field=models.TextField(db_index=True, default="", editable=False),
            preserve_default=False,
        )
        for model_name in ("actor", "place", "event")
    ] + [
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="actor", name="name", field=models.CharField(max_length=200, verbose_name="name")
        ),
        migrations.RemoveConstraint(model_name="place", name="unique_place_name_precision"),
        migrations.AddConstraint(
            model_name="actor",
            constraint=models.UniqueConstraint(
                fields=("name_key",),
                name="unique_actor_name_key",
                violation_error_message="There is already a party of this name (ignoring case and width).",
            ),
        ),
        migrations.AddConstraint(
            model_name="place",
            constraint=models.UniqueConstraint(
                fields=("name_key", "precision"),
                name="unique_place_name_key_precision",
                violation_error_message="There is already a place of this name (ignoring case and width) at this precision.",
            ),
        ),
    ]
