"""Finding something to launch: projects and domains, then a domain's tasks and launch plans."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from webapp import admin

bp = Blueprint("browse", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness of the web process only: a slow admin must not get the app restarted."""
    return {"status": "ok"}


@bp.get("/")
def index():
    """Every project with its domains."""
    return render_template("browse/index.html", projects=admin.client().list_projects())


@bp.get("/projects/<project>/<domain>")
def project(project: str, domain: str):
    """The tasks and launch plans of one project and domain."""
    client = admin.client()
    found = client.project(project)
    if domain not in found.domains:
        abort(404, f"Project {project} has no domain {domain!r}.")
    return render_template(
        "browse/project.html", project=found, domain=domain,
        tasks=client.entity_names(project, domain, "task"),
        launch_plans=client.entity_names(project, domain, "launchplan"))
