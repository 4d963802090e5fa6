"""FlyteAdmin's error vocabulary: a status code plus the exact text admin would send.

Messages copy flyteadmin v1.16.8 (``flyteadmin/pkg/errors``, ``repositories/errors``, ``manager/impl/shared``)
so that clients written against the sandbox see what a real cluster would tell them.
"""

import json

import grpc
from flyteidl.core import identifier_pb2
from google.protobuf.descriptor import FieldDescriptor


class AdminError(Exception):
    """An expected failure, answered with ``code`` and ``message`` instead of crashing the call."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> AdminError:
    return AdminError(grpc.StatusCode.INVALID_ARGUMENT, message)


def missing_argument(field: str) -> AdminError:
    """admin's ``shared.GetMissingArgumentError``."""
    return invalid(f"missing {field}")


def missing_entity(kind: str, project: str, domain: str, name: str, version: str = "") -> AdminError:
    """admin's ``GetMissingEntityError``: the identifier is printed without its resource type."""
    identifier = identifier_pb2.Identifier(project=project, domain=domain, name=name, version=version)
    return AdminError(grpc.StatusCode.NOT_FOUND, f"missing entity of type {kind} with identifier {go_text(identifier)}")


def duplicate_key(table: str) -> AdminError:
    """What admin's Postgres layer reports for a taken primary key."""
    return AdminError(
        grpc.StatusCode.ALREADY_EXISTS,
        f'value with matching already exists (duplicate key value violates unique constraint "{table}_pkey")',
    )


def go_text(message) -> str:
    """Render a message the way Go's ``%v`` prints a proto (compact prototext: ``name:"x" simple:INTEGER``)."""
    parts = []
    for field, value in message.ListFields():
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            entry = field.message_type.fields_by_name
            key_field, value_field = entry["key"], entry["value"]
            parts.extend(
                f"{field.name}:{{key:{_go_value(key_field, k)} value:{_go_value(value_field, value[k])}}}"
                for k in sorted(value)
            )
            continue
        values = value if field.is_repeated else [value]
        parts.extend(f"{field.name}:{_go_value(field, item)}" for item in values)
    return " ".join(parts)


def _go_value(field, value) -> str:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return "{" + go_text(value) + "}"
    if field.type == FieldDescriptor.TYPE_ENUM:
        enum_value = field.enum_type.values_by_number.get(value)
        return enum_value.name if enum_value else str(value)
    if field.type == FieldDescriptor.TYPE_STRING:
        return json.dumps(value, ensure_ascii=False)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return json.dumps(value.decode("latin-1"))
    if field.type == FieldDescriptor.TYPE_BOOL:
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).removesuffix(".0")  # Go's shortest 'g' form: 1.0 -> 1
    return str(value)
