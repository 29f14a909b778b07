"""The conformance cases of the pathways API (issue #12), registered with test_openapi_conformance's `case` when it
imports this module (each documented answer, one real request)."""

V1 = "/api/v1"
OPERATION_IDS = {
    ("get", "/api/v1/pathways"): "pathways_list",
    ("get", "/api/v1/pathways/{id}"): "pathways_retrieve",
}


def _pathway(cat, people, institution):
    from microcred.pathways.tests.approvals import approved_pathway

    rule = {
        "requirements": [
            {"type": "all_of", "components": [cat["a"].micro_credential_id]},
            {"type": "min_ects", "ects": "3", "components": [cat["b"].micro_credential_id]},
            {"type": "n_of", "n": 1, "components": [cat["c"].micro_credential_id, cat["d"].micro_credential_id]},
        ]
    }
    return approved_pathway(people, institution, rule=rule)


def register(case, api):
    LIST = "/api/v1/pathways"
    DETAIL = "/api/v1/pathways/{id}"

    @case("get", LIST, 200)
    def _(cat, people, institution):
        _pathway(cat, people, institution)
        return api().get(f"{V1}/pathways?search=sustain")

    @case("get", LIST, 400)
    def _(db):
        return api().get(f"{V1}/pathways?search={'x' * 201}")

    @case("get", DETAIL, 200)
    def _(cat, people, institution):
        version = _pathway(cat, people, institution)
        return api().get(f"{V1}/pathways/{version.pathway_id}")

    @case("get", DETAIL, 404)
    def _(db):
        return api().get(f"{V1}/pathways/999999")
