"""A real OpenID provider, a sandbox admin that enforces its tokens, and the app logging people in through it."""

from __future__ import annotations

import pytest

from tests.oidc.harness import OidcProvider
from webapp import create_app
from webapp.config import Settings
from webapp.sandbox.server import start

APP_CALLBACK = "http://localhost/auth/callback"  # the Flask test client's host


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> OidcProvider:
    from tests.oidc.harness import running_oidc_provider

    with running_oidc_provider(redirect_uris=(APP_CALLBACK,), access_token_ttl=3600) as running:
        yield running


@pytest.fixture(scope="module")
def secured_admin(provider, tmp_path_factory):
    server = start(str(tmp_path_factory.mktemp("secured") / "admin.db"), auth_issuer=provider.issuer,
                   client_id=provider.public_client_id, redirect_uri=APP_CALLBACK,
                   queued_seconds=30, running_seconds=30)
    yield server
    server.stop(grace=None)


def pkce_app(admin, **settings):
    return create_app(Settings(admin_endpoint=admin.address, insecure=True, secret_key="auth-test",
                               auth_type="Pkce", scopes="openid offline_access profile all", **settings))
