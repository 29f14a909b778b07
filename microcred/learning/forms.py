"""Forms of the learning pages. Field checks only; the rules live in validation.py and the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT
from microcred.learning.grading import DEFAULT_SCALE
from microcred.learning.imports import MAX_IMPORT_BYTES
from microcred.learning.models import Offering
from microcred.proposals.choices import Language
from microcred.reference.models import Institution


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OfferingForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Delivering university"), queryset=Institution.objects.none(), empty_label=None
    )
    format = forms.ChoiceField(label=_("Format"), choices=Offering.Format.choices)
    mode = forms.ChoiceField(label=_("Online, on-site or blended"), choices=Offering.Mode.choices)
    location = forms.CharField(
        label=_("Place"), required=False, max_length=200, help_text=_("City and venue, for on-site or blended.")
    )
    language = forms.ChoiceField(label=_("Language of instruction"), choices=Language.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    enrolment_opens = forms.DateTimeField(label=_("Enrolment opens"), widget=DateTimeInput())
    enrolment_closes = forms.DateTimeField(label=_("Enrolment closes"), widget=DateTimeInput())
    capacity = forms.IntegerField(label=_("Places"))
    fee = forms.DecimalField(label=_("Fee (EUR)"), max_digits=8, decimal_places=2, initial=0)
    fee_waivers = forms.CharField(
        label=_("Fee waivers"),
        max_length=COMMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who pays less or nothing, following the accrediting university's financial model."),
    )
    grade_scale = forms.CharField(
        label=_("Grade scale"),
        max_length=200,
        initial=DEFAULT_SCALE,
        help_text=_("A range such as 0-10 or 0-100, or the grades as a list such as A,B,C,D,E,F."),
    )
    lms_code = forms.CharField(label=_("Course code in the LMS"), required=False, max_length=100)

    def __init__(self, *args, institutions=None, offering=None, **kwargs):
        """A new offering for one of `institutions`, or (with `offering`) a change to an existing one, whose
        delivering university stays."""
        if offering is not None:
            kwargs.setdefault(
                "initial", {name: getattr(offering, name) for name in self.base_fields if name != "institution"}
            )
        super().__init__(*args, **kwargs)
        if offering is not None:
            del self.fields["institution"]
        else:
            self.fields["institution"].queryset = (
                institutions if institutions is not None else Institution.objects.none()
            )

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "institution"}


class EnrolForm(forms.Form):
    prerequisites_acknowledged = forms.BooleanField(label=_("I meet the prerequisites described above"), required=True)


class AssessorForm(forms.Form):
    email = forms.EmailField(label=_("Assessor's e-mail address"))


class ResultForm(forms.Form):
    learner = forms.TypedChoiceField(label=_("Learner"), coerce=int)
    participated = forms.ChoiceField(label=_("Participated"), choices=[("yes", _("Yes")), ("no", _("No"))])
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("No result (participation only)")), ("pass", _("Passed")), ("fail", _("Did not pass"))],
    )
    grade = forms.CharField(label=_("Grade"), required=False, max_length=20)
    evidence_url = forms.CharField(
        label=_("Evidence link"), required=False, max_length=500, help_text=_("A web address (http or https).")
    )
    assessed_on = forms.CharField(label=_("Assessed on"), max_length=40, widget=DateInput(), help_text=_("YYYY-MM-DD"))

    def __init__(self, *args, learners=(), scale="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = [(u.pk, f"{u.full_name} <{u.email}>") for u in learners]
        if scale:
            self.fields["grade"].help_text = _("Scale: %(scale)s") % {"scale": scale}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Results file (CSV or XLSX)"),
        help_text=_("At most 5 MB. Columns: email, result, grade, evidence_url, assessed_on, participated."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is 5 MB.") % {"size": upload.size / 1024 / 1024}
            )
        return upload
