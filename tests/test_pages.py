"""Finding entities, their versions and launch plans; the executions list, a record, terminate. Real gRPC."""

from __future__ import annotations

import html
import json
import re
import time

import yaml

from tests.conftest import csrf_token
from webapp import create_app
from webapp.config import Settings

PROJECT = "/projects/flytesnacks/development"
MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"


def launch(client, url=MERGE, values=None, name=""):
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, **(values or {"inputs.sorted_list1.$paste": "1", "inputs.sorted_list2.$paste": "2"})}
    if name:
        data["options.name"] = name
    response = client.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_search_filters_entities_as_you_type(client):
    page = client.get(PROJECT + "?q=MERGE_sort", headers={"HX-Request": "true", "HX-Target": "entities"})
    html = page.get_data(as_text=True)
    assert html.startswith('<div id="entities"') and "<html" not in html
    assert "core.control_flow.merge_sort.merge" in html and "demo.greeting.say_hello" not in html


def test_search_works_without_javascript(client):
    html = client.get(PROJECT + "?q=greeting").get_data(as_text=True)
    assert "<html" in html and "demo.greeting.say_hello" in html and "merge_sort.merge<" not in html


def test_versions_newest_first_and_paginated(client):
    html = client.get(PROJECT + "/task/demo.greeting.say_hello").get_data(as_text=True)
    assert html.index("<code>v3</code>") < html.index("<code>v2</code>") < html.index("<code>v1</code>")
    from webapp import admin
    with client.application.app_context():
        first, token = admin.client().versions("flytesnacks", "development", "task", "demo.greeting.say_hello", limit=2)
        rest, _ = admin.client().versions("flytesnacks", "development", "task", "demo.greeting.say_hello", token, 2)
    assert [v.ref.version for v in first + rest] == ["v3", "v2", "v1"]


def test_workflow_lists_its_launch_plans_default_first(client):
    html = client.get(PROJECT + "/workflow/core.control_flow.merge_sort.merge_sort").get_data(as_text=True)
    default = html.index("<code>core.control_flow.merge_sort.merge_sort</code>")
    assert default < html.index("<code>core.control_flow.merge_sort.merge_sort_fixed</code>")
    assert "(default)" in html and "<strong>active</strong>" in html


def test_executions_list_filters_by_phase_and_entity(client):
    mine = launch(client).rsplit("/", 1)[1]
    other = launch(client, "/launch/flytesnacks/development/task/demo.greeting.say_hello/v1",
                   {"inputs.name": "ada"}).rsplit("/", 1)[1]
    html = client.get("/executions/flytesnacks/development"
                      "?launched=task/core.control_flow.merge_sort.merge").get_data(as_text=True)
    assert mine in html and other not in html
    html = client.get("/executions/flytesnacks/development?phase=ABORTED").get_data(as_text=True)
    assert mine not in html


def test_execution_record_downloads_as_json_and_yaml(client):
    location = launch(client, name="recorded-run")
    as_json = client.get(location + "/record.json")
    as_yaml = client.get(location + "/record.yaml")
    assert as_json.headers["Content-Disposition"] == 'attachment; filename="recorded-run.json"'
    assert json.loads(as_json.data)["id"]["name"] == "recorded-run"
    assert yaml.safe_load(as_yaml.data)["id"]["name"] == "recorded-run"
    page = client.get(location).get_data(as_text=True)  # and both shown on the page
    for fmt, load in (("json", json.loads), ("yaml", yaml.safe_load)):
        shown = re.search(f'<pre class="code" id="record-{fmt}">(.*?)</pre>', page, re.S).group(1)
        assert load(html.unescape(shown))["id"]["name"] == "recorded-run"


def test_terminate_asks_first_then_aborts(slow_client):
    location = launch(slow_client)
    page = slow_client.get(location + "/terminate").get_data(as_text=True)
    assert "cannot be undone" in page
    assert ">QUEUED<" in slow_client.get(location).get_data(as_text=True)  # asking changed nothing
    response = slow_client.post(location + "/terminate", data={"csrf_token": csrf_token(page), "cause": "testing"})
    assert response.status_code == 303
    assert ">ABORTED<" in slow_client.get(location).get_data(as_text=True)


def test_console_link_when_configured(sandbox):
    app = create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="t",
                              console_endpoint="https://flyte.example.com"))
    client = app.test_client()
    location = launch(client, name="console-linked")
    html = client.get(location).get_data(as_text=True)
    assert ('href="https://flyte.example.com/console/projects/flytesnacks/domains/development'
            '/executions/console-linked"') in html


def test_outputs_appear_once_the_execution_succeeded(client):
    location = launch(client, "/launch/flytesnacks/development/task/demo.echo/v1",
                      {"inputs.message": "hello", "inputs.numbers.$paste": "4, 2"})
    assert "Outputs" not in client.get(location).get_data(as_text=True)  # still QUEUED: nothing yet
    deadline, page = time.time() + 10, ""
    while 'id="execution-outputs"' not in page and time.time() < deadline:
        time.sleep(0.2)
        page = client.get(location).get_data(as_text=True)
    outputs = page[page.index('id="execution-outputs"'):]
    assert "&#34;hello&#34;" in outputs and "[4, 2]" in outputs


def test_the_last_status_poll_redraws_the_page_once(client):
    location = launch(client)
    poll = {"HX-Request": "true", "HX-Target": "status"}
    assert "HX-Refresh" not in client.get(location, headers=poll).headers  # still moving
    deadline = time.time() + 10
    while "SUCCEEDED" not in client.get(location).get_data(as_text=True) and time.time() < deadline:
        time.sleep(0.2)
    assert client.get(location, headers=poll).headers["HX-Refresh"] == "true"


def test_the_launch_form_mark_is_not_shown_as_an_option(client):
    assert 'id="execution-options"' not in client.get(launch(client)).get_data(as_text=True)  # none chosen
    values = {"inputs.sorted_list1.$paste": "1", "inputs.sorted_list2.$paste": "2", "options.cluster_pool": "gpu"}
    page = client.get(launch(client, values=values)).get_data(as_text=True)
    shown = page.split('id="execution-options"')[1].split("</dl>")[0]
    assert "gpu" in shown and "form-id" not in shown
