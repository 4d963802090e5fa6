"""The app as a service (ClientSecret, ExternalCommand), and one refresh then retry on UNAUTHENTICATED."""

from __future__ import annotations

import sys

import pytest

from tests.auth.test_login import LISTS, MERGE, principal_of
from tests.conftest import csrf_token
from webapp import auth, create_app
from webapp.admin.channel import open_channel
from webapp.admin.client import AdminClient
from webapp.admin.errors import Unauthenticated
from webapp.config import Settings
from webapp.sandbox.server import start


def launch(client) -> str:
    page = client.get(MERGE).get_data(as_text=True)
    response = client.post(MERGE, data={"csrf_token": csrf_token(page), **LISTS})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_client_secret_mode_launches_as_the_service(provider, secured_admin, monkeypatch):
    monkeypatch.setenv("TEST_FLYTE_SECRET", provider.service_secret)
    app = create_app(Settings(admin_endpoint=secured_admin.address, insecure=True, secret_key="s",
                              auth_type="ClientSecret", client_id=provider.service_client_id,
                              client_secret_env_var="TEST_FLYTE_SECRET", scopes="all",
                              token_url=provider.metadata["token_endpoint"]))
    name = launch(app.test_client())
    assert principal_of(secured_admin, name, provider.client_credentials_token()) == provider.service_client_id


def test_client_secret_read_from_a_file(provider, secured_admin, tmp_path):
    secret = tmp_path / "client_secret"
    secret.write_text(provider.service_secret + "\n")
    app = create_app(Settings(admin_endpoint=secured_admin.address, insecure=True, secret_key="s",
                              auth_type="ClientSecret", client_id=provider.service_client_id,
                              client_secret_location=str(secret), scopes="all",
                              token_url=provider.metadata["token_endpoint"]))
    assert launch(app.test_client())


def test_external_command_mode(provider, secured_admin, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(provider.client_credentials_token() + "\n")
    app = create_app(Settings(admin_endpoint=secured_admin.address, insecure=True, secret_key="s",
                              auth_type="ExternalCommand",
                              command=f"{sys.executable} -c \"print(open('{token_file}').read())\""))
    name = launch(app.test_client())
    assert principal_of(secured_admin, name, provider.client_credentials_token()) == provider.service_client_id


def test_no_token_is_refused_by_a_secured_admin(secured_admin):
    app = create_app(Settings(admin_endpoint=secured_admin.address, insecure=True, secret_key="s"))
    response = app.test_client().get("/")
    assert response.status_code == 401 and "token parse error" in response.get_data(as_text=True)


def test_unauthenticated_gets_one_refresh_and_one_retry(provider, secured_admin):
    tokens = iter(["not-a-token", provider.client_credentials_token()])
    current = {"token": next(tokens)}
    refreshed = []

    def refresh():
        refreshed.append(True)
        current["token"] = next(tokens)
        return True

    client = AdminClient(open_channel(secured_admin.address, insecure=True), secured_admin.address, 5,
                         lambda: [("flyte-authorization", f"Bearer {current['token']}")], refresh)
    assert [p.id for p in client.list_projects()] == ["flytesnacks"]
    assert refreshed == [True]


def test_a_refresh_that_does_not_help_ends_in_unauthenticated(secured_admin):
    calls = []
    client = AdminClient(open_channel(secured_admin.address, insecure=True), secured_admin.address, 5,
                         lambda: [("flyte-authorization", "Bearer still-wrong")], lambda: calls.append(1) or True)
    with pytest.raises(Unauthenticated):
        client.list_projects()
    assert calls == [1]  # refreshed once, retried once, then given up


def test_an_auth_type_a_web_app_cannot_use_is_refused_clearly(secured_admin):
    with pytest.raises(ValueError, match="DeviceFlow.*Pkce, ClientSecret or ExternalCommand"):
        create_app(Settings(admin_endpoint=secured_admin.address, insecure=True, secret_key="s",
                            auth_type="DeviceFlow"))


@pytest.mark.parametrize("where", ["issuer", "metadata_url"])
def test_client_secret_finds_the_token_endpoint_from_the_provider_itself(provider, secured_admin, monkeypatch, where):
    """No tokenUrl and no discovery through admin: the provider's own metadata says where tokens come from."""
    monkeypatch.setenv("TEST_FLYTE_SECRET", provider.service_secret)
    told = {"issuer": provider.issuer} if where == "issuer" else {
        "metadata_url": f"{provider.issuer}/.well-known/openid-configuration"}
    app = create_app(Settings(admin_endpoint=secured_admin.address, insecure=True, secret_key="s",
                              auth_type="ClientSecret", client_id=provider.service_client_id,
                              client_secret_env_var="TEST_FLYTE_SECRET", scopes="all", **told))
    name = launch(app.test_client())
    assert principal_of(secured_admin, name, provider.client_credentials_token()) == provider.service_client_id


def test_a_metadata_url_that_cannot_be_read_says_which(provider, secured_admin):
    url = f"{provider.issuer}/no-such-document"
    app = create_app(Settings(admin_endpoint=secured_admin.address, insecure=True, secret_key="s",
                              auth_type="ClientSecret", client_id=provider.service_client_id, metadata_url=url))
    response = app.test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 502 and "The login provider could not be read" in page and url in page


def test_the_token_travels_under_admins_key_unless_configured(provider, tmp_path, monkeypatch):
    """admin's public client config names the metadata key it reads (behind a proxy that strips
    `authorization`, the only one that arrives); flytectl's authorizationHeader overrides it."""
    admin = start(str(tmp_path / "admin.db"), auth_issuer=provider.issuer, metadata_key="x-flyte-token")
    monkeypatch.setenv("TEST_FLYTE_SECRET", provider.service_secret)

    def app(header: str = ""):
        return create_app(Settings(admin_endpoint=admin.address, insecure=True, secret_key="s",
                                   auth_type="ClientSecret", client_id=provider.service_client_id,
                                   client_secret_env_var="TEST_FLYTE_SECRET", scopes="all",
                                   token_url=provider.metadata["token_endpoint"], authorization_header=header))

    def key_sent(web_app) -> str:
        with web_app.test_request_context("/"):
            [(key, value)] = auth.grpc_metadata()
        assert value.startswith("Bearer ")
        return key

    try:
        discovered, configured = app(), app("X-Company-Auth")
        assert key_sent(discovered) == "x-flyte-token" and launch(discovered.test_client())
        assert key_sent(configured) == "x-company-auth"
        refused = configured.test_client().get("/")  # a key this admin does not read: no token arrives
        assert refused.status_code == 401 and "Request unauthenticated with Bearer" in refused.get_data(as_text=True)
    finally:
        admin.stop(grace=None)


def test_an_admin_without_auth_services_is_fine_when_the_settings_say_enough(sandbox, tmp_path):
    """An admin behind a proxy that authenticates serves no AuthMetadataService (UNIMPLEMENTED): the token from
    the command travels under the default key."""
    app = create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="s",
                              auth_type="ExternalCommand", command=f"{sys.executable} -c \"print('tok')\""))
    with app.test_request_context("/"):
        assert auth.grpc_metadata() == [("flyte-authorization", "Bearer tok")]
    assert launch(app.test_client())
