"""The guide for learners (issue #13, item 4): /guide/. One GET page: name an occupation (typed, then chosen from
the matches), pick skills or describe a goal; then the micro-credentials and pathways ranked by how much of it they
cover, with the filters, and the best combination. A signed-in learner may count the skills her credentials cover
(`held=1`, the wallet's "What next?")."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language

from microcred.catalogue import facet_memory
from microcred.core.ratelimit import rate_limited
from microcred.guidance import selectors as guidance
from microcred.guidance import suggestions
from microcred.guide import forms, selectors
from microcred.proposals.choices import FormOfParticipation, Language

KEPT = (*selectors.FILTER_PARAMETERS, "held")


def _kept(params) -> dict[str, list[str]]:
    """The filters (and `held`) of this request, to carry into the links and forms of the page."""
    return {name: [v for v in params.getlist(name) if v] for name in KEPT if any(params.getlist(name))}


def _url(kept, **target) -> str:
    query = [(k, v) for k, vs in kept.items() for v in vs] + [(k, v) for k, v in target.items() if v]
    return reverse("guide:index") + ("?" + urlencode(query) if query else "")


def _with_text_language(params):
    """A sentence is read in the interface's language when suggestions support it (else English), unless the
    request names its language."""
    if params.get("text", "").strip() and not params.get("language"):
        params = params.copy()
        language = (get_language() or "en").split("-")[0]
        params["language"] = language if language in suggestions.LANGUAGES else "en"
    return params


@rate_limited("guide", limit_setting="SKILL_SUGGEST_RATE_LIMIT", default=120)
def guide(request):
    params = request.GET
    kept = _kept(params)
    held_wanted = params.get("held") == "1" and request.user.is_authenticated
    context = {
        "kept": kept,
        "held": held_wanted,
        "errors": {},
        "skills_form": forms.SkillsForm(),
        "text_form": forms.TextForm(initial={"text": params.get("text", "")}),
        "occupation_search": params.get("occupation_search", "")[: guidance.MAX_OCCUPATION_SEARCH],
        "occupation_search_max": guidance.MAX_OCCUPATION_SEARCH,
        "instruction_languages": Language.choices,
        "forms_of_participation": FormOfParticipation.choices,
        "universities": [(s, n) for s, n, alliance in facet_memory.labels.universities() if not alliance],
        "filters": {name: params.get(name, "") for name in selectors.FILTER_PARAMETERS},
    }
    if params.get("pick") == "skills":  # the skill picker's form: on to the guide for those skills
        skills_form = forms.SkillsForm(params)
        if skills_form.is_valid():
            return redirect(_url(kept, skills=",".join(skills_form.uris())))
        context["skills_form"] = skills_form
    try:
        q = selectors.parse_filters(params)
    except selectors.GuideInputError as error:
        context["errors"].update(error.errors)
        q = None
    if any(params.get(name, "").strip() for name in selectors.TARGET_PARAMETERS):
        held, held_ids = selectors.held_skills(request.user) if held_wanted else (frozenset(), frozenset())
        try:
            target = selectors.parse_target(_with_text_language(params), held=held)
        except selectors.GuideInputError as error:
            context["errors"].update(error.errors)
        else:
            context["target"] = target
            if q is not None:
                context["answer"] = selectors.answer(target, q, exclude=held_ids)
            # The target travels with the filters, with the language its sentence was read in (if it was named).
            target_names = (*selectors.TARGET_PARAMETERS, "language")
            context["target_params"] = {name: params.get(name) for name in target_names}
            context["clear_filters_url"] = _url(
                {"held": kept["held"]} if "held" in kept else {},
                **{name: params.get(name, "") for name in target_names},
            )
    elif context["occupation_search"].strip():
        context["occupations"] = [
            (choice, _url(kept, occupation=choice.uri))
            for choice in guidance.find_occupations(context["occupation_search"], language=get_language() or "en")
        ]
    return render(request, "guide/guide.html", context)
