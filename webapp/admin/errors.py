"""The small error hierarchy every admin failure is mapped into, at one boundary (client.py)."""

from __future__ import annotations

import grpc


class AdminError(Exception):
    """An admin call failed; `message` is admin's own text, safe to show."""

    http_status = 502
    title = "FlyteAdmin refused the request"

    def __init__(self, message: str, endpoint: str = ""):
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint


class NotFound(AdminError):
    http_status = 404
    title = "Not found"


class InvalidArgument(AdminError):
    http_status = 400
    title = "FlyteAdmin rejected the request"


class AlreadyExists(AdminError):
    http_status = 409
    title = "Already exists"


class Unauthenticated(AdminError):
    http_status = 401
    title = "Login needed"


class PermissionDenied(AdminError):
    http_status = 403
    title = "Permission denied"


class Unavailable(AdminError):
    http_status = 503
    title = "FlyteAdmin is unreachable"


class Unimplemented(AdminError):
    """A service this admin does not serve (AuthMetadataService when its auth is off)."""

    http_status = 501
    title = "FlyteAdmin does not offer this"


_BY_CODE = {
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.FAILED_PRECONDITION: InvalidArgument,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: Unavailable,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
}


def from_rpc_error(error: grpc.RpcError, endpoint: str) -> AdminError:
    code = error.code()
    details = error.details() or code.name
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        details = f"no answer in time ({details})"
    return _BY_CODE.get(code, AdminError)(details, endpoint)
