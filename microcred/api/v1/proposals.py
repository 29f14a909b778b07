"""/api/v1/proposals: staff list, read and act on proposals with the same rules as the pages."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import CSRF_FAILED, INVALID_BODY, NOT_AUTHENTICATED, documented_error, error_body
from microcred.api.schema import NamedChoiceField
from microcred.core.text import COMMENT_TEXT
from microcred.proposals import co_proposers, permissions, publishing, selectors, services
from microcred.proposals.checklist import RuleStatus
from microcred.proposals.conditions import ConditionInput
from microcred.proposals.models import Proposal, ProposalStatus
from microcred.proposals.versions import snapshot
from microcred.proposals.workflow import Action, allowed_actions

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)
NO_PROPOSAL = documented_error(
    "`proposal_not_found`: there is no such proposal, or you may not see it (the two look the same)."
)


class ProposalSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = NamedChoiceField("ProposalStatusEnum", choices=ProposalStatus.choices)
    proposal_type = serializers.CharField(
        help_text="What is proposed: `micro_credential` (its fields are those of policy Appendix 2) or `pathway` (its "
        "fields are the pathway's: universities, description, rule, total ECTS)."
    )
    institution = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


def _summary(p: Proposal) -> dict:
    v = p.current_version
    return {
        "id": p.pk,
        "reference": p.reference,
        "title": v.title,
        "status": p.status,
        "proposal_type": p.proposal_type,
        "institution": p.institution.slug,
        "version": v.number,
        "updated_at": p.updated_at,
    }


class ProposalListOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the matching proposals (`results` holds the first 500).")
    results = ProposalSummaryOut(many=True)


TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}


class ProposalListApi(APIView):
    """The proposals you may see, most recently changed first (at most 500)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="proposals_list",
        parameters=[
            OpenApiParameter("status", str, enum=ProposalStatus.values, description="Only proposals in this status."),
            OpenApiParameter(
                "waiting_for_me",
                bool,
                description="true (or 1, yes): only the proposals waiting for an action of yours; false (or 0, no): "
                "all of them.",
            ),
        ],
        responses={
            200: ProposalListOut,
            400: documented_error("`invalid`: waiting_for_me is not true or false, or status is not a status."),
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request):
        waiting = (request.query_params.get("waiting_for_me") or "false").strip().lower()
        if waiting not in TRUE_VALUES | FALSE_VALUES:
            return Response(
                error_body("invalid", "waiting_for_me is true or false.", {"waiting_for_me": waiting[:50]}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        status_filter = request.query_params.get("status")
        if status_filter and status_filter not in ProposalStatus.values:
            # Not an empty list: a misspelt status would look like "no proposal has it".
            return Response(
                error_body("invalid", "status is not a proposal status.", {"status": status_filter[:50]}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        qs = selectors.visible_proposals(request.user)
        if status_filter:
            qs = qs.filter(status=status_filter)
        if waiting in TRUE_VALUES:
            ids = {p.pk for _role, items in selectors.waiting_for(request.user) for p in items}
            qs = qs.filter(pk__in=ids)
        return Response({"count": qs.count(), "results": [_summary(p) for p in qs[:500]]})


class ProblemOut(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()


class ChecklistRuleOut(serializers.Serializer):
    rule = serializers.CharField()
    label = serializers.CharField()
    policy = serializers.CharField()
    status = NamedChoiceField("ChecklistRuleStatusEnum", choices=[s.value for s in RuleStatus])
    problems = ProblemOut(many=True)


class CoProposerIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The colleague's account address (case does not count).")


class CoProposerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    institution = serializers.CharField(help_text="The slug of the university they propose for (policy 7.4).")


def _co_proposer(link) -> dict:
    return {"id": link.person_id, "name": str(link.person), "institution": link.institution.slug}


class ProposalDetailOut(ProposalSummaryOut):
    revision = serializers.IntegerField(help_text="Send it back as `revision` in an action to refuse stale changes.")
    fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Each field of the current version as people read it: for a micro-credential, those of policy "
        "Appendix 2; for a pathway, its own (no Appendix 2 field).",
    )
    proposer = serializers.CharField(help_text="Who opened the proposal, for its university.")
    co_proposers = CoProposerOut(
        many=True,
        help_text="The colleagues who write it with the proposer, in the order they were added (policy 7.4).",
    )
    institutional_approvals = inline_serializer(
        "InstitutionalApprovalOut",
        fields={
            "institution": serializers.CharField(help_text="A proposing university's slug."),
            "approved": serializers.BooleanField(),
            "approved_by": serializers.CharField(allow_null=True),
            "approved_at": serializers.DateTimeField(allow_null=True),
        },
        many=True,
        help_text="Each proposing university (its own, then each co-proposer's) and its approval in the current "
        "round (policy 7.4): the proposal is submitted once all have approved.",
    )
    checklist = ChecklistRuleOut(many=True)
    history = inline_serializer(
        "ProposalEventOut",
        fields={
            "at": serializers.DateTimeField(),
            "actor": serializers.CharField(),
            "action": serializers.CharField(),
            "from": NamedChoiceField("ProposalStatusEnum", choices=ProposalStatus.choices),
            "to": NamedChoiceField("ProposalStatusEnum", choices=ProposalStatus.choices),
            "comment": serializers.CharField(allow_blank=True),
            "version": serializers.IntegerField(),
        },
        many=True,
    )
    actions_available = serializers.ListField(
        child=NamedChoiceField("ActionEnum", choices=[a.value for a in Action]),
        help_text="The actions you may take now.",
    )


class ProposalDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="proposals_retrieve", responses={200: ProposalDetailOut, 401: UNAUTHENTICATED, 404: NO_PROPOSAL}
    )
    def get(self, request, pk: int):
        proposal = permissions.access_proposal(request.user, pk)
        version = proposal.current_version
        # The proposal type's own rows (a pathway's), or the Appendix 2 snapshot of a micro-credential.
        rows_of = publishing.summary_of(proposal.proposal_type) or snapshot
        return Response(
            {
                **_summary(proposal),
                "revision": proposal.revision,
                "fields": {name: value for name, _label, value in rows_of(version)},
                "proposer": str(proposal.proposer),
                "co_proposers": [_co_proposer(link) for link in selectors.co_proposer_links_of(proposal)],
                "institutional_approvals": [
                    {
                        "institution": row.institution.slug,
                        "approved": row.approval is not None,
                        "approved_by": str(row.approval.approved_by) if row.approval else None,
                        "approved_at": row.approval.approved_at if row.approval else None,
                    }
                    for row in selectors.university_approvals(proposal)
                ],
                "checklist": [
                    {
                        "rule": r.code,
                        "label": r.label,
                        "policy": r.policy,
                        "status": r.status,
                        "problems": [{"field": p.field, "message": p.message} for p in r.problems],
                    }
                    for r in services.checklist_for(proposal)
                ],
                "history": [
                    {
                        "at": e.at,
                        "actor": str(e.actor),
                        "action": e.action,
                        "from": e.from_status,
                        "to": e.to_status,
                        "comment": e.comment,
                        "version": e.version_number,
                    }
                    for e in proposal.events.select_related("actor")
                ],
                "actions_available": [
                    a.value
                    for a in allowed_actions(proposal.status)
                    if permissions.may_take_action(request.user, proposal, a)
                ],
            }
        )


class CoProposersApi(APIView):
    """Add a co-proposer: a proposer at a member university, by account address. Only the proposal's proposer, while
    it is being written (draft, returned, revisions requested); adding someone twice changes nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="proposals_co_proposers_create",
        request=CoProposerIn,
        responses={
            200: OpenApiResponse(CoProposerOut, description="The co-proposer, added now or before."),
            400: documented_error(
                f"{INVALID_BODY} `invalid` also when the address is not a proposer's at a member university, is the "
                "proposer's own, or (revisions requested) names a university that has not approved the proposal."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(f"`not_allowed`: only its proposer adds co-proposers, while writing. {CSRF_FAILED}"),
            404: NO_PROPOSAL,
        },
    )
    def post(self, request, pk: int):
        data = CoProposerIn(data=request.data)
        data.is_valid(raise_exception=True)
        link = co_proposers.add_co_proposer(user=request.user, proposal_id=pk, email=data.validated_data["email"])
        return Response(_co_proposer(link))


class CoProposerApi(APIView):
    """Take a co-proposer off the proposal: its proposer removes one while writing it; a co-proposer removes
    themselves (leaves) while it is open and not being approved by the universities. Removing someone who is not
    (or no longer) a co-proposer changes nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="proposals_co_proposers_destroy",
        responses={
            200: OpenApiResponse(
                inline_serializer(
                    "CoProposerRemovalOut",
                    fields={
                        "removed": serializers.BooleanField(
                            help_text="false: they were not (or no longer) a co-proposer; nothing changed."
                        )
                    },
                ),
                description="Not a co-proposer (any more).",
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                "`not_allowed`: only its proposer removes co-proposers, while writing; a co-proposer leaves neither a "
                f"closed proposal nor one the universities are approving; the proposer withdraws instead. {CSRF_FAILED}"
            ),
            404: NO_PROPOSAL,
        },
    )
    def delete(self, request, pk: int, person_id: int):
        if person_id == request.user.pk:
            removed = co_proposers.leave_proposal(user=request.user, proposal_id=pk)
        else:
            removed = co_proposers.remove_co_proposer(user=request.user, proposal_id=pk, person_id=person_id)
        return Response({"removed": removed})


class ActionIn(serializers.Serializer):
    action = NamedChoiceField("ActionEnum", choices=[a.value for a in Action])
    comment = serializers.CharField(max_length=COMMENT_TEXT, required=False, allow_blank=True, default="")
    revision = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProposalActionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="proposals_actions_create",
        request=ActionIn,
        responses={
            200: ProposalSummaryOut,
            400: documented_error(
                f"{INVALID_BODY} `checklist_incomplete`: the proposal cannot be submitted yet, `details.problems` "
                "lists what is missing. `invalid`: a required comment is missing, or the action does not fit the "
                "proposal's call."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                "`not_allowed`: you may not take this action (scheduling and decisions go through the agenda). "
                f"`own_proposal`: nobody approves, reviews or decides on their own proposal. {CSRF_FAILED}"
            ),
            404: NO_PROPOSAL,
            409: documented_error(
                "`invalid_transition`: the action is not possible in the proposal's status. `stale`: `revision` is "
                "not the proposal's current revision; nothing changed."
            ),
        },
    )
    def post(self, request, pk: int):
        data = ActionIn(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.take_action(
            user=request.user,
            proposal_id=pk,
            action=data.validated_data["action"],
            comment=data.validated_data["comment"],
            expected_revision=data.validated_data["revision"],
        )
        return Response(_summary(proposal))


DECISION_OUTCOMES = ["approve", "approve_with_conditions", "request_revisions", "reject"]


class ConditionItemIn(serializers.Serializer):
    text = serializers.CharField(max_length=COMMENT_TEXT)
    due_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today or later; empty: CONDITION_DUE_DAYS from today."
    )


class DecisionIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DECISION_OUTCOMES)
    rationale = serializers.CharField(max_length=COMMENT_TEXT)
    conditions = serializers.CharField(
        max_length=COMMENT_TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="The conditions of an approval with conditions, one per line, each due CONDITION_DUE_DAYS from "
        "today (or give `condition_items`).",
    )
    condition_items = ConditionItemIn(
        many=True, required=False, help_text="The conditions one by one, each with its due date (issue #14)."
    )


