"""The surveys pages: thin; the rules are in services, selectors and permissions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from microcred.core.confirmation import Confirmation, is_confirmed, render_confirmation
from microcred.core.exceptions import DomainError
from microcred.core.listing import ListFilter, ListSort, ListSpec
from microcred.surveys import charts, permissions, selectors, services
from microcred.surveys.exceptions import AnswersInvalid, SurveyNotFound, TemplateInvalid, TokenForAnotherSurvey
from microcred.surveys.forms import QuestionForm, ResultsFilterForm
from microcred.surveys.models import Audience, Question, Survey, SurveyTemplate


def _refuse(check, *args) -> None:
    try:
        check(*args)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc


def _with_rates(listing):
    """The page of surveys with each one's response rate."""
    rows = list(listing.page.object_list)
    for survey in rows:
        survey.rate = selectors.rate(survey.response_count, survey.invited_count)
    listing.page.object_list = rows
    return listing


def _survey_list(prefix: str) -> ListSpec:
    """Open or closed surveys as a staff list that scales (issue #16); two on one page, told apart by `prefix`."""
    return ListSpec(
        search=("offering__version__title", "offering__institution__short_name", "offering__institution__name"),
        search_label=gettext_lazy("Offering or university"),
        filters=(ListFilter("audience", gettext_lazy("Answered by"), Audience.choices),),
        sorts=(
            ListSort("closing", gettext_lazy("Latest closing first"), ("-closes_on", "-pk")),
            ListSort("opening", gettext_lazy("Earliest opening first"), ("opens_on", "pk")),
            ListSort("title", gettext_lazy("Title"), ("offering__version__title", "pk")),
        ),
        per_page=25,
        prefix=prefix,
    )


OPEN_SURVEYS, CLOSED_SURVEYS = _survey_list("open_"), _survey_list("closed_")


@login_required
def index(request):
    """The quality office's list of templates and surveys (open, closed with response counts and rates); the
    surveys of their own offerings for managers and staff."""
    scope = permissions.visible_surveys_filter(request.user)
    if scope is None or not permissions.shows_surveys_page(request.user):
        raise PermissionDenied(_("Only the quality office, the alliance admin and the staff of offerings see surveys."))
    surveys = selectors.surveys_with_counts(Survey.objects.filter(scope))
    context = {
        "open_surveys": _with_rates(OPEN_SURVEYS.read(request, surveys.filter(status=Survey.Status.OPEN))),
        "closed_surveys": _with_rates(CLOSED_SURVEYS.read(request, surveys.filter(status=Survey.Status.CLOSED))),
        "templates": selectors.templates() if permissions.can_manage_templates(request.user) else None,
        "sees_aggregates": permissions.can_view_aggregates(request.user),
        "min_responses": selectors.MIN_RESPONSES_SHOWN,
    }
    return render(request, "surveys/index.html", context)


# --- templates ----------------------------------------------------------------------------------------------------


@login_required
def template_detail(request, pk):
    _refuse(permissions.check_can_manage_templates, request.user)
    template = get_object_or_404(SurveyTemplate, pk=pk)
    versions = list(template.versions.prefetch_related("surveys").order_by("-number"))
    latest = versions[0] if versions else None
    questions = list(latest.questions.prefetch_related("choices").order_by("position", "pk")) if latest else []
    for question in questions:
        question.answered = selectors.question_has_answers(question)
    return render(
        request,
        "surveys/template_detail.html",
        {
            "template": template,
            "versions": versions,
            "latest": latest,
            "latest_used": latest.is_used if latest else False,
            "questions": questions,
        },
    )


