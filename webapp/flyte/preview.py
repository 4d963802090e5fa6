"""A dry run: the exact request a launch sends, and the flytectl command that would send the same."""

from __future__ import annotations

import shlex
from typing import Mapping

from flyteidl.admin import execution_pb2
from google.protobuf import json_format

from webapp.admin.models import EntityRef

# options an execFile or a flag of `flytectl create execution` can carry; the rest only this app sends
FLYTECTL_OPTIONS = {"iam_role", "service_account", "envs", "cluster_pool", "execution_cluster", "overwrite_cache",
                    "target_project", "target_domain", "name"}


def request_json(request: execution_pb2.ExecutionCreateRequest) -> str:
    return json_format.MessageToJson(request, indent=2)


def execfile_name(ref: EntityRef) -> str:
    return f"{ref.name}.{ref.version}.yaml"


def command(ref: EntityRef, options: Mapping[str, object]) -> str:
    """`flytectl create execution` for the same launch; the execFile holds the inputs and most options."""
    words = ["flytectl", "create", "execution", "--execFile", execfile_name(ref), "-p", ref.project, "-d", ref.domain]
    if options.get("target_project") or options.get("target_domain"):
        words += ["--targetProject", options.get("target_project") or ref.project,
                  "--targetDomain", options.get("target_domain") or ref.domain]
    if options.get("name"):
        words.append(options["name"])
    return shlex.join(words)


def beyond_flytectl(options: Mapping[str, object]) -> list[str]:
    """Options set here that flytectl cannot send, so a person copying the command knows what is lost."""
    return sorted(name for name, value in options.items()
                  if value not in (None, "", False, {}, [], "inherit") and name not in FLYTECTL_OPTIONS)
