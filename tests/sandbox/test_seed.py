"""The sandbox seed, checked against flytekit as the independent oracle.

Every expected type here comes from serialising real flytekit @task / @workflow / LaunchPlan objects that mirror
the seed; seed.py builds its protobufs by hand and must agree with them.
"""

from __future__ import annotations

import datetime
import enum
import pathlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Dict, List, NamedTuple, Optional, Union
from unittest import mock

import pytest

flytekit = pytest.importorskip("flytekit")

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402
from flytekit import LaunchPlan, kwtypes, task, workflow  # noqa: E402
from flytekit.configuration import ImageConfig, SerializationSettings  # noqa: E402
from flytekit.models import types as type_models  # noqa: E402
from flytekit.tools.translator import get_serializable  # noqa: E402
from flytekit.types.directory import FlyteDirectory  # noqa: E402
from flytekit.types.file import FlyteFile  # noqa: E402
from flytekit.types.schema import FlyteSchema  # noqa: E402
from flytekit.types.structured import StructuredDataset  # noqa: E402
from flytekit.types.structured import structured_dataset as sd_module  # noqa: E402
from google.protobuf import json_format  # noqa: E402

from tests.demo_types import Experiment, Params  # noqa: E402
from webapp.sandbox import seed  # noqa: E402

# --- flytekit mirror of the seed -------------------------------------------------------------------------


@dataclass
class MyDataclass:
    x: int
    y: str
    z: Dict[int, str]


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@task
def merge(sorted_list1: List[int], sorted_list2: List[int]) -> List[int]:
    """Merge two sorted lists.

    :param sorted_list1: first sorted list
    :param sorted_list2: second sorted list
    """
    return sorted(sorted_list1 + sorted_list2)


@task
def add(x: MyDataclass, y: MyDataclass) -> MyDataclass:
    return x


@task
def say_hello_v1(name: str) -> str:
    """Greet.

    :param name: who to greet
    """
    return name


@task
def say_hello_v3(name: str, times: int) -> str:
    """Greet, repeatedly.

    :param name: who to greet
    """
    return name * times


Echoed = NamedTuple("Echoed", [("message", str), ("numbers", List[int])])


@task
def echo(message: str, numbers: List[int]) -> Echoed:
    """Echo.

    :param message: comes back as the output of the same name
    """
    return Echoed(message, numbers)


@task
def always_fails(reason: str) -> str:
    if reason:  # flytekit rejects a function without a return statement
        raise RuntimeError(reason)
    return reason


@task
def primitives(i: int, f: float, s: str, b: bool, dt: datetime.datetime, td: datetime.timedelta,
               nothing: None) -> str:
    return ""


@task
def structs(config: dict, experiment: Experiment) -> str:
    return ""


@task
def enums(color: Color) -> str:
    return color.value


@task
def files(file: FlyteFile, csv_file: FlyteFile["csv"], directory: FlyteDirectory) -> str:  # noqa: F821
    return ""


def _python_column_types() -> dict:
    """numpy-free stand-in for flytekit's get_supported_types (numpy isn't installed; only int/str columns here)."""
    return {int: type_models.LiteralType(simple=type_models.SimpleType.INTEGER),
            str: type_models.LiteralType(simple=type_models.SimpleType.STRING)}


with mock.patch.object(sd_module, "get_supported_types", _python_column_types):

    @task
    def datasets(table: FlyteSchema[kwtypes(a=int, b=str)],
                 dataset: Annotated[StructuredDataset, kwtypes(a=int, b=str), "parquet"]) -> int:
        return 0


@task
def collections(ints: List[int], strs: List[str], floats: List[float], bools: List[bool],
                counts: Dict[str, int]) -> int:
    return 0


@task
def unions(int_or_str: Union[int, str], maybe_int: Optional[int], maybe_str: Optional[str]) -> str:
    return ""


@task
def nested(grid: List[Dict[str, Optional[Params]]]) -> int:
    return 0


@workflow
def merge_sort(numbers: List[int], numbers_count: int, run_local_at_count: int = 10) -> List[int]:
    """Sort numbers.

    :param numbers: short desc
    :param numbers_count: long description will be truncated in table
    """
    return merge(sorted_list1=numbers, sorted_list2=numbers)


merge_sort_fixed = LaunchPlan.get_or_create(
    merge_sort, "merge_sort_fixed_oracle", fixed_inputs={"run_local_at_count": 5},
    default_inputs={"numbers": [5, 3, 8, 1], "numbers_count": 4})

