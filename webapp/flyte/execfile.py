"""flytectl execFile YAML: read what people hand-write or `flytectl get --execFile` wrote, write what flytectl reads.

Reading follows flytectl's reader (sigs.k8s.io/yaml: YAML 1.1 scalars, encoding/json key matching); values are
then typed by `kinds`, the same units the form uses, so a file means what flytekit would mean by it.
Writing reproduces `flytectl get task|launchplan --execFile` byte for byte (go-yaml v3: 4-space indent, its
quoting and key order, its placement of description comments). docs/flytectl-compat.md lists every difference.
"""

from __future__ import annotations

import base64
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import yaml
from flyteidl.core import literals_pb2, types_pb2

from webapp.admin.models import EntityRef, Input
from webapp.flyte import kinds

Simple = types_pb2.SimpleType
NEITHER_OR_BOTH = "either task or workflow name should be specified to launch an execution"


@dataclass
class ExecFile:
    kind: str  # "task" | "launchplan" (the file's `workflow:` key names a launch plan)
    name: str
    version: str
    inputs: dict[str, object]  # plain values as YAML gave them
    envs: dict[str, str] = field(default_factory=dict)
    iam_role: str = ""
    service_account: str = ""
    target_project: str = ""  # fills the form's target (flytectl ignores it: docs/flytectl-compat.md)
    target_domain: str = ""
    cluster_pool: str = ""
    execution_cluster: str = ""
    overwrite_cache: bool = False
    ignored: tuple[str, ...] = ()  # top-level keys flytectl would ignore silently; shown so typos are seen


class ExecFileError(ValueError):
    """The file as a whole can't be used; the message says where and why."""


# --- reading ----------------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML 1.1 scalars as go-yaml v2 resolves them: no timestamps (they stay text), no base-60 numbers, `1e3` is
    a float. `y`/`n` stay text (PyYAML's 1.1 set); typed inputs read them as booleans anyway."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in [
    ("bool", r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF", "yYnNtTfFoO"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("int", r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
              r"|\.(?:nan|NaN|NAN)", "-+0123456789."),
    ("merge", r"<<", "<"),
]:
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), list(_first))

# json tag -> ExecFile attribute; flytectl's execFile/relaunch/recover/dryRun are flags only, so not here
_FIELDS = {
    "task": "task", "workflow": "workflow", "version": "version", "inputs": "inputs", "envs": "envs",
    "iamRoleARN": "iam_role", "kubeServiceAcct": "service_account", "targetProject": "target_project",
    "targetDomain": "target_domain", "clusterPool": "cluster_pool", "targetExecutionCluster": "execution_cluster",
    "overwriteCache": "overwrite_cache",
}
_FOLDED = {key.lower(): attr for key, attr in _FIELDS.items()}


