"""List requests: admin's filter grammar, sort keys and offset tokens, turned into SQL for the store.

Filters read ``fn(field,value)`` joined by ``+`` (flyteadmin ``manager/impl/util/filters.go``); a field is a
column of the listed entity or ``<entity>.<column>`` for a join admin allows. Entities are named by admin's
one-letter codes, which appear in its messages (``'t.foo' is invalid filter``).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from flyteidl.admin import common_pb2

from webapp.sandbox.errors import invalid, missing_argument

TASK, WORKFLOW, LAUNCH_PLAN, EXECUTION, PROJECT = "t", "w", "l", "e", "p"

_FILTER_PATTERN = re.compile(r"(.+)\((.+),\s?(.+)\)")
_PREFIXES = {
    "task": TASK,
    "workflow": WORKFLOW,
    "launch_plan": LAUNCH_PLAN,
    "execution": EXECUTION,
    "project": PROJECT,
    "node_execution": "ne",
    "task_execution": "te",
    "entities": "nen",
    "named_entity_metadata": "nem",
    "signal": "s",
    "admin_tag": "at",
    "execution_admin_tag": "eat",
    "execution_tag": "et",
}
_TOKEN_PATTERN = re.compile(r"[+-]?[0-9]+")


def _timestamp_micros(value: str) -> int:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise invalid(f"Timestamp {value} must conform to RFC3339 Nano spec") from None
    if moment.tzinfo is None:
        raise invalid(f"Timestamp {value} must conform to RFC3339 Nano spec")
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)


def _integer(value: str) -> int:
    if not _TOKEN_PATTERN.fullmatch(value):
        raise invalid("invalid value for filters")
    return int(value)


@dataclass(frozen=True)
class Column:
    """A filterable field: its SQL column and how a filter's text value becomes a comparable value."""

    sql: str
    convert: Callable[[str], object] = str


_ENTITY = {"project": Column("project"), "domain": Column("domain"), "name": Column("name")}
_VERSIONED = {**_ENTITY, "version": Column("version"), "created_at": Column("created_at", _timestamp_micros)}
_JOINED_NAME_VERSION = {
    entity: {"name": Column(f"{prefix}_name"), "version": Column(f"{prefix}_version")}
    for entity, prefix in ((LAUNCH_PLAN, "launch_plan"), (WORKFLOW, "workflow"), (TASK, "task"))
}

# primary entity -> referenced entity -> field -> column
COLUMNS: dict[str, dict[str, dict[str, Column]]] = {
    TASK: {TASK: _VERSIONED},
    WORKFLOW: {WORKFLOW: _VERSIONED},
    LAUNCH_PLAN: {
        LAUNCH_PLAN: {
            **_VERSIONED,
            "updated_at": Column("updated_at", _timestamp_micros),
            "state": Column("state", _integer),
        },
        WORKFLOW: _JOINED_NAME_VERSION[WORKFLOW],
    },
    EXECUTION: {
        EXECUTION: {
            # admin's customizeField maps project, domain and name to its execution_* columns
            **_ENTITY,
            "execution_project": Column("project"),
            "execution_domain": Column("domain"),
            "execution_name": Column("name"),
            "phase": Column("phase"),
            "mode": Column("mode", _integer),
            "user": Column("user"),
            "created_at": Column("created_at", _timestamp_micros),
            "execution_created_at": Column("created_at", _timestamp_micros),
        },
        **_JOINED_NAME_VERSION,
    },
    PROJECT: {PROJECT: {"identifier": Column("identifier"), "name": Column("name")}},
}

_SINGLE_VALUE = {
    "eq": "{} = ?",
    "ne": "{} <> ?",
    "gt": "{} > ?",
    "gte": "{} >= ?",
    "lt": "{} < ?",
    "lte": "{} <= ?",
    "contains": "{} LIKE ?",
    "not_like": "{} NOT LIKE ?",
}
_REPEATED_VALUE = {"value_in": "{} IN ({})", "value_not_in": "{} NOT IN ({})"}


@dataclass(frozen=True)
class Condition:
    """One SQL condition with its parameters."""

    sql: str
    params: tuple


