"""List calls: offset tokens, sorting by creation time, and admin's filter grammar."""

from __future__ import annotations

from datetime import timezone

import grpc
import pytest
from flyteidl.admin import common_pb2, execution_pb2, launch_plan_pb2
from flyteidl.core import identifier_pb2

from tests.sandbox.builders import (
    DOMAIN,
    INT,
    PROJECT,
    execution_id,
    execution_request,
    integer,
    launch_plan_request,
    list_request,
    rpc_error,
    task_request,
    workflow_request,
)

ASCENDING = common_pb2.Sort(key="created_at", direction=common_pb2.Sort.ASCENDING)
DESCENDING = common_pb2.Sort(key="created_at", direction=common_pb2.Sort.DESCENDING)
VERSIONS = ["v1", "v2", "v3", "v4", "v5"]


@pytest.fixture
def versions(admin):
    """Five versions of one task, registered in order, plus one other task."""
    for version in VERSIONS:
        admin.CreateTask(task_request("listing.task", {"x": INT}, version))
    admin.CreateTask(task_request("listing.other", {"x": INT}))


def task_versions(admin, **fields) -> tuple[list[str], str]:
    listed = admin.ListTasks(list_request("listing.task", **fields), timeout=10)
    return [task.id.version for task in listed.tasks], listed.token


def task_names(admin, filters: str) -> set[tuple[str, str]]:
    listed = admin.ListTasks(list_request(filters=filters, sort_by=ASCENDING), timeout=10)
    return {(task.id.name, task.id.version) for task in listed.tasks}


def invalid_filter(admin, filters: str, call=None, request=None) -> str:
    error = rpc_error(call or admin.ListTasks, request or list_request(filters=filters))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    return error.details()


# Pagination ------------------------------------------------------------------------------------------------


def test_pages_are_offsets_and_a_token_comes_only_with_a_full_page(admin, versions):
    assert task_versions(admin, limit=2, sort_by=ASCENDING) == (["v1", "v2"], "2")
    assert task_versions(admin, limit=2, sort_by=ASCENDING, token="2") == (["v3", "v4"], "4")
    assert task_versions(admin, limit=2, sort_by=ASCENDING, token="4") == (["v5"], "")


def test_a_full_last_page_is_followed_by_an_empty_one(admin, versions):
    assert task_versions(admin, limit=5, sort_by=ASCENDING) == (VERSIONS, "5")
    assert task_versions(admin, limit=5, sort_by=ASCENDING, token="5") == ([], "")


@pytest.mark.parametrize("token", ["abc", "-1", "1.5", " 2"])
def test_a_token_that_is_not_an_offset_is_refused(admin, token):
    error = rpc_error(admin.ListTasks, list_request(token=token))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == f"invalid pagination token {token} for ListTasks"
    execution_error = rpc_error(admin.ListExecutions, list_request(token=token))
    assert execution_error.details() == f"invalid pagination token {token} for ListExecutions"


def test_a_limit_is_required(admin):
    error = rpc_error(admin.ListTasks, list_request(limit=0))
    assert (error.code(), error.details()) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid value for limit")


# Sorting ---------------------------------------------------------------------------------------------------


def test_sorting_by_creation_time_both_ways(admin, versions):
    assert task_versions(admin, sort_by=ASCENDING)[0] == VERSIONS
    assert task_versions(admin, sort_by=DESCENDING)[0] == VERSIONS[::-1]


def test_creation_times_strictly_increase_in_registration_order(admin, versions):
    tasks = admin.ListTasks(list_request("listing.task", sort_by=ASCENDING)).tasks
    created = [task.closure.created_at.ToMicroseconds() for task in tasks]
    assert created == sorted(set(created))


def test_an_unknown_sort_key_is_refused(admin):
    error = rpc_error(admin.ListTasks, list_request(sort_by=common_pb2.Sort(key="bogus")))
    assert (error.code(), error.details()) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid sort key 'bogus'")


def test_task_ids_are_distinct_names(admin, versions):
    listed = admin.ListTaskIds(common_pb2.NamedEntityIdentifierListRequest(project=PROJECT, domain=DOMAIN, limit=10))
    assert [entity.name for entity in listed.entities] == ["listing.other", "listing.task"]
    newest_first = admin.ListTaskIds(
        common_pb2.NamedEntityIdentifierListRequest(project=PROJECT, domain=DOMAIN, limit=1, sort_by=DESCENDING)
    )
    assert ([entity.name for entity in newest_first.entities], newest_first.token) == (["listing.other"], "1")


# Filters ---------------------------------------------------------------------------------------------------


def test_eq_and_ne(admin, versions):
    assert task_names(admin, "eq(version,v2)") == {("listing.task", "v2")}
    all_but_v2 = {("listing.task", version) for version in VERSIONS if version != "v2"}
    assert task_names(admin, "eq(name,listing.task)+ne(version,v2)") == all_but_v2


def test_value_in_and_value_not_in(admin, versions):
    assert task_names(admin, "value_in(version,v2;v3)") == {("listing.task", "v2"), ("listing.task", "v3")}
    assert task_names(admin, "eq(name,listing.task)+value_not_in(version,v1;v3;v5)") == {
        ("listing.task", "v2"),
        ("listing.task", "v4"),
    }


