"""Signatories' terms: a certificate shows the officers in office on the day its credential was awarded.

Two nullable date columns on a table of a few rows per issuer: no rewrite, no default to write. Existing
signatories get no term (they sign every day), so every certificate looks as it did until an admin sets one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0014_credential_documents_compressed_with_lz4'),
    ]

    operations = [
        migrations.AddField(
            model_name='issuersignatory',
            name='serves_from',
            field=models.DateField(blank=True, help_text="The first day of the term. Empty: signs every credential awarded up to the term's end.", null=True, verbose_name='signs from'),
        ),
        migrations.AddField(
            model_name='issuersignatory',
            name='serves_until',
            field=models.DateField(blank=True, help_text='The last day of the term. Empty: still in office. When someone hands over, set this rather than deleting them: the certificates of credentials awarded during their term keep showing them.', null=True, verbose_name='signs until'),
        ),
    ]
