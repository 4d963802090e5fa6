"""The type system: one unit per Flyte type kind, converting plain values to `Literal`s and back.

A plain value is what JSON or YAML gives (int, float, str, bool, None, list, dict) plus datetime, timedelta and
bytes. Form widgets, execFile YAML and shared links all go through these units, so each kind's rules live in
exactly one place.

Each unit has three duties:
- `plain(lt, value, strict)` checks a value and gives its canonical Python form (what msgpack packs inside a
  dataclass). `strict` refuses coercions such as "5" for an int, so that unions pick the variant a value *is*;
- `fill(lt, target, canonical)` writes a canonical value into a Literal, in place: building nested messages
  inside their parent costs a third of building them apart and copying them in;
- `to_value(lt, literal)` reads a literal back into a plain value.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta, timezone, tzinfo
from functools import partial
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgpack
from flyteidl.core import literals_pb2 as L
from flyteidl.core import types_pb2 as T
from google.protobuf import json_format, struct_pb2

from webapp.flyte import schema

Simple = T.SimpleType


class InvalidValue(ValueError):
    """A value that does not fit its type; the message is shown next to the field."""


class Kind:
    name = ""

    def plain(self, lt: T.LiteralType, value, strict: bool = False):
        raise NotImplementedError

    def fill(self, lt: T.LiteralType, target: L.Literal, value) -> None:
        raise NotImplementedError

    def put(self, lt: T.LiteralType, target: L.Literal, value, strict: bool = False) -> None:
        """Checks a value and writes its literal into `target`."""
        self.fill(lt, target, self.plain(lt, value, strict))

    def filler(self, lt: T.LiteralType) -> Callable[[L.Literal, object], None]:
        """`fill` for this one type, with what depends only on the type decided once (for compiled readers)."""
        return partial(self.fill, lt)

    def to_value(self, lt: T.LiteralType, literal: L.Literal):
        raise NotImplementedError

    def type_text(self, lt: T.LiteralType) -> str:
        raise NotImplementedError


class PrimitiveKind(Kind):
    """A kind whose literal is one field of `Primitive`; subclasses say which, and how values are checked."""

    field = ""  # the Primitive field
    text = ""  # how the type reads in the form

    def fill(self, lt, target, value):
        self.filler(lt)(target, value)

    def filler(self, lt):
        field = self.field

        def fill(target, value):
            setattr(target.scalar.primitive, field, value)
        return fill

    def to_value(self, lt, literal):
        return getattr(literal.scalar.primitive, self.field)

    def type_text(self, lt):
        return self.text


_INTEGER_TEXT = re.compile(r"\s*[-+]?\d+\s*")


class Integer(PrimitiveKind):
    name, field, text = "integer", "integer", "int"

    def plain(self, lt, value, strict=False):
        if isinstance(value, str) and not strict and _INTEGER_TEXT.fullmatch(value):
            value = int(value)
        if isinstance(value, float) and not strict and value.is_integer():
            value = int(value)  # JSON numbers: a schema default of 3 arrives as 3.0
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidValue(f"expected an integer, got {value!r}")
        if not -(2**63) <= value < 2**63:
            raise InvalidValue(f"{value} does not fit in a 64-bit integer")
        return value


class Float(PrimitiveKind):
    name, field, text = "float", "float_value", "float"

    def plain(self, lt, value, strict=False):
        if isinstance(value, bool) or (strict and not isinstance(value, float)):
            raise InvalidValue(f"expected a number, got {value!r}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise InvalidValue(f"expected a number, got {value!r}") from None


class String(PrimitiveKind):
    name, field, text = "string", "string_value", "str"

    def plain(self, lt, value, strict=False):
        if isinstance(value, str):
            return value
        if strict or value is None or isinstance(value, (list, dict, bytes)):
            raise InvalidValue(f"expected text, got {value!r}")
        if isinstance(value, bool):  # YAML's yes/no: the text flytectl would send
            return "true" if value else "false"
        return str(value)


TRUE_WORDS = {"true", "yes", "on", "1", "y"}
FALSE_WORDS = {"false", "no", "off", "0", "n"}


class Boolean(PrimitiveKind):
    name, field, text = "boolean", "boolean", "bool"

    def plain(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            word = value.strip().lower()
            if word in TRUE_WORDS | FALSE_WORDS:
                value = word in TRUE_WORDS
        if not isinstance(value, bool):
            raise InvalidValue(f"expected true or false, got {value!r}")
        return value


def parse_datetime(value, zone: tzinfo | None = None) -> datetime:
    """ISO 8601 text or a datetime, kept as given (naive, or with its offset); `zone` places a naive one."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("z", "Z").replace("Z", "+00:00"))
        except ValueError:
            raise InvalidValue(f"expected a date and time like 2024-05-01T10:30:00Z, got {value!r}") from None
    if not isinstance(value, datetime):
        raise InvalidValue(f"expected a date and time, got {value!r}")
    return value.replace(tzinfo=zone) if zone is not None and value.tzinfo is None else value


