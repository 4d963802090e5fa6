"""execFile import and export, against flytectl's own test files and flytekit's literals.

Expected values come from flytectl's golden files (flyte v1.16.8, flytectl/cmd/testdata and
flytectl/cmd/get/launch_plan_test.go, copied verbatim below) or from flytekit, never from execfile.py itself.
"""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import dataclass
from typing import Dict, List, Optional

import msgpack
import pytest
from flyteidl.admin import launch_plan_pb2, task_pb2
from flyteidl.core import literals_pb2, types_pb2
from google.protobuf import struct_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.oracle import literal, literal_type
from webapp.admin.models import EntityRef, Input
from webapp.flyte import execfile
from webapp.sandbox import seed

# --- flytectl's files, verbatim ---------------------------------------------------------------------------

TASK_EXECUTION_SPEC = """\
iamRoleARN: "iamRoleARN"
inputs:
  sorted_list1:
  - 0
  - 2
  - 4
  sorted_list2:
  - 1
  - 3
  - 5
kubeServiceAcct: "kubeServiceAcct"
targetDomain: "development"
targetProject: "flytesnacks"
task: core.control_flow.merge_sort.merge
version: v2
"""

TASK_EXECUTION_SPEC_WITH_IAMROLE = """\
iamRoleARN: "iamRoleARN"
inputs:
  sorted_list1:
  - 0
  - 2
  - 4
  sorted_list2:
  - 1
  - 3
  - 5
kubeServiceAcct: ""
targetDomain: "development"
targetProject: "flytesnacks"
task: core.control_flow.merge_sort.merge
version: v2
clusterPool: gpu
"""

LAUNCHPLAN_EXECUTION_SPEC = """\
iamRoleARN: ""
inputs:
  numbers:
  - 0
  numbers_count: 0
  run_local_at_count: 10
kubeServiceAcct: ""
targetDomain: ""
targetProject: ""
version: v3
workflow: core.control_flow.merge_sort.merge_sort
"""

INVALID_EXECUTION_SPEC = LAUNCHPLAN_EXECUTION_SPEC + "task: core.control_flow.merge_sort.merge\n"

# TestGetLaunchPlansWithExecFile: `flytectl get launchplan launchplan1 --version v2 --execFile ...`
GOLDEN_LAUNCH_PLAN_EXEC_FILE = """\
iamRoleARN: ""
inputs:
    generic:
        foo: foo
    numbers:
        - 0
    numbers_count: 0 # long description will be truncated in table
    run_local_at_count: 10 # short desc
envs: {}
kubeServiceAcct: ""
targetDomain: ""
targetProject: ""
version: v2
workflow: launchplan1
"""


def _golden_launch_plan_inputs() -> tuple[Input, ...]:
    """getLaunchPlanSetup's parameterMap in launch_plan_test.go, built from flyteidl protos by hand."""
    integer = types_pb2.LiteralType(simple=types_pb2.SimpleType.INTEGER)
    ten = literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=10)))
    foo = literals_pb2.Literal(scalar=literals_pb2.Scalar(generic=struct_pb2.Struct(
        fields={"foo": struct_pb2.Value(string_value="foo")})))
    return (
        Input("numbers", types_pb2.LiteralType(collection_type=integer), "short desc"),
        Input("numbers_count", integer, "long description will be truncated in table"),
        Input("run_local_at_count", integer, "run_local_at_count", required=False, default=ten),
        Input("generic", types_pb2.LiteralType(simple=types_pb2.SimpleType.STRUCT), "generic", required=False,
              default=foo),
    )


# --- the seeded entities' interfaces ----------------------------------------------------------------------


def task_inputs(name: str, version: str = "") -> tuple[Input, ...]:
    for request in seed.requests():
        if isinstance(request, task_pb2.TaskCreateRequest) and request.id.name == name and (
                request.id.version == version or not version):
            variables = request.spec.template.interface.inputs.variables
            return tuple(Input(k, v.type, v.description) for k, v in variables.items())
    raise LookupError(name)


def launch_plan_inputs(name: str) -> tuple[Input, ...]:
    for request in seed.requests():
        if isinstance(request, launch_plan_pb2.LaunchPlanCreateRequest) and request.id.name == name:
            params = request.spec.default_inputs.parameters
            inputs = [Input(k, p.var.type, p.var.description, p.required,
                            p.default if p.HasField("default") else None) for k, p in params.items()]
            fixed = request.spec.fixed_inputs.literals
            variables = seed.WORKFLOW_INTERFACE.inputs.variables
            return tuple(inputs + [Input(k, variables[k].type, required=False, fixed=v) for k, v in fixed.items()])
    raise LookupError(name)


