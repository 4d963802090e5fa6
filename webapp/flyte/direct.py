"""Posted form -> LiteralMap in one pass, for a launch whose values all fit.

`form.tree` builds a Field for every node so that a page can be drawn, then converts the values it read. A launch
that goes through draws no page, so here each type is compiled (once per LiteralType object) into a reader that
takes the posted names straight into `Literal` messages, built in place. It reads what the tree reads and converts
with the same `kinds` units, so both give the same literals (tests/test_form_properties.py holds them to that).
Whatever it does not take as is (a value left empty where one is needed, one that does not fit, a pasted list, a
button) makes it give up, and the tree decides, with each error beside its field.
"""

from __future__ import annotations

import json
from typing import Callable, Mapping, NamedTuple

from flyteidl.core import literals_pb2, types_pb2

from webapp.admin.models import Input
from webapp.flyte import kinds, schema
from webapp.flyte.widgets import ACTION, count, flatten, optional_of, posted_under, widget_for

Posted = Mapping[str, str]
Read = Callable[[Posted, str], object]  # a value read at a path of the posted form
Write = Callable[[literals_pb2.Literal, Posted, str], None]  # its literal, written into the given message


class GiveUp(Exception):
    """Not a value read as is here: the form tree decides, and says what is wrong."""


class Empty(GiveUp):
    """Left empty: fine for an input or an optional that may be left out, a problem inside a container."""


class Compiled(NamedTuple):
    lt: types_pb2.LiteralType
    read: Read  # the plain value, as the form tree reads it
    plain: Read  # the same in canonical form, as `kinds.plain` would give it (what a dataclass packs)
    write: Write


def literal_map(inputs: tuple[Input, ...], posted: Posted, prefix: str) -> literals_pb2.LiteralMap | None:
    """The literals to launch with, or None when the form tree has to look. Fixed inputs are never sent."""
    if ACTION in posted:
        return None
    result = literals_pb2.LiteralMap()
    literals = result.literals
    try:
        for name, write, required in _plan(inputs):
            try:
                write(literals[name], posted, prefix + name)
            except Empty:
                if required:
                    raise
                del literals[name]  # left out: admin uses the launch plan's default
    except (GiveUp, kinds.InvalidValue):
        return None
    return result


class _ByIdentity:
    """Values made once per object (an interface, a LiteralType), found by its id. Each entry keeps its object
    alive, so the id cannot pass to another object while the entry lasts; the whole store is dropped when full."""

    def __init__(self, limit: int):
        self._entries: dict[int, tuple[object, object]] = {}
        self._limit = limit

    def get(self, key, make):
        entry = self._entries.get(id(key))
        if entry is None or entry[0] is not key:
            if len(self._entries) >= self._limit:
                self._entries.clear()
            entry = self._entries[id(key)] = (key, make(key))
        return entry[1]


_plans, _compiled = _ByIdentity(1024), _ByIdentity(4096)


def _plan(inputs: tuple[Input, ...]) -> list[tuple[str, Write, bool]]:
    """Each input to send, with its writer."""
    return _plans.get(inputs, _make_plan)


def _make_plan(inputs: tuple[Input, ...]) -> list[tuple[str, Write, bool]]:
    return [(i.name, compiled(i.type).write, i.required) for i in inputs if not i.fixed]


def compiled(lt: types_pb2.LiteralType) -> Compiled:
    """The functions of this LiteralType object."""
    return _compiled.get(lt, _compile)


def _compile(lt: types_pb2.LiteralType) -> Compiled:
    return _COMPILERS.get(widget_for(lt), _leaf)(lt)


def _leaf(lt: types_pb2.LiteralType) -> Compiled:
    kind, widget = kinds.kind_of(lt), widget_for(lt)
    keeps_empty = widget in ("string", "binary")  # empty text is a value for these

    def read_text(posted, path):
        text = posted.get(path, "")
        if text == "" and not keeps_empty:
            raise Empty
        return kind.plain(lt, text)

    read = {"none": _none, "boolean": _checkbox, "datetime": _datetime}.get(widget, read_text)
    fill = kind.filler(lt)

    def write(target, posted, path):
        fill(target, read(posted, path))

    return Compiled(lt, read, read, write)  # a leaf's `plain` is canonical already


def _none(posted: Posted, path: str):
    return None


def _checkbox(posted: Posted, path: str) -> bool:
    return posted.get(path) == "true"  # an unticked box posts nothing


def _datetime(posted: Posted, path: str):
    """Typed ISO 8601 text, else the picker's local time; a time without an offset is in the chosen zone."""
    name = posted.get(path + ".$tz", "").strip() or "UTC"
    zone = kinds.zone(name)
    text = posted.get(path) or posted.get(path + ".$local")
    if not text:
        raise Empty
    return kinds.parse_datetime(text, None if name == "UTC" else zone)


def _through_kinds(lt: types_pb2.LiteralType, read: Read) -> Compiled:
    """Unions and free JSON: `kinds` takes the value as read (a union picks its variant from the value)."""

    def plain(posted, path):
        return kinds.plain(lt, read(posted, path))

    def write(target, posted, path):
        kinds.put(lt, target, read(posted, path))

    return Compiled(lt, read, plain, write)


