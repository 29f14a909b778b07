"""The dashboard's filters (a GET form): period, university, kind, content area, and the indicator the
breakdowns and trends show. Bad values are refused with a message, never a server error."""

from __future__ import annotations

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from microcred.catalogue.kinds import CredentialKind
from microcred.proposals.models import AgendaPaper, Meeting
from microcred.proposals.permissions import can_place_paper
from microcred.proposals.selectors import upcoming_meetings
from microcred.reference.models import ContentArea, Institution
from microcred.reporting.indicators import Filters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    university = forms.ModelChoiceField(
        label=_("University"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("All universities"),
        to_field_name="slug",
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    content_area = forms.ModelChoiceField(
        label=_("Content area"),
        queryset=ContentArea.objects.all(),
        required=False,
        empty_label=_("All content areas"),
        to_field_name="slug",
    )
    # The indicators are known once the figures are computed: the code is checked then (`refuse_indicator`),
    # and the choices are given to the widget (`offer_indicators`).
    indicator = forms.SlugField(
        label=_("Indicator shown in the trends and breakdowns"), max_length=80, required=False, widget=forms.Select
    )

    def __init__(self, data=None, *, universities=None):
        """``universities``: the institutions the reader may narrow to (every member university when None)."""
        super().__init__(data)
        members = Institution.objects.filter(is_alliance=False)
        self.fields["university"].queryset = members if universities is None else universities
        self.fields["kind"].choices = [("", _("All kinds")), *CredentialKind.choices]

    def offer_indicators(self, pairs) -> None:
        self.fields["indicator"].widget.choices = list(pairs)

    def refuse_indicator(self) -> None:
        self.add_error("indicator", _("There is no such indicator; the first one is shown."))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must not be before its start."))
        return cleaned

    def filters(self) -> Filters:
        """The filters to apply: those chosen, or none when the form is not valid."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            start=data.get("start"),
            end=data.get("end"),
            university_id=data["university"].pk if data.get("university") else None,
            kind=data.get("kind") or None,
            content_area_id=data["content_area"].pk if data.get("content_area") else None,
        )

    def indicator_code(self) -> str | None:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("indicator") or None
        return None

    def described(self) -> list[str]:
        """The filters applied, in words, for a report's reader."""
        if not self.is_bound or not self.is_valid():
            return []
        data, lines = self.cleaned_data, []
        if data.get("start") or data.get("end"):
            lines.append(
                _("Period: %(start)s to %(end)s.")
                % {
                    "start": formats.date_format(data["start"], "DATE_FORMAT") if data.get("start") else _("the start"),
                    "end": formats.date_format(data["end"], "DATE_FORMAT") if data.get("end") else _("today"),
                }
            )
        if data.get("university"):
            lines.append(_("University: %(name)s.") % {"name": data["university"].name})
        if data.get("kind"):
            lines.append(_("Kind: %(kind)s.") % {"kind": CredentialKind(data["kind"]).label})
        if data.get("content_area"):
            lines.append(_("Content area: %(name)s.") % {"name": data["content_area"].name})
        return lines

    def file_name_parts(self) -> list[str]:
        """The chosen filters, for a downloaded file's name: dates, university, kind, content area."""
        if not self.is_bound or not self.is_valid():
            return []
        data = self.cleaned_data
        parts = []
        if data.get("start"):
            parts.append(f"from-{data['start']:%Y-%m-%d}")
        if data.get("end"):
            parts.append(f"to-{data['end']:%Y-%m-%d}")
        if data.get("university"):
            parts.append(data["university"].slug)
        if data.get("kind"):
            parts.append(data["kind"].replace("_", "-"))
        if data.get("content_area"):
            parts.append(data["content_area"].slug)
        return parts


class AgendaForm(forms.Form):
    """Put the board report on an upcoming Academic Council meeting's agenda (for who may place a KPI report)."""

    meeting = forms.ModelChoiceField(
        label=_("Academic Council meeting"),
        queryset=Meeting.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose an upcoming Academic Council meeting.")},
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, data=None, *, user, query: str = ""):
        super().__init__(data, initial={"query": query})
        meetings = upcoming_meetings(Meeting.Body.ACADEMIC_COUNCIL).filter(date__gte=timezone.now())
        self.fields["meeting"].queryset = meetings  # who may place the paper is the service's to say
        self.offered = can_place_paper(user, AgendaPaper.Kind.KPI_REPORT) and meetings.exists()
