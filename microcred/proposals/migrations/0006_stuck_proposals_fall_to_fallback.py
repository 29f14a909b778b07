from django.db import migrations
from django.utils import timezone


def flag_waiting_for_nobody(apps, schema_editor):
    """Proposals already waiting for an institutional manager at a university where nobody (other than their
    proposer) holds the role fall to the board secretary now, as new ones do (policy 7.4); the admin site flags
    them."""
    proposal_model = apps.get_model("proposals", "Proposal")
    assignment_model = apps.get_model("accounts", "RoleAssignment")
    for proposal in proposal_model.objects.filter(status="awaiting_manager", fell_to_fallback_at__isnull=True):
        managers = assignment_model.objects.filter(
            role="institutional_manager",
            institution_id=proposal.institution_id,
            user__is_active=True,
            user__erased_at__isnull=True,
        ).exclude(user_id=proposal.proposer_id)
        if not managers.exists():
            proposal.fell_to_fallback_at = timezone.now()
            proposal.save(update_fields=["fell_to_fallback_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0005_step_fallback"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(flag_waiting_for_nobody, migrations.RunPython.noop)]
