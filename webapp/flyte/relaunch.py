"""Relaunching with changes: carrying inputs over to another version, and telling what differs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from flyteidl.core import literals_pb2

from webapp.admin.models import Input
from webapp.flyte import kinds
from webapp.flyte.requests import FORM_ANNOTATION


@dataclass
class CarriedOver:
    """An execution's inputs moved onto an interface, with what could not come along."""

    literals: dict[str, literals_pb2.Literal]
    removed: list[str] = field(default_factory=list)  # inputs the new version no longer has
    added: list[str] = field(default_factory=list)  # inputs only the new version has
    retyped: list[str] = field(default_factory=list)  # same name, another type: not carried over

    @property
    def complete(self) -> bool:
        return not (self.removed or self.added or self.retyped)


def carry_over(old: tuple[Input, ...], new: tuple[Input, ...],
               literals: Mapping[str, literals_pb2.Literal]) -> CarriedOver:
    """The literals whose input exists in `new` with the same type (fixed inputs are the launch plan's own)."""
    old_types = {i.name: i.type for i in old if not i.fixed}
    result = CarriedOver({})
    for i in new:
        if i.fixed:
            continue
        if i.name not in old_types:
            result.added.append(i.name)
        elif old_types[i.name] != i.type:
            result.retyped.append(i.name)
        elif i.name in literals:
            result.literals[i.name] = literals[i.name]
    new_names = {i.name for i in new}
    result.removed = sorted(name for name in old_types if name not in new_names)
    return result


def differences(inputs: tuple[Input, ...], original: Mapping[str, literals_pb2.Literal],
                current: Mapping[str, literals_pb2.Literal], original_options: Mapping[str, object],
                current_options: Mapping[str, object]) -> list[str]:
    """The inputs and options whose value is not the original execution's."""
    changed = [i.name for i in inputs if not i.fixed and not _same(i, original.get(i.name), current.get(i.name))]
    for name in sorted(set(original_options) | set(current_options)):
        if _set(original_options.get(name)) != _set(current_options.get(name)):
            changed.append(f"option {name}")
    return changed


def _same(i: Input, a: literals_pb2.Literal | None, b: literals_pb2.Literal | None) -> bool:
    """Equal as values: a dataclass packed by flytekit and by us may order its msgpack keys differently."""
    if a is None or b is None or a == b:
        return a == b
    try:
        return kinds.to_value(i.type, a) == kinds.to_value(i.type, b)
    except kinds.InvalidValue:
        return False


def _set(value):
    """Empty and unset mean the same for an option."""
    return None if value in (None, "", False, {}, [], "inherit") else value


def reusable_options(execution) -> dict:
    """The options an execution used, minus the mark of the form that launched it, and where it ran when that
    is not where its task or launch plan lives (a launch into another project or domain)."""
    annotations = {k: v for k, v in execution.options.get("annotations", {}).items() if k != FORM_ANNOTATION}
    launched = execution.launched
    elsewhere = launched is not None and (execution.project, execution.domain) != (launched.project, launched.domain)
    target = {"target_project": execution.project, "target_domain": execution.domain} if elsewhere else {}
    return {k: v for k, v in {**execution.options, "annotations": annotations, **target}.items() if v}