@dataclass(frozen=True)
class Page:
    """One page of a list request: conditions, order and offset, ready to append to ``SELECT ... FROM table``."""

    conditions: list[Condition]
    order: str
    limit: int
    offset: int

    def sql(self) -> tuple[str, tuple]:
        where = " AND ".join(condition.sql for condition in self.conditions) or "1"
        params = tuple(param for condition in self.conditions for param in condition.params)
        return f"WHERE {where} ORDER BY {self.order} LIMIT ? OFFSET ?", (*params, self.limit, self.offset)

    def token(self, count: int) -> str:
        """Admin hands out a token only for a full page (so a full last page is followed by an empty one)."""
        return str(self.offset + count) if count == self.limit else ""


def resource_page(request: common_pb2.ResourceListRequest, entity: str, method: str) -> Page:
    """A ResourceListRequest (ListTasks, ListExecutions, ...) checked as admin's ``ValidateResourceListRequest``."""
    if not request.HasField("id"):
        raise missing_argument("id")
    named = request.id
    conditions = _named_conditions(named.project, named.domain)
    limit = _limit(request.limit)
    if named.name:
        conditions.append(Condition("name = ?", (named.name,)))
    conditions += parse_filters(request.filters, entity)
    return Page(conditions, order_by(request, entity), limit, parse_token(request.token, method))


def ids_page(request: common_pb2.NamedEntityIdentifierListRequest, entity: str, method: str) -> Page:
    """A NamedEntityIdentifierListRequest; admin ignores its ``filters``."""
    conditions, limit = _named_conditions(request.project, request.domain), _limit(request.limit)
    return Page(conditions, order_by(request, entity, "name ASC"), limit, parse_token(request.token, method))


def _named_conditions(project: str, domain: str) -> list[Condition]:
    """Project and domain, both required."""
    for field, value in (("project", project), ("domain", domain)):
        if not value:
            raise missing_argument(field)
    return [Condition("project = ?", (project,)), Condition("domain = ?", (domain,))]


def _limit(limit: int) -> int:
    if not limit:
        raise invalid("invalid value for limit")
    return limit


def parse_filters(text: str, entity: str) -> list[Condition]:
    """Admin's request filters as SQL conditions; every problem is INVALID_ARGUMENT with admin's text."""
    if not text:
        return []
    return [_parse_expression(expression, entity) for expression in text.split("+")]


def _parse_expression(expression: str, entity: str) -> Condition:
    match = _FILTER_PATTERN.search(expression)
    if match is None:
        raise invalid("invalid value for filters")
    function, field, value = match.groups()
    referenced, column_name = entity, field
    for prefix, other in _PREFIXES.items():
        if field.startswith(prefix + "."):
            referenced, column_name = other, field[len(prefix) + 1 :]
            break
    if referenced not in COLUMNS[entity]:
        raise invalid(f"'{referenced}' entity is not allowed in filters")
    column = COLUMNS[entity][referenced].get(column_name)
    if column is None:
        raise invalid(f"'{referenced}.{column_name}' is invalid filter")
    if function in _REPEATED_VALUE:
        values = tuple(column.convert(v) for v in value.split(";"))
        return Condition(_REPEATED_VALUE[function].format(column.sql, ", ".join("?" * len(values))), values)
    if function not in _SINGLE_VALUE:
        raise invalid(f"unrecognized filter function: {function}")
    converted = column.convert(value)
    if function == "contains":
        converted = f"%{converted}%"
    return Condition(_SINGLE_VALUE[function].format(column.sql), (converted,))


def order_by(request, entity: str, default: str = "seq") -> str:
    """SQL ORDER BY for the request's ``sort_by``; ties keep insertion order so equal timestamps list stably."""
    if not request.HasField("sort_by"):
        return default
    sort = request.sort_by
    column = COLUMNS[entity][entity].get(sort.key)
    if column is None:
        raise invalid(f"invalid sort key '{sort.key}'")
    direction = "ASC" if sort.direction == common_pb2.Sort.ASCENDING else "DESC"
    return f"{column.sql} {direction}, seq {direction}"


def parse_token(token: str, method: str) -> int:
    """A page token is the stringified offset (admin's ``ValidateToken``); ``method`` names the list in errors."""
    if not token:
        return 0
    if not _TOKEN_PATTERN.fullmatch(token) or int(token) < 0:
        raise invalid(f"invalid pagination token {token}" + (f" for {method}" if method else ""))
    return int(token)

