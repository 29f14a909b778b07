"""Reads: a learner's enrolments, an offering's lists and import history, completions ready for a credential."""

from __future__ import annotations

from django.db.models import Case, Count, Func, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from microcred.catalogue.kinds import participation_badge_q
from microcred.catalogue.models import MicroCredential
from microcred.core.exceptions import ValidationFailed
from microcred.learning import permissions
from microcred.learning.models import Enrolment, Offering, Result, ResultImport

ENROLLED = Enrolment.Status.ENROLLED
WAITLISTED = Enrolment.Status.WAITLISTED

# Completion criteria: participated, and passed, except for participation badges where taking part suffices.
COMPLETED_RESULT = Q(participated=True) & (
    Q(outcome=Result.Outcome.PASS) | participation_badge_q("offering__version__")
)


def completion_key(enrolment) -> str:
    """The stable idempotency key of one completion (one credential at most per key)."""
    return f"completion:{enrolment.pk}"


def is_completed(result: Result | None, offering: Offering) -> bool:
    if result is None or not result.participated:
        return False
    return offering.is_participation_badge or result.outcome == Result.Outcome.PASS


def result_for(enrolment: Enrolment) -> Result | None:
    return Result.objects.filter(offering_id=enrolment.offering_id, learner_id=enrolment.learner_id).first()


def my_enrolments(user) -> list[Enrolment]:
    """The learner's enrolments, newest offering first, each with `.result` (or None) and `.completed`."""
    enrolments = list(
        Enrolment.objects.filter(learner=user)
        .select_related("offering__version", "offering__institution", "offering__micro_credential")
        .order_by("-offering__starts_on", "-created_at")
    )
    results = {
        r.offering_id: r
        for r in Result.objects.filter(learner=user, offering_id__in=[e.offering_id for e in enrolments])
    }
    shown = set()
    for e in enrolments:
        # A result belongs to the learner's latest enrolment in that offering, not to cancelled earlier ones.
        e.result = results.get(e.offering_id) if e.offering_id not in shown and e.status == ENROLLED else None
        if e.result is not None:
            shown.add(e.offering_id)
        e.completed = is_completed(e.result, e.offering)
    return enrolments


def active_enrolment(user, offering) -> Enrolment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Enrolment.objects.filter(offering=offering, learner=user, status__in=Enrolment.ACTIVE).first()


def enrolled_count(offering) -> int:
    return offering.enrolments.filter(status=ENROLLED).count()


def offering_enrolments(offering, *, include_cancelled: bool = True) -> list[Enrolment]:
    """Every enrolment of the offering (enrolled, then the waiting list in order, then cancelled), with results."""
    qs = offering.enrolments.select_related("learner")
    if not include_cancelled:
        qs = qs.filter(status__in=Enrolment.ACTIVE)
    rank = {ENROLLED: 0, WAITLISTED: 1, Enrolment.Status.CANCELLED: 2}
    enrolments = sorted(
        qs,
        key=lambda e: (
            rank[e.status],
            e.waitlisted_at or e.created_at,
            e.learner.email if e.status == ENROLLED else "",
            e.pk,
        ),
    )
    results = {r.learner_id: r for r in Result.objects.filter(offering=offering)}
    position = 0
    for e in enrolments:
        e.result = results.get(e.learner_id) if e.status == ENROLLED else None
        e.completed = is_completed(e.result, offering)
        if e.status == WAITLISTED:
            position += 1
            e.position = position
        else:
            e.position = None
    return enrolments


def enrolments_in_order(offering) -> QuerySet[Enrolment]:
    """The offering's enrolments as a query, annotated to be sorted as offering_enrolments sorts them (`rank`:
    enrolled, waiting, cancelled; `queued_at`: when they joined the list), for a staff list that pages them."""
    return offering.enrolments.select_related("learner").annotate(
        rank=Case(
            When(status=ENROLLED, then=Value(0)),
            When(status=WAITLISTED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        queued_at=Coalesce("waitlisted_at", "created_at"),
    )


def with_results(offering, enrolments) -> list[Enrolment]:
    """`enrolments` (a page of them) with what offering_enrolments sets on each: its result, whether it is
    completed, its place on the waiting list. Three queries whatever the page's length."""
    rows = list(enrolments)
    learners = [e.learner_id for e in rows if e.status == ENROLLED]
    results = {r.learner_id: r for r in Result.objects.filter(offering=offering, learner_id__in=learners)}
    waiting = offering.enrolments.filter(status=WAITLISTED).order_by(Coalesce("waitlisted_at", "created_at"), "pk")
    place = {pk: n for n, pk in enumerate(waiting.values_list("pk", flat=True), start=1)}
    for e in rows:
        e.result = results.get(e.learner_id) if e.status == ENROLLED else None
        e.completed = is_completed(e.result, offering)
        e.position = place.get(e.pk)
    return rows


def enrolment_counts(offering) -> dict[str, int]:
    """{"enrolled": n, "waiting": n} of the offering, counted by the database."""
    return offering.enrolments.aggregate(
        enrolled=Count("pk", filter=Q(status=ENROLLED)), waiting=Count("pk", filter=Q(status=WAITLISTED))
    )


class JSONArrayLength(Func):
    """The length of a JSON array column, counted by the database (the rows themselves are not read)."""

    function = "JSON_ARRAY_LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra_context)


def result_import_history(user, offering) -> list[ResultImport]:
    """The offering's committed result imports, newest first, for the people who may see its results.

    Each carries `.row_count` (rows applied), `changed_count` (results that changed), `uploaded_by`, and
    `.repeat`: True when a file with the same content (SHA-256) had already been imported into this offering.
    Previews that were never committed are not imports and are left out.
    """
    permissions.check_can_view_results(user, offering)
    records = list(
        ResultImport.objects.filter(offering=offering, committed_at__isnull=False)
        .select_related("uploaded_by")
        .defer("rows", "errors")
        .annotate(row_count=JSONArrayLength("rows"))
        .order_by("committed_at", "pk")
    )
    seen = set()
    for record in records:
        record.repeat = record.sha256 in seen
        seen.add(record.sha256)
    records.reverse()
    return records


def offerings_for_staff(user):
    """Offerings the user may manage or assess (permissions.staff_offerings_scope), newest first."""
    scope = permissions.staff_offerings_scope(user)
    if scope is None:
        return Offering.objects.none()
    qs = Offering.objects.select_related("version", "institution", "micro_credential").annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=ENROLLED), distinct=True),
        waiting=Count("enrolments", filter=Q(enrolments__status=WAITLISTED), distinct=True),
    )
    if not scope:  # everything (the alliance admin): no join, no duplicates to remove
        return qs.order_by("-starts_on")
    return qs.filter(scope).distinct().order_by("-starts_on")


