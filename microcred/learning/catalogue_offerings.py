"""What the catalogue shows of offerings: the reader this app registers with `catalogue.offerings` (the
catalogue is below learning and does not import it), and `offerings_matching`, the catalogue query's offering
filters, which the guide uses too."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, Q, QuerySet, Subquery
from django.utils import timezone

from microcred.learning.models import Enrolment, Offering

# What a catalogue card shows of an offering (catalogue.views._offering_card) and what its state needs: `next_for`
# reads only these (a search page has twenty cards and up to a few offerings each).
CARD_FIELDS = (
    "micro_credential_id",
    "starts_on",
    "ends_on",
    "enrolment_opens",
    "enrolment_closes",
    "capacity",
    "fee",
    "mode",
    "language",
)


def offerings_matching(offerings: QuerySet, q) -> QuerySet:
    """`offerings` narrowed to the catalogue query's start dates (from today when it gives none) and fees: which
    offerings make a micro-credential pass the catalogue's offering filters (the catalogue's search and the
    guide)."""
    offerings = offerings.filter(starts_on__gte=q.starts_from or timezone.localdate())
    if q.starts_to:
        offerings = offerings.filter(starts_on__lte=q.starts_to)
    if q.cost == "free":
        offerings = offerings.filter(fee=0)
    elif q.cost == "paid":
        offerings = offerings.filter(fee__gt=0)
    if q.max_fee is not None:
        offerings = offerings.filter(fee__lte=q.max_fee)
    return offerings


def _with_enrolment_state(offerings) -> None:
    """Set what a learner needs to act on each offering: `places_left`, `full` and `enrolment` ("open",
    "not_yet" or "closed" at this moment). Each offering is annotated with `enrolled`."""
    now = timezone.now()
    for offering in offerings:
        offering.places_left = max(0, offering.capacity - offering.enrolled)
        offering.full = offering.places_left == 0
        if now < offering.enrolment_opens:
            offering.enrolment = "not_yet"
        elif now > offering.enrolment_closes:
            offering.enrolment = "closed"
        else:
            offering.enrolment = "open"


def _enrolled_count():
    return Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED))


class CatalogueOfferings:
    """The catalogue's OfferingReader (catalogue.offerings)."""

    def next_start(self, micro_credential):
        upcoming = (
            Offering.objects.filter(micro_credential=micro_credential, starts_on__gte=timezone.localdate())
            .order_by()
            .values("micro_credential")
            .annotate(first=Min("starts_on"))
            .values("first")
        )
        return Subquery(upcoming)

    def any_matching(self, micro_credential, query):
        return Exists(offerings_matching(Offering.objects.filter(micro_credential=micro_credential), query))

    def upcoming(self, micro_credential) -> list:
        offerings = list(
            Offering.objects.filter(micro_credential=micro_credential, starts_on__gte=timezone.localdate())
            .select_related("institution")
            .annotate(enrolled=_enrolled_count())
            .order_by("starts_on", "pk")[:20]
        )
        _with_enrolment_state(offerings)
        return offerings

    def next_for(self, micro_credential_ids) -> dict[int, Offering]:
        """The first upcoming offering open for enrolment (else the first upcoming one, whose card says when
        enrolment opens) of each micro-credential, with places left and whether enrolment is open. One query."""
        ids = list(micro_credential_ids)
        if not ids:
            return {}
        offerings = list(
            Offering.objects.filter(micro_credential_id__in=ids, starts_on__gte=timezone.localdate())
            .only(*CARD_FIELDS)
            .annotate(enrolled=_enrolled_count())
            .order_by("micro_credential_id", "starts_on", "pk")
        )
        _with_enrolment_state(offerings)
        first: dict[int, Offering] = {}
        for offering in offerings:
            current = first.get(offering.micro_credential_id)
            if current is None or (current.enrolment != "open" and offering.enrolment == "open"):
                first[offering.micro_credential_id] = offering
        return first

    def enrolments_of(self, user, offerings) -> dict[int, str]:
        if not getattr(user, "is_authenticated", False) or not offerings:
            return {}
        return dict(
            Enrolment.objects.filter(
                learner=user, offering__in=[o.pk for o in offerings], status__in=Enrolment.ACTIVE
            ).values_list("offering_id", "status")
        )
