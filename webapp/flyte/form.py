"""The launch form model: a tree of fields built from the inputs' types and what was posted.

Field names are paths (`inputs.p.inner.b.2`), so one routine reads any depth:
- `widgets.flatten` turns plain values into the flat `{path: text}` a browser would post (defaults, relaunch,
  links);
- `build` turns posted text into the field tree, parsing every node into its plain value on the way and
  putting any error next to the node it belongs to. Whatever was typed stays in the tree, valid or not;
- `parse` gives the literals to launch with; a form whose values all fit goes through `direct` and needs no tree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

from flyteidl.core import literals_pb2, types_pb2

from webapp.admin.models import Input
from webapp.flyte import direct, kinds, schema
from webapp.flyte.widgets import ACTION, LEAF_WIDGETS, count, flatten, optional_of, posted_under, widget_for

PREFIX = "inputs."
MISSING = object()  # a node left empty: required ones get an error, others fall back to their default
REQUIRED = "a value is required"
REQUIRED_OR_NONE = "enter a value or choose None"


@dataclass
class Field:
    path: str
    label: str
    widget: str  # picks the macro of templates/launch/_fields.html that draws it
    lt: types_pb2.LiteralType | None  # kept for `type_text`, which only a rendered page needs
    description: str = ""
    required: bool = True
    value: str = ""  # the text of a leaf widget
    children: list["Field"] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # enum values, union variants
    chosen: str = ""  # union: the variant's index; struct: "json" when edited as JSON
    note: str = ""  # how the value was understood, e.g. a datetime in UTC
    origin: str = ""  # "default" or "fixed": where the shown value comes from
    error: str = ""
    pasteable: bool = False  # a list of single-box items, which also takes "1, 2, 3" typed in one box

    @property
    def id(self) -> str:
        """The HTML id; an optional or union wraps a child at the same path, so it gets its own suffix."""
        suffix = "-" + self.widget if self.widget in ("optional", "union") else ""
        return "f-" + self.path.replace(".", "-").replace("$", "") + suffix

    @property
    def leaf(self) -> bool:
        return self.widget in LEAF_WIDGETS or self.widget == "json"

    @cached_property
    def type_text(self) -> str:
        return type_text(self.lt) if self.lt is not None else ""

    @property
    def fixed(self) -> bool:
        return self.origin == "fixed"

    @property
    def has_error(self) -> bool:
        return bool(self.error) or any(c.has_error for c in self.children)

    def uses(self, widget: str) -> bool:
        return self.widget == widget or any(c.uses(widget) for c in self.children)


def type_text(lt: types_pb2.LiteralType) -> str:
    try:
        return kinds.type_text(lt)
    except kinds.InvalidValue:
        return "unknown type"


# -- plain values -> what a browser posts ------------------------------------------------------------------


def flatten_literals(inputs: tuple[Input, ...], literals: Mapping[str, literals_pb2.Literal],
                     prefix: str = PREFIX) -> dict[str, str]:
    """The posted form that shows these literals (defaults, an execution's inputs, an imported execFile)."""
    out = {}
    for i in inputs:
        if i.name in literals:
            out.update(flatten(i.type, prefix + i.name, kinds.to_value(i.type, literals[i.name])))
    return out


# -- what a browser posts -> fields and plain values -------------------------------------------------------


class _Posted:
    """The posted form as a dict we may edit (list actions renumber items); `action` is the button pressed."""

    def __init__(self, posted: Mapping[str, str]):
        self.values = {k: posted[k] for k in posted}
        self.action = self.values.pop(ACTION, "")

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def count(self, path: str) -> int:
        return count(self.values, path)

    def take(self, prefix: str) -> dict[str, str]:
        """Removes and answers every posted name under `prefix`, keyed by the rest of the name."""
        taken = {k[len(prefix):]: v for k, v in self.values.items() if k == prefix or k.startswith(prefix + ".")}
        for rest in taken:
            del self.values[prefix + rest]
        return taken

    def put(self, prefix: str, taken: dict[str, str]) -> None:
        self.values.update({prefix + rest: v for rest, v in taken.items()})

    def apply_list_action(self, path: str) -> None:
        """Add, remove or move an item of the list (or map) at `path`, if that is what the button asked."""
        verb, _, target = self.action.partition(":")
        count = self.count(path)
        if verb == "add" and target == path:
            self.values[path + ".$count"] = str(count + 1)
            return
        parent, _, index = target.rpartition(".")
        if parent != path or not index.isdigit() or int(index) >= count:
            return
        i = int(index)
        if verb == "remove":
            self.take(target)
            for j in range(i + 1, count):
                self.put(f"{path}.{j - 1}", self.take(f"{path}.{j}"))
            self.values[path + ".$count"] = str(count - 1)
        elif verb in ("up", "down") and 0 <= (other := i - 1 if verb == "up" else i + 1) < count:
            mine, theirs = self.take(f"{path}.{i}"), self.take(f"{path}.{other}")
            self.put(f"{path}.{other}", mine)
            self.put(f"{path}.{i}", theirs)


def build(lt: types_pb2.LiteralType, path: str, label: str, posted: _Posted, required: bool = True,
          description: str = "") -> tuple[Field, object]:
    """The field for one node and its plain value (MISSING when left empty), errors set on the way."""
    widget = widget_for(lt)
    node = Field(path, label, widget, lt, description, required)
    try:
        value = _BUILDERS.get(widget, _leaf)(lt, node, posted)
    except kinds.InvalidValue as error:
        node.error, value = str(error), MISSING
    if value is MISSING and required and not node.has_error:
        node.error = REQUIRED_OR_NONE if widget == "optional" else REQUIRED
    return node, value


def _leaf(lt, node: Field, posted: _Posted):
    node.value = posted.get(node.path)
    if node.widget == "enum":
        node.options = list(lt.enum_type.values)
    elif node.widget == "blob":
        node.note = f"format: {lt.blob.format}" if lt.blob.format else ""
    elif node.widget == "structured_dataset":
        node.note = f"format: {lt.structured_dataset_type.format}" if lt.structured_dataset_type.format else ""
    if node.widget == "none":
        return None
    if node.widget == "boolean":
        return node.value == "true"  # an unticked box posts nothing
    if node.widget == "json":
        if not node.value.strip():
            return MISSING
        try:
            value = json.loads(node.value)
        except json.JSONDecodeError as error:
            raise kinds.InvalidValue(f"not valid JSON: {error}") from None
        kinds.plain(lt, value)  # check it fits the type
        return value
    if node.widget == "datetime":
        return _datetime(node, posted)
    if node.value == "" and node.widget not in ("string", "binary"):  # empty text is a value for these
        return MISSING
    value = kinds.plain(lt, node.value)
    if node.widget == "duration":
        node.note = kinds.format_duration(value)
    return value


def _datetime(node: Field, posted: _Posted):
    """Typed ISO 8601 text, else the picker's local time; a time without an offset is in the chosen zone."""
    node.chosen = posted.get(node.path + ".$tz").strip() or "UTC"
    zone = kinds.zone(node.chosen)
    text = node.value or posted.get(node.path + ".$local")
    if not text:
        return MISSING
    # kept as typed (naive, or with its offset) as flytekit keeps it in a dataclass; naive means UTC
    value = kinds.parse_datetime(text, None if node.chosen == "UTC" else zone)
    node.value = text
    shown = kinds.as_utc(value).astimezone(zone)
    node.note = f"{kinds.format_datetime(value)} in UTC · {shown:%Y-%m-%d %H:%M:%S} in {node.chosen}"
    return value


def _list(lt, node: Field, posted: _Posted):
    node.pasteable = widget_for(lt.collection_type) in LEAF_WIDGETS
    paste = posted.values.pop(node.path + ".$paste", "").strip()
    if paste:  # a pasted list ("1, 2, 3" or JSON) replaces the items
        items = kinds.parse_list_text(paste)
        posted.take(node.path)
        posted.values[node.path + ".$count"] = str(len(items))
        for index, item in enumerate(items):
            posted.values[f"{node.path}.{index}"] = item if isinstance(item, str) else json.dumps(item)
    posted.apply_list_action(node.path)
    values = []
    for index in range(posted.count(node.path)):
        child, value = build(lt.collection_type, f"{node.path}.{index}", f"item {index + 1}", posted)
        node.children.append(child)
        values.append(value)
    return MISSING if node.has_error else values


def _map(lt, node: Field, posted: _Posted):
    posted.apply_list_action(node.path)
    key_type = types_pb2.LiteralType(simple=types_pb2.INTEGER if schema.has_integer_keys(lt) else types_pb2.STRING)
    values = {}
    for index in range(posted.count(node.path)):
        entry_path = f"{node.path}.{index}"
        key_field, key = build(key_type, entry_path + ".$key", "key", posted)
        value_field, value = build(lt.map_value_type, entry_path, "value", posted)
        entry = Field(entry_path, f"entry {index + 1}", "entry", None, children=[key_field, value_field])
        if key is not MISSING and key in values:
            key_field.error = f"duplicate key {key!r}"
        node.children.append(entry)
        values[key] = value
    return MISSING if node.has_error else values


def _struct(lt, node: Field, posted: _Posted):
    verb, _, target = posted.action.partition(":")
    switching = verb if target == node.path else ""
    mode, text = node.path + ".$mode", node.path + ".$json"
    if switching == "json":  # the fields' current values become the JSON to edit
        _, value = _struct_fields(lt, Field(node.path, "", "struct", lt), posted)
        posted.values[text] = json.dumps({} if value is MISSING else value, indent=2, default=str)
        posted.values[mode] = "json"
    if posted.get(mode) == "json":
        node.chosen, node.value = "json", posted.get(text)
        value = kinds.plain(lt, node.value or "{}")
        if switching != "fields":
            return value
        posted.values.update(flatten(lt, node.path, value))  # back to fields, filled from the JSON
        del posted.values[mode]
        node.chosen, node.value = "", ""
    return _struct_fields(lt, node, posted)[1]


def _struct_fields(lt, node: Field, posted: _Posted):
    """A dataclass's fields; on first showing (no `$shown` marker posted) those with a default show it."""
    first_showing = posted.values.pop(node.path + ".$shown", "") == ""
    values = {}
    for f in schema.fields(lt):
        path = f"{node.path}.{f.name}"
        if first_showing and f.has_default and f.default is not None and not posted_under(posted.values, path):
            posted.values.update(flatten(f.type, path, f.default))
        child, value = build(f.type, path, f.name, posted, required=f.required and not f.has_default,
                             description=f.description)
        node.children.append(child)
        if value is not MISSING:
            values[f.name] = value
        elif f.has_default:
            values[f.name] = f.default
    return node, (MISSING if node.has_error else values)


def _optional(lt, node: Field, posted: _Posted):
    child, value = build(optional_of(lt), node.path, "value", posted, required=False)
    node.children.append(child)
    if posted.get(node.path + ".$none") == "true":
        node.chosen = "none"
        _clear_errors(child)  # whatever is typed there is kept but not sent
        return None
    return MISSING if child.has_error else value


def _clear_errors(node: Field, only: set[str] | None = None) -> None:
    """Drops the errors under `node` (only those among `only`, if given)."""
    if only is None or node.error in only:
        node.error = ""
    for child in node.children:
        _clear_errors(child, only)


def _union(lt, node: Field, posted: _Posted):
    variants = lt.union_type.variants
    node.options = [type_text(v) for v in variants]
    chosen = posted.get(node.path + ".$variant", "0")
    index = int(chosen) if chosen.isdigit() and int(chosen) < len(variants) else 0
    node.chosen = str(index)
    child, value = build(variants[index], node.path, "value", posted)
    node.children.append(child)
    if value is MISSING or child.has_error:
        return MISSING
    return value


_BUILDERS = {"list": _list, "map": _map, "struct": _struct, "optional": _optional, "union": _union}


def _origin(i: Input) -> str:
    return "fixed" if i.fixed else ("default" if i.default else "")


def tree(inputs: tuple[Input, ...], posted: Mapping[str, str] | None = None, prefix: str = PREFIX,
         check: bool | None = None) -> tuple[list[Field], dict]:
    """Every input's field tree and the plain values parsed from the posted form.

    With nothing posted, the form shows the defaults and fixed values. Fixed inputs are never read from the
    post: admin adds them itself and refuses them from us. Missing values are only reported when `check`,
    which by default means the form was submitted (not fresh, not reshaped by a button).
    """
    fixed = flatten_literals(inputs, {i.name: i.fixed for i in inputs if i.fixed}, prefix)
    defaults = flatten_literals(inputs, {i.name: i.default for i in inputs if i.default}, prefix)
    posted_nothing = posted is None
    posted = _Posted({**(defaults if posted_nothing else posted), **fixed})
    submitted = (not posted_nothing and not posted.action) if check is None else check
    verb, _, target = posted.action.partition(":")
    if verb == "reset":  # back to the launch plan's default
        posted.take(target)
        posted.put(target, {k[len(target):]: v for k, v in defaults.items()
                            if k == target or k.startswith(target + ".")})
    fields, values = [], {}
    for i in inputs:
        node, value = build(i.type, prefix + i.name, i.name, posted, required=i.required and not i.fixed,
                            description=i.description)
        node.origin = _origin(i)
        fields.append(node)
        if value is not MISSING and not i.fixed:
            values[i.name] = value
        if not submitted:  # a fresh form, or one being reshaped, has nothing to complain about yet
            _clear_errors(node, only=None if posted_nothing else {REQUIRED, REQUIRED_OR_NONE})
    return fields, values


def parse(inputs: tuple[Input, ...],
          posted: Mapping[str, str]) -> tuple[literals_pb2.LiteralMap | None, list[Field] | None]:
    """The LiteralMap to launch with, or None and the fields with an error beside each bad one.

    Values that all fit are read directly, without fields (None): a form that launches is not drawn again.
    """
    literals = direct.literal_map(inputs, posted, PREFIX)
    return (literals, None) if literals is not None else parse_with_fields(inputs, posted)


def parse_with_fields(inputs: tuple[Input, ...],
                      posted: Mapping[str, str]) -> tuple[literals_pb2.LiteralMap | None, list[Field]]:
    """`parse` through the field tree, which tells what is wrong where."""
    fields, values = tree(inputs, posted)
    literals = {}
    for i, f in zip(inputs, fields, strict=True):
        if i.name in values and not f.has_error:
            try:
                literals[i.name] = kinds.to_literal(i.type, values[i.name])
            except kinds.InvalidValue as error:
                f.error = str(error)
    if any(f.has_error for f in fields):
        return None, fields
    return literals_pb2.LiteralMap(literals=literals), fields


def literals_of(inputs: tuple[Input, ...], values: Mapping[str, object]) -> dict[str, literals_pb2.Literal]:
    """The literals of the values that convert; the others are left out (exports, comparisons)."""
    literals = {}
    for i in inputs:
        if i.name in values:
            try:
                literals[i.name] = kinds.to_literal(i.type, values[i.name])
            except kinds.InvalidValue:
                pass
    return literals


def shown(inputs: tuple[Input, ...], literals: Mapping[str, literals_pb2.Literal]) -> list[Field]:
    """Read-only fields showing the given literals (an execution's inputs), each value as compact JSON."""
    return [
        Field(PREFIX + i.name, i.name, "json", i.type, i.description,
              value=json.dumps(kinds.to_value(i.type, literals[i.name]), default=str, ensure_ascii=False))
        for i in inputs if i.name in literals
    ]
