"""Logs: a request id on every line, plain or JSON lines (LOG_FORMAT), and no personal data or tokens in them.

- ``RequestIdMiddleware`` gives each request an id: the X-Request-ID our own reverse proxy set, when one stands in
  front (TRUSTED_PROXY_COUNT or TRUSTED_PROXY_NETWORKS) and the value is well formed, else a new one. The id is
  echoed in the response's X-Request-ID header and kept in a context variable for the request's log lines.
- Celery carries it on (``connect_celery_signals``): a task queued during a request has the id in its message
  headers and its worker logs under it; a task queued by no request (Celery beat) logs under its own task id.
- ``RedactFilter``, on every handler (config/settings/base.py LOGGING), rewrites each record's message with the
  tokens in our URLs (share links, survey answer links, e-mail confirmation and password reset links,
  OpenID4VCI credential offers, secrets in query strings, bearer tokens) and every e-mail address replaced.
  The formatters apply the same redaction to the whole line, so tracebacks are covered too.

This module is loaded while logging is configured, before the apps: it imports no models.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
# Letters, digits and - _ . : (a UUID, nginx's $request_id, a trace id); nothing that can break a log line.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

REDACTED = "[redacted]"
EMAIL_REDACTED = "[e-mail]"
_SEGMENT = r"[^/\s?#\"'<>]+"
# The URL paths that carry a secret in a segment (each is a capability: whoever has the URL may use it).
TOKEN_PATHS = (
    # Wallet share links and recognition share links: /s/<token>/ (microcred/wallet/urls.py, recognition/urls.py).
    re.compile(rf"(/s/){_SEGMENT}"),
    # Survey answer links sent by e-mail: /surveys/<pk>/answer/<token>/.
    re.compile(rf"(/answer/){_SEGMENT}"),
    # E-mail address confirmation: /accounts/verify/<token>/.
    re.compile(rf"(/verify/){_SEGMENT}"),
    # Password reset: /accounts/reset/<uidb64>/<token>/ (Django then redirects to .../set-password/).
    re.compile(rf"(/reset/)(?!done/){_SEGMENT}/{_SEGMENT}"),
    # OpenID4VCI credential offers by reference: /oid4vci/offers/<handle> leads to the pre-authorised code.
    re.compile(rf"(/oid4vci/offers/){_SEGMENT}"),
)
# Query parameters whose values are secrets (pre-authorized_code, code, state, token, tx_code, credential_offer...).
_SECRET_QUERY = re.compile(
    r"([?&;](?:[\w.-]*(?:token|code|secret|password|passwd|key|state|nonce|session|credential_offer)[\w.-]*)=)"
    r"[^&;\s\"'<>#]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"((?:Bearer|Token|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# An e-mail address (RFC 5322's common form; "did:web:..." and URLs without "@" are left alone).
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)


def redact(text: str) -> str:
    """``text`` with URL tokens, secret query values, bearer tokens and e-mail addresses replaced."""
    if not text:
        return text
    for pattern in TOKEN_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    text = _SECRET_QUERY.sub(rf"\g<1>{REDACTED}", text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    return _EMAIL.sub(EMAIL_REDACTED, text)


# -- the request id ------------------------------------------------------------------------------------------


def current_request_id() -> str:
    return _request_id.get()


def bind_request_id(value: str) -> contextvars.Token:
    """Log under ``value`` from now on in this context; give the token back to ``unbind_request_id``."""
    return _request_id.set(value)


def unbind_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def well_formed(value: str | None) -> bool:
    return bool(value) and _WELL_FORMED.fullmatch(value) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


def _behind_our_proxy() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or getattr(settings, "TRUSTED_PROXY_NETWORKS", ()))


def request_id_for(request) -> str:
    """The id of ``request``: our proxy's X-Request-ID when there is a proxy and the value is well formed."""
    supplied = request.META.get(_META_KEY, "")
    if _behind_our_proxy() and well_formed(supplied):
        return supplied
    return new_request_id()


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request carries its id; the response says which it was.

    The id stays bound until the response is finished (``request_finished``): Django logs a 4xx or 5xx
    response after the last middleware has returned, and that line must carry it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        bind_request_id(request.request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def _forget_request_id(**kwargs) -> None:
    _request_id.set("")


def connect_request_finished() -> None:
    from django.core.signals import request_finished

    request_finished.connect(_forget_request_id, weak=False, dispatch_uid="operations-request-id-finished")


# -- Celery: the id travels in the task message's headers ------------------------------------------------------

_TASK_HEADER = "request_id"
_task_tokens: dict[str, contextvars.Token] = {}


def _add_request_id_header(headers=None, **kwargs) -> None:
    request_id = current_request_id()
    if headers is not None and request_id and _TASK_HEADER not in headers:
        headers[_TASK_HEADER] = request_id


def _bind_task_request_id(task_id=None, task=None, **kwargs) -> None:
    supplied = None
    if task is not None:  # Celery puts a message's own headers on the request, and keeps them in .headers too
        supplied = getattr(task.request, _TASK_HEADER, None) or (task.request.headers or {}).get(_TASK_HEADER)
    # A task run eagerly (the embedded default) is in its caller's context already: it keeps the caller's id.
    request_id = supplied if well_formed(supplied) else (current_request_id() or f"task-{task_id}")
    _task_tokens[task_id] = bind_request_id(request_id)


def _unbind_task_request_id(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        # Reset from another context (should not happen): leave the variable as it is.
        with contextlib.suppress(ValueError):
            unbind_request_id(token)


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_add_request_id_header, weak=False, dispatch_uid="operations-request-id-publish")
    task_prerun.connect(_bind_task_request_id, weak=False, dispatch_uid="operations-request-id-prerun")
    task_postrun.connect(_unbind_task_request_id, weak=False, dispatch_uid="operations-request-id-postrun")


# -- filters and formatters (LOGGING) --------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class RedactFilter(logging.Filter):
    """Rewrites the record's message, its arguments merged in, without tokens or e-mail addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template, never lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


class PlainFormatter(logging.Formatter):
    """``time level logger [request id] message``, redacted as a whole (the embedded default)."""

    def __init__(self, *args, **kwargs):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return redact(super().format(record))


# Attributes every LogRecord has; any other attribute is an ``extra`` a caller passed.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id"}
# Extras never written: Django's request object and socket (their text is neither useful nor safe).
_NEVER = {"request", "server_time", "socket"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, extras, exception (production)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": current_request_id() or None,
        }
        for name, value in record.__dict__.items():
            if name in _STANDARD or name in _NEVER or name.startswith("_"):
                continue
            if isinstance(value, str | int | float | bool) or value is None:
                entry[name] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
