"""The gRPC channel to FlyteAdmin: endpoint forms, TLS, and retries on reads only."""

from __future__ import annotations

import json

import grpc

# Reads are safe to repeat when admin is briefly unavailable; writes (CreateExecution...) never are.
RETRIED_READS = (
    "ListProjects", "GetDomains", "ListTaskIds", "ListTasks", "GetTask", "ListLaunchPlanIds", "ListLaunchPlans",
    "GetLaunchPlan", "GetActiveLaunchPlan", "ListWorkflowIds", "GetWorkflow", "GetExecution", "ListExecutions",
    "GetExecutionData", "GetVersion",
)


def target(endpoint: str) -> str:
    """A gRPC target from flytectl's endpoint forms: `dns:///host:port`, `host:port`, or a pasted URL."""
    for scheme in ("https://", "http://"):
        if endpoint.startswith(scheme):
            return endpoint[len(scheme):].rstrip("/")
    return endpoint


def service_config(max_retries: int) -> str:
    retry = {
        # gRPC caps attempts at 5; flytectl's maxRetries counts retries, not attempts
        "maxAttempts": min(max_retries + 1, 5),
        "initialBackoff": "0.05s",
        "maxBackoff": "1s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE", "RESOURCE_EXHAUSTED"],
    }
    names = [{"service": "flyteidl.service.AdminService", "method": m} for m in RETRIED_READS]
    return json.dumps({"methodConfig": [{"name": names, "retryPolicy": retry}]})


def open_channel(endpoint: str, insecure: bool, ca_cert_file: str = "", max_retries: int = 4) -> grpc.Channel:
    options = [
        # execution data with many inputs can exceed the 4 MB default
        ("grpc.max_receive_message_length", 32 * 1024 * 1024),
        # keep idle connections to a remote admin alive through load balancers
        ("grpc.keepalive_time_ms", 30_000),
    ]
    if max_retries > 0:
        options += [("grpc.service_config", service_config(max_retries)), ("grpc.enable_retries", 1)]
    if insecure:
        return grpc.insecure_channel(target(endpoint), options=options)
    roots = open(ca_cert_file, "rb").read() if ca_cert_file else None
    return grpc.secure_channel(target(endpoint), grpc.ssl_channel_credentials(roots), options=options)
