"""The OpenID issuer the sandbox trusts: its discovery document and signing keys, fetched once and cached.

Keys are fetched again, once, when a token names a key id the cache lacks: that is how an issuer's key rotation
reaches an admin without a restart.
"""

from __future__ import annotations

import json
import threading
import urllib.request

from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

FETCH_TIMEOUT = 5.0  # seconds
# Asymmetric algorithms only: a token signed with a shared secret (or "none") never verifies.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class InvalidToken(Exception):
    """Why a bearer token was refused, in words for the caller."""


class IssuerUnreachable(Exception):
    """The issuer's discovery document or keys could not be fetched."""


class Issuer:
    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self._lock = threading.Lock()
        self._metadata: dict | None = None
        self._keys: KeySet | None = None

    def metadata(self) -> dict:
        """The issuer's ``/.well-known/openid-configuration``."""
        with self._lock:
            if self._metadata is None:
                self._metadata = _fetch_json(f"{self.url}/.well-known/openid-configuration")
            return self._metadata

    def verify(self, token: str, audience: str) -> dict:
        """The claims of ``token`` once its signature, issuer, audience and expiry hold; else InvalidToken."""
        try:
            decoded = self._decode(token)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.metadata()["issuer"]},
                aud={"essential": True, "value": audience},
                exp={"essential": True},
                sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as error:  # ValueError: text that is not even base64 or JSON
            raise InvalidToken(str(error)) from error
        except IssuerUnreachable as error:
            raise InvalidToken(f"cannot verify the token: {error}") from error
        return decoded.claims

    def _decode(self, token: str) -> jwt.Token:
        try:
            return jwt.decode(token, self._signing_keys(), algorithms=SIGNING_ALGORITHMS)
        except InvalidKeyIdError:
            return jwt.decode(token, self._signing_keys(refetch=True), algorithms=SIGNING_ALGORITHMS)

    def _signing_keys(self, refetch: bool = False) -> KeySet:
        jwks_uri = self.metadata()["jwks_uri"]
        with self._lock:
            if self._keys is None or refetch:
                try:
                    self._keys = KeySet.import_key_set(_fetch_json(jwks_uri))
                except JoseError as error:
                    raise IssuerUnreachable(f"unusable keys at {jwks_uri}: {error}") from error
            return self._keys


def _fetch_json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            return json.load(response)
    except (OSError, ValueError) as error:  # URLError and timeouts are OSErrors; ValueError: not JSON
        raise IssuerUnreachable(f"cannot fetch {url}: {error}") from error
