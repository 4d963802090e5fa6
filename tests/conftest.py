"""Fixtures shared by every suite: a real sandbox admin over gRPC, the app wired to it, and a CSRF-aware client."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import settings

from tests.oidc.harness import oidc_provider, start_oidc_provider  # noqa: F401 - shared OpenID provider fixtures
from webapp import create_app
from webapp.config import Settings
from webapp.sandbox.server import start

# The suite draws the same examples on every run, so CI passes or fails on the code alone. Exploring new
# examples is a separate run: HYPOTHESIS_PROFILE=explore make test (the property tests found real bugs that way).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# Executions race through their phases so tests can watch them finish.
FAST_CLOCK = {"queued_seconds": 0.3, "running_seconds": 0.6}


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    server = start(str(tmp_path_factory.mktemp("sandbox") / "admin.db"), **FAST_CLOCK)
    yield server
    server.stop(grace=None)


@pytest.fixture
def app(sandbox):
    return create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="test", call_timeout=5))


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(html: str) -> str:
    """The token a browser would post, read from the page like a browser reads it."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="session")
def slow_sandbox(tmp_path_factory):
    """Executions stay QUEUED for a minute: for what must act on a running execution."""
    server = start(str(tmp_path_factory.mktemp("slow") / "admin.db"), queued_seconds=60, running_seconds=60)
    yield server
    server.stop(grace=None)


@pytest.fixture
def slow_client(slow_sandbox):
    return create_app(Settings(admin_endpoint=slow_sandbox.address, insecure=True, secret_key="test")).test_client()
