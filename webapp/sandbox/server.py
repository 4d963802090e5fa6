"""The embedded sandbox FlyteAdmin: a real gRPC AdminService over SQLite, seeded on first start.

``start()`` is the whole public API: the CLI and the tests start a sandbox, talk to it over gRPC like any admin,
and stop it. The servicer only translates: the rules live in registry.py and executions.py.
"""

import functools
import logging
from concurrent import futures
from dataclasses import dataclass
from datetime import datetime, timezone

import grpc
from flyteidl.admin import launch_plan_pb2, project_pb2, task_pb2, version_pb2, workflow_pb2
from flyteidl.service import admin_pb2_grpc

from webapp.sandbox import seed
from webapp.sandbox.auth import Auth, verified_claims
from webapp.sandbox.errors import AdminError
from webapp.sandbox.executions import Executions
from webapp.sandbox.phases import Clock
from webapp.sandbox.registry import LAUNCH_PLANS, TASKS, WORKFLOWS, Registry, check_identifier
from webapp.sandbox.store import Store

log = logging.getLogger(__name__)

ADMIN_VERSION = "v1.16.8"  # the FlyteAdmin whose behaviour the sandbox copies


def principal() -> str:
    """Who is calling, as admin records it in ``spec.metadata.principal``: the verified token's subject.

    Nobody while auth is off.
    """
    return verified_claims().get("sub", "")


def _answers(method):
    """Never let an exception escape a call: AdminError becomes its status, anything else INTERNAL.

    An uncaught exception would reach the client as UNKNOWN, which sends flytekit into an endless interactive login.
    """

    @functools.wraps(method)
    def call(self, request, context):
        try:
            return method(self, request, context)
        except AdminError as error:
            context.abort(error.code, error.message)
        except Exception as error:  # noqa: BLE001 - the boundary where every failure gets a status
            log.exception("sandbox admin: %s failed", method.__name__)
            context.abort(grpc.StatusCode.INTERNAL, f"sandbox admin: {type(error).__name__}: {error}")

    return call


def _unimplemented(name: str):
    def call(self, request, context):
        raise AdminError(grpc.StatusCode.UNIMPLEMENTED, f"{name} is not implemented by the Flyte Launch sandbox")

    call.__name__ = name
    return call


def _guard_every_method(cls):
    """Wrap every AdminService method: those the sandbox implements, and the rest (UNIMPLEMENTED)."""
    for name in vars(admin_pb2_grpc.AdminServiceServicer):
        if not name.startswith("_"):
            implemented = vars(cls).get(name)
            setattr(cls, name, _answers(implemented) if implemented else _answers(_unimplemented(name)))
    return cls


@_guard_every_method
class SandboxAdmin(admin_pb2_grpc.AdminServiceServicer):
    def __init__(self, registry: Registry, executions: Executions):
        self._registry = registry
        self._executions = executions
        self._started = datetime.now(timezone.utc).isoformat()

    def GetVersion(self, request, context):
        version = version_pb2.Version(Build="flyte-launch-sandbox", Version=ADMIN_VERSION, BuildTime=self._started)
        return version_pb2.GetVersionResponse(control_plane_version=version)

    # Projects and domains

    def RegisterProject(self, request, context):
        return self._registry.register_project(request)

    def ListProjects(self, request, context):
        return self._registry.list_projects(request)

    def GetDomains(self, request, context):
        return project_pb2.GetDomainsResponse(domains=self._registry.domains())

    # Tasks

    def CreateTask(self, request, context):
        return self._registry.create_task(request)

    def GetTask(self, request, context):
        return self._registry.get(TASKS, request.id)  # admin only logs a malformed id, then looks it up

    def ListTasks(self, request, context):
        tasks, token = self._registry.list(TASKS, request)
        return task_pb2.TaskList(tasks=tasks, token=token)

    def ListTaskIds(self, request, context):
        return self._registry.list_ids(TASKS, request)

    # Workflows

    def CreateWorkflow(self, request, context):
        return self._registry.create_workflow(request)

    def GetWorkflow(self, request, context):
        check_identifier(request.id, WORKFLOWS, request.HasField("id"))
        return self._registry.get(WORKFLOWS, request.id)

    def ListWorkflows(self, request, context):
        workflows, token = self._registry.list(WORKFLOWS, request)
        return workflow_pb2.WorkflowList(workflows=workflows, token=token)

    def ListWorkflowIds(self, request, context):
        return self._registry.list_ids(WORKFLOWS, request)

    # Launch plans

    def CreateLaunchPlan(self, request, context):
        return self._registry.create_launch_plan(request)

    def GetLaunchPlan(self, request, context):
        check_identifier(request.id, LAUNCH_PLANS, request.HasField("id"))
        return self._registry.get(LAUNCH_PLANS, request.id)

    def GetActiveLaunchPlan(self, request, context):
        return self._registry.get_active_launch_plan(request)

    def ListLaunchPlans(self, request, context):
        launch_plans, token = self._registry.list(LAUNCH_PLANS, request)
        return launch_plan_pb2.LaunchPlanList(launch_plans=launch_plans, token=token)

    def ListLaunchPlanIds(self, request, context):
        return self._registry.list_ids(LAUNCH_PLANS, request)

    def UpdateLaunchPlan(self, request, context):
        return self._registry.update_launch_plan(request)

    # Executions

    def CreateExecution(self, request, context):
        return self._executions.create(request, principal())

    def RelaunchExecution(self, request, context):
        return self._executions.relaunch(request, principal())

    def RecoverExecution(self, request, context):
        return self._executions.recover(request, principal())

    def GetExecution(self, request, context):
        return self._executions.get(request)

    def ListExecutions(self, request, context):
        return self._executions.list(request)

    def GetExecutionData(self, request, context):
        return self._executions.get_data(request)

    def TerminateExecution(self, request, context):
        return self._executions.terminate(request, principal())


