"""Literals shaped by flytekit (the independent oracle) against types flytekit declares.

A union literal carries its variant type, a dataclass travels as msgpack Binary, an older client may send a
generic Struct: the sandbox must judge them as admin does (castability), not by exact equality.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

import grpc
import pytest

pytest.importorskip("flytekit")

from flyteidl.core import literals_pb2  # noqa: E402
from google.protobuf import struct_pb2  # noqa: E402

from tests.oracle import literal, literal_type  # noqa: E402
from tests.sandbox.builders import execution_data, execution_request, rpc_error, string, task_request  # noqa: E402


@dataclass
class Point:
    x: int
    y: float


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


INPUTS = {"maybe": Optional[int], "point": Point, "color": Color}


@pytest.fixture
def task_id(admin):
    request = task_request("types.task", {name: literal_type(python_type) for name, python_type in INPUTS.items()})
    admin.CreateTask(request)
    return request.id


def inputs(**overrides):
    values = {
        "maybe": literal(5, Optional[int]),
        "point": literal(Point(1, 2.0), Point),
        "color": literal(Color.RED, Color),
    }
    return {**values, **overrides}


def launch(admin, task_id, name, **overrides):
    admin.CreateExecution(execution_request(task_id, name, inputs(**overrides)), timeout=10)
    return execution_data(admin, name).full_inputs.literals


def test_flytekit_literals_fit_flytekit_types(admin, task_id):
    assert launch(admin, task_id, "flytekit")["point"].scalar.binary.tag == "msgpack"


def test_an_optional_takes_none_or_a_bare_value_of_one_variant(admin, task_id):
    launch(admin, task_id, "none", maybe=literal(None, Optional[int]))
    assert launch(admin, task_id, "bare", maybe=literal(5, int))["maybe"] == literal(5, int)


def test_an_optional_refuses_a_value_of_no_variant(admin, task_id):
    error = rpc_error(admin.CreateExecution, execution_request(task_id, "", inputs(maybe=string("five"))))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith("invalid maybe input wrong type. Expected union_type:{variants:{simple:INTEGER")
    assert error.details().endswith("but got simple:STRING")


def test_a_generic_struct_fits_a_dataclass(admin, task_id):
    generic = struct_pb2.Struct()
    generic.update({"x": 1, "y": 2.0})
    point = literals_pb2.Literal(scalar=literals_pb2.Scalar(generic=generic))
    assert launch(admin, task_id, "generic", point=point)["point"].scalar.generic == generic


def test_binary_that_is_not_msgpack_is_not_a_struct(admin, task_id):
    raw = literals_pb2.Literal(scalar=literals_pb2.Scalar(binary=literals_pb2.Binary(value=b"\x00", tag="raw")))
    error = rpc_error(admin.CreateExecution, execution_request(task_id, "", inputs(point=raw)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().endswith("but got simple:BINARY")


def test_a_string_fits_an_enum(admin, task_id):
    assert launch(admin, task_id, "enum", color=string("green"))["color"] == string("green")
