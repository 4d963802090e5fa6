"""Typed task signatures for the golden suite: real flytekit `@task`s and the Python values to launch them with.

flytekit is the independent peer: it types each signature (the TaskTemplate we register in the sandbox) and it
builds the literal it would send for the same Python values (the golden literal). The app must agree with it.

Each `Case` names one task, the Python value of every input, and how a person fills the form:
- `typed`: the exact text typed into a leaf (by field path), where the plain rendering would be too kind;
- `skip`: paths left untouched (dataclass fields with defaults);
- `json`: dataclass paths edited with the form's "Edit as JSON" button rather than field by field;
- `paste`: list paths filled through the list's paste box rather than one item at a time.
"""

from __future__ import annotations

import datetime
import enum
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Annotated, Dict, List, Optional, Union
from unittest import mock

from flytekit import kwtypes, task
from flytekit.configuration import ImageConfig, SerializationSettings
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models import literals as literal_models
from flytekit.models import types as type_models
from flytekit.tools.translator import get_serializable
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from flytekit.types.schema import FlyteSchema
from flytekit.types.structured import StructuredDataset
from flytekit.types.structured import structured_dataset as sd_module

from tests.demo_types import Experiment, Params  # noqa: E402

PROJECT, DOMAIN, VERSION = "flytesnacks", "development", "golden-1"
UTC = datetime.timezone.utc


def _column_types() -> dict:
    """numpy-free stand-in for flytekit's get_supported_types (numpy isn't installed): int and str columns."""
    return {int: type_models.LiteralType(simple=type_models.SimpleType.INTEGER),
            str: type_models.LiteralType(simple=type_models.SimpleType.STRING),
            float: type_models.LiteralType(simple=type_models.SimpleType.FLOAT)}


def flytekit_columns():
    """flytekit types StructuredDataset columns only through numpy; patch that lookup while typing them."""
    return mock.patch.object(sd_module, "get_supported_types", _column_types)


# -- the Python types ------------------------------------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@dataclass
class Flat:
    count: int
    ratio: float
    name: str
    enabled: bool


@dataclass
class WithDefaults:
    required: int
    retries: int = 3
    label: str = "default label"
    threshold: float = 0.5
    maybe: Optional[int] = None
    tags: List[str] = field(default_factory=lambda: ["a", "b"])


@dataclass
class Timing:
    when: datetime.datetime
    how_long: datetime.timedelta
    color: Color


@dataclass
class Deep:
    name: str
    experiment: Experiment
    history: List[Params]
    by_name: Dict[str, Params]
    fallback: Optional[Params]


@dataclass
class Switch:
    flag: bool = True


@dataclass
class WithFile:
    name: str
    data: FlyteFile


SD_COLUMNS = Annotated[StructuredDataset, kwtypes(a=int, b=str), "parquet"]


# -- the tasks (one signature each) ----------------------------------------------------------------------------


@task
def t_int(x: int) -> int:
    return x


@task
def t_big_int(x: int) -> int:
    return x


@task
def t_float(x: float) -> float:
    return x


@task
def t_str(s: str) -> str:
    return s


@task
def t_empty_str(s: str) -> str:
    return s


@task
def t_bool(yes: bool, no: bool) -> bool:
    return yes


@task
def t_datetime(when: datetime.datetime) -> int:
    return 0


@task
def t_timedelta(how_long: datetime.timedelta, short: datetime.timedelta) -> int:
    return 0


@task
def t_none(nothing: None) -> int:
    return 0


@task
def t_enum(color: Color) -> str:
    return color.value


@task
def t_file(f: FlyteFile) -> int:
    return 0


@task
def t_file_csv(f: FlyteFile["csv"]) -> int:  # noqa: F821
    return 0


@task
def t_directory(d: FlyteDirectory) -> int:
    return 0


@task
def t_dataset(ds: StructuredDataset) -> int:
    return 0


with flytekit_columns():

    @task
    def t_dataset_columns(ds: SD_COLUMNS) -> int:
        return 0