def apply_seed(store: Store, registry: Registry) -> None:
    """Register ``seed.project()`` and every ``seed.requests()`` message, in order, in one transaction.

    The seed project's domains become the system's domains (admin sets them in configuration, not per project).
    """
    handlers = {
        task_pb2.TaskCreateRequest: registry.create_task,
        workflow_pb2.WorkflowCreateRequest: registry.create_workflow,
        launch_plan_pb2.LaunchPlanCreateRequest: registry.create_launch_plan,
        launch_plan_pb2.LaunchPlanUpdateRequest: registry.update_launch_plan,
    }
    project = seed.project()
    with store.transaction():
        registry.add_domains(project.domains)
        project.ClearField("domains")
        registry.register_project(project_pb2.ProjectRegisterRequest(project=project))
        for request in seed.requests():
            handlers[type(request)](request)


@dataclass
class Sandbox:
    """A running sandbox admin."""

    port: int
    address: str
    _server: grpc.Server
    _store: Store

    def stop(self, grace: float | None = None) -> None:
        self._server.stop(grace).wait()
        self._store.close()

    def wait(self) -> None:
        self._server.wait_for_termination()


def start(
    db_path: str,
    port: int = 0,
    host: str = "127.0.0.1",
    queued_seconds: float = 2.0,
    running_seconds: float = 3.0,
    auth_issuer: str | None = None,
    auth_audience: str = "flyteadmin",
    client_id: str = "flytectl",
    redirect_uri: str = "http://localhost:53593/callback",
    metadata_key: str = "flyte-authorization",
) -> Sandbox:
    """Open (or create and seed) the database at ``db_path`` and serve AdminService on ``host:port`` (0: any).

    With ``auth_issuer`` (an OpenID issuer URL), calls need its access tokens for ``auth_audience``, and
    AuthMetadataService and IdentityService are served; ``client_id`` and ``redirect_uri`` are the public client
    admin advertises to flytectl and flytekit, and ``metadata_key`` the gRPC metadata key it reads tokens from
    (besides ``authorization``).
    """
    store = Store(db_path)
    registry = Registry(store)
    if store.is_empty():
        apply_seed(store, registry)
    executions = Executions(store, registry, Clock.from_seconds(queued_seconds, running_seconds))
    auth = Auth(auth_issuer, auth_audience, client_id, redirect_uri, metadata_key) if auth_issuer else None
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), interceptors=[auth.interceptor] if auth else None)
    admin_pb2_grpc.add_AdminServiceServicer_to_server(SandboxAdmin(registry, executions), server)
    if auth:
        auth.add_services(server)
    bound = server.add_insecure_port(f"{host}:{port}")
    server.start()
    log.info("sandbox admin serving on %s:%d (database %s, auth %s)", host, bound, db_path, auth_issuer or "off")
    return Sandbox(port=bound, address=f"{host}:{bound}", _server=server, _store=store)
