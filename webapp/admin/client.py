"""AdminClient: the domain calls this app makes to FlyteAdmin. The only place that touches gRPC stubs.

Every call has a deadline, and every gRPC status is turned into an `errors.AdminError` here and nowhere else.
"""

from __future__ import annotations

from datetime import timezone
from typing import Callable

import grpc
from flyteidl.admin import common_pb2, execution_pb2, launch_plan_pb2, project_pb2
from flyteidl.core import identifier_pb2
from flyteidl.core.execution_pb2 import QualityOfService, WorkflowExecution
from flyteidl.service import admin_pb2_grpc, auth_pb2, auth_pb2_grpc
from google.protobuf import json_format

from webapp.admin import errors
from webapp.admin.models import RESOURCE_TYPES, AuthServer, Entity, EntityRef, Execution, Input, Project, Version

NEWEST_FIRST = common_pb2.Sort(key="created_at", direction=common_pb2.Sort.DESCENDING)
PAGE = 100
KIND_OF_RESOURCE = {v: k for k, v in RESOURCE_TYPES.items()}


class AdminClient:
    """`metadata` gives the call metadata (the token) for the current request; on UNAUTHENTICATED,
    `refresh` gets a chance to renew the token (True if it did) and the call is retried once."""

    def __init__(self, channel: grpc.Channel, endpoint: str, timeout: float,
                 metadata: Callable[[], list[tuple[str, str]]] = list, refresh: Callable[[], bool] = lambda: False):
        self._stub = admin_pb2_grpc.AdminServiceStub(channel)
        self._auth = auth_pb2_grpc.AuthMetadataServiceStub(channel)
        self.endpoint = endpoint
        self._timeout = timeout
        self._metadata = metadata
        self._refresh = refresh

    def _call(self, method: str, request):
        call = getattr(self._stub, method)
        try:
            try:
                return call(request, timeout=self._timeout, metadata=self._metadata())
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAUTHENTICATED or not self._refresh():
                    raise
                return call(request, timeout=self._timeout, metadata=self._metadata())
        except grpc.RpcError as error:
            raise errors.from_rpc_error(error, self.endpoint) from error

    def auth_server(self) -> AuthServer:
        """Admin's OAuth2 metadata and public client config (both anonymous calls), as flytectl discovers them."""
        try:  # anonymous by design: these say how to get a token
            metadata = self._auth.GetOAuth2Metadata(auth_pb2.OAuth2MetadataRequest(), timeout=self._timeout)
            client = self._auth.GetPublicClientConfig(auth_pb2.PublicClientAuthConfigRequest(), timeout=self._timeout)
        except grpc.RpcError as error:
            raise errors.from_rpc_error(error, self.endpoint) from error
        return AuthServer(metadata.issuer, metadata.authorization_endpoint, metadata.token_endpoint,
                          metadata.jwks_uri, client.client_id, tuple(client.scopes),
                          client.authorization_metadata_key, client.audience)

    # -- browsing ---------------------------------------------------------------------------------------

    def list_projects(self) -> list[Project]:
        response = self._call("ListProjects", project_pb2.ProjectListRequest(limit=PAGE))
        return [
            Project(p.id, p.name or p.id, p.description, tuple(d.id for d in p.domains))
            for p in response.projects
        ]

    def project(self, project_id: str) -> Project:
        for project in self.list_projects():
            if project.id == project_id:
                return project
        raise errors.NotFound(f"no project named {project_id!r}", self.endpoint)

    def entity_names(self, project: str, domain: str, kind: str) -> list[str]:
        """Names of every task, workflow or launch plan in a project and domain, alphabetically."""
        method = {"task": "ListTaskIds", "workflow": "ListWorkflowIds", "launchplan": "ListLaunchPlanIds"}[kind]
        names, token = [], ""
        while True:
            response = self._call(method, common_pb2.NamedEntityIdentifierListRequest(
                project=project, domain=domain, limit=PAGE, token=token))
            names += [e.name for e in response.entities]
            token = response.token
            if not token or not response.entities:
                return sorted(set(names))

    # -- tasks and launch plans -------------------------------------------------------------------------

    def versions(self, project: str, domain: str, kind: str, name: str, token: str = "",
                 limit: int = 20) -> tuple[list[Version], str]:
        """One page of an entity's versions, newest first, and the token of the next page ("" at the end)."""
        method = {"task": "ListTasks", "launchplan": "ListLaunchPlans"}[kind]
        response = self._call(method, common_pb2.ResourceListRequest(
            id=common_pb2.NamedEntityIdentifier(project=project, domain=domain, name=name),
            limit=limit, token=token, sort_by=NEWEST_FIRST))
        items = response.tasks if kind == "task" else response.launch_plans
        return [_version(kind, item) for item in items], response.token

    def launch_plans_of(self, project: str, domain: str, workflow: str) -> list[Version]:
        """Each launch plan of a workflow, in the version to launch (the active one, else the newest among the
        latest PAGE versions): its default one first, then by name."""
        response = self._call("ListLaunchPlans", common_pb2.ResourceListRequest(
            id=common_pb2.NamedEntityIdentifier(project=project, domain=domain),
            filters=f"eq(workflow.name,{workflow})", limit=PAGE, sort_by=NEWEST_FIRST))
        newest: dict[str, Version] = {}
        for plan in response.launch_plans:
            version = _version("launchplan", plan)
            if plan.id.name not in newest or (version.active and not newest[plan.id.name].active):
                newest[plan.id.name] = version
        return sorted(newest.values(), key=lambda v: (v.ref.name != workflow, v.ref.name))

    def entity(self, ref: EntityRef) -> Entity:
        """A task or launch plan with its inputs; version `latest` means the most recently registered."""
        if ref.version == "latest":
            ref = EntityRef(ref.kind, ref.project, ref.domain, ref.name, self._latest_version(ref))
        resource_id = identifier_pb2.Identifier(
            resource_type=RESOURCE_TYPES[ref.kind], project=ref.project, domain=ref.domain,
            name=ref.name, version=ref.version)
        request = common_pb2.ObjectGetRequest(id=resource_id)
        if ref.kind == "task":
            task = self._call("GetTask", request)
            interface = task.closure.compiled_task.template.interface
            return Entity(ref, _time(task.closure.created_at), _task_inputs(task), outputs=_outputs(interface.outputs))
        plan = self._call("GetLaunchPlan", request)
        workflow_inputs = {}
        if plan.spec.fixed_inputs.literals:  # their types are only in the workflow's interface
            workflow = self._call("GetWorkflow", common_pb2.ObjectGetRequest(id=plan.spec.workflow_id))
            workflow_inputs = workflow.closure.compiled_workflow.primary.template.interface.inputs.variables
        return Entity(ref, _time(plan.closure.created_at), _launch_plan_inputs(plan, workflow_inputs),
                      _spec_options(plan.spec), _outputs(plan.closure.expected_outputs))

    def _latest_version(self, ref: EntityRef) -> str:
        method = {"task": "ListTasks", "launchplan": "ListLaunchPlans"}[ref.kind]
        response = self._call(method, common_pb2.ResourceListRequest(
            id=common_pb2.NamedEntityIdentifier(project=ref.project, domain=ref.domain, name=ref.name),
            limit=1, sort_by=NEWEST_FIRST))
        items = response.tasks if ref.kind == "task" else response.launch_plans
        if not items:
            raise errors.NotFound(f"no {ref.kind} named {ref.name!r} in {ref.project}/{ref.domain}", self.endpoint)
        return items[0].id.version

    # -- executions -------------------------------------------------------------------------------------

    def create_execution(self, request: execution_pb2.ExecutionCreateRequest) -> str:
        """Launches; answers the new execution's name."""
        return self._call("CreateExecution", request).id.name

    def execution(self, project: str, domain: str, name: str) -> Execution:
        return _execution(self._get_execution(project, domain, name))

    def _get_execution(self, project: str, domain: str, name: str) -> execution_pb2.Execution:
        return self._call("GetExecution", execution_pb2.WorkflowExecutionGetRequest(
            id=_execution_id(project, domain, name)))

    def executions(self, project: str, domain: str, token: str = "", phase: str = "", launched: str = "",
                   limit: int = 25) -> tuple[list[Execution], str]:
        """A page of executions, newest first; `launched` is "task/<name>" or "launchplan/<name>"."""
        filters = []
        if phase:
            filters.append(f"eq(phase,{phase})")
        if launched:
            kind, _, name = launched.partition("/")
            filters.append(f"eq({'task' if kind == 'task' else 'launch_plan'}.name,{name})")
        response = self._call("ListExecutions", common_pb2.ResourceListRequest(
            id=common_pb2.NamedEntityIdentifier(project=project, domain=domain), limit=limit, token=token,
            filters="+".join(filters), sort_by=NEWEST_FIRST))
        return [_execution(e) for e in response.executions], response.token

    def execution_and_record(self, project: str, domain: str, name: str) -> tuple[Execution, dict]:
        """The execution, and its record as `flytectl get execution -o json` prints it (one call for both)."""
        response = self._get_execution(project, domain, name)
        return _execution(response), json_format.MessageToDict(response)

    def relaunch(self, project: str, domain: str, name: str, new_name: str = "", overwrite_cache: bool = False) -> str:
        """The same execution again (admin reuses its spec and user inputs); answers the new name."""
        return self._call("RelaunchExecution", execution_pb2.ExecutionRelaunchRequest(
            id=_execution_id(project, domain, name), name=new_name, overwrite_cache=overwrite_cache)).id.name

    def recover(self, project: str, domain: str, name: str, new_name: str = "") -> str:
        """A new execution that resumes from the failure, reusing what succeeded; answers the new name."""
        return self._call("RecoverExecution", execution_pb2.ExecutionRecoverRequest(
            id=_execution_id(project, domain, name), name=new_name)).id.name

    def terminate(self, project: str, domain: str, name: str, cause: str) -> None:
        self._call("TerminateExecution", execution_pb2.ExecutionTerminateRequest(
            id=_execution_id(project, domain, name), cause=cause))

    def execution_inputs(self, project: str, domain: str, name: str):
        """The execution's inputs (defaults merged) as a LiteralMap."""
        return self.execution_data(project, domain, name)[0]

    def execution_data(self, project: str, domain: str, name: str):
        """The execution's inputs (defaults merged) and outputs (empty until it produced some), as LiteralMaps."""
        data = self._call("GetExecutionData", execution_pb2.WorkflowExecutionGetDataRequest(
            id=_execution_id(project, domain, name)))
        return data.full_inputs, data.full_outputs


