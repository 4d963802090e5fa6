"""Relaunch, recover and shared links, against the sandbox over real gRPC. GET never creates anything."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import grpc
import pytest
from flyteidl.admin import common_pb2, execution_pb2, task_pb2
from flyteidl.core import identifier_pb2, types_pb2
from flyteidl.service import admin_pb2_grpc

from tests.conftest import csrf_token
from tests.form_browser import FormPage

MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"
HELLO = "/launch/flytesnacks/development/task/demo.greeting.say_hello/v2"


def stub(sandbox):
    return admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))


def get_execution(sandbox, name):
    ident = identifier_pb2.WorkflowExecutionIdentifier(project="flytesnacks", domain="development", name=name)
    return stub(sandbox).GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=ident), timeout=5)


def inputs_of(sandbox, name):
    ident = identifier_pb2.WorkflowExecutionIdentifier(project="flytesnacks", domain="development", name=name)
    return stub(sandbox).GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=ident),
                                          timeout=5).full_inputs


def count(sandbox):
    response = stub(sandbox).ListExecutions(common_pb2.ResourceListRequest(
        id=common_pb2.NamedEntityIdentifier(project="flytesnacks", domain="development"), limit=10000), timeout=5)
    return len(response.executions)


def launch(client, url, values):
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(page), **values})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def wait_for(sandbox, name, phase):
    deadline = time.time() + 10
    while time.time() < deadline:
        if get_execution(sandbox, name).closure.phase == phase:
            return
        time.sleep(0.1)
    raise AssertionError(f"{name} never reached phase {phase}")


@pytest.fixture
def original(client):
    return launch(client, MERGE, {"inputs.sorted_list1.$paste": "2, 4", "inputs.sorted_list2.$paste": "1",
                                  "options.iam_role": "arn:aws:iam::1:role/r", "options.envs.$count": "1",
                                  "options.envs.0.$key": "K", "options.envs.0": "v"})


def test_opening_links_creates_nothing(client, sandbox, original):
    before = count(sandbox)
    for suffix in ("/relaunch", "/recover", "/relaunch/edit", "/relaunch/edit?version=v2"):
        assert client.get(f"/executions/flytesnacks/development/{original}{suffix}").status_code == 200
    assert client.get(MERGE + "?inputs.sorted_list1.$paste=1").status_code == 200
    assert count(sandbox) == before


def test_relaunch_reuses_inputs_and_options(client, sandbox, original):
    url = f"/executions/flytesnacks/development/{original}/relaunch"
    page = client.get(url).get_data(as_text=True)
    assert "[2, 4]" in page and "Relaunch</button>" in page
    response = client.post(url, data={"csrf_token": csrf_token(page), "name": "relaunched-one",
                                      "overwrite_cache": "true"})
    assert response.headers["Location"] == "/executions/flytesnacks/development/relaunched-one"
    new = get_execution(sandbox, "relaunched-one")
    assert new.spec.metadata.mode == execution_pb2.ExecutionMetadata.RELAUNCH
    assert new.spec.metadata.reference_execution.name == original
    assert new.spec.overwrite_cache
    assert new.spec.security_context.run_as.iam_role == "arn:aws:iam::1:role/r"
    assert inputs_of(sandbox, "relaunched-one") == inputs_of(sandbox, original)


def test_relaunch_with_changes_prefills_and_records_the_reference(client, sandbox, original):
    page = client.get(f"/executions/flytesnacks/development/{original}/relaunch/edit").get_data(as_text=True)
    assert re.search(r'name="inputs.sorted_list1.1"[^>]*value="4"', page)
    assert re.search(r'name="options.iam_role"[^>]*value="arn:aws:iam::1:role/r"', page)
    assert re.search(r'name="options.envs.0.\$key"[^>]*value="K"', page)
    assert "Same inputs and options as the original" in page
    state = FormPage(page).state  # what a browser would post: reference, launch id and csrf token included
    state["inputs.sorted_list2.0"] = "9"
    redrawn = client.post(MERGE, data={**state, "$action": "refresh"}).get_data(as_text=True)
    assert "Differs from the original:</strong> sorted_list2." in redrawn
    response = client.post(MERGE, data=state)
    new = get_execution(sandbox, response.headers["Location"].rsplit("/", 1)[1])
    assert new.spec.metadata.mode == execution_pb2.ExecutionMetadata.RELAUNCH
    assert new.spec.metadata.reference_execution.name == original
    assert [kv.key for kv in new.spec.envs.values] == ["K"]


def test_relaunch_on_another_version_lists_what_changed(client):
    original = launch(client, "/launch/flytesnacks/development/task/demo.greeting.say_hello/v2", {"inputs.name": "ada"})
    page = client.get(f"/executions/flytesnacks/development/{original}/relaunch/edit?version=v3").get_data(as_text=True)
    assert "<strong>v3</strong>" in page
    assert re.search(r'name="inputs.name"[^>]*value="ada"', page)
    assert "New in v3: <code>times</code>" in page


def test_relaunch_on_another_version_lists_removed_and_retyped_inputs(client, sandbox):
    v3 = launch(client, "/launch/flytesnacks/development/task/demo.greeting.say_hello/v3",
                {"inputs.name": "ada", "inputs.times": "2"})
    page = client.get(f"/executions/flytesnacks/development/{v3}/relaunch/edit?version=v2").get_data(as_text=True)
    assert "Removed in v2: <code>times</code>" in page and re.search(r'name="inputs.name"[^>]*value="ada"', page)
    # a task of its own (the seeded ones' version lists are checked elsewhere), whose v2 makes `name` an int
    hello_v2 = identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project="flytesnacks",
                                         domain="development", name="demo.greeting.say_hello", version="v2")
    template = stub(sandbox).GetTask(common_pb2.ObjectGetRequest(id=hello_v2), timeout=5).closure.compiled_task.template
    for version, kind in (("v1", types_pb2.STRING), ("v2", types_pb2.INTEGER)):
        template.interface.inputs.variables["name"].type.simple = kind
        ident = identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project="flytesnacks",
                                          domain="development", name="test.retyped_hello", version=version)
        template.id.CopyFrom(ident)
        stub(sandbox).CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)),
                                 timeout=5)
    v1 = launch(client, "/launch/flytesnacks/development/task/test.retyped_hello/v1", {"inputs.name": "ada"})
    page = client.get(f"/executions/flytesnacks/development/{v1}/relaunch/edit?version=v2").get_data(as_text=True)
    assert "Changed type in v2: <code>name</code>" in page
    assert not re.search(r'name="inputs.name"[^>]*value="ada"', page)  # not carried into an int field


def test_relaunch_with_changes_keeps_the_target_project_and_domain(client, sandbox):
    """An execution launched into another domain is relaunched there, not in its task's own domain."""
    name = launch(client, MERGE, {"inputs.sorted_list1.$paste": "2", "inputs.sorted_list2.$paste": "1",
                                  "options.target_domain": "staging"})
    page = client.get(f"/executions/flytesnacks/staging/{name}/relaunch/edit").get_data(as_text=True)
    assert re.search(r'name="options.target_domain"[^>]*value="staging"', page)
    state = FormPage(page).state
    response = client.post(MERGE, data=state)
    assert response.status_code == 303 and "/executions/flytesnacks/staging/" in response.headers["Location"]