@login_required
def question_add(request, pk):
    _refuse(permissions.check_can_manage_templates, request.user)
    template = get_object_or_404(SurveyTemplate, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(actor=request.user, template=template, spec=form.spec())
        except TemplateInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The question was added."))
            return redirect("surveys:template", pk=template.pk)
    return render(request, "surveys/question_form.html", {"template": template, "form": form, "question": None})


@login_required
def question_edit(request, pk):
    _refuse(permissions.check_can_manage_templates, request.user)
    question = get_object_or_404(Question.objects.select_related("version__template"), pk=pk)
    template = question.version.template
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_question(actor=request.user, question=question, spec=form.spec())
        except TemplateInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The question was changed."))
            return redirect("surveys:template", pk=template.pk)
    return render(request, "surveys/question_form.html", {"template": template, "form": form, "question": question})


def _form_errors(form, exc: TemplateInvalid) -> None:
    for name, problems in exc.errors.items():
        target = {"text": "text_en", "choices": "options_en", "kind": "kind"}.get(name)
        for problem in problems:
            form.add_error(target, problem)


@login_required
@require_POST
def question_delete(request, pk):
    """Delete a question after the confirmation step (issue #16). A question with answers is refused by the service
    at once (nothing to confirm); deleting it again finds nothing to delete, so a confirmation posted twice deletes
    once."""
    _refuse(permissions.check_can_manage_templates, request.user)
    question = get_object_or_404(Question.objects.select_related("version__template"), pk=pk)
    if not is_confirmed(request) and not selectors.question_has_answers(question):
        version = question.version
        if version.is_used:
            where = _(
                "The template gets a new version without it; the surveys already sent with version %(n)d keep it."
            )
        else:
            where = _("It is deleted from version %(n)d of the template, which no survey has used yet.")
        return render_confirmation(
            request,
            Confirmation(
                question=_("Delete the question “%(text)s”?") % {"text": question.label},
                consequences=[where % {"n": version.number}],
                irreversible=_("A deleted question can only be written again as a new one."),
                confirm_label=_("Delete the question"),
                action_url=reverse("surveys:question-delete", args=[question.pk]),
                cancel_url=reverse("surveys:template", args=[version.template_id]),
                cancel_label=_("Keep the question"),
            ),
        )
    try:
        services.delete_question(actor=request.user, question=question)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The question was deleted."))
    return redirect("surveys:template", pk=question.version.template_id)


@login_required
@require_POST
def version_new(request, pk):
    _refuse(permissions.check_can_manage_templates, request.user)
    template = get_object_or_404(SurveyTemplate, pk=pk)
    try:
        version = services.start_new_version(actor=request.user, template=template)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(n)s was started: surveys already sent keep theirs; new surveys are sent with this one.")
            % {"n": version.number},
        )
    return redirect("surveys:template", pk=template.pk)


# --- results ------------------------------------------------------------------------------------------------------


def _chart_rows(results, prefix: str):
    """Each question of ``results`` with its chart (the data table is drawn from the same bars)."""
    rows = []
    for index, question in enumerate(results.questions):
        total = sum(b.count for b in question.distribution) if question.kind == "multiple" else question.answered
        rows.append(
            {
                "question": question,
                "total": total,
                "bars": [{"bar": b, "share": charts.share(b.count, total)} for b in question.distribution],
                "chart": charts.distribution_chart(f"{prefix}-q{index}", question.text, question.distribution, total)
                if question.distribution
                else None,
                "summary": charts.summary(question.text, question.distribution, total) if question.distribution else "",
            }
        )
    return rows


@login_required
def survey_results(request, pk):
    survey = get_object_or_404(
        Survey.objects.select_related("offering__version", "offering__institution", "template_version__template"),
        pk=pk,
    )
    _refuse(permissions.check_can_view_survey_results, request.user, survey)
    comments = permissions.can_read_comments(request.user)
    results = selectors.results_for_survey(survey, include_comments=comments)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": results,
            "rows": _chart_rows(results, f"survey-{survey.pk}"),
            "comments": comments,
        },
    )


def _over_time_page(request, title: str, compute):
    _refuse(permissions.check_can_view_aggregates, request.user)
    form = ResultsFilterForm(request.GET or None)
    audience, by = Audience.LEARNERS, "academic_year"
    if form.is_valid():
        audience = form.cleaned_data.get("audience") or audience
        by = form.cleaned_data.get("by") or by
    comments = permissions.can_read_comments(request.user)
    over_time = compute(audience=audience, by=by, include_comments=comments)
    periods = [
        {"results": p, "rows": _chart_rows(p, f"period-{i}"), "prefix": f"period-{i}"}
        for i, p in enumerate(over_time.periods)
    ]
    return render(
        request,
        "surveys/results_over_time.html",
        {
            "title": title,
            "form": form,
            "over_time": over_time,
            "overall_rows": _chart_rows(over_time.overall, "overall"),
            "periods": periods,
            "comments": comments,
        },
    )