def _version(kind: str, item) -> Version:
    ref = EntityRef(kind, item.id.project, item.id.domain, item.id.name, item.id.version)
    if kind == "task":
        return Version(ref, _time(item.closure.created_at))
    return Version(ref, _time(item.closure.created_at), item.closure.state == launch_plan_pb2.ACTIVE,
                   item.spec.workflow_id.name)


def _execution_id(project, domain, name):
    return identifier_pb2.WorkflowExecutionIdentifier(project=project, domain=domain, name=name)


def _time(timestamp):
    return timestamp.ToDatetime(tzinfo=timezone.utc) if timestamp.seconds else None


def _outputs(variables) -> tuple[Input, ...]:
    """Outputs, described like inputs so that the same fields show their values."""
    return tuple(Input(name, var.type, var.description) for name, var in sorted(variables.variables.items()))


def _task_inputs(task) -> tuple[Input, ...]:
    variables = task.closure.compiled_task.template.interface.inputs.variables
    return tuple(Input(name, var.type, var.description) for name, var in sorted(variables.items()))


def _launch_plan_inputs(plan: launch_plan_pb2.LaunchPlan, workflow_inputs) -> tuple[Input, ...]:
    parameters = plan.closure.expected_inputs.parameters or plan.spec.default_inputs.parameters
    inputs = [
        Input(name, p.var.type, p.var.description, required=p.required,
              default=p.default if p.HasField("default") else None)
        for name, p in parameters.items()
    ]
    inputs += [
        Input(name, workflow_inputs[name].type, workflow_inputs[name].description, required=False, fixed=literal)
        for name, literal in plan.spec.fixed_inputs.literals.items() if name in workflow_inputs
    ]
    return tuple(sorted(inputs, key=lambda i: i.name))


