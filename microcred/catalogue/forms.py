"""Forms of the catalogue's staff pages (category overviews, translations). Services do the checking."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from microcred.catalogue.models import CategoryOverview, MicroCredential
from microcred.core.text import DOCUMENT_TEXT, SECTION_TEXT
from microcred.reference.models import ContentArea


class CategoryOverviewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=120,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the title when left empty."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=CategoryOverview.Scope.choices)
    content_area = forms.ModelChoiceField(
        label=_("Content area"),
        queryset=ContentArea.objects.order_by("order", "name"),
        required=False,
        help_text=_("Only when the scope is a content area."),
    )
    language = forms.ChoiceField(label=_("Language of the text"), choices=settings.LANGUAGES, initial="en")
    body = forms.CharField(
        label=_("Text"),
        max_length=DOCUMENT_TEXT,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("HTML with headings (h2, h3), paragraphs, lists, links and emphasis; anything else is removed."),
    )
    featured = forms.ModelMultipleChoiceField(
        label=_("Featured micro-credentials"),
        queryset=MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED).order_by("slug"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=SECTION_TEXT, widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    learning_outcomes = forms.CharField(
        label=_("Learning outcomes"),
        max_length=SECTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One per line, in the order of the original."),
    )

    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("learning_outcomes", "").splitlines() if line.strip()]
