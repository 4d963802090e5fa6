"""ExecutionCreateRequest as flytectl builds it for its own test files (flyte-semantics.md §3.3)."""

from __future__ import annotations

from typing import List

from flyteidl.admin import cluster_assignment_pb2, common_pb2, execution_pb2
from flyteidl.core import identifier_pb2, literals_pb2, security_pb2

from tests.oracle import literal, literal_type
from tests.test_execfile import LAUNCHPLAN_EXECUTION_SPEC, TASK_EXECUTION_SPEC_WITH_IAMROLE
from webapp.admin.models import EntityRef, Input
from webapp.flyte import execfile, requests

MERGE_INPUTS = (Input("sorted_list1", literal_type(List[int])), Input("sorted_list2", literal_type(List[int])))


def request_for(ref: EntityRef, inputs, text: str) -> execution_pb2.ExecutionCreateRequest:
    exec_file = execfile.read(text)
    literals, errors = execfile.literals_for(inputs, exec_file.inputs)
    assert errors == {}
    return requests.create_execution(ref, literals_pb2.LiteralMap(literals=literals), execfile.options_of(exec_file))


def test_task_with_iam_role_and_cluster_pool():
    """Test_CreateTaskExecution: -p dummyProject -d dummyDomain, task1 v2, the file's iamRoleARN and clusterPool."""
    ref = EntityRef("task", "dummyProject", "dummyDomain", "task1", "v2")
    request = request_for(ref, MERGE_INPUTS, TASK_EXECUTION_SPEC_WITH_IAMROLE)
    # the file's targetProject/targetDomain fill the form's target, where flytectl would launch in -p/-d
    # (docs/flytectl-compat.md); everything else is flytectl's request
    assert (request.project, request.domain) == ("flytesnacks", "development")
    expected_spec = execution_pb2.ExecutionSpec(
        launch_plan=identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project="dummyProject",
                                              domain="dummyDomain", name="task1", version="v2"),
        metadata=execution_pb2.ExecutionMetadata(mode=execution_pb2.ExecutionMetadata.MANUAL, principal="sdk"),
        auth_role=common_pb2.AuthRole(assumable_iam_role="iamRoleARN", kubernetes_service_account=""),
        security_context=security_pb2.SecurityContext(run_as=security_pb2.Identity(iam_role="iamRoleARN")),
        cluster_assignment=cluster_assignment_pb2.ClusterAssignment(cluster_pool_name="gpu"),
        envs=common_pb2.Envs())
    assert request.spec == expected_spec
    assert request.spec.HasField("envs")  # always present, even empty
    assert request.inputs.literals["sorted_list1"] == literal([0, 2, 4], List[int])
    assert request.inputs.literals["sorted_list2"] == literal([1, 3, 5], List[int])


def test_launch_plan_with_defaults():
    ref = EntityRef("launchplan", "dummyProject", "dummyDomain", "core.control_flow.merge_sort.merge_sort", "v3")
    inputs = (Input("numbers", literal_type(List[int])), Input("numbers_count", literal_type(int)),
              Input("run_local_at_count", literal_type(int), required=False, default=literal(10, int)))
    request = request_for(ref, inputs, LAUNCHPLAN_EXECUTION_SPEC)
    assert request.spec.launch_plan == identifier_pb2.Identifier(
        resource_type=identifier_pb2.LAUNCH_PLAN, project="dummyProject", domain="dummyDomain",
        name="core.control_flow.merge_sort.merge_sort", version="v3")
    assert not request.spec.HasField("security_context") and not request.spec.HasField("auth_role")
    assert not request.spec.HasField("cluster_assignment")
    assert request.spec.HasField("envs") and not request.spec.envs.values
    assert dict(request.inputs.literals) == {"numbers": literal([0], List[int]), "numbers_count": literal(0, int),
                                             "run_local_at_count": literal(10, int)}


def test_relaunch_with_changes_records_the_reference():
    ref = EntityRef("task", "p", "d", "t", "v1")
    request = requests.create_execution(ref, literals_pb2.LiteralMap(), {}, reference="p/d/original")
    assert request.spec.metadata.mode == execution_pb2.ExecutionMetadata.RELAUNCH
    assert request.spec.metadata.reference_execution == identifier_pb2.WorkflowExecutionIdentifier(
        project="p", domain="d", name="original")
