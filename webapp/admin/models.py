"""Plain objects the adapter hands out, so views and templates never see protobufs.

Types and literals stay flyteidl messages (`LiteralType`, `Literal`): the domain (webapp/flyte) works on them,
and templates only ever see the form fields the domain builds from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flyteidl.core import identifier_pb2, literals_pb2, types_pb2

TERMINAL_PHASES = frozenset({"SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"})
RECOVERABLE_PHASES = frozenset({"FAILED", "ABORTED", "TIMED_OUT"})

# URL word -> what admin calls the entity
RESOURCE_TYPES = {"task": identifier_pb2.TASK, "launchplan": identifier_pb2.LAUNCH_PLAN}


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    description: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class EntityRef:
    kind: str  # "task" or "launchplan"
    project: str
    domain: str
    name: str
    version: str


@dataclass(frozen=True)
class Version:
    """One registered version of a task or launch plan; `active` only means something for launch plans."""

    ref: EntityRef
    created_at: datetime | None
    active: bool = False
    workflow: str = ""  # the workflow a launch plan launches


@dataclass(frozen=True)
class Input:
    """One input of a task or launch plan, with what admin knows about its value."""

    name: str
    type: types_pb2.LiteralType
    description: str = ""
    required: bool = True
    default: literals_pb2.Literal | None = None
    fixed: literals_pb2.Literal | None = None


@dataclass(frozen=True)
class Entity:
    ref: EntityRef
    created_at: datetime | None
    inputs: tuple[Input, ...]
    options: dict = field(default_factory=dict)  # launch options the launch plan sets, as plain values
    outputs: tuple[Input, ...] = ()


@dataclass(frozen=True)
class Execution:
    project: str
    domain: str
    name: str
    phase: str
    launched: EntityRef | None
    created_at: datetime | None
    started_at: datetime | None
    updated_at: datetime | None
    duration: timedelta | None
    mode: str
    principal: str
    error: str = ""
    options: dict = field(default_factory=dict)  # launch options used, as webapp.flyte.options names them
    reference: str = ""  # the execution this one relaunched or recovered, in the same project and domain

    @property
    def recoverable(self) -> bool:
        return self.phase in RECOVERABLE_PHASES

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL_PHASES


@dataclass(frozen=True)
class AuthServer:
    """Where and how to log in, as admin's AuthMetadataService and public client config describe it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    client_id: str
    scopes: tuple[str, ...]
    metadata_key: str  # the gRPC metadata key the token travels under
    audience: str = ""
