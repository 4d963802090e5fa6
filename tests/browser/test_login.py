"""Logging in through a real OpenID provider in Chromium; a shared link opened logged out comes back after login."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from flyteidl.admin import execution_pb2
from playwright.sync_api import expect

from tests.browser.conftest import free_port, serving
from tests.browser.test_links import Admin
from tests.oidc.harness import running_oidc_provider
from webapp.sandbox.server import start

MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    """`flyte-launch serve` in Pkce mode, in front of a sandbox admin that enforces the provider's tokens."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_oidc_provider(redirect_uris=(f"{base}/auth/callback",)) as provider:
        admin = start(str(tmp_path_factory.mktemp("secured") / "admin.db"), auth_issuer=provider.issuer,
                      client_id=provider.public_client_id, redirect_uri=f"{base}/auth/callback")
        env = {**os.environ, "FLYTE_LAUNCH_AUTH_TYPE": "Pkce",
               "FLYTE_LAUNCH_SCOPES": "openid offline_access profile all"}
        process = subprocess.Popen([sys.executable, "-m", "webapp.cli", "serve", "--port", str(port),
                                    "--admin-endpoint", admin.address, "--insecure",
                                    "--data-dir", str(tmp_path_factory.mktemp("data"))],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with serving(process, port):
            yield base, admin, provider
        admin.stop(grace=None)


def sign_in(page, username: str) -> None:
    expect(page.get_by_label("Username")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_role("button", name="Sign in").click()


def test_log_in_then_launch_as_yourself(browser, secured):
    base, admin, provider = secured
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + MERGE)
    sign_in(page, "ada")
    expect(page).to_have_url(base + MERGE)
    expect(page.locator(".who")).to_contain_text("Signed in as Ada")
    page.get_by_label("sorted_list1").fill("2, 4")
    page.get_by_label("sorted_list2").fill("3")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/executions/flytesnacks/development/a[a-z0-9]{19}$"))
    name = page.url.rsplit("/", 1)[1]
    expect(page.locator("main")).to_contain_text("by ada")
    context.close()
    viewer = Admin(admin.address)
    token = provider.client_credentials_token()
    execution = viewer.stub.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=viewer.id_of(name)), timeout=5,
                                         metadata=[("flyte-authorization", f"Bearer {token}")])
    assert execution.spec.metadata.principal == "ada"


def test_a_shared_link_opened_logged_out_comes_back_after_login(browser, secured):
    base, admin, provider = secured
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + MERGE)
    sign_in(page, "ada")
    page.get_by_label("sorted_list1").fill("1")
    page.get_by_label("sorted_list2").fill("2")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/executions/"))
    link = page.locator("#relaunch-link").input_value()
    context.close()

    teammate = browser.new_context()
    page = teammate.new_page()
    page.goto(link)
    sign_in(page, "bob")
    expect(page).to_have_url(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relaunch")
    page.get_by_role("button", name="Relaunch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/executions/flytesnacks/development/a[a-z0-9]{19}$"))
    expect(page.locator("main")).to_contain_text("by bob")
    teammate.close()
