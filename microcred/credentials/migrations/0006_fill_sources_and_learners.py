"""Existing credentials: their achievement source is their micro-credential version, and their learner is the
account with the credential's e-mail address (the match the holder check used until now), when there is one."""

from django.conf import settings
from django.db import migrations
from django.db.models import F

MICRO_CREDENTIAL_VERSION = "catalogue.MicroCredentialVersion"


def fill(apps, schema_editor):
    IssuedCredential = apps.get_model("credentials", "IssuedCredential")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    IssuedCredential.objects.filter(source_id__isnull=True).update(
        source_type=MICRO_CREDENTIAL_VERSION, source_id=F("micro_credential_version_id")
    )
    # E-mail addresses are unique per account, compared without case (accounts.User).
    accounts = {email.lower(): pk for pk, email in User.objects.values_list("pk", "email").iterator() if email}
    unlinked = IssuedCredential.objects.filter(learner__isnull=True).only("pk", "learner_email")
    for credential in unlinked.iterator():
        user_id = accounts.get(credential.learner_email.lower())
        if user_id is not None:
            IssuedCredential.objects.filter(pk=credential.pk).update(learner_id=user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0005_sources_and_learner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
