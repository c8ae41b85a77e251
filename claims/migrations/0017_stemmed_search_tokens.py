"""The stored search tokens again, now that English words are stored by
their stem (``claims.search``): a claim saved before would otherwise not be
found by a query, which is stemmed."""

from django.db import migrations

BATCH = 1000


def restem(apps, schema_editor):
    from claims.search import search_tokens

    Claim = apps.get_model("claims", "Claim")
    last = 0
    while True:
        batch = list(Claim.objects.filter(pk__gt=last).order_by("pk").only("pk", "text", "translation")[:BATCH])
        if not batch:
            return
        for claim in batch:
            claim.search_tokens = search_tokens(claim.text, claim.translation)
        Claim.objects.bulk_update(batch, ["search_tokens"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_vanished_flags")]

    operations = [migrations.RunPython(restem, migrations.RunPython.noop)]
