"""The launch experience in Chromium: launch plans, dry run, double click, no JavaScript, accessibility."""

from __future__ import annotations

import json
import re
from pathlib import Path

import grpc
import pytest
from flyteidl.admin import common_pb2
from flyteidl.service import admin_pb2_grpc
from playwright.sync_api import Page, expect

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"
FIXED_PLAN = "/launch/flytesnacks/development/launchplan/core.control_flow.merge_sort.merge_sort_fixed/v3"


def executions_named(served_admin: str, name: str) -> int:
    stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(served_admin))
    response = stub.ListExecutions(common_pb2.ResourceListRequest(
        id=common_pb2.NamedEntityIdentifier(project="flytesnacks", domain="development"), limit=10,
        filters=f"eq(execution_name,{name})"), timeout=5)
    return len(response.executions)


def test_launch_plan_with_defaults_and_a_fixed_input(page: Page, served):
    page.goto(served + FIXED_PLAN)
    fixed = page.locator("#f-inputs-run_local_at_count")
    expect(fixed).to_contain_text("Fixed by the launch plan")
    expect(fixed.get_by_role("textbox")).to_be_disabled()
    expect(page.locator("#f-inputs-numbers_count-input")).to_have_value("4")  # the launch plan's default
    page.locator("#f-inputs-numbers_count-input").fill("2")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/executions/flytesnacks/development/"))
    expect(page.locator("#execution-inputs")).to_contain_text("run_local_at_count")
    expect(page.locator("#execution-inputs")).to_contain_text("5")


def test_list_items_are_added_and_removed_in_place(page: Page, served):
    page.goto(served + MERGE)
    items = page.locator("#f-inputs-sorted_list1 .items > li")
    page.locator("#f-inputs-sorted_list1").get_by_role("button", name="Add item").click()
    expect(items).to_have_count(1)  # a person sees the item appear before pressing again
    page.locator("#f-inputs-sorted_list1").get_by_role("button", name="Add item").click()
    expect(items).to_have_count(2)
    page.locator("#f-inputs-sorted_list1-0-input").fill("7")
    page.locator("#f-inputs-sorted_list1-1-input").fill("3")
    page.get_by_role("button", name="Move item 2 up").click()
    expect(page.locator("#f-inputs-sorted_list1-0-input")).to_have_value("3")
    page.get_by_role("button", name="Remove item 1").click()
    expect(items).to_have_count(1)
    expect(page.locator("#f-inputs-sorted_list1-0-input")).to_have_value("7")


def test_preview_shows_the_request_and_launches_nothing(page: Page, served, served_admin):
    page.goto(served + MERGE)
    launch_id = page.locator("input[name=launch_id]").input_value()
    page.get_by_label("sorted_list1").fill("1, 2")
    page.get_by_label("sorted_list2").fill("3")
    page.get_by_role("button", name="Preview (dry run)").click()
    request = json.loads(page.locator("#preview-json").inner_text())
    assert request["name"] == launch_id
    assert request["spec"]["launchPlan"]["name"] == "core.control_flow.merge_sort.merge"
    expect(page.locator("#preview-command")).to_contain_text("flytectl create execution --execFile")
    assert executions_named(served_admin, launch_id) == 0


def test_double_click_launches_once(page: Page, served, served_admin):
    page.goto(served + MERGE)
    launch_id = page.locator("input[name=launch_id]").input_value()
    page.get_by_label("sorted_list1").fill("1")
    page.get_by_label("sorted_list2").fill("2")
    page.get_by_role("button", name="Launch", exact=True).dblclick()
    expect(page).to_have_url(re.compile(rf"/executions/flytesnacks/development/{launch_id}$"))
    assert executions_named(served_admin, launch_id) == 1


def test_the_same_launch_without_javascript(browser, served, served_admin):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + MERGE)
    page.get_by_role("button", name="Add item").first.click()  # a plain form post redraws the form
    page.locator("#f-inputs-sorted_list1-0-input").fill("4")
    page.get_by_label("sorted_list2").fill("1, 3")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/executions/flytesnacks/development/a[a-z0-9]{19}$"))
    expect(page.locator("#execution-inputs")).to_contain_text("[4]")
    expect(page.locator("#execution-inputs")).to_contain_text("[1, 3]")
    context.close()