def test_recover_is_offered_only_after_a_failure(client, sandbox, original):
    assert "Only a failed" in (client.get(f"/executions/flytesnacks/development/{original}/recover")
                               .get_data(as_text=True))
    failed = launch(client, "/launch/flytesnacks/development/task/demo.failures.always_fails/v1",
                    {"inputs.reason": "x"})
    wait_for(sandbox, failed, 6)  # FAILED
    url = f"/executions/flytesnacks/development/{failed}/recover"
    page = client.get(url).get_data(as_text=True)
    assert "resumes from the last failure" in page
    response = client.post(url, data={"csrf_token": csrf_token(page)})
    new = get_execution(sandbox, response.headers["Location"].rsplit("/", 1)[1])
    assert new.spec.metadata.mode == execution_pb2.ExecutionMetadata.RECOVERED
    assert new.spec.metadata.reference_execution.name == failed


def test_recover_of_a_running_execution_is_refused(slow_client):
    name = launch(slow_client, MERGE, {"inputs.sorted_list1.$paste": "1", "inputs.sorted_list2.$paste": "2"})
    url = f"/executions/flytesnacks/development/{name}/recover"
    token = csrf_token(slow_client.get(url.replace("/recover", "/relaunch")).get_data(as_text=True))
    assert slow_client.post(url, data={"csrf_token": token}).status_code == 409


def test_a_prefilled_link_reopens_the_same_form(client):
    page = client.get(MERGE).get_data(as_text=True)
    shared = client.post(MERGE, data={"csrf_token": csrf_token(page), "$action": "link",
                                      "inputs.sorted_list1.$count": "2", "inputs.sorted_list1.0": "5",
                                      "inputs.sorted_list1.1": "6", "options.cluster_pool": "gpu"})
    url = re.search(r'id="share-url" value="([^"]+)"', shared.get_data(as_text=True)).group(1).replace("&amp;", "&")
    reopened = client.get(urlsplit(url).path + "?" + urlsplit(url).query).get_data(as_text=True)
    assert re.search(r'name="inputs.sorted_list1.1"[^>]*value="6"', reopened)
    assert re.search(r'name="options.cluster_pool"[^>]*value="gpu"', reopened)
    assert "a value is required" not in reopened  # a half-filled link is not scolded


def test_a_link_too_long_offers_the_execfile(client):
    page = client.get(MERGE).get_data(as_text=True)
    shared = client.post(MERGE, data={"csrf_token": csrf_token(page), "$action": "link",
                                      "inputs.sorted_list1.$paste": ", ".join(["1234567"] * 1500)})
    assert "too much for a link" in shared.get_data(as_text=True)


@pytest.mark.parametrize("how", ["path", "open", "search"])
def test_console_links_open_the_execution_here(client, original, how):
    console = f"https://flyte.example.com/console/projects/flytesnacks/domains/development/executions/{original}"
    url = {"path": urlsplit(console).path, "open": "/open?q=" + console,
           "search": "/projects/flytesnacks/development?q=" + console}[how]
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/executions/flytesnacks/development/{original}"


def test_open_refuses_anything_else(client):
    assert client.get("/open?q=https://elsewhere.example.com/x").status_code == 404