def imported(text: str, inputs: tuple[Input, ...]) -> dict[str, literals_pb2.Literal]:
    literals, errors = execfile.literals_for(inputs, execfile.read(text).inputs)
    assert errors == {}
    return literals


# --- flytectl's files import ------------------------------------------------------------------------------


def test_flytectl_task_spec_imports():
    f = execfile.read(TASK_EXECUTION_SPEC)
    assert (f.kind, f.name, f.version) == ("task", "core.control_flow.merge_sort.merge", "v2")
    assert (f.iam_role, f.service_account) == ("iamRoleARN", "kubeServiceAcct")
    assert (f.target_project, f.target_domain, f.cluster_pool, f.envs) == ("flytesnacks", "development", "", {})
    assert imported(TASK_EXECUTION_SPEC, task_inputs(f.name)) == {
        "sorted_list1": literal([0, 2, 4], List[int]), "sorted_list2": literal([1, 3, 5], List[int])}


def test_flytectl_task_spec_with_cluster_pool_imports():
    f = execfile.read(TASK_EXECUTION_SPEC_WITH_IAMROLE)
    assert (f.iam_role, f.service_account, f.cluster_pool) == ("iamRoleARN", "", "gpu")
    assert f.ignored == ()


def test_flytectl_launch_plan_spec_imports():
    f = execfile.read(LAUNCHPLAN_EXECUTION_SPEC)
    assert (f.kind, f.name, f.version) == ("launchplan", "core.control_flow.merge_sort.merge_sort", "v3")
    assert imported(LAUNCHPLAN_EXECUTION_SPEC, launch_plan_inputs(f.name)) == {
        "numbers": literal([0], List[int]), "numbers_count": literal(0, int), "run_local_at_count": literal(10, int)}


@pytest.mark.parametrize("text", [INVALID_EXECUTION_SPEC, "version: v1\ninputs: {}\n", "task: ''\nworkflow: ''\n"])
def test_exactly_one_of_task_or_workflow(text):
    with pytest.raises(execfile.ExecFileError) as raised:
        execfile.read(text)
    assert str(raised.value) == "either task or workflow name should be specified to launch an execution"


def test_flytectl_golden_output_imports():
    f = execfile.read(GOLDEN_LAUNCH_PLAN_EXEC_FILE)
    assert (f.kind, f.name, f.version, f.envs) == ("launchplan", "launchplan1", "v2", {})
    assert imported(GOLDEN_LAUNCH_PLAN_EXEC_FILE, _golden_launch_plan_inputs()) == {
        "generic": _golden_launch_plan_inputs()[3].default, "numbers": literal([0], List[int]),
        "numbers_count": literal(0, int), "run_local_at_count": literal(10, int)}


# --- export -----------------------------------------------------------------------------------------------


def test_export_matches_flytectl_golden_byte_for_byte():
    ref = EntityRef("launchplan", "dummyProject", "dummyDomain", "launchplan1", "v2")
    assert execfile.write(ref, _golden_launch_plan_inputs(), {}) == GOLDEN_LAUNCH_PLAN_EXEC_FILE


def test_export_of_a_task_names_it_and_leaves_fixed_inputs_out():
    ref = EntityRef("launchplan", "flytesnacks", "development", seed.FIXED_LAUNCH_PLAN, "v3")
    text = execfile.write(ref, launch_plan_inputs(seed.FIXED_LAUNCH_PLAN), {})
    assert "run_local_at_count" not in text  # fixed: flytectl would refuse it
    assert "numbers:\n        - 5\n        - 3\n        - 8\n        - 1\n    numbers_count: 4\n" in text

    ref = EntityRef("task", "flytesnacks", "development", "demo.greeting.say_hello", "v3")
    text = execfile.write(ref, task_inputs(ref.name, "v3"), {"name": literal("no", str)})
    assert text.endswith('targetProject: ""\ntask: demo.greeting.say_hello\nversion: v3\n')
    assert '    name: "no" # who to greet\n    times: 0\n' in text  # a YAML 1.1 bool word stays a string


