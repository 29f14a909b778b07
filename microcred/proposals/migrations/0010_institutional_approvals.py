"""Institutional approval by every proposing university (policy 7.4: each proposer has the approval of their own
institutional manager).

Each co-proposer now proposes for a university (CoProposer.institution). Existing co-proposers get the proposal's
university when they hold the proposer role there, else the first member university (by short name) where they
hold it, else the proposal's university: the same rule as co_proposers.university_of, on the historical models.
InstitutionalApproval records each university's approval of a proposal sent for institutional approval.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PROPOSER = "proposer"


def fill_co_proposer_universities(apps, schema_editor):
    CoProposer = apps.get_model("proposals", "CoProposer")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    for link in CoProposer.objects.select_related("proposal").filter(institution__isnull=True):
        held = list(
            RoleAssignment.objects.filter(user_id=link.person_id, role=PROPOSER, institution__isnull=False)
            .order_by("institution__short_name", "institution_id")
            .values_list("institution_id", flat=True)
        )
        own = link.proposal.institution_id
        link.institution_id = own if own in held or not held else held[0]
        link.save(update_fields=["institution"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_recognition_officer_role"),
        ("proposals", "0009_co_proposers"),
        ("reference", "0006_institution_branding"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="coproposer",
            name="institution",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.institution",
                verbose_name="university",
            ),
        ),
        migrations.RunPython(fill_co_proposer_universities, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="coproposer",
            name="institution",
            field=models.ForeignKey(
                help_text="The university the co-proposer proposes for: its institutional manager approves the "
                "proposal.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.institution",
                verbose_name="university",
            ),
        ),
        migrations.CreateModel(
            name="InstitutionalApproval",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("approved_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="approved at")),
                (
                    "approved_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="approved by",
                    ),
                ),
                (
                    "institution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.institution",
                        verbose_name="university",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="institutional_approvals",
                        to="proposals.proposal",
                    ),
                ),
            ],
            options={
                "verbose_name": "institutional approval",
                "verbose_name_plural": "institutional approvals",
                "ordering": ["approved_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("proposal", "institution"), name="one_approval_per_university")
                ],
            },
        ),
    ]
