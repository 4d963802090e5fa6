"""The type system: one unit per Flyte type kind, converting plain values to `Literal`s and back.

A plain value is what JSON or YAML gives (int, float, str, bool, None, list, dict) plus datetime, timedelta and
bytes. Form widgets, execFile YAML and shared links all go through these units, so each kind's rules live in
exactly one place.

Each unit has three duties:
- `plain(lt, value, strict)` checks a value and gives its canonical Python form (what msgpack packs inside a
  dataclass). `strict` refuses coercions such as "5" for an int, so that unions pick the variant a value *is*;
- `literal(lt, canonical)` wraps a canonical value into a Literal;
- `to_value(lt, literal)` reads a literal back into a plain value.
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal
from datetime import datetime, timedelta, timezone, tzinfo

import msgpack
from flyteidl.core import literals_pb2 as L
from flyteidl.core import types_pb2 as T
from google.protobuf import json_format, struct_pb2

from webapp.flyte import schema

Simple = T.SimpleType


class InvalidValue(ValueError):
    """A value that does not fit its type; the message is shown next to the field."""


def _scalar(**kwargs) -> L.Literal:
    return L.Literal(scalar=L.Scalar(**kwargs))


def _primitive(**kwargs) -> L.Literal:
    return _scalar(primitive=L.Primitive(**kwargs))


class Kind:
    name = ""

    def plain(self, lt: T.LiteralType, value, strict: bool = False):
        raise NotImplementedError

    def literal(self, lt: T.LiteralType, value) -> L.Literal:
        raise NotImplementedError

    def to_literal(self, lt: T.LiteralType, value, strict: bool = False) -> L.Literal:
        return self.literal(lt, self.plain(lt, value, strict))

    def to_value(self, lt: T.LiteralType, literal: L.Literal):
        raise NotImplementedError

    def type_text(self, lt: T.LiteralType) -> str:
        raise NotImplementedError


class PrimitiveKind(Kind):
    """A kind whose literal is one field of `Primitive`; subclasses say which, and how values are checked."""

    field = ""  # the Primitive field
    text = ""  # how the type reads in the form

    def literal(self, lt, value):
        return _primitive(**{self.field: value})

    def to_value(self, lt, literal):
        return getattr(literal.scalar.primitive, self.field)

    def type_text(self, lt):
        return self.text


class Integer(PrimitiveKind):
    name, field, text = "integer", "integer", "int"

    def plain(self, lt, value, strict=False):
        if isinstance(value, str) and not strict and re.fullmatch(r"\s*[-+]?\d+\s*", value):
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

    def literal(self, lt, value):
        literal = _primitive()
        literal.scalar.primitive.datetime.FromDatetime(as_utc(value))
        return literal

    def to_value(self, lt, literal):
        return format_datetime(literal.scalar.primitive.datetime.ToDatetime(tzinfo=timezone.utc))

    def type_text(self, lt):
        return "datetime"


_GO_DURATION = re.compile(r"([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+")
_GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_GO_MICROS = {"ns": Decimal("0.001"), "us": 1, "µs": 1, "ms": 1000, "s": 10**6, "m": 60 * 10**6, "h": 3600 * 10**6}
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
        micros = sum(Decimal(n) * _GO_MICROS[u] for n, u in _GO_PART.findall(text))  # exact, however long
        return timedelta(microseconds=int(-micros if go.group(1) == "-" else micros))
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

    def literal(self, lt, value):
        literal = _primitive()
        literal.scalar.primitive.duration.FromTimedelta(value)
        return literal

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

    def literal(self, lt, value):
        return _scalar(none_type=L.Void())

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


class BinaryKind(Kind):
    name = "binary"

    def plain(self, lt, value, strict=False):
        if isinstance(value, str) and not strict:
            value = binary_from_text(value)
        if not isinstance(value, bytes):
            raise InvalidValue(f"expected bytes, got {value!r}")
        return value

    def literal(self, lt, value):
        return _scalar(binary=L.Binary(value=value, tag="msgpack"))

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

    def literal(self, lt, value):
        if schema.is_msgpack(lt):
            packed = msgpack.packb(value, use_bin_type=True, default=_msgpack_default)
            return _scalar(binary=L.Binary(value=packed, tag="msgpack"))
        generic = struct_pb2.Struct()
        try:
            generic.update(json.loads(json.dumps(value, default=_msgpack_default)))
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

    def literal(self, lt, value):
        return _scalar(blob=L.Blob(uri=value, metadata=L.BlobMetadata(type=lt.blob)))

    def to_value(self, lt, literal):
        return literal.scalar.blob.uri

    def type_text(self, lt):
        multipart = lt.blob.dimensionality == T.BlobType.MULTIPART
        name = "FlyteDirectory" if multipart else "FlyteFile"
        return f"{name}[{lt.blob.format}]" if lt.blob.format else name


class SchemaKind(UriKind):
    name = "schema"

    def literal(self, lt, value):
        return _scalar(schema=L.Schema(uri=value, type=lt.schema))

    def to_value(self, lt, literal):
        return literal.scalar.schema.uri

    def type_text(self, lt):
        return "FlyteSchema"


class StructuredDatasetKind(UriKind):
    name = "structured_dataset"

    def literal(self, lt, value):
        meta = L.StructuredDatasetMetadata(structured_dataset_type=lt.structured_dataset_type)
        return _scalar(structured_dataset=L.StructuredDataset(uri=value, metadata=meta))

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


class Collection(Kind):
    name = "collection"

    def items(self, lt, value, strict, convert) -> list:
        if isinstance(value, str) and not strict:
            value = parse_list_text(value)
        if not isinstance(value, (list, tuple)):
            raise InvalidValue(f"expected a list, got {value!r}")
        items = []
        for index, item in enumerate(value):
            try:
                items.append(convert(lt.collection_type, item, strict))
            except InvalidValue as error:
                raise InvalidValue(f"item {index + 1}: {error}") from None
        return items

    def plain(self, lt, value, strict=False):
        return self.items(lt, value, strict, plain)

    def to_literal(self, lt, value, strict=False):
        return L.Literal(collection=L.LiteralCollection(literals=self.items(lt, value, strict, to_literal)))

    def to_value(self, lt, literal):
        return [to_value(lt.collection_type, item) for item in literal.collection.literals]

    def type_text(self, lt):
        return f"List[{type_text(lt.collection_type)}]"


class MapKind(Kind):
    name = "map"

    def entries(self, lt, value, strict, convert, integer_keys) -> dict:
        if isinstance(value, str) and not strict:
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise InvalidValue(f"not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise InvalidValue(f"expected a map, got {value!r}")
        result = {}
        for key, item in value.items():
            try:
                result[_map_key(key, integer_keys)] = convert(lt.map_value_type, item, strict)
            except InvalidValue as error:
                raise InvalidValue(f"key {key!r}: {error}") from None
        return result

    def plain(self, lt, value, strict=False):
        return self.entries(lt, value, strict, plain, schema.has_integer_keys(lt))

    def to_literal(self, lt, value, strict=False):
        return L.Literal(map=L.LiteralMap(literals=self.entries(lt, value, strict, to_literal, False)))

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

    def to_literal(self, lt, value, strict=False):
        index, _ = self.variant(lt, value, strict)
        variant = lt.union_type.variants[index]
        return _scalar(union=L.Union(value=to_literal(variant, value), type=variant))

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


def to_literal(lt: T.LiteralType, value, strict: bool = False) -> L.Literal:
    return kind_of(lt).to_literal(lt, value, strict)


def to_value(lt: T.LiteralType, literal: L.Literal):
    return kind_of(lt).to_value(lt, literal)


def type_text(lt: T.LiteralType) -> str:
    return kind_of(lt).type_text(lt)