def test_export_adds_the_options_flytectl_reads_but_never_writes():
    ref = EntityRef("task", "p", "d", "demo.greeting.say_hello", "v1")
    options = execfile.ExecFile("task", ref.name, ref.version, {}, envs={"B": "2", "A": "yes"}, iam_role="arn:x",
                                service_account="sa", cluster_pool="gpu", execution_cluster="c1",
                                overwrite_cache=True)
    text = execfile.write(ref, task_inputs(ref.name), {"name": literal("world", str)}, options)
    assert text == textwrap.dedent("""\
        iamRoleARN: arn:x
        inputs:
            name: world # who to greet
        envs:
            A: "yes"
            B: "2"
        kubeServiceAcct: sa
        targetDomain: ""
        targetProject: ""
        task: demo.greeting.say_hello
        version: v1
        clusterPool: gpu
        targetExecutionCluster: c1
        overwriteCache: true
        """)
    back = execfile.read(text)
    assert (back.envs, back.cluster_pool, back.execution_cluster, back.overwrite_cache) == (
        {"A": "yes", "B": "2"}, "gpu", "c1", True)


# --- round trips over the seeded interfaces --------------------------------------------------------------

SEEDED_FILES = {
    "core.control_flow.merge_sort.merge": "sorted_list1: [1, 5]\nsorted_list2: [2, 3]\n",
    "core.type_system.custom_objects.add": "x: {x: 1, y: 'a', z: {1: one}}\ny: '{\"x\": 2, \"y\": \"b\", \"z\": {}}'\n",
    "demo.types.primitives": "i: -3\nf: 2.5\ns: 'yes'\nb: on\ndt: 2024-05-01T10:30:00.25Z\ntd: 1h30m\nnothing: null\n",
    "demo.types.binary": "data: raw text\n",
    "demo.types.structs": textwrap.dedent("""\
        config: {a: [1, 2], b: {c: null}}
        experiment:
          params: {learning_rate: 0.5, epochs: 3}
          notes: null
          scores: [0.5, 1.5]
          labels: {1: one}
        """),
    "demo.types.enums": "color: green\n",
    "demo.types.files": "file: s3://b/f.txt\ncsv_file: /data/x.csv\ndirectory: gs://b/dir\n",
    "demo.types.datasets": "table: s3://b/t\ndataset: s3://b/d.parquet\n",
    "demo.types.collections": "ints: [1, 2]\nstrs: ['1', 'no', '']\nfloats: [0.1, 1e6]\nbools: [yes, false]\n"
                              "counts: {b: 2, a: 1}\n",
    "demo.types.unions": "int_or_str: '5'\nmaybe_int: 7\nmaybe_str: null\n",
    "demo.types.nested": "grid:\n  - {a: {learning_rate: 0.5, epochs: 2}, b: null}\n  - {}\n",
}


@pytest.mark.parametrize("name", sorted(SEEDED_FILES))
def test_import_export_import_is_stable(name):
    inputs = task_inputs(name)
    text = f"task: {name}\nversion: v1\ninputs:\n" + textwrap.indent(SEEDED_FILES[name], "  ")
    first = imported(text, inputs)
    assert set(first) == {i.name for i in inputs}
    exported = execfile.write(EntityRef("task", "p", "d", name, "v1"), inputs, first)
    assert imported(exported, inputs) == first
    assert execfile.write(EntityRef("task", "p", "d", name, "v1"), inputs, imported(exported, inputs)) == exported


def test_seeded_primitives_mean_what_flytekit_means():
    got = imported("task: t\ninputs:\n" + textwrap.indent(SEEDED_FILES["demo.types.primitives"], "  "),
                   task_inputs("demo.types.primitives"))
    assert got["i"] == literal(-3, int)
    assert got["f"] == literal(2.5, float)
    assert got["s"] == literal("yes", str)
    assert got["b"] == literal(True, bool)
    assert got["dt"] == literal(datetime.datetime(2024, 5, 1, 10, 30, 0, 250000), datetime.datetime)
    assert got["td"] == literal(datetime.timedelta(hours=1, minutes=30), datetime.timedelta)


def test_unions_take_the_variant_flytekit_takes():
    got = imported("task: t\ninputs:\n" + textwrap.indent(SEEDED_FILES["demo.types.unions"], "  "),
                   task_inputs("demo.types.unions"))
    # flytectl: "5" for int_or_str -> int 5 (first variant that parses); null for Optional[str] -> ""
    assert got["int_or_str"].scalar.union.value == literal("5", str)
    assert got["maybe_int"].scalar.union.value == literal(7, int)
    assert got["maybe_str"].scalar.union.value.scalar.HasField("none_type")


