"""The direct reader: what it leaves to the field tree, and what it must not get wrong on its own.

That it gives the same literals as the tree (and as flytekit) for every kind is checked by
tests/test_form_properties.py; here are the cases where it has to give up, skip or keep a value.
"""

from __future__ import annotations

import pytest
from flyteidl.core import literals_pb2, types_pb2

from webapp.admin.models import Input
from webapp.flyte import direct, form, kinds, schema

INTEGER = types_pb2.LiteralType(simple=types_pb2.INTEGER)
INTEGERS = types_pb2.LiteralType(collection_type=INTEGER)
BY_NAME = types_pb2.LiteralType(map_value_type=INTEGER)


def read(inputs, posted):
    return direct.literal_map(inputs, posted, form.PREFIX)


@pytest.mark.parametrize("posted", [
    {"inputs.n": "1.5"},  # does not fit
    {"inputs.n": ""},  # required, left empty
    {"inputs.n": "1", "$action": "add:inputs.l"},  # a button: the form is reshaped, not launched
    {"inputs.n": "1", "inputs.l.$paste": "1, 2"},  # a pasted list: the tree splits it
    {"inputs.n": "1", "inputs.l.$count": "1", "inputs.l.0": ""},  # an empty item
    {"inputs.n": "1", "inputs.m.$count": "2", "inputs.m.0.$key": "a", "inputs.m.0": "1", "inputs.m.1.$key": "a",
     "inputs.m.1": "2"},  # a duplicate key
])
def test_gives_the_tree_what_it_does_not_take_as_is(posted):
    inputs = (Input("n", INTEGER), Input("l", INTEGERS, required=False), Input("m", BY_NAME, required=False))
    assert read(inputs, posted) is None
    assert form.parse(inputs, posted)[1] is not None  # and the page comes back with the fields


def test_an_input_left_empty_is_left_out_when_it_may_be_and_fixed_ones_are_never_sent():
    one = kinds.to_literal(INTEGER, 1)
    inputs = (Input("n", INTEGER, required=False, default=one), Input("f", INTEGER, required=False, fixed=one),
              Input("l", INTEGERS))
    literals = read(inputs, {"inputs.n": "", "inputs.f": "7", "inputs.l.$count": "0"})
    assert literals == literals_pb2.LiteralMap(literals={"l": kinds.to_literal(INTEGERS, [])})


def test_a_nested_struct_keeps_its_posted_value_over_its_schema_default():
    """pydantic writes a nested model's default into the schema; the value posted (a relaunch) is what counts."""
    lt = schema.literal_type({"type": "object", "required": [], "properties": {"inner": {
        "type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"], "default": {"a": 1}}}})
    inputs = (Input("x", lt),)
    posted = form.flatten_literals(inputs, {"x": kinds.to_literal(lt, {"inner": {"a": 5}})})
    for parsed in (read(inputs, posted), form.parse_with_fields(inputs, posted)[0]):
        assert kinds.to_value(lt, parsed.literals["x"]) == {"inner": {"a": 5}}


def test_a_struct_never_drawn_takes_its_defaults():
    lt = schema.literal_type({"type": "object", "required": ["b"], "properties": {
        "a": {"type": "integer", "default": 3}, "b": {"type": "string"}}})
    inputs = (Input("x", lt),)
    for parsed in (read(inputs, {"inputs.x.b": "hi"}), form.parse_with_fields(inputs, {"inputs.x.b": "hi"})[0]):
        assert kinds.to_value(lt, parsed.literals["x"]) == {"a": 3, "b": "hi"}
