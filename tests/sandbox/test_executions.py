"""Execution lifecycle: the clock's phases, failure, termination, relaunch, recover, and what is stored."""

from __future__ import annotations

import time

import grpc
import pytest
from flyteidl.admin import execution_pb2
from flyteidl.core import identifier_pb2
from flyteidl.core.execution_pb2 import ExecutionError, WorkflowExecution

from tests.sandbox.builders import (
    INT,
    PROJECT,
    STR,
    execution_data,
    execution_id,
    execution_request,
    get_execution,
    identifier,
    integer,
    launch_plan_request,
    rpc_error,
    string,
    task_request,
    workflow_request,
)
from webapp.sandbox.seed import FAIL_CONFIG

Mode = execution_pb2.ExecutionMetadata


@pytest.fixture
def task_id(admin):
    request = task_request("lifecycle.task", {"x": INT})
    admin.CreateTask(request)
    return request.id


@pytest.fixture
def launch_plan_id(admin):
    """``a`` required, ``b`` defaults to "hi"."""
    workflow = workflow_request("lifecycle.workflow", {"a": INT, "b": STR})
    admin.CreateWorkflow(workflow)
    request = launch_plan_request("lifecycle.lp", workflow.id, defaults={"b": string("hi")}, types={"b": STR})
    admin.CreateLaunchPlan(request)
    return request.id


def wait_for(admin, name: str, phase: int, timeout: float = 10.0) -> execution_pb2.Execution:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        execution = get_execution(admin, name)
        if execution.closure.phase == phase:
            return execution
        time.sleep(0.02)
    pytest.fail(f"{name} never reached {WorkflowExecution.Phase.Name(phase)} (last: {execution.closure})")


def terminate(admin, name: str, cause: str = "stop"):
    return admin.TerminateExecution(execution_pb2.ExecutionTerminateRequest(id=execution_id(name), cause=cause))


# The clock -------------------------------------------------------------------------------------------------


def test_an_execution_is_queued_then_running_then_succeeded(fast_admin):
    task = task_request("lifecycle.task", {"x": INT})
    fast_admin.CreateTask(task)
    fast_admin.CreateExecution(execution_request(task.id, "clocked", {"x": integer(1)}))

    queued = get_execution(fast_admin, "clocked")
    assert queued.closure.phase == WorkflowExecution.QUEUED
    assert not queued.closure.HasField("started_at") and not queued.closure.HasField("duration")

    running = wait_for(fast_admin, "clocked", WorkflowExecution.RUNNING)
    assert running.closure.started_at.ToMicroseconds() > running.closure.created_at.ToMicroseconds()
    assert running.closure.updated_at == running.closure.started_at

    done = wait_for(fast_admin, "clocked", WorkflowExecution.SUCCEEDED)
    assert done.closure.started_at == running.closure.started_at
    assert done.closure.duration.ToMicroseconds() == 500_000  # FAST_CLOCK running time
    assert done.closure.created_at == queued.closure.created_at
    assert not done.closure.HasField("error")


def test_a_task_built_to_fail_ends_failed_with_an_error(fast_admin):
    key, value = FAIL_CONFIG
    task = task_request("lifecycle.fails", {"x": INT}, config={key: value})
    fast_admin.CreateTask(task)
    fast_admin.CreateExecution(execution_request(task.id, "doomed", {"x": integer(1)}))
    failed = wait_for(fast_admin, "doomed", WorkflowExecution.FAILED)
    assert failed.closure.error.code and failed.closure.error.message
    assert failed.closure.error.kind == ExecutionError.USER
    assert failed.closure.HasField("duration")


def test_the_seeded_failing_task_fails(fast_admin):
    failing = identifier_pb2.Identifier(
        resource_type=identifier_pb2.TASK,
        project="flytesnacks",
        domain="development",
        name="demo.failures.always_fails",
        version="v1",
    )
    request = execution_request(failing, "seeded-failure", {"reason": string("because")})
    request.project = "flytesnacks"
    fast_admin.CreateExecution(request)
    get = execution_pb2.WorkflowExecutionGetRequest(
        id=identifier_pb2.WorkflowExecutionIdentifier(
            project="flytesnacks", domain="development", name="seeded-failure"
        )
    )
    deadline = time.monotonic() + 10
    while fast_admin.GetExecution(get).closure.phase != WorkflowExecution.FAILED:
        assert time.monotonic() < deadline, "the seeded failing task never failed"
        time.sleep(0.02)


