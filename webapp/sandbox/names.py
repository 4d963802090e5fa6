"""Execution names: admin's validation rule and its generator (``validation/execution_validator.go``,
``pkg/common/executions.go``)."""

import re
import secrets

from webapp.sandbox.errors import invalid

MAX_NAME_LENGTH = 63  # a Kubernetes label value
NAME_REGEX = r"^[a-z][a-z\-0-9]*$"
_NAME_PATTERN = re.compile(r"[a-z][a-z\-0-9]*")  # fullmatch: Go's `$` does not accept a trailing newline
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery rand.String: no vowels, no look-alikes
_GENERATED_LENGTH = 19


def check_execution_name(name: str) -> None:
    """Admin checks the lower-cased name (so capitals pass) but stores the name as given."""
    lowered = name.lower()
    if len(lowered.encode()) > MAX_NAME_LENGTH:
        raise invalid(f"size of name exceeded length {MAX_NAME_LENGTH} : {lowered}")
    if not _NAME_PATTERN.fullmatch(lowered):
        raise invalid(f"invalid name format: {lowered}, does not match regex '{NAME_REGEX}'")


def generate_execution_name() -> str:
    """"a" plus 19 random characters: 20 in all, always a valid name."""
    return "a" + "".join(secrets.choice(_ALPHABET) for _ in range(_GENERATED_LENGTH))
