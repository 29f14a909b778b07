"""Logs: the request id, plain or JSON lines (LOG_FORMAT), and no tokens or e-mail addresses in any line."""

import io
import json
import logging
import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from microcred.core.tests import fresh_process
from microcred.operations import logs
from microcred.outbox.services import outbox_handler

SECRET = "Zx9SecretTokenValue42"


# -- redaction -------------------------------------------------------------------------------------------------


def _routes(resolver=None, prefix=""):
    """(name, route pattern) of every named URL, namespaces included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _routes(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry.pattern


SECRET_PARAMETERS = {"token", "handle", "uidb64", "code", "key", "secret"}


def test_every_url_that_carries_a_secret_is_redacted():
    """Walks the URL configuration: each route with a token-like parameter is covered by a redaction pattern."""
    covered = []
    for name, pattern in _routes():
        parameters = set(getattr(pattern, "converters", {}))
        secret = parameters & SECRET_PARAMETERS
        if not secret:
            continue
        kwargs = {p: (SECRET if p in secret else "1") for p in parameters}
        try:
            path = reverse(name, kwargs=kwargs)
        except Exception:  # a converter that refuses "1" (uuid, int): give what it accepts
            kwargs = {p: (SECRET if p in secret else "00000000-0000-0000-0000-000000000001") for p in parameters}
            path = reverse(name, kwargs=kwargs)
        line = logs.redact(f'Not Found: {path} "GET {path}?x=1 HTTP/1.1" 404')
        assert SECRET not in line, (name, line)
        covered.append(name)
    # The capability URLs the platform has today; a new one must be added to logs.TOKEN_PATHS.
    assert {
        "wallet:shared",
        "wallet:shared-json",
        "recognition:shared",
        "surveys:answer-token",
        "accounts:verify-email",
        "accounts:password-reset-confirm",
        "oid4vci:credential_offer",
    } <= set(covered), covered


@pytest.mark.parametrize(
    "text",
    [
        f"GET /oid4vci/token?pre-authorized_code={SECRET}&tx_code=1234",
        f"callback /oidc/callback/?code={SECRET}&state=abc",
        f"openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fx%2Foid4vci%2Foffers%2F{SECRET}",
        f"Authorization: Bearer {SECRET}",
        f"/accounts/reset/MQ/{SECRET}/",
    ],
)
def test_secrets_in_query_strings_and_headers_are_redacted(text):
    assert SECRET not in logs.redact(text)


def test_email_addresses_are_redacted_and_other_text_kept():
    line = logs.redact("Sent to Katrin.Weber+mc@uni-example.eu and ana@ub.example; issuer did:web:mc.example.eu")
    assert "@" not in line.replace("did:web", "")
    assert line == "Sent to [e-mail] and [e-mail]; issuer did:web:mc.example.eu"
    assert logs.redact("/reset/done/") == "/reset/done/"


# -- the request id --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_response_carries_a_new_request_id(client):
    first = client.get("/healthz/live")["X-Request-ID"]
    second = client.get("/healthz/live")["X-Request-ID"]
    assert logs.well_formed(first) and logs.well_formed(second) and first != second


@pytest.mark.django_db
def test_the_proxys_request_id_is_used_only_behind_our_proxy_and_only_well_formed(client, settings):
    supplied = "proxy-7f3a9c2e1b"
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_NETWORKS = []
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID=supplied)["X-Request-ID"] != supplied
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID=supplied)["X-Request-ID"] == supplied
    forged = "abc\nFAKE LOG LINE"
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID=forged)["X-Request-ID"] != forged


@pytest.fixture
def console():
    """The output of the configured handlers (LOGGING), as text; INFO and above from every logger."""
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, logs.RedactFilter) for f in h.filters)]
    assert handlers, "LOGGING's console handler is not on the root logger"
    saved = [(h, h.setStream(stream)) for h in handlers]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.setLevel(level)
    for handler, old in saved:
        handler.setStream(old)


def test_every_configured_handler_redacts():
    """The filter is on every handler any logger has (Django's own console and mail_admins were replaced)."""
    ours = ("django", "celery", "kombu", "microcred", "config", "py.warnings", "gunicorn")
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in ours]
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in names)]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if type(handler).__module__.startswith("_pytest") or isinstance(handler, logging.NullHandler):
                continue  # pytest's own capture; a handler that writes nothing
            assert any(isinstance(f, logs.RedactFilter) for f in handler.filters), (logger.name, handler)


