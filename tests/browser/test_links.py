"""Links handed to a teammate, each opened in a fresh browser context: page, button, the expected execution."""

from __future__ import annotations

import re

import grpc
from flyteidl.admin import execution_pb2
from flyteidl.core import identifier_pb2
from flyteidl.service import admin_pb2_grpc
from playwright.sync_api import expect

MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"
EXECUTION = re.compile(r"/executions/flytesnacks/development/([a-z0-9-]+)$")


class Admin:
    def __init__(self, address):
        self.stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(address))

    def id_of(self, name):
        return identifier_pb2.WorkflowExecutionIdentifier(project="flytesnacks", domain="development", name=name)

    def execution(self, name):
        return self.stub.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=self.id_of(name)), timeout=5)

    def inputs(self, name):
        return self.stub.GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=self.id_of(name)),
                                          timeout=5).full_inputs


def launched_name(page) -> str:
    expect(page).to_have_url(EXECUTION)
    return EXECUTION.search(page.url).group(1)


def launch_merge(browser, served, first="2, 4", second="1") -> str:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + MERGE)
    page.get_by_label("sorted_list1").fill(first)
    page.get_by_label("sorted_list2").fill(second)
    page.get_by_role("button", name="Launch", exact=True).click()
    name = launched_name(page)
    context.close()
    return name


def in_fresh_context(browser, url: str, button: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name=button, exact=True).click()
    name = launched_name(page)
    context.close()
    return name


def test_relaunch_link(browser, served, served_admin):
    admin = Admin(served_admin)
    original = launch_merge(browser, served)
    new = in_fresh_context(browser, f"{served}/executions/flytesnacks/development/{original}/relaunch", "Relaunch")
    assert new != original
    assert admin.execution(new).spec.metadata.mode == execution_pb2.ExecutionMetadata.RELAUNCH
    assert admin.execution(new).spec.metadata.reference_execution.name == original
    assert admin.inputs(new) == admin.inputs(original)


def test_recover_link(browser, served, served_admin):
    admin = Admin(served_admin)
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + "/launch/flytesnacks/development/task/demo.failures.always_fails/v1")
    page.get_by_label("reason").fill("disk full")
    page.get_by_role("button", name="Launch", exact=True).click()
    failed = launched_name(page)
    expect(page.get_by_role("status")).to_have_text("FAILED", timeout=15_000)
    context.close()
    new = in_fresh_context(browser, f"{served}/executions/flytesnacks/development/{failed}/recover", "Recover")
    assert admin.execution(new).spec.metadata.mode == execution_pb2.ExecutionMetadata.RECOVERED
    assert admin.inputs(new) == admin.inputs(failed)


def test_prefilled_launch_link(browser, served, served_admin):
    admin = Admin(served_admin)
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + MERGE)
    page.get_by_label("sorted_list1").fill("5, 6")
    page.get_by_label("sorted_list2").fill("7")
    page.get_by_text("Options").click()
    page.locator("#f-options-cluster_pool-input").fill("gpu")
    page.get_by_role("button", name="Link to this form").click()
    url = page.locator("#share-url").input_value()
    context.close()

    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#f-inputs-sorted_list1-1-input")).to_have_value("6")
    page.get_by_role("button", name="Launch", exact=True).click()
    name = launched_name(page)
    context.close()
    launched = admin.execution(name)
    assert launched.spec.cluster_assignment.cluster_pool_name == "gpu"
    assert [lit.scalar.primitive.integer
            for lit in admin.inputs(name).literals["sorted_list1"].collection.literals] == [5, 6]


def test_relaunch_with_changes_link_keeps_every_value(browser, served, served_admin):
    admin = Admin(served_admin)
    original = launch_merge(browser, served, "3, 1", "2")
    new = in_fresh_context(browser, f"{served}/executions/flytesnacks/development/{original}/relaunch/edit", "Launch")
    execution = admin.execution(new)
    assert execution.spec.metadata.mode == execution_pb2.ExecutionMetadata.RELAUNCH
    assert execution.spec.metadata.reference_execution.name == original
    assert admin.inputs(new) == admin.inputs(original)


def test_console_link_opens_the_execution_here(browser, served):
    original = launch_merge(browser, served)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{served}/")
    page.get_by_label("Open a Flyte console execution link").fill(
        f"https://flyte.example.com/console/projects/flytesnacks/domains/development/executions/{original}")
    page.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(f"/executions/flytesnacks/development/{original}$"))
    context.close()
