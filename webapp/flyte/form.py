"""The launch form model: entity inputs -> fields, and posted fields -> a LiteralMap (or fields with errors).

Field names are paths (`inputs.<name>`), so what a browser posts maps straight back to the input it fills.
Whatever the person typed is kept in the field, valid or not, so a form that comes back loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

from flyteidl.core import literals_pb2, types_pb2

from webapp.admin.models import Input
from webapp.flyte import kinds

PREFIX = "inputs."
SCALAR_WIDGETS = {"integer", "float", "string", "boolean"}


@dataclass
class Field:
    name: str
    path: str
    widget: str  # integer | float | string | boolean | list | json: picks templates/launch/widgets/_<widget>.html
    type_text: str
    description: str
    required: bool
    value: str
    origin: str = ""  # "default" or "fixed": where the shown value comes from
    error: str = ""

    @property
    def fixed(self) -> bool:
        return self.origin == "fixed"


def widget_for(lt: types_pb2.LiteralType) -> str:
    try:
        kind = kinds.kind_of(lt).name
    except kinds.InvalidValue:
        return "json"
    if kind in SCALAR_WIDGETS:
        return kind
    if kind == "collection" and widget_for(lt.collection_type) in SCALAR_WIDGETS:
        return "list"
    return "json"


def type_text(lt: types_pb2.LiteralType) -> str:
    try:
        return kinds.type_text(lt)
    except kinds.InvalidValue:
        return "unknown type"


def text_of(lt: types_pb2.LiteralType, literal: literals_pb2.Literal) -> str:
    """A literal as its widget shows it."""
    widget = widget_for(lt)
    value = kinds.to_value(lt, literal)
    if widget == "boolean":
        return "true" if value else ""
    if widget in SCALAR_WIDGETS:
        return repr(value) if isinstance(value, float) else str(value)
    if widget == "list" and widget_for(lt.collection_type) != "string":
        return ", ".join(text_of(lt.collection_type, item) for item in literal.collection.literals)
    return json.dumps(value, indent=2 if widget == "json" else None, default=str)


def build(inputs: tuple[Input, ...], posted: Mapping[str, str] | None = None,
          literals: Mapping[str, literals_pb2.Literal] | None = None) -> list[Field]:
    """Fields for every input, showing what was posted, else the given literals, else defaults and fixed values."""
    fields = []
    for i in inputs:
        origin = "fixed" if i.fixed else ("default" if i.default else "")
        literal = literals.get(i.name) if literals is not None else (i.fixed or i.default)
        value = text_of(i.type, literal) if literal is not None else ""
        if posted is not None and not i.fixed:
            value = posted.get(PREFIX + i.name, "")
        fields.append(Field(i.name, PREFIX + i.name, widget_for(i.type), type_text(i.type), i.description,
                            i.required, value, origin))
    return fields


def parse(inputs: tuple[Input, ...], posted: Mapping[str, str]) -> tuple[literals_pb2.LiteralMap | None, list[Field]]:
    """The LiteralMap to launch with, or None and the fields with an error beside each bad one."""
    fields = build(inputs, posted)
    literals = {}
    for i, field in zip(inputs, fields):
        if field.fixed:
            continue  # admin adds fixed inputs itself and refuses them from us
        if field.value == "" and field.widget not in ("string", "boolean"):
            if i.required:
                field.error = "a value is required"
            continue  # an empty optional input takes its default on the admin side
        try:
            value = field.value
            if field.widget == "json":
                value = json.loads(value)
            elif field.widget == "boolean":
                value = value == "true"  # an unticked checkbox posts nothing
            literals[i.name] = kinds.to_literal(i.type, value)
        except json.JSONDecodeError as error:
            field.error = f"not valid JSON: {error}"
        except kinds.InvalidValue as error:
            field.error = str(error)
    if any(f.error for f in fields):
        return None, fields
    return literals_pb2.LiteralMap(literals=literals), fields
