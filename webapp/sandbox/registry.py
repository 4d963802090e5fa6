"""Projects, domains, tasks, workflows and launch plans: registered, looked up and listed as flyteadmin does.

Validation order and messages follow flyteadmin's task, workflow, launch plan and project managers. Workflows
are not compiled: the closure carries the template as given, plus the compiled tasks it references.
"""

import sqlite3
from dataclasses import dataclass

import grpc
from flyteidl.admin import common_pb2, launch_plan_pb2, project_pb2, task_pb2, workflow_pb2
from flyteidl.core import compiler_pb2, identifier_pb2

from webapp.sandbox import filters
from webapp.sandbox.errors import AdminError, duplicate_key, go_text, invalid, missing_argument, missing_entity
from webapp.sandbox.inputs import check_literal_map, check_parameter_map, expected_inputs
from webapp.sandbox.store import Store, timestamp

DEFAULT_DOMAINS = (("development", "development"), ("staging", "staging"), ("production", "production"))
ACTIVE, INACTIVE = launch_plan_pb2.ACTIVE, launch_plan_pb2.INACTIVE


@dataclass(frozen=True)
class Kind:
    """What differs between tasks, workflows and launch plans in storage and in admin's messages."""

    table: str
    resource_type: int
    filter_entity: str
    message: type
    noun: str
    list_method: str
    ids_method: str


TASKS = Kind(
    "tasks", identifier_pb2.TASK, filters.TASK, task_pb2.Task, "task",
    "ListTasks", "ListUniqueTaskIdentifiers",
)  # fmt: skip
WORKFLOWS = Kind(
    "workflows", identifier_pb2.WORKFLOW, filters.WORKFLOW, workflow_pb2.Workflow, "workflow",
    "ListWorkflows", "ListWorkflowIdentifiers",
)  # fmt: skip
LAUNCH_PLANS = Kind(
    "launch_plans", identifier_pb2.LAUNCH_PLAN, filters.LAUNCH_PLAN, launch_plan_pb2.LaunchPlan, "launch plan",
    "ListLaunchPlans", "",
)  # fmt: skip


def resource_name(resource_type: int) -> str:
    return identifier_pb2.ResourceType.Name(resource_type)


def check_identifier(identifier: identifier_pb2.Identifier, kind: Kind, present: bool) -> None:
    """admin's ``ValidateIdentifier``: the right resource type and every field set."""
    if not present:
        raise missing_argument("id")
    if identifier.resource_type != kind.resource_type:
        raise invalid(
            f"unexpected resource type {resource_name(identifier.resource_type).lower()} for identifier "
            f"[{go_text(identifier)}], expected {resource_name(kind.resource_type).lower()} instead"
        )
    check_identifier_fields(identifier)


def check_identifier_fields(identifier: identifier_pb2.Identifier) -> None:
    for field in ("project", "domain", "name", "version"):
        if not getattr(identifier, field):
            raise missing_argument(field)


