"""Flyte Launch: a browser console for launching Flyte executions."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import admin, auth, config, errors
from webapp.views import browse, executions, launch, relaunch

ROOT = Path(__file__).resolve().parent.parent

# No inline script or style anywhere: htmx is configured by a meta tag, the stylesheet is a file.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def create_app(settings: config.Settings | None = None) -> Flask:
    settings = settings or config.load()
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key or load_secret_key(settings.data_dir),
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch still launches
    )
    Htmx(app)
    CSRFProtect(app)
    auth.init_app(app)
    admin.init_app(app, auth.grpc_metadata, auth.refresh)
    errors.init_app(app)
    for blueprint in (browse.bp, launch.bp, executions.bp, relaunch.bp):
        app.register_blueprint(blueprint)
    app.after_request(_security_headers)
    if settings.proxies:  # their X-Forwarded-* say the public scheme and host: https callbacks, Secure cookies
        n = settings.proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    return app


def load_secret_key(data_dir: str) -> str:
    """Kept in the data dir so that every worker process, and a restart, signs sessions alike."""
    if not data_dir:
        return secrets.token_hex(32)
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.vary.update(("HX-Request", "HX-Target"))  # htmx gets fragments of the same URLs
    return response
