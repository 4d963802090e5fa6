"""Launch requests, built as flytectl builds them (flyte-semantics.md §3.3), plus the options it lacks."""

from __future__ import annotations

from typing import Mapping

from flyteidl.admin import cluster_assignment_pb2, common_pb2, execution_pb2, matchable_resource_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import identifier_pb2, literals_pb2, security_pb2
from google.protobuf import wrappers_pb2

from webapp.admin.models import RESOURCE_TYPES, EntityRef

# admin overwrites the principal with the authenticated user; flytectl sends this placeholder too
PRINCIPAL = "sdk"
# marks which launch form created an execution, so a double click lands on the first launch, not an error
FORM_ANNOTATION = "flyte-launch/form-id"


def create_execution(ref: EntityRef, inputs: literals_pb2.LiteralMap, options: Mapping[str, object] | None = None,
                     form_id: str = "", reference: str = "") -> execution_pb2.ExecutionCreateRequest:
    """The request for `ref` with `inputs`; `options` are the plain values of webapp.flyte.options.

    `reference` ("project/domain/name") records the launch as a relaunch (with changes) of that execution.
    """
    o = options or {}
    launched = identifier_pb2.Identifier(
        resource_type=RESOURCE_TYPES[ref.kind], project=ref.project, domain=ref.domain,
        name=ref.name, version=ref.version)
    spec = execution_pb2.ExecutionSpec(
        launch_plan=launched,
        metadata=execution_pb2.ExecutionMetadata(mode=execution_pb2.ExecutionMetadata.MANUAL, principal=PRINCIPAL),
        # always present, as flytectl sends it
        envs=common_pb2.Envs(values=[literals_pb2.KeyValuePair(key=k, value=v)
                                     for k, v in (o.get("envs") or {}).items()]),
        overwrite_cache=bool(o.get("overwrite_cache")),
    )
    if reference.count("/") == 2:
        project, domain, name = reference.split("/")
        spec.metadata.mode = execution_pb2.ExecutionMetadata.RELAUNCH
        spec.metadata.reference_execution.CopyFrom(
            identifier_pb2.WorkflowExecutionIdentifier(project=project, domain=domain, name=name))
    iam_role, service_account = o.get("iam_role", ""), o.get("service_account", "")
    if iam_role or service_account:  # both the current field and the deprecated one, as flytectl does
        spec.security_context.run_as.CopyFrom(
            security_pb2.Identity(iam_role=iam_role, k8s_service_account=service_account))
        spec.auth_role.CopyFrom(
            common_pb2.AuthRole(assumable_iam_role=iam_role, kubernetes_service_account=service_account))
    if o.get("cluster_pool"):
        spec.cluster_assignment.CopyFrom(cluster_assignment_pb2.ClusterAssignment(cluster_pool_name=o["cluster_pool"]))
    if o.get("execution_cluster"):
        spec.execution_cluster_label.CopyFrom(matchable_resource_pb2.ExecutionClusterLabel(value=o["execution_cluster"]))
    if o.get("interruptible") in ("on", "off"):
        spec.interruptible.CopyFrom(wrappers_pb2.BoolValue(value=o["interruptible"] == "on"))
    if o.get("max_parallelism") is not None:
        spec.max_parallelism = o["max_parallelism"]
    if o.get("raw_output_prefix"):
        spec.raw_output_data_config.output_location_prefix = o["raw_output_prefix"]
    if o.get("labels"):
        spec.labels.values.update(o["labels"])
    if o.get("annotations"):
        spec.annotations.values.update(o["annotations"])
    if form_id:
        spec.annotations.values[FORM_ANNOTATION] = form_id
    spec.tags.extend(o.get("tags") or [])
    if o.get("qos") in ("HIGH", "MEDIUM", "LOW"):
        spec.quality_of_service.tier = core_execution_pb2.QualityOfService.Tier.Value(o["qos"])
    if o.get("disable_notifications"):
        spec.disable_all = True
    return execution_pb2.ExecutionCreateRequest(
        project=o.get("target_project") or ref.project, domain=o.get("target_domain") or ref.domain,
        name=o.get("name", ""), inputs=inputs, spec=spec)
