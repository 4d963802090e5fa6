"""Server-side sessions: the browser holds only a random id; tokens stay on the server.

Files under the data dir serve every gunicorn worker of one host; Redis serves several replicas.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cachelib import FileSystemCache
from flask import Flask, request
from flask_session import Session

COOKIE_NAME = "flyte_launch_session"  # its own name: an IdP on the same host uses "_session"


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_KEY_PREFIX="flyte-launch:",
    )
    if settings.redis_url:
        import redis

        app.config.update(SESSION_TYPE="redis", SESSION_REDIS=redis.Redis.from_url(settings.redis_url))
    else:  # without a data dir (tests, one-off runs): a private temporary folder
        folder = Path(settings.data_dir) / "sessions" if settings.data_dir else tempfile.mkdtemp(prefix="flyte-launch-")
        app.config.update(SESSION_TYPE="cachelib",
                          SESSION_CACHELIB=FileSystemCache(str(folder), threshold=10_000, mode=0o600))
    Session(app)
    # Secure cookies whenever the request came over HTTPS (directly or through a proxy that says so)
    app.session_interface.get_cookie_secure = lambda _app: request.is_secure
