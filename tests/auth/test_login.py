"""Login with authorization code + PKCE against a real OpenID provider; the token reaches admin, never the page."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import grpc
import pytest
import requests
from flyteidl.admin import execution_pb2
from flyteidl.core import identifier_pb2
from flyteidl.service import admin_pb2_grpc

from tests.auth.conftest import pkce_app
from tests.conftest import csrf_token
from webapp.auth.views import safe_next

MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"
LISTS = {"inputs.sorted_list1.$paste": "1, 2", "inputs.sorted_list2.$paste": "3"}


def log_in(client, provider, username="ada", start=MERGE):
    """Opens `start` logged out, signs in at the provider like a browser, follows back; answers where it landed."""
    to_login = client.get(start)
    assert to_login.status_code == 303 and to_login.headers["Location"].startswith("/auth/login?next=")
    to_provider = client.get(to_login.headers["Location"])
    assert to_provider.headers["Location"].startswith(provider.issuer)
    query = parse_qs(urlsplit(to_provider.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["state"]
    callback = provider.login(requests.Session(), to_provider.headers["Location"], username)
    back = client.get(callback[len("http://localhost"):])
    assert back.status_code == 302, back.get_data(as_text=True)
    return back.headers["Location"]


def principal_of(admin, name, token):
    stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(admin.address))
    ident = identifier_pb2.WorkflowExecutionIdentifier(project="flytesnacks", domain="development", name=name)
    return stub.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=ident), timeout=5,
                             metadata=[("flyte-authorization", f"Bearer {token}")]).spec.metadata.principal


def test_login_then_launch_as_that_person(provider, secured_admin):
    client = pkce_app(secured_admin).test_client()
    assert log_in(client, provider, "ada") == MERGE
    page = client.get(MERGE).get_data(as_text=True)
    assert "Signed in as <strong>Ada</strong>" in page  # the id token's name claim
    launched = client.post(MERGE, data={"csrf_token": csrf_token(page), **LISTS})
    assert launched.status_code == 303
    name = launched.headers["Location"].rsplit("/", 1)[1]
    assert principal_of(secured_admin, name, provider.client_credentials_token()) == "ada"


def test_the_token_never_reaches_the_browser(provider, secured_admin):
    client = pkce_app(secured_admin).test_client()
    log_in(client, provider)
    with client.session_transaction() as session:
        token = session["token"]
    page = client.get(MERGE)
    cookie = client.get_cookie("flyte_launch_session").value
    for secret in (token["access_token"], token["refresh_token"], token["id_token"]):
        assert secret not in page.get_data(as_text=True) and secret not in cookie
        assert secret not in page.headers.get("Location", "")


def test_state_is_checked(provider, secured_admin):
    client = pkce_app(secured_admin).test_client()
    to_provider = client.get(client.get(MERGE).headers["Location"]).headers["Location"]
    callback = provider.login(requests.Session(), to_provider, "ada")
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    response = client.get(forged[len("http://localhost"):])
    assert response.status_code == 400 and "did not complete" in response.get_data(as_text=True)


def test_a_form_posted_after_the_login_ran_out_comes_back(provider, secured_admin):
    client = pkce_app(secured_admin).test_client()
    log_in(client, provider)
    token = csrf_token(client.get(MERGE).get_data(as_text=True))
    with client.session_transaction() as session:
        del session["token"]  # the login ran out
    posted = client.post(MERGE, data={"csrf_token": token, "inputs.sorted_list1.$paste": "7, 8",
                                      "options.cluster_pool": "gpu"})
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/auth/login")
    to_provider = client.get(posted.headers["Location"]).headers["Location"]
    back = client.get(provider.login(requests.Session(), to_provider, "ada")[len("http://localhost"):])
    assert back.headers["Location"] == MERGE
    page = client.get(MERGE).get_data(as_text=True)
    assert re.search(r'name="inputs.sorted_list1.1"[^>]*value="8"', page)
    assert re.search(r'name="options.cluster_pool"[^>]*value="gpu"', page)


def test_nonce_is_checked(provider, secured_admin):
    """An id token minted for another login's nonce (here: the nonce this login expects, changed) is refused."""
    client = pkce_app(secured_admin).test_client()
    to_provider = client.get(client.get(MERGE).headers["Location"]).headers["Location"]
    callback = provider.login(requests.Session(), to_provider, "ada")
    with client.session_transaction() as session:
        [key] = [k for k in session if k.startswith("_state_flyte_")]
        assert session[key]["data"]["nonce"]
        session[key] = {**session[key], "data": {**session[key]["data"], "nonce": "another-login"}}
    response = client.get(callback[len("http://localhost"):])
    assert response.status_code == 400 and "did not complete" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "token" not in session