def test_the_closure_names_the_workflow_that_runs(admin, task_id, launch_plan_id):
    admin.CreateExecution(execution_request(task_id, "of-task", {"x": integer(1)}))
    admin.CreateExecution(execution_request(launch_plan_id, "of-lp", {"a": integer(1)}))
    task_workflow = get_execution(admin, "of-task").closure.workflow_id
    assert (task_workflow.resource_type, task_workflow.name, task_workflow.version) == (
        identifier_pb2.WORKFLOW,
        "lifecycle.task",
        "v1",
    )
    lp_workflow = get_execution(admin, "of-lp").closure.workflow_id
    assert lp_workflow == identifier(identifier_pb2.WORKFLOW, "lifecycle.workflow")


# What is stored --------------------------------------------------------------------------------------------


def test_the_spec_is_stored_with_its_metadata_and_an_empty_principal(admin, task_id):
    request = execution_request(task_id, "stored", {"x": integer(1)}, overwrite_cache=True)
    request.spec.metadata.mode = Mode.SCHEDULED
    request.spec.metadata.principal = "sdk"  # admin overwrites it with the authenticated user: none here
    admin.CreateExecution(request)
    spec = get_execution(admin, "stored").spec
    assert spec.launch_plan == task_id
    assert spec.overwrite_cache
    assert spec.metadata.mode == Mode.SCHEDULED
    assert spec.metadata.principal == ""


def test_execution_data_has_the_merged_inputs(admin, launch_plan_id):
    admin.CreateExecution(execution_request(launch_plan_id, "data", {"a": integer(3)}))
    data = execution_data(admin, "data")
    assert dict(data.full_inputs.literals) == {"a": integer(3), "b": string("hi")}
    assert not data.full_outputs.literals


def test_an_unknown_execution_is_not_found_with_admins_message(admin):
    error = rpc_error(admin.GetExecution, execution_pb2.WorkflowExecutionGetRequest(id=execution_id("nope")))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == (
        f'missing entity of type execution with identifier project:"{PROJECT}" domain:"development" name:"nope"'
    )


def test_an_execution_of_an_unknown_task_is_not_found(admin):
    missing = identifier(identifier_pb2.TASK, "lifecycle.missing")
    error = rpc_error(admin.CreateExecution, execution_request(missing, "", {}))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == (
        f'missing entity of type TASK with identifier project:"{PROJECT}" domain:"development" '
        'name:"lifecycle.missing" version:"v1"'
    )


def test_an_unknown_project_or_domain_is_invalid(admin, task_id):
    request = execution_request(task_id, "", {"x": integer(1)})
    request.project = "elsewhere"
    error = rpc_error(admin.CreateExecution, request)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == (
        "failed to validate that project [elsewhere] and domain [development] are registered, "
        "err: [project [elsewhere] not found]"
    )
    request.project, request.domain = PROJECT, "qa"
    assert rpc_error(admin.CreateExecution, request).details() == "domain [qa] is unrecognized by system"


def test_only_tasks_and_launch_plans_can_be_launched(admin):
    workflow = identifier(identifier_pb2.WORKFLOW, "lifecycle.workflow")
    error = rpc_error(admin.CreateExecution, execution_request(workflow, "", {}))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == (
        "Invalid reference entity resource type [WORKFLOW], only [map[TASK:<nil> LAUNCH_PLAN:<nil>]] allowed"
    )


def test_an_incomplete_launch_identifier_is_invalid(admin, task_id):
    request = execution_request(task_id, "", {"x": integer(1)})
    request.spec.launch_plan.version = ""
    assert rpc_error(admin.CreateExecution, request).details() == "missing version"


# Termination -----------------------------------------------------------------------------------------------


def test_terminating_a_running_execution_aborts_it_with_the_cause(admin, task_id):
    admin.CreateExecution(execution_request(task_id, "stopped", {"x": integer(1)}))
    terminate(admin, "stopped", cause="changed my mind")
    aborted = get_execution(admin, "stopped")
    assert aborted.closure.phase == WorkflowExecution.ABORTED
    assert aborted.closure.abort_metadata.cause == "changed my mind"
    assert aborted.closure.abort_metadata.principal == ""


def test_an_aborted_execution_stays_aborted_when_the_clock_runs_out(fast_admin):
    task = task_request("lifecycle.task", {"x": INT})
    fast_admin.CreateTask(task)
    fast_admin.CreateExecution(execution_request(task.id, "halted", {"x": integer(1)}))
    terminate(fast_admin, "halted")
    time.sleep(1.2)  # past FAST_CLOCK queued + running
    assert get_execution(fast_admin, "halted").closure.phase == WorkflowExecution.ABORTED


