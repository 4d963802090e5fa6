"""One handler per error class: a full page, or just the message for an htmx request."""

from __future__ import annotations

from flask import Flask, render_template, request, session
from werkzeug.exceptions import HTTPException

from webapp import auth
from webapp.admin.errors import AdminError, Unauthenticated, Unavailable
from webapp.auth import tokens


def init_app(app: Flask) -> None:
    app.register_error_handler(AdminError, _admin_error)
    app.register_error_handler(Unauthenticated, _unauthenticated)
    app.register_error_handler(HTTPException, _http_error)


def _unauthenticated(error: Unauthenticated):
    """Admin refused the token even after a refresh: log in again and come back, the form kept."""
    if auth.pkce():
        session.pop(tokens.TOKEN, None)
        return auth.login_redirect()
    return _admin_error(error)


def _admin_error(error: AdminError):
    endpoint = error.endpoint if isinstance(error, Unavailable) else ""
    return _render(error.title, error.message, error.http_status, endpoint)


def _http_error(error: HTTPException):
    return _render(error.name, error.description, error.code)


def _render(title: str, message: str, status: int, unreachable_endpoint: str = ""):
    fragment = request.htmx and not request.htmx.boosted  # a boosted navigation still wants the whole page
    template = "_error_message.html" if fragment else "error.html"
    return render_template(template, title=title, message=message,
                           unreachable_endpoint=unreachable_endpoint), status
