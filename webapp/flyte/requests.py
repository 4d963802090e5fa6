"""Launch requests, built as flytectl builds them (flyte-semantics.md §3.3)."""

from __future__ import annotations

from flyteidl.admin import common_pb2, execution_pb2
from flyteidl.core import identifier_pb2, literals_pb2

from webapp.admin.models import RESOURCE_TYPES, EntityRef

# admin overwrites the principal with the authenticated user; flytectl sends this placeholder too
PRINCIPAL = "sdk"


def create_execution(ref: EntityRef, inputs: literals_pb2.LiteralMap, name: str = "") -> execution_pb2.ExecutionCreateRequest:
    launched = identifier_pb2.Identifier(
        resource_type=RESOURCE_TYPES[ref.kind], project=ref.project, domain=ref.domain,
        name=ref.name, version=ref.version)
    spec = execution_pb2.ExecutionSpec(
        launch_plan=launched,
        metadata=execution_pb2.ExecutionMetadata(mode=execution_pb2.ExecutionMetadata.MANUAL, principal=PRINCIPAL),
        envs=common_pb2.Envs(),  # always present, as flytectl sends it
    )
    return execution_pb2.ExecutionCreateRequest(
        project=ref.project, domain=ref.domain, name=name, inputs=inputs, spec=spec)
