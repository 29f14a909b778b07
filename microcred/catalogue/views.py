"""Public catalogue pages (no log-in) and the communication office's pages. Thin: parse, call, render."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache as django_cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from microcred.catalogue import badges, cache, permissions, selectors, services, structured_data
from microcred.catalogue.annex import AnnexOne
from microcred.catalogue.forms import CategoryOverviewForm, TranslationForm
from microcred.catalogue.kinds import CredentialKind, credential_kind
from microcred.catalogue.models import CategoryOverview, MicroCredential, MicroCredentialVersion
from microcred.catalogue.public_panels import public_panels
from microcred.catalogue.search_panels import search_panels
from microcred.catalogue.staff_panels import staff_panels
from microcred.core.confirmation import Confirmation, ReasonForm, is_confirmed, render_confirmation
from microcred.core.dates import public_date
from microcred.core.exceptions import DomainError
from microcred.core.text import COMMENT_TEXT
from microcred.proposals import permissions as proposal_permissions
from microcred.proposals import selectors as proposal_selectors
from microcred.proposals.choices import AssessmentType, FormOfParticipation, Language

FACET_TITLES = {
    "kind": gettext_lazy("Kind"),
    "area": gettext_lazy("Content area"),
    "eqf": gettext_lazy("EQF level"),
    "lang": gettext_lazy("Language"),
    "form": gettext_lazy("Form of participation"),
    "university": gettext_lazy("University"),
    "skill": gettext_lazy("ESCO skill"),
}
FACET_ORDER = ("kind", "area", "eqf", "lang", "form", "university", "skill")


def catalogue_index(request):
    status = 200
    errors: dict[str, str] = {}
    try:
        query = selectors.parse_query(request.GET)
    except selectors.QueryError as exc:
        errors, status = exc.errors, 400
        query = selectors.CatalogueQuery(text=(request.GET.get("search") or "")[: selectors.MAX_SEARCH_LENGTH])
    language = request.LANGUAGE_CODE
    # Results and facets depend only on the query and the language: anonymous or not, the same HTML
    # (no CSRF token in it), cached briefly and dropped when the catalogue changes (cache.py).
    key = None if errors else cache.results_key(request.GET, language)
    results_html = django_cache.get(key) if key else None
    if results_html is None:
        result = selectors.search(query, language=language)
        words = _CardWords()
        results_html = render_to_string(
            "catalogue/_results.html",
            {
                "query": query,
                "result": result,
                "facets": _facet_panel(result),
                "cards": _result_cards(result, words),
                "words": words,
            },
            request=request,
        )
        if key:
            django_cache.set(key, results_html, cache.RESULTS_SECONDS)
    return render(
        request,
        "catalogue/index.html",
        {
            "query": query,
            "results_html": mark_safe(results_html),  # rendered by our template with autoescaping
            "errors": errors,
            # What other apps find for the same text (the pathways), rendered on every request outside the cached
            # results, so it is never stale (search_panels.py).
            "search_panels": [mark_safe(html) for html in search_panels(request, query.text)],
            "overviews": selectors.published_overviews(),
            "sorts": [
                ("relevance", _("Relevance")),
                ("title", _("Title")),
                ("ects", _("ECTS credits")),
                ("start", _("Next start date")),
            ],
        },
        status=status,
    )


def _facet_panel(result) -> list[dict]:
    """The filter panel's fieldsets: each facet with options (value, label, count, chosen, element id)."""
    panel = []
    for name in FACET_ORDER:
        options = result.facets.get(name, [])
        for n, option in enumerate(options, start=1):
            option["id"] = f"f-{name}-{n}"
        if options:
            panel.append({"name": name, "title": FACET_TITLES[name], "options": options})
    return panel


