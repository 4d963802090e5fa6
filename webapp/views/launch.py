"""The launch form: GET shows it (prefilled from its query, for shared links), POST launches (303).

A POST that carries a form button's `$action` only redraws the form (add an item, switch to JSON...), or
previews, imports an execFile, exports one, or makes a link; the same request works as a plain form
submit and as an htmx request that swaps in the changed part.
"""

from __future__ import annotations

import functools
import zoneinfo
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for

from webapp import admin, auth
from webapp.admin.errors import AlreadyExists, NotFound
from webapp.admin.models import EntityRef
from webapp.flyte import execfile, form, options, preview, relaunch, requests

bp = Blueprint("launch", __name__)
LAUNCH_URL = "/launch/<project>/<domain>/<any(task, launchplan):kind>/<name>/<version>"
NOT_STATE = {"csrf_token", "launch_id", "reference", form.ACTION, "execfile_text"}  # what a shared link leaves out
LINK_LIMIT = 6000  # characters; longer URLs are cut by some browsers, proxies and chat tools


@bp.get(LAUNCH_URL)
def show(project: str, domain: str, kind: str, name: str, version: str):
    """The form for one version of a task or launch plan; a query (a shared link) prefills it."""
    entity = admin.client().entity(EntityRef(kind, project, domain, name, version))
    pending = auth.take_pending_form(request.path)  # posted when the login had run out: shown again
    if pending:
        return page(entity, pending, pending.get("launch_id") or options.new_launch_id(),
                    reference=pending.get("reference", ""), check=False)
    state = {k: v for k, v in request.args.items() if k.startswith((form.PREFIX, options.PREFIX))}
    return page(entity, state or None, options.new_launch_id(), reference=request.args.get("reference", ""),
                check=False)


