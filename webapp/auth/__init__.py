"""Authentication: who the person is, and the token each admin call carries.

The mode is flytectl's `admin.authType`: none, `Pkce` (each person logs in; authorization code + PKCE via
Authlib), `ClientSecret` (the app as a service, client credentials) or `ExternalCommand` (a printed token).
Tokens live in the server-side session or in this process, never in the browser.
"""

from __future__ import annotations

import threading

import requests
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect, request, session, url_for

from webapp import admin
from webapp.admin.errors import AdminError, Unimplemented
from webapp.admin.models import AuthServer
from webapp.auth import sessions, tokens

DEFAULT_METADATA_KEY = "flyte-authorization"
PENDING = "pending_form"  # session key: a form posted when the login had run out, kept for after the login
OPEN_ENDPOINTS = {"static", "browse.healthz", "auth.login", "auth.callback", "auth.logout"}


def init_app(app: Flask) -> None:
    from webapp.auth.views import bp

    sessions.init_app(app)
    app.extensions["auth"] = _State(app)
    app.register_blueprint(bp)
    app.before_request(_require_login)
    app.context_processor(lambda: {"user": session.get(tokens.TOKEN, {}).get("userinfo") if pkce() else None})


class _State:
    """Per process: the token source, and the login server, discovered on first use."""

    def __init__(self, app: Flask):
        settings = app.config["SETTINGS"]
        self.settings = settings
        self.oauth = OAuth(app)
        self._lock = threading.Lock()
        self._server: AuthServer | None = None
        sources = {
            "": tokens.NoAuth,
            "pkce": lambda: tokens.Pkce(self.login_client),
            "clientsecret": lambda: tokens.ClientSecret(*self.client_credentials()),
            "externalcommand": lambda: tokens.ExternalCommand(settings.command),
        }
        if settings.auth_type.lower() not in sources:
            raise ValueError(f"admin.authType {settings.auth_type!r} is not one this web app can use: "
                             "Pkce, ClientSecret or ExternalCommand (or none)")
        self._make_source = sources[settings.auth_type.lower()]
        self._source = None

    @property
    def source(self):
        """Made on first use: a service's token source needs admin's discovery, which needs a request."""
        if self._source is None:
            self._source = self._make_source()
        return self._source

    def server(self) -> AuthServer:
        """Admin's login metadata and public client config (as flytectl discovers them: the metadata key, client
        and scopes come from admin even when the provider is configured), this app's settings taking precedence."""
        with self._lock:
            if self._server is None:
                s = self.settings
                told = self._admins_auth()
                found = provider_metadata(self.metadata_url) if self.metadata_url else told
                self._server = AuthServer(
                    issuer=s.issuer or found.issuer,
                    authorization_endpoint=found.authorization_endpoint,
                    token_endpoint=s.token_url or found.token_endpoint,
                    jwks_uri=found.jwks_uri,
                    client_id=s.client_id or told.client_id,
                    scopes=tuple(s.scopes.split()) if s.scopes else told.scopes,
                    metadata_key=(s.authorization_header or told.metadata_key or DEFAULT_METADATA_KEY).lower(),
                    audience=s.audience or told.audience)
            return self._server

    def _admins_auth(self) -> AuthServer:
        """What admin says; nothing when it serves no auth services but the settings say enough (an admin behind
        a proxy that authenticates, reached with ExternalCommand or a configured token URL). An admin that does
        not answer is an error: what it would have said (the metadata key) is kept for the process."""
        s = self.settings
        try:
            return admin.client().auth_server()
        except Unimplemented:
            if self.metadata_url or (s.token_url and s.client_id) or s.auth_type.lower() == "externalcommand":
                return AuthServer("", "", "", "", "", (), "")
            raise

    @property
    def metadata_url(self) -> str:
        """The provider's metadata document, when configured rather than discovered through admin."""
        s = self.settings
        return s.metadata_url or (_openid_document(s.issuer) if s.issuer else "")

    def login_client(self):
        """The Authlib client for the login (PKCE, S256, no secret), registered on first use.

        As flytectl: the endpoints admin's GetOAuth2Metadata gives (with admin's own authorization server they
        are admin's, and its issuer's OpenID document describes another server); a configured provider's own."""
        existing = self.oauth.create_client("flyte")
        if existing is not None:
            return existing
        server = self.server()
        endpoints = {"server_metadata_url": self.metadata_url} if self.metadata_url else {
            "authorize_url": server.authorization_endpoint, "access_token_url": server.token_endpoint,
            "issuer": server.issuer, "jwks_uri": server.jwks_uri}  # Authlib checks the id token against these
        scopes = " ".join(dict.fromkeys(("openid",) + server.scopes))  # openid: the id token says who logged in
        return self.oauth.register(
            "flyte", client_id=server.client_id, **endpoints,
            client_kwargs={"scope": scopes, "code_challenge_method": "S256", "token_endpoint_auth_method": "none"})

    def end_session_endpoint(self) -> str:
        """The provider's end-session endpoint, from its OpenID document (admin's OAuth2 metadata has none), or
        "" when it offers none or cannot be read: the logout then ends only the session here."""
        url = self.metadata_url or _openid_document(self.server().issuer)
        try:
            return provider_document(url).get("end_session_endpoint", "")
        except ProviderUnreadable:
            return ""

    def client_credentials(self):
        server = self.server()
        return (server.token_endpoint, server.client_id, tokens.client_secret(self.settings),
                " ".join(server.scopes), server.audience)


def _openid_document(issuer: str) -> str:
    return f"{issuer.rstrip('/')}/.well-known/openid-configuration"


class ProviderUnreadable(AdminError):
    http_status = 502
    title = "The login provider could not be read"


def provider_document(url: str) -> dict:
    """An OpenID or OAuth2 provider's metadata document."""
    try:
        response = requests.get(url, timeout=10)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnreadable(f"{url}: {error}") from None
    if not isinstance(document, dict):
        raise ProviderUnreadable(f"{url}: not a metadata document")
    return document


def provider_metadata(url: str) -> AuthServer:
    """The endpoints a provider publishes in its metadata document."""
    document = provider_document(url)
    try:
        return AuthServer(document["issuer"], document.get("authorization_endpoint", ""),
                          document["token_endpoint"], document.get("jwks_uri", ""), "", (), "")
    except KeyError as error:
        raise ProviderUnreadable(f"{url}: no {error} in the document") from None


def state() -> _State:
    return current_app.extensions["auth"]


def pkce() -> bool:
    return current_app.config["SETTINGS"].auth_type.lower() == "pkce"


def grpc_metadata() -> list[tuple[str, str]]:
    """The token for admin, under admin's metadata key, as `Bearer <token>`."""
    token = state().source.token()
    return [(state().server().metadata_key, f"Bearer {token}")] if token else []


def refresh() -> bool:
    return state().source.refresh()


def _require_login():
    """In Pkce mode every page needs a login; what was being done resumes after it."""
    if not pkce() or request.endpoint in OPEN_ENDPOINTS or session.get(tokens.TOKEN):
        return None
    return login_redirect()


def login_redirect():
    """To the login, and back here afterwards; a posted form is kept and shown again, nothing typed is lost."""
    if request.method == "POST":
        session[PENDING] = {"path": request.path, "form": {k: v for k, v in request.form.items() if k != "$action"}}
    back = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return redirect(url_for("auth.login", next=back), 303)


def take_pending_form(path: str) -> dict | None:
    """The form posted to `path` before a login, once."""
    pending = session.get(PENDING)
    if pending and pending["path"] == path:
        session.pop(PENDING)
        return pending["form"]
    return None
