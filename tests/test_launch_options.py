"""Launch options, dry run and double-submit safety, through the app against the sandbox over real gRPC."""

from __future__ import annotations

import json
import re

import grpc
from flyteidl.admin import common_pb2, execution_pb2, launch_plan_pb2
from flyteidl.core import identifier_pb2
from flyteidl.service import admin_pb2_grpc

from tests.conftest import csrf_token

MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"
LISTS = {"inputs.sorted_list1.$paste": "1", "inputs.sorted_list2.$paste": "2"}


def form_state(client, url):
    page = client.get(url).get_data(as_text=True)
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', page).group(1)
    return {"csrf_token": csrf_token(page), "launch_id": launch_id}


def stored(sandbox, project, domain, name):
    stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))
    ident = identifier_pb2.WorkflowExecutionIdentifier(project=project, domain=domain, name=name)
    return stub.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=ident), timeout=5)


def count_executions(sandbox, name):
    stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))
    response = stub.ListExecutions(common_pb2.ResourceListRequest(
        id=common_pb2.NamedEntityIdentifier(project="flytesnacks", domain="development"), limit=100,
        filters=f"eq(name,{name})"), timeout=5)
    return len(response.executions)


def test_every_option_reaches_the_request(client, sandbox):
    state = form_state(client, MERGE)
    response = client.post(MERGE, data={**state, **LISTS,
        "options.name": "my-run-1", "options.iam_role": "arn:aws:iam::1:role/r", "options.service_account": "sa",
        "options.envs.$count": "1", "options.envs.0.$key": "MODE", "options.envs.0": "fast",
        "options.cluster_pool": "gpu", "options.execution_cluster": "east", "options.overwrite_cache": "true",
        "options.interruptible": "off", "options.max_parallelism": "7", "options.raw_output_prefix": "s3://b/out",
        "options.labels.$count": "1", "options.labels.0.$key": "team", "options.labels.0": "ml",
        "options.tags.$paste": "nightly, exp", "options.qos": "HIGH", "options.disable_notifications": "true"})
    assert response.status_code == 303, response.get_data(as_text=True)
    spec = stored(sandbox, "flytesnacks", "development", "my-run-1").spec
    assert spec.security_context.run_as.iam_role == "arn:aws:iam::1:role/r"
    assert spec.auth_role.kubernetes_service_account == "sa"
    assert [(kv.key, kv.value) for kv in spec.envs.values] == [("MODE", "fast")]
    assert spec.cluster_assignment.cluster_pool_name == "gpu"
    assert spec.execution_cluster_label.value == "east"
    assert spec.overwrite_cache and spec.disable_all
    assert spec.HasField("interruptible") and spec.interruptible.value is False
    assert spec.max_parallelism == 7
    assert spec.raw_output_data_config.output_location_prefix == "s3://b/out"
    assert dict(spec.labels.values) == {"team": "ml"}
    assert list(spec.tags) == ["nightly", "exp"]
    assert spec.quality_of_service.tier == 1  # HIGH


def test_target_project_and_domain(client, sandbox):
    response = client.post(MERGE, data={**form_state(client, MERGE), **LISTS, "options.target_domain": "staging"})
    assert response.headers["Location"].startswith("/executions/flytesnacks/staging/")


def test_double_submit_creates_one_execution(client, sandbox):
    state = form_state(client, MERGE)
    first = client.post(MERGE, data={**state, **LISTS})
    second = client.post(MERGE, data={**state, **LISTS})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count_executions(sandbox, first.headers["Location"].rsplit("/", 1)[1]) == 1


def test_double_submit_with_a_typed_name_lands_on_it(client):
    state = form_state(client, MERGE)
    data = {**state, **LISTS, "options.name": "typed-twice"}
    assert client.post(MERGE, data=data).headers["Location"] == client.post(MERGE, data=data).headers["Location"]


def test_a_name_taken_by_another_launch_is_an_error_beside_the_name(client):
    client.post(MERGE, data={**form_state(client, MERGE), **LISTS, "options.name": "taken-name"})
    response = client.post(MERGE, data={**form_state(client, MERGE), **LISTS, "options.name": "taken-name"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="f-options-name-error">an execution named &#39;taken-name&#39; already exists' in page


def test_name_rules_are_checked(client):
    response = client.post(MERGE, data={**form_state(client, MERGE), **LISTS, "options.name": "Bad_Name"})
    assert response.status_code == 422
    assert "lowercase letters, digits and &#39;-&#39;" in response.get_data(as_text=True)


def test_name_check_says_taken_or_free(client):
    client.post(MERGE, data={**form_state(client, MERGE), **LISTS, "options.name": "checked-name"})
    taken = client.get(MERGE + "/name?options.name=checked-name").get_data(as_text=True)
    free = client.get(MERGE + "/name?options.name=never-used-name").get_data(as_text=True)
    assert "already exists" in taken and "is free" in free


def test_preview_launches_nothing_and_shows_the_request(client, sandbox):
    state = form_state(client, MERGE)
    response = client.post(MERGE, data={**state, **LISTS, "options.cluster_pool": "gpu", "$action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    shown = json.loads(re.search(r'<pre class="code" id="preview-json">(.*?)</pre>', page, re.S).group(1)
                       .replace("&#34;", '"').replace("&quot;", '"'))
    assert shown["spec"]["clusterAssignment"] == {"clusterPoolName": "gpu"}
    assert shown["name"] == state["launch_id"]
    command = re.search(r'<pre class="code" id="preview-command">(.*?)</pre>', page, re.S).group(1)
    assert command == ("flytectl create execution --execFile core.control_flow.merge_sort.merge.v2.yaml "
                       f"-p flytesnacks -d development {state['launch_id']}")  # the same name as the request
    assert count_executions(sandbox, state["launch_id"]) == 0


def test_launch_plan_options_prefill_the_form(client, sandbox):
    stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))
    seeded = identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project="flytesnacks",
                                       domain="development", name="core.control_flow.merge_sort.merge_sort",
                                       version="v3")
    spec = stub.GetLaunchPlan(common_pb2.ObjectGetRequest(id=seeded), timeout=5).spec
    spec.security_context.run_as.iam_role = "arn:aws:iam::1:role/plan"
    spec.labels.values["team"] = "ml"
    spec.raw_output_data_config.output_location_prefix = "s3://plan/out"
    planned = identifier_pb2.Identifier()
    planned.CopyFrom(seeded)
    planned.version = "with-options"
    stub.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(id=planned, spec=spec), timeout=5)
    page = client.get("/launch/flytesnacks/development/launchplan/core.control_flow.merge_sort.merge_sort/with-options")
    html = page.get_data(as_text=True)
    assert re.search(r'name="options.iam_role"[^>]*value="arn:aws:iam::1:role/plan"', html)
    assert re.search(r'name="options.labels.0.\$key"[^>]*value="team"', html)
    assert re.search(r'name="options.raw_output_prefix"[^>]*value="s3://plan/out"', html)
