"""Executions: created, relaunched, recovered, listed and terminated as flyteadmin's execution manager does.

A task execution behaves like a launch plan without defaults (admin builds one on the fly), so every task input
is required. The merged inputs and the user's own inputs are both kept: GetExecutionData serves the former,
relaunch and recover reuse the latter.
"""

import sqlite3

import grpc
from flyteidl.admin import common_pb2, execution_pb2
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2

from webapp.sandbox import filters, phases
from webapp.sandbox.errors import AdminError, duplicate_key, invalid, missing_argument, missing_entity
from webapp.sandbox.inputs import check_literal_map, expected_inputs, merge_execution_inputs
from webapp.sandbox.names import check_execution_name, generate_execution_name
from webapp.sandbox.registry import LAUNCH_PLANS, TASKS, Registry, check_identifier_fields, resource_name
from webapp.sandbox.store import Store, timestamp

Mode = execution_pb2.ExecutionMetadata
_LAUNCHABLE = (identifier_pb2.TASK, identifier_pb2.LAUNCH_PLAN)


class Executions:
    def __init__(self, store: Store, registry: Registry, clock: phases.Clock):
        self._store = store
        self._registry = registry
        self._clock = clock

    def create(
        self, request: execution_pb2.ExecutionCreateRequest, principal: str
    ) -> execution_pb2.ExecutionCreateResponse:
        self._check_create_request(request)
        user_inputs = request.inputs if request.inputs.literals else request.spec.inputs  # pre-0.15 clients
        launched = request.spec.launch_plan
        expected, fixed, workflow_id, final_phase = self._what_runs(launched)
        merged = merge_execution_inputs(user_inputs, fixed, expected)

        identifier = identifier_pb2.WorkflowExecutionIdentifier(
            project=request.project, domain=request.domain, name=request.name or generate_execution_name()
        )
        execution = execution_pb2.Execution(id=identifier, spec=request.spec)
        execution.spec.metadata.principal = principal
        execution.closure.workflow_id.CopyFrom(workflow_id)
        is_task = launched.resource_type == identifier_pb2.TASK
        now = self._store.now()
        execution.closure.created_at.CopyFrom(timestamp(now))
        row = {
            "project": identifier.project,
            "domain": identifier.domain,
            "name": identifier.name,
            **self._clock.timeline(now),
            "final_phase": final_phase,
            "mode": execution.spec.metadata.mode,
            "user": principal,
            "launch_plan_name": launched.name,  # admin gives a task execution a launch plan named after the task
            "launch_plan_version": launched.version,
            "task_name": launched.name if is_task else None,
            "task_version": launched.version if is_task else None,
            "workflow_name": workflow_id.name,
            "workflow_version": workflow_id.version,
            "execution": execution.SerializeToString(),
            "inputs": merged.SerializeToString(),
            "user_inputs": user_inputs.SerializeToString(),
        }
        try:
            self._store.insert("executions", row)
        except sqlite3.IntegrityError:
            raise duplicate_key("executions") from None
        return execution_pb2.ExecutionCreateResponse(id=identifier)

    def _what_runs(self, launched: identifier_pb2.Identifier):
        """Expected inputs, fixed inputs, workflow id and final phase of what ``launched`` names.

        For a task, admin makes a launch plan with no defaults over a one-node workflow of the same id.
        """
        if launched.resource_type == identifier_pb2.LAUNCH_PLAN:
            launch_plan = self._registry.get(LAUNCH_PLANS, launched)
            spec = launch_plan.spec
            return launch_plan.closure.expected_inputs, spec.fixed_inputs, spec.workflow_id, phases.final_phase(None)
        template = self._registry.get(TASKS, launched).closure.compiled_task.template
        no_inputs = literals_pb2.LiteralMap()
        expected = expected_inputs(template.interface.inputs, no_inputs, interface_pb2.ParameterMap())
        workflow_id = identifier_pb2.Identifier()
        workflow_id.CopyFrom(launched)
        workflow_id.resource_type = identifier_pb2.WORKFLOW
        return expected, no_inputs, workflow_id, phases.final_phase(template)

    def _check_create_request(self, request: execution_pb2.ExecutionCreateRequest) -> None:
        """admin's ``ValidateExecutionRequest``, in its order."""
        for field in ("project", "domain"):
            if not getattr(request, field):
                raise missing_argument(field)
        if request.name:
            check_execution_name(request.name)
        self._registry.check_project_domain(request.project, request.domain)
        if not request.HasField("spec"):
            raise missing_argument("spec")
        if not request.spec.HasField("launch_plan"):
            raise missing_argument("id")
        check_identifier_fields(request.spec.launch_plan)
        resource_type = request.spec.launch_plan.resource_type
        if resource_type not in _LAUNCHABLE:
            raise invalid(
                f"Invalid reference entity resource type [{resource_name(resource_type)}], "
                "only [map[TASK:<nil> LAUNCH_PLAN:<nil>]] allowed"
            )
        check_literal_map(request.inputs, "inputs")

    def relaunch(
        self, request: execution_pb2.ExecutionRelaunchRequest, principal: str
    ) -> execution_pb2.ExecutionCreateResponse:
        """A new execution of the same spec and user inputs, in the same project and domain."""
        spec, user_inputs = self._reuse(request.id, Mode.RELAUNCH)
        spec.overwrite_cache = request.overwrite_cache
        return self._launch_again(request.id, request.name, spec, user_inputs, principal)

    def recover(
        self, request: execution_pb2.ExecutionRecoverRequest, principal: str
    ) -> execution_pb2.ExecutionCreateResponse:
        """Like relaunch; admin accepts any phase here (it leaves it to propeller to skip what succeeded)."""
        spec, user_inputs = self._reuse(request.id, Mode.RECOVERED)
        if request.HasField("metadata"):
            spec.metadata.parent_node_execution.CopyFrom(request.metadata.parent_node_execution)
        return self._launch_again(request.id, request.name, spec, user_inputs, principal)

    def _reuse(self, identifier, mode):
        row = self._row(identifier, self._store.now())
        spec = execution_pb2.Execution.FromString(row["execution"]).spec
        spec.metadata.mode = mode
        spec.metadata.reference_execution.CopyFrom(identifier)
        return spec, literals_pb2.LiteralMap.FromString(row["user_inputs"])

    def _launch_again(self, source, name, spec, user_inputs, principal):
        request = execution_pb2.ExecutionCreateRequest(
            project=source.project, domain=source.domain, name=name, spec=spec, inputs=user_inputs
        )
        return self.create(request, principal)

    def get(self, request: execution_pb2.WorkflowExecutionGetRequest) -> execution_pb2.Execution:
        _check_execution_id(request)
        return _execution(self._row(request.id, self._store.now()))

    def get_data(
        self, request: execution_pb2.WorkflowExecutionGetDataRequest
    ) -> execution_pb2.WorkflowExecutionGetDataResponse:
        """The merged inputs, and once SUCCEEDED the outputs: the sandbox runs nothing, so an output named and
        typed like an input echoes that input (the seeded ``demo.echo`` shows outputs this way)."""
        row = self._row(request.id, self._store.now())
        inputs = literals_pb2.LiteralMap.FromString(row["inputs"])
        echoed = self._echoed(execution_pb2.Execution.FromString(row["execution"]), inputs)
        outputs = literals_pb2.LiteralMap(literals=echoed if row["phase"] == "SUCCEEDED" else {})
        return execution_pb2.WorkflowExecutionGetDataResponse(full_inputs=inputs, full_outputs=outputs)

    def _echoed(self, execution: execution_pb2.Execution, inputs: literals_pb2.LiteralMap) -> dict:
        launched = execution.spec.launch_plan
        if launched.resource_type != identifier_pb2.TASK:
            return {}
        interface = self._registry.get(TASKS, launched).closure.compiled_task.template.interface
        given = interface.inputs.variables
        return {name: inputs.literals[name] for name, variable in interface.outputs.variables.items()
                if name in inputs.literals and name in given and given[name].type == variable.type}

    def list(self, request: common_pb2.ResourceListRequest) -> execution_pb2.ExecutionList:
        page = filters.resource_page(request, filters.EXECUTION, "ListExecutions")
        sql, params = page.sql()
        rows = self._store.all(f"SELECT * FROM {self._store.executions_at(self._store.now())} {sql}", params)
        executions = [_execution(row) for row in rows]
        for execution in executions:
            execution.spec.ClearField("inputs")  # admin clears the deprecated copy in lists
        return execution_pb2.ExecutionList(executions=executions, token=page.token(len(rows)))

    def terminate(
        self, request: execution_pb2.ExecutionTerminateRequest, principal: str
    ) -> execution_pb2.ExecutionTerminateResponse:
        _check_execution_id(request)
        with self._store.transaction():
            now = self._store.now()
            row = self._row(request.id, now)
            if row["phase"] in phases.TERMINAL:
                raise AdminError(
                    grpc.StatusCode.FAILED_PRECONDITION, "Cannot abort an already terminated workflow execution"
                )
            self._store.execute(
                "UPDATE executions SET aborted_at = ?, abort_cause = ?, abort_principal = ? WHERE seq = ?",
                (now, request.cause, principal, row["seq"]),
            )
        return execution_pb2.ExecutionTerminateResponse()

    def _row(self, identifier: identifier_pb2.WorkflowExecutionIdentifier, now: int):
        row = self._store.one(
            f"SELECT * FROM {self._store.executions_at(now)} WHERE project = ? AND domain = ? AND name = ?",
            (identifier.project, identifier.domain, identifier.name),
        )
        if row is None:
            raise missing_entity("execution", identifier.project, identifier.domain, identifier.name)
        return row


def _check_execution_id(request) -> None:
    """admin's ``ValidateWorkflowExecutionIdentifier`` on the request's ``id``."""
    if not request.HasField("id"):
        raise missing_argument("id")
    for field in ("project", "domain", "name"):
        if not getattr(request.id, field):
            raise missing_argument(field)


def _execution(row) -> execution_pb2.Execution:
    execution = execution_pb2.Execution.FromString(row["execution"])
    phases.fill_closure(execution, row)
    return execution
