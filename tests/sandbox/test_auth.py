"""The sandbox with auth on, against a real OpenID provider: admin's token checks, texts, services and principal."""

from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import grpc
import pytest
from flyteidl.admin import execution_pb2, node_execution_pb2, project_pb2, version_pb2
from flyteidl.service import auth_pb2, auth_pb2_grpc, identity_pb2, identity_pb2_grpc
from flyteidl.service.admin_pb2_grpc import AdminServiceStub

from tests.oidc.harness import running_oidc_provider
from tests.sandbox.builders import (
    INT,
    execution_id,
    execution_request,
    get_execution,
    integer,
    register_project,
    rpc_error,
    stub_for,
    task_request,
)
from tests.sandbox.conftest import SLOW_CLOCK

pytestmark = pytest.mark.timeout(60)

NO_TOKEN = ("token parse error id token err: access token err: Request unauthenticated with Bearer, "
            "access token err: Request unauthenticated with IDToken")
INVALID_TOKEN_PREFIX = "token parse error id token err: access token err: "
NOT_AN_ID_TOKEN_SUFFIX = ", access token err: Request unauthenticated with IDToken"
NO_SCOPE = "authenticated user doesn't have required scope"


class _WithMetadata(grpc.UnaryUnaryClientInterceptor):
    def __init__(self, pairs: list[tuple[str, str]]):
        self._pairs = pairs

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(details._replace(metadata=[*(details.metadata or ()), *self._pairs]), request)


def channel(sandbox, *metadata: tuple[str, str]) -> grpc.Channel:
    """A channel to ``sandbox`` that sends ``metadata`` with every call."""
    return grpc.intercept_channel(grpc.insecure_channel(sandbox.address), _WithMetadata(list(metadata)))


def bearer(token: str, key: str = "flyte-authorization", scheme: str = "Bearer") -> tuple[str, str]:
    return key, f"{scheme} {token}"


def admin_as(sandbox, token: str, **options) -> AdminServiceStub:
    return AdminServiceStub(channel(sandbox, bearer(token, **options)))


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def get_version(admin: AdminServiceStub):
    return admin.GetVersion(version_pb2.GetVersionRequest(), timeout=10)


@pytest.fixture
def secured(start_sandbox, oidc_provider):
    """A sandbox trusting the session's provider, advertising its public client."""
    return start_sandbox(**SLOW_CLOCK, auth_issuer=oidc_provider.issuer, client_id=oidc_provider.public_client_id,
                         redirect_uri=oidc_provider.redirect_uris[0])


@pytest.fixture
def service_token(oidc_provider) -> str:
    return oidc_provider.client_credentials_token()


@pytest.fixture(scope="module")
def ada_token(oidc_provider) -> str:
    """Ada's access token, from signing in through the provider's login form."""
    return oidc_provider.user_tokens("ada")["access_token"]


@pytest.fixture
def task_id(secured, service_token):
    admin = admin_as(secured, service_token)
    register_project(admin)
    request = task_request("auth.task", {"x": INT})
    admin.CreateTask(request)
    return request.id


# Refusals -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metadata", "details"),
    [
        ([], NO_TOKEN),
        ([("authorization", "Bearer")],
         ("token parse error id token err: access token err: Bad authorization string, "
          "access token err: Bad authorization string")),
        ([("authorization", "Basic dXNlcjpwYXNz")], NO_TOKEN),
        ([("flyte-authorization", "IDToken eyJ.x.y")],
         ("token parse error id token err: access token err: Request unauthenticated with Bearer, "
          "access token err: the Flyte Launch sandbox accepts access tokens only")),
    ],
    ids=["missing", "scheme only", "basic", "id token"],
)
def test_a_call_without_a_bearer_token_is_unauthenticated_with_admins_text(secured, metadata, details):
    error = rpc_error(AdminServiceStub(channel(secured, *metadata)).GetVersion, version_pb2.GetVersionRequest())
    assert (error.code(), error.details()) == (grpc.StatusCode.UNAUTHENTICATED, details)


def test_every_admin_method_needs_the_token_even_those_the_sandbox_lacks(secured):
    error = rpc_error(stub_for(secured).GetNodeExecution, node_execution_pb2.NodeExecutionGetRequest())
    assert (error.code(), error.details()) == (grpc.StatusCode.UNAUTHENTICATED, NO_TOKEN)


def refusal(sandbox, token: str) -> tuple[grpc.StatusCode, str]:
    error = rpc_error(admin_as(sandbox, token).ListProjects, project_pb2.ProjectListRequest())
    return error.code(), error.details()


def test_a_garbage_token_is_a_token_parse_error(secured):
    code, details = refusal(secured, "not-a-jwt")
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert details == f"{INVALID_TOKEN_PREFIX}decode_error: Invalid JSON Web Signature{NOT_AN_ID_TOKEN_SUFFIX}"


