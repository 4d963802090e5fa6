"""Compliance: flytekit's own FlyteRemote registers, fetches, launches and follows a task on the sandbox.

FlyteRemote is the independent client here: if the sandbox answered anything flytekit does not expect (or
UNKNOWN / UNAUTHENTICATED, which start an interactive login), these tests would hang or fail, hence the timeouts.
"""

from __future__ import annotations

import time

import pytest

pytest.importorskip("flytekit")

from flyteidl.admin import execution_pb2  # noqa: E402
from flyteidl.core import identifier_pb2  # noqa: E402
from flyteidl.core.execution_pb2 import WorkflowExecution  # noqa: E402
from flytekit import task, workflow  # noqa: E402
from flytekit.configuration import Config, ImageConfig, SerializationSettings  # noqa: E402
from flytekit.remote import FlyteRemote  # noqa: E402

from tests.oracle import literal  # noqa: E402
from tests.sandbox.builders import stub_for  # noqa: E402

PROJECT, DOMAIN = "flytesnacks", "development"


@task
def scale(x: int, factor: float) -> float:
    return x * factor


@workflow
def scaled(x: int, factor: float = 2.0) -> float:
    return scale(x=x, factor=factor)


@pytest.fixture
def sandbox(start_sandbox):
    """Queued long enough to be seen queued, then done soon after."""
    return start_sandbox(queued_seconds=1.5, running_seconds=0.5)


@pytest.fixture
def remote(sandbox):
    return FlyteRemote(
        Config.for_endpoint(sandbox.address, insecure=True), default_project=PROJECT, default_domain=DOMAIN
    )


def _settings() -> SerializationSettings:
    return SerializationSettings(image_config=ImageConfig.auto_default_image(), project=PROJECT, domain=DOMAIN)


@pytest.mark.timeout(60)
def test_flytekit_registers_fetches_and_runs_a_task(remote, sandbox):
    registered = remote.register_task(scale, serialization_settings=_settings(), version="v1")
    assert registered.id.name == scale.name

    fetched = remote.fetch_task(name=scale.name)  # no version: ListTasks (latest first), then GetTask
    assert fetched.id.version == "v1"
    assert set(fetched.interface.inputs) == {"x", "factor"}

    execution = remote.execute(fetched, inputs={"x": 3, "factor": 1.5}, wait=False)
    assert execution.id.project == PROJECT
    assert execution.closure.phase == WorkflowExecution.QUEUED

    data = stub_for(sandbox).GetExecutionData(
        execution_pb2.WorkflowExecutionGetDataRequest(id=execution.id.to_flyte_idl()), timeout=10
    )
    assert dict(data.full_inputs.literals) == {"x": literal(3, int), "factor": literal(1.5, float)}

    execution = _synced_until_done(remote, execution)
    assert execution.closure.phase == WorkflowExecution.SUCCEEDED
    assert execution.inputs["x"] == 3


def _synced_until_done(remote, execution, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not execution.is_done and time.monotonic() < deadline:
        time.sleep(0.1)
        execution = remote.sync(execution)
    return execution


@pytest.mark.timeout(60)
def test_flytekit_accepts_a_repeated_registration_and_a_taken_execution_name(remote, caplog):
    remote.register_task(scale, serialization_settings=_settings(), version="v2")
    again = remote.register_task(scale, serialization_settings=_settings(), version="v2")  # ALREADY_EXISTS is fine
    assert again.id.version == "v2"

    flyte_task = remote.fetch_task(name=scale.name, version="v2")
    first = remote.execute(flyte_task, inputs={"x": 1, "factor": 2.0}, execution_name="named-run", wait=False)
    assert first.id.name == "named-run"
    assert first.spec.launch_plan.resource_type == identifier_pb2.TASK
    # flytekit reads ALREADY_EXISTS on a taken name as "this execution was launched already" and fetches it
    second = remote.execute(flyte_task, inputs={"x": 1, "factor": 2.0}, execution_name="named-run", wait=False)
    assert second.id == first.id
    assert "Execution with Execution ID named-run already exists" in caplog.text



@pytest.mark.timeout(60)
def test_flytekit_registers_a_workflow_and_runs_its_default_launch_plan(remote, sandbox):
    remote.register_workflow(scaled, serialization_settings=_settings(), version="v1")  # task, workflow, launch plan
    launch_plan = remote.fetch_launch_plan(name=scaled.name, version="v1")
    assert launch_plan.default_inputs.parameters["factor"].default is not None
    assert launch_plan.default_inputs.parameters["x"].required

    execution = remote.execute(launch_plan, inputs={"x": 4}, wait=False)
    data = stub_for(sandbox).GetExecutionData(
        execution_pb2.WorkflowExecutionGetDataRequest(id=execution.id.to_flyte_idl()), timeout=10
    )
    assert dict(data.full_inputs.literals) == {"x": literal(4, int), "factor": literal(2.0, float)}
    execution = _synced_until_done(remote, execution)
    assert execution.closure.phase == WorkflowExecution.SUCCEEDED
