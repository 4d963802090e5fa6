"""The test OpenID provider does what login tests rely on: PKCE, JWT access tokens for FlyteAdmin, refresh, sign-out."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

pytestmark = pytest.mark.timeout(60)


def verified(provider, token: str, audience: str) -> dict:
    """The claims of ``token``, checked against the provider's JWKS as a resource server checks them."""
    keys = KeySet.import_key_set(requests.get(provider.metadata["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token, keys, algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": provider.issuer},
                          aud={"essential": True, "value": audience}).validate(claims)
    return claims


def authorize_url(provider, **overrides) -> str:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"v" * 43).digest()).rstrip(b"=").decode()
    query = {"client_id": provider.public_client_id, "redirect_uri": provider.redirect_uris[0],
             "response_type": "code", "scope": "openid all", "code_challenge": challenge,
             "code_challenge_method": "S256", **overrides}
    return f"{provider.metadata['authorization_endpoint']}?{urlencode({k: v for k, v in query.items() if v})}"


def test_discovery_names_the_endpoints_and_scopes(oidc_provider):
    metadata = oidc_provider.metadata
    assert metadata["issuer"] == oidc_provider.issuer
    assert metadata["end_session_endpoint"].startswith(oidc_provider.issuer)
    assert {"openid", "offline_access", "profile", "email", "all"} <= set(metadata["scopes_supported"])
    assert metadata["code_challenge_methods_supported"] == ["S256"]


def test_a_service_token_is_a_flyteadmin_jwt_with_scope_all(oidc_provider):
    claims = verified(oidc_provider, oidc_provider.client_credentials_token(), "flyteadmin")
    assert (claims["sub"], claims["scope"]) == ("flyte-launch-service", "all")


def test_a_service_token_can_be_for_another_audience_or_without_scope(oidc_provider):
    other = oidc_provider.client_credentials_token(resource="https://elsewhere.example")
    assert verified(oidc_provider, other, "https://elsewhere.example")["scope"] == "all"
    assert "scope" not in verified(oidc_provider, oidc_provider.client_credentials_token(scope=""), "flyteadmin")


def test_a_wrong_service_secret_is_refused(oidc_provider):
    response = requests.post(oidc_provider.metadata["token_endpoint"], data={"grant_type": "client_credentials"},
                             auth=(oidc_provider.service_client_id, "wrong"), timeout=10)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


def test_signing_in_gives_a_flyteadmin_access_token_an_id_token_and_a_refresh_token(oidc_provider):
    tokens = oidc_provider.user_tokens("ada")
    access = verified(oidc_provider, tokens["access_token"], "flyteadmin")
    assert (access["sub"], access["scope"], access["name"]) == ("ada", "all", "Ada")
    identity = verified(oidc_provider, tokens["id_token"], oidc_provider.public_client_id)
    assert (identity["sub"], identity["name"], identity["email"], identity["preferred_username"]) == (
        "ada", "Ada", "ada@example.com", "ada")
    assert tokens["refresh_token"]


def test_refresh_tokens_rotate(oidc_provider):
    first = oidc_provider.user_tokens("ada")
    second = oidc_provider.refresh(first["refresh_token"])
    assert verified(oidc_provider, second["access_token"], "flyteadmin")["sub"] == "ada"
    assert second["refresh_token"] != first["refresh_token"]
    with pytest.raises(AssertionError, match="invalid_grant"):
        oidc_provider.refresh(first["refresh_token"])


def test_the_login_page_has_a_labelled_username_field_and_a_sign_in_button(oidc_provider):
    page = requests.get(authorize_url(oidc_provider), timeout=10)
    assert re.search(r'<label for="username">Username</label>\s*<input id="username" name="username"', page.text)
    assert '<button type="submit">Sign in</button>' in page.text


def test_pkce_is_required(oidc_provider):
    callback = oidc_provider.login(requests.Session(), authorize_url(oidc_provider, code_challenge=""), "ada")
    assert parse_qs(urlsplit(callback).query)["error"] == ["invalid_request"]


def test_a_wrong_code_verifier_is_refused(oidc_provider):
    callback = oidc_provider.login(requests.Session(), authorize_url(oidc_provider), "ada")
    [code] = parse_qs(urlsplit(callback).query)["code"]
    response = requests.post(oidc_provider.metadata["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": code, "code_verifier": "w" * 43,
        "redirect_uri": oidc_provider.redirect_uris[0], "client_id": oidc_provider.public_client_id})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def test_an_unregistered_redirect_uri_is_refused_without_redirecting(oidc_provider):
    with pytest.raises(AssertionError, match="redirect_uri did not match"):
        oidc_provider.login(requests.Session(), authorize_url(oidc_provider, redirect_uri="http://evil.example/cb"),
                            "ada")


def test_a_signed_in_browser_goes_straight_back_and_signing_out_ends_that(oidc_provider):
    browser = requests.Session()
    tokens = oidc_provider.user_tokens("ada", session=browser)
    assert "code=" in oidc_provider.login(browser, authorize_url(oidc_provider), "ignored: no form is shown")
    goodbye = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": "http://localhost:53593/",
               "state": "bye"}
    landed = oidc_provider.logout(browser, f"{oidc_provider.metadata['end_session_endpoint']}?{urlencode(goodbye)}")
    assert landed == "http://localhost:53593/?state=bye"
    again = oidc_provider.user_tokens("grace", session=browser)  # the form is back: a new user can sign in
    assert verified(oidc_provider, again["access_token"], "flyteadmin")["sub"] == "grace"


def test_the_access_token_lifetime_is_configurable(start_oidc_provider):
    provider = start_oidc_provider(access_token_ttl=7)
    claims = verified(provider, provider.client_credentials_token(), "flyteadmin")
    assert claims["exp"] - claims["iat"] == 7


def test_redirect_uris_are_configurable(start_oidc_provider):
    provider = start_oidc_provider(redirect_uris=["http://127.0.0.1:8123/auth/callback"])
    callback = provider.login(requests.Session(), authorize_url(provider), "ada")
    assert callback.startswith("http://127.0.0.1:8123/auth/callback?code=")
