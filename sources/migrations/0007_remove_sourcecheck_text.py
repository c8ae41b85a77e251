from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0006_move_texts"),
    ]

    operations = [
        migrations.RemoveField(model_name="sourcecheck", name="text"),
    ]
