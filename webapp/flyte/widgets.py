"""Which widget shows a LiteralType, and what that widget posts: shared by the form tree and the direct reader.

Names with a `$` are the form's own controls: `$count` of list items, `$key` of a map entry, `$none` of an
optional, `$variant` of a union, `$shown` of a struct already drawn, `$mode` / `$json` of a struct edited as
JSON, `$tz` / `$local` of a datetime picker, `$paste` of a list typed in one box, and `$action` of a button.
"""

from __future__ import annotations

import json
from typing import Mapping

from flyteidl.core import types_pb2

from webapp.flyte import kinds, schema

ACTION = "$action"  # the name of a button that reshapes the form (add an item, switch to JSON...)
LEAF_WIDGETS = {"integer", "float", "string", "boolean", "datetime", "duration", "binary", "enum", "blob",
                "schema", "structured_dataset", "none"}
CONTAINER_MARKERS = (".$count", ".$shown", ".$mode", ".$none", ".$variant")  # at least one is posted by each


def widget_for(lt: types_pb2.LiteralType) -> str:
    try:
        kind = kinds.kind_of(lt).name
    except kinds.InvalidValue:
        return "json"
    if kind in LEAF_WIDGETS:
        return kind
    if kind == "collection":
        return "list"
    if kind == "map":
        return "map"
    if kind == "struct":
        return "struct" if schema.fields(lt) else "json"
    if kind == "union":
        return "optional" if optional_of(lt) is not None else "union"
    return "json"


def optional_of(lt: types_pb2.LiteralType) -> types_pb2.LiteralType | None:
    """T for a union of exactly T and None, which is shown as T with a None switch."""
    variants = lt.union_type.variants
    others = [v for v in variants if not (v.HasField("simple") and v.simple == types_pb2.NONE)]
    return others[0] if len(variants) == 2 and len(others) == 1 else None


def posted_under(posted: Mapping[str, str], path: str) -> bool:
    """Whether a field at `path` was posted: its own value, or a marker its container posts."""
    return path in posted or any(path + marker in posted for marker in CONTAINER_MARKERS)


def count(posted: Mapping[str, str], path: str) -> int:
    """How many items the list (or map) at `path` has."""
    try:
        return max(0, int(posted.get(path + ".$count", "0")))
    except ValueError:
        return 0


# -- plain values -> what a browser posts ------------------------------------------------------------------


def flatten(lt: types_pb2.LiteralType, path: str, value) -> dict[str, str]:
    """The posted form that shows `value` (a plain value, as `kinds.to_value` gives)."""
    widget = widget_for(lt)
    if widget == "list":
        out = {path + ".$count": str(len(value))}
        for index, item in enumerate(value):
            out.update(flatten(lt.collection_type, f"{path}.{index}", item))
        return out
    if widget == "map":
        out = {path + ".$count": str(len(value))}
        for index, (key, item) in enumerate(value.items()):
            out[f"{path}.{index}.$key"] = str(key)
            out.update(flatten(lt.map_value_type, f"{path}.{index}", item))
        return out
    if widget == "struct":
        out = {path + ".$shown": "1"}  # as the drawn fieldset posts: these are its values, not its defaults
        for f in schema.fields(lt):
            if f.name in value:
                out.update(flatten(f.type, f"{path}.{f.name}", value[f.name]))
        return out
    if widget == "optional":
        return {path + ".$none": "true"} if value is None else flatten(optional_of(lt), path, value)
    if widget == "union":
        index, _ = kinds.UnionKind().variant(lt, value)
        return {path + ".$variant": str(index), **flatten(lt.union_type.variants[index], path, value)}
    return {path: leaf_text(widget, value)}


def leaf_text(widget: str, value) -> str:
    if widget == "boolean":
        return "true" if value else ""
    if widget == "datetime":  # as given: a dataclass keeps a naive time naive and an offset its offset
        return kinds.parse_datetime(value).isoformat().replace("+00:00", "Z")
    if widget == "duration":
        return kinds.format_duration(kinds.parse_duration(value))
    if widget == "float":
        return repr(float(value))
    if widget == "integer" and isinstance(value, float) and value.is_integer():
        return str(int(value))  # JSON numbers: a schema default of 3 arrives as 3.0
    if widget == "binary":
        return kinds.binary_as_text(value) if isinstance(value, bytes) else str(value)
    if widget == "json":
        return json.dumps(value, indent=2, default=str)
    if isinstance(value, dict) and widget in ("blob", "schema", "structured_dataset"):
        value = value.get("path", value.get("uri"))  # a file inside a dataclass
    return "" if value is None else str(value)
