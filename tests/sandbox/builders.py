"""Requests the sandbox tests send, built by hand from flyteidl so each test states exactly what it registers."""

from __future__ import annotations

import grpc
import pytest
from flyteidl.admin import common_pb2, execution_pb2, launch_plan_pb2, project_pb2, task_pb2, workflow_pb2
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2, tasks_pb2, types_pb2
from flyteidl.core import workflow_pb2 as core_workflow_pb2
from flyteidl.service.admin_pb2_grpc import AdminServiceStub

PROJECT, DOMAIN = "sandbox-tests", "development"

INT = types_pb2.LiteralType(simple=types_pb2.INTEGER)
FLOAT = types_pb2.LiteralType(simple=types_pb2.FLOAT)
STR = types_pb2.LiteralType(simple=types_pb2.STRING)
STRUCT = types_pb2.LiteralType(simple=types_pb2.STRUCT)


def stub_for(sandbox) -> AdminServiceStub:
    return AdminServiceStub(grpc.insecure_channel(sandbox.address))


def rpc_error(call, request) -> grpc.RpcError:
    """The error ``call(request)`` fails with (the test fails if it succeeds)."""
    with pytest.raises(grpc.RpcError) as raised:
        call(request, timeout=10)
    return raised.value


def register_project(admin: AdminServiceStub, project: str = PROJECT) -> None:
    admin.RegisterProject(project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=project, name=project)))


# Literals ------------------------------------------------------------------------------------------------------


def integer(value: int) -> literals_pb2.Literal:
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=value)))


def floating(value: float) -> literals_pb2.Literal:
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(float_value=value)))


def string(value: str) -> literals_pb2.Literal:
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value=value)))


def collection(*items: literals_pb2.Literal) -> literals_pb2.Literal:
    return literals_pb2.Literal(collection=literals_pb2.LiteralCollection(literals=items))


def literal_map(**literals: literals_pb2.Literal) -> literals_pb2.LiteralMap:
    return literals_pb2.LiteralMap(literals=literals)


# Identifiers and entities --------------------------------------------------------------------------------------


def identifier(resource_type: int, name: str, version: str = "v1", domain: str = DOMAIN) -> identifier_pb2.Identifier:
    return identifier_pb2.Identifier(
        resource_type=resource_type, project=PROJECT, domain=domain, name=name, version=version
    )


def object_get(entity_id: identifier_pb2.Identifier) -> common_pb2.ObjectGetRequest:
    return common_pb2.ObjectGetRequest(id=entity_id)


def execution_id(name: str, domain: str = DOMAIN) -> identifier_pb2.WorkflowExecutionIdentifier:
    return identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=domain, name=name)


def _variables(types: dict[str, types_pb2.LiteralType]) -> interface_pb2.VariableMap:
    return interface_pb2.VariableMap(
        variables={name: interface_pb2.Variable(type=t, description=name) for name, t in types.items()}
    )


def task_request(name: str, inputs: dict, version: str = "v1", config: dict | None = None, domain: str = DOMAIN):
    task_id = identifier(identifier_pb2.TASK, name, version, domain)
    template = tasks_pb2.TaskTemplate(
        id=task_id,
        type="python-task",
        interface=interface_pb2.TypedInterface(inputs=_variables(inputs), outputs=_variables({"o0": INT})),
        config=config or {},
        container=tasks_pb2.Container(image="example/image:1", args=["run"]),
    )
    return task_pb2.TaskCreateRequest(id=task_id, spec=task_pb2.TaskSpec(template=template))


def workflow_request(name: str, inputs: dict, version: str = "v1", task: identifier_pb2.Identifier | None = None):
    workflow_id = identifier(identifier_pb2.WORKFLOW, name, version)
    template = core_workflow_pb2.WorkflowTemplate(
        id=workflow_id, interface=interface_pb2.TypedInterface(inputs=_variables(inputs), outputs=_variables({}))
    )
    if task is not None:
        template.nodes.add(id="n0", task_node=core_workflow_pb2.TaskNode(reference_id=task))
    return workflow_pb2.WorkflowCreateRequest(id=workflow_id, spec=workflow_pb2.WorkflowSpec(template=template))


def launch_plan_request(
    name: str,
    workflow_id: identifier_pb2.Identifier,
    version: str = "v1",
    defaults: dict | None = None,
    fixed: dict | None = None,
    types: dict | None = None,
):
    """``defaults`` maps names to literals; their declared types come from ``types`` (the workflow's)."""
    spec = launch_plan_pb2.LaunchPlanSpec(workflow_id=workflow_id, fixed_inputs=literal_map(**(fixed or {})))
    for input_name, default in (defaults or {}).items():
        parameter = spec.default_inputs.parameters[input_name]
        parameter.var.type.CopyFrom(types[input_name])
        parameter.default.CopyFrom(default)
    return launch_plan_pb2.LaunchPlanCreateRequest(id=identifier(identifier_pb2.LAUNCH_PLAN, name, version), spec=spec)


def execution_request(launched: identifier_pb2.Identifier, name: str = "", inputs=None, **spec_fields):
    return execution_pb2.ExecutionCreateRequest(
        project=PROJECT,
        domain=launched.domain,
        name=name,
        spec=execution_pb2.ExecutionSpec(launch_plan=launched, **spec_fields),
        inputs=literal_map(**(inputs or {})),
    )


def list_request(name: str = "", limit: int = 100, **fields) -> common_pb2.ResourceListRequest:
    return common_pb2.ResourceListRequest(
        id=common_pb2.NamedEntityIdentifier(project=PROJECT, domain=DOMAIN, name=name), limit=limit, **fields
    )


def get_execution(admin: AdminServiceStub, name: str) -> execution_pb2.Execution:
    return admin.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=execution_id(name)), timeout=10)


def execution_data(admin: AdminServiceStub, name: str) -> execution_pb2.WorkflowExecutionGetDataResponse:
    return admin.GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=execution_id(name)), timeout=10)
