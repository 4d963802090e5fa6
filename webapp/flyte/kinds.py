"""The type system: one unit per Flyte type kind, converting plain values to `Literal`s and back.

A plain value is what JSON or YAML gives (int, float, str, bool, None, list, dict) plus a few Python types
(datetime, timedelta, bytes). Form widgets, execFile YAML and shared links all go through these units, so
each kind's rules live in exactly one place.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import msgpack
from flyteidl.core import literals_pb2 as L
from flyteidl.core import types_pb2 as T
from google.protobuf import json_format, struct_pb2

Simple = T.SimpleType


class InvalidValue(ValueError):
    """A value that does not fit its type; the message is shown next to the field."""


def _scalar(**kwargs) -> L.Literal:
    return L.Literal(scalar=L.Scalar(**kwargs))


def _primitive(**kwargs) -> L.Literal:
    return _scalar(primitive=L.Primitive(**kwargs))


class Kind:
    """How one kind of LiteralType reads plain values and literals. `strict` refuses coercions (unions)."""

    name = ""

    def to_literal(self, lt: T.LiteralType, value, strict: bool = False) -> L.Literal:
        raise NotImplementedError

    def to_value(self, lt: T.LiteralType, literal: L.Literal):
        raise NotImplementedError

    def type_text(self, lt: T.LiteralType) -> str:
        raise NotImplementedError


class Integer(Kind):
    name = "integer"

    def to_literal(self, lt, value, strict=False):
        if isinstance(value, bool) or (strict and not isinstance(value, int)):
            raise InvalidValue(f"expected an integer, got {value!r}")
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int):
            raise InvalidValue(f"expected an integer, got {value!r}")
        if not -(2**63) <= value < 2**63:
            raise InvalidValue(f"{value} does not fit in a 64-bit integer")
        return _primitive(integer=value)

    def to_value(self, lt, literal):
        return literal.scalar.primitive.integer

    def type_text(self, lt):
        return "int"


class Float(Kind):
    name = "float"

    def to_literal(self, lt, value, strict=False):
        if isinstance(value, bool) or (strict and not isinstance(value, (int, float))):
            raise InvalidValue(f"expected a number, got {value!r}")
        try:
            return _primitive(float_value=float(value))
        except (TypeError, ValueError):
            raise InvalidValue(f"expected a number, got {value!r}") from None

    def to_value(self, lt, literal):
        return literal.scalar.primitive.float_value

    def type_text(self, lt):
        return "float"


class String(Kind):
    name = "string"

    def to_literal(self, lt, value, strict=False):
        if not isinstance(value, str):
            if strict or value is None or isinstance(value, (list, dict)):
                raise InvalidValue(f"expected text, got {value!r}")
            value = str(value)
        return _primitive(string_value=value)

    def to_value(self, lt, literal):
        return literal.scalar.primitive.string_value

    def type_text(self, lt):
        return "str"


TRUE_WORDS = {"true", "yes", "on", "1", "y"}
FALSE_WORDS = {"false", "no", "off", "0", "n"}


class Boolean(Kind):
    name = "boolean"

    def to_literal(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            word = value.strip().lower()
            if word in TRUE_WORDS | FALSE_WORDS:
                value = word in TRUE_WORDS
        if not isinstance(value, bool):
            raise InvalidValue(f"expected true or false, got {value!r}")
        return _primitive(boolean=value)

    def to_value(self, lt, literal):
        return literal.scalar.primitive.boolean

    def type_text(self, lt):
        return "bool"


def parse_datetime(value) -> datetime:
    """ISO 8601 text or a datetime; naive means UTC, as flytekit reads it."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("z", "Z").replace("Z", "+00:00"))
        except ValueError:
            raise InvalidValue(f"expected a date and time like 2024-05-01T10:30:00Z, got {value!r}") from None
    if not isinstance(value, datetime):
        raise InvalidValue(f"expected a date and time, got {value!r}")
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class Datetime(Kind):
    name = "datetime"

    def to_literal(self, lt, value, strict=False):
        literal = _primitive()
        literal.scalar.primitive.datetime.FromDatetime(parse_datetime(value))
        return literal

    def to_value(self, lt, literal):
        return format_datetime(literal.scalar.primitive.datetime.ToDatetime(tzinfo=timezone.utc))

    def type_text(self, lt):
        return "datetime"


