"""Where a check's records lie in a WARC file shared by its batch's revisits.
Existing checks keep a file of their own: no offset, the whole file theirs."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0013_outlet_ratings'),
    ]

    operations = [
        migrations.AddField(
            model_name='sourcecheck',
            name='warc_length',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='length in the WARC file'),
        ),
        migrations.AddField(
            model_name='sourcecheck',
            name='warc_offset',
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True, verbose_name='offset in the WARC file'),
        ),
    ]
