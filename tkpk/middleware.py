"""Request middleware of the core."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs run
    an English browser: the app would then greet Indonesian civil servants in English. Only the
    language cookie, set by the switch in the navigation bar, changes the language.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestBodyTooLarge(RequestDataTooBig):
    """Raised by RequestSizeUploadHandler; Django answers it with 400, and
    RequestSizeLimitMiddleware turns that answer into the 413 page."""


class RequestSizeUploadHandler(FileUploadHandler):
    """Counts the bytes of uploaded files as they arrive and stops the upload once they pass the
    limit, before the rest is read or written to disk.

    Defence in depth: the Content-Length check refuses a large body first, and under WSGI Django
    reads nothing of a body whose length is not announced (chunked) and never more than the
    announced length. Should a server or handler ever pass on a body that the check did not
    measure, this handler still stops it at the limit.
    """

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.request_size_refused = True
            raise RequestBodyTooLarge(
                f"Upload of more than {self.limit} bytes to {self.request.path} refused."
            )
        return raw_data

    def file_complete(self, file_size):
        return None


class RequestSizeLimitMiddleware:
    """Refuse, with 413 and a short page, a request whose body is larger than its view accepts,
    before the body is read: Django would otherwise spool the whole upload to disk first.

    A view accepts `max_request_bytes` (a class attribute, or an attribute of a function view)
    or else settings.REQUEST_MAX_BYTES. It must come before CsrfViewMiddleware, whose
    process_view reads request.POST. The reverse proxy refuses bodies above its own
    client_max_body_size before any of this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "request_size_refused", False):
            return _too_large(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = request_limit(view_func)
        length = _content_length(request)
        if length is not None and length > limit:
            return _too_large(request)
        if request.method == "POST" and not hasattr(request, "_files"):
            request.upload_handlers.insert(0, RequestSizeUploadHandler(request, limit))
        return None


def request_limit(view_func) -> int:
    """The largest body, in bytes, that this view accepts."""
    for owner in (view_func, getattr(view_func, "view_class", None)):
        limit = getattr(owner, "max_request_bytes", None)
        if limit is not None:
            return int(limit)
    return settings.REQUEST_MAX_BYTES


def _content_length(request) -> int | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _too_large(request):
    logger.warning(
        "Request body of %s bytes to %s refused (too large).",
        request.META.get("CONTENT_LENGTH", "?"),
        request.path,
    )
    return render(request, "413.html", status=413)


class PasswordChangeRequiredMiddleware:
    """An account that an admin gave a generated password (User.password_must_change) reaches
    nothing but the password change page, signing out and the language switch until its owner
    has chosen their own password."""

    ALLOWED = ("password_change", "password_change_done", "logout", "set_language", "healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and getattr(
            user, "password_must_change", False
        ):
            match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
            if match is None or match.url_name not in self.ALLOWED:
                return _to_password_change(request)
        return self.get_response(request)


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def _to_password_change(request):
    url = reverse("password_change")
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    messages.info(request, _("Choose your own password before you go on."))
    return redirect(url)
