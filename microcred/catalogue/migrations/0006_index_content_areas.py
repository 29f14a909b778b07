"""Search matches content areas (issue #16, defect 2): rebuild the search text and document of every version so
the names of its content areas (in every interface language) are part of them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from microcred.catalogue.indexing import reindex_version

    Version = apps.get_model("catalogue", "MicroCredentialVersion")
    Facet = apps.get_model("catalogue", "CatalogueFacet")
    versions = Version.objects.select_related("awarding_institution").prefetch_related(
        "skills", "content_areas", "co_lead_institutions", "translations"
    )
    for version in versions.iterator(chunk_size=500):
        reindex_version(version, models=(Version, Facet))


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0005_alter_categoryoverview_body_and_more"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