# --- what people hand-write --------------------------------------------------------------------------------


def test_two_and_four_space_indents_read_the_same():
    two = "task: t\nversion: v1\ninputs:\n  a:\n  - 1\n  - 2\n  m:\n    k: v\nenvs:\n  E: x\n"
    four = "task: t\nversion: v1\ninputs:\n    a:\n        - 1\n        - 2\n    m:\n        k: v\nenvs:\n    E: x\n"
    assert execfile.read(two) == execfile.read(four)
    assert execfile.read(two).inputs == {"a": [1, 2], "m": {"k": "v"}}


@dataclass
class Params:
    learning_rate: float
    epochs: int
    tags: List[str]


@pytest.mark.parametrize("yaml_value", [
    "{learning_rate: 0.5, epochs: 3, tags: [a, b]}",
    "\n    learning_rate: 0.5\n    epochs: 3\n    tags:\n    - a\n    - b",
    """'{"learning_rate": 0.5, "epochs": 3, "tags": ["a", "b"]}'""",
])
def test_dataclass_as_map_or_json_string_is_what_flytekit_sends(yaml_value):
    inputs = (Input("p", literal_type(Params)),)
    got = imported(f"task: t\ninputs:\n  p: {yaml_value}\n", inputs)["p"]
    want = literal(Params(0.5, 3, ["a", "b"]), Params)
    assert got.scalar.binary.tag == want.scalar.binary.tag == "msgpack"
    assert msgpack.unpackb(got.scalar.binary.value) == msgpack.unpackb(want.scalar.binary.value)


def test_top_level_keys_match_in_any_case():
    f = execfile.read("TASK: t\nVersion: v1\nINPUTS:\n  x: 1\nIamRoleArn: r\nKUBESERVICEACCT: sa\nEnvs: {A: b}\n"
                      "clusterpool: gpu\nOverwriteCache: yes\nnotAKey: 1\n")
    assert (f.kind, f.name, f.version, f.inputs, f.iam_role, f.service_account, f.envs, f.cluster_pool) == (
        "task", "t", "v1", {"x": 1}, "r", "sa", {"A": "b"}, "gpu")
    assert f.overwrite_cache is True
    assert f.ignored == ("notAKey",)
    # encoding/json sees the keys sorted, so of `Task` and `task` the lower-case one (sorting last) wins
    assert execfile.read("task: b\nTask: a\n").name == "b"


def test_string_fields_take_numbers_and_bools_as_text():
    f = execfile.read("task: 1\nversion: 2\nenvs:\n  A: yes\n  B: 1.5\n  C: 10\n")
    assert (f.name, f.version, f.envs) == ("1", "2", {"A": "true", "B": "1.5", "C": "10"})


@pytest.mark.parametrize("word, value", [
    ("yes", True), ("Yes", True), ("on", True), ("ON", True), ("true", True), ("y", True), ("Y", True),
    ("no", False), ("off", False), ("Off", False), ("FALSE", False), ("n", False), ("N", False),
])
def test_yaml_1_1_booleans(word, value):
    assert imported(f"task: t\ninputs:\n  b: {word}\n", (Input("b", literal_type(bool)),)) == {
        "b": literal(value, bool)}


@pytest.mark.parametrize("word", ["y", "n", "'yes'", '"on"'])
def test_quoted_words_and_y_n_stay_text_for_a_string_input(word):
    assert imported(f"task: t\ninputs:\n  s: {word}\n", (Input("s", literal_type(str)),)) == {
        "s": literal(word.strip("'\""), str)}


@pytest.mark.parametrize("text, value", [
    ("2024-05-01", "2024-05-01"),  # a timestamp stays text, as in go-yaml v2
    ("12:30", "12:30"),  # no YAML 1.1 base-60 integer 750
    ("0x1F", "31"),
    ("1_000", "1000"),
])
def test_scalars_resolve_as_flytectl_resolves_them(text, value):
    assert imported(f"task: t\ninputs:\n  s: {text}\n", (Input("s", literal_type(str)),)) == {
        "s": literal(value, str)}


def test_exponent_floats_are_numbers():
    assert imported("task: t\ninputs:\n  f: 1e3\n", (Input("f", literal_type(float)),)) == {
        "f": literal(1000.0, float)}


