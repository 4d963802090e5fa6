"""The web app against the sandbox admin over real gRPC: browse, launch, watch, and every way it can go wrong."""

from __future__ import annotations

import re
import time
from typing import List

import grpc
from flyteidl.admin import execution_pb2
from flyteidl.core import identifier_pb2
from flyteidl.service import admin_pb2_grpc

from tests.conftest import csrf_token
from tests.oracle import literal
from webapp import create_app
from webapp.config import Settings

MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"


def execution_data(sandbox, name):
    """What admin stored, read with a stub of our own rather than through the app."""
    stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))
    ident = identifier_pb2.WorkflowExecutionIdentifier(project="flytesnacks", domain="development", name=name)
    return stub.GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=ident), timeout=5)


def post_form(client, url, values):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **values})


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_index_lists_projects_and_domains(client):
    page = client.get("/").get_data(as_text=True)
    for domain in ("development", "staging", "production"):
        assert f'href="/projects/flytesnacks/{domain}"' in page


def test_project_page_lists_tasks_and_launch_plans(client):
    page = client.get("/projects/flytesnacks/development").get_data(as_text=True)
    assert "core.control_flow.merge_sort.merge" in page
    assert "/launch/flytesnacks/development/launchplan/core.control_flow.merge_sort.merge_sort/latest" in page


def test_launch_form_has_a_field_per_input(client):
    page = client.get(MERGE).get_data(as_text=True)
    assert 'name="inputs.sorted_list1.$paste"' in page and 'name="inputs.sorted_list2.$paste"' in page
    assert "List[int]" in page


def test_latest_resolves_to_the_newest_version(client):
    page = client.get("/launch/flytesnacks/development/task/demo.greeting.say_hello/latest").get_data(as_text=True)
    assert "<strong>v3</strong>" in page
    assert 'action="/launch/flytesnacks/development/task/demo.greeting.say_hello/v3"' in page


def test_launch_sends_what_flytekit_would_and_redirects(client, sandbox):
    response = post_form(client, MERGE, {"inputs.sorted_list1.$paste": "2, 4, 6",
                                         "inputs.sorted_list2.$paste": "[1, 3, 5]"})
    assert response.status_code == 303
    name = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"] == f"/executions/flytesnacks/development/{name}"
    inputs = execution_data(sandbox, name).full_inputs.literals
    assert inputs["sorted_list1"] == literal([2, 4, 6], List[int])
    assert inputs["sorted_list2"] == literal([1, 3, 5], List[int])


def test_execution_page_shows_inputs_and_reaches_success(client):
    location = post_form(client, MERGE, {"inputs.sorted_list1.$paste": "2, 4, 6",
                                         "inputs.sorted_list2.$paste": "1, 3, 5"}).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "[2, 4, 6]" in page and "[1, 3, 5]" in page
    assert 'hx-trigger="load delay:1s"' in page  # still moving: the status block polls
    deadline, fragment = time.time() + 10, ""
    while "SUCCEEDED" not in fragment and time.time() < deadline:
        fragment = client.get(location, headers={"HX-Request": "true", "HX-Target": "status"}).get_data(as_text=True)
        time.sleep(0.2)
    assert "SUCCEEDED" in fragment
    assert "hx-trigger" not in fragment and "<html" not in fragment  # terminal: polling stops


def test_failing_task_shows_its_error(client):
    location = post_form(client, "/launch/flytesnacks/development/task/demo.failures.always_fails/v1",
                         {"inputs.reason": "because"}).headers["Location"]
    deadline, page = time.time() + 10, ""
    while "FAILED" not in page and time.time() < deadline:
        page = client.get(location).get_data(as_text=True)
        time.sleep(0.2)
    assert "FAILED" in page and 'class="error"' in page


def test_wrong_values_come_back_with_everything_typed(client):
    response = post_form(client, MERGE, {"inputs.sorted_list1.$paste": "2, x, 6",
                                         "inputs.sorted_list2.$paste": "1, 3, 5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'name="inputs.sorted_list1.1"[^>]*value="x"', page)
    assert re.search(r'name="inputs.sorted_list2.2"[^>]*value="5"', page)
    assert "expected an integer, got &#39;x&#39;" in page
    assert 'aria-invalid="true" aria-describedby="f-inputs-sorted_list1-1-error"' in page


def test_missing_required_value_is_reported_beside_the_field(client):
    page = post_form(client, MERGE, {"inputs.sorted_list1.$count": "1", "inputs.sorted_list1.0": "",
                                     "inputs.sorted_list2.$paste": "1"}).get_data(as_text=True)
    assert 'id="f-inputs-sorted_list1-0-error">a value is required' in page


def test_launch_plan_defaults_and_fixed_inputs(client, sandbox):
    url = "/launch/flytesnacks/development/launchplan/core.control_flow.merge_sort.merge_sort_fixed/v3"
    page = client.get(url).get_data(as_text=True)
    assert "Fixed by the launch plan" in page and "Default from the launch plan" in page
    response = post_form(client, url, {"inputs.numbers.$paste": "3, 1, 2", "inputs.numbers_count": "3",
                                       "inputs.run_local_at_count": "999"})  # a fixed input posted anyway is not sent
    assert response.status_code == 303
    inputs = execution_data(sandbox, response.headers["Location"].rsplit("/", 1)[1]).full_inputs.literals
    assert inputs["numbers"] == literal([3, 1, 2], List[int])
    assert inputs["run_local_at_count"] == literal(5, int)


def test_post_without_csrf_token_is_refused(client):
    response = client.post(MERGE, data={"inputs.sorted_list1.$paste": "1", "inputs.sorted_list2.$paste": "2"})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)


def test_unknown_things_answer_404_with_a_way_back(client):
    for url in ("/projects/nope/development", "/projects/flytesnacks/nodomain",
                "/launch/flytesnacks/development/task/no.such.task/v1",
                "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v999",
                "/launch/flytesnacks/development/task/no.such.task/latest",
                "/executions/flytesnacks/development/nosuchexecution"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert 'href="/">Back to projects' in response.get_data(as_text=True)


def test_unreachable_admin_names_the_endpoint():
    app = create_app(Settings(admin_endpoint="127.0.0.1:9", insecure=True, secret_key="t", call_timeout=2,
                              max_retries=0))
    response = app.test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "<code>127.0.0.1:9</code>" in page and "Traceback" not in page


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
