"""The FlyteAdmin adapter: one AdminClient per process, its channel opened on first use (after any fork)."""

from __future__ import annotations

from typing import Callable

from flask import Flask, current_app

from webapp.admin.channel import open_channel
from webapp.admin.client import AdminClient


def init_app(app: Flask, metadata: Callable[[], list[tuple[str, str]]] = list,
             refresh: Callable[[], bool] = lambda: False) -> None:
    """`metadata` and `refresh` come from webapp.auth: the token each call carries, and its renewal."""
    app.extensions["admin_client"] = None
    app.extensions["admin_auth"] = (metadata, refresh)


def client() -> AdminClient:
    """The app's AdminClient, created on first use in this process."""
    existing = current_app.extensions.get("admin_client")
    if existing is None:
        settings = current_app.config["SETTINGS"]
        channel = open_channel(settings.admin_endpoint, settings.insecure, settings.ca_cert_file, settings.max_retries)
        existing = AdminClient(channel, settings.admin_endpoint, settings.call_timeout,
                               *current_app.extensions["admin_auth"])
        current_app.extensions["admin_client"] = existing
    return existing
