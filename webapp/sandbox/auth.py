"""The sandbox with FlyteAdmin's ``server.security.useAuth`` on: bearer tokens from an external OpenID issuer.

As admin does: every call needs a valid access token with the scope ``all`` (under the metadata key
``authorization`` or ``flyte-authorization``), except AuthMetadataService, which clients ask anonymously how to
get one; IdentityService tells the caller who the token says they are. Texts copy flyteadmin v1.16.8
(``auth/handlers.go``, ``auth/interceptor.go``).
"""

from __future__ import annotations

import contextvars
import logging

import grpc
from flyteidl.service import auth_pb2, auth_pb2_grpc, identity_pb2, identity_pb2_grpc
from google.protobuf import json_format, struct_pb2

from webapp.sandbox.issuer import InvalidToken, Issuer, IssuerUnreachable

log = logging.getLogger(__name__)

AUTHORIZATION_METADATA_KEY = "flyte-authorization"  # admin's default GrpcAuthorizationHeader
REQUIRED_SCOPE = "all"
ANONYMOUS_SERVICE = "/flyteidl.service.AuthMetadataService/"

# The claims of the token that authenticated the call being served (set around each call, in its own thread).
_verified_claims: contextvars.ContextVar[dict | None] = contextvars.ContextVar("verified_claims", default=None)


def verified_claims() -> dict:
    """The caller's verified token claims; empty while auth is off."""
    return _verified_claims.get() or {}


class Auth:
    """What ``start(auth_issuer=...)`` adds to the server: the token check and the two auth services."""

    def __init__(self, issuer_url: str, audience: str, client_id: str, redirect_uri: str,
                 metadata_key: str = AUTHORIZATION_METADATA_KEY):
        self._issuer = Issuer(issuer_url)
        self.interceptor = TokenCheck(self._issuer, audience, metadata_key)
        self._public_client = auth_pb2.PublicClientAuthConfigResponse(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=[REQUIRED_SCOPE, "offline"],
            authorization_metadata_key=metadata_key,
            audience=audience,
        )

    def add_services(self, server: grpc.Server) -> None:
        auth_pb2_grpc.add_AuthMetadataServiceServicer_to_server(AuthMetadata(self._issuer, self._public_client), server)
        identity_pb2_grpc.add_IdentityServiceServicer_to_server(Identity(), server)


class TokenCheck(grpc.ServerInterceptor):
    """The one place a token is checked: before any method but AuthMetadataService's runs (all are unary)."""

    def __init__(self, issuer: Issuer, audience: str, metadata_key: str):
        self._issuer = issuer
        self._audience = audience
        self._metadata_key = metadata_key

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(ANONYMOUS_SERVICE):
            return handler
        serve = handler.unary_unary

        def authenticated(request, context):
            claims = self._claims_or_abort(context)
            token = _verified_claims.set(claims)
            try:
                return serve(request, context)
            finally:
                _verified_claims.reset(token)

        return handler._replace(unary_unary=authenticated)

    def _claims_or_abort(self, context: grpc.ServicerContext) -> dict:
        value = _authorization(context.invocation_metadata(), self._metadata_key)
        try:
            claims = self._issuer.verify(_credential(value, "Bearer"), self._audience)
        except InvalidToken as refused:
            # admin's own wording, its swapped labels included
            context.abort(
                grpc.StatusCode.UNAUTHENTICATED,
                f"token parse error id token err: access token err: {refused}, "
                f"access token err: {_id_token_refusal(value)}",
            )
        except Exception as error:  # never UNKNOWN, which sends flytekit into an endless login
            log.exception("sandbox admin: checking a token failed")
            context.abort(grpc.StatusCode.INTERNAL, f"sandbox admin: {type(error).__name__}: {error}")
        if REQUIRED_SCOPE not in _scopes(claims):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "authenticated user doesn't have required scope")
        return claims


def _authorization(metadata, key: str) -> str:
    """admin copies its GrpcAuthorizationHeader (``key``) into ``authorization`` and reads the first one."""
    values = dict(reversed(metadata or ()))  # the first value of each key
    return values.get("authorization") or values.get(key) or ""


def _credential(value: str, scheme: str) -> str:
    """What follows ``scheme`` in an authorization value, as go-grpc-middleware's ``AuthFromMD`` reads it."""
    if not value:
        raise InvalidToken(f"Request unauthenticated with {scheme}")
    parts = value.split(" ", 1)
    if len(parts) < 2:
        raise InvalidToken("Bad authorization string")
    if parts[0].lower() != scheme.lower():
        raise InvalidToken(f"Request unauthenticated with {scheme}")
    return parts[1]


def _id_token_refusal(value: str) -> str:
    """Why admin's second try, an ``IDToken <jwt>`` value, fails too (the sandbox takes access tokens only)."""
    try:
        _credential(value, "IDToken")
    except InvalidToken as refused:
        return str(refused)
    return "the Flyte Launch sandbox accepts access tokens only"


def _scopes(claims: dict) -> set[str]:
    """``scope`` (RFC 9068, space separated) or ``scp`` (a list, as Okta and Azure AD write it)."""
    granted = claims.get("scope", claims.get("scp", ""))
    return set(granted.split() if isinstance(granted, str) else granted)


class AuthMetadata(auth_pb2_grpc.AuthMetadataServiceServicer):
    """How a client gets a token: the issuer's metadata (admin's external mode proxies it) and the public client."""

    def __init__(self, issuer: Issuer, public_client: auth_pb2.PublicClientAuthConfigResponse):
        self._issuer = issuer
        self._public_client = public_client

    def GetOAuth2Metadata(self, request, context):
        try:
            metadata = self._issuer.metadata()
        except IssuerUnreachable as error:
            context.abort(grpc.StatusCode.UNAVAILABLE, str(error))
        return json_format.ParseDict(metadata, auth_pb2.OAuth2MetadataResponse(), ignore_unknown_fields=True)

    def GetPublicClientConfig(self, request, context):
        return self._public_client


class Identity(identity_pb2_grpc.IdentityServiceServicer):
    def UserInfo(self, request, context):
        """Who the verified token says the caller is; every claim also travels in ``additional_claims``."""
        claims = verified_claims()
        additional = struct_pb2.Struct()
        additional.update(claims)
        return identity_pb2.UserInfoResponse(
            subject=claims["sub"],
            additional_claims=additional,
            **{field: str(claims.get(field, ""))
               for field in ("name", "preferred_username", "given_name", "family_name", "email", "picture")},
        )
