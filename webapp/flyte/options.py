"""Launch options: every flag of `flytectl create execution`, and what the console lacks, as typed fields.

Each option is declared as an input with a Flyte type, so the form tree renders, parses, reshapes (env var
rows...) and reports errors for options exactly as it does for inputs. Names live under `options.`.
"""

from __future__ import annotations

import re
import secrets
from typing import Mapping

from flyteidl.core import types_pb2 as T

from webapp.admin.models import Input
from webapp.flyte import form, kinds

PREFIX = "options."
NAME_RULE = re.compile(r"^[a-z][a-z\-0-9]*$")
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # admin's: no vowels, so no words
INHERIT = "inherit"
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")

_STRING = T.LiteralType(simple=T.STRING)
_INTEGER = T.LiteralType(simple=T.INTEGER)
_BOOLEAN = T.LiteralType(simple=T.BOOLEAN)
_PAIRS = T.LiteralType(map_value_type=_STRING)


def _choice(*values: str) -> T.LiteralType:
    return T.LiteralType(enum_type=T.EnumType(values=values))


# name -> (type, one line on what it does)
OPTIONS = {
    "name": (_STRING, "Execution name. Empty: one is generated. Lowercase letters, digits and '-', "
                      "starting with a letter, at most 63 characters."),
    "target_project": (_STRING, "Project to run the execution in. Empty: this one."),
    "target_domain": (_STRING, "Domain to run the execution in. Empty: this one."),
    "iam_role": (_STRING, "IAM role ARN the execution's pods assume (flytectl --iamRoleARN)."),
    "service_account": (_STRING, "Kubernetes service account the pods run as (flytectl --kubeServiceAcct)."),
    "envs": (_PAIRS, "Environment variables set in every task's container."),
    "cluster_pool": (_STRING, "Cluster pool to run on (flytectl --clusterPool)."),
    "execution_cluster": (_STRING, "Execution cluster label that picks the cluster (targetExecutionCluster)."),
    "overwrite_cache": (_BOOLEAN, "Run every cached task again and overwrite its cached outputs."),
    "interruptible": (_choice(INHERIT, "on", "off"), "Run on interruptible (spot) nodes: as the tasks say, or force."),
    "max_parallelism": (_INTEGER, "Most nodes running at once. Empty: the platform's setting."),
    "raw_output_prefix": (_STRING, "Where large outputs are written, e.g. s3://my-bucket/outputs."),
    "labels": (_PAIRS, "Kubernetes labels on the execution's resources."),
    "annotations": (_PAIRS, "Kubernetes annotations on the execution's resources."),
    "tags": (T.LiteralType(collection_type=_STRING), "Tags to find the execution by."),
    "qos": (_choice(INHERIT, "HIGH", "MEDIUM", "LOW"), "Quality of service tier, for scheduling priority."),
    "disable_notifications": (_BOOLEAN, "Send none of the launch plan's notifications for this execution."),
}
_ALWAYS_SHOWN = {"interruptible": INHERIT, "qos": INHERIT}


def inputs(defaults: Mapping[str, object] | None = None) -> tuple[Input, ...]:
    """The options as inputs, prefilled with `defaults` (plain values, e.g. from a launch plan)."""
    defaults = {**_ALWAYS_SHOWN, **(defaults or {})}
    return tuple(
        Input(name, lt, description, required=False,
              default=kinds.to_literal(lt, defaults[name]) if defaults.get(name) not in (None, "", {}, []) else None)
        for name, (lt, description) in OPTIONS.items()
    )


def tree(defaults: Mapping[str, object] | None, posted: Mapping[str, str] | None = None, check: bool | None = None):
    """The options' fields and their plain values, with the rules admin applies checked beside each field."""
    option_inputs = inputs(defaults)
    fields, values = form.tree(option_inputs, posted, PREFIX, check)
    for field in fields:
        if field.label not in (defaults or {}):
            field.origin = ""  # "inherit" is the form's own starting point, not the launch plan's
        message = _check(field.label, values.get(field.label))
        if message and posted is not None:
            field.error = message
    return fields, values


def new_launch_id() -> str:
    """A name for the execution this form will launch, made as admin makes one ("a" + 19 characters)."""
    return "a" + "".join(secrets.choice(NAME_ALPHABET) for _ in range(19))


def name_problem(name: str) -> str:
    """What is wrong with an execution name by admin's rules, or "" (an empty name is fine: one is generated)."""
    if len(name) > 63:
        return f"at most 63 characters ({len(name)} now)"
    if name and not NAME_RULE.match(name.lower()):
        return "lowercase letters, digits and '-', starting with a letter"
    return ""


def _check(name: str, value) -> str:
    if name == "name" and value:
        return name_problem(value)
    if name == "max_parallelism" and value is not None and value < 0:
        return "0 or more"
    if name == "labels" and value:
        bad = [v for v in value.values() if not _LABEL_VALUE.match(v)]
        if bad:
            return f"label value {bad[0]!r}: at most 63 letters, digits, '-', '_' or '.'"
    return ""


def flatten(values: Mapping[str, object]) -> dict[str, str]:
    """The posted form that shows these option values (from an execFile, an execution, a link)."""
    types = {name: lt for name, (lt, _) in OPTIONS.items()}
    literals = {name: kinds.to_literal(types[name], value) for name, value in values.items()
                if name in types and value not in (None, "", {}, [])}
    return form.flatten_literals(inputs(), literals, PREFIX)
