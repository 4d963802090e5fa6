"""What a STRUCT's type says about its contents: flytekit's JSON schema (dataclasses, pydantic) as LiteralTypes.

flytekit puts a JSON schema in the type's `metadata` and marks msgpack in its annotation. Reading the schema
into ordinary LiteralTypes lets every field of a dataclass, at any depth, be handled by the kind that handles
the same type at the top level.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from flyteidl.core import types_pb2 as T
from google.protobuf import json_format, struct_pb2

MSGPACK = {"cache-key-metadata": {"serialization-format": "msgpack"}}
_SIMPLE = {"integer": T.INTEGER, "number": T.FLOAT, "string": T.STRING, "boolean": T.BOOLEAN, "null": T.NONE}


@dataclass(frozen=True)
class Field:
    name: str
    type: T.LiteralType
    required: bool
    has_default: bool
    default: object = None
    description: str = ""


def is_msgpack(lt: T.LiteralType) -> bool:
    meta = lt.annotation.annotations.fields.get("cache-key-metadata")
    return bool(meta) and meta.struct_value.fields["serialization-format"].string_value == "msgpack"


def has_integer_keys(lt: T.LiteralType) -> bool:
    names = lt.metadata.fields.get("propertyNames")
    return bool(names) and names.struct_value.fields["type"].string_value == "integer"


def fields(lt: T.LiteralType) -> tuple[Field, ...]:
    """A dataclass's fields in a stable order (required first, as declared), or () for a plain dict."""
    if "properties" not in lt.metadata.fields:
        return ()
    found = _fields(lt.metadata.SerializeToString(deterministic=True), is_msgpack(lt))
    # a FlyteFile or FlyteDirectory field is an object in the schema; flytekit's per-field types say blob
    files = {name: t for name, t in lt.structure.dataclass_type.items() if t.HasField("blob")}
    return tuple(replace(f, type=files[f.name]) if f.name in files else f for f in found) if files else found


@lru_cache(maxsize=1024)
def _fields(metadata: bytes, msgpack: bool) -> tuple[Field, ...]:
    meta = struct_pb2.Struct()
    meta.ParseFromString(metadata)
    node = json_format.MessageToDict(meta)
    required = node.get("required", [])
    properties = node["properties"]
    order = [n for n in required if n in properties] + sorted(n for n in properties if n not in required)
    return tuple(
        Field(name, literal_type(properties[name], msgpack), name in required, "default" in properties[name],
              properties[name].get("default"), properties[name].get("description", ""))
        for name in order
    )


def literal_type(node: dict, msgpack: bool = True) -> T.LiteralType:
    """The LiteralType flytekit would give the Python type this JSON schema node describes."""
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        return T.LiteralType(union_type=T.UnionType(variants=[literal_type(o, msgpack) for o in options]))
    if "enum" in node:
        return T.LiteralType(enum_type=T.EnumType(values=[str(v) for v in node["enum"]]))
    kind = node.get("type")
    if kind == "string" and node.get("format") == "date-time":
        return T.LiteralType(simple=T.DATETIME)
    if kind == "number" and node.get("format") == "time-delta":
        return T.LiteralType(simple=T.DURATION)
    if kind in _SIMPLE:
        return T.LiteralType(simple=_SIMPLE[kind])
    if kind == "array":
        return T.LiteralType(collection_type=literal_type(node.get("items", {}), msgpack))
    if kind == "object" and "properties" in node:
        lt = T.LiteralType(simple=T.STRUCT)
        lt.metadata.update(node)
        if msgpack:
            lt.annotation.annotations.update(MSGPACK)
        return lt
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        lt = T.LiteralType(map_value_type=literal_type(node["additionalProperties"], msgpack))
        if "propertyNames" in node:
            lt.metadata.update({"propertyNames": node["propertyNames"]})
        return lt
    return T.LiteralType(simple=T.STRUCT)  # anything else: free-form JSON