def _json(lt: types_pb2.LiteralType) -> Compiled:
    def read(posted, path):
        text = posted.get(path, "")
        if not text.strip():
            raise Empty
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise GiveUp from None
        kinds.plain(lt, value)  # it fits the type
        return value

    return _through_kinds(lt, read)


def _optional(lt: types_pb2.LiteralType) -> Compiled:
    """T or None. `kinds.UnionKind` would pick the None variant for None and T for anything T takes, so the
    variant is known from the None switch without trying each one."""
    value = compiled(optional_of(lt))
    none = next(v for v in lt.union_type.variants if v.HasField("simple") and v.simple == types_pb2.NONE)

    def reader(read_value: Read) -> Read:
        def read(posted, path):
            if posted.get(path + ".$none") == "true":
                return None
            return read_value(posted, path)  # left empty, the optional is left empty
        return read

    def write(target, posted, path):
        union = target.scalar.union
        if posted.get(path + ".$none") == "true":
            union.type.CopyFrom(none)
            union.value.scalar.none_type.SetInParent()
        else:
            union.type.CopyFrom(value.lt)
            value.write(union.value, posted, path)

    return Compiled(lt, reader(value.read), reader(value.plain), write)


def _union(lt: types_pb2.LiteralType) -> Compiled:
    variants = [compiled(v).read for v in lt.union_type.variants]

    def read(posted, path):
        chosen = posted.get(path + ".$variant", "0")
        index = int(chosen) if chosen.isdigit() and int(chosen) < len(variants) else 0
        try:
            return variants[index](posted, path)
        except Empty:
            raise GiveUp from None

    return _through_kinds(lt, read)


def _list(lt: types_pb2.LiteralType) -> Compiled:
    item = compiled(lt.collection_type)

    def items(posted, path):
        if posted.get(path + ".$paste", "").strip():
            raise GiveUp  # the tree splits a pasted list into items
        return range(count(posted, path))

    def reader(read_item: Read) -> Read:
        def read(posted, path):
            try:
                return [read_item(posted, f"{path}.{n}") for n in items(posted, path)]
            except Empty:
                raise GiveUp from None
        return read

    def write(target, posted, path):
        target.collection.SetInParent()  # an empty list is a value too
        add = target.collection.literals.add
        try:
            for n in items(posted, path):
                item.write(add(), posted, f"{path}.{n}")
        except Empty:
            raise GiveUp from None

    return Compiled(lt, reader(item.read), reader(item.plain), write)


_KEY_TYPES = {True: types_pb2.LiteralType(simple=types_pb2.INTEGER),
              False: types_pb2.LiteralType(simple=types_pb2.STRING)}


def _map(lt: types_pb2.LiteralType) -> Compiled:
    read_key = compiled(_KEY_TYPES[schema.has_integer_keys(lt)]).read
    value = compiled(lt.map_value_type)

    def entries(posted, path):
        keys = set()
        for n in range(count(posted, path)):
            entry = f"{path}.{n}"
            key = read_key(posted, entry + ".$key")
            if key in keys:
                raise GiveUp  # a duplicate key
            keys.add(key)
            yield key, entry

    def reader(read_value: Read) -> Read:
        def read(posted, path):
            try:
                return {key: read_value(posted, entry) for key, entry in entries(posted, path)}
            except Empty:
                raise GiveUp from None
        return read

    def write(target, posted, path):
        target.map.SetInParent()
        literals = target.map.literals
        try:
            for key, entry in entries(posted, path):
                value.write(literals[str(key)], posted, entry)
        except Empty:
            raise GiveUp from None

    return Compiled(lt, reader(value.read), reader(value.plain), write)


def _struct(lt: types_pb2.LiteralType) -> Compiled:
    """A dataclass's fields, each read as the tree reads it; `plain` gives what `kinds.Struct.plain` would."""
    kind = kinds.kind_of(lt)
    fields = [(f, compiled(f.type), f.type.HasField("blob")) for f in schema.fields(lt)]

    def reader(canonical: bool) -> Read:
        def read(posted, path):
            if posted.get(path + ".$mode") == "json":
                value = kind.plain(lt, posted.get(path + ".$json", "") or "{}")
                return kind.plain(lt, value) if canonical else value
            first_showing = posted.get(path + ".$shown", "") == ""  # never drawn: fields show their defaults
            values = {}
            for f, field, is_file in fields:
                field_path = f"{path}.{f.name}"
                read_field = field.plain if canonical else field.read
                try:
                    if first_showing and f.has_default and f.default is not None and \
                            not posted_under(posted, field_path):
                        value = read_field(flatten(f.type, field_path, f.default), field_path)
                    else:
                        value = read_field(posted, field_path)
                except Empty:
                    if not f.has_default:
                        raise GiveUp from None
                    value = kinds.plain(f.type, f.default) if canonical else f.default
                values[f.name] = {"path": value} if canonical and is_file else value  # as flytekit packs a file
            return values
        return read

    plain, fill = reader(canonical=True), kind.filler(lt)

    def write(target, posted, path):
        fill(target, plain(posted, path))

    return Compiled(lt, reader(canonical=False), plain, write)


_COMPILERS = {"json": _json, "list": _list, "map": _map, "struct": _struct, "optional": _optional, "union": _union}
