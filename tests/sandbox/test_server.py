"""The server itself: seeding, restarts, thread safety, and never answering UNKNOWN."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import grpc
from flyteidl.admin import (
    common_pb2,
    execution_pb2,
    launch_plan_pb2,
    node_execution_pb2,
    project_pb2,
    task_pb2,
    version_pb2,
)
from flyteidl.core.execution_pb2 import WorkflowExecution

from tests.sandbox.builders import (
    INT,
    execution_request,
    get_execution,
    integer,
    list_request,
    object_get,
    register_project,
    rpc_error,
    stub_for,
    task_request,
)
from webapp.sandbox import seed
from webapp.sandbox.registry import Registry


def seeded_tasks(admin, domain: str = "development") -> list[tuple[str, str]]:
    listed = admin.ListTasks(
        common_pb2.ResourceListRequest(
            id=common_pb2.NamedEntityIdentifier(project=seed.PROJECT, domain=domain),
            limit=1000,
            sort_by=common_pb2.Sort(key="created_at", direction=common_pb2.Sort.ASCENDING),
        )
    )
    return [(task.id.name, task.id.version) for task in listed.tasks]


def test_first_start_registers_the_seed_project_and_domains(start_sandbox):
    admin = stub_for(start_sandbox())
    expected = seed.project()
    [project] = admin.ListProjects(project_pb2.ProjectListRequest()).projects
    assert (project.id, project.name, project.description) == (expected.id, expected.name, expected.description)
    domains = admin.GetDomains(project_pb2.GetDomainRequest()).domains
    assert list(domains) == list(expected.domains)


def test_first_start_applies_every_seed_request_in_order(start_sandbox):
    admin = stub_for(start_sandbox())
    requests = list(seed.requests())
    for domain in {d.id for d in seed.project().domains}:
        in_order = [
            (r.id.name, r.id.version)
            for r in requests
            if isinstance(r, task_pb2.TaskCreateRequest) and r.id.domain == domain
        ]
        assert seeded_tasks(admin, domain) == in_order
    for update in (r for r in requests if isinstance(r, launch_plan_pb2.LaunchPlanUpdateRequest)):
        launch_plan = admin.GetLaunchPlan(object_get(update.id))
        assert launch_plan.closure.state == update.state


def test_a_restart_keeps_everything_and_does_not_seed_again(start_sandbox):
    first = start_sandbox("kept.db")
    admin = stub_for(first)
    register_project(admin)
    task = task_request("server.task", {"x": INT})
    admin.CreateTask(task)
    admin.CreateExecution(execution_request(task.id, "kept", {"x": integer(4)}))
    admin.CreateExecution(execution_request(task.id, "stopped", {"x": integer(5)}))
    stop = execution_pb2.ExecutionTerminateRequest(id=get_execution(admin, "stopped").id, cause="bye")
    admin.TerminateExecution(stop)
    seeded = seeded_tasks(admin)
    first.stop()

    admin = stub_for(start_sandbox("kept.db"))
    assert seeded_tasks(admin) == seeded
    assert admin.GetTask(object_get(task.id)).closure.compiled_task.template == task.spec.template
    assert get_execution(admin, "kept").closure.phase == WorkflowExecution.QUEUED
    stopped = get_execution(admin, "stopped")
    assert (stopped.closure.phase, stopped.closure.abort_metadata.cause) == (WorkflowExecution.ABORTED, "bye")
    listed = admin.ListExecutions(list_request())
    assert sorted(execution.id.name for execution in listed.executions) == ["kept", "stopped"]


def test_the_database_folder_is_created(start_sandbox, tmp_path):
    sandbox = start_sandbox("nested/deeper/admin.db")
    assert (tmp_path / "nested" / "deeper" / "admin.db").is_file()
    assert sandbox.address == f"127.0.0.1:{sandbox.port}" and sandbox.port > 0


def test_concurrent_launches_are_all_kept(admin):
    task = task_request("server.task", {"x": INT})
    admin.CreateTask(task)

    def launch(i: int) -> str:
        return admin.CreateExecution(execution_request(task.id, f"run-{i}", {"x": integer(i)}), timeout=30).id.name

    with ThreadPoolExecutor(max_workers=16) as pool:
        names = set(pool.map(launch, range(64)))
    assert names == {f"run-{i}" for i in range(64)}
    listed = admin.ListExecutions(list_request(limit=100))
    assert len(listed.executions) == 64
    created = [execution.closure.created_at.ToMicroseconds() for execution in listed.executions]
    assert len(set(created)) == 64  # no two creation times alike, so creation order is total


def test_an_unexpected_error_is_internal_never_unknown(admin, monkeypatch):
    def broken(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Registry, "domains", broken)
    error = rpc_error(admin.GetDomains, project_pb2.GetDomainRequest())
    assert error.code() == grpc.StatusCode.INTERNAL
    assert "RuntimeError: disk on fire" in error.details()


def test_methods_the_sandbox_lacks_are_unimplemented(admin):
    error = rpc_error(admin.ListNodeExecutions, node_execution_pb2.NodeExecutionListRequest())
    assert error.code() == grpc.StatusCode.UNIMPLEMENTED


def test_get_version_names_the_admin_it_mirrors(admin):
    version = admin.GetVersion(version_pb2.GetVersionRequest()).control_plane_version
    assert version.Version == "v1.16.8"
    assert version.Build and version.BuildTime


def test_project_and_domain_are_required_in_lists(admin):
    request = list_request()
    request.id.domain = ""
    assert rpc_error(admin.ListExecutions, request).details() == "missing domain"
