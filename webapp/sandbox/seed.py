"""Demo entities the embedded sandbox FlyteAdmin registers on first start.

Built from flyteidl protobufs only (flytekit must never be imported by the webapp), but shaped exactly as
flytekit 1.16 would register them, so the console is exercised against realistic types:
tests/sandbox/test_seed.py checks every interface against real flytekit serialisations.
"""

from __future__ import annotations

from collections.abc import Iterator

from flyteidl.admin import launch_plan_pb2, project_pb2, task_pb2, workflow_pb2
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2, tasks_pb2, types_pb2
from flyteidl.core import workflow_pb2 as core_workflow_pb2
from google.protobuf import json_format

PROJECT = "flytesnacks"
DOMAINS = ("development", "staging", "production")
# (key, value) in TaskTemplate.config marking a task the sandbox makes fail.
FAIL_CONFIG = ("flyte-launch/sandbox-outcome", "fail")

FLYTEKIT_VERSION = "1.16.31"
IMAGE = f"cr.flyte.org/flyteorg/flytekit:py3.11-{FLYTEKIT_VERSION}"

ST = types_pb2.SimpleType
LiteralType = types_pb2.LiteralType


# --- LiteralType helpers: one per kind, mirroring flytekit's TypeEngine.to_literal_type ---------------------


def _simple(st: int) -> LiteralType:
    return LiteralType(simple=st)


def _list(t: LiteralType) -> LiteralType:
    return LiteralType(collection_type=t)


def _map(t: LiteralType) -> LiteralType:
    """Dict[str, T]; flytekit types other key types as a generic struct (see _generic_dict)."""
    return LiteralType(map_value_type=t)


def _union(*variants: tuple[str, LiteralType]) -> LiteralType:
    """flytekit tags each variant with its transformer name, replacing the variant's own structure."""
    out = LiteralType()
    for tag, t in variants:
        v = out.union_type.variants.add()
        v.CopyFrom(t)
        v.ClearField("structure")
        v.structure.tag = tag
    return out


def _optional(t: LiteralType, tag: str) -> LiteralType:
    return _union((tag, t), ("none", _simple(ST.NONE)))


def _msgpack_struct(metadata: dict | None = None) -> LiteralType:
    """STRUCT carried as msgpack Binary: flytekit's shape for `dict` and dataclasses."""
    t = _simple(ST.STRUCT)
    if metadata is not None:
        t.metadata.update(metadata)
    t.annotation.annotations.update({"cache-key-metadata": {"serialization-format": "msgpack"}})
    return t


def _generic_dict() -> LiteralType:
    """`dict` (and Dict[int, ...]): an untyped msgpack STRUCT."""
    return _msgpack_struct()


_JSON_SCHEMA_OF_SIMPLE = {ST.INTEGER: "integer", ST.FLOAT: "number", ST.STRING: "string", ST.BOOLEAN: "boolean"}


def _json_schema(t: LiteralType) -> dict:
    """JSON schema mashumaro writes for a dataclass field, derived from the field's LiteralType."""
    kind = t.WhichOneof("type")
    if kind == "simple" and t.simple in _JSON_SCHEMA_OF_SIMPLE:
        return {"type": _JSON_SCHEMA_OF_SIMPLE[t.simple]}
    if kind == "simple" and t.simple == ST.STRUCT and t.HasField("metadata"):
        return json_format.MessageToDict(t.metadata)
    if kind == "collection_type":
        return {"type": "array", "items": _json_schema(t.collection_type)}
    if kind == "map_value_type":
        return {"type": "object", "propertyNames": {"type": "string"},
                "additionalProperties": _json_schema(t.map_value_type)}
    if kind == "union_type":
        return {"anyOf": [{"type": "null"} if v.simple == ST.NONE and v.WhichOneof("type") == "simple"
                          else _json_schema(v) for v in t.union_type.variants]}
    raise ValueError(f"no JSON schema rule for {t}; pass (type, schema) explicitly")


