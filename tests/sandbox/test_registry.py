"""Registration and lookup of projects, tasks, workflows and launch plans, with admin's codes and messages."""

from __future__ import annotations

import grpc
import pytest
from flyteidl.admin import common_pb2, launch_plan_pb2, project_pb2
from flyteidl.core import identifier_pb2

from tests.sandbox.builders import (
    DOMAIN,
    INT,
    PROJECT,
    STR,
    identifier,
    launch_plan_request,
    list_request,
    object_get,
    register_project,
    rpc_error,
    task_request,
    workflow_request,
)

ACTIVE, INACTIVE = launch_plan_pb2.ACTIVE, launch_plan_pb2.INACTIVE


# Projects and domains --------------------------------------------------------------------------------------


def test_projects_are_listed_alphabetically_with_the_system_domains(admin):
    register_project(admin, "another")
    projects = admin.ListProjects(project_pb2.ProjectListRequest()).projects
    assert [project.id for project in projects] == ["another", "flytesnacks", PROJECT]
    domains = [domain.id for domain in admin.GetDomains(project_pb2.GetDomainRequest()).domains]
    assert domains == ["development", "staging", "production"]
    assert all([domain.id for domain in project.domains] == domains for project in projects)


def test_a_project_is_registered_once_and_without_domains(admin):
    error = rpc_error(
        admin.RegisterProject, project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=PROJECT, name=PROJECT))
    )
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    with_domains = project_pb2.Project(id="p2", name="p2", domains=[project_pb2.Domain(id="qa", name="qa")])
    error = rpc_error(admin.RegisterProject, project_pb2.ProjectRegisterRequest(project=with_domains))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith("Domains are currently only set system wide.")


def test_entities_are_registered_in_known_projects_only(admin):
    request = task_request("registry.task", {"x": INT})
    request.id.project = request.spec.template.id.project = "unknown"
    error = rpc_error(admin.CreateTask, request)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith("failed to validate that project [unknown] and domain [development]")


# Tasks -----------------------------------------------------------------------------------------------------


def test_a_registered_task_has_its_template_in_the_closure(admin):
    request = task_request("registry.task", {"x": INT})
    request.spec.description.short_description = "adds things"
    admin.CreateTask(request)
    task = admin.GetTask(object_get(request.id))
    assert task.id == request.id
    assert task.closure.compiled_task.template == request.spec.template
    assert task.closure.created_at.seconds > 0
    assert task.short_description == "adds things"


def test_registering_the_same_task_again_is_already_exists(admin):
    request = task_request("registry.task", {"x": INT})
    admin.CreateTask(request)
    error = rpc_error(admin.CreateTask, request)
    assert (error.code(), error.details()) == (
        grpc.StatusCode.ALREADY_EXISTS,
        "task with identical structure already exists",
    )


def test_registering_a_different_task_under_a_taken_version_is_invalid(admin):
    admin.CreateTask(task_request("registry.task", {"x": INT}))
    error = rpc_error(admin.CreateTask, task_request("registry.task", {"x": STR}))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(
        "registry.task task with different structure already exists. (Please register a new version of the task)"
    )


def test_an_unknown_task_is_not_found_with_admins_message(admin):
    error = rpc_error(admin.GetTask, object_get(identifier(identifier_pb2.TASK, "registry.nothing", "v9")))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == (
        f'missing entity of type TASK with identifier project:"{PROJECT}" domain:"{DOMAIN}" '
        'name:"registry.nothing" version:"v9"'
    )


# Workflows -------------------------------------------------------------------------------------------------


def test_a_registered_workflow_has_its_template_and_tasks_in_the_closure(admin):
    task = task_request("registry.task", {"x": INT})
    admin.CreateTask(task)
    request = workflow_request("registry.workflow", {"x": INT}, task=task.id)
    admin.CreateWorkflow(request)
    compiled = admin.GetWorkflow(object_get(request.id)).closure.compiled_workflow
    assert compiled.primary.template == request.spec.template
    assert [compiled_task.template for compiled_task in compiled.tasks] == [task.spec.template]


def test_a_workflow_calling_an_unknown_task_is_not_registered(admin):
    request = workflow_request("registry.workflow", {}, task=identifier(identifier_pb2.TASK, "registry.nothing"))
    error = rpc_error(admin.CreateWorkflow, request)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details().startswith("missing entity of type TASK")
    assert rpc_error(admin.GetWorkflow, object_get(request.id)).code() == grpc.StatusCode.NOT_FOUND


