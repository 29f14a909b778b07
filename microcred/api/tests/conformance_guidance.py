"""The conformance cases of the guidance look-ups (issue #13), registered with test_openapi_conformance's `case`
when it imports this module (each documented answer, one real request)."""

V1 = "/api/v1"
OPERATION_IDS = {
    ("post", "/api/v1/skills/suggest"): "skills_suggest_create",
    ("get", "/api/v1/occupations/{reference}/micro-credentials"): "occupations_micro_credentials_retrieve",
    ("get", "/api/v1/guidance"): "guidance_retrieve",
}


def _publish_project_leadership(make_user):
    """A published micro-credential teaching "manage projects" (s-pm), an essential skill of o-pm."""
    from microcred.guide.tests.builders import publish

    publish(make_user, "Project leadership", ["s-pm"])


def register(case, api):
    SUGGEST = "/api/v1/skills/suggest"
    COVERAGE = "/api/v1/occupations/{reference}/micro-credentials"

    @case("post", SUGGEST, 200)
    def _(esco):
        return api().post(
            f"{V1}/skills/suggest", {"text": "Manage projects and lead a team", "limit": 3}, format="json"
        )

    @case("post", SUGGEST, 400)
    def _(esco):
        return api().post(f"{V1}/skills/suggest", {"text": "Manage projects", "language": "xx"}, format="json")

    @case("post", SUGGEST, 429)
    def _(esco, settings):
        settings.SKILL_SUGGEST_RATE_LIMIT = 1
        api().post(f"{V1}/skills/suggest", {"text": "Manage projects"}, format="json")
        return api().post(f"{V1}/skills/suggest", {"text": "Manage projects"}, format="json")

    @case("get", COVERAGE, 200)
    def _(esco, make_user):
        _publish_project_leadership(make_user)
        return api().get(f"{V1}/occupations/o-pm/micro-credentials")

    @case("get", COVERAGE, 404)
    def _(esco):
        return api().get(f"{V1}/occupations/no-such-occupation/micro-credentials")

    @case("get", COVERAGE, 429)
    def _(esco, settings):
        settings.SKILL_SUGGEST_RATE_LIMIT = 1
        for _ in range(5):
            api().get(f"{V1}/occupations/o-pm/micro-credentials")
        return api().get(f"{V1}/occupations/o-pm/micro-credentials")

    GUIDANCE = "/api/v1/guidance"

    @case("get", GUIDANCE, 200)
    def _(esco, make_user):
        _publish_project_leadership(make_user)
        return api().get(f"{V1}/guidance", {"occupation": "o-pm", "lang": "en"})

    @case("get", GUIDANCE, 400)
    def _(esco):
        return api().get(f"{V1}/guidance", {"occupation": "o-pm", "text": "manage projects"})

    @case("get", GUIDANCE, 429)
    def _(esco, settings):
        settings.SKILL_SUGGEST_RATE_LIMIT = 1
        api().get(f"{V1}/guidance", {"occupation": "o-pm"})
        return api().get(f"{V1}/guidance", {"occupation": "o-pm"})
