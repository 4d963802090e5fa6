"""Type inference and castability, case by case, against flytepropeller's rules (compiler/validators)."""

from __future__ import annotations

import pytest
from flyteidl.core import literals_pb2, types_pb2

from tests.sandbox.builders import FLOAT, INT, STR, STRUCT, collection, integer, literal_map, string
from webapp.sandbox.types import are_types_castable, literal_type_for_literal

EMPTY_COLLECTION = types_pb2.LiteralType(collection_type=types_pb2.LiteralType(simple=types_pb2.NONE))


def blob(fmt: str) -> types_pb2.LiteralType:
    return types_pb2.LiteralType(blob=types_pb2.BlobType(format=fmt))


def dataset(fmt: str) -> types_pb2.LiteralType:
    return types_pb2.LiteralType(structured_dataset_type=types_pb2.StructuredDatasetType(format=fmt))


def union(*variants: types_pb2.LiteralType) -> types_pb2.LiteralType:
    return types_pb2.LiteralType(union_type=types_pb2.UnionType(variants=variants))


def tagged(literal_type: types_pb2.LiteralType, tag: str) -> types_pb2.LiteralType:
    copy = types_pb2.LiteralType()
    copy.CopyFrom(literal_type)
    copy.structure.tag = tag
    return copy


def test_a_map_of_mixed_values_is_a_map_of_a_sorted_union():
    mixed = literals_pb2.Literal(map=literal_map(a=string("x"), b=integer(1), c=integer(2)))
    assert literal_type_for_literal(mixed) == types_pb2.LiteralType(map_value_type=union(INT, STR))


def test_nested_collections_of_mixed_collections_flatten_their_unions():
    nested = collection(collection(integer(1), string("a")), collection(integer(2), literals_pb2.Literal(
        scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(float_value=1.0))
    )))
    inferred = literal_type_for_literal(nested)
    assert inferred.collection_type.collection_type.HasField("union_type")
    variants = inferred.collection_type.collection_type.union_type.variants
    assert sorted(types_pb2.SimpleType.Name(v.simple) for v in variants) == ["FLOAT", "INTEGER", "INTEGER", "STRING"]


def test_a_literal_without_a_value_has_no_type():
    assert literal_type_for_literal(literals_pb2.Literal()) is None


@pytest.mark.parametrize(
    ("upstream", "downstream", "castable"),
    [
        (INT, INT, True),
        (INT, FLOAT, False),
        (FLOAT, INT, False),
        (tagged(INT, "int"), INT, False),  # a tag must agree when the value carries one
        (INT, tagged(INT, "int"), True),  # metadata, structure and annotations are otherwise ignored
        (STRUCT, tagged(STRUCT, ""), True),
        (blob(""), blob("csv"), True),
        (blob("csv"), blob(""), True),
        (blob("csv"), blob("parquet"), False),
        (dataset("parquet"), dataset("PARQUET"), True),
        (dataset("csv"), dataset("parquet"), False),
        (types_pb2.LiteralType(simple=types_pb2.NONE), dataset("parquet"), True),
        (EMPTY_COLLECTION, types_pb2.LiteralType(collection_type=INT), True),
        (union(tagged(INT, "int")), union(tagged(INT, "int"), tagged(STR, "str")), True),
        (union(tagged(INT, "int")), union(tagged(STR, "str")), False),
        (INT, union(INT, tagged(INT, "again")), False),  # ambiguous: admin wants exactly one variant
        (types_pb2.LiteralType(enum_type=types_pb2.EnumType(values=["a"])), STR, True),
    ],
)
def test_castability(upstream, downstream, castable):
    assert are_types_castable(upstream, downstream) is castable