# seeded (name, version) -> flytekit entity whose interface it must equal
ORACLE = {
    ("core.control_flow.merge_sort.merge", "v2"): merge,
    ("core.type_system.custom_objects.add", "v3"): add,
    ("demo.greeting.say_hello", "v1"): say_hello_v1,
    ("demo.greeting.say_hello", "v2"): say_hello_v1,
    ("demo.greeting.say_hello", "v3"): say_hello_v3,
    ("demo.failures.always_fails", "v1"): always_fails,
    ("demo.echo", "v1"): echo,
    ("demo.types.primitives", "v1"): primitives,
    ("demo.types.structs", "v1"): structs,
    ("demo.types.enums", "v1"): enums,
    ("demo.types.files", "v1"): files,
    ("demo.types.datasets", "v1"): datasets,
    ("demo.types.collections", "v1"): collections,
    ("demo.types.unions", "v1"): unions,
    ("demo.types.nested", "v1"): nested,
}
# flytekit has no Python type giving simple BINARY (`bytes` becomes a pickled blob), so this one is by hand.
NOT_IN_FLYTEKIT = {("demo.types.binary", "v1")}


def _serialize(entity, domain="development", version="v1"):
    settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project=seed.PROJECT,
                                     domain=domain, version=version)
    return get_serializable(OrderedDict(), settings, entity)


def _d(msg) -> dict:
    """Protobuf maps (variables, dataclass_type, JSON schema properties) are unordered: compare as dicts."""
    return json_format.MessageToDict(msg)


def _seeded(kind):
    return [r for r in seed.requests() if isinstance(r, kind)]


def _seeded_tasks(domain="development"):
    return {(r.id.name, r.id.version): r.spec.template for r in _seeded(task_pb2.TaskCreateRequest)
            if r.id.domain == domain}


# --- tasks -----------------------------------------------------------------------------------------------


def test_every_seeded_task_is_checked():
    assert set(_seeded_tasks()) == set(ORACLE) | NOT_IN_FLYTEKIT


@pytest.mark.parametrize("key", sorted(ORACLE), ids=lambda k: f"{k[0]}:{k[1]}")
def test_task_interface_matches_flytekit(key):
    expected = _serialize(ORACLE[key]).template.to_flyte_idl()
    actual = _seeded_tasks()[key]
    for direction in ("inputs", "outputs"):
        exp = _d(getattr(expected.interface, direction)).get("variables", {})
        act = _d(getattr(actual.interface, direction)).get("variables", {})
        assert act.keys() == exp.keys()
        for name in exp:
            assert act[name] == exp[name], f"{direction}.{name}"


def test_dataclass_shape_matches_type_engine():
    """The custom_objects.add input is exactly TypeEngine's MyDataclass type, metadata parsed as JSON."""
    from flytekit.core.type_engine import TypeEngine

    expected = _d(TypeEngine.to_literal_type(MyDataclass).to_flyte_idl())
    actual = _d(_seeded_tasks()[("core.type_system.custom_objects.add", "v3")].interface.inputs.variables["x"].type)
    assert actual == expected
    assert expected["annotation"] == {"annotations": {"cache-key-metadata": {"serialization-format": "msgpack"}}}


def test_binary_task_is_simple_binary():
    t = _seeded_tasks()[("demo.types.binary", "v1")]
    assert t.interface.inputs.variables["data"].type == types_pb2.LiteralType(simple=types_pb2.SimpleType.BINARY)


@pytest.mark.parametrize("key", sorted(ORACLE), ids=lambda k: f"{k[0]}:{k[1]}")
def test_task_template_looks_like_pyflyte(key):
    expected = _serialize(ORACLE[key]).template.to_flyte_idl()
    actual = _seeded_tasks()[key]
    assert actual.type == expected.type
    assert (actual.metadata.runtime.type, actual.metadata.runtime.flavor) == (
        expected.metadata.runtime.type, expected.metadata.runtime.flavor)
    assert actual.container.image.split("-")[0] == expected.container.image.split("-")[0]
    assert actual.container.args[0] == expected.container.args[0] == "pyflyte-execute"
    assert actual.container.args[-4:] == ["task-module", key[0].rsplit(".", 1)[0],
                                          "task-name", key[0].rsplit(".", 1)[1]]


def test_only_the_failing_task_carries_the_fail_config():
    key, value = seed.FAIL_CONFIG
    failing = {name for (name, _), t in _seeded_tasks().items() if t.config.get(key) == value}
    assert failing == {"demo.failures.always_fails"}


def test_say_hello_versions_differ_only_in_v3():
    tasks = _seeded_tasks()
    v1, v2, v3 = (tasks[("demo.greeting.say_hello", v)].interface for v in ("v1", "v2", "v3"))
    assert v1 == v2
    assert set(v3.inputs.variables) - set(v1.inputs.variables) == {"times"}


# --- workflow and launch plans ---------------------------------------------------------------------------