@pytest.fixture(scope="module")
def an_execution(browser, served) -> str:
    """The path of an execution (of demo.echo, which has outputs once done) launched through the form."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + "/launch/flytesnacks/development/task/demo.echo/v1")
    page.get_by_label("message").fill("hello")
    page.get_by_label("numbers").fill("1, 2")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/executions/flytesnacks/development/a[a-z0-9]{19}$"))
    path = page.url.split(served, 1)[1]
    context.close()
    return path


@pytest.mark.parametrize("path", ["/", "/projects/flytesnacks/development", MERGE, FIXED_PLAN,
                                  "/launch/flytesnacks/development/task/demo.types.structs/v1",
                                  "/launch/flytesnacks/development/task/demo.types.unions/v1",
                                  "/executions/flytesnacks/development", "{execution}", "{execution}/relaunch",
                                  "{execution}/relaunch/edit", "{execution}/recover", "{execution}/terminate"])
def test_no_serious_accessibility_violations(browser, served, an_execution, path):
    context = browser.new_context(bypass_csp=True)  # to inject axe-core; the app's own pages need no exception
    page = context.new_page()
    page.goto(served + path.format(execution=an_execution))
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations"
                               ".filter(v => ['serious', 'critical'].includes(v.impact))"
                               ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
    context.close()
    assert violations == []


def test_no_console_errors_or_csp_violations(page: Page, served):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(served + "/launch/flytesnacks/development/task/demo.types.nested/v1")
    page.get_by_role("button", name="Add item").click()
    page.get_by_role("button", name="Add entry").click()
    expect(page.locator("#f-inputs-grid-0-0-key-input")).to_be_visible()
    page.get_by_role("button", name="Preview (dry run)").click()
    expect(page.locator("#form-errors")).to_contain_text("need attention")
    assert [e for e in errors if "status of 422" not in e] == []  # 422 is the form coming back with its errors


def test_import_an_execfile_then_launch(page: Page, served, served_admin, tmp_path):
    exec_file = tmp_path / "merge.yaml"
    exec_file.write_text("task: core.control_flow.merge_sort.merge\nversion: v2\ninputs:\n"
                         "  sorted_list1: [2, 4, 6]\n  sorted_list2:\n  - 1\n  - 3\nkubeServiceAcct: builder\n")
    page.goto(served + MERGE)
    page.get_by_text("Import a flytectl execFile").click()
    page.get_by_label("execFile", exact=True).set_input_files(str(exec_file))
    page.get_by_role("button", name="Import into the form").click()
    expect(page.locator("#form-errors")).to_contain_text("The execFile filled the form")
    expect(page.locator("#f-inputs-sorted_list1-2-input")).to_have_value("6")
    expect(page.locator("#f-options-service_account-input")).to_have_value("builder")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/executions/flytesnacks/development/"))
    expect(page.locator("#execution-inputs")).to_contain_text("[2, 4, 6]")
    expect(page.locator("#execution-options")).to_contain_text("builder")


def test_a_pasted_execfile_that_does_not_fit_is_reported_per_key(page: Page, served):
    page.goto(served + MERGE)
    page.get_by_text("Import a flytectl execFile").click()
    page.get_by_label("or paste the execFile").fill("task: core.control_flow.merge_sort.merge\nversion: v2\ninputs:\n"
                                          "  sorted_list1: [1, x]\n  colour: red\n")
    page.get_by_role("button", name="Import into the form").click()
    errors = page.locator("#form-errors")
    expect(errors).to_contain_text("colour: no matching input")
    expect(errors).to_contain_text("sorted_list1: item 2: expected an integer")


def test_datetime_picker_with_a_time_zone(page: Page, served):
    page.goto(served + "/launch/flytesnacks/development/task/demo.types.primitives/v1")
    page.locator("#f-inputs-dt-local").fill("2024-05-01T12:30:00")
    page.locator("#f-inputs-dt-tz").fill("Europe/Paris")
    page.get_by_role("button", name="Preview (dry run)").click()
    expect(page.locator("#f-inputs-dt")).to_contain_text("2024-05-01T10:30:00Z in UTC")


def test_a_field_is_checked_as_soon_as_it_changes(page: Page, served):
    page.goto(served + "/launch/flytesnacks/development/task/demo.types.primitives/v1")
    page.locator("#f-inputs-i-input").fill("1.5")
    page.locator("#f-inputs-i-input").blur()  # a change event: only this field is checked and redrawn
    expect(page.locator("#f-inputs-i-error")).to_have_text("expected an integer, got '1.5'")
    expect(page.locator("#f-inputs-f-error")).to_have_count(0)  # nothing said yet about fields not touched
    page.locator("#f-inputs-i-input").fill("15")
    page.locator("#f-inputs-i-input").blur()
    expect(page.locator("#f-inputs-i-error")).to_have_count(0)
    expect(page.locator("#f-inputs-i-input")).to_have_value("15")
