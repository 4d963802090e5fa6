"""Golden suite: for typed task signatures, what a person enters in the launch form is what flytekit would send.

Each signature is a real flytekit `@task` (tests/golden_signatures.py), serialised by flytekit and registered in the
sandbox with a plain gRPC CreateTask. A test-side browser (tests/form_browser.py) opens our launch form, creates
list items and map entries with the form's own buttons, ticks None boxes, picks union variants by their label and
types every value into the control the documented naming scheme names. It launches, and the execution's inputs,
read straight from the sandbox, must equal flytekit's `TypeEngine.to_literal` for the same Python values.
"""

from __future__ import annotations

import base64

import grpc
import msgpack
import pytest
from flyteidl.admin import execution_pb2, task_pb2
from flyteidl.core import identifier_pb2
from flyteidl.service import admin_pb2_grpc
from google.protobuf import json_format

from tests import golden_signatures as golden
from tests.form_browser import Browser, FormPage

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def admin(sandbox):
    return admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))


@pytest.fixture(scope="module")
def registered(admin):
    """Registers each task once (flytekit's own serialisation), answering its launch URL."""
    urls = {}

    def register(task) -> str:
        if task.name not in urls:
            template = golden.serialise(task)
            ident = identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project=golden.PROJECT,
                                              domain=golden.DOMAIN, name=template.id.name, version=golden.VERSION)
            try:
                admin.CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)),
                                 timeout=10)
            except grpc.RpcError as error:  # registered by another module of this session: the same template
                if error.code() != grpc.StatusCode.ALREADY_EXISTS:
                    raise
            urls[task.name] = f"/launch/{golden.PROJECT}/{golden.DOMAIN}/task/{template.id.name}/{golden.VERSION}"
        return urls[task.name]

    return register


def comparable(literal) -> dict:
    """A literal as a dict, with msgpack payloads decoded and every number tagged with its type (1 != 1.0 != True)."""
    return _decode(json_format.MessageToDict(literal))


def _decode(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "binary" and isinstance(value, dict) and value.get("tag") == "msgpack":
                raw = base64.b64decode(value.get("value", ""))
                try:
                    decoded = typed(msgpack.unpackb(raw, strict_map_key=False, raw=False))
                except (ValueError, msgpack.UnpackException):
                    decoded = ("not msgpack", raw)
                out[key] = {"tag": "msgpack", "decoded": decoded}
            else:
                out[key] = _decode(value)
        return out
    if isinstance(node, list):
        return [_decode(v) for v in node]
    return node


def typed(value):
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {typed(k) if not isinstance(k, str) else k: typed(v) for k, v in value.items()}
    return value


def launch(client, url, case) -> tuple[str, Browser]:
    """Fills the case's values into the form the way a person would and launches; answers the execution name."""
    browser = Browser(client, url)
    for name, python_type in case.types.items():
        browser.enter("inputs." + name, python_type, case.values[name], case)
    response = browser.submit()
    if response.status_code != 303:
        page = FormPage(response.get_data(as_text=True))
        pytest.fail(f"launch answered {response.status_code}; errors on the page: {page.errors}; "
                    f"posted {browser.state}")
    return response.headers["Location"].rsplit("/", 1)[1], browser


def execution_inputs(admin, name: str) -> dict:
    ident = identifier_pb2.WorkflowExecutionIdentifier(project=golden.PROJECT, domain=golden.DOMAIN, name=name)
    data = admin.GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=ident), timeout=5)
    return dict(data.full_inputs.literals)


# Cases where the app differs from flytekit today: each is a reported bug in webapp/flyte, to be fixed.
KNOWN_BUGS: dict[str, str] = {}


def _params():
    for case in golden.CASES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case.id])] if case.id in KNOWN_BUGS else []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_form_sends_what_flytekit_sends(case, client, admin, registered):
    name, browser = launch(client, registered(case.task), case)
    sent = execution_inputs(admin, name)
    assert sorted(sent) == sorted(case.types)
    for input_name, python_type in case.types.items():
        expected = golden.golden_literal(case.values[input_name], python_type, case)
        assert comparable(sent[input_name]) == comparable(expected), f"input {input_name!r} ({python_type})"


def test_at_least_thirty_signatures_cover_every_kind():
    tasks = {case.task.name for case in golden.CASES}
    assert len(tasks) >= 30
    kinds = set()
    for case in golden.CASES:
        for python_type in case.types.values():
            kinds |= _kinds(golden.literal_type(python_type).to_flyte_idl())
    assert {"integer", "float", "string", "boolean", "datetime", "duration", "none", "struct", "enum", "blob",
            "structured_dataset", "schema", "collection", "map", "union"} <= kinds


def _kinds(lt) -> set[str]:
    which = lt.WhichOneof("type")
    simple = {1: "integer", 2: "float", 3: "string", 4: "boolean", 5: "datetime", 6: "duration", 0: "none", 9: "struct"}
    names = {simple.get(lt.simple, "other")} if which == "simple" else {which}
    names = {{"enum_type": "enum", "structured_dataset_type": "structured_dataset", "collection_type": "collection",
              "map_value_type": "map", "union_type": "union"}.get(n, n) for n in names}
    if which == "collection_type":
        names |= _kinds(lt.collection_type)
    elif which == "map_value_type":
        names |= _kinds(lt.map_value_type)
    elif which == "union_type":
        for variant in lt.union_type.variants:
            names |= _kinds(variant)
    return names

