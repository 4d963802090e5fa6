"""Start the test OpenID provider (``provider.mjs``) and talk to it as its clients do.

Tokens come from the provider's real endpoints: client credentials for services, and a sign-in that a ``requests``
session walks through like a browser (authorize, login form, redirect back), so nothing is forged.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import secrets
import select
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests

PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
START_TIMEOUT = 20.0  # seconds for node to print its issuer line
HTTP_TIMEOUT = 10.0
FLYTECTL_REDIRECT_URI = "http://localhost:53593/callback"  # admin's default public client redirect
DEFAULT_SCOPE = "openid offline_access profile email all"


@dataclass
class OidcProvider:
    """A running provider: its issuer, its two clients, and ways to get tokens from it."""

    issuer: str
    redirect_uris: tuple[str, ...]
    public_client_id: str = "flyte-launch"
    service_client_id: str = "flyte-launch-service"
    service_secret: str = "service-secret"

    @cached_property
    def metadata(self) -> dict:
        """The discovery document (authorization, token, jwks, end_session endpoints...)."""
        response = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def client_credentials_token(self, scope: str = "all", resource: str | None = None) -> str:
        """A service access token (JWT, ``sub`` = the service client id).

        ``resource=None`` gives audience ``flyteadmin``; any other resource URI becomes the token's audience.
        ``scope=""`` gives a token without the ``all`` scope.
        """
        form = {"grant_type": "client_credentials", "scope": scope}
        if resource is not None:
            form["resource"] = resource
        return self._token_request(form, auth=(self.service_client_id, self.service_secret))["access_token"]

    def user_tokens(self, username: str, scope: str = DEFAULT_SCOPE, session: requests.Session | None = None) -> dict:
        """The token response of a full sign-in as ``username`` (code + PKCE, first redirect URI).

        Holds ``access_token`` (a FlyteAdmin JWT, ``sub`` = username), ``id_token``, ``refresh_token``.
        Pass ``session`` to stay signed in at the provider afterwards (to sign out, for instance).
        """
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {"client_id": self.public_client_id, "redirect_uri": self.redirect_uris[0], "response_type": "code",
                 "scope": scope, "code_challenge": challenge, "code_challenge_method": "S256",
                 "state": secrets.token_urlsafe(16)}
        callback = self.login(session or requests.Session(),
                              f"{self.metadata['authorization_endpoint']}?{urlencode(query)}", username)
        [code] = parse_qs(urlsplit(callback).query)["code"]
        return self._token_request({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                    "redirect_uri": self.redirect_uris[0], "client_id": self.public_client_id})

    def refresh(self, refresh_token: str) -> dict:
        """The public client's refresh grant: new tokens and a new refresh token (the used one stops working)."""
        return self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token,
                                    "client_id": self.public_client_id})

    def login(self, session: requests.Session, authorize_url: str, username: str) -> str:
        """Sign in as ``username`` like a browser; answers the callback URL the provider redirects to (not fetched).

        A session already signed in at the provider goes straight back without the form.
        """
        landed = self._follow(session, session.get(authorize_url, allow_redirects=False, timeout=HTTP_TIMEOUT))
        if isinstance(landed, str):
            return landed
        form = re.search(r'<form method="post" action="([^"]+)"', landed.text)
        if not form:
            raise AssertionError(f"no login form at {landed.url} ({landed.status_code}): {_page_text(landed)}")
        posted = session.post(urljoin(landed.url, html.unescape(form[1])), data={"username": username},
                              allow_redirects=False, timeout=HTTP_TIMEOUT)
        back = self._follow(session, posted)
        if isinstance(back, str):
            return back
        raise AssertionError(f"signing in did not redirect back ({back.status_code}): {_page_text(back)}")

    def logout(self, session: requests.Session, end_session_url: str) -> str:
        """Confirm the provider's sign-out page like a user clicking "Yes, sign me out"; answers where it redirects
        (the ``post_logout_redirect_uri``, or the provider's own signed-out page)."""
        page = session.get(end_session_url, timeout=HTTP_TIMEOUT)
        form = re.search(r'<form[^>]* action="([^"]+)"', page.text)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
        if not (form and xsrf):
            raise AssertionError(f"no sign-out form at {page.url} ({page.status_code}): {_page_text(page)}")
        confirmed = session.post(urljoin(page.url, html.unescape(form[1])), data={"xsrf": xsrf[1], "logout": "yes"},
                                 allow_redirects=False, timeout=HTTP_TIMEOUT)
        landed = self._follow(session, confirmed)
        return landed if isinstance(landed, str) else landed.url

    def _follow(self, session: requests.Session, response: requests.Response) -> str | requests.Response:
        """Follow redirects inside the provider; answers the first URL outside it, or the page it stops on."""
        while response.is_redirect:
            location = urljoin(response.url, response.headers["location"])
            if not location.startswith(f"{self.issuer}/"):
                return location
            response = session.get(location, allow_redirects=False, timeout=HTTP_TIMEOUT)
        return response

    def _token_request(self, form: dict, auth: tuple[str, str] | None = None) -> dict:
        response = requests.post(self.metadata["token_endpoint"], data=form, auth=auth, timeout=HTTP_TIMEOUT)
        if response.status_code != 200:
            raise AssertionError(f"token endpoint refused {form['grant_type']}: {response.text}")
        return response.json()


def _page_text(response: requests.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)).strip()[:500]


@contextmanager
def running_oidc_provider(redirect_uris: Sequence[str] = (FLYTECTL_REDIRECT_URI,), access_token_ttl: int = 3600,
                          post_logout_redirect_uris: Sequence[str] = (), port: int = 0) -> Iterator[OidcProvider]:
    """Run ``node tests/oidc/provider.mjs`` until the block ends.

    ``port=0`` picks a free port; a provider started again on the same port is the same issuer with a new signing
    key (a key rotation). ``post_logout_redirect_uris`` defaults to the origin ``/`` of every redirect URI.
    """
    env = {**os.environ, "PORT": str(port), "REDIRECT_URIS": ",".join(redirect_uris),
           "POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_redirect_uris),
           "ACCESS_TOKEN_TTL": str(access_token_ttl)}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(["node", str(PROVIDER_SCRIPT)], stdout=subprocess.PIPE, stderr=log, env=env,
                                   text=True)
        try:
            yield OidcProvider(issuer=_issuer(process, log), redirect_uris=tuple(redirect_uris))
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


def _issuer(process: subprocess.Popen, log) -> str:
    """Read the provider's stdout until its ``issuer URL`` line; fail with its stderr if it never comes."""
    deadline = time.monotonic() + START_TIMEOUT
    while (remaining := deadline - time.monotonic()) > 0:
        if select.select([process.stdout], [], [], remaining)[0]:
            line = process.stdout.readline()
            if line.startswith("issuer "):
                return line.split()[1]
            if not line:
                break
    log.seek(0)
    stderr = log.read().decode(errors="replace")[-2000:]
    raise RuntimeError(f"the test OpenID provider did not start (exit code {process.poll()}; "
                       f"is `npm ci` done?): {stderr}")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """One provider for the session, redirecting to flytectl's default callback (for ``user_tokens``)."""
    with running_oidc_provider() as provider:
        yield provider


@pytest.fixture
def start_oidc_provider():
    """Start providers with their own redirect URIs or token lifetime (``running_oidc_provider`` arguments);
    all are stopped after the test."""
    with ExitStack() as stack:
        yield lambda **options: stack.enter_context(running_oidc_provider(**options))
