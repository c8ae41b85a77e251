"""Carry every DRF token (``rest_framework.authtoken``, one plain-text key per
account) over as a hashed API token named "migrated", and delete the plain
key: whoever sends ``Authorization: Token <old key>`` is still let in, and
the key is no longer readable in the database.

Going back restores nothing: the keys are gone, which is the point. The
tokens made from them stay, so those keys keep working."""

import hashlib

from django.db import migrations


def carry_over(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in Token.objects.all():
        created = ApiToken.objects.create(
            user_id=token.user_id,
            name="migrated",
            prefix=token.key[:8],
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
        )
        # ``created_at`` is set on creation whatever is given: keep the key's own date.
        ApiToken.objects.filter(pk=created.pk).update(created_at=token.created)
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
