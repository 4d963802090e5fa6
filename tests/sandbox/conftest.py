"""Sandbox admins on throw-away databases, and gRPC stubs talking to them."""

from __future__ import annotations

import pytest
from flyteidl.service.admin_pb2_grpc import AdminServiceStub

from tests.sandbox.builders import register_project, stub_for
from webapp.sandbox.server import start

# Long enough that nothing finishes during a test that does not wait for it.
SLOW_CLOCK = {"queued_seconds": 600.0, "running_seconds": 600.0}
# Short enough for a test to watch every phase go by.
FAST_CLOCK = {"queued_seconds": 0.5, "running_seconds": 0.5}


@pytest.fixture
def start_sandbox(tmp_path):
    """Start sandboxes on ``tmp_path / db`` (default ``admin.db``); all are stopped after the test."""
    started = []

    def _start(db: str = "admin.db", **clock):
        sandbox = start(str(tmp_path / db), **(clock or SLOW_CLOCK))
        started.append(sandbox)
        return sandbox

    yield _start
    for sandbox in started:
        sandbox.stop(grace=None)


@pytest.fixture
def admin(start_sandbox) -> AdminServiceStub:
    """A freshly seeded sandbox on the slow clock, with the tests' own project registered."""
    stub = stub_for(start_sandbox())
    register_project(stub)
    return stub


@pytest.fixture
def fast_admin(start_sandbox) -> AdminServiceStub:
    """Like ``admin``, but executions go through every phase in under a second."""
    stub = stub_for(start_sandbox(**FAST_CLOCK))
    register_project(stub)
    return stub
