"""The confirmation step of a destructive or bulk action (issue #16: revoke, bulk issue, cancel an enrolment,
withdraw, retire, delete, remove).

Without JavaScript: the first request (a GET link, or the POST of the form that names the action) answers a page
that says in plain words what will happen, to whom or how many, and what cannot be undone, with the reason field
where the action needs one, a danger-styled confirm button and a link back. Only a POST carrying the
confirmation (`is_confirmed`) performs the action, and it does so through the app's service, the one place that
performs it: a view adds the step, never the rule. Posting the confirmation twice changes nothing the second time,
because each service refuses or ignores what is already done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.core.validators import MaxLengthValidator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"


def is_confirmed(request) -> bool:
    """True only for a POST that carries the confirmation the confirmation step's button sends."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def posted_fields(request) -> list[tuple[str, str]]:
    """Every field of the POST as it was sent (but the CSRF token and the confirmation), to carry to the confirm
    button when the confirmation step repeats a whole form (a decision: outcome, rationale, conditions)."""
    return [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in request.POST.getlist(name)
    ]


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation step says and sends.

    `question` heads the page ("Revoke the credential of Katrin Weber?"); `consequences` are whole sentences: what
    happens, to whom or how many; `irreversible` says what cannot be undone ("" when it can); `carried` are the
    hidden fields the action needs as posted the first time; `form` holds the fields the person fills in here (a
    reason), with its errors; `error` is a refusal to show (nothing changed)."""

    question: str
    consequences: Sequence[str]
    confirm_label: str
    action_url: str
    cancel_url: str
    irreversible: str = ""
    cancel_label: str = ""
    carried: Sequence[tuple[str, str]] = ()
    form: forms.Form | None = None
    error: str = ""

    @property
    def back_label(self) -> str:
        return self.cancel_label or _("Cancel: change nothing")


class ReasonForm(forms.Form):
    """The reason an action asks for (revoking, cancelling someone's enrolment, retiring), typed on the first page
    or on the confirmation page. Its absence is said next to the field; the service checks it again."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, label, missing, help_text="", max_length=500, **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["reason"]
        field.label, field.help_text, field.max_length = label, help_text, max_length
        field.error_messages["required"] = missing
        field.validators.append(MaxLengthValidator(max_length))
        field.widget.attrs["maxlength"] = str(max_length)

    @classmethod
    def from_request(cls, request, **kwargs) -> ReasonForm:
        """The form as posted the first time (unbound, so no error shows yet) or as confirmed (bound)."""
        if is_confirmed(request):
            return cls(request.POST, **kwargs)
        return cls(initial={"reason": request.POST.get("reason", "")}, **kwargs)


def render_confirmation(request, confirmation: Confirmation, *, status: int = 200, context: dict | None = None):
    """The confirmation page (core/confirm.html): the question as its heading, then includes/confirm.html."""
    return render(request, "core/confirm.html", {"confirmation": confirmation, **(context or {})}, status=status)
