"""Finding something to launch: projects and domains, a domain's entities, an entity's versions."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for

from webapp import admin

bp = Blueprint("browse", __name__)
# a Flyte console execution URL, from any host: what people paste to share an execution
CONSOLE_EXECUTION = re.compile(r"/console/projects/([^/?#\s]+)/domains/([^/?#\s]+)/executions/([^/?#\s]+)")


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
    """The tasks, workflows and launch plans of one project and domain, filtered by `q` as the person types."""
    client = admin.client()
    found = client.project(project)
    if domain not in found.domains:
        abort(404, f"Project {project} has no domain {domain!r}.")
    query = request.args.get("q", "").strip()
    if CONSOLE_EXECUTION.search(query):
        return open_link()
    lists = {kind: [n for n in client.entity_names(project, domain, kind) if query.lower() in n.lower()]
             for kind in ("task", "workflow", "launchplan")}
    template = "browse/_entities.html" if request.htmx.target == "entities" else "browse/project.html"
    return render_template(template, project=found, domain=domain, query=query, lists=lists)


@bp.get("/projects/<project>/<domain>/<any(task, launchplan):kind>/<name>")
def versions(project: str, domain: str, kind: str, name: str):
    """An entity's versions, newest first, a page at a time."""
    page, next_token = admin.client().versions(project, domain, kind, name, request.args.get("token", ""))
    if not page and not request.args.get("token"):
        abort(404, f"No {kind} named {name!r} in {project}/{domain}.")
    return render_template("browse/versions.html", project=project, domain=domain, kind=kind, name=name,
                           versions=page, next_token=next_token)


@bp.get("/projects/<project>/<domain>/workflow/<name>")
def workflow(project: str, domain: str, name: str):
    """The launch plans of a workflow: its default one first, the active version marked."""
    plans = admin.client().launch_plans_of(project, domain, name)
    if not plans:
        abort(404, f"No launch plans for workflow {name!r} in {project}/{domain}.")
    return render_template("browse/workflow.html", project=project, domain=domain, name=name, plans=plans)


@bp.get("/open")
def open_link():
    """Opens a pasted Flyte console execution URL here; only our own pages are ever redirected to."""
    text = request.args.get("q", "").strip()
    match = CONSOLE_EXECUTION.search(text)
    if not match:
        abort(404, "That is not a Flyte console execution link (…/console/projects/P/domains/D/executions/NAME).")
    project, domain, name = match.groups()
    return redirect(url_for("executions.show", project=project, domain=domain, name=name))
