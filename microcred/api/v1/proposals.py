"""/api/v1/proposals: staff list, read and act on proposals with the same rules as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.proposals import permissions, selectors, services
from microcred.proposals.models import Proposal
from microcred.proposals.versions import snapshot
from microcred.proposals.workflow import Action, allowed_actions


class ProposalSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
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
        "institution": p.institution.slug,
        "version": v.number,
        "updated_at": p.updated_at,
    }


class ProposalListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProposalSummaryOut(many=True))
    def get(self, request):
        qs = selectors.visible_proposals(request.user)
        if status_filter := request.query_params.get("status"):
            qs = qs.filter(status=status_filter)
        if request.query_params.get("waiting_for_me"):
            ids = {p.pk for _role, items in selectors.waiting_for(request.user) for p in items}
            qs = qs.filter(pk__in=ids)
        return Response({"count": qs.count(), "results": [_summary(p) for p in qs[:500]]})


class ProposalDetailOut(ProposalSummaryOut):
    revision = serializers.IntegerField()
    fields = serializers.DictField(child=serializers.CharField())
    checklist = serializers.ListField(child=serializers.DictField())
    history = serializers.ListField(child=serializers.DictField())
    actions_available = serializers.ListField(child=serializers.CharField())


class ProposalDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProposalDetailOut)
    def get(self, request, pk: int):
        proposal = permissions.access_proposal(request.user, pk)
        version = proposal.current_version
        return Response(
            {
                **_summary(proposal),
                "revision": proposal.revision,
                "fields": {name: value for name, _label, value in snapshot(version)},
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


class ActionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a.value for a in Action])
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    revision = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProposalActionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ActionIn, responses=ProposalSummaryOut)
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


class DecisionIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["approve", "approve_with_conditions", "request_revisions", "reject"])
    rationale = serializers.CharField()
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionOut(serializers.Serializer):
    agenda_item = serializers.IntegerField()
    outcome = serializers.CharField()
    decided_by = serializers.CharField()
    decided_at = serializers.DateTimeField()


class DecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=DecisionIn, responses={201: DecisionOut})
    def post(self, request, item_id: int):
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.record_decision(user=request.user, agenda_item_id=item_id, **data.validated_data)
        return Response(
            {
                "agenda_item": item_id,
                "outcome": decision.outcome,
                "decided_by": str(decision.decided_by),
                "decided_at": decision.decided_at,
            },
            status=status.HTTP_201_CREATED,
        )
