"""Property tests: a literal shown in the form and posted back unchanged is the same literal, for every kind.

flytekit types each Python type and builds its literal (the independent peer; our own `kinds.to_literal` only
where flytekit would upload: FlyteSchema). The form flattens the literal into what a browser posts
(relaunch and shared links work this way), parses the post, and must give back an equal LiteralMap: msgpack
payloads compared decoded, with numbers tagged by type, everything else as protobuf. Both ways of parsing are
held to it: the direct reader a launch goes through, and the field tree that reports errors.
"""

from __future__ import annotations

import datetime
import string
import typing
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

import pytest
from flyteidl.core import literals_pb2, types_pb2
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.golden_signatures import (
    Color,
    Deep,
    Experiment,
    Flat,
    Params,
    StructuredDataset,
    Timing,
    WithDefaults,
    flytekit_columns,
)
from tests.test_golden import comparable
from webapp.admin.models import Input
from webapp.flyte import direct, form, kinds

pytestmark = pytest.mark.timeout(60)
UTC = datetime.timezone.utc
FAST = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


class Schema:
    """Stands for FlyteSchema: flytekit uploads whatever it is given, so its literal is built with kinds."""


class Binary:
    """Stands for a BINARY simple type, which no flytekit Python type declares: its literal is built with kinds."""


@dataclass
class AllOptional:
    a: Optional[int] = None
    b: Optional[str] = None
    c: Optional[List[float]] = None
    d: Optional[Params] = None


@dataclass
class Maps:
    by_int: Dict[int, str]
    by_str: Dict[str, List[int]]
    colors: List[Color] = field(default_factory=list)


# -- values --------------------------------------------------------------------------------------------------

INT64 = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=False)
TEXT = st.text(max_size=20)
KEYS = st.text(max_size=8)
# Remote URIs only: flytekit uploads a local path and gives the literal its upload's URI
URI = st.builds(lambda scheme, path: f"{scheme}://{path}", st.sampled_from(["s3", "gs", "abfs"]),
                st.text(string.ascii_letters + string.digits + "/._-", min_size=1, max_size=20))
AWARE = st.datetimes(timezones=st.just(UTC))
NAIVE = st.datetimes()
# Durations up to ±100 years (protobuf allows ±10000: beyond ~136 years, see bug E below)
DURATIONS = st.timedeltas(min_value=datetime.timedelta(days=-36_500), max_value=datetime.timedelta(days=36_500))
JSON = st.recursive(st.none() | st.booleans() | INT64 | FLOATS | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)


def _dataclass_values(cls):
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{name: values(t) for name, t in hints.items()})


