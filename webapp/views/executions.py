"""Executions: the list, one execution (its status block refreshes itself until terminal), its record, terminate."""

from __future__ import annotations

import json

import yaml
from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, url_for

from webapp import admin, auth
from webapp.flyte import form, relaunch

bp = Blueprint("executions", __name__)
PHASES = ("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT")
EXECUTION_URL = "/executions/<project>/<domain>/<name>"


@bp.get("/executions/<project>/<domain>")
def index(project: str, domain: str):
    """Executions newest first, filtered by phase and by what they launched, a page at a time."""
    phase = request.args.get("phase", "") if request.args.get("phase") in PHASES else ""
    launched = request.args.get("launched", "").strip()
    executions, next_token = admin.client().executions(project, domain, request.args.get("token", ""), phase, launched)
    template = "executions/_rows.html" if request.htmx.target == "execution-list" else "executions/index.html"
    return render_template(template, project=project, domain=domain, executions=executions, next_token=next_token,
                           phase=phase, launched=launched, phases=PHASES)


@bp.get(EXECUTION_URL)
def show(project: str, domain: str, name: str):
    """The execution; an htmx poll of its status block gets only that block."""
    client = admin.client()
    if request.htmx.target == "status":
        execution = client.execution(project, domain, name)
        response = make_response(render_template("executions/_status.html", execution=execution))
        if execution.terminal:  # the poll ends here: redraw the whole page once, outputs and all
            response.headers["HX-Refresh"] = "true"
        return response
    execution, record = client.execution_and_record(project, domain, name)
    entity = client.entity(execution.launched)
    inputs, outputs = client.execution_data(project, domain, name)
    return render_template("executions/show.html", execution=execution, entity=entity,
                           options_used=relaunch.reusable_options(execution),
                           inputs=form.shown(entity.inputs, inputs.literals),
                           outputs=form.shown(entity.outputs, outputs.literals),
                           records={fmt: _record_text(record, fmt) for fmt in ("json", "yaml")},
                           console_url=_console_url(execution))


def _record_text(record: dict, fmt: str) -> str:
    return json.dumps(record, indent=2) if fmt == "json" else yaml.safe_dump(record, sort_keys=False)


@bp.get(EXECUTION_URL + "/record.<any(json, yaml):fmt>")
def record(project: str, domain: str, name: str, fmt: str):
    """The execution's record to download, as `flytectl get execution -o json|yaml` gives it."""
    body = _record_text(admin.client().execution_and_record(project, domain, name)[1], fmt)
    return Response(body, mimetype="application/json" if fmt == "json" else "application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.get(EXECUTION_URL + "/terminate")
def confirm_terminate(project: str, domain: str, name: str):
    """Asks before terminating: a GET never changes anything."""
    kept = auth.take_pending_form(request.path) or {}  # posted when the login had run out
    return render_template("executions/terminate.html", execution=admin.client().execution(project, domain, name),
                           cause=kept.get("cause", ""))


@bp.post(EXECUTION_URL + "/terminate")
def terminate(project: str, domain: str, name: str):
    """Terminates (ABORTED), then back to the execution."""
    cause = request.form.get("cause", "").strip() or "terminated from Flyte Launch"
    admin.client().terminate(project, domain, name, cause)
    return redirect(url_for("executions.show", project=project, domain=domain, name=name), 303)


def _console_url(execution) -> str:
    endpoint = current_app.config["SETTINGS"].console_endpoint.rstrip("/")
    if not endpoint:
        return ""
    return f"{endpoint}/console/projects/{execution.project}/domains/{execution.domain}/executions/{execution.name}"