def zone(name: str) -> tzinfo:
    """The time zone of that IANA name (a datetime typed without an offset is in it)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue(f"unknown time zone {name!r}; try UTC or a name like Europe/Paris") from None


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def as_utc(value: datetime) -> datetime:
    """Naive means UTC, as flytekit reads it."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    return as_utc(value).isoformat().replace("+00:00", "Z")


class Datetime(Kind):
    name = "datetime"

    def plain(self, lt, value, strict=False):
        if strict and not isinstance(value, (str, datetime)):
            raise InvalidValue(f"expected a date and time, got {value!r}")
        return parse_datetime(value)

    def fill(self, lt, target, value):
        since = as_utc(value) - _EPOCH  # what Timestamp.FromDatetime computes, at a seventh of its cost
        stamp = target.scalar.primitive.datetime
        stamp.seconds = since.days * 86400 + since.seconds
        stamp.nanos = since.microseconds * 1000

    def to_value(self, lt, literal):
        return format_datetime(literal.scalar.primitive.datetime.ToDatetime(tzinfo=timezone.utc))

    def type_text(self, lt):
        return "datetime"


_GO_DURATION = re.compile(r"([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+")
_GO_PART = re.compile(r"(\d*)\.?(\d*)(ns|us|µs|ms|s|m|h)")
_GO_NANOS = {"ns": 1, "us": 10**3, "µs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
_ISO_DURATION = re.compile(
    r"([-+]?)P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?")


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
        nanos = 0  # as Go's ParseDuration: integers, each part's fraction cut at the nanosecond
        for whole, fraction, unit in _GO_PART.findall(text):
            scale = _GO_NANOS[unit]
            nanos += int(whole or 0) * scale + (int(fraction) * scale // 10 ** len(fraction) if fraction else 0)
        return timedelta(microseconds=-(nanos // 1000) if go.group(1) == "-" else nanos // 1000)
    iso = _ISO_DURATION.fullmatch(text.upper())
    if iso and any(iso.groups()[1:]):
        days, hours, minutes, seconds = (float(g or 0) for g in iso.groups()[1:])
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        return -delta if iso.group(1) == "-" else delta
    raise InvalidValue(f"expected a duration like 1h30m, 90s or PT1H30M, got {value!r}")


def format_duration(value: timedelta) -> str:
    """Go's time.Duration.String ("1h30m0s", "1.5s", "100ms"), as flytectl prints durations."""
    micros = round(value / timedelta(microseconds=1))
    sign, micros = ("-" if micros < 0 else ""), abs(micros)
    if micros == 0:
        return "0s"
    if micros < 1_000_000:
        unit, size = ("ms", 1000) if micros >= 1000 else ("µs", 1)
        return sign + _trim(micros / size) + unit
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = _trim(rest / 1e6) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    if minutes:
        return f"{sign}{minutes}m{seconds}"
    return sign + seconds


def _trim(number: float) -> str:
    return f"{number:.6f}".rstrip("0").rstrip(".")


class Duration(Kind):
    name = "duration"

    def plain(self, lt, value, strict=False):
        if strict and not isinstance(value, (str, timedelta)):
            raise InvalidValue(f"expected a duration, got {value!r}")
        return parse_duration(value)

    def fill(self, lt, target, value):
        seconds, nanos = value.days * 86400 + value.seconds, value.microseconds * 1000
        if seconds < 0 and nanos > 0:  # protobuf wants both of one sign (Duration.FromTimedelta, made cheaper)
            seconds, nanos = seconds + 1, nanos - 1_000_000_000
        duration = target.scalar.primitive.duration
        duration.seconds = seconds
        duration.nanos = nanos

    def to_value(self, lt, literal):
        return format_duration(literal.scalar.primitive.duration.ToTimedelta())

    def type_text(self, lt):
        return "timedelta"


class NoneKind(Kind):
    name = "none"

    def plain(self, lt, value, strict=False):
        if value is None or (not strict and isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
            return None
        raise InvalidValue(f"expected None, got {value!r}")

    def fill(self, lt, target, value):
        target.scalar.none_type.SetInParent()

    def to_value(self, lt, literal):
        return None

    def type_text(self, lt):
        return "None"


BASE64 = "base64:"


def binary_from_text(text: str) -> bytes:
    """Text is sent as its UTF-8 bytes (as flytectl does); "base64:..." carries any bytes."""
    if text.startswith(BASE64):
        try:
            return base64.b64decode(text[len(BASE64):], validate=True)
        except ValueError:
            raise InvalidValue("not valid base64 after 'base64:'") from None
    return text.encode()


def binary_as_text(value: bytes) -> str:
    """The text that gives these bytes back: itself when it is UTF-8 (and not mistaken for base64)."""
    try:
        text = value.decode()
    except UnicodeDecodeError:
        text = None
    return text if text is not None and not text.startswith(BASE64) else BASE64 + base64.b64encode(value).decode()


def _binary(target: L.Literal, value: bytes) -> None:
    binary = target.scalar.binary
    binary.value = value
    binary.tag = "msgpack"


class BinaryKind(Kind):
    name = "binary"

    def plain(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            value = binary_from_text(value)
        if not isinstance(value, bytes):
            raise InvalidValue(f"expected bytes, got {value!r}")
        return value

    def fill(self, lt, target, value):
        _binary(target, value)

    def to_value(self, lt, literal):
        return literal.scalar.binary.value

    def type_text(self, lt):
        return "bytes"


def _msgpack_default(value):
    """How mashumaro writes these inside a dataclass: ISO text and seconds."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot pack {type(value).__name__}")


def _fill_msgpack(target: L.Literal, value) -> None:
    _binary(target, msgpack.packb(value, use_bin_type=True, default=_msgpack_default))


def _fill_generic(target: L.Literal, value) -> None:
    generic = struct_pb2.Struct()
    try:
        generic.update(json.loads(json.dumps(value, default=_msgpack_default)))
    except (ValueError, TypeError) as error:
        raise InvalidValue(f"not representable as JSON: {error}") from None
    target.scalar.generic.CopyFrom(generic)


class Struct(Kind):
    """Dataclasses, pydantic models and dicts: msgpack when the type says so (flytekit ≥ 1.14), else generic.

    With a JSON schema, every field is checked and typed by its own kind (ints stay ints, int keys stay ints).
    """

    name = "struct"

    def plain(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise InvalidValue(f"not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise InvalidValue(f"expected an object (a JSON map), got {value!r}")
        fields = schema.fields(lt)
        if not fields:
            return value
        by_name = {f.name: f for f in fields}
        unknown = sorted(set(value) - set(by_name))
        if unknown:
            raise InvalidValue(f"unknown field {unknown[0]!r}; expected {', '.join(by_name)}")
        result = {}
        for f in fields:
            if f.name not in value:
                if f.has_default:
                    result[f.name] = f.default
                    continue
                raise InvalidValue(f"field {f.name!r} is required")
            try:
                result[f.name] = plain(f.type, value[f.name], strict)
            except InvalidValue as error:
                raise InvalidValue(f"{f.name}: {error}") from None
            if f.type.HasField("blob"):
                result[f.name] = {"path": result[f.name]}  # how flytekit packs a FlyteFile or FlyteDirectory
        return result

    def fill(self, lt, target, value):
        self.filler(lt)(target, value)

    def filler(self, lt):
        return _fill_msgpack if schema.is_msgpack(lt) else _fill_generic

    def to_value(self, lt, literal):
        if literal.scalar.HasField("binary"):
            return msgpack.unpackb(literal.scalar.binary.value, strict_map_key=False, raw=False)
        return json_format.MessageToDict(literal.scalar.generic)

    def type_text(self, lt):
        title = lt.metadata.fields.get("title")
        return title.string_value if title and title.string_value else "dict"


class Enum(PrimitiveKind):
    name, field = "enum", "string_value"

    def plain(self, lt, value, strict=False):
        if value not in lt.enum_type.values:
            raise InvalidValue(f"expected one of {', '.join(lt.enum_type.values)}, got {value!r}")
        return value

    def type_text(self, lt):
        return "Enum[" + ", ".join(lt.enum_type.values) + "]"


_URI = re.compile(r"^([a-z][a-z0-9+.-]*://\S+|/\S*)$")


class UriKind(Kind):
    """Files, directories, schemas and datasets: a URI admin can hand to the task; nothing is uploaded."""

    def plain(self, lt, value, strict=False):
        if isinstance(value, dict):  # {"path": ...} inside a dataclass, {"uri": ...} from some YAML
            value = value.get("path", value.get("uri"))
        if not isinstance(value, str) or not _URI.match(value.strip()):
            raise InvalidValue(f"expected a URI like s3://bucket/key or an absolute path, got {value!r}")
        return value.strip()


class BlobKind(UriKind):
    name = "blob"

    def fill(self, lt, target, value):
        blob = target.scalar.blob
        blob.uri = value
        blob.metadata.type.CopyFrom(lt.blob)

    def to_value(self, lt, literal):
        return literal.scalar.blob.uri

    def type_text(self, lt):
        multipart = lt.blob.dimensionality == T.BlobType.MULTIPART
        name = "FlyteDirectory" if multipart else "FlyteFile"
        return f"{name}[{lt.blob.format}]" if lt.blob.format else name


class SchemaKind(UriKind):
    name = "schema"

    def fill(self, lt, target, value):
        found = target.scalar.schema
        found.uri = value
        found.type.CopyFrom(lt.schema)

    def to_value(self, lt, literal):
        return literal.scalar.schema.uri

    def type_text(self, lt):
        return "FlyteSchema"


class StructuredDatasetKind(UriKind):
    name = "structured_dataset"

    def fill(self, lt, target, value):
        dataset = target.scalar.structured_dataset
        dataset.uri = value
        dataset.metadata.structured_dataset_type.CopyFrom(lt.structured_dataset_type)

    def to_value(self, lt, literal):
        return literal.scalar.structured_dataset.uri

    def type_text(self, lt):
        fmt = lt.structured_dataset_type.format
        return f"StructuredDataset[{fmt}]" if fmt else "StructuredDataset"


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


def _inside(where: str, convert, *args):
    """`convert(*args)`, with `where` before the message of a value that does not fit."""
    try:
        return convert(*args)
    except InvalidValue as error:
        raise InvalidValue(f"{where}: {error}") from None


class Collection(Kind):
    """Containers have no `fill`: their items may be unions, whose variant is chosen from the value as given."""

    name = "collection"

    def items(self, value, strict: bool) -> list | tuple:
        if isinstance(value, str) and not strict:
            value = parse_list_text(value)
        if not isinstance(value, (list, tuple)):
            raise InvalidValue(f"expected a list, got {value!r}")
        return value

    def plain(self, lt, value, strict=False):
        return [_inside(f"item {n + 1}", plain, lt.collection_type, item, strict)
                for n, item in enumerate(self.items(value, strict))]

    def put(self, lt, target, value, strict=False):
        target.collection.SetInParent()  # an empty list is a value too
        literals = target.collection.literals
        for n, item in enumerate(self.items(value, strict)):
            _inside(f"item {n + 1}", put, lt.collection_type, literals.add(), item, strict)

    def to_value(self, lt, literal):
        return [to_value(lt.collection_type, item) for item in literal.collection.literals]

    def type_text(self, lt):
        return f"List[{type_text(lt.collection_type)}]"


class MapKind(Kind):
    name = "map"

    def entries(self, value, strict: bool) -> dict:
        if isinstance(value, str) and not strict:
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise InvalidValue(f"not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise InvalidValue(f"expected a map, got {value!r}")
        return value

    def plain(self, lt, value, strict=False):
        integer_keys = schema.has_integer_keys(lt)
        return {_inside(f"key {key!r}", _map_key, key, integer_keys):
                _inside(f"key {key!r}", plain, lt.map_value_type, item, strict)
                for key, item in self.entries(value, strict).items()}

    def put(self, lt, target, value, strict=False):
        target.map.SetInParent()
        literals = target.map.literals
        for key, item in self.entries(value, strict).items():
            text = str(key)
            if text in literals:  # 1 and "1": the last one wins, as in a dict
                del literals[text]
            _inside(f"key {key!r}", put, lt.map_value_type, literals[text], item, strict)

    def to_value(self, lt, literal):
        return {key: to_value(lt.map_value_type, item) for key, item in literal.map.literals.items()}

    def type_text(self, lt):
        key = "int" if schema.has_integer_keys(lt) else "str"
        return f"Dict[{key}, {type_text(lt.map_value_type)}]"


def _map_key(key, integer: bool):
    if not integer:
        return str(key)
    try:
        return int(key)
    except (TypeError, ValueError):
        raise InvalidValue("expected an integer key") from None


class UnionKind(Kind):
    """The first variant that takes the value as it is, else the first that takes it after coercion."""

    name = "union"

    def variant(self, lt, value, strict=False) -> tuple[int, object]:
        """The chosen variant's index and the value in its canonical form."""
        for attempt_strict in ((True,) if strict else (True, False)):
            for index, variant in enumerate(lt.union_type.variants):
                try:
                    return index, plain(variant, value, attempt_strict)
                except InvalidValue:
                    continue
        raise InvalidValue(f"{value!r} fits none of {type_text(lt)}")

    def plain(self, lt, value, strict=False):
        return self.variant(lt, value, strict)[1]

    def put(self, lt, target, value, strict=False):
        variant = lt.union_type.variants[self.variant(lt, value, strict)[0]]
        union = target.scalar.union
        union.type.CopyFrom(variant)
        put(variant, union.value, value)

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


def plain(lt: T.LiteralType, value, strict: bool = False):
    return kind_of(lt).plain(lt, value, strict)


def put(lt: T.LiteralType, target: L.Literal, value, strict: bool = False) -> None:
    kind_of(lt).put(lt, target, value, strict)


def to_literal(lt: T.LiteralType, value, strict: bool = False) -> L.Literal:
    target = L.Literal()
    put(lt, target, value, strict)
    return target


def to_value(lt: T.LiteralType, literal: L.Literal):
    return kind_of(lt).to_value(lt, literal)


def type_text(lt: T.LiteralType) -> str:
    return kind_of(lt).type_text(lt)