def _dataclass(title: str, **fields: LiteralType | tuple[LiteralType, dict]) -> LiteralType:
    """A dataclass: msgpack STRUCT with its JSON schema and per-field types in structure.dataclass_type.

    A field is a LiteralType, or (LiteralType, schema) when the schema can't be derived from the type.
    """
    types = {k: v[0] if isinstance(v, tuple) else v for k, v in fields.items()}
    schemas = {k: v[1] if isinstance(v, tuple) else _json_schema(v) for k, v in fields.items()}
    t = _msgpack_struct({"title": title, "type": "object", "additionalProperties": False,
                         "required": list(fields), "properties": schemas})
    for k, ft in types.items():
        t.structure.dataclass_type[k].CopyFrom(ft)
    return t


def _blob(fmt: str = "", multipart: bool = False) -> LiteralType:
    dim = types_pb2.BlobType.MULTIPART if multipart else types_pb2.BlobType.SINGLE
    return LiteralType(blob=types_pb2.BlobType(format=fmt, dimensionality=dim))


def _enum(*values: str) -> LiteralType:
    return LiteralType(enum_type=types_pb2.EnumType(values=values))


def _schema(**columns: int) -> LiteralType:
    """FlyteSchema[kwtypes(...)] (deprecated in flytekit, still produced)."""
    cols = [types_pb2.SchemaType.SchemaColumn(name=k, type=v) for k, v in columns.items()]
    return LiteralType(schema=types_pb2.SchemaType(columns=cols))


def _structured_dataset(fmt: str, **columns: LiteralType) -> LiteralType:
    cols = [types_pb2.StructuredDatasetType.DatasetColumn(name=k, literal_type=v) for k, v in columns.items()]
    return LiteralType(structured_dataset_type=types_pb2.StructuredDatasetType(columns=cols, format=fmt))


INT, FLOAT, STR, BOOL = (_simple(s) for s in (ST.INTEGER, ST.FLOAT, ST.STRING, ST.BOOLEAN))
# Dict[int, str]: flytekit loses the key type in the LiteralType; only the JSON schema keeps it.
INT_STR_DICT = (_generic_dict(), {"type": "object", "propertyNames": {"type": "integer"},
                                  "additionalProperties": {"type": "string"}})

MY_DATACLASS = _dataclass("MyDataclass", x=INT, y=STR, z=INT_STR_DICT)
PARAMS = _dataclass("Params", learning_rate=FLOAT, epochs=INT)
EXPERIMENT = _dataclass("Experiment", params=PARAMS, notes=_optional(STR, "str"), scores=_list(FLOAT),
                        labels=INT_STR_DICT)
COLOR = _enum("red", "green", "blue")
SC = types_pb2.SchemaType.SchemaColumn.SchemaColumnType


# --- interface / literal helpers ------------------------------------------------------------------------


def _vars(variables: dict[str, LiteralType], descriptions: dict[str, str] | None = None) -> interface_pb2.VariableMap:
    """flytekit uses the variable name as description when the docstring gives none."""
    descriptions = descriptions or {}
    return interface_pb2.VariableMap(variables={
        k: interface_pb2.Variable(type=t, description=descriptions.get(k, k)) for k, t in variables.items()})


def _interface(inputs: dict, outputs: dict, descriptions: dict | None = None) -> interface_pb2.TypedInterface:
    return interface_pb2.TypedInterface(inputs=_vars(inputs, descriptions), outputs=_vars(outputs))


def _int_literal(v: int) -> literals_pb2.Literal:
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=v)))


def _int_list_literal(vs: list[int]) -> literals_pb2.Literal:
    return literals_pb2.Literal(collection=literals_pb2.LiteralCollection(literals=[_int_literal(v) for v in vs]))


def _id(kind: int, domain: str, name: str, version: str) -> identifier_pb2.Identifier:
    return identifier_pb2.Identifier(resource_type=kind, project=PROJECT, domain=domain, name=name, version=version)


# --- entity definitions (domain-independent) ------------------------------------------------------------