class _CardWords:
    """What every card of one results page says alike, translated once per page (a page has twenty cards), and
    the addresses made by replacing a placeholder in one reversed URL rather than reversing each."""

    PLACEHOLDER = 987654321
    NUMBER = 98765  # a version number has at most five digits (catalogue/urls.py)

    def __init__(self):
        self.languages = dict(Language.choices)
        self.kinds = dict(CredentialKind.choices)
        self.closed = _("Enrolment is closed")
        self.free = _("Free")
        self.full = _("Full: a waiting list is open")
        self.enrol = _("Enrol")
        self.wait = _("Join the waiting list")
        self.next_offering = _("Next offering:")
        self.see_offering = _("See the offering")
        self.offering_url = reverse("learning:offering", args=[self.PLACEHOLDER])
        self.detail_url = reverse("catalogue:detail", args=["SLUG"])
        self.badge_url = badges.listed_badge_path("SLUG", self.NUMBER, "svg")
        self._modes: dict[str, str] | None = None

    def url_of_offering(self, pk: int) -> str:
        return self.offering_url.replace(str(self.PLACEHOLDER), str(pk))

    def badge_of(self, slug: str, number: int) -> str:
        return self.badge_url.replace(str(self.NUMBER), str(number), 1).replace("SLUG", slug, 1)

    def mode_of(self, offering) -> str:
        """The offering's mode in words, the labels translated once per page (``get_mode_display`` hashes every
        lazy label of the field's choices, translating each, on every call)."""
        if self._modes is None:
            choices = offering._meta.get_field("mode").flatchoices
            self._modes = {value: str(label) for value, label in choices}
        return self._modes.get(offering.mode, offering.mode)


def _offering_card(offering, words: _CardWords | None = None) -> dict:
    """The next offering as a card shows it (issue #16, "next steps"): dates, mode, language, fee, places left and
    the step to take. The card links to the offering's page, where the learner confirms (the rendered results
    are the same for everyone, so they hold no form)."""
    words = words or _CardWords()
    if offering.enrolment == "not_yet":
        state = _("Enrolment opens on %(date)s") % {"date": public_date(offering.enrolment_opens)}
    elif offering.enrolment == "closed":
        state = words.closed
    else:
        state = ""
    return {
        "url": words.url_of_offering(offering.pk),
        "dates": _("%(start)s to %(end)s")
        % {"start": public_date(offering.starts_on), "end": public_date(offering.ends_on)},
        "mode": words.mode_of(offering),
        "taught_in": _("taught in %(language)s")
        % {"language": words.languages.get(offering.language, offering.language)},
        "fee": (_("%(fee)s EUR") % {"fee": floatformat(offering.fee, -2)}) if offering.fee else words.free,
        "places": (
            ngettext("%(n)d place left of %(capacity)d", "%(n)d places left of %(capacity)d", offering.places_left)
            % {"n": offering.places_left, "capacity": offering.capacity}
            if not offering.full
            else words.full
        ),
        "action": (words.wait if offering.full else words.enrol) if not state else "",
        "state": state,
    }


def _result_cards(result, words: _CardWords | None = None) -> list[dict]:
    """One card per result on the page: link, localised title and description, a line of facts, and the next
    offering with the step to take (issue #16)."""
    words = words or _CardWords()
    conditional = selectors.listed_condition_states(result.versions)
    upcoming = selectors.next_offerings(v.micro_credential_id for v in result.versions)
    cards = []
    for v in result.versions:
        kind = credential_kind(v.kind, v.credential_type)
        facts = [v.institution_name, str(words.kinds.get(kind, kind))]
        if v.pk in conditional and not conditional[v.pk].all_confirmed:
            facts.append(_conditions_fact(conditional[v.pk]))
        if v.ects is not None:
            facts.append(_("%(ects)s ECTS") % {"ects": floatformat(v.ects, -1)})  # localised: "2,5 ECTS" in French
        if v.eqf_level:
            facts.append(_("EQF level %(level)s") % {"level": v.eqf_level})
        offering = upcoming.get(v.micro_credential_id)
        cards.append(
            {
                "url": words.detail_url.replace("SLUG", v.slug),
                "localised": v.localised,
                # The badge (catalogue.badges) and the awarding institution's logo and colours (reference.branding).
                "badge_url": words.badge_of(v.slug, v.number),
                "institution": SimpleNamespace(slug=v.institution_slug, name=v.institution_name),
                "facts": facts,
                "offering": _offering_card(offering, words) if offering else None,
            }
        )
    return cards


