"""Unknown paths under /api/ answer with the API's JSON error body, not an HTML page."""

from microcred.api.errors import json_not_found


class JsonNotFoundForApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return json_not_found(request)
        return response