@task
def t_schema(table: FlyteSchema[kwtypes(a=int, b=str)]) -> int:
    return 0


@task
def t_dict(config: dict) -> int:
    return 0


@task
def t_dataclass_flat(p: Flat) -> int:
    return 0


@task
def t_dataclass_nested(exp: Experiment) -> int:
    return 0


@task
def t_dataclass_defaults(p: WithDefaults) -> int:
    return 0


@task
def t_dataclass_times(t: Timing) -> int:
    return 0


@task
def t_dataclass_deep(d: Deep) -> int:
    return 0


@task
def t_dataclass_json(exp: Experiment) -> int:
    return 0


@task
def t_dataclass_bool_default(s: Switch) -> int:
    return 0


@task
def t_dataclass_file(x: WithFile) -> int:
    return 0


@task
def t_list_int(xs: List[int]) -> int:
    return 0


@task
def t_list_int_paste(xs: List[int]) -> int:
    return 0


@task
def t_list_empty(xs: List[int]) -> int:
    return 0


@task
def t_list_float(xs: List[float]) -> int:
    return 0


@task
def t_list_str(xs: List[str]) -> int:
    return 0


@task
def t_list_bool(xs: List[bool]) -> int:
    return 0


@task
def t_list_datetime(xs: List[datetime.datetime]) -> int:
    return 0


@task
def t_list_timedelta(xs: List[datetime.timedelta]) -> int:
    return 0


@task
def t_list_enum(xs: List[Color]) -> int:
    return 0


@task
def t_list_file(xs: List[FlyteFile]) -> int:
    return 0


@task
def t_list_directory(xs: List[FlyteDirectory]) -> int:
    return 0


@task
def t_list_dataset(xs: List[StructuredDataset]) -> int:
    return 0


@task
def t_list_dict(xs: List[dict]) -> int:
    return 0


@task
def t_list_dataclass(xs: List[Params]) -> int:
    return 0


@task
def t_list_list(xs: List[List[int]]) -> int:
    return 0


@task
def t_list_optional(xs: List[Optional[int]]) -> int:
    return 0


@task
def t_dict_str_int(d: Dict[str, int]) -> int:
    return 0


@task
def t_dict_empty(d: Dict[str, int]) -> int:
    return 0


@task
def t_dict_str_float(d: Dict[str, float]) -> int:
    return 0


@task
def t_dict_str_str(d: Dict[str, str]) -> int:
    return 0


@task
def t_dict_str_bool(d: Dict[str, bool]) -> int:
    return 0


@task
def t_dict_str_datetime(d: Dict[str, datetime.datetime]) -> int:
    return 0


@task
def t_dict_str_enum(d: Dict[str, Color]) -> int:
    return 0


@task
def t_dict_str_file(d: Dict[str, FlyteFile]) -> int:
    return 0


@task
def t_dict_str_dataclass(d: Dict[str, Params]) -> int:
    return 0


@task
def t_dict_str_list(d: Dict[str, List[str]]) -> int:
    return 0


@task
def t_dict_str_dict(d: Dict[str, Dict[str, int]]) -> int:
    return 0


@task
def t_dict_str_optional(d: Dict[str, Optional[int]]) -> int:
    return 0


@task
def t_union_int_str(a: Union[int, str], b: Union[int, str]) -> int:
    return 0


@task
def t_union_int_float(x: Union[int, float]) -> int:
    return 0


@task
def t_union_dataclass_str(x: Union[Params, str]) -> int:
    return 0


@task
def t_union_with_none(a: Union[int, str, None], b: Union[int, str, None]) -> int:
    return 0


@task
def t_optional_int(set_: Optional[int], unset: Optional[int]) -> int:
    return 0


@task
def t_optional_str(unset: Optional[str], empty: Optional[str], text: Optional[str]) -> int:
    return 0


@task
def t_optional_dataclass(set_: Optional[Params], unset: Optional[Params]) -> int:
    return 0


@task
def t_optional_list(xs: Optional[List[int]]) -> int:
    return 0


@task
def t_grid(grid: List[Dict[str, Optional[Params]]]) -> int:
    return 0


