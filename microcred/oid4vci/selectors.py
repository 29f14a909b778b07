"""Read-only queries of the OpenID4VCI app."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred.oid4vci.models import Delivery


def deliveries_of(credential) -> QuerySet[Delivery]:
    """The deliveries of one issued credential to wallet apps, newest first, with the copy each received."""
    return (
        Delivery.objects.filter(credential=credential)
        .select_related("bound_credential")
        .order_by("-delivered_at", "-pk")
    )
