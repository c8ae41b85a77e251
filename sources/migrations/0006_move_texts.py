"""Each check's text moves into the stored texts, once per distinct text,
and the check points at it; back again when unapplied. Read and written in
chunks, so that a long history does not have to fit in memory."""

import hashlib

from django.db import migrations
from django.db.models import Q

CHUNK = 2000
SUCCESSES = ["ok", "redirected", "not_modified"]


def _digest(text):
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def texts_to_stored_texts(apps, schema_editor):
    SourceCheck = apps.get_model("sources", "SourceCheck")
    StoredText = apps.get_model("sources", "StoredText")
    # Every good check has a text, if only an empty one; any other check that holds one keeps it too.
    holding = SourceCheck.objects.filter(Q(outcome__in=SUCCESSES) | ~Q(text="")).order_by("pk")
    last_pk = 0
    while True:
        chunk = list(holding.filter(pk__gt=last_pk).only("pk", "text")[:CHUNK])
        if not chunk:
            return
        last_pk = chunk[-1].pk
        by_digest = {_digest(check.text): check.text for check in chunk}
        StoredText.objects.bulk_create(
            [StoredText(sha256=digest, text=text) for digest, text in by_digest.items()], ignore_conflicts=True
        )
        stored = dict(StoredText.objects.filter(sha256__in=by_digest).values_list("sha256", "pk"))
        for check in chunk:
            check.stored_text_id = stored[_digest(check.text)]
        SourceCheck.objects.bulk_update(chunk, ["stored_text"])


def stored_texts_to_texts(apps, schema_editor):
    SourceCheck = apps.get_model("sources", "SourceCheck")
    holding = SourceCheck.objects.filter(stored_text__isnull=False).order_by("pk")
    last_pk = 0
    while True:
        chunk = list(holding.filter(pk__gt=last_pk).select_related("stored_text").only("pk", "stored_text__text")[:CHUNK])
        if not chunk:
            return
        last_pk = chunk[-1].pk
        for check in chunk:
            check.text = check.stored_text.text
        SourceCheck.objects.bulk_update(chunk, ["text"])


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_stored_texts"),
    ]

    operations = [
        migrations.RunPython(texts_to_stored_texts, stored_texts_to_texts),
    ]