def test_workflow_matches_flytekit():
    expected = _serialize(merge_sort, version="v3").template.to_flyte_idl()
    (req,) = [r for r in _seeded(workflow_pb2.WorkflowCreateRequest) if r.id.domain == "development"]
    actual = req.spec.template
    assert (req.id.name, req.id.version) == ("core.control_flow.merge_sort.merge_sort", "v3")
    assert actual.id == req.id and actual.id.resource_type == identifier_pb2.WORKFLOW
    assert _d(actual.interface) == _d(expected.interface)
    # Same DAG, once flytekit's module-derived task name is replaced by the seeded one.
    for node in expected.nodes:
        node.task_node.reference_id.CopyFrom(actual.nodes[0].task_node.reference_id)
    assert [_d(n) for n in actual.nodes] == [_d(n) for n in expected.nodes]
    assert [_d(o) for o in actual.outputs] == [_d(o) for o in expected.outputs]
    ref = actual.nodes[0].task_node.reference_id
    assert (ref.domain, ref.name, ref.version) == ("development", "core.control_flow.merge_sort.merge", "v2")


@pytest.mark.parametrize("lp_name, oracle", [
    ("core.control_flow.merge_sort.merge_sort", lambda: LaunchPlan.get_or_create(merge_sort)),
    ("core.control_flow.merge_sort.merge_sort_fixed", lambda: merge_sort_fixed),
])
def test_launch_plan_inputs_match_flytekit(lp_name, oracle):
    expected = _serialize(oracle(), version="v3").to_flyte_idl().spec
    (req,) = [r for r in _seeded(launch_plan_pb2.LaunchPlanCreateRequest)
              if r.id.domain == "development" and r.id.name == lp_name]
    assert req.id.version == "v3" and req.id.resource_type == identifier_pb2.LAUNCH_PLAN
    assert (req.spec.workflow_id.name, req.spec.workflow_id.version) == (
        "core.control_flow.merge_sort.merge_sort", "v3")
    assert _d(req.spec.default_inputs) == _d(expected.default_inputs)
    assert _d(req.spec.fixed_inputs) == _d(expected.fixed_inputs)


def test_default_launch_plan_defaults():
    """What flytectl's execFile golden case expects: run_local_at_count=10, the other two required."""
    (req,) = [r for r in _seeded(launch_plan_pb2.LaunchPlanCreateRequest)
              if r.id.domain == "development" and r.id.name == "core.control_flow.merge_sort.merge_sort"]
    params = req.spec.default_inputs.parameters
    assert params["run_local_at_count"].default.scalar.primitive.integer == 10
    assert params["numbers"].required and params["numbers_count"].required


# --- project, domains, order -----------------------------------------------------------------------------


def test_project():
    p = seed.project()
    assert p.id == p.name == "flytesnacks" and p.description
    assert [d.id for d in p.domains] == ["development", "staging", "production"]


def test_every_domain_gets_the_same_entities_in_creation_order():
    order = [task_pb2.TaskCreateRequest, workflow_pb2.WorkflowCreateRequest,
             launch_plan_pb2.LaunchPlanCreateRequest, launch_plan_pb2.LaunchPlanUpdateRequest]
    per_domain: dict[str, list] = {}
    for r in seed.requests():
        assert r.id.project == seed.PROJECT
        per_domain.setdefault(r.id.domain, []).append(r)
    assert tuple(per_domain) == seed.DOMAINS
    shapes = {d: [(type(r).__name__, r.id.name, r.id.version) for r in rs] for d, rs in per_domain.items()}
    assert shapes["development"] == shapes["staging"] == shapes["production"]
    for domain, rs in per_domain.items():
        kinds = [order.index(type(r)) for r in rs]
        assert kinds == sorted(kinds), "tasks, then workflows, then launch plans, then activations"
        for r in rs:
            if isinstance(r, task_pb2.TaskCreateRequest):
                assert r.spec.template.id == r.id and r.id.resource_type == identifier_pb2.TASK
                assert r.id.domain == domain
    # say_hello versions are registered oldest first, so "latest" is v3
    names = [(r.id.name, r.id.version) for r in per_domain["development"]]
    hello = [v for n, v in names if n == "demo.greeting.say_hello"]
    assert hello == ["v1", "v2", "v3"]


def test_every_launch_plan_is_activated():
    created = {(r.id.domain, r.id.name, r.id.version) for r in _seeded(launch_plan_pb2.LaunchPlanCreateRequest)}
    updates = _seeded(launch_plan_pb2.LaunchPlanUpdateRequest)
    assert {(r.id.domain, r.id.name, r.id.version) for r in updates} == created
    assert len(created) == 2 * len(seed.DOMAINS)
    assert all(r.state == launch_plan_pb2.ACTIVE and r.id.resource_type == identifier_pb2.LAUNCH_PLAN
               for r in updates)


def test_webapp_seed_does_not_import_flytekit():
    """flytekit is a test-only dependency: the seed must build everything from flyteidl."""
    source = pathlib.Path(seed.__file__).read_text()
    imported = [line.split()[1].split(".")[0] for line in source.splitlines()
                if line.lstrip().startswith(("import ", "from "))]
    assert "flyteidl" in imported and "flytekit" not in imported