# (name, version, interface, config); created in this order, so for say_hello v3 is the latest.
TASKS: list[tuple[str, str, interface_pb2.TypedInterface, dict[str, str]]] = [
    ("core.control_flow.merge_sort.merge", "v2", _interface(
        {"sorted_list1": _list(INT), "sorted_list2": _list(INT)}, {"o0": _list(INT)},
        {"sorted_list1": "first sorted list", "sorted_list2": "second sorted list"}), {}),
    ("core.type_system.custom_objects.add", "v3", _interface(
        {"x": MY_DATACLASS, "y": MY_DATACLASS}, {"o0": MY_DATACLASS}), {}),
    # Same interface in v1 and v2, an extra input in v3: relaunching across versions.
    *[("demo.greeting.say_hello", v, _interface(inputs, {"o0": STR}, {"name": "who to greet"}), {})
      for v, inputs in [("v1", {"name": STR}), ("v2", {"name": STR}), ("v3", {"name": STR, "times": INT})]],
    ("demo.failures.always_fails", "v1", _interface({"reason": STR}, {"o0": STR}), dict([FAIL_CONFIG])),
    # Outputs named like inputs: the sandbox echoes them once SUCCEEDED, so executions have outputs to show.
    ("demo.echo", "v1", _interface({"message": STR, "numbers": _list(INT)}, {"message": STR, "numbers": _list(INT)},
                                   {"message": "comes back as the output of the same name"}), {}),
    ("demo.types.primitives", "v1", _interface(
        {"i": INT, "f": FLOAT, "s": STR, "b": BOOL, "dt": _simple(ST.DATETIME), "td": _simple(ST.DURATION),
         "nothing": _simple(ST.NONE)}, {"o0": STR}), {}),
    # flytekit types `bytes` as a pickled blob; a simple BINARY is what other SDKs (and msgpack literals) use.
    ("demo.types.binary", "v1", _interface({"data": _simple(ST.BINARY)}, {"o0": INT}), {}),
    ("demo.types.structs", "v1", _interface({"config": _generic_dict(), "experiment": EXPERIMENT}, {"o0": STR}), {}),
    ("demo.types.enums", "v1", _interface({"color": COLOR}, {"o0": STR}), {}),
    ("demo.types.files", "v1", _interface(
        {"file": _blob(), "csv_file": _blob("csv"), "directory": _blob(multipart=True)}, {"o0": STR}), {}),
    ("demo.types.datasets", "v1", _interface(
        {"table": _schema(a=SC.INTEGER, b=SC.STRING), "dataset": _structured_dataset("parquet", a=INT, b=STR)},
        {"o0": INT}), {}),
    ("demo.types.collections", "v1", _interface(
        {"ints": _list(INT), "strs": _list(STR), "floats": _list(FLOAT), "bools": _list(BOOL),
         "counts": _map(INT)}, {"o0": INT}), {}),
    ("demo.types.unions", "v1", _interface(
        {"int_or_str": _union(("int", INT), ("str", STR)), "maybe_int": _optional(INT, "int"),
         "maybe_str": _optional(STR, "str")}, {"o0": STR}), {}),
    ("demo.types.nested", "v1", _interface(
        {"grid": _list(_map(_optional(PARAMS, "Object-Dataclass-Transformer")))}, {"o0": INT}), {}),
]

WORKFLOW = ("core.control_flow.merge_sort.merge_sort", "v3")
WORKFLOW_INTERFACE = _interface(
    {"numbers": _list(INT), "numbers_count": INT, "run_local_at_count": INT}, {"o0": _list(INT)},
    {"numbers": "short desc", "numbers_count": "long description will be truncated in table"})
FIXED_LAUNCH_PLAN = "core.control_flow.merge_sort.merge_sort_fixed"


def project() -> project_pb2.Project:
    return project_pb2.Project(
        id=PROJECT, name=PROJECT, description="Demo project seeded by the Flyte Launch sandbox",
        domains=[project_pb2.Domain(id=d, name=d) for d in DOMAINS])


def _task_request(domain: str, name: str, version: str, interface: interface_pb2.TypedInterface,
                  config: dict[str, str]) -> task_pb2.TaskCreateRequest:
    """A TaskTemplate as pyflyte registers a python function task."""
    module, func = name.rsplit(".", 1)
    tid = _id(identifier_pb2.TASK, domain, name, version)
    template = tasks_pb2.TaskTemplate(
        id=tid, type="python-task", interface=interface, config=config,
        metadata=tasks_pb2.TaskMetadata(
            runtime=tasks_pb2.RuntimeMetadata(type=tasks_pb2.RuntimeMetadata.FLYTE_SDK,
                                              version=FLYTEKIT_VERSION, flavor="python"),
            retries=literals_pb2.RetryStrategy()),
        container=tasks_pb2.Container(image=IMAGE, args=[
            "pyflyte-execute", "--inputs", "{{.input}}", "--output-prefix", "{{.outputPrefix}}",
            "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}", "--resolver",
            "flytekit.core.python_auto_container.default_task_resolver", "--",
            "task-module", module, "task-name", func]))
    return task_pb2.TaskCreateRequest(id=tid, spec=task_pb2.TaskSpec(template=template))


