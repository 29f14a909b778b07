"""What a change proposal to a published micro-credential starts from (the micro-credential proposal type's
change basis, registered in apps.py): the proposals app reads it through `proposals.publishing`, never this model."""

from django.urls import reverse

from microcred.catalogue.models import MicroCredential
from microcred.proposals.publishing import ChangeBasis


def micro_credential_change_basis(micro_credential_id: int, *, lock: bool = False) -> ChangeBasis:
    """The micro-credential and its current version; MicroCredential.DoesNotExist for an unknown id."""
    queryset = MicroCredential.objects.select_for_update() if lock else MicroCredential.objects
    micro_credential = queryset.get(pk=micro_credential_id)
    current = micro_credential.current_version
    return ChangeBasis(
        subject=micro_credential,
        field="changes_micro_credential",
        title=current.title,
        published=micro_credential.status == MicroCredential.Status.PUBLISHED,
        university_ids=frozenset(current.university_ids()),
        proposal_version=current.proposal_version,
        url=reverse("catalogue:detail", kwargs={"slug": micro_credential.slug}),
    )
