"""Literal type inference and castability, as flytepropeller's ``compiler/validators`` decides them.

Admin infers a ``LiteralType`` from each input literal (``LiteralTypeForLiteral``) and asks whether it can be
cast to the declared type (``AreTypesCastable``). Mirroring both keeps the sandbox as strict and as lenient as a
real cluster: an int is not a float, a msgpack Binary and a generic Struct are both a STRUCT, a union literal
carries its variant type, empty collections fit any collection.
"""

from flyteidl.core import literals_pb2, types_pb2

from webapp.sandbox.errors import go_text

NONE = types_pb2.LiteralType(simple=types_pb2.NONE)
_MSGPACK_TAG = "msgpack"

_PRIMITIVE_TYPES = {
    "integer": types_pb2.INTEGER,
    "float_value": types_pb2.FLOAT,
    "string_value": types_pb2.STRING,
    "boolean": types_pb2.BOOLEAN,
    "datetime": types_pb2.DATETIME,
    "duration": types_pb2.DURATION,
}


def literal_type_for_literal(literal: literals_pb2.Literal) -> types_pb2.LiteralType | None:
    """The type admin infers for ``literal``; None when it cannot tell (admin then refuses the input)."""
    kind = literal.WhichOneof("value")
    if kind == "scalar":
        return _type_for_scalar(literal.scalar)
    if kind == "collection":
        inner = _type_for_literals(literal.collection.literals)
        return None if inner is None else types_pb2.LiteralType(collection_type=inner)
    if kind == "map":
        inner = _type_for_literals(literal.map.literals.values())
        return None if inner is None else types_pb2.LiteralType(map_value_type=inner)
    if kind == "offloaded_metadata" and literal.offloaded_metadata.HasField("inferred_type"):
        return literal.offloaded_metadata.inferred_type
    return None


def _simple(simple_type) -> types_pb2.LiteralType:
    return types_pb2.LiteralType(simple=simple_type)


def _type_for_scalar(scalar: literals_pb2.Scalar) -> types_pb2.LiteralType | None:
    kind = scalar.WhichOneof("value")
    if kind == "primitive":
        return _simple(_PRIMITIVE_TYPES.get(scalar.primitive.WhichOneof("value"), types_pb2.NONE))
    if kind == "blob":
        return types_pb2.LiteralType(blob=scalar.blob.metadata.type) if scalar.blob.HasField("metadata") else None
    if kind == "binary":
        return _simple(types_pb2.STRUCT if scalar.binary.tag == _MSGPACK_TAG else types_pb2.BINARY)
    if kind == "schema":
        return types_pb2.LiteralType(schema=scalar.schema.type)
    if kind == "structured_dataset":
        metadata = scalar.structured_dataset.metadata
        return types_pb2.LiteralType(structured_dataset_type=metadata.structured_dataset_type)
    if kind == "none_type":
        return NONE
    if kind == "error":
        return _simple(types_pb2.ERROR)
    if kind == "generic":
        return _simple(types_pb2.STRUCT)
    if kind == "union":
        return types_pb2.LiteralType(union_type=types_pb2.UnionType(variants=[scalar.union.type]))
    return None


def _type_for_literals(literals) -> types_pb2.LiteralType | None:
    """Element type of a collection or map: one type, NONE when empty, a union (sorted) when mixed."""
    distinct: dict[str, types_pb2.LiteralType] = {}
    empty_collection_type = None
    for literal in literals:
        literal_type = literal_type_for_literal(literal)
        if literal_type is None:
            return None
        if literal.WhichOneof("value") == "collection" and not literal.collection.literals:
            empty_collection_type = literal_type
            continue
        distinct.setdefault(go_text(literal_type), literal_type)
    if not distinct:
        return empty_collection_type or NONE
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    return _multiple_type_union([distinct[key] for key in sorted(distinct)])


