"""Relaunch and recover an execution, and the links a person hands to a teammate.

Opening a link never launches anything: it shows what will happen and a button; the POST does it.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from webapp import admin, auth
from webapp.admin.models import EntityRef
from webapp.flyte import form, options
from webapp.flyte.relaunch import carry_over, reusable_options
from webapp.views import launch

bp = Blueprint("relaunch", __name__)
EXECUTION_URL = "/executions/<project>/<domain>/<name>"


@bp.get(EXECUTION_URL + "/relaunch")
def confirm_relaunch(project: str, domain: str, name: str):
    """What a relaunch will do, with the button that does it."""
    execution, entity, inputs = _original(project, domain, name)
    kept = auth.take_pending_form(request.path) or {}  # posted when the login had run out
    return render_template("relaunch/relaunch.html", execution=execution, entity=entity, inputs=inputs,
                           name=kept.get("name", ""), overwrite_cache=kept.get("overwrite_cache") == "true")


@bp.post(EXECUTION_URL + "/relaunch")
def relaunch(project: str, domain: str, name: str):
    """The same execution again, through RelaunchExecution; a new name is optional."""
    new_name = request.form.get("name", "").strip()
    problem = options.name_problem(new_name)
    if problem:
        execution, entity, inputs = _original(project, domain, name)
        return render_template("relaunch/relaunch.html", execution=execution, entity=entity, inputs=inputs,
                               name=new_name, name_error=problem,
                               overwrite_cache=request.form.get("overwrite_cache") == "true"), 422
    created = admin.client().relaunch(project, domain, name, new_name, request.form.get("overwrite_cache") == "true")
    return redirect(url_for("executions.show", project=project, domain=domain, name=created), 303)


@bp.get(EXECUTION_URL + "/recover")
def confirm_recover(project: str, domain: str, name: str):
    """What a recover will do, offered only for an execution that failed, was aborted or timed out."""
    execution, entity, inputs = _original(project, domain, name)
    kept = auth.take_pending_form(request.path) or {}
    return render_template("relaunch/recover.html", execution=execution, entity=entity, inputs=inputs,
                           name=kept.get("name", ""))


@bp.post(EXECUTION_URL + "/recover")
def recover(project: str, domain: str, name: str):
    """Resumes from the last failure through RecoverExecution."""
    client = admin.client()
    execution = client.execution(project, domain, name)
    if not execution.recoverable:
        abort(409, f"Only a failed, aborted or timed-out execution can be recovered; {name} is {execution.phase}.")
    created = client.recover(project, domain, name, request.form.get("name", "").strip())
    return redirect(url_for("executions.show", project=project, domain=domain, name=created), 303)


@bp.get(EXECUTION_URL + "/relaunch/edit")
def relaunch_with_changes(project: str, domain: str, name: str):
    """The launch form holding the execution's inputs and options, on its version or on `?version=`."""
    client = admin.client()
    execution = client.execution(project, domain, name)
    original = client.entity(execution.launched)
    ref = execution.launched
    version = request.args.get("version") or ref.version
    entity = original if version == ref.version else client.entity(EntityRef(ref.kind, ref.project, ref.domain,
                                                                              ref.name, version))
    literals = client.execution_inputs(project, domain, name).literals
    carried = carry_over(original.inputs, entity.inputs, literals)
    state = {**form.flatten_literals(entity.inputs, carried.literals), **options.flatten(reusable_options(execution))}
    versions = client.versions(ref.project, ref.domain, ref.kind, ref.name, limit=50)[0]
    return launch.page(entity, state, options.new_launch_id(), reference=f"{project}/{domain}/{name}", check=False,
                       carried=carried, versions=versions, original_version=ref.version)


@bp.get("/console/projects/<project>/domains/<domain>/executions/<name>")
def console_execution(project: str, domain: str, name: str):
    """A Flyte console link with its host replaced by ours opens the same execution here."""
    return redirect(url_for("executions.show", project=project, domain=domain, name=name))


def _original(project: str, domain: str, name: str):
    client = admin.client()
    execution = client.execution(project, domain, name)
    entity = client.entity(execution.launched)
    return execution, entity, form.shown(entity.inputs, client.execution_inputs(project, domain, name).literals)
