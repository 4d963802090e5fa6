"""Where the token for admin comes from, one class per flytectl authType.

Every source answers `token()` (may be "") and `refresh()` (True if a new token is now there), which the
admin client calls once when admin answers UNAUTHENTICATED.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time

from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import session
from requests import RequestException

TOKEN = "token"  # session key of a logged-in person's token
EARLY = 60  # seconds: a token this close to expiry is refreshed before use


class NoAuth:
    def token(self) -> str:
        return ""

    def refresh(self) -> bool:
        return False


class Pkce:
    """The logged-in person's own token, kept in the server-side session."""

    def __init__(self, oauth_client):
        self._client = oauth_client  # a callable answering the Authlib app, registered on first use

    def token(self) -> str:
        token = session.get(TOKEN)
        if not token:
            return ""
        if token.get("expires_at", 0) - EARLY < time.time():
            self.refresh()
        return session.get(TOKEN, {}).get("access_token", "")

    def refresh(self) -> bool:
        token = session.get(TOKEN)
        if not token or not token.get("refresh_token"):
            return False
        try:
            # the scope granted, not the one asked for at login: a provider may have granted less
            fresh = self._client().fetch_access_token(grant_type="refresh_token", refresh_token=token["refresh_token"],
                                                      scope=token.get("scope"))
        except (OAuthError, RequestException):
            session.pop(TOKEN, None)  # the login is over: the next page asks for a new one
            return False
        fresh.setdefault("refresh_token", token["refresh_token"])
        session[TOKEN] = {**fresh, "userinfo": token.get("userinfo")}
        return True


class Cached:
    """A token shared by the whole process (a service identity), renewed when it is about to expire."""

    def __init__(self):
        self._lock = threading.Lock()
        self._token, self._expires_at = "", 0.0

    def token(self) -> str:
        with self._lock:
            if not self._token or self._expires_at - EARLY < time.time():
                self._token, self._expires_at = self.fetch()
            return self._token

    def refresh(self) -> bool:
        with self._lock:
            self._token, self._expires_at = self.fetch()
            return bool(self._token)

    def fetch(self) -> tuple[str, float]:
        raise NotImplementedError


class ClientSecret(Cached):
    """Client credentials, as flytectl's ClientSecret mode: for deployments behind a company SSO proxy."""

    def __init__(self, token_url: str, client_id: str, secret: str, scopes: str, audience: str):
        super().__init__()
        self._token_url, self._client_id, self._secret = token_url, client_id, secret
        self._scopes, self._audience = scopes, audience

    def fetch(self) -> tuple[str, float]:
        params = {"audience": self._audience} if self._audience else {}
        with OAuth2Session(self._client_id, self._secret, scope=self._scopes or None) as client:
            token = client.fetch_token(self._token_url, grant_type="client_credentials", **params)
        return token["access_token"], float(token.get("expires_at") or time.time() + 300)


class ExternalCommand(Cached):
    """A token printed by a command (flytectl's ExternalCommand), kept until admin refuses it."""

    def __init__(self, command: str):
        super().__init__()
        self._command = shlex.split(command)

    def fetch(self) -> tuple[str, float]:
        out = subprocess.run(self._command, capture_output=True, text=True, timeout=30, check=True).stdout
        return out.strip(), float("inf")


def client_secret(settings) -> str:
    """The secret from flytectl's clientSecretEnvVar, else its clientSecretLocation file."""
    if settings.client_secret_env_var:
        return os.environ.get(settings.client_secret_env_var, "").strip()
    with open(settings.client_secret_location or "/etc/secrets/client_secret") as file:
        return file.read().strip()