class DecisionOut(serializers.Serializer):
    agenda_item = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=DECISION_OUTCOMES)
    decided_by = serializers.CharField()
    decided_at = serializers.DateTimeField()


class DecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="agenda_items_decision_create",
        request=DecisionIn,
        responses={
            201: OpenApiResponse(DecisionOut, description="The decision, recorded; the proposal moved on."),
            400: documented_error(
                f"{INVALID_BODY} `invalid` also when the rationale, or the conditions of an approval with "
                "conditions, are only spaces, or a condition's due date is in the past, or the meeting's day (in the "
                "platform's time zone) has not come yet: a meeting's decisions are recorded from its day on."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                "`not_allowed`: you may not decide on this item. `own_proposal`: nobody decides on their own "
                f"proposal. {CSRF_FAILED}"
            ),
            404: NO_PROPOSAL,
            409: documented_error(
                "`already_decided`: the item has its decision. `not_on_agenda`: there is no such agenda item, or the "
                "proposal is not waiting for a decision at this meeting."
            ),
        },
    )
    def post(self, request, item_id: int):
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data.pop("condition_items", None)
        if items is not None:
            items = [ConditionInput(row["text"], row["due_on"]) for row in items]
        decision = services.record_decision(
            user=request.user, agenda_item_id=item_id, condition_items=items, **data.validated_data
        )
        return Response(
            {
                "agenda_item": item_id,
                "outcome": decision.outcome,
                "decided_by": str(decision.decided_by),
                "decided_at": decision.decided_at,
            },
            status=status.HTTP_201_CREATED,
        )