def read(text: str) -> ExecFile:
    """Parse an execFile; raises ExecFileError for bad YAML or a file that names no single entity."""
    try:
        doc = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ExecFileError(f"not valid YAML{where}: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise ExecFileError(f"not valid YAML: {error}") from None
    if not isinstance(doc, dict):
        raise ExecFileError("an execFile is a YAML map with keys like task or workflow, version and inputs")
    # flytectl goes YAML -> JSON object (keys sorted) -> encoding/json, which matches keys case-insensitively:
    # of `task:` and `Task:`, the one sorting last wins
    found, ignored = {}, []
    for key, value in sorted(((_key(k), v) for k, v in doc.items()), key=lambda item: item[0]):
        attr = _FIELDS.get(key) or _FOLDED.get(key.lower())
        if attr:
            found[attr] = value
        else:
            ignored.append(str(key))
    task, workflow = _text("task", found.get("task")), _text("workflow", found.get("workflow"))
    if bool(task) == bool(workflow):
        raise ExecFileError(NEITHER_OR_BOTH)
    options = {attr: _text(key, found.get(attr)) for key, attr in _FIELDS.items()
               if attr not in ("task", "workflow", "inputs", "envs", "overwrite_cache")}
    cache = found.get("overwrite_cache")
    if cache is not None and not isinstance(cache, bool):
        raise ExecFileError(f"overwriteCache: expected true or false, got {cache!r}")
    return ExecFile(kind="task" if task else "launchplan", name=task or workflow,
                    inputs={_key(k): v for k, v in _map("inputs", found.get("inputs")).items()},
                    envs={_key(k): _text(f"envs.{k}", v) for k, v in _map("envs", found.get("envs")).items()},
                    overwrite_cache=bool(cache), ignored=tuple(ignored), **options)


def _map(name: str, value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ExecFileError(f"{name}: expected a map of names to values, got {value!r}")
    return value


def _key(key) -> str:
    """Map keys as flytectl's YAML-to-JSON step names them."""
    return _text("key", key) if key is not None else "null"


def _text(name: str, value) -> str:
    """A string field: numbers and booleans become their text, as flytectl converts them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, (dict, list)):
        raise ExecFileError(f"{name}: expected text, got {value!r}")
    return str(value)


def literals_for(inputs: tuple[Input, ...], values: dict) -> tuple[dict[str, literals_pb2.Literal], dict[str, str]]:
    """Each value typed against the interface; what does not fit is reported by key instead."""
    by_name = {i.name: i for i in inputs}
    literals, errors = {}, {}
    for name, value in values.items():
        i = by_name.get(name)
        if i is None:
            known = ", ".join(sorted(by_name)) or "none"
            errors[name] = f"no matching input; the inputs are: {known}"
        elif i.fixed is not None:
            errors[name] = "fixed by the launch plan; it cannot be overridden"
        else:
            try:
                literals[name] = kinds.to_literal(i.type, value)
            except kinds.InvalidValue as error:
                errors[name] = str(error)
    return literals, errors


# --- writing ----------------------------------------------------------------------------------------------


def write(ref: EntityRef, inputs: tuple[Input, ...], literals: dict[str, literals_pb2.Literal],
          options: ExecFile | None = None) -> str:
    """The execFile `flytectl get --execFile` writes, with the given values (else defaults, else type defaults).

    Fixed inputs are left out (flytectl refuses them). clusterPool, targetExecutionCluster and overwriteCache,
    which flytectl never writes but does read, are added at the end when set.
    """
    o = options or ExecFile(ref.kind, ref.name, ref.version, {})
    values = _Commented()
    for i in sorted((i for i in inputs if i.fixed is None), key=lambda i: _GoKey(i.name)):
        literal = literals.get(i.name, i.default)
        values[i.name] = _type_default(i.type) if literal is None else _plain(i.type, literal)
        values.comments[i.name] = "" if i.description == i.name else i.description
    top = [("iamRoleARN", o.iam_role), ("inputs", values),
           ("envs", {k: o.envs[k] for k in sorted(o.envs, key=_GoKey)}), ("kubeServiceAcct", o.service_account),
           ("targetDomain", o.target_domain), ("targetProject", o.target_project)]
    if ref.kind == "task":
        top.append(("task", ref.name))
    top.append(("version", ref.version))
    if ref.kind != "task":
        top.append(("workflow", ref.name))
    top += [(k, v) for k, v in [("clusterPool", o.cluster_pool), ("targetExecutionCluster", o.execution_cluster),
                                ("overwriteCache", o.overwrite_cache)] if v]
    emitter = _Emitter()
    emitter.mapping([(k, v, "") for k, v in top], 0)
    return emitter.out if emitter.out.endswith("\n") else emitter.out + "\n"


class _Commented(dict):
    """The inputs map: each value may carry a description comment."""

    def __init__(self):
        super().__init__()
        self.comments = {}


_EPOCH = datetime(1970, 1, 1)


class _Timestamp(str):
    """RFC 3339 text written plain, as go-yaml writes a time.Time (a string would be quoted)."""


def _plain(lt: types_pb2.LiteralType, literal: literals_pb2.Literal):
    """A literal as the plain value flytectl's dump shows; LiteralMaps and JSON structs sorted as Go sorts maps,
    msgpack structs in their own order (the bytes, and so cache keys, depend on it)."""
    which = lt.WhichOneof("type")
    if which == "collection_type":
        return [_plain(lt.collection_type, item) for item in literal.collection.literals]
    if which == "map_value_type":
        items = literal.map.literals
        return {k: _plain(lt.map_value_type, items[k]) for k in sorted(items, key=_GoKey)}
    if which == "union_type" and literal.scalar.HasField("union"):
        return _plain(literal.scalar.union.type, literal.scalar.union.value)
    if which == "simple" and lt.simple == Simple.DATETIME:
        ts = literal.scalar.primitive.datetime
        text = (_EPOCH + timedelta(seconds=ts.seconds)).isoformat(timespec="seconds")
        return _Timestamp(text + (f".{ts.nanos:09d}".rstrip("0") if ts.nanos else "") + "Z")
    value = kinds.to_value(lt, literal)
    if which == "simple" and lt.simple == Simple.STRUCT and not literal.scalar.HasField("binary"):
        return _sorted(value)
    return value


def _sorted(value):
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value, key=_GoKey)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _type_default(lt: types_pb2.LiteralType):
    """flytectl's MakeDefaultLiteralForType, as dumped; None where flytectl writes junk or fails
    (binary, error, schema, structured dataset), so the import asks for a real value."""
    which = lt.WhichOneof("type")
    if which == "simple":
        if lt.simple == Simple.DATETIME:
            return _Timestamp(datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"))
        return {Simple.INTEGER: 0, Simple.FLOAT: 0.0, Simple.STRING: "", Simple.BOOLEAN: False,
                Simple.DURATION: "1s", Simple.STRUCT: {}}.get(lt.simple)
    if which == "collection_type":
        return [_type_default(lt.collection_type)]
    if which == "map_value_type":
        return {"itemKey": _type_default(lt.map_value_type)}
    if which == "blob":
        return "/tmp/somepath"
    if which == "enum_type":
        return lt.enum_type.values[0] if lt.enum_type.values else None
    if which == "union_type" and lt.union_type.variants:
        return _type_default(lt.union_type.variants[0])
    return None


# --- go-yaml v3's emitter, for the few node kinds an execFile has ------------------------------------------


class _Emitter:
    """Block mappings and sequences, 4-space indent, one line comment per input.

    go-yaml v3 attaches the comment of a non-empty list or map value to the end of that value, so it surfaces
    on a later line: the next key that opens a block, or the next scalar that has no comment of its own
    (flytectl's golden file shows `run_local_at_count: 10 # short desc`, the comment of `numbers`). We keep that
    placement for byte-compatibility, except where go-yaml would put a comment before a `{}` or `[]` on a line
    of its own, which neither flytectl nor PyYAML can read back: there the comment follows the `{}`.
    """

    def __init__(self):
        self.out = ""
        self.indention = True  # only indentation and "- " on the current line so far
        self.pending = ""  # go-yaml's line_comment: set by a block value's end, waiting for a place
        self.key_pending = ""  # go-yaml's key_line_comment

    def mapping(self, items, indent: int):
        for key, value, comment in items:
            self._indent(indent)
            if self.pending:
                self.key_pending, self.pending = self.pending, ""
            self._write(_scalar(key, simple_key=True) + ":")
            if _is_block(value):
                if self.key_pending:
                    self._comment(self.key_pending, indent)
                    self.key_pending = ""
                self._block(value, 4 * ((indent + 4) // 4))
                self.pending = comment or self.pending
            else:
                if value == {} and indent == 0 and self.key_pending:  # go-yaml: "envs: # c", "{}" unindented
                    comment, self.key_pending = comment or self.key_pending, ""
                elif value not in ([], {}) and self.key_pending and not comment:  # flow [] {} take none
                    comment, self.key_pending = self.key_pending, ""
                self._value(" ", value, 4 * ((indent + 4) // 4), comment, indent)

    def _sequence(self, items, indent: int):
        for item in items:
            self._indent(indent)
            self.out += "- "
            if _is_block(item):
                self._block(item, indent + 2)
            else:
                self._value("", item, indent + 2, "", indent)

    def _block(self, value, indent: int):
        if isinstance(value, dict):
            comments = getattr(value, "comments", {})
            self.mapping([(k, v, comments.get(k, "")) for k, v in value.items()], indent)
        else:
            self._sequence(value, indent)

    def _value(self, space: str, value, child_indent: int, comment: str, indent: int):
        text = _scalar(value)
        if not text.startswith("|"):
            self._write(space + text)
            if comment:
                self._comment(comment, indent)
            return
        header, body = text.split("\n", 1)
        header = header.replace("4", str(child_indent - indent))  # go-yaml always writes 4, wrong in a list
        self._write(space + header)
        comment = " ".join(re.split(r"[\r\n\x85\u2028\u2029]+", comment)).strip()  # go-yaml's further comment
        if comment:  # lines would fall inside the block and read back as its text, so the comment keeps to one line
            self._comment(comment, child_indent)
        else:
            self.out += "\n"
        self.out += "\n".join(" " * child_indent + line if line else "" for line in body.split("\n"))
        self.indention = self.out.endswith("\n")

    def _indent(self, indent: int):
        column = len(self.out) - (self.out.rfind("\n") + 1)
        if not self.indention or column > indent:
            self.out += "\n"
            column = 0
        self.out += " " * (indent - column)
        self.indention = True

    def _write(self, text: str):
        self.out += text
        self.indention = False

    def _comment(self, comment: str, indent: int):
        """go-yaml's write_comment: '# ' before each line unless it starts with '#', then a line break."""
        comment = _UNREADABLE.sub(lambda m: _escape(m.group()), comment)  # go-yaml writes them raw; nobody reads that
        lines = re.split(r"\r\n|[\r\n\x85\u2028\u2029]", comment)
        self.out += " " + "\n".join(
            ("" if n == 0 else " " * indent or "\n") + ("" if line.startswith("#") else "# ") + line if line else ""
            for n, line in enumerate(lines))  # go-yaml breaks twice before a continuation line at column 0
        if lines[-1]:
            self.out += "\n"
        self.indention = True


def _is_block(value) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def _scalar(value, simple_key: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, bytes):
        try:
            value = value.decode()
        except UnicodeDecodeError:  # go-yaml writes invalid UTF-8 the same way
            return "!!binary " + base64.b64encode(value).decode()
    if isinstance(value, _Timestamp):
        return str(value)
    return _string(value, simple_key)


def _go_float(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 64), as go-yaml writes floats: 0, 0.5, 1e+06; but -0.0, not -0 (an int)."""
    if value == 0 and str(value)[0] == "-":
        return "-0.0"
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    digits, exp, minus = "".join(map(str, digits)), len(digits) + exponent - 1, "-" if sign else ""
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{minus}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{minus}0.{'0' * (-exp - 1)}{digits}"
    whole = digits[:exp + 1].ljust(exp + 1, "0")
    return minus + whole + ("." + digits[exp + 1:] if len(digits) > exp + 1 else "")


# --- go-yaml v3 string styles -------------------------------------------------------------------------------

_OLD_BOOLS = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"}
_SPECIAL_WORDS = {"true", "True", "TRUE", "false", "False", "FALSE", "", "~", "null", "Null", "NULL", "<<",
                  ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
                  "-.INF"}
_NUMBER = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+)"
                     r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?"
                        r"(?:Z|[-+][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?")
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_BREAKS = "\r\n\x85\u2028\u2029"
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # YAML's c-printable


def _resolves_as_text(s: str) -> bool:
    """Whether go-yaml would read `s` unquoted as a string, and old YAML 1.1 readers too."""
    if s in _SPECIAL_WORDS or s in _OLD_BOOLS or _BASE60.fullmatch(s):
        return False
    if s[0] == ".":
        return not _NUMBER.fullmatch(s)
    if s[0] in "+-0123456789":
        return not (_NUMBER.fullmatch(s.replace("_", "")) or _TIMESTAMP.fullmatch(s))
    return True


def _printable(c: str) -> bool:
    return c == "\n" or " " <= c <= "~" or "\xa0" <= c <= "\ud7ff" or ("\ue000" <= c <= "\ufffd" and c != "\ufeff")


def _string(s: str, simple_key: bool) -> str:
    """go-yaml's choice: literal block for multi-line text, plain when it reads back as the same string,
    else single quotes where allowed, else double quotes."""
    style = "literal" if "\n" in s else "plain" if _resolves_as_text(s) else "double"
    plain_ok, single_ok, block_ok = _analyze(s)
    if simple_key and any(c in _BREAKS for c in s):
        style = "double"
    if style == "plain" and not plain_ok:
        style = "single"
    if style == "single" and (not single_ok or any(c in _BREAKS for c in s)):
        style = "double"
    if style == "literal" and not block_ok:
        style = "double"
    if style == "plain":
        return s
    if style == "single":
        return "'" + s.replace("'", "''") + "'"
    if style == "literal":
        indent_hint = "4" if s[0] in " " + _BREAKS else ""
        chomp = "-" if s[-1] not in _BREAKS else "+" if len(s) == 1 or s[-2] in _BREAKS else ""
        return f"|{indent_hint}{chomp}\n{s}"
    return '"' + "".join(_escape(c) for c in s) + '"'


_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", "\x1b": "e",
            '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _escape(c: str) -> str:
    if _printable(c) and c not in _BREAKS and c not in '"\\':
        return c
    if c in _ESCAPES:
        return "\\" + _ESCAPES[c]
    code = ord(c)
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _analyze(s: str) -> tuple[bool, bool, bool]:
    """go-yaml's yaml_emitter_analyze_scalar, block context: (plain allowed, single quotes allowed, block allowed)."""
    if not s:
        return True, True, False
    indicators = s.startswith(("---", "..."))
    leading = s[0] == " " or s[0] in _BREAKS
    trailing = s[-1] == " " or s[-1] in _BREAKS
    breaks = space_break = break_space = special = tabs = False
    previous = ""
    for i, c in enumerate(s):
        followed_by_blank = i + 1 == len(s) or s[i + 1] in " \t"
        if i == 0:
            indicators |= c in "#,[]{}&*!|>'\"%@`" or (c in "?:-" and followed_by_blank)
        else:
            indicators |= (c == ":" and followed_by_blank) or (c == "#" and previous in " \t" + _BREAKS)
        tabs |= c == "\t"
        special |= c != "\t" and not _printable(c)
        breaks |= c in _BREAKS
        space_break |= c in _BREAKS and previous == " "
        break_space |= c == " " and previous != "" and previous in _BREAKS
        previous = c
    plain = not (leading or trailing or breaks or indicators or space_break or break_space or tabs or special)
    single = not (break_space or space_break or tabs or special)
    block = not (s[-1] == " " or space_break or special)
    return plain, single, block


@functools.total_ordering
class _GoKey:
    """go-yaml v3's map key order: letters before digits, digit runs compared as numbers ("x2" < "x10")."""

    def __init__(self, key: str):
        self.key = key

    def __eq__(self, other):
        return self.key == other.key

    def __lt__(self, other):
        a, b = self.key, other.key
        digits = False
        for i in range(min(len(a), len(b))):
            if a[i] == b[i]:
                digits = _is_digit(a[i])
                continue
            a_letter, b_letter = a[i].isalpha(), b[i].isalpha()
            if a_letter and b_letter:
                return a[i] < b[i]
            if a_letter or b_letter:
                return a_letter if digits else b_letter
            a_num = b_num = 0
            if a[i] == "0" or b[i] == "0":
                j = i - 1
                while j >= 0 and _is_digit(a[j]):
                    if a[j] != "0":
                        a_num = b_num = 1
                        break
                    j -= 1
            ai, bi = i, i
            while ai < len(a) and _is_digit(a[ai]):
                a_num, ai = a_num * 10 + ord(a[ai]) - 48, ai + 1
            while bi < len(b) and _is_digit(b[bi]):
                b_num, bi = b_num * 10 + ord(b[bi]) - 48, bi + 1
            if a_num != b_num:
                return a_num < b_num
            if ai != bi:
                return ai < bi
            return a[i] < b[i]
        return len(a) < len(b)


def _is_digit(c: str) -> bool:
    """Go's unicode.IsDigit (category Nd); Python's isdigit also takes superscripts."""
    return unicodedata.category(c) == "Nd"


# --- launch options ---------------------------------------------------------------------------------------

OPTION_FIELDS = ("iam_role", "service_account", "envs", "target_project", "target_domain", "cluster_pool",
                 "execution_cluster", "overwrite_cache")  # the launch options an execFile can carry


def options_of(exec_file: ExecFile) -> dict:
    """The launch options (as webapp.flyte.options names them) a file sets."""
    return {name: getattr(exec_file, name) for name in OPTION_FIELDS if getattr(exec_file, name)}


def with_options(ref: EntityRef, options: dict) -> ExecFile:
    """The file's non-input part for a launch with these options."""
    return ExecFile(ref.kind, ref.name, ref.version, {},
                    **{name: options[name] for name in OPTION_FIELDS if options.get(name)})
