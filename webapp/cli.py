"""The `flyte-launch` command: `serve` the web app, or run only the `sandbox` admin."""

from __future__ import annotations

import argparse
import atexit
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from webapp import config

SANDBOX_READY = "sandbox admin listening on "
DEFAULT_SANDBOX_PORT = 30080  # where flytectl's sandbox config (dns:///localhost:30080) looks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="flyte-launch",
                                     description="A browser console for launching Flyte executions.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="serve the web app (with the embedded sandbox unless an admin is configured)")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (0.0.0.0 in a container)")
    serve.add_argument("--admin-endpoint", help="FlyteAdmin gRPC endpoint, e.g. dns:///flyte.example.com:443")
    serve.add_argument("--insecure", action="store_true", default=None, help="plaintext gRPC to the admin")
    serve.add_argument("--data-dir", help="where the sandbox database, sessions and secrets live "
                                          f"(default {config.default_data_dir()})")
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(run=_serve)

    sandbox = commands.add_parser("sandbox", help="run only the sandbox FlyteAdmin gRPC server")
    sandbox.add_argument("--port", type=int, default=DEFAULT_SANDBOX_PORT, help="0 picks a free port")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--db", help="SQLite file (default: sandbox.db in the data dir)")
    sandbox.add_argument("--queued-seconds", type=float, default=2.0, help="how long executions stay QUEUED")
    sandbox.add_argument("--running-seconds", type=float, default=3.0, help="how long executions stay RUNNING")
    sandbox.add_argument("--auth-issuer", metavar="URL", help="require access tokens from this OpenID issuer")
    sandbox.add_argument("--auth-audience", default="flyteadmin", help="the audience those tokens must carry")
    sandbox.add_argument("--auth-client-id", default="flytectl", help="the public client advertised to clients")
    sandbox.add_argument("--auth-redirect-uri", default="http://localhost:53593/callback",
                         help="the public client's redirect URI advertised to clients")
    sandbox.set_defaults(run=_sandbox)

    args = parser.parse_args(argv)
    args.run(args)


def _sandbox(args) -> None:
    from webapp.sandbox.server import start

    db = args.db or str(config.default_data_dir() / "sandbox.db")
    server = start(db, port=args.port, host=args.host,
                   queued_seconds=args.queued_seconds, running_seconds=args.running_seconds,
                   auth_issuer=args.auth_issuer, auth_audience=args.auth_audience,
                   client_id=args.auth_client_id, redirect_uri=args.auth_redirect_uri)
    print(f"{SANDBOX_READY}{server.address} (database {db})", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: server.stop(grace=1))
    try:
        server.wait()
    except KeyboardInterrupt:
        server.stop(grace=1)


def _serve(args) -> None:
    settings = config.load(admin_endpoint=args.admin_endpoint, insecure=args.insecure, data_dir=args.data_dir)
    data_dir = Path(settings.data_dir or config.default_data_dir())
    settings = settings.replace(data_dir=str(data_dir))
    if not settings.admin_endpoint:
        settings = settings.replace(admin_endpoint=_start_sandbox(data_dir / "sandbox.db"), insecure=True)
        print(f"Embedded sandbox FlyteAdmin at {settings.admin_endpoint}", flush=True)
    from webapp.server import run

    try:
        run(settings, args.host, args.port, args.workers)
    except ValueError as error:  # a setting that cannot work: say which, without a stack trace
        raise SystemExit(f"flyte-launch: {error}") from None


def _start_sandbox(db: Path) -> str:
    """The sandbox in its own process (gRPC threads and gunicorn's fork don't mix); answers its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "sandbox", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE, text=True)
    atexit.register(process.terminate)
    line = process.stdout.readline()
    if not line.startswith(SANDBOX_READY):
        raise SystemExit(f"the embedded sandbox did not start (exit code {process.poll()})")
    # keep reading what it prints: a full pipe would block the sandbox, and every page with it
    threading.Thread(target=shutil.copyfileobj, args=(process.stdout, sys.stdout), daemon=True).start()
    return line[len(SANDBOX_READY):].split()[0]


if __name__ == "__main__":
    main()
