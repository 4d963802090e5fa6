"""The newcomer's path, end to end in Chromium: pick a task, type two lists, launch, watch it succeed."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "launch-page.png"


def test_newcomer_launches_merge_and_watches_it_succeed(page: Page, served):
    page.goto(served)
    page.get_by_role("link", name="development").first.click()
    page.get_by_role("link", name="core.control_flow.merge_sort.merge", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("core.control_flow.merge_sort.merge")
    expect(page.locator("main")).to_contain_text("Version v2")

    page.get_by_label("sorted_list1").fill("2, 4, 6")
    page.get_by_label("sorted_list2").fill("1, 3, 5")
    page.set_viewport_size({"width": 1100, "height": 760})
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.get_by_role("button", name="Launch").click()

    expect(page).to_have_url(re.compile(r"/executions/flytesnacks/development/a[a-z0-9]{19}$"))
    phase = page.get_by_role("status")
    expect(phase).to_have_text(re.compile("QUEUED|RUNNING"))
    expect(phase).to_have_text("RUNNING", timeout=10_000)
    expect(phase).to_have_text("SUCCEEDED", timeout=15_000)
    expect(page.locator("#execution-inputs")).to_contain_text("[2, 4, 6]")


def test_a_wrong_value_comes_back_beside_its_field(page: Page, served):
    page.goto(served + "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2")
    page.get_by_label("sorted_list1").fill("2, four, 6")
    page.get_by_label("sorted_list2").fill("1, 3, 5")
    page.get_by_role("button", name="Launch").click()
    second = page.locator("#f-inputs-sorted_list1-1")
    expect(second.get_by_role("textbox")).to_have_value("four")
    expect(second.locator(".field-error")).to_have_text("expected an integer, got 'four'")
    expect(page.locator("#f-inputs-sorted_list2-2").get_by_role("textbox")).to_have_value("5")
