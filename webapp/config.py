"""Settings: flytectl's config file, then the environment, then explicit overrides.

The same `admin.*` keys flytectl reads (`~/.flyte/config.yaml` or `$FLYTECTL_CONFIG`) point this app at a
cluster, so a person who already uses flytectl has nothing new to configure.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

ENV_PREFIX = "FLYTE_LAUNCH_"


@dataclass(frozen=True)
class Settings:
    admin_endpoint: str = ""  # empty: the embedded sandbox is started
    insecure: bool = False
    ca_cert_file: str = ""
    call_timeout: float = 10.0  # seconds per admin call; a page never hangs on a slow admin
    max_retries: int = 4  # for idempotent reads that find admin UNAVAILABLE
    console_endpoint: str = ""
    data_dir: str = ""
    secret_key: str = ""
    # authentication, named as flytectl names it (admin.authType): "" (none), Pkce, ClientSecret, ExternalCommand
    auth_type: str = ""
    client_id: str = ""  # Pkce: this app's public client (default: admin's public config); ClientSecret: the service
    client_secret_location: str = ""
    client_secret_env_var: str = ""
    scopes: str = ""  # space separated; default: admin's public client config
    audience: str = ""
    token_url: str = ""
    command: str = ""  # ExternalCommand: prints a token
    authorization_header: str = ""  # default: admin's authorization_metadata_key, else flyte-authorization
    issuer: str = ""  # skip admin's discovery and use this OpenID issuer
    metadata_url: str = ""  # or this metadata document (what admin's externalAuthServer calls metadataUrl)
    redis_url: str = ""  # sessions in Redis, for several replicas; default: files in the data dir
    redirect_uri: str = ""  # Pkce: where the provider sends people back; default: this app's /auth/callback
    proxies: int = 0  # reverse proxies in front (ingress, load balancer) whose X-Forwarded-* headers are trusted

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def default_data_dir() -> Path:
    """A per-user data folder, as XDG asks."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "flyte-launch"


def flytectl_config_path() -> Path | None:
    path = os.environ.get("FLYTECTL_CONFIG") or Path.home() / ".flyte" / "config.yaml"
    return Path(path) if Path(path).is_file() else None


def from_flytectl_file(path: Path) -> dict:
    """The subset of flytectl's config this app understands."""
    doc = yaml.safe_load(path.read_text()) or {}
    admin = doc.get("admin") or {}
    console = doc.get("console") or {}
    scopes = admin.get("scopes")
    values = {
        "admin_endpoint": admin.get("endpoint"),
        "insecure": admin.get("insecure"),
        "ca_cert_file": admin.get("caCertFilePath"),
        "max_retries": admin.get("maxRetries"),
        "console_endpoint": console.get("endpoint"),
        "auth_type": admin.get("authType"),
        "client_id": admin.get("clientId"),
        "client_secret_location": admin.get("clientSecretLocation"),
        "client_secret_env_var": admin.get("clientSecretEnvVar"),
        "scopes": " ".join(scopes) if isinstance(scopes, list) else scopes,
        "audience": admin.get("audience"),
        "token_url": admin.get("tokenUrl"),
        "command": " ".join(admin["command"]) if isinstance(admin.get("command"), list) else admin.get("command"),
        "authorization_header": admin.get("authorizationHeader"),
    }
    return {k: v for k, v in values.items() if v is not None}


def from_environment(environ=os.environ) -> dict:
    """FLYTE_LAUNCH_<FIELD> overrides any field, e.g. FLYTE_LAUNCH_ADMIN_ENDPOINT=dns:///flyte.example.com."""
    values = {}
    for field in dataclasses.fields(Settings):
        raw = environ.get(ENV_PREFIX + field.name.upper())
        if raw is None:
            continue
        if field.type == "bool":
            values[field.name] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif field.type in ("int", "float"):
            values[field.name] = {"int": int, "float": float}[field.type](raw)
        else:
            values[field.name] = raw
    return values


def load(**overrides) -> Settings:
    """Settings from the flytectl file, then the environment, then `overrides` (command line, tests)."""
    path = flytectl_config_path()
    settings = Settings().replace(**(from_flytectl_file(path) if path else {}))
    return settings.replace(**from_environment()).replace(**overrides)