class Registry:
    def __init__(self, store: Store):
        self._store = store

    # Projects and domains ----------------------------------------------------------------------------------

    def add_domains(self, domains) -> None:
        """Domains are system-wide in admin (configuration); the sandbox learns them from the seed project."""
        for domain in domains:
            self._store.execute(
                "INSERT OR IGNORE INTO domains (identifier, name) VALUES (?, ?)", (domain.id, domain.name or domain.id)
            )

    def domains(self) -> list[project_pb2.Domain]:
        rows = self._store.all("SELECT identifier, name FROM domains ORDER BY seq")
        pairs = [(row["identifier"], row["name"]) for row in rows] or DEFAULT_DOMAINS
        return [project_pb2.Domain(id=identifier, name=name) for identifier, name in pairs]

    def register_project(self, request: project_pb2.ProjectRegisterRequest) -> project_pb2.ProjectRegisterResponse:
        project = request.project
        if not request.HasField("project"):
            raise missing_argument("project")
        if not project.name:
            raise missing_argument("project_name")
        if not project.id:
            raise missing_argument("project_id")
        if project.domains:
            raise invalid(
                "Domains are currently only set system wide. Please retry without domains included in your request."
            )
        row = {"identifier": project.id, "name": project.name, "created_at": self._store.now()}
        try:
            self._store.insert("projects", {**row, "project": project.SerializeToString()})
        except sqlite3.IntegrityError:
            raise duplicate_key("projects") from None
        return project_pb2.ProjectRegisterResponse()

    def list_projects(self, request: project_pb2.ProjectListRequest) -> project_pb2.Projects:
        page = filters.Page(
            filters.parse_filters(request.filters, filters.PROJECT),
            filters.order_by(request, filters.PROJECT, default="identifier ASC"),
            request.limit or -1,  # admin does not require a limit here
            filters.parse_token(request.token, "ListProjects"),
        )
        sql, params = page.sql()
        rows = self._store.all(f"SELECT project FROM projects {sql}", params)
        domains = self.domains()
        projects = []
        for row in rows:
            project = project_pb2.Project.FromString(row["project"])
            project.domains.extend(domains)
            projects.append(project)
        return project_pb2.Projects(projects=projects, token=page.token(len(projects)))

    def check_project_domain(self, project: str, domain: str) -> None:
        """admin's ``ValidateProjectAndDomain``."""
        if self._store.one("SELECT 1 FROM projects WHERE identifier = ?", (project,)) is None:
            raise invalid(
                f"failed to validate that project [{project}] and domain [{domain}] are registered, "
                f"err: [project [{project}] not found]"
            )
        if domain not in {d.id for d in self.domains()}:
            raise invalid(f"domain [{domain}] is unrecognized by system")

    # Tasks ----------------------------------------------------------------------------------------------------

    def create_task(self, request: task_pb2.TaskCreateRequest) -> task_pb2.TaskCreateResponse:
        check_identifier(request.id, TASKS, request.HasField("id"))
        self.check_project_domain(request.id.project, request.id.domain)
        if not request.spec.HasField("template"):
            raise missing_argument("spec")
        task = task_pb2.Task(id=request.id, short_description=request.spec.description.short_description)
        task.closure.compiled_task.template.CopyFrom(request.spec.template)
        self._create(TASKS, task, lambda stored: stored.closure.compiled_task)
        return task_pb2.TaskCreateResponse()

    # Workflows -------------------------------------------------------------------------------------------------

    def create_workflow(self, request: workflow_pb2.WorkflowCreateRequest) -> workflow_pb2.WorkflowCreateResponse:
        check_identifier(request.id, WORKFLOWS, request.HasField("id"))
        self.check_project_domain(request.id.project, request.id.domain)
        if not request.spec.HasField("template"):
            raise missing_argument("spec")
        workflow = workflow_pb2.Workflow(id=request.id, short_description=request.spec.description.short_description)
        compiled = workflow.closure.compiled_workflow
        compiled.primary.template.CopyFrom(request.spec.template)
        for sub_workflow in request.spec.sub_workflows:
            compiled.sub_workflows.add(template=sub_workflow)
        compiled.tasks.extend(self._referenced_tasks([request.spec.template, *request.spec.sub_workflows]))
        self._create(WORKFLOWS, workflow, lambda stored: stored.closure.compiled_workflow)
        return workflow_pb2.WorkflowCreateResponse()

    def _referenced_tasks(self, templates) -> list[compiler_pb2.CompiledTask]:
        """The compiled tasks a workflow's nodes call, as admin's compiler gathers them (missing: NOT_FOUND)."""
        found: dict[bytes, compiler_pb2.CompiledTask] = {}
        for node in _all_nodes(node for template in templates for node in template.nodes):
            if node.HasField("task_node"):
                reference = node.task_node.reference_id
                key = reference.SerializeToString(deterministic=True)
                if key not in found:
                    found[key] = self.get(TASKS, reference).closure.compiled_task
        return list(found.values())

    # Launch plans ----------------------------------------------------------------------------------------------

    def create_launch_plan(
        self, request: launch_plan_pb2.LaunchPlanCreateRequest
    ) -> launch_plan_pb2.LaunchPlanCreateResponse:
        spec = request.spec
        check_identifier(spec.workflow_id, WORKFLOWS, spec.HasField("workflow_id"))
        workflow = self.get(WORKFLOWS, spec.workflow_id)
        interface = workflow.closure.compiled_workflow.primary.template.interface
        check_identifier(request.id, LAUNCH_PLANS, request.HasField("id"))
        self.check_project_domain(request.id.project, request.id.domain)
        if not request.HasField("spec"):
            raise missing_argument("spec")
        check_literal_map(spec.fixed_inputs, "fixed_inputs")
        check_parameter_map(spec.default_inputs, "default_inputs")
        expected = expected_inputs(interface.inputs, spec.fixed_inputs, spec.default_inputs)
        launch_plan = launch_plan_pb2.LaunchPlan(id=request.id, spec=spec)
        launch_plan.spec.default_inputs.CopyFrom(expected)  # admin augments the defaults with unbound inputs
        launch_plan.closure.expected_inputs.CopyFrom(expected)
        launch_plan.closure.expected_outputs.CopyFrom(interface.outputs)
        self._create(
            LAUNCH_PLANS,
            launch_plan,
            lambda stored: stored.spec,
            state=INACTIVE,
            workflow_name=spec.workflow_id.name,
            workflow_version=spec.workflow_id.version,
        )
        return launch_plan_pb2.LaunchPlanCreateResponse()

    def update_launch_plan(
        self, request: launch_plan_pb2.LaunchPlanUpdateRequest
    ) -> launch_plan_pb2.LaunchPlanUpdateResponse:
        """Activating a version deactivates the version of that name that was active; admin keeps one at most."""
        identifier = request.id
        if request.state not in (ACTIVE, INACTIVE):
            raise invalid(
                f"Unrecognized launch plan state {request.state} for update for launch plan [{go_text(identifier)}]"
            )
        if request.state == INACTIVE:
            check_identifier(identifier, LAUNCH_PLANS, request.HasField("id"))
        key = (identifier.project, identifier.domain, identifier.name)
        with self._store.transaction():
            self.get(LAUNCH_PLANS, identifier)
            now = self._store.now()
            if request.state == ACTIVE:
                self._store.execute(
                    "UPDATE launch_plans SET state = ?, updated_at = ? "
                    "WHERE project = ? AND domain = ? AND name = ? AND state = ?",
                    (INACTIVE, now, *key, ACTIVE),
                )
            self._store.execute(
                "UPDATE launch_plans SET state = ?, updated_at = ? "
                "WHERE project = ? AND domain = ? AND name = ? AND version = ?",
                (request.state, now, *key, identifier.version),
            )
        return launch_plan_pb2.LaunchPlanUpdateResponse()

    def get_active_launch_plan(self, request: launch_plan_pb2.ActiveLaunchPlanRequest) -> launch_plan_pb2.LaunchPlan:
        named = request.id
        for field in ("project", "domain", "name"):
            if not getattr(named, field):
                raise missing_argument(field)
        row = self._store.one(
            "SELECT * FROM launch_plans WHERE project = ? AND domain = ? AND name = ? AND state = ?",
            (named.project, named.domain, named.name, ACTIVE),
        )
        if row is None:
            raise AdminError(
                grpc.StatusCode.NOT_FOUND,
                f"No active launch plan could be found: {named.project}:{named.domain}:{named.name}",
            )
        return _entity(LAUNCH_PLANS, row)

    # Shared by the three kinds ---------------------------------------------------------------------------------

    def get(self, kind: Kind, identifier: identifier_pb2.Identifier):
        """The stored entity, or admin's NOT_FOUND "missing entity of type ..."."""
        row = self._store.one(
            f"SELECT * FROM {kind.table} WHERE project = ? AND domain = ? AND name = ? AND version = ?",
            (identifier.project, identifier.domain, identifier.name, identifier.version),
        )
        if row is None:
            raise missing_entity(
                resource_name(kind.resource_type),
                identifier.project,
                identifier.domain,
                identifier.name,
                identifier.version,
            )
        return _entity(kind, row)

    def list(self, kind: Kind, request: common_pb2.ResourceListRequest) -> tuple[list, str]:
        """One page of entities and the token of the next, as ``(entities, token)``."""
        page = filters.resource_page(request, kind.filter_entity, kind.list_method)
        sql, params = page.sql()
        rows = self._store.all(f"SELECT * FROM {kind.table} {sql}", params)
        return [_entity(kind, row) for row in rows], page.token(len(rows))

    def list_ids(self, kind: Kind, request: common_pb2.NamedEntityIdentifierListRequest):
        """Distinct names; each name sorts as its latest version (SQLite takes a bare column from the MAX row)."""
        page = filters.ids_page(request, kind.filter_entity, kind.ids_method)
        sql, params = page.sql()
        latest = f"(SELECT *, MAX(seq) FROM {kind.table} GROUP BY project, domain, name)"
        rows = self._store.all(f"SELECT project, domain, name FROM {latest} {sql}", params)
        entities = [
            common_pb2.NamedEntityIdentifier(project=row["project"], domain=row["domain"], name=row["name"])
            for row in rows
        ]
        return common_pb2.NamedEntityIdentifierList(entities=entities, token=page.token(len(rows)))

    def _create(self, kind: Kind, entity, structure, **columns) -> None:
        """Store a new version; the same id again is ALREADY_EXISTS if identical, INVALID_ARGUMENT if not."""
        identifier = entity.id
        with self._store.transaction():
            try:
                existing = self.get(kind, identifier)
            except AdminError:
                existing = None
            if existing is not None:
                if _same(structure(existing), structure(entity)):
                    raise AdminError(
                        grpc.StatusCode.ALREADY_EXISTS, f"{kind.noun} with identical structure already exists"
                    )
                raise invalid(
                    f"{identifier.name} {kind.noun} with different structure already exists. "
                    f"(Please register a new version of the {kind.noun}):\n"
                )
            now = self._store.now()
            entity.closure.created_at.CopyFrom(timestamp(now))
            if kind is LAUNCH_PLANS:
                columns["updated_at"] = now
            row = {field: getattr(identifier, field) for field in ("project", "domain", "name", "version")}
            self._store.insert(kind.table, {**row, "created_at": now, "entity": entity.SerializeToString(), **columns})


def _entity(kind: Kind, row):
    entity = kind.message.FromString(row["entity"])
    if kind is LAUNCH_PLANS:
        entity.closure.state = row["state"]
        entity.closure.updated_at.CopyFrom(timestamp(row["updated_at"]))
    return entity


def _same(left, right) -> bool:
    return left.SerializeToString(deterministic=True) == right.SerializeToString(deterministic=True)


def _all_nodes(nodes):
    """Every node, including those nested in branches and array nodes."""
    for node in nodes:
        yield node
        if node.HasField("branch_node"):
            if_else = node.branch_node.if_else
            nested = [if_else.case.then_node, *(case.then_node for case in if_else.other)]
            if if_else.HasField("else_node"):
                nested.append(if_else.else_node)
            yield from _all_nodes(nested)
        if node.HasField("array_node"):
            yield from _all_nodes([node.array_node.node])