@pytest.mark.parametrize("text, message", [
    ("task: t\ninputs:\n  a: [1, 2\n", "line 4, column 1: expected ',' or ']', but got '<stream end>'"),
    ("task: t\n  version: v1\n", "line 2, column 10: mapping values are not allowed here"),
    ("task: t\ninputs:\n\ta: 1\n", "line 3, column 1: found character '\\t' that cannot start any token"),
    ("task: t\ninputs:\n  a: 1\n  a b\n", "line 5, column 1: could not find expected ':'"),
])
def test_malformed_yaml_says_where(text, message):
    with pytest.raises(execfile.ExecFileError) as raised:
        execfile.read(text)
    assert str(raised.value) == f"not valid YAML at {message}"


@pytest.mark.parametrize("text", ["", "just text", "- a\n- b\n", "task: t\ninputs: [1]\n", "task: [a]\n",
                                  "task: t\noverwriteCache: maybe\n"])
def test_files_that_are_not_an_exec_config_are_refused(text):
    with pytest.raises(execfile.ExecFileError):
        execfile.read(text)


def test_values_that_do_not_fit_are_reported_per_key():
    inputs = launch_plan_inputs(seed.FIXED_LAUNCH_PLAN)
    literals, errors = execfile.literals_for(inputs, execfile.read(
        "workflow: w\ninputs:\n  numbers: [1, x]\n  numbers_count: 3\n  run_local_at_count: 1\n  nope: 1\n").inputs)
    assert literals == {"numbers_count": literal(3, int)}
    assert errors["numbers"] == "item 2: expected an integer, got 'x'"
    assert errors["run_local_at_count"] == "fixed by the launch plan; it cannot be overridden"
    assert errors["nope"].startswith("no matching input")


def test_a_multi_line_description_beside_a_block_string_stays_a_comment():
    """go-yaml writes later comment lines inside a `|` block, where they read back as the string's text."""
    inputs = (Input("note", literal_type(str), "first line\nsecond line"),)
    text = execfile.write(EntityRef("task", "p", "d", "t", "v1"), inputs, {"note": literal("a\nb\n", str)})
    assert "    note: | # first line second line\n        a\n        b\n" in text
    assert imported(text, inputs) == {"note": literal("a\nb\n", str)}


def test_the_merge_key_is_quoted_wherever_it_is_text():
    """`<<` unquoted is YAML's merge key: go-yaml quotes it, and a reader would merge or refuse it."""
    inputs = (Input("s", literal_type(str)), Input("l", literal_type(List[str])),
              Input("m", literal_type(Dict[str, float])))
    literals = {"s": literal("<<", str), "l": literal(["<<"], List[str]), "m": literal({"<<": 0.0}, Dict[str, float])}
    text = execfile.write(EntityRef("task", "p", "d", "t", "v1"), inputs, literals)
    assert 's: "<<"' in text and '- "<<"' in text and '"<<": 0' in text
    assert imported(text, inputs) == literals


# --- property: write -> read gives back the literals -------------------------------------------------------

KINDS = [
    (int, st.integers(-(2**63), 2**63 - 1)),
    (float, st.floats(allow_nan=False)),
    (str, st.text()),
    (bool, st.booleans()),
    (datetime.datetime, st.datetimes(datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31))),
    (datetime.timedelta, st.timedeltas(-datetime.timedelta(days=3650), datetime.timedelta(days=3650))),
    (List[int], st.lists(st.integers(-(2**63), 2**63 - 1), max_size=3)),
    (List[str], st.lists(st.text(), max_size=3)),
    (Dict[str, float], st.dictionaries(st.text(), st.floats(allow_nan=False), max_size=3)),
    (Optional[str], st.none() | st.text()),
]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_write_then_read_gives_the_same_literals(data):
    chosen = data.draw(st.lists(st.sampled_from(range(len(KINDS))), min_size=1, max_size=4))
    inputs, literals = [], {}
    for n, index in enumerate(chosen):
        python_type, values = KINDS[index]
        name = f"in{n}"
        inputs.append(Input(name, literal_type(python_type), data.draw(st.text(max_size=20))))
        literals[name] = literal(data.draw(values), python_type)
    text = execfile.write(EntityRef("task", "p", "d", "t", "v1"), tuple(inputs), literals)
    assert imported(text, tuple(inputs)) == literals