def test_contains_is_case_sensitive_like_admins(admin, versions):
    assert task_names(admin, "contains(name,other)") == {("listing.other", "v1")}
    assert task_names(admin, "contains(name,OTHER)") == set()


def test_ordering_comparisons(admin, versions):
    assert task_names(admin, "eq(name,listing.task)+gt(version,v3)") == {("listing.task", "v4"), ("listing.task", "v5")}
    assert task_names(admin, "eq(name,listing.task)+gte(version,v4)+lte(version,v4)") == {("listing.task", "v4")}
    assert task_names(admin, "eq(name,listing.task)+lt(version,v2)") == {("listing.task", "v1")}


def test_created_at_filters_take_rfc3339_times(admin, versions):
    tasks = admin.ListTasks(list_request("listing.task", sort_by=ASCENDING)).tasks
    third = tasks[2].closure.created_at.ToDatetime(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
    assert task_names(admin, f"eq(name,listing.task)+gte(created_at,{third})") == {
        ("listing.task", v) for v in VERSIONS[2:]
    }
    assert invalid_filter(admin, "gt(created_at,yesterday)") == "Timestamp yesterday must conform to RFC3339 Nano spec"


def test_a_space_after_the_comma_is_allowed(admin, versions):
    assert task_names(admin, "eq(version, v5)") == {("listing.task", "v5")}


def test_filter_errors_use_admins_messages(admin):
    assert invalid_filter(admin, "eq(bogus,1)") == "'t.bogus' is invalid filter"
    assert invalid_filter(admin, "like(name,x)") == "unrecognized filter function: like"
    assert invalid_filter(admin, "name=x") == "invalid value for filters"
    assert invalid_filter(admin, "eq(workflow.name,x)") == "'w' entity is not allowed in filters"


def test_launch_plans_filter_on_state_and_their_workflow(admin):
    workflow = workflow_request("listing.workflow", {})
    admin.CreateWorkflow(workflow)
    for name in ("listing.lp-a", "listing.lp-b"):
        admin.CreateLaunchPlan(launch_plan_request(name, workflow.id))
    admin.UpdateLaunchPlan(
        launch_plan_pb2.LaunchPlanUpdateRequest(
            id=identifier_for("listing.lp-b", identifier_pb2.LAUNCH_PLAN), state=launch_plan_pb2.ACTIVE
        )
    )
    active = admin.ListLaunchPlans(list_request(filters="eq(state,1)+eq(workflow.name,listing.workflow)"))
    assert [lp.id.name for lp in active.launch_plans] == ["listing.lp-b"]


# Executions ------------------------------------------------------------------------------------------------


@pytest.fixture
def executions(admin):
    """Two task executions and a launch-plan execution; the second is aborted, the others stay queued."""
    task = task_request("listing.task", {"x": INT})
    admin.CreateTask(task)
    workflow = workflow_request("listing.workflow", {})
    admin.CreateWorkflow(workflow)
    launch_plan = launch_plan_request("listing.lp", workflow.id)
    admin.CreateLaunchPlan(launch_plan)
    admin.CreateExecution(execution_request(task.id, "first", {"x": integer(1)}))
    admin.CreateExecution(execution_request(task.id, "second", {"x": integer(2)}))
    admin.CreateExecution(execution_request(launch_plan.id, "third"))
    admin.TerminateExecution(execution_pb2.ExecutionTerminateRequest(id=execution_id("second"), cause="test"))
    return admin


def execution_names(admin, filters: str = "", **fields) -> list[str]:
    listed = admin.ListExecutions(list_request(filters=filters, sort_by=ASCENDING, **fields), timeout=10)
    return [execution.id.name for execution in listed.executions]


def test_executions_sort_and_page_like_entities(executions):
    assert execution_names(executions) == ["first", "second", "third"]
    listed = executions.ListExecutions(list_request(limit=2, sort_by=DESCENDING, token="1"))
    assert ([e.id.name for e in listed.executions], listed.token) == (["second", "first"], "3")


def test_executions_filter_on_phase(executions):
    assert execution_names(executions, "eq(phase,ABORTED)") == ["second"]
    assert execution_names(executions, "value_in(phase,QUEUED;RUNNING)") == ["first", "third"]
    assert execution_names(executions, "ne(phase,QUEUED)") == ["second"]


def test_executions_filter_on_their_name_and_what_they_launched(executions):
    assert execution_names(executions, "eq(execution_name,second)") == ["second"]
    assert execution_names(executions, "eq(name,second)") == ["second"]  # admin's customizeField
    assert execution_names(executions, "eq(task.name,listing.task)") == ["first", "second"]
    assert execution_names(executions, "eq(launch_plan.name,listing.lp)") == ["third"]
    assert execution_names(executions, "eq(workflow.name,listing.workflow)") == ["third"]
    assert execution_names(executions, "eq(mode,0)") == ["first", "second", "third"]
    assert invalid_filter(executions, "", executions.ListExecutions, list_request(filters="eq(colour,x)")) == (
        "'e.colour' is invalid filter"
    )


def test_listing_by_name_in_the_request_id(executions):
    assert execution_names(executions, name="third") == ["third"]


def identifier_for(name: str, resource_type: int) -> identifier_pb2.Identifier:
    return identifier_pb2.Identifier(
        resource_type=resource_type, project=PROJECT, domain=DOMAIN, name=name, version="v1"
    )
