"""Fill the catalogue index for versions published before it existed; the GIN index on PostgreSQL."""

from django.db import migrations

GIN_INDEX = "catalogue_version_search_gin"


def forwards(apps, schema_editor):
    from microcred.catalogue.indexing import reindex_version

    MicroCredential = apps.get_model("catalogue", "MicroCredential")
    Version = apps.get_model("catalogue", "MicroCredentialVersion")
    Facet = apps.get_model("catalogue", "CatalogueFacet")
    ContentArea = apps.get_model("reference", "ContentArea")
    for mc in MicroCredential.objects.all():
        latest = Version.objects.filter(micro_credential=mc).order_by("-number").first()
        if latest is not None:
            Version.objects.filter(pk=latest.pk).update(is_current=True)
    for version in Version.objects.select_related("awarding_institution", "proposal_version"):
        if version.proposal_version_id:
            version.co_lead_institutions.set(version.proposal_version.co_leads.all())
        version.content_areas.set(ContentArea.objects.filter(slug__in=(version.annex1 or {}).get("content_areas") or []))
        reindex_version(version, models=(Version, Facet))


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON catalogue_microcredentialversion USING gin (search_document)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_catalogue_index"),
        ("proposals", "0001_initial"),
        ("reference", "0003_search_key_collation"),
    ]

    operations = [
        migrations.RunPython(create_gin_index, drop_gin_index),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