def _bind(var: str, node_id: str, source_var: str) -> literals_pb2.Binding:
    """Bind `var` to output `source_var` of node `node_id` ("" = the workflow inputs)."""
    ref = types_pb2.OutputReference(node_id=node_id, var=source_var)
    return literals_pb2.Binding(var=var, binding=literals_pb2.BindingData(promise=ref))


def _workflow_request(domain: str) -> workflow_pb2.WorkflowCreateRequest:
    """merge_sort: one node sorting `numbers` by merging it with itself (enough to be a valid DAG)."""
    name, version = WORKFLOW
    wid = _id(identifier_pb2.WORKFLOW, domain, name, version)
    merge = _id(identifier_pb2.TASK, domain, "core.control_flow.merge_sort.merge", "v2")
    node = core_workflow_pb2.Node(
        id="n0", metadata=core_workflow_pb2.NodeMetadata(name="merge", retries=literals_pb2.RetryStrategy()),
        inputs=[_bind("sorted_list1", "", "numbers"), _bind("sorted_list2", "", "numbers")],
        task_node=core_workflow_pb2.TaskNode(reference_id=merge, overrides=core_workflow_pb2.TaskNodeOverrides()))
    template = core_workflow_pb2.WorkflowTemplate(
        id=wid, metadata=core_workflow_pb2.WorkflowMetadata(), interface=WORKFLOW_INTERFACE,
        nodes=[node], outputs=[_bind("o0", "n0", "o0")])
    return workflow_pb2.WorkflowCreateRequest(id=wid, spec=workflow_pb2.WorkflowSpec(template=template))


def _parameters(defaults: dict[str, literals_pb2.Literal], exclude: tuple[str, ...] = (),
                descriptions_from_workflow: bool = True) -> interface_pb2.ParameterMap:
    """Launch-plan parameters over the workflow inputs: a default where given, else required."""
    params = {}
    for k, var in WORKFLOW_INTERFACE.inputs.variables.items():
        if k in exclude:
            continue
        p = interface_pb2.Parameter(var=var)
        if k in defaults:
            p.default.CopyFrom(defaults[k])
            if not descriptions_from_workflow:
                p.var.description = k
        else:
            p.required = True
        params[k] = p
    return interface_pb2.ParameterMap(parameters=params)


def _launch_plans(domain: str) -> list[launch_plan_pb2.LaunchPlanCreateRequest]:
    """The default launch plan, and one with a fixed input and overridden defaults.

    flytekit drops the docstring description of an input whose default a LaunchPlan overrides (it becomes the
    variable name), so the fixed plan carries no descriptions for those.
    """
    name, version = WORKFLOW
    wid = _id(identifier_pb2.WORKFLOW, domain, name, version)
    default = _parameters({"run_local_at_count": _int_literal(10)})
    fixed = _parameters({"numbers": _int_list_literal([5, 3, 8, 1]), "numbers_count": _int_literal(4)},
                        exclude=("run_local_at_count",), descriptions_from_workflow=False)
    fixed_inputs = literals_pb2.LiteralMap(literals={"run_local_at_count": _int_literal(5)})
    return [
        launch_plan_pb2.LaunchPlanCreateRequest(
            id=_id(identifier_pb2.LAUNCH_PLAN, domain, lp_name, version),
            spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wid, default_inputs=params, fixed_inputs=fixed_in))
        for lp_name, params, fixed_in in [(name, default, literals_pb2.LiteralMap()),
                                          (FIXED_LAUNCH_PLAN, fixed, fixed_inputs)]]


def requests() -> Iterator:
    """Create requests in registration order: per domain, tasks, the workflow, launch plans, activations."""
    for domain in DOMAINS:
        for name, version, interface, config in TASKS:
            yield _task_request(domain, name, version, interface, config)
        yield _workflow_request(domain)
        lps = _launch_plans(domain)
        yield from lps
        for lp in lps:
            yield launch_plan_pb2.LaunchPlanUpdateRequest(id=lp.id, state=launch_plan_pb2.ACTIVE)
