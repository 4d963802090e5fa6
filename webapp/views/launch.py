"""The launch form: GET shows it, POST launches and redirects (303) to the new execution.

A POST that carries a form button's `$action` (add an item, switch to JSON, preview...) only redraws the form;
the same request works as a plain form submit and as an htmx request that swaps in the changed part.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from webapp import admin
from webapp.admin.errors import AlreadyExists, NotFound
from webapp.admin.models import EntityRef
from webapp.flyte import form, options, preview, requests

bp = Blueprint("launch", __name__)
LAUNCH_URL = "/launch/<project>/<domain>/<any(task, launchplan):kind>/<name>/<version>"
PREVIEW = "preview"


@bp.get(LAUNCH_URL)
def show(project: str, domain: str, kind: str, name: str, version: str):
    """The form for one version of a task or launch plan."""
    entity = admin.client().entity(EntityRef(kind, project, domain, name, version))
    return _page(entity, None, launch_id=options.new_launch_id())


@bp.post(LAUNCH_URL)
def launch(project: str, domain: str, kind: str, name: str, version: str):
    """Launches (or previews); a value that does not fit brings the form back with everything typed kept."""
    client = admin.client()
    entity = client.entity(EntityRef(kind, project, domain, name, version))
    launch_id = request.form.get("launch_id") or options.new_launch_id()
    action = request.form.get(form.ACTION, "")
    if action and action != PREVIEW:
        return _page(entity, request.form, launch_id)
    posted = {k: v for k, v in request.form.items() if k != form.ACTION}  # a preview is checked like a launch
    inputs, input_fields = form.parse(entity.inputs, posted)
    option_fields, chosen = options.tree(entity.options, posted)
    if inputs is None or any(f.has_error for f in option_fields):
        return _page(entity, request.form, launch_id, input_fields, option_fields, invalid=True), 422
    launch_request = requests.create_execution(entity.ref, inputs, {**chosen, "name": chosen["name"] or launch_id},
                                               launch_id)
    if action == PREVIEW:
        dry_run = {"json": preview.request_json(launch_request), "command": preview.command(entity.ref, chosen),
                   "lost": preview.beyond_flytectl(chosen)}
        return _page(entity, request.form, launch_id, input_fields, option_fields, preview=dry_run)
    try:
        execution = client.create_execution(launch_request)
    except AlreadyExists:
        if not _launched_by(launch_request, launch_id):
            name_field = next(f for f in option_fields if f.label == "name")
            name_field.error = f"an execution named {launch_request.name!r} already exists"
            return _page(entity, request.form, launch_id, input_fields, option_fields, invalid=True), 409
        execution = launch_request.name  # a second click, or a retry: the first one launched it
    return redirect(url_for("executions.show", project=launch_request.project, domain=launch_request.domain,
                            name=execution), 303)


@bp.get(LAUNCH_URL + "/name")
def check_name(project: str, domain: str, kind: str, name: str, version: str):
    """Whether the typed execution name follows admin's rules and is still free (a fragment for htmx)."""
    wanted = request.args.get(options.PREFIX + "name", "").strip()
    target_project = request.args.get(options.PREFIX + "target_project") or project
    target_domain = request.args.get(options.PREFIX + "target_domain") or domain
    problem = options.name_problem(wanted)
    if not problem and wanted:
        try:
            admin.client().execution(target_project, target_domain, wanted)
            problem = f"an execution named {wanted!r} already exists in {target_project}/{target_domain}"
        except NotFound:
            pass
    return render_template("launch/_name_check.html", wanted=wanted, problem=problem)


def _launched_by(launch_request, launch_id: str) -> bool:
    """Whether the execution holding this name was launched by this same form (double click, retry)."""
    existing = admin.client().execution(launch_request.project, launch_request.domain, launch_request.name)
    return existing.options.get("annotations", {}).get(requests.FORM_ANNOTATION) == launch_id


def _page(entity, posted, launch_id: str, input_fields=None, option_fields=None, **extra):
    if input_fields is None:
        input_fields = form.tree(entity.inputs, posted)[0]
    if option_fields is None:
        option_fields = options.tree(entity.options, posted)[0]
    return render_template("launch/form.html", entity=entity, fields=input_fields, option_fields=option_fields,
                           launch_id=launch_id, **extra)
