"""An execution's page; its status block refreshes itself through htmx until the phase is terminal."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from webapp import admin
from webapp.flyte import form

bp = Blueprint("executions", __name__)


@bp.get("/executions/<project>/<domain>/<name>")
def show(project: str, domain: str, name: str):
    """The execution; an htmx poll of its status block gets only that block."""
    client = admin.client()
    execution = client.execution(project, domain, name)
    if request.htmx.target == "status":
        return render_template("executions/_status.html", execution=execution)
    entity = client.entity(execution.launched)
    inputs = form.shown(entity.inputs, client.execution_inputs(project, domain, name).literals)
    return render_template("executions/show.html", execution=execution, entity=entity, inputs=inputs)
