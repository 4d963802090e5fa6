"""The `flyte-launch` command as a newcomer runs it: serve prints where to go; sandbox serves other clients."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import grpc
from flyteidl.admin import project_pb2
from flyteidl.service import admin_pb2_grpc

from tests.browser.conftest import free_port


def test_serve_prints_the_url_and_keeps_queries_out_of_its_log(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "webapp.cli", "serve", "--port", str(port),
                                "--data-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        shared = f"http://127.0.0.1:{port}/launch/flytesnacks/development/task/demo.echo/v1?inputs.message=private-words"
        assert b"private-words" in urllib.request.urlopen(shared, timeout=10).read()
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert f"Flyte Launch: open http://127.0.0.1:{port}/" in output
    assert "Embedded sandbox FlyteAdmin at 127.0.0.1:" in output
    assert '"GET /launch/flytesnacks/development/task/demo.echo/v1" 200' in output
    assert "private-words" not in output


def test_sandbox_command_serves_other_clients_and_keeps_its_data(tmp_path):
    db = tmp_path / "admin.db"
    seen = []
    for run in range(2):  # the second start finds the database as the first left it
        process = subprocess.Popen([sys.executable, "-m", "webapp.cli", "sandbox", "--port", "0", "--db", str(db)],
                                   stdout=subprocess.PIPE, text=True)
        try:
            line = process.stdout.readline()
            assert line.startswith("sandbox admin listening on 127.0.0.1:"), line
            stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(line.split()[4]))
            if run == 0:
                stub.RegisterProject(project_pb2.ProjectRegisterRequest(
                    project=project_pb2.Project(id="added", name="added")), timeout=10)
            seen.append(sorted(p.id for p in stub.ListProjects(project_pb2.ProjectListRequest(limit=10),
                                                               timeout=10).projects))
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert seen == [["added", "flytesnacks"], ["added", "flytesnacks"]]