def _spec_options(spec) -> dict:
    """The launch options a launch plan or execution spec sets, named as webapp.flyte.options names them."""
    run_as = spec.security_context.run_as
    options = {
        "iam_role": run_as.iam_role or spec.auth_role.assumable_iam_role,
        "service_account": run_as.k8s_service_account or spec.auth_role.kubernetes_service_account,
        "labels": dict(spec.labels.values),
        "annotations": dict(spec.annotations.values),
        "raw_output_prefix": spec.raw_output_data_config.output_location_prefix,
        "envs": {kv.key: kv.value for kv in spec.envs.values},
        "cluster_pool": spec.cluster_assignment.cluster_pool_name,
        "overwrite_cache": spec.overwrite_cache,
        "max_parallelism": spec.max_parallelism,
    }
    if spec.HasField("interruptible"):
        options["interruptible"] = "on" if spec.interruptible.value else "off"
    if spec.quality_of_service.tier:
        options["qos"] = QualityOfService.Tier.Name(spec.quality_of_service.tier)
    if isinstance(spec, execution_pb2.ExecutionSpec):
        options.update(execution_cluster=spec.execution_cluster_label.value, tags=list(spec.tags),
                       disable_notifications=spec.disable_all)
    return {k: v for k, v in options.items() if v}


def _execution(e: execution_pb2.Execution) -> Execution:
    lp = e.spec.launch_plan
    launched = EntityRef(KIND_OF_RESOURCE.get(lp.resource_type, "launchplan"), lp.project, lp.domain,
                         lp.name, lp.version) if lp.name else None
    closure = e.closure
    duration = closure.duration.ToTimedelta() if closure.HasField("duration") else None
    return Execution(
        project=e.id.project, domain=e.id.domain, name=e.id.name,
        phase=WorkflowExecution.Phase.Name(closure.phase),
        launched=launched,
        created_at=_time(closure.created_at), started_at=_time(closure.started_at),
        updated_at=_time(closure.updated_at), duration=duration,
        mode=execution_pb2.ExecutionMetadata.ExecutionMode.Name(e.spec.metadata.mode),
        principal=e.spec.metadata.principal,
        error=closure.error.message if closure.HasField("error") else "",
        options=_spec_options(e.spec),
        reference=e.spec.metadata.reference_execution.name,
    )