def test_a_token_admin_refuses_and_cannot_refresh_leads_to_a_login_that_keeps_the_form(provider, secured_admin):
    """The session still holds a token, admin answers UNAUTHENTICATED, the refresh fails: log in again."""
    client = pkce_app(secured_admin).test_client()
    log_in(client, provider)
    token = csrf_token(client.get(MERGE).get_data(as_text=True))
    with client.session_transaction() as session:
        session["token"] = {**session["token"], "access_token": "revoked", "refresh_token": "revoked"}
    posted = client.post(MERGE, data={"csrf_token": token, "inputs.sorted_list1.$paste": "5, 6"})
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/auth/login")
    to_provider = client.get(posted.headers["Location"]).headers["Location"]
    back = client.get(provider.login(requests.Session(), to_provider, "ada")[len("http://localhost"):])
    assert back.headers["Location"] == MERGE
    assert re.search(r'name="inputs.sorted_list1.1"[^>]*value="6"', client.get(MERGE).get_data(as_text=True))


@pytest.mark.parametrize("action, values", [
    ("relaunch", {"name": "kept-name", "overwrite_cache": "true"}), ("terminate", {"cause": "kept cause"})])
def test_relaunch_and_terminate_keep_what_was_typed_across_a_login(provider, secured_admin, action, values):
    client = pkce_app(secured_admin).test_client()
    log_in(client, provider)
    launched = client.post(MERGE, data={"csrf_token": csrf_token(client.get(MERGE).get_data(as_text=True)), **LISTS})
    assert_kept_across_a_login(client, provider, launched.headers["Location"] + "/" + action, values)


def test_recover_keeps_what_was_typed_across_a_login(provider, tmp_path):
    from tests.auth.conftest import APP_CALLBACK
    from webapp.sandbox.server import start

    admin = start(str(tmp_path / "admin.db"), auth_issuer=provider.issuer, client_id=provider.public_client_id,
                  redirect_uri=APP_CALLBACK, queued_seconds=0.1, running_seconds=0.2)  # fails at once
    try:
        client = pkce_app(admin).test_client()
        log_in(client, provider)
        fails = "/launch/flytesnacks/development/task/demo.failures.always_fails/v1"
        launched = client.post(fails, data={"csrf_token": csrf_token(client.get(fails).get_data(as_text=True)),
                                            "inputs.reason": "x"})
        url = launched.headers["Location"] + "/recover"
        deadline = time.time() + 10
        while "Recover</button>" not in client.get(url).get_data(as_text=True):  # offered once FAILED
            assert time.time() < deadline, "the execution never failed"
            time.sleep(0.1)
        assert_kept_across_a_login(client, provider, url, {"name": "kept-name"})
    finally:
        admin.stop(grace=None)


def assert_kept_across_a_login(client, provider, url: str, values: dict) -> None:
    """Posts `values` to `url` after the login ran out, logs in again, and finds them in the page it lands on."""
    token = csrf_token(client.get(url).get_data(as_text=True))
    with client.session_transaction() as session:
        del session["token"]  # the login ran out
    posted = client.post(url, data={"csrf_token": token, **values})
    to_provider = client.get(posted.headers["Location"]).headers["Location"]
    back = client.get(provider.login(requests.Session(), to_provider, "ada")[len("http://localhost"):])
    assert back.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    for field, value in values.items():
        assert re.search(f'name="{field}" value="{value}"' if field != "overwrite_cache" else
                         r'name="overwrite_cache" value="true" checked', page), field