@login_required
def micro_credential_results(request, pk):
    from microcred.catalogue.models import MicroCredential

    micro_credential = get_object_or_404(MicroCredential, pk=pk)
    current = micro_credential.current_version
    title = current.title if current else str(micro_credential)
    return _over_time_page(
        request,
        _("Survey results: %(title)s") % {"title": title},
        lambda **kw: selectors.results_for_micro_credential(micro_credential, **kw),
    )


@login_required
def university_results(request, pk):
    from microcred.reference.models import Institution

    institution = get_object_or_404(Institution, pk=pk)
    return _over_time_page(
        request,
        _("Survey results: offerings of %(name)s") % {"name": institution.name},
        lambda **kw: selectors.results_for_university(institution, **kw),
    )


# --- answering ------------------------------------------------------------------------------------------------------


def _raw_answers(request, survey: Survey) -> dict:
    raw = {}
    for question in survey.template_version.questions.all():
        name = f"q-{question.key}"
        if question.kind == Question.Kind.MULTIPLE:
            raw[question.key] = request.POST.getlist(name)
        else:
            raw[question.key] = request.POST.get(name, "")
    return raw


def _answer_page(request, survey: Survey, *, token: str = "", status: int = 200, errors=None, refusal: str = ""):
    questions = list(survey.template_version.questions.prefetch_related("choices").order_by("position", "pk"))
    posted = request.POST if request.method == "POST" else None
    for question in questions:
        question.error = (errors or {}).get(question.key, [])
        if posted is not None:
            question.given = (
                posted.getlist(f"q-{question.key}")
                if question.kind == Question.Kind.MULTIPLE
                else posted.get(f"q-{question.key}", "")
            )
        else:
            question.given = [] if question.kind == Question.Kind.MULTIPLE else ""
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "questions": questions,
            "token": token,
            "errors": errors or {},
            "refusal": refusal,
            "likert": [(v, selectors.likert_label(v)) for v in selectors.LIKERT_VALUES],
        },
        status=status,
    )


def _answer(request, survey: Survey | None, token: str = ""):
    """GET shows the questions (or why they cannot be answered); POST records the anonymous response."""
    try:
        if token:
            invitation = services.invitation_for_token(token)
            if survey is not None and invitation.survey_id != survey.pk:
                raise TokenForAnotherSurvey()
            survey = invitation.survey
        elif survey is None:
            raise SurveyNotFound()
        else:
            services.invitation_for_user(request.user, survey)
        services.check_open(survey)
    except DomainError as exc:
        if survey is None:
            return render(request, "surveys/answer_refused.html", {"message": exc.message}, status=exc.status)
        return _answer_page(request, survey, token=token, status=exc.status, refusal=exc.message)
    if request.method == "POST":
        try:
            services.submit_response(
                survey=survey, answers=_raw_answers(request, survey), token=token, user=request.user
            )
        except AnswersInvalid as exc:
            return _answer_page(request, survey, token=token, status=400, errors=exc.errors)
        except DomainError as exc:
            return _answer_page(request, survey, token=token, status=exc.status, refusal=exc.message)
        return render(request, "surveys/answer_thanks.html", {"survey": survey})
    return _answer_page(request, survey, token=token)


def answer_with_token(request, pk, token):
    """The link of the e-mail: no log-in needed; the token proves the right to answer once."""
    survey = Survey.objects.select_related("offering__version", "template_version").filter(pk=pk).first()
    if survey is None:
        raise Http404(_("There is no such survey."))
    return _answer(request, survey, token)


@login_required
def answer_signed_in(request, pk):
    """From "Surveys to answer": the signed-in person's own invitation is found by the server."""
    survey = get_object_or_404(Survey.objects.select_related("offering__version", "template_version"), pk=pk)
    return _answer(request, survey)


@login_required
def mine(request):
    return render(request, "surveys/mine.html", {"surveys": list(selectors.waiting_for(request.user))})