@task
def t_kitchen_sink(i: int, f: float, s: str, b: bool, dt: datetime.datetime, td: datetime.timedelta,
                   color: Color, file: FlyteFile, maybe: Optional[int], xs: List[int],
                   counts: Dict[str, int], p: Params) -> int:
    return 0


@task
def t_everything(i: int, f: float, s: str, b: bool, dt: datetime.datetime, td: datetime.timedelta, color: Color,
                 file: FlyteFile, directory: FlyteDirectory, ds: StructuredDataset, config: dict, p: Params,
                 exp: Experiment, xs: List[int], counts: Dict[str, int], maybe: Optional[int],
                 either: Union[int, float], grid: List[Dict[str, Optional[Params]]]) -> int:
    return 0


# -- the cases -------------------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    task: object
    values: dict
    typed: dict = field(default_factory=dict)
    skip: frozenset = frozenset()
    json: frozenset = frozenset()
    paste: frozenset = frozenset()
    golden: object = None  # builds the expected literals by hand where flytekit's TypeEngine cannot (uploads)

    @property
    def types(self) -> dict:
        return dict(self.task.python_interface.inputs)


def _dt(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


P1, P2 = Params(0.01, 10), Params(1e-5, 3)

CASES = [
    Case("int", t_int, {"x": -7}, typed={"inputs.x": " -7 "}),
    Case("int-beyond-float-precision", t_big_int, {"x": 9007199254740993}),
    Case("float", t_float, {"x": 0.1}),
    Case("str-with-markup-and-spaces", t_str, {"s": '  <b>"héllo"</b> & \'wörld\', 1 < 2  '}),
    Case("str-empty", t_empty_str, {"s": ""}),
    Case("bool", t_bool, {"yes": True, "no": False}),
    Case("datetime-with-offset", t_datetime, {"when": _dt(2024, 5, 1, 10, 30, 15, 250000)},
         typed={"inputs.when": "2024-05-01T12:30:15.25+02:00"}),
    Case("timedelta", t_timedelta, {"how_long": datetime.timedelta(hours=1, minutes=30),
                                    "short": datetime.timedelta(milliseconds=250)},
         typed={"inputs.how_long": "PT1H30M", "inputs.short": "250ms"}),
    Case("none", t_none, {"nothing": None}),
    Case("enum", t_enum, {"color": Color.GREEN}),
    Case("file", t_file, {"f": FlyteFile("s3://bucket/data/input.txt")}),
    Case("file-csv-format", t_file_csv, {"f": FlyteFile("gs://bucket/table.csv")}),
    Case("directory", t_directory, {"d": FlyteDirectory("s3://bucket/prefix/")}),
    Case("structured-dataset", t_dataset, {"ds": StructuredDataset(uri="s3://bucket/sd/")}),
    Case("structured-dataset-columns-format", t_dataset_columns,
         {"ds": StructuredDataset(uri="bq://project:dataset.table")}),
    Case("schema", t_schema, {"table": "s3://bucket/schema/"}, golden=lambda value, python_type: literal_models.Literal(
        scalar=literal_models.Scalar(schema=literal_models.Schema(value, literal_type(python_type).schema)))),
    Case("dict", t_dict, {"config": {"a": 1, "b": [1.5, "x", None, True], "c": {"nested": {"deep": -2}}}}),
    Case("dataclass-flat", t_dataclass_flat, {"p": Flat(3, 0.75, "flat", True)}),
    Case("dataclass-nested", t_dataclass_nested,
         {"exp": Experiment(P1, "first try", [0.5, 1.0, 2.25], {1: "one", 20: "twenty"})}),
    Case("dataclass-nested-none", t_dataclass_nested, {"exp": Experiment(P2, None, [], {})}),
    Case("dataclass-defaults-left-blank", t_dataclass_defaults, {"p": WithDefaults(required=1)},
         skip=frozenset({"inputs.p.threshold", "inputs.p.maybe"})),
    Case("dataclass-int-default-left-blank", t_dataclass_defaults, {"p": WithDefaults(required=1)},
         skip=frozenset({"inputs.p.retries"})),
    Case("dataclass-str-default-left-blank", t_dataclass_defaults, {"p": WithDefaults(required=1)},
         skip=frozenset({"inputs.p.label"})),
    Case("dataclass-defaults-overridden", t_dataclass_defaults,
         {"p": WithDefaults(required=2, retries=0, label="", threshold=2.0, maybe=7, tags=[])}),
    Case("dataclass-datetime-timedelta-enum", t_dataclass_times,
         {"t": Timing(_dt(2024, 1, 2, 3, 4, 5), datetime.timedelta(minutes=90, microseconds=5), Color.BLUE)}),
    Case("dataclass-datetime-with-offset", t_dataclass_times,
         {"t": Timing(datetime.datetime(2024, 1, 2, 5, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
                      datetime.timedelta(seconds=1), Color.RED)}),
    Case("dataclass-deep", t_dataclass_deep,
         {"d": Deep("deep", Experiment(P1, None, [3.5], {7: "seven"}), [P1, P2], {"a": P2}, P1)}),
    Case("dataclass-edited-as-json", t_dataclass_json,
         {"exp": Experiment(P2, "as json", [1.5], {3: "three"})}, json=frozenset({"inputs.exp"})),
    Case("dataclass-bool-default-true-left-blank", t_dataclass_bool_default, {"s": Switch()},
         skip=frozenset({"inputs.s.flag"})),
    Case("dataclass-with-file-field", t_dataclass_file, {"x": WithFile("n", FlyteFile("s3://bucket/data.bin"))}),
    Case("list-int", t_list_int, {"xs": [3, -1, 0, 2**40]}),
    Case("list-int-pasted", t_list_int_paste, {"xs": [5, 6, 7]}, paste=frozenset({"inputs.xs"})),
    Case("list-empty", t_list_empty, {"xs": []}),
    Case("list-float", t_list_float, {"xs": [0.1, -2.5, 1e-300]}),
    Case("list-str", t_list_str, {"xs": ["a, b", "", " c "]}),
    Case("list-bool", t_list_bool, {"xs": [True, False, True]}),
    Case("list-datetime", t_list_datetime, {"xs": [_dt(2020, 2, 29, 23, 59, 59), _dt(1999, 12, 31)]}),
    Case("list-timedelta", t_list_timedelta, {"xs": [datetime.timedelta(seconds=90), datetime.timedelta(days=2)]}),
    Case("list-enum", t_list_enum, {"xs": [Color.RED, Color.BLUE, Color.RED]}),
    Case("list-file", t_list_file, {"xs": [FlyteFile("s3://b/1.txt"), FlyteFile("gs://b/2.txt")]}),
    Case("list-directory", t_list_directory, {"xs": [FlyteDirectory("s3://b/d1"), FlyteDirectory("s3://b/d2")]}),
    Case("list-dataset", t_list_dataset, {"xs": [StructuredDataset(uri="s3://b/sd1")]}),
    Case("list-dict", t_list_dict, {"xs": [{"k": 1}, {}, {"z": [1, 2]}]}),
    Case("list-dataclass", t_list_dataclass, {"xs": [P1, P2]}),
    Case("list-list", t_list_list, {"xs": [[1, 2], [], [3]]}),
    Case("list-optional", t_list_optional, {"xs": [1, None, 3]}),
    Case("dict-str-int", t_dict_str_int, {"d": {"a": 1, "b": -2, "with space": 3}}),
    Case("dict-str-empty", t_dict_empty, {"d": {}}),
    Case("dict-str-float", t_dict_str_float, {"d": {"x": 0.5, "y": 3.0}}),
    Case("dict-str-str", t_dict_str_str, {"d": {"k": "v", "": "empty key"}}),
    Case("dict-str-bool", t_dict_str_bool, {"d": {"on": True, "off": False}}),
    Case("dict-str-datetime", t_dict_str_datetime, {"d": {"start": _dt(2024, 5, 1)}}),
    Case("dict-str-enum", t_dict_str_enum, {"d": {"fg": Color.RED, "bg": Color.GREEN}}),
    Case("dict-str-file", t_dict_str_file, {"d": {"in": FlyteFile("s3://b/in.csv")}}),
    Case("dict-str-dataclass", t_dict_str_dataclass, {"d": {"fast": P1, "slow": P2}}),
    Case("dict-str-list", t_dict_str_list, {"d": {"xs": ["1", "2"], "none": []}}),
    Case("dict-str-dict", t_dict_str_dict, {"d": {"outer": {"inner": 1}, "other": {"x": -1, "y": 2}}}),
    Case("dict-str-optional", t_dict_str_optional, {"d": {"set": 1, "unset": None}}),
    Case("union-int-str", t_union_int_str, {"a": 5, "b": "hello"}),
    Case("union-str-that-looks-like-int", t_union_int_str, {"a": "5", "b": "007"}),
    Case("union-int-float", t_union_int_float, {"x": 1.5}),
    Case("union-dataclass-str", t_union_dataclass_str, {"x": P1}),
    Case("union-with-none", t_union_with_none, {"a": None, "b": 3}),
    Case("optional-int", t_optional_int, {"set_": 5, "unset": None}),
    Case("optional-str", t_optional_str, {"unset": None, "empty": "", "text": "some text"}),
    Case("optional-dataclass", t_optional_dataclass, {"set_": P1, "unset": None}),
    Case("optional-list", t_optional_list, {"xs": [4, 2]}),
    # Every map of the grid holds the same variants: the sandbox refuses a list whose maps' inferred types differ
    # (e.g. [{"a": P1, "b": None}, {"c": P2}]), even as flytekit sends it; so does an empty map inside a map.
    Case("list-dict-optional-dataclass", t_grid, {"grid": [{"a": P1, "b": None}, {"c": None, "d": P2}]}),
    Case("list-dict-optional-dataclass-none", t_grid, {"grid": [{"a": None}, {"b": None, "c": None}]}),
    Case("kitchen-sink", t_kitchen_sink, {
        "i": 1, "f": 2.5, "s": "three", "b": True, "dt": _dt(2024, 5, 1, 10, 30), "td": datetime.timedelta(hours=2),
        "color": Color.BLUE, "file": FlyteFile("s3://bucket/f"), "maybe": None, "xs": [1, 2], "counts": {"a": 1},
        "p": P2}),
    Case("everything", t_everything, {
        "i": 42, "f": 0.5, "s": "text", "b": True, "dt": _dt(2024, 5, 1, 10, 30), "td": datetime.timedelta(minutes=5),
        "color": Color.RED, "file": FlyteFile("s3://bucket/file"), "directory": FlyteDirectory("s3://bucket/dir"),
        "ds": StructuredDataset(uri="s3://bucket/ds"), "config": {"k": [1, 2]}, "p": P1,
        "exp": Experiment(P2, "notes", [1.5], {1: "one"}), "xs": [1, 2, 3], "counts": {"a": 1, "b": 2}, "maybe": 7,
        "either": 2.5, "grid": [{"a": P1}]}),
]


# -- flytekit as the oracle ------------------------------------------------------------------------------------


def serialise(entity):
    """The TaskTemplate flytekit would register for `entity`."""
    settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project=PROJECT, domain=DOMAIN,
                                     version=VERSION)
    with flytekit_columns():
        return get_serializable(OrderedDict(), settings, entity).template.to_flyte_idl()


def golden_literal(value, python_type, case=None):
    """What flytekit sends for `value`."""
    if case is not None and case.golden is not None:
        return case.golden(value, python_type).to_flyte_idl()
    ctx = FlyteContextManager.current_context()
    with flytekit_columns():
        literal_type = TypeEngine.to_literal_type(python_type)
        return TypeEngine.to_literal(ctx, value, python_type, literal_type).to_flyte_idl()


def literal_type(python_type):
    with flytekit_columns():
        return TypeEngine.to_literal_type(python_type)