def _multiple_type_union(inner_types) -> types_pb2.LiteralType:
    variants, nested = [], False
    for inner in inner_types:
        if inner.collection_type.HasField("union_type"):
            nested = True
            variants.extend(inner.collection_type.union_type.variants)
        else:
            variants.append(inner)
    union = types_pb2.LiteralType(union_type=types_pb2.UnionType(variants=variants))
    return types_pb2.LiteralType(collection_type=union) if nested else union


def are_types_castable(upstream: types_pb2.LiteralType, downstream: types_pb2.LiteralType) -> bool:
    """Can a value of type ``upstream`` feed a variable of type ``downstream``?"""
    variants = upstream.union_type.variants if upstream.HasField("union_type") else []
    if len(variants) == 1 and _casts_from(downstream, variants[0]):
        return True
    return _casts_from(downstream, upstream)


def _casts_from(target: types_pb2.LiteralType, upstream: types_pb2.LiteralType) -> bool:
    kind = target.WhichOneof("type")
    if kind == "collection_type":
        if _is_none(upstream.collection_type):
            return True
        return upstream.HasField("collection_type") and _casts_from(target.collection_type, upstream.collection_type)
    if kind == "map_value_type":
        if _is_none(upstream.map_value_type):
            return True
        return upstream.HasField("map_value_type") and _casts_from(target.map_value_type, upstream.map_value_type)
    if kind == "blob":
        if not upstream.HasField("blob"):
            return False
        return not upstream.blob.format or not target.blob.format or upstream.blob.format == target.blob.format
    if kind == "union_type":
        return _union_casts_from(target, upstream)
    if kind == "schema":
        return upstream.HasField("schema") or upstream.HasField("structured_dataset_type")
    if kind == "structured_dataset_type":
        if upstream.HasField("structured_dataset_type"):
            formats = {upstream.structured_dataset_type.format.lower(), target.structured_dataset_type.format.lower()}
            return len(formats - {""}) <= 1
        return _is_none(upstream) or upstream.HasField("schema")
    if _is_none(target):
        return _is_none(upstream)
    return _trivially_castable(target, upstream)


def _union_casts_from(target: types_pb2.LiteralType, upstream: types_pb2.LiteralType) -> bool:
    if upstream.HasField("union_type"):
        return all(
            any(are_types_castable(u, d) for d in target.union_type.variants) for u in upstream.union_type.variants
        )
    matches = [d for d in target.union_type.variants if are_types_castable(upstream, d)]
    return len(matches) == 1  # admin insists the variant is unambiguous


def _trivially_castable(target: types_pb2.LiteralType, upstream: types_pb2.LiteralType) -> bool:
    """Enums and strings mix; tags must agree; STRUCTs fit each other; otherwise equal ignoring annotations.

    Admin compares two STRUCT JSON schemas for sub-typing; the sandbox accepts any STRUCT for a STRUCT instead
    (inferred input types never carry a schema, so executions are judged exactly as admin judges them).
    """
    if upstream.HasField("enum_type") and target.simple == types_pb2.STRING:
        return True
    if target.HasField("enum_type") and upstream.simple == types_pb2.STRING:
        return True
    if upstream.structure.tag and target.structure.tag != upstream.structure.tag:
        return False
    if _is_simple(upstream, types_pb2.STRUCT) and _is_simple(target, types_pb2.STRUCT):
        return True
    return _without_annotations(upstream) == _without_annotations(target)


def _without_annotations(literal_type: types_pb2.LiteralType) -> types_pb2.LiteralType:
    copy = types_pb2.LiteralType()
    copy.CopyFrom(literal_type)
    for field in ("structure", "metadata", "annotation"):
        copy.ClearField(field)
    return copy


def _is_simple(literal_type: types_pb2.LiteralType, simple_type) -> bool:
    return literal_type.HasField("simple") and literal_type.simple == simple_type


def _is_none(literal_type: types_pb2.LiteralType) -> bool:
    return _is_simple(literal_type, types_pb2.NONE)
