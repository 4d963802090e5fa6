"""Execution names: admin's rule, its messages, generated names and taken names."""

from __future__ import annotations

import re

import grpc
import pytest
from flyteidl.core import identifier_pb2

from tests.sandbox.builders import INT, execution_request, get_execution, integer, rpc_error, task_request

GENERATED = re.compile(r"a[bcdfghjklmnpqrstvwxz2456789]{19}")


@pytest.fixture
def task_id(admin):
    request = task_request("names.task", {"x": INT})
    admin.CreateTask(request)
    return request.id


def launch(admin, task_id, name=""):
    return admin.CreateExecution(execution_request(task_id, name, {"x": integer(1)}), timeout=10).id


@pytest.mark.parametrize("name", ["a", "run-1", "Mixed-Case-Run", "x" * 63])
def test_a_valid_name_is_kept_as_given(admin, task_id, name):
    assert launch(admin, task_id, name).name == name
    assert get_execution(admin, name).id.name == name


@pytest.mark.parametrize(
    ("name", "shown"),
    [("1run", "1run"), ("run_1", "run_1"), ("-run", "-run"), ("Run.One", "run.one"), ("run\n", "run\n")],
)
def test_a_name_outside_the_pattern_is_refused_with_admins_message(admin, task_id, name, shown):
    error = rpc_error(admin.CreateExecution, execution_request(task_id, name, {"x": integer(1)}))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == f"invalid name format: {shown}, does not match regex '^[a-z][a-z\\-0-9]*$'"


def test_a_name_longer_than_63_characters_is_refused(admin, task_id):
    name = "Abc" + "d" * 61
    error = rpc_error(admin.CreateExecution, execution_request(task_id, name, {"x": integer(1)}))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == f"size of name exceeded length 63 : {name.lower()}"


def test_without_a_name_the_sandbox_generates_admins_kind_of_name(admin, task_id):
    names = {launch(admin, task_id).name for _ in range(5)}
    assert len(names) == 5
    assert all(GENERATED.fullmatch(name) for name in names), names


def test_a_taken_name_is_already_exists_and_leaves_the_first_execution_alone(admin, task_id):
    launch(admin, task_id, "taken")
    request = execution_request(task_id, "taken", {"x": integer(2)})
    error = rpc_error(admin.CreateExecution, request)
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    assert error.details() == (
        'value with matching already exists (duplicate key value violates unique constraint "executions_pkey")'
    )
    assert get_execution(admin, "taken").spec.launch_plan.resource_type == identifier_pb2.TASK


def test_the_same_name_may_be_used_in_another_domain(admin):
    for domain in ("development", "staging"):
        request = task_request("names.task", {"x": INT}, domain=domain)
        admin.CreateTask(request)
        created = admin.CreateExecution(execution_request(request.id, "shared", {"x": integer(1)}), timeout=10)
        assert (created.id.domain, created.id.name) == (domain, "shared")
