"""Server-side sessions shared by workers (files in the data dir) and by replicas (Redis), with a safe cookie."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import csrf_token
from webapp import create_app
from webapp.config import Settings

MERGE = "/launch/flytesnacks/development/task/core.control_flow.merge_sort.merge/v2"
LISTS = {"inputs.sorted_list1.$paste": "1", "inputs.sorted_list2.$paste": "2"}


def two_instances(sandbox, **settings):
    """Two app instances, as two gunicorn workers or two replicas would run: same settings, nothing else shared."""
    def make():
        return create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="shared", **settings))

    return make(), make()


def form_on_one_post_on_the_other(first, second):
    client_a, client_b = first.test_client(), second.test_client()
    token = csrf_token(client_a.get(MERGE).get_data(as_text=True))
    client_b.set_cookie("flyte_launch_session", client_a.get_cookie("flyte_launch_session").value)
    return client_b.post(MERGE, data={"csrf_token": token, **LISTS})


def test_workers_of_one_host_share_sessions(sandbox, tmp_path):
    response = form_on_one_post_on_the_other(*two_instances(sandbox, data_dir=str(tmp_path)))
    assert response.status_code == 303  # the CSRF token, kept in the session, was found by the other worker


def test_without_a_shared_store_the_other_worker_refuses(sandbox, tmp_path):
    first = create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="s",
                                data_dir=str(tmp_path / "a")))
    second = create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="s",
                                 data_dir=str(tmp_path / "b")))
    assert form_on_one_post_on_the_other(first, second).status_code == 400  # shows the test above can fail


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: `make test` installs it")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_replicas_share_sessions_through_redis(sandbox, redis_url, tmp_path):
    first = create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="s", redis_url=redis_url,
                                data_dir=str(tmp_path / "a")))
    second = create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="s", redis_url=redis_url,
                                 data_dir=str(tmp_path / "b")))
    assert form_on_one_post_on_the_other(first, second).status_code == 303


def test_session_cookie_is_httponly_lax_and_secure_over_https(client):
    plain = client.get(MERGE).headers["Set-Cookie"]
    assert plain.startswith("flyte_launch_session=") and "HttpOnly" in plain and "SameSite=Lax" in plain
    assert "Secure" not in plain
    secure = client.get(MERGE, base_url="https://launch.example.com").headers["Set-Cookie"]
    assert "Secure" in secure