def open_offerings():
    """Offerings of published micro-credentials whose enrolment has not closed yet."""
    return (
        Offering.objects.filter(
            micro_credential__status=MicroCredential.Status.PUBLISHED, enrolment_closes__gte=timezone.now()
        )
        .select_related("version", "institution")
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=ENROLLED)))
        .order_by("enrolment_closes", "starts_on")
    )


def offerable_micro_credentials(user) -> list[tuple[MicroCredential, object]]:
    """Published micro-credentials (with their current version) the user may create offerings of."""
    out = []
    for mc in MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED).prefetch_related(
        Prefetch("versions")
    ):
        version = mc.current_version
        if version is not None and permissions.can_create_offering(user, version):
            out.append((mc, version))
    return out


def ready_for_credential(offering=None, institution=None):
    """Enrolments whose learner has completed (see COMPLETED_RESULT), oldest assessment first.

    `offering` limits to one offering; `institution` to the completions that institution issues: the
    awarding university's own, or, for the alliance itself (`is_alliance`), the centrally issued ones.
    Each carries `.result`. Use `completion_key(enrolment)` to avoid issuing twice.
    """
    completed = Result.objects.filter(COMPLETED_RESULT)
    qs = Enrolment.objects.filter(status=ENROLLED).select_related(
        "learner", "offering__version", "offering__institution", "offering__micro_credential"
    )
    if offering is not None:
        qs = qs.filter(offering=offering)
        completed = completed.filter(offering=offering)
    if institution is not None:
        if getattr(institution, "is_alliance", False):
            qs = qs.filter(offering__version__issued_by_alliance=True)
        else:
            qs = qs.filter(
                offering__version__issued_by_alliance=False, offering__version__awarding_institution=institution
            )
    results = {(r.offering_id, r.learner_id): r for r in completed}
    enrolments = [
        e for e in qs.order_by("offering__starts_on", "learner__email") if (e.offering_id, e.learner_id) in results
    ]
    for e in enrolments:
        e.result = results[(e.offering_id, e.learner_id)]
        e.completed = True
        e.completion_key = completion_key(e)
    return enrolments


def offerings_with_completions():
    """Offerings with at least one completed result (COMPLETED_RESULT), earliest start first, in one query.

    For lists of offerings whose completions wait for credentials: read each one's completions with
    `ready_for_credential(offering=…)` (a fixed number of queries, whatever the number of learners)."""
    return (
        Offering.objects.filter(pk__in=Result.objects.filter(COMPLETED_RESULT).values("offering_id"))
        .select_related("version", "institution", "micro_credential")
        .order_by("starts_on", "pk")
    )


def ready_for_credential_visible_to(user) -> list[Enrolment]:
    scope = permissions.issuing_scope(user)
    if scope is None:
        return []
    offering_ids = set(Offering.objects.filter(scope).values_list("pk", flat=True))
    return [e for e in ready_for_credential() if e.offering_id in offering_ids]


class NotCompleted(ValidationFailed):
    code = "not_completed"


def completion_for_issuance(enrolment) -> dict:
    """What the credentials engine needs for one completion. Raises NotCompleted when there is none.

    {completion_key, micro_credential_version, learner_name, learner_email, learner_did, grade, awarded_on}
    """
    enrolment = Enrolment.objects.select_related("learner", "offering__version").get(pk=enrolment.pk)
    result = result_for(enrolment)
    if enrolment.status != ENROLLED or not is_completed(result, enrolment.offering):
        raise NotCompleted(f"Enrolment {enrolment.pk} has not completed the micro-credential.")
    learner = enrolment.learner
    return {
        "completion_key": completion_key(enrolment),
        "micro_credential_version": enrolment.offering.version,
        "learner_name": learner.full_name,
        "learner_email": learner.email,
        "learner_did": learner.did or None,
        "grade": result.grade or None,
        "awarded_on": result.assessed_on,
    }