def test_a_tampered_token_fails_its_signature(secured, service_token):
    header, _, signature = service_token.split(".")
    forged = {**claims_of(service_token), "sub": "mallory"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    code, details = refusal(secured, f"{header}.{forged_payload}.{signature}")
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert details == f"{INVALID_TOKEN_PREFIX}bad_signature: {NOT_AN_ID_TOKEN_SUFFIX}"


def test_a_token_for_another_audience_is_refused(secured, oidc_provider):
    token = oidc_provider.client_credentials_token(resource="https://elsewhere.example")
    assert claims_of(token)["aud"] == "https://elsewhere.example"  # correctly signed, only the audience is wrong
    code, details = refusal(secured, token)
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert details == f"{INVALID_TOKEN_PREFIX}invalid_claim: Invalid claim: 'aud'{NOT_AN_ID_TOKEN_SUFFIX}"


def test_the_audience_is_the_one_the_sandbox_was_started_with(start_sandbox, oidc_provider):
    sandbox = start_sandbox(**SLOW_CLOCK, auth_issuer=oidc_provider.issuer, auth_audience="https://elsewhere.example")
    assert get_version(admin_as(sandbox, oidc_provider.client_credentials_token(resource="https://elsewhere.example")))
    assert refusal(sandbox, oidc_provider.client_credentials_token())[0] == grpc.StatusCode.UNAUTHENTICATED


def test_a_valid_token_without_the_scope_all_lacks_the_required_scope(secured, oidc_provider):
    token = oidc_provider.client_credentials_token(scope="")
    assert "scope" not in claims_of(token) and claims_of(token)["aud"] == "flyteadmin"
    assert refusal(secured, token) == (grpc.StatusCode.UNAUTHENTICATED, NO_SCOPE)


def test_an_expired_token_is_refused(start_sandbox, start_oidc_provider):
    provider = start_oidc_provider(access_token_ttl=3)
    sandbox = start_sandbox(**SLOW_CLOCK, auth_issuer=provider.issuer)
    token = provider.client_credentials_token()
    assert get_version(admin_as(sandbox, token))  # valid while it lasts
    time.sleep(max(0.0, claims_of(token)["exp"] + 1.1 - time.time()))
    code, details = refusal(sandbox, token)
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert details == f"{INVALID_TOKEN_PREFIX}expired_token: The token is expired{NOT_AN_ID_TOKEN_SUFFIX}"


def test_a_token_signed_by_another_provider_is_refused(secured, start_oidc_provider):
    stranger = start_oidc_provider()
    code, details = refusal(secured, stranger.client_credentials_token())
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert details.startswith(f"{INVALID_TOKEN_PREFIX}invalid_key_id: No key for kid")


def test_a_rotated_signing_key_is_fetched_again(start_sandbox):
    with running_oidc_provider() as before:
        sandbox = start_sandbox(**SLOW_CLOCK, auth_issuer=before.issuer)
        assert get_version(admin_as(sandbox, before.client_credentials_token()))  # keys now cached
    with running_oidc_provider(port=urlsplit(before.issuer).port) as after:  # same issuer, new key
        assert get_version(admin_as(sandbox, after.client_credentials_token()))


def test_an_unreachable_issuer_refuses_tokens_without_hanging(start_sandbox, service_token):
    sandbox = start_sandbox(**SLOW_CLOCK, auth_issuer="http://127.0.0.1:9")  # discard port: nothing listens
    code, details = refusal(sandbox, service_token)
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert details.startswith(f"{INVALID_TOKEN_PREFIX}cannot verify the token: cannot fetch http://127.0.0.1:9/")


# Accepted tokens ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["flyte-authorization", "authorization"])
def test_a_valid_token_works_under_both_metadata_keys(secured, service_token, key):
    assert get_version(admin_as(secured, service_token, key=key)).control_plane_version.Version


def test_the_scheme_is_case_insensitive_as_in_admin(secured, service_token):
    assert get_version(admin_as(secured, service_token, scheme="bearer"))


def test_an_execution_records_the_callers_subject_as_its_principal(secured, task_id, service_token, ada_token):
    ada, service = admin_as(secured, ada_token), admin_as(secured, service_token)
    ada.CreateExecution(execution_request(task_id, "by-ada", {"x": integer(1)}))
    service.RelaunchExecution(execution_pb2.ExecutionRelaunchRequest(id=execution_id("by-ada"), name="relaunched"))
    ada.RecoverExecution(execution_pb2.ExecutionRecoverRequest(id=execution_id("relaunched"), name="recovered"))
    service.TerminateExecution(execution_pb2.ExecutionTerminateRequest(id=execution_id("recovered"), cause="done"))
    principals = {name: get_execution(ada, name).spec.metadata.principal
                  for name in ("by-ada", "relaunched", "recovered")}
    assert principals == {"by-ada": "ada", "relaunched": "flyte-launch-service", "recovered": "ada"}
    assert get_execution(ada, "recovered").closure.abort_metadata.principal == "flyte-launch-service"


def test_concurrent_callers_keep_their_own_principal(secured, task_id, service_token, ada_token):
    tokens = {"ada": ada_token, "flyte-launch-service": service_token}

    def create(i: int) -> tuple[str, str]:
        who = "ada" if i % 2 else "flyte-launch-service"
        admin_as(secured, tokens[who]).CreateExecution(execution_request(task_id, f"run-{i}", {"x": integer(i)}))
        return f"run-{i}", who

    with ThreadPoolExecutor(8) as pool:
        expected = dict(pool.map(create, range(16)))
    admin = admin_as(secured, service_token)
    assert {name: get_execution(admin, name).spec.metadata.principal for name in expected} == expected


# AuthMetadataService and IdentityService ------------------------------------------------------------------------


def test_oauth2_metadata_is_the_issuers_and_needs_no_token(secured, oidc_provider):
    metadata = auth_pb2_grpc.AuthMetadataServiceStub(channel(secured)).GetOAuth2Metadata(
        auth_pb2.OAuth2MetadataRequest(), timeout=10)
    discovery = oidc_provider.metadata
    assert (metadata.issuer, metadata.authorization_endpoint, metadata.token_endpoint, metadata.jwks_uri) == (
        discovery["issuer"], discovery["authorization_endpoint"], discovery["token_endpoint"], discovery["jwks_uri"])
    assert list(metadata.code_challenge_methods_supported) == ["S256"]
    assert {"authorization_code", "refresh_token", "client_credentials"} <= set(metadata.grant_types_supported)
    assert "all" in metadata.scopes_supported


def test_the_public_client_config_is_what_the_sandbox_was_started_with(secured, oidc_provider):
    config = auth_pb2_grpc.AuthMetadataServiceStub(channel(secured)).GetPublicClientConfig(
        auth_pb2.PublicClientAuthConfigRequest(), timeout=10)
    assert config == auth_pb2.PublicClientAuthConfigResponse(
        client_id="flyte-launch", redirect_uri=oidc_provider.redirect_uris[0], scopes=["all", "offline"],
        authorization_metadata_key="flyte-authorization", audience="flyteadmin")


def test_user_info_is_who_the_token_says(secured, ada_token):
    info = identity_pb2_grpc.IdentityServiceStub(channel(secured, bearer(ada_token))).UserInfo(
        identity_pb2.UserInfoRequest(), timeout=10)
    assert (info.subject, info.name, info.preferred_username, info.email) == ("ada", "Ada", "ada", "ada@example.com")
    assert info.additional_claims["aud"] == "flyteadmin" and info.additional_claims["scope"] == "all"


def test_user_info_needs_a_token(secured):
    error = rpc_error(identity_pb2_grpc.IdentityServiceStub(channel(secured)).UserInfo, identity_pb2.UserInfoRequest())
    assert (error.code(), error.details()) == (grpc.StatusCode.UNAUTHENTICATED, NO_TOKEN)


# Auth off -------------------------------------------------------------------------------------------------------


def test_without_an_issuer_calls_need_no_token_and_the_auth_services_are_unimplemented(start_sandbox):
    sandbox = start_sandbox()
    assert get_version(stub_for(sandbox))
    for call, request in [
        (auth_pb2_grpc.AuthMetadataServiceStub(channel(sandbox)).GetOAuth2Metadata, auth_pb2.OAuth2MetadataRequest()),
        (identity_pb2_grpc.IdentityServiceStub(channel(sandbox)).UserInfo, identity_pb2.UserInfoRequest()),
    ]:
        assert rpc_error(call, request).code() == grpc.StatusCode.UNIMPLEMENTED


# Compliance ------------------------------------------------------------------------------------------------------


def test_flytekit_gets_a_client_credentials_token_by_itself_and_launches(secured, oidc_provider):
    """FlyteRemote's first call is refused, it asks AuthMetadataService how to get a token, gets one from the
    provider and retries: any wrong text, code or metadata here would fail it (or hang it, hence the timeout)."""
    remote_module = pytest.importorskip("flytekit.remote")
    from flytekit.configuration import AuthType, Config, PlatformConfig

    platform = PlatformConfig(endpoint=secured.address, insecure=True, auth_mode=AuthType.CLIENT_CREDENTIALS,
                              client_id=oidc_provider.service_client_id,
                              client_credentials_secret=oidc_provider.service_secret)
    remote = remote_module.FlyteRemote(Config(platform=platform), default_project="flytesnacks",
                                       default_domain="development")
    launched = remote.execute(remote.fetch_task(name="demo.greeting.say_hello", version="v1"),
                              inputs={"name": "Ada"}, wait=False)
    assert launched.spec.metadata.principal == "flyte-launch-service"