def test_an_expiring_token_is_refreshed_before_use(start_oidc_provider, tmp_path):
    from tests.auth.conftest import APP_CALLBACK
    from webapp.sandbox.server import start

    short = start_oidc_provider(redirect_uris=(APP_CALLBACK,), access_token_ttl=30)  # within the 60 s margin
    admin = start(str(tmp_path / "admin.db"), auth_issuer=short.issuer, client_id=short.public_client_id,
                  redirect_uri=APP_CALLBACK)
    try:
        client = pkce_app(admin).test_client()
        log_in(client, short)
        with client.session_transaction() as session:
            first = session["token"]["access_token"]
        assert client.get(MERGE).status_code == 200
        with client.session_transaction() as session:
            assert session["token"]["access_token"] != first
    finally:
        admin.stop(grace=None)


def test_logout_ends_the_session_at_the_provider_too(provider, secured_admin):
    client = pkce_app(secured_admin).test_client()
    log_in(client, provider)
    token = csrf_token(client.get(MERGE).get_data(as_text=True))
    response = client.post("/auth/logout", data={"csrf_token": token})
    end_session = provider.metadata["end_session_endpoint"]
    assert response.status_code == 303 and response.headers["Location"].startswith(end_session)
    assert "id_token_hint=" in response.headers["Location"]
    assert client.get(MERGE).headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("target", ["https://elsewhere.example.com/x", "//elsewhere.example.com", "/\\elsewhere",
                                    "javascript:alert(1)", ""])
def test_next_never_leaves_the_site(target, app):
    with app.test_request_context():
        assert safe_next(target) == "/"
        assert safe_next("/executions/p/d/x?y=1") == "/executions/p/d/x?y=1"


def test_next_to_elsewhere_lands_home_after_login(provider, secured_admin):
    client = pkce_app(secured_admin).test_client()
    to_provider = client.get("/auth/login?next=https://elsewhere.example.com/").headers["Location"]
    back = client.get(provider.login(requests.Session(), to_provider, "ada")[len("http://localhost"):])
    assert back.headers["Location"] == "/"


def test_login_through_a_configured_metadata_url(provider, secured_admin):
    """The provider's metadata document named outright (no discovery through admin) leads to the same login."""
    client = pkce_app(secured_admin, client_id=provider.public_client_id,
                      metadata_url=f"{provider.issuer}/.well-known/openid-configuration").test_client()
    assert log_in(client, provider, "grace") == MERGE
    assert "Signed in as" in client.get(MERGE).get_data(as_text=True)


def test_login_uses_the_endpoints_admin_gives_as_flytectl_does(secured_admin):
    """With admin's own authorization server, its issuer's OpenID document describes another server, so the
    login must take authorize and token endpoints from GetOAuth2Metadata, not from that document."""
    from flyteidl.service import auth_pb2, auth_pb2_grpc

    told = auth_pb2_grpc.AuthMetadataServiceStub(grpc.insecure_channel(secured_admin.address)).GetOAuth2Metadata(
        auth_pb2.OAuth2MetadataRequest(), timeout=5)
    app = pkce_app(secured_admin)
    with app.test_request_context("/"):
        client = app.extensions["auth"].login_client()
    assert (client.authorize_url, client.access_token_url) == (told.authorization_endpoint, told.token_endpoint)
    assert client.load_server_metadata() == {"issuer": told.issuer, "jwks_uri": told.jwks_uri}  # nothing fetched


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "launch.example.com"}


def _callback_of(response) -> str:
    return parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"][0]


def test_behind_a_proxy_the_callback_and_cookie_are_the_public_https_ones(secured_admin):
    behind = pkce_app(secured_admin, proxies=1).test_client().get("/auth/login", headers=FORWARDED)
    assert _callback_of(behind) == "https://launch.example.com/auth/callback"
    assert "Secure" in behind.headers["Set-Cookie"]
    direct = pkce_app(secured_admin).test_client().get("/auth/login", headers=FORWARDED)  # not trusted by default
    assert _callback_of(direct) == "http://localhost/auth/callback" and "Secure" not in direct.headers["Set-Cookie"]


def test_the_callback_can_be_set_outright(secured_admin):
    client = pkce_app(secured_admin, redirect_uri="https://launch.example.com/auth/callback").test_client()
    assert _callback_of(client.get("/auth/login")) == "https://launch.example.com/auth/callback"
