"""Our 403/404/500 pages (issue #16, defect 12): with DEBUG off as Django's handlers render them, and with DEBUG
on (the embedded default, `make run`) instead of Django's debug pages unless DEBUG_ERROR_PAGES asks for those."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import include, path

from config import urls as config_urls

pytestmark = pytest.mark.django_db


def _missing(request):
    raise Http404("no such thing")


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("the database went away")


urlpatterns = [
    path("missing/", _missing),
    path("forbidden/", _forbidden),
    path("broken/", _broken),
    path("", include("config.urls")),
]
handler500 = config_urls.handler500  # the site's own, as config/urls.py sets it


@pytest.fixture
def client_no_raise(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_shows_our_404_never_the_url_patterns(client_no_raise, settings, debug):
    settings.DEBUG = debug
    for address in ("/no-such-page/", "/missing/"):
        response = client_no_raise.get(address)
        page = response.content.decode()
        assert response.status_code == 404
        assert "We cannot find this page" in page and "Search the catalogue of micro-credentials" in page
        assert "URLconf" not in page and "Using the URLconf" not in page and "Page not found at" not in page


@pytest.mark.parametrize("debug", [False, True])
def test_a_refusal_shows_our_403(client_no_raise, settings, debug):
    settings.DEBUG = debug
    response = client_no_raise.get("/forbidden/")
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_a_server_error_shows_our_500_and_is_logged(client_no_raise, settings, debug, caplog):
    settings.DEBUG = debug
    response = client_no_raise.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and settings.SITE_NAME in page
    assert "Traceback" not in page and "the database went away" not in page
    assert any(r.exc_info and "the database went away" in str(r.exc_info[1]) for r in caplog.records)


def test_debug_error_pages_brings_back_djangos_pages_for_developers(client_no_raise, settings):
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = True
    page = client_no_raise.get("/no-such-page/").content.decode()
    assert "Using the URLconf" in page  # Django's debug 404, as asked
    assert "Traceback" in client_no_raise.get("/broken/").content.decode()


def test_the_api_keeps_its_json_errors_with_debug_on(client_no_raise, settings):
    settings.DEBUG = True
    response = client_no_raise.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_the_setting_is_read_from_the_environment():
    from microcred.core.tests.test_settings_environment import _run

    code = "from django.conf import settings; print(settings.DEBUG_ERROR_PAGES)"
    default, changed = _run(code), _run(code, DEBUG_ERROR_PAGES="true")
    assert default.returncode == 0 and changed.returncode == 0, default.stderr + changed.stderr
    assert default.stdout.split()[-1] == "False" and changed.stdout.split()[-1] == "True"
