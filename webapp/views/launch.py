"""The launch form: GET shows it, POST launches and redirects (303) to the new execution.

A POST that carries a form button's `$action` (add an item, switch to JSON...) only redraws the form; the
same request works as a plain form submit and as an htmx request that swaps in the changed part.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from webapp import admin
from webapp.admin.models import EntityRef
from webapp.flyte import form, requests

bp = Blueprint("launch", __name__)
LAUNCH_URL = "/launch/<project>/<domain>/<any(task, launchplan):kind>/<name>/<version>"


@bp.get(LAUNCH_URL)
def show(project: str, domain: str, kind: str, name: str, version: str):
    """The form for one version of a task or launch plan."""
    entity = admin.client().entity(EntityRef(kind, project, domain, name, version))
    return render_template("launch/form.html", entity=entity, fields=form.tree(entity.inputs)[0])


@bp.post(LAUNCH_URL)
def launch(project: str, domain: str, kind: str, name: str, version: str):
    """Launches; a value that does not fit brings the form back with everything typed kept."""
    client = admin.client()
    entity = client.entity(EntityRef(kind, project, domain, name, version))
    if request.form.get(form.ACTION):
        return render_template("launch/form.html", entity=entity, fields=form.tree(entity.inputs, request.form)[0])
    inputs, fields = form.parse(entity.inputs, request.form)
    if inputs is None:
        return render_template("launch/form.html", entity=entity, fields=fields, invalid=True), 422
    execution = client.create_execution(requests.create_execution(entity.ref, inputs))
    return redirect(url_for("executions.show", project=project, domain=domain, name=execution), 303)