def values(python_type) -> st.SearchStrategy:
    """Python values of `python_type` (datetimes inside dataclasses are UTC: see the naive test below)."""
    origin, args = typing.get_origin(python_type), typing.get_args(python_type)
    if origin is list:
        return st.lists(values(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(INT64 if args[0] is int else KEYS, values(args[1]), max_size=3)
    if origin is Union:
        return st.one_of(*[values(a) for a in args])
    leaves = {
        int: INT64, float: FLOATS, str: TEXT, bool: st.booleans(), datetime.datetime: AWARE | NAIVE,
        datetime.timedelta: DURATIONS, type(None): st.none(), Color: st.sampled_from(Color), dict: st.dictionaries(
            KEYS, JSON, max_size=4), FlyteFile: URI.map(FlyteFile), FlyteDirectory: URI.map(FlyteDirectory),
        StructuredDataset: URI.map(lambda uri: StructuredDataset(uri=uri)), Schema: URI,
        Binary: st.text(min_size=1, max_size=20).map(str.encode),  # edited as UTF-8 text; b"" is bug G
    }
    if python_type in leaves:
        return leaves[python_type]
    if python_type is Timing:
        return st.builds(Timing, AWARE, DURATIONS, st.sampled_from(Color))
    return _dataclass_values(python_type)


# -- the property ----------------------------------------------------------------------------------------------


def flytekit_literal(python_type, value) -> tuple:
    """The LiteralType and Literal flytekit gives `value` (kinds for FlyteSchema, which flytekit would upload)."""
    if python_type in (Schema, Binary):
        lt = types_pb2.LiteralType(schema=types_pb2.SchemaType()) if python_type is Schema else \
            types_pb2.LiteralType(simple=types_pb2.BINARY)
        return lt, kinds.to_literal(lt, value)
    with flytekit_columns():
        lt = TypeEngine.to_literal_type(python_type)
        literal = TypeEngine.to_literal(FlyteContextManager.current_context(), value, python_type, lt)
    return lt.to_flyte_idl(), literal.to_flyte_idl()


def assert_round_trip(python_type, value):
    lt, literal = flytekit_literal(python_type, value)
    inputs = (Input("x", lt), Input("y", lt))
    literals = {"x": literal, "y": literal}
    posted = form.flatten_literals(inputs, literals)
    read_directly = direct.literal_map(inputs, posted, form.PREFIX)
    assert read_directly is not None, "the direct reader gave up on a form that a browser posts as is"
    through_the_tree, fields = form.parse_with_fields(inputs, posted)
    assert through_the_tree is not None, [_errors(f) for f in fields]
    for parsed in (read_directly, through_the_tree):
        assert sorted(parsed.literals) == ["x", "y"]
        for name in ("x", "y"):
            assert comparable(parsed.literals[name]) == comparable(literal), (python_type, value, posted)


def _errors(field) -> dict:
    found = {field.path: field.error} if field.error else {}
    for child in field.children:
        found.update(_errors(child))
    return found


KINDS = [int, float, str, bool, datetime.datetime, datetime.timedelta, type(None), Color, FlyteFile,
         FlyteDirectory, StructuredDataset, Schema, Binary, dict, Flat, Params, Experiment, WithDefaults, Timing, Deep,
         AllOptional, Maps, List[int], List[str], List[Color], List[Params], List[List[float]], Dict[str, int],
         Dict[str, Params], Dict[str, Optional[datetime.datetime]], Union[int, str], Union[int, float],
         Union[Params, str], Union[int, str, None], Optional[int], Optional[str], Optional[Params],
         List[Dict[str, Optional[Params]]]]


def _id(python_type) -> str:
    return getattr(python_type, "__name__", None) if typing.get_origin(python_type) is None else \
        str(python_type).replace("typing.", "").replace("tests.golden_signatures.", "").replace("NoneType", "None")


@pytest.mark.parametrize("python_type", KINDS, ids=_id)
@FAST
@given(data=st.data())
def test_literal_survives_the_form(python_type, data):
    assert_round_trip(python_type, data.draw(values(python_type), label="value"))


# -- any nesting -------------------------------------------------------------------------------------------------

LEAF_TYPES = st.sampled_from([int, float, str, bool, datetime.datetime, datetime.timedelta, Color, FlyteFile,
                              StructuredDataset, dict, Params, Experiment, Union[int, str]])
NESTED_TYPES = st.recursive(
    LEAF_TYPES,
    lambda inner: inner.map(lambda t: List[t]) | inner.map(lambda t: Dict[str, t]) | inner.map(lambda t: Optional[t]),
    max_leaves=4)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_nesting_survives_the_form(data):
    python_type = data.draw(NESTED_TYPES, label="type")
    assert_round_trip(python_type, data.draw(values(python_type), label="value"))


# -- specific examples hypothesis might take a while to find ----------------------------------------------------


@pytest.mark.parametrize("python_type, value", [
    (float, float("inf")), (float, -0.0), (float, 5e-324), (str, ""), (str, " \t padded \n"), (Optional[str], ""),
    (List[str], ["", "a, b", "[1]"]), (Dict[str, int], {"": 1}), (datetime.timedelta, datetime.timedelta(0)),
    (datetime.timedelta, -datetime.timedelta(microseconds=1)), (datetime.datetime, datetime.datetime(1, 1, 1)),
    (Union[int, str], "42"), (Union[int, float], 3.0), (Optional[int], None), (dict, {}),
    (dict, {"k": [1, 1.0, True, None, {"n": "s"}]}), (Maps, Maps({-1: "neg", 2**62: ""}, {"": []}, [Color.RED])),
])
def test_edge_values_survive_the_form(python_type, value):
    assert_round_trip(python_type, value)


def test_long_durations_keep_their_microseconds():
    assert_round_trip(datetime.timedelta, datetime.timedelta(days=99421, microseconds=1))


def test_naive_datetime_in_a_dataclass_survives_the_form():
    assert_round_trip(Timing, Timing(datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.timedelta(1), Color.RED))


def test_datetime_offset_in_a_dataclass_survives_the_form():
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert_round_trip(Timing, Timing(datetime.datetime(2024, 1, 2, 5, 4, 5, tzinfo=plus_two), datetime.timedelta(1),
                                     Color.RED))


def test_binary_that_is_not_utf8_survives_the_form():
    assert_round_trip(Binary, b"\xff\x00")


def test_the_property_can_fail():
    """The check compares what came back: a literal the form cannot reproduce is caught."""
    lt, literal = flytekit_literal(int, 5)
    changed = literals_pb2.Literal()
    changed.CopyFrom(literal)
    changed.scalar.primitive.integer = 6
    assert comparable(changed) != comparable(literal)
    assert comparable(flytekit_literal(float, 1.0)[1]) != comparable(flytekit_literal(int, 1)[1])