def _conditions_fact(summary) -> str:
    """ "Approved with conditions", and how many are confirmed met (issue #14)."""
    return _("Approved with conditions (%(confirmed)d of %(total)d confirmed met)") % {
        "confirmed": summary.confirmed,
        "total": summary.total,
    }


def _supervision_text(annex: AnnexOne) -> str:
    supervised, verified = annex.supervised_assessment, annex.identity_verified
    if supervised is None and verified is None:
        return ""
    if supervised and verified:
        return _("Supervised, with identity verification")
    if supervised:
        return _("Supervised, with no identity verification")
    return _("Unsupervised, with no identity verification")


def micro_credential_page(request, slug, number=None):
    mc = get_object_or_404(MicroCredential, slug=slug)
    versions = list(mc.versions.order_by("number"))
    if not versions:
        raise Http404
    if number is None:
        version = versions[-1]
    else:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise Http404(_("There is no such version."))
    version = (
        MicroCredentialVersion.objects.select_related("awarding_institution", "micro_credential")
        .prefetch_related("skills", "co_lead_institutions", "content_areas")
        .get(pk=version.pk)
    )
    localised = selectors.localise(version, selectors.translation_for(version, request.LANGUAGE_CODE))
    annex = version.annex
    latest = versions[-1]
    offerings = selectors.upcoming_offerings(mc) if version.pk == latest.pk else []
    mine = selectors.my_enrolments(request.user, offerings)
    for offering in offerings:
        offering.my_status = mine.get(offering.pk, "")
    language_names = dict(Language.choices)
    data = structured_data.course(version, localised, offerings)
    return render(
        request,
        "catalogue/detail.html",
        {
            "mc": mc,
            "version": version,
            "versions": versions,
            "latest": latest,
            "is_latest": version.pk == latest.pk,
            "change_institutions": (
                permissions.change_proposal_institutions(request.user, version)
                if request.user.is_authenticated
                and mc.status == MicroCredential.Status.PUBLISHED
                and version.pk == latest.pk
                and version.proposal_version_id
                else []
            ),
            "can_retire": request.user.is_authenticated
            and permissions.can_retire(request.user)
            and mc.status == MicroCredential.Status.PUBLISHED,
            "annex1": annex,
            "localised": localised,
            "awarding_bodies": annex.awarding_bodies,
            "assessment_types": [str(dict(AssessmentType.choices).get(a, a)) for a in annex.assessment_types],
            "forms": [str(dict(FormOfParticipation.choices).get(f, f)) for f in annex.forms_of_participation],
            "instruction_languages": [(code, str(language_names.get(code, code))) for code in annex.languages],
            "supervision": _supervision_text(annex),
            "offerings": offerings,
            "offering_language_names": language_names,
            "badge_svg_url": badges.version_badge_path(version, "svg"),
            "badge_png_url": badges.version_badge_path(version, "png"),
            "json_ld": mark_safe(structured_data.to_script_json(data)),  # escaped for <script> by to_script_json
            "can_translate": request.user.is_authenticated and permissions.can_translate(request.user, version),
            "overviews": CategoryOverview.objects.filter(is_published=True, featured=mc),
            # Approved with conditions, until each is confirmed met (issue #14); staff who follow them see them.
            "conditions_state": _conditions_state(version),
            "staff_conditions": _staff_conditions(request.user, version),
            # What the apps above the catalogue show staff about it (staff_panels.py): open recommendations…
            "staff_panels": staff_panels(request, mc),
            # What the apps above the catalogue show everyone about it (public_panels.py): where it is recognised.
            "public_panels": public_panels(request, mc),
        },
    )


