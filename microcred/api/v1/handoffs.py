"""/api/v1/tasks: hand-off tasks after approval (policy 7.8), with the same rules as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import CSRF_FAILED, INVALID_BODY, NOT_AUTHENTICATED, documented_error
from microcred.api.schema import NamedChoiceField
from microcred.core.text import COMMENT_TEXT
from microcred.handoffs import permissions, selectors, services
from microcred.handoffs.models import HandoffTask

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)
NO_TASK = documented_error("`task_not_found`: there is no such task, or you may not see it (the two look the same).")


class ChecklistItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    done = serializers.BooleanField()
    done_at = serializers.DateTimeField(allow_null=True)


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="The code of the task's kind in the hand-off plan.")
    title = serializers.CharField()
    proposal = serializers.IntegerField()
    proposal_reference = serializers.CharField()
    micro_credential = serializers.CharField(allow_null=True, help_text="The micro-credential's slug.")
    owner_role = serializers.CharField()
    owner_university = serializers.CharField(allow_null=True, help_text="Its slug, when the role is per university.")
    due_on = serializers.DateField()
    status = NamedChoiceField("TaskStatusEnum", choices=HandoffTask.Status.choices)
    overdue = serializers.BooleanField()
    cancel_reason = serializers.CharField(allow_blank=True)
    checklist = ChecklistItemOut(many=True)
    may_update = serializers.BooleanField(help_text="Whether you may tick its checklist and move its status.")


class TaskListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = TaskOut(many=True)


def _out(task: HandoffTask, user) -> dict:
    return {
        "id": task.pk,
        "kind": task.kind.code,
        "title": task.title,
        "proposal": task.proposal_id,
        "proposal_reference": task.proposal.reference,
        "micro_credential": task.micro_credential.slug if task.micro_credential_id else None,
        "owner_role": task.owner_role,
        "owner_university": task.owner_institution.slug if task.owner_institution_id else None,
        "due_on": task.due_on,
        "status": task.status,
        "overdue": task.is_overdue(),
        "cancel_reason": task.cancel_reason,
        "checklist": [
            {"id": item.pk, "text": item.text, "done": item.done, "done_at": item.done_at} for item in task.items.all()
        ],
        "may_update": permissions.may_update_task(user, task),
    }


class TaskListApi(APIView):
    """The tasks whose owner role you hold, overdue ones first (at most 500)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="tasks_list", responses={200: TaskListOut, 401: UNAUTHENTICATED})
    def get(self, request):
        tasks = selectors.tasks_for(request.user).prefetch_related("items")
        return Response({"count": tasks.count(), "results": [_out(t, request.user) for t in tasks[:500]]})


class ChecklistChangeIn(serializers.Serializer):
    id = serializers.IntegerField()
    done = serializers.BooleanField()


class TaskChangeIn(serializers.Serializer):
    checklist = ChecklistChangeIn(many=True, required=False, help_text="Items to tick (done) or untick.")
    status = NamedChoiceField("TaskStatusEnum", choices=HandoffTask.Status.choices, required=False)
    reason = serializers.CharField(
        max_length=COMMENT_TEXT, required=False, allow_blank=True, default="", help_text="Required to cancel."
    )


class TaskApi(APIView):
    permission_classes = [IsAuthenticated]
    # JSON only: the checklist is a list of objects, which a form body cannot carry.
    parser_classes = [JSONParser]

    @extend_schema(operation_id="tasks_retrieve", responses={200: TaskOut, 401: UNAUTHENTICATED, 404: NO_TASK})
    def get(self, request, pk: int):
        return Response(_out(services.access_task(request.user, pk), request.user))

    @extend_schema(
        operation_id="tasks_partial_update",
        request=TaskChangeIn,
        responses={
            200: TaskOut,
            400: documented_error(
                f"{INVALID_BODY} `invalid` also when nothing is to change, an item is not on the task's checklist, a "
                "cancellation has no reason, or the task is marked done with items not ticked."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                "`not_allowed`: only the people in the task's owner role change it (and the board secretary may "
                f"cancel it). {CSRF_FAILED}"
            ),
            404: NO_TASK,
            409: documented_error(
                "`task_state`: the status cannot change that way (a cancelled task stays cancelled; a done one "
                "goes back to in progress only)."
            ),
        },
    )
    def patch(self, request, pk: int):
        data = TaskChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        items = {row["id"]: row["done"] for row in data.validated_data.get("checklist", [])}
        task = services.update_task(
            user=request.user,
            task_id=pk,
            items=items,
            status=data.validated_data.get("status", ""),
            reason=data.validated_data["reason"],
        )
        task.refresh_from_db()
        return Response(_out(task, request.user))