_GO_DURATION = re.compile(r"([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+")
_GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_ISO_DURATION = re.compile(r"([-+]?)P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def parse_duration(value) -> timedelta:
    """Go durations ("1h30m", "90s", "1.5h") as flytectl reads them, ISO 8601 ("PT1H30M"), or seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    text = str(value).strip().replace(" ", "")
    if text in ("0", "-0", "+0"):
        return timedelta(0)
    go = _GO_DURATION.fullmatch(text)
    if go:
        seconds = sum(float(n) * _GO_UNITS[u] for n, u in _GO_PART.findall(text))
        return timedelta(seconds=-seconds if go.group(1) == "-" else seconds)
    iso = _ISO_DURATION.fullmatch(text.upper())
    if iso and any(iso.groups()[1:]):
        days, hours, minutes, seconds = (float(g or 0) for g in iso.groups()[1:])
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        return -delta if iso.group(1) == "-" else delta
    raise InvalidValue(f"expected a duration like 1h30m, 90s or PT1H30M, got {value!r}")


def format_duration(value: timedelta) -> str:
    """The Go form flytectl prints ("1h30m0s"), so a duration reads the same here and in YAML."""
    micros = round(value / timedelta(microseconds=1))
    sign, micros = ("-" if micros < 0 else ""), abs(micros)
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = f"{rest / 1e6:.6f}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    if minutes:
        return f"{sign}{minutes}m{seconds}"
    return sign + seconds


class Duration(Kind):
    name = "duration"

    def to_literal(self, lt, value, strict=False):
        if strict and not isinstance(value, (str, timedelta)):
            raise InvalidValue(f"expected a duration, got {value!r}")
        literal = _primitive()
        literal.scalar.primitive.duration.FromTimedelta(parse_duration(value))
        return literal

    def to_value(self, lt, literal):
        return format_duration(literal.scalar.primitive.duration.ToTimedelta())

    def type_text(self, lt):
        return "timedelta"


class NoneKind(Kind):
    name = "none"

    def to_literal(self, lt, value, strict=False):
        if value is not None and not (not strict and isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
            raise InvalidValue(f"expected None, got {value!r}")
        return _scalar(none_type=L.Void())

    def to_value(self, lt, literal):
        return None

    def type_text(self, lt):
        return "None"


class BinaryKind(Kind):
    name = "binary"

    def to_literal(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            value = value.encode()
        if not isinstance(value, bytes):
            raise InvalidValue(f"expected bytes, got {value!r}")
        return _scalar(binary=L.Binary(value=value, tag="msgpack"))

    def to_value(self, lt, literal):
        return literal.scalar.binary.value

    def type_text(self, lt):
        return "bytes"


def is_msgpack(lt: T.LiteralType) -> bool:
    meta = lt.annotation.annotations.fields.get("cache-key-metadata")
    return bool(meta) and meta.struct_value.fields["serialization-format"].string_value == "msgpack"


class Struct(Kind):
    """Dataclasses, pydantic models and dicts: msgpack when the type says so (flytekit ≥ 1.14), else generic."""

    name = "struct"

    def to_literal(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise InvalidValue(f"not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise InvalidValue(f"expected an object (a JSON map), got {value!r}")
        if is_msgpack(lt):
            return _scalar(binary=L.Binary(value=msgpack.packb(value, use_bin_type=True), tag="msgpack"))
        generic = struct_pb2.Struct()
        try:
            generic.update(value)
        except (ValueError, TypeError) as error:
            raise InvalidValue(f"not representable as JSON: {error}") from None
        return _scalar(generic=generic)

    def to_value(self, lt, literal):
        if literal.scalar.HasField("binary"):
            return msgpack.unpackb(literal.scalar.binary.value, strict_map_key=False, raw=False)
        return json_format.MessageToDict(literal.scalar.generic)

    def type_text(self, lt):
        title = lt.metadata.fields.get("title")
        return title.string_value if title and title.string_value else "dict"


class Enum(Kind):
    name = "enum"

    def to_literal(self, lt, value, strict=False):
        if value not in lt.enum_type.values:
            raise InvalidValue(f"expected one of {', '.join(lt.enum_type.values)}, got {value!r}")
        return _primitive(string_value=value)

    def to_value(self, lt, literal):
        return literal.scalar.primitive.string_value

    def type_text(self, lt):
        return "Enum[" + ", ".join(lt.enum_type.values) + "]"


_URI = re.compile(r"^([a-z][a-z0-9+.-]*://\S+|/\S*)$")


def _uri(value) -> str:
    if isinstance(value, dict) and "uri" in value:
        value = value["uri"]
    if not isinstance(value, str) or not _URI.match(value.strip()):
        raise InvalidValue(f"expected a URI like s3://bucket/key or an absolute path, got {value!r}")
    return value.strip()


class BlobKind(Kind):
    name = "blob"

    def to_literal(self, lt, value, strict=False):
        meta = L.BlobMetadata(type=lt.blob)
        return _scalar(blob=L.Blob(uri=_uri(value), metadata=meta))

    def to_value(self, lt, literal):
        return literal.scalar.blob.uri

    def type_text(self, lt):
        multipart = lt.blob.dimensionality == T.BlobType.MULTIPART
        name = "FlyteDirectory" if multipart else "FlyteFile"
        return f"{name}[{lt.blob.format}]" if lt.blob.format else name


class SchemaKind(Kind):
    name = "schema"

    def to_literal(self, lt, value, strict=False):
        return _scalar(schema=L.Schema(uri=_uri(value), type=lt.schema))

    def to_value(self, lt, literal):
        return literal.scalar.schema.uri

    def type_text(self, lt):
        return "FlyteSchema"


class StructuredDatasetKind(Kind):
    name = "structured_dataset"

    def to_literal(self, lt, value, strict=False):
        meta = L.StructuredDatasetMetadata(structured_dataset_type=lt.structured_dataset_type)
        return _scalar(structured_dataset=L.StructuredDataset(uri=_uri(value), metadata=meta))

    def to_value(self, lt, literal):
        return literal.scalar.structured_dataset.uri

    def type_text(self, lt):
        fmt = lt.structured_dataset_type.format
        return f"StructuredDataset[{fmt}]" if fmt else "StructuredDataset"


class Collection(Kind):
    name = "collection"

    def to_literal(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            value = parse_list_text(value)
        if not isinstance(value, list):
            raise InvalidValue(f"expected a list, got {value!r}")
        items = []
        for index, item in enumerate(value):
            try:
                items.append(to_literal(lt.collection_type, item, strict))
            except InvalidValue as error:
                raise InvalidValue(f"item {index + 1}: {error}") from None
        return L.Literal(collection=L.LiteralCollection(literals=items))

    def to_value(self, lt, literal):
        return [to_value(lt.collection_type, item) for item in literal.collection.literals]

    def type_text(self, lt):
        return f"List[{type_text(lt.collection_type)}]"


def parse_list_text(text: str) -> list:
    """A pasted list: JSON ("[1, 2]") or comma separated ("1, 2, 3"); items stay text for their kind."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidValue(f"not a valid JSON list: {error}") from None
    return [item.strip() for item in text.split(",")]


class MapKind(Kind):
    name = "map"

    def to_literal(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise InvalidValue(f"not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise InvalidValue(f"expected a map, got {value!r}")
        literals = {}
        for key, item in value.items():
            try:
                literals[str(key)] = to_literal(lt.map_value_type, item, strict)
            except InvalidValue as error:
                raise InvalidValue(f"key {key!r}: {error}") from None
        return L.Literal(map=L.LiteralMap(literals=literals))

    def to_value(self, lt, literal):
        return {key: to_value(lt.map_value_type, item) for key, item in literal.map.literals.items()}

    def type_text(self, lt):
        return f"Dict[str, {type_text(lt.map_value_type)}]"


class UnionKind(Kind):
    """The first variant that takes the value as it is, else the first that takes it after coercion."""

    name = "union"

    def to_literal(self, lt, value, strict=False):
        for attempt_strict in ((True,) if strict else (True, False)):
            for variant in lt.union_type.variants:
                try:
                    inner = to_literal(variant, value, attempt_strict)
                except InvalidValue:
                    continue
                return _scalar(union=L.Union(value=inner, type=variant))
        raise InvalidValue(f"{value!r} fits none of {type_text(lt)}")

    def to_value(self, lt, literal):
        union = literal.scalar.union
        return to_value(union.type, union.value)

    def type_text(self, lt):
        variants = [type_text(v) for v in lt.union_type.variants]
        if len(variants) == 2 and "None" in variants:
            return f"Optional[{variants[0] if variants[1] == 'None' else variants[1]}]"
        return f"Union[{', '.join(variants)}]"


_SIMPLE = {
    Simple.INTEGER: Integer(), Simple.FLOAT: Float(), Simple.STRING: String(), Simple.BOOLEAN: Boolean(),
    Simple.DATETIME: Datetime(), Simple.DURATION: Duration(), Simple.NONE: NoneKind(),
    Simple.BINARY: BinaryKind(), Simple.STRUCT: Struct(),
}
_COMPOUND = {
    "enum_type": Enum(), "blob": BlobKind(), "schema": SchemaKind(),
    "structured_dataset_type": StructuredDatasetKind(), "collection_type": Collection(),
    "map_value_type": MapKind(), "union_type": UnionKind(),
}


def kind_of(lt: T.LiteralType) -> Kind:
    which = lt.WhichOneof("type")
    if which == "simple" and lt.simple in _SIMPLE:
        return _SIMPLE[lt.simple]
    if which in _COMPOUND:
        return _COMPOUND[which]
    raise InvalidValue(f"unsupported type {which or 'unset'}")


def to_literal(lt: T.LiteralType, value, strict: bool = False) -> L.Literal:
    return kind_of(lt).to_literal(lt, value, strict)


def to_value(lt: T.LiteralType, literal: L.Literal):
    return kind_of(lt).to_value(lt, literal)


def type_text(lt: T.LiteralType) -> str:
    return kind_of(lt).type_text(lt)
