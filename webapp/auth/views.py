"""Login (authorization code + PKCE through Authlib), its callback, and logout."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from joserfc.errors import JoseError

from webapp import auth
from webapp.auth import tokens

bp = Blueprint("auth", __name__, url_prefix="/auth")
NEXT = "login_next"


def safe_next(target: str | None) -> str:
    """Only a path on this site: "https://elsewhere" or "//elsewhere" would make the login an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("browse.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("browse.index")
    return target


@bp.get("/login")
def login():
    """To the identity provider; `next` is where to come back to."""
    if not auth.pkce():
        abort(404, "This Flyte Launch does not log people in (admin.authType is not Pkce).")
    session[NEXT] = safe_next(request.args.get("next"))
    callback = current_app.config["SETTINGS"].redirect_uri or url_for("auth.callback", _external=True)
    return auth.state().login_client().authorize_redirect(callback)


@bp.get("/callback")
def callback():
    """Back from the provider: Authlib checks state, nonce and the PKCE verifier; the token stays server side."""
    try:
        token = auth.state().login_client().authorize_access_token()
    except OAuthError as error:
        abort(400, f"The login did not complete: {error.description or error.error}.")
    except JoseError as error:  # the id token: not for this login (nonce), not from this issuer, expired...
        abort(400, f"The login did not complete: the id token was refused ({error.description or error.error}).")
    target = session.pop(NEXT, url_for("browse.index"))
    pending = session.get(auth.PENDING)
    current_app.session_interface.regenerate(session)  # a new session id after login: no fixation
    session[tokens.TOKEN] = token
    if pending:
        session[auth.PENDING] = pending
    return redirect(target)


@bp.post("/logout")
def logout():
    """Ends the session here, then at the provider when it offers an end-session endpoint."""
    token = session.get(tokens.TOKEN) or {}
    session.clear()
    home = url_for("browse.index", _external=True)
    if not auth.pkce():
        return redirect(home, 303)
    end_session = auth.state().end_session_endpoint()
    if not end_session:
        return redirect(home, 303)
    params = {"post_logout_redirect_uri": home, "client_id": auth.state().server().client_id}
    if token.get("id_token"):
        params["id_token_hint"] = token["id_token"]
    return redirect(f"{end_session}?{urlencode(params)}", 303)