@bp.post(LAUNCH_URL)
def launch(project: str, domain: str, kind: str, name: str, version: str):
    """Launches, or does what the pressed button asks; a value that does not fit comes back beside its field."""
    client = admin.client()
    entity = client.entity(EntityRef(kind, project, domain, name, version))
    launch_id = request.form.get("launch_id") or options.new_launch_id()
    reference = request.form.get("reference", "")
    action = request.form.get(form.ACTION, "")
    if action in _ACTIONS:
        return _ACTIONS[action](entity, launch_id, reference)
    if action:
        return page(entity, request.form, launch_id, reference=reference)
    checked = _checked(entity, launch_id, reference)
    if checked.problem:
        return checked.problem
    try:
        execution = client.create_execution(checked.request)
    except AlreadyExists:
        if not _launched_by(checked.request, launch_id):
            field = next(f for f in checked.option_fields if f.label == "name")
            field.error = f"an execution named {checked.request.name!r} already exists"
            return page(entity, checked.posted, launch_id, checked.input_fields, checked.option_fields,
                        reference=reference, invalid=True), 409
        execution = checked.request.name  # a second click, or a retry: the first one launched it
    return redirect(url_for("executions.show", project=checked.request.project, domain=checked.request.domain,
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


class _Checked:
    """The posted form parsed: the request to send, or the page that says what is wrong."""

    def __init__(self, posted, input_fields, option_fields, chosen, launch_request=None, problem=None):
        self.posted, self.input_fields, self.option_fields = posted, input_fields, option_fields
        self.chosen, self.request, self.problem = chosen, launch_request, problem


def _checked(entity, launch_id: str, reference: str) -> _Checked:
    posted = {k: v for k, v in request.form.items() if k != form.ACTION}  # a preview is checked like a launch
    inputs, input_fields = form.parse(entity.inputs, posted)
    option_fields, chosen = options.tree(entity.options, posted)
    if inputs is None or any(f.has_error for f in option_fields):
        problem = page(entity, posted, launch_id, input_fields, option_fields, reference=reference, invalid=True), 422
        return _Checked(posted, input_fields, option_fields, chosen, problem=problem)
    chosen = {**chosen, "name": chosen["name"] or launch_id}
    launch_request = requests.create_execution(entity.ref, inputs, chosen, launch_id, reference)
    return _Checked(posted, input_fields, option_fields, chosen, launch_request)


def _preview(entity, launch_id: str, reference: str):
    checked = _checked(entity, launch_id, reference)
    if checked.problem:
        return checked.problem
    chosen = checked.chosen  # with the name the request carries
    dry_run = {"json": preview.request_json(checked.request), "command": preview.command(entity.ref, chosen),
               "lost": preview.beyond_flytectl(chosen), "execfile": _execfile_text(entity, checked.posted),
               "execfile_name": preview.execfile_name(entity.ref)}
    return page(entity, checked.posted, launch_id, checked.input_fields, checked.option_fields,
                reference=reference, preview=dry_run)


def _import(entity, launch_id: str, reference: str):
    """Prefills the form from a flytectl execFile (uploaded or pasted); what does not fit is reported per key."""
    upload = request.files.get("execfile")
    if upload and upload.filename:
        text = upload.read().decode("utf-8", "replace")
    else:
        text = request.form.get("execfile_text", "")
    try:
        exec_file = execfile.read(text)
    except execfile.ExecFileError as error:
        return page(entity, request.form, launch_id, reference=reference, import_problems=[str(error)]), 422
    literals, errors = execfile.literals_for(entity.inputs, exec_file.inputs)
    state = {**form.flatten_literals(entity.inputs, literals), **options.flatten(execfile.options_of(exec_file))}
    input_fields = form.tree(entity.inputs, state, check=False)[0]
    option_fields = options.tree(entity.options, state, check=False)[0]
    problems = [f"{key}: {message}" for key, message in errors.items()]
    for field in input_fields:
        field.error = errors.get(field.label, field.error)
    if (exec_file.kind, exec_file.name, exec_file.version) != (entity.ref.kind, entity.ref.name, entity.ref.version):
        problems.insert(0, f"the file is for {exec_file.kind} {exec_file.name} version {exec_file.version}; "
                           "its values were put into this form where they fit")
    problems += [f"{key}: not an execFile key; flytectl ignores it" for key in exec_file.ignored]
    return page(entity, state, launch_id, input_fields, option_fields, reference=reference,
                import_problems=problems, imported=True)


def _export(entity, launch_id: str, reference: str):
    """The current form as an execFile flytectl accepts (values that do not parse yet are left at defaults)."""
    body = _execfile_text(entity, request.form)
    return Response(body, mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{preview.execfile_name(entity.ref)}"'})


def _link(entity, launch_id: str, reference: str):
    """A link that opens this form as it is now; too long for a URL, the page says so and offers the execFile."""
    state = {k: v for k, v in request.form.items() if k not in NOT_STATE and v != ""}
    if reference:
        state["reference"] = reference
    url = url_for("launch.show", _external=True, **_ref_args(entity.ref)) + "?" + urlencode(state)
    share = {"url": url} if len(url) <= LINK_LIMIT else {"too_long": len(url)}
    return page(entity, request.form, launch_id, reference=reference, share=share)


_ACTIONS = {"preview": _preview, "import": _import, "export": _export, "link": _link}


def _execfile_text(entity, posted) -> str:
    """Values that do not parse yet are left at their defaults in the file, to be fixed there or here."""
    literals = form.literals_of(entity.inputs, form.tree(entity.inputs, posted)[1])
    chosen = options.tree(entity.options, posted, check=False)[1]
    return execfile.write(entity.ref, entity.inputs, literals, execfile.with_options(entity.ref, chosen))


def _changes(entity, posted, reference: str) -> list[str]:
    """What this form would launch differently from the execution it relaunches."""
    project, domain, name = reference.split("/")
    client = admin.client()
    original = client.execution_inputs(project, domain, name).literals
    current = form.literals_of(entity.inputs, form.tree(entity.inputs, posted, check=False)[1])
    chosen = options.tree(entity.options, posted, check=False)[1]
    return relaunch.differences(entity.inputs, original, current,
                                relaunch.reusable_options(client.execution(project, domain, name)), chosen)


def _launched_by(launch_request, launch_id: str) -> bool:
    """Whether the execution holding this name was launched by this same form (double click, retry)."""
    existing = admin.client().execution(launch_request.project, launch_request.domain, launch_request.name)
    return existing.options.get("annotations", {}).get(requests.FORM_ANNOTATION) == launch_id


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The names a time zone box suggests (read once, when a form first needs them)."""
    return ("UTC", *sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/")))


def _ref_args(ref: EntityRef) -> dict:
    return {"project": ref.project, "domain": ref.domain, "kind": ref.kind, "name": ref.name, "version": ref.version}


def page(entity, posted, launch_id: str, input_fields=None, option_fields=None, reference: str = "",
         check: bool | None = None, **extra):
    """The launch page; `reference` ("project/domain/name") makes the launch a relaunch of that execution."""
    if input_fields is None:
        input_fields = form.tree(entity.inputs, posted, check=check)[0]
    if option_fields is None:
        option_fields = options.tree(entity.options, posted, check)[0]
    changes = _changes(entity, posted, reference) if reference.count("/") == 2 else None
    zones = time_zones() if any(f.uses("datetime") for f in input_fields) else ()
    return render_template("launch/form.html", entity=entity, fields=input_fields, option_fields=option_fields,
                           launch_id=launch_id, reference=reference, changes=changes, time_zones=zones, **extra)