def test_workflows_are_listed_by_name_and_version(admin):
    for version in ("v1", "v2"):
        admin.CreateWorkflow(workflow_request("registry.workflow", {}, version))
    listed = admin.ListWorkflows(list_request("registry.workflow"))
    assert [workflow.id.version for workflow in listed.workflows] == ["v1", "v2"]
    ids = admin.ListWorkflowIds(common_pb2.NamedEntityIdentifierListRequest(project=PROJECT, domain=DOMAIN, limit=5))
    assert [entity.name for entity in ids.entities] == ["registry.workflow"]


# Launch plans ----------------------------------------------------------------------------------------------


@pytest.fixture
def workflow_id(admin):
    request = workflow_request("registry.workflow", {"x": INT})
    admin.CreateWorkflow(request)
    return request.id


def lp_id(version: str) -> identifier_pb2.Identifier:
    return identifier(identifier_pb2.LAUNCH_PLAN, "registry.lp", version)


def set_state(admin, version: str, state: int) -> None:
    admin.UpdateLaunchPlan(launch_plan_pb2.LaunchPlanUpdateRequest(id=lp_id(version), state=state))


def active_version(admin) -> str:
    named = common_pb2.NamedEntityIdentifier(project=PROJECT, domain=DOMAIN, name="registry.lp")
    return admin.GetActiveLaunchPlan(launch_plan_pb2.ActiveLaunchPlanRequest(id=named)).id.version


def states(admin) -> dict[str, int]:
    listed = admin.ListLaunchPlans(list_request("registry.lp"))
    return {lp.id.version: lp.closure.state for lp in listed.launch_plans}


def test_a_new_launch_plan_is_inactive(admin, workflow_id):
    admin.CreateLaunchPlan(launch_plan_request("registry.lp", workflow_id))
    assert states(admin) == {"v1": INACTIVE}
    error = rpc_error(
        admin.GetActiveLaunchPlan,
        launch_plan_pb2.ActiveLaunchPlanRequest(
            id=common_pb2.NamedEntityIdentifier(project=PROJECT, domain=DOMAIN, name="registry.lp")
        ),
    )
    assert (error.code(), error.details()) == (
        grpc.StatusCode.NOT_FOUND,
        f"No active launch plan could be found: {PROJECT}:{DOMAIN}:registry.lp",
    )


def test_activating_a_version_deactivates_the_previous_one(admin, workflow_id):
    for version in ("v1", "v2"):
        admin.CreateLaunchPlan(launch_plan_request("registry.lp", workflow_id, version))
    set_state(admin, "v1", ACTIVE)
    assert (states(admin), active_version(admin)) == ({"v1": ACTIVE, "v2": INACTIVE}, "v1")
    set_state(admin, "v2", ACTIVE)
    assert (states(admin), active_version(admin)) == ({"v1": INACTIVE, "v2": ACTIVE}, "v2")
    set_state(admin, "v2", INACTIVE)
    assert states(admin) == {"v1": INACTIVE, "v2": INACTIVE}


def test_updating_an_unknown_launch_plan_is_not_found(admin):
    error = rpc_error(admin.UpdateLaunchPlan, launch_plan_pb2.LaunchPlanUpdateRequest(id=lp_id("v7"), state=ACTIVE))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details().startswith("missing entity of type LAUNCH_PLAN")


def test_a_launch_plan_of_an_unknown_workflow_is_not_found(admin):
    request = launch_plan_request("registry.lp", identifier(identifier_pb2.WORKFLOW, "registry.nothing"))
    error = rpc_error(admin.CreateLaunchPlan, request)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details().startswith('missing entity of type WORKFLOW with identifier project:"sandbox-tests"')


def test_launch_plans_are_fetched_by_a_launch_plan_identifier_only(admin, workflow_id):
    admin.CreateLaunchPlan(launch_plan_request("registry.lp", workflow_id))
    wrong_type = lp_id("v1")
    wrong_type.resource_type = identifier_pb2.TASK
    error = rpc_error(admin.GetLaunchPlan, object_get(wrong_type))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == (
        f'unexpected resource type task for identifier [resource_type:TASK project:"{PROJECT}" domain:"{DOMAIN}" '
        'name:"registry.lp" version:"v1"], expected launch_plan instead'
    )
    assert admin.GetLaunchPlan(object_get(lp_id("v1"))).spec.workflow_id == workflow_id
