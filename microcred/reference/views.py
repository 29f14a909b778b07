"""Public reference pages: the ESCO look-up (works without JavaScript), an occupation's skills, frameworks, sources;
the institutions' logos and colours."""

import hashlib

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render

from microcred.reference import branding, selectors
from microcred.reference.forms import EscoSearchForm
from microcred.reference.models import ContentArea, EducationalPrinciple, EqfLevel, Institution

#: Logos and the colours' stylesheet change rarely; an hour in a browser or CDN, revalidated by ETag.
BRAND_MAX_AGE = 3600


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


def _cached(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={BRAND_MAX_AGE}"
    response.same_for_everyone = True  # core.middleware.SameForEveryoneMiddleware: no Vary, one copy in a CDN
    return response


def _not_modified(request, etag: str) -> bool:
    return etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]


def institution_logo(request, slug: str):
    """The institution's uploaded logo (PNG) or its monogram (SVG), with an ETag for conditional GET."""
    institution = Institution.objects.filter(slug=slug).first()
    if institution is None:
        raise Http404("No such institution")
    etag = branding.logo_etag(institution)
    if _not_modified(request, etag):
        return _cached(HttpResponseNotModified(), etag)
    if branding.has_uploaded_logo(institution):
        response = HttpResponse(branding.logo_png(institution), content_type="image/png")
    else:
        response = HttpResponse(branding.monogram_svg(institution), content_type="image/svg+xml; charset=utf-8")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return _cached(response, etag)


def brand_stylesheet(request):
    """Each institution's colours as CSS custom properties on ``.brand-<slug>`` (the pages carry no inline
    style: core.middleware's Content-Security-Policy), for cards, badges and headers."""
    css = branding.stylesheet(Institution.objects.order_by("pk"))
    etag = '"' + hashlib.sha256(css.encode("utf-8")).hexdigest()[:32] + '"'
    if _not_modified(request, etag):
        return _cached(HttpResponseNotModified(), etag)
    return _cached(HttpResponse(css, content_type="text/css; charset=utf-8"), etag)