#: A badge changes only when its institution's colours or logo do (or a new version becomes the latest): an hour in a
#: browser or CDN, then revalidated by its ETag.
BADGE_MAX_AGE = 3600


def badge(request, slug, fmt, number=None):
    """A version's badge (SVG or PNG), the same for everyone, with an ETag computed before anything is drawn."""
    version = selectors.version_for_badge(slug, int(number) if number is not None else None)
    if version is None:
        raise Http404(_("There is no such micro-credential version."))
    return badge_response(request, badges.spec_for_version(version), fmt)


def badge_response(request, spec: badges.BadgeSpec, fmt: str) -> HttpResponse:
    """The badge of ``spec`` as a response for everyone: ETag from the spec (304 when it matches, nothing drawn),
    an hour's public caching, a sandboxed SVG. Also used by the apps above the catalogue (pathways)."""
    etag = spec.etag()
    if _etag_matches(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(badges.rendered(spec, fmt), content_type=badges.CONTENT_TYPES[fmt])
        response["X-Content-Type-Options"] = "nosniff"
        if fmt == "svg":  # opened on its own, an SVG runs in a sandbox with nothing allowed but its embedded logo
            response["Content-Security-Policy"] = (
                "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
            )
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={BADGE_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"  # a public image other platforms show (wallets, profiles)
    response.same_for_everyone = True  # core.middleware.SameForEveryoneMiddleware: no Vary, one copy in a CDN
    return response


def _etag_matches(request, etag: str) -> bool:
    """RFC 9110 §13.1.2 If-None-Match, weak comparison."""
    given = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
    return etag in given or "*" in given


def _conditions_state(version):
    summary = selectors.condition_states([version.pk]).get(version.pk)
    return summary if summary is not None and not summary.all_confirmed else None


def _staff_conditions(user, version) -> list:
    if not user.is_authenticated or not version.proposal_id:
        return []
    if not proposal_permissions.may_view_conditions(user, version.proposal):
        return []
    return proposal_selectors.conditions_of(version.proposal)


def category_overview_page(request, slug):
    overview = get_object_or_404(CategoryOverview.objects.select_related("content_area"), slug=slug)
    if not overview.is_published and not permissions.can_manage_category_overviews(request.user):
        raise Http404
    return render(
        request,
        "catalogue/overview.html",
        {
            "overview": overview,
            "body": mark_safe(overview.body),  # sanitised with nh3 when saved (services.sanitise_html)
            "versions": selectors.overview_micro_credentials(overview, language=request.LANGUAGE_CODE),
            "search_params": selectors.overview_search_params(overview),
        },
    )


# Communication office ---------------------------------------------------------------------------


def _require_overviews(user):
    if not permissions.can_manage_category_overviews(user):
        raise PermissionDenied


@login_required
def manage_overviews(request):
    _require_overviews(request.user)
    return render(
        request,
        "catalogue/manage_overviews.html",
        {"overviews": CategoryOverview.objects.select_related("content_area").order_by("title")},
    )


def _overview_kwargs(form) -> dict:
    d = form.cleaned_data
    return {
        "title": d["title"],
        "slug": d.get("slug") or "",
        "body": d["body"],
        "scope": d["scope"],
        "content_area": d.get("content_area"),
        "language": d["language"],
        "featured": list(d.get("featured") or []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def overview_edit(request, pk=None):
    _require_overviews(request.user)
    overview = get_object_or_404(CategoryOverview, pk=pk) if pk else None
    if request.method == "POST":
        form = CategoryOverviewForm(request.POST)
        if form.is_valid():
            try:
                if overview is None:
                    overview = services.create_category_overview(user=request.user, **_overview_kwargs(form))
                else:
                    overview = services.update_category_overview(
                        user=request.user, overview_id=overview.pk, **_overview_kwargs(form)
                    )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The overview is saved."))
                return redirect("catalogue:manage-overviews")
    elif overview is not None:
        form = CategoryOverviewForm(
            initial={
                "title": overview.title,
                "slug": overview.slug,
                "scope": overview.scope,
                "content_area": overview.content_area_id,
                "language": overview.language,
                "body": overview.body,
                "featured": list(overview.featured.values_list("pk", flat=True)),
            }
        )
    else:
        form = CategoryOverviewForm()
    return render(request, "catalogue/overview_edit.html", {"form": form, "overview": overview})


@login_required
@require_POST
def overview_publish(request, pk):
    _require_overviews(request.user)
    publish = request.POST.get("publish") == "1"
    try:
        services.set_category_overview_published(user=request.user, overview_id=pk, published=publish)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The overview is published.") if publish else _("The overview is withdrawn."))
    return redirect("catalogue:manage-overviews")


@login_required
@require_http_methods(["GET", "POST"])
def version_translations(request, pk):
    version = get_object_or_404(MicroCredentialVersion.objects.select_related("micro_credential", "proposal"), pk=pk)
    if not permissions.can_translate(request.user, version):
        raise PermissionDenied
    existing = {t.language: t for t in version.translations.all()}
    forms = []
    saved_ok = True
    for code, name in settings.LANGUAGES:
        t = existing.get(code)
        initial = (
            {"title": t.title, "description": t.description, "learning_outcomes": "\n".join(t.learning_outcomes)}
            if t
            else {}
        )
        form = TranslationForm(request.POST if request.method == "POST" else None, prefix=code, initial=initial)
        if request.method == "POST" and form.is_valid() and form.has_changed():
            try:
                services.save_translation(
                    user=request.user,
                    version_id=version.pk,
                    language=code,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    learning_outcomes=form.outcomes(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                saved_ok = False
        elif request.method == "POST" and not form.is_valid():
            saved_ok = False
        forms.append({"code": code, "name": name, "form": form})
    if request.method == "POST" and saved_ok:
        messages.success(request, _("The translations are saved."))
        return redirect("catalogue:translations", pk=version.pk)
    return render(
        request,
        "catalogue/translations.html",
        {"version": version, "forms": forms, "annex1": version.annex},
    )


@login_required
@require_POST
def retire(request, pk):
    """Retire a micro-credential after the confirmation step (issue #16): the first post shows what retiring does
    and keeps the reason typed; only the confirmed post retires, through the service (which refuses a second
    retirement, so a confirmation posted twice retires once). Whoever may not retire is told so by the service."""
    mc = get_object_or_404(MicroCredential, pk=pk)
    form = ReasonForm.from_request(
        request,
        label=_("Reason for retiring it"),
        missing=_("Give the reason for retiring it."),
        help_text=_("It is kept with the micro-credential and in the audit log."),
        max_length=COMMENT_TEXT,
    )
    asking = permissions.can_retire(request.user) and mc.status != MicroCredential.Status.RETIRED
    if asking and not (is_confirmed(request) and form.is_valid()):
        title = mc.current_version.title if mc.current_version else mc.slug
        confirmation = Confirmation(
            question=_("Retire “%(title)s”?") % {"title": title},
            consequences=[
                _("It no longer appears in the catalogue's search, and its offerings take no more enrolments."),
                _("Its page stays readable, and the credentials already issued for it stay valid."),
            ],
            irreversible=_("Nothing on the platform publishes a retired micro-credential again."),
            confirm_label=_("Retire this micro-credential"),
            action_url=reverse("catalogue:retire", args=[mc.pk]),
            cancel_url=reverse("catalogue:detail", args=[mc.slug]),
            cancel_label=_("Keep it in the catalogue"),
            form=form,
        )
        return render_confirmation(request, confirmation, status=400 if form.errors else 200)
    try:
        services.retire_micro_credential(
            user=request.user, micro_credential_id=mc.pk, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Retired. Its page stays readable; it no longer appears in search."))
    return redirect("catalogue:detail", slug=mc.slug)