@pytest.mark.django_db
def test_a_log_line_names_its_request(client, console):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    line = next(line for line in console.getvalue().splitlines() if "Not Found" in line)
    assert f"[{response['X-Request-ID']}]" in line


@pytest.mark.django_db
def test_a_task_queued_by_a_request_logs_under_its_id(console):
    """Eagerly (the embedded default) and through the message headers (a worker): the id is the request's."""
    from celery import shared_task

    @shared_task(name="microcred.operations.tests.say_hello")
    def say_hello():
        logging.getLogger("microcred.test").warning("hello from the task")
        return logs.current_request_id()

    token = logs.bind_request_id("req-1234567890")
    try:
        assert say_hello.apply().get() == "req-1234567890"
        headers = {}
        logs._add_request_id_header(headers=headers)
        assert headers == {"request_id": "req-1234567890"}
    finally:
        logs.unbind_request_id(token)
    # A worker: no request context, the id comes from the message's headers.
    assert say_hello.apply(headers={"request_id": "req-from-header-1"}).get() == "req-from-header-1"
    # Beat: no request at all; the task logs under its own id.
    assert say_hello.apply(task_id="beat-run-1").get() == "task-beat-run-1"
    assert "[req-1234567890] hello from the task" in console.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_request_id_travels_through_redis_to_a_worker(redis_url):
    """A real broker and worker: the id set where the task was queued is the one the worker logs under."""
    import time

    from celery import shared_task
    from celery.contrib.testing.worker import start_worker

    from microcred.outbox.tests.infrastructure import celery_broker

    seen = []

    @shared_task(name="microcred.operations.tests.remember_request_id")
    def remember_request_id():
        seen.append(logs.current_request_id())

    with (
        celery_broker(redis_url + "/14") as app,
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        token = logs.bind_request_id("req-through-redis-1")
        try:
            remember_request_id.delay()
        finally:
            logs.unbind_request_id(token)
        deadline = time.monotonic() + 20
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
    assert seen == ["req-through-redis-1"]


class RefusingBackend:
    """An SMTP server that refuses the recipient, naming the address (as real servers do)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError(f"550 5.1.1 <{messages[0].to[0]}>: Recipient address rejected")


@outbox_handler
def refused_mail(to):
    return EmailMessage("Subject", "Body", "platform@example.org", [to])


@pytest.mark.django_db(transaction=True)
def test_the_outbox_logs_a_refused_email_under_the_request_that_wrote_it(console, settings):
    """An e-mail is written to the outbox in a request's transaction and sent after its commit (by a task): the
    sending's log line carries that request's id, and not the address the mail server named."""
    from django.db import transaction

    from microcred.outbox.services import enqueue

    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    token = logs.bind_request_id("req-wrote-the-mail-1")  # what RequestIdMiddleware does for the request
    try:
        with transaction.atomic():
            enqueue(key="test:refused", handler=refused_mail, payload={"to": "refused.person@example.org"})
    finally:
        logs.unbind_request_id(token)
    line = next(line for line in console.getvalue().splitlines() if "not sent" in line)
    assert "[req-wrote-the-mail-1]" in line
    assert "Recipient address rejected" in line and "[e-mail]" in line and "refused.person" not in line


# -- a journey: nothing personal, no token ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_journey_leaves_no_email_address_or_token_in_the_logs(
    client, console, issue, make_user, ended_offering, learners, django_capture_on_commit_callbacks
):
    from microcred.surveys import services as surveys
    from microcred.surveys.models import Audience, Invitation
    from microcred.wallet import services as wallet

    secrets, emails = [], []
    # A wallet share link, visited (its credential.json too), and a made-up one (404).
    holder = make_user(email="katrin.weber@example.org", password="katrin-password-42", full_name="Katrin Weber")
    emails.append(holder.email)
    credential = issue(learner_email=holder.email, learner_name="Katrin Weber")
    _link, share_token = wallet.create_share_link(user=holder, credential_uuid=credential.uuid, label="employer")
    secrets.append(share_token)
    assert client.get(reverse("wallet:shared", args=[share_token])).status_code == 200
    assert client.get(reverse("wallet:shared-json", args=[share_token])).status_code == 200
    wrong = "Wr0ngShareToken" + share_token[:12]
    secrets.append(wrong)
    assert client.get(reverse("wallet:shared", args=[wrong])).status_code == 404

    # A survey answered through the link of its invitation, then the same link again (refused).
    survey = next(s for s in surveys.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)
    survey_token = surveys.token_for(Invitation.objects.get(survey=survey, person=learners[0]))
    secrets.append(survey_token)
    emails.extend(learner.email for learner in learners)
    answer_url = reverse("surveys:answer-token", args=[survey.pk, survey_token])
    assert client.get(answer_url).status_code == 200
    from microcred.surveys.tests.test_views import ANSWERS

    assert client.post(answer_url, ANSWERS).status_code in (200, 302)
    client.get(answer_url)
    client.get(reverse("surveys:answer-token", args=[survey.pk, "made-up-" + survey_token[:10]]))

    # A password reset, the link followed and a new password set; then a reset link that is not valid.
    staff = make_user(email="staff.member@example.org", password="old-password-long-1")
    emails.append(staff.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": staff.email})
    reset_mail = next(m for m in mail.outbox if "/accounts/reset/" in m.body)
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", reset_mail.body).group(1)
    secrets.extend(segment for segment in path.split("/")[3:5])
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "brand-new-password-7", "new_password2": "brand-new-password-7"})
    client.get(path)  # used: no longer valid
    client.get(f"/accounts/verify/{SECRET}/")
    client.get(f"/oid4vci/offers/{SECRET}")
    secrets.append(SECRET)

    # Code that logs an address itself, in its arguments, its message or an exception, is redacted too.
    logger = logging.getLogger("microcred.outbox.services")
    logger.warning("Outbox message not sent to %s", staff.email)
    logger.warning(f"Could not deliver to {holder.email}")
    try:
        raise ValueError(f"mailbox {learners[1].email} is full; share link /s/{share_token}/")
    except ValueError:
        logger.exception("Sending failed")

    output = console.getvalue()
    assert f"Not Found: /s/{logs.REDACTED}/" in output  # Django's 404 line, written and redacted
    assert "[e-mail]" in output and "ValueError" in output
    for secret in secrets:
        assert secret not in output, secret
    for email in emails:
        assert email.lower() not in output.lower(), email
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", output), output


# -- LOG_FORMAT --------------------------------------------------------------------------------------------------

PROBE = """
import logging, sys
logging.getLogger("microcred.probe").warning("sent to %s for %s", "ana@ub.example", "/s/SecretShareToken1/")
"""


def _log_line(**env) -> str:
    result = fresh_process.shell(PROBE, drop={"LOG_FORMAT", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env)
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stderr.splitlines() if "microcred.probe" in line)


def test_log_format_plain_by_default_and_json_when_set():
    plain = _log_line()
    assert plain.endswith("WARNING microcred.probe [-] sent to [e-mail] for /s/[redacted]/")
    entry = json.loads(_log_line(LOG_FORMAT="json"))
    assert entry["level"] == "WARNING" and entry["logger"] == "microcred.probe"
    assert entry["message"] == "sent to [e-mail] for /s/[redacted]/"
    assert entry["request_id"] is None and entry["time"].endswith("+00:00")


def test_production_logs_json_unless_told_otherwise():
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x7Gq2pV9zL4mN8bR1tY6wK3cF5hJ0dS2aQ9eU7iO4pZ1xC8vB6nM3",
        "ALLOWED_HOSTS": "microcred.example.org",
    }
    assert json.loads(_log_line(**production))["message"] == "sent to [e-mail] for /s/[redacted]/"
    assert _log_line(**production, LOG_FORMAT="plain").endswith("sent to [e-mail] for /s/[redacted]/")


def test_an_unknown_log_format_is_refused():
    result = fresh_process.manage("check", LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT must be plain or json, not 'xml'" in result.stderr
