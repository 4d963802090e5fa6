"""Execution inputs: admin's checks and messages, launch-plan defaults merged, fixed inputs kept fixed."""

from __future__ import annotations

import grpc
import pytest
from flyteidl.admin import launch_plan_pb2
from flyteidl.core import literals_pb2, types_pb2

from tests.sandbox.builders import (
    FLOAT,
    INT,
    STR,
    collection,
    execution_data,
    execution_request,
    floating,
    integer,
    launch_plan_request,
    literal_map,
    object_get,
    rpc_error,
    string,
    task_request,
    workflow_request,
)

TASK_INPUTS = {
    "count": INT,
    "ratio": FLOAT,
    "tags": types_pb2.LiteralType(collection_type=STR),
    "scores": types_pb2.LiteralType(map_value_type=INT),
}
WORKFLOW_INPUTS = {"a": INT, "b": STR, "c": FLOAT}


@pytest.fixture
def task_id(admin):
    request = task_request("inputs.task", TASK_INPUTS)
    admin.CreateTask(request)
    return request.id


@pytest.fixture
def workflow_id(admin):
    request = workflow_request("inputs.workflow", WORKFLOW_INPUTS)
    admin.CreateWorkflow(request)
    return request.id


@pytest.fixture
def launch_plan_id(admin, workflow_id):
    """``a`` required, ``b`` defaults to "hi", ``c`` fixed at 1.5."""
    request = launch_plan_request(
        "inputs.lp", workflow_id, defaults={"b": string("hi")}, fixed={"c": floating(1.5)}, types=WORKFLOW_INPUTS
    )
    admin.CreateLaunchPlan(request)
    return request.id


def valid_task_inputs(**overrides):
    inputs = {
        "count": integer(1),
        "ratio": floating(0.5),
        "tags": collection(string("x")),
        "scores": literals_pb2.Literal(map=literal_map(math=integer(3))),
    }
    return {**inputs, **overrides}


def refusal(admin, launched, inputs) -> str:
    error = rpc_error(admin.CreateExecution, execution_request(launched, "", inputs))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    return error.details()


def test_task_inputs_of_the_declared_types_are_accepted_and_stored(admin, task_id):
    inputs = valid_task_inputs()
    created = admin.CreateExecution(execution_request(task_id, "ok", inputs), timeout=10)
    assert dict(execution_data(admin, created.id.name).full_inputs.literals) == inputs


def test_an_unknown_input_is_invalid_input(admin, task_id):
    assert refusal(admin, task_id, valid_task_inputs(bogus=integer(1))) == "invalid input bogus"


def test_every_task_input_is_required(admin, task_id):
    inputs = valid_task_inputs()
    del inputs["ratio"]
    assert refusal(admin, task_id, inputs) == "expected_inputs ratio missing"


def test_an_int_does_not_fit_a_float(admin, task_id):
    assert refusal(admin, task_id, valid_task_inputs(ratio=integer(1))) == (
        "invalid ratio input wrong type. Expected simple:FLOAT, but got simple:INTEGER"
    )


def test_collection_elements_are_checked(admin, task_id):
    assert refusal(admin, task_id, valid_task_inputs(tags=collection(integer(1)))) == (
        "invalid tags input wrong type. Expected collection_type:{simple:STRING}, "
        "but got collection_type:{simple:INTEGER}"
    )


def test_a_mixed_collection_is_typed_as_a_union_of_its_element_types(admin, task_id):
    assert refusal(admin, task_id, valid_task_inputs(tags=collection(string("x"), integer(1)))) == (
        "invalid tags input wrong type. Expected collection_type:{simple:STRING}, "
        "but got collection_type:{union_type:{variants:{simple:INTEGER} variants:{simple:STRING}}}"
    )


def test_an_empty_collection_fits_any_collection(admin, task_id):
    admin.CreateExecution(execution_request(task_id, "empty", valid_task_inputs(tags=collection())), timeout=10)
    assert list(execution_data(admin, "empty").full_inputs.literals["tags"].collection.literals) == []


def test_map_values_are_checked(admin, task_id):
    scores = literals_pb2.Literal(map=literal_map(math=string("A")))
    assert refusal(admin, task_id, valid_task_inputs(scores=scores)) == (
        "invalid scores input wrong type. Expected map_value_type:{simple:INTEGER}, "
        "but got map_value_type:{simple:STRING}"
    )


def test_an_input_without_a_value_is_refused(admin, task_id):
    assert refusal(admin, task_id, valid_task_inputs(count=literals_pb2.Literal())) == (
        "missing valid literal in inputs count"
    )


def test_launch_plan_expects_its_defaults_and_the_unbound_workflow_inputs(admin, launch_plan_id):
    launch_plan = admin.GetLaunchPlan(object_get(launch_plan_id))
    expected = launch_plan.closure.expected_inputs.parameters
    assert set(expected) == {"a", "b"}
    assert expected["a"].required and expected["a"].var.type == INT
    assert expected["b"].default == string("hi")
    assert launch_plan.spec.default_inputs == launch_plan.closure.expected_inputs  # admin augments the defaults
    assert launch_plan.closure.state == launch_plan_pb2.INACTIVE


def test_defaults_and_fixed_inputs_are_merged_into_the_execution_inputs(admin, launch_plan_id):
    admin.CreateExecution(execution_request(launch_plan_id, "merged", {"a": integer(7)}), timeout=10)
    assert dict(execution_data(admin, "merged").full_inputs.literals) == {
        "a": integer(7),
        "b": string("hi"),
        "c": floating(1.5),
    }


def test_a_default_can_be_overridden(admin, launch_plan_id):
    admin.CreateExecution(execution_request(launch_plan_id, "over", {"a": integer(7), "b": string("yo")}), timeout=10)
    assert execution_data(admin, "over").full_inputs.literals["b"] == string("yo")


def test_a_launch_plan_input_without_default_is_required(admin, launch_plan_id):
    assert refusal(admin, launch_plan_id, {"b": string("yo")}) == "expected_inputs a missing"


def test_a_fixed_input_is_not_an_input_one_may_send(admin, launch_plan_id):
    """Admin leaves fixed inputs out of the expected inputs, so it reports them as unknown."""
    assert refusal(admin, launch_plan_id, {"a": integer(1), "c": floating(2.0)}) == "invalid input c"


def test_a_launch_plan_defaulting_and_fixing_one_input_refuses_to_override_it(admin, workflow_id):
    request = launch_plan_request(
        "inputs.both", workflow_id, defaults={"c": floating(0.1)}, fixed={"c": floating(1.5)}, types=WORKFLOW_INPUTS
    )
    admin.CreateLaunchPlan(request)
    assert refusal(admin, request.id, {"a": integer(1), "b": string("x")}) == "fixed_inputs c cannot be overridden"


def test_launch_plan_registration_checks_default_and_fixed_inputs(admin, workflow_id):
    wrong_default = launch_plan_request(
        "inputs.bad", workflow_id, defaults={"a": string("x")}, types={"a": STR}
    )
    error = rpc_error(admin.CreateLaunchPlan, wrong_default)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "invalid default_input wrong type a, expected simple:STRING, got simple:INTEGER instead"

    unknown_fixed = launch_plan_request("inputs.bad", workflow_id, fixed={"zzz": integer(1)})
    assert rpc_error(admin.CreateLaunchPlan, unknown_fixed).details() == "unexpected fixed_input zzz"