@pytest.mark.parametrize("setup", ["aborted", "succeeded"])
def test_terminating_a_finished_execution_is_a_failed_precondition(fast_admin, setup):
    task = task_request("lifecycle.task", {"x": INT})
    fast_admin.CreateTask(task)
    fast_admin.CreateExecution(execution_request(task.id, "over", {"x": integer(1)}))
    if setup == "aborted":
        terminate(fast_admin, "over")
    else:
        wait_for(fast_admin, "over", WorkflowExecution.SUCCEEDED)
    error = rpc_error(
        fast_admin.TerminateExecution, execution_pb2.ExecutionTerminateRequest(id=execution_id("over"), cause="again")
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details() == "Cannot abort an already terminated workflow execution"


# Relaunch and recover --------------------------------------------------------------------------------------


def test_relaunch_copies_the_spec_reuses_user_inputs_and_references_the_original(admin, launch_plan_id):
    original = execution_request(launch_plan_id, "original", {"a": integer(5)})
    original.spec.labels.values["team"] = "data"
    admin.CreateExecution(original)
    created = admin.RelaunchExecution(
        execution_pb2.ExecutionRelaunchRequest(id=execution_id("original"), name="again", overwrite_cache=True)
    )
    assert created.id == execution_id("again")
    relaunched = get_execution(admin, "again")
    assert relaunched.spec.metadata.mode == Mode.RELAUNCH
    assert relaunched.spec.metadata.reference_execution == execution_id("original")
    assert relaunched.spec.overwrite_cache
    assert relaunched.spec.labels.values["team"] == "data"
    assert relaunched.spec.launch_plan == launch_plan_id
    assert dict(execution_data(admin, "again").full_inputs.literals) == {"a": integer(5), "b": string("hi")}
    assert relaunched.closure.phase == WorkflowExecution.QUEUED


def test_relaunch_without_a_name_gets_a_generated_one(admin, task_id):
    admin.CreateExecution(execution_request(task_id, "source", {"x": integer(1)}))
    created = admin.RelaunchExecution(execution_pb2.ExecutionRelaunchRequest(id=execution_id("source")))
    assert created.id.name != "source" and len(created.id.name) == 20
    assert not get_execution(admin, created.id.name).spec.overwrite_cache


def test_relaunch_into_a_taken_name_is_already_exists(admin, task_id):
    admin.CreateExecution(execution_request(task_id, "source", {"x": integer(1)}))
    error = rpc_error(
        admin.RelaunchExecution, execution_pb2.ExecutionRelaunchRequest(id=execution_id("source"), name="source")
    )
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS


def test_recover_marks_the_new_execution_recovered(admin, task_id):
    admin.CreateExecution(execution_request(task_id, "broken", {"x": integer(9)}))
    terminate(admin, "broken")
    created = admin.RecoverExecution(execution_pb2.ExecutionRecoverRequest(id=execution_id("broken"), name="fixed"))
    recovered = get_execution(admin, created.id.name)
    assert recovered.spec.metadata.mode == Mode.RECOVERED
    assert recovered.spec.metadata.reference_execution == execution_id("broken")
    assert dict(execution_data(admin, "fixed").full_inputs.literals) == {"x": integer(9)}


def test_recover_accepts_any_phase_as_admin_does(admin, task_id):
    """flyteadmin's RecoverExecution does not look at the phase; propeller skips what already succeeded."""
    admin.CreateExecution(execution_request(task_id, "still-queued", {"x": integer(1)}))
    created = admin.RecoverExecution(execution_pb2.ExecutionRecoverRequest(id=execution_id("still-queued")))
    assert get_execution(admin, created.id.name).spec.metadata.mode == Mode.RECOVERED


@pytest.mark.parametrize(
    ("call", "request_type"),
    [
        ("RelaunchExecution", execution_pb2.ExecutionRelaunchRequest),
        ("RecoverExecution", execution_pb2.ExecutionRecoverRequest),
    ],
)
def test_relaunching_or_recovering_an_unknown_execution_is_not_found(admin, call, request_type):
    error = rpc_error(getattr(admin, call), request_type(id=execution_id("ghost")))
    assert error.code() == grpc.StatusCode.NOT_FOUND
