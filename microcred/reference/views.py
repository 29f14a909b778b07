"""Public reference pages: the ESCO look-up (works without JavaScript), an occupation's skills, frameworks, sources."""

from django.http import Http404
from django.shortcuts import render

from microcred.reference import selectors
from microcred.reference.forms import EscoSearchForm
from microcred.reference.models import ContentArea, EducationalPrinciple, EqfLevel


def skills_page(request):
    form = EscoSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        search = selectors.search_occupations if form.cleaned_data["kind"] == "occupations" else selectors.search_skills
        results = search(form.cleaned_data["q"], limit=selectors.MAX_LIMIT, language=form.cleaned_data["lang"] or None)
    return render(request, "reference/skills.html", {"form": form, "results": results})


def occupation_page(request, reference: str):
    found = selectors.skills_for_occupation(reference)
    if found is None:
        raise Http404("No such occupation")
    return render(request, "reference/occupation.html", found)


def frameworks_page(request):
    return render(
        request,
        "reference/frameworks.html",
        {
            "eqf_levels": EqfLevel.objects.all(),
            "principles": EducationalPrinciple.objects.all(),
            "content_areas": ContentArea.objects.all(),
        },
    )


def sources_page(request):
    return render(request, "reference/sources.html", {})
