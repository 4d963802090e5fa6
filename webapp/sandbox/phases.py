"""The sandbox's clock: with no cluster behind it, an execution's phase is a function of time.

At creation an execution gets its timeline (when it starts RUNNING, when it ends) and its outcome; what it shows
later is read from that timeline (the SQL rule lives in ``store._PHASE_AT``), so a restarted sandbox picks up
exactly where it was. Only an execution of a task marked by the seed with ``FAIL_CONFIG`` ends FAILED.
"""

from dataclasses import dataclass

from flyteidl.admin import execution_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import tasks_pb2
from google.protobuf import duration_pb2

from webapp.sandbox.seed import FAIL_CONFIG
from webapp.sandbox.store import timestamp

Phase = core_execution_pb2.WorkflowExecution.Phase
TERMINAL = frozenset({"SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"})  # admin's IsExecutionTerminal


@dataclass(frozen=True)
class Clock:
    """How long an execution stays QUEUED, then RUNNING (microseconds)."""

    queued: int
    running: int

    @classmethod
    def from_seconds(cls, queued: float, running: float) -> "Clock":
        return cls(round(queued * 1_000_000), round(running * 1_000_000))

    def timeline(self, created_at: int) -> dict:
        running_at = created_at + self.queued
        return {"created_at": created_at, "running_at": running_at, "finished_at": running_at + self.running}


def final_phase(task: tasks_pb2.TaskTemplate | None) -> str:
    """FAILED for a task built to fail, SUCCEEDED for everything else."""
    key, value = FAIL_CONFIG
    return "FAILED" if task is not None and task.config.get(key) == value else "SUCCEEDED"


def fill_closure(execution: execution_pb2.Execution, row) -> None:
    """Complete the stored closure with what the clock says for ``row`` (which carries its current ``phase``)."""
    closure, phase = execution.closure, row["phase"]
    closure.phase = Phase.Value(phase)
    ended_at = {"ABORTED": row["aborted_at"], "QUEUED": None, "RUNNING": None}.get(phase, row["finished_at"])
    started = phase != "QUEUED" and (ended_at is None or ended_at >= row["running_at"])
    if started:
        closure.started_at.CopyFrom(timestamp(row["running_at"]))
    closure.updated_at.CopyFrom(timestamp(ended_at or (row["running_at"] if started else row["created_at"])))
    if ended_at is not None:
        closure.duration.CopyFrom(_duration(ended_at - (row["running_at"] if started else row["created_at"])))
    if phase == "FAILED":
        key, value = FAIL_CONFIG
        closure.error.CopyFrom(
            core_execution_pb2.ExecutionError(
                code="USER:SandboxFailure",
                message=f"The sandbox fails every execution of a task whose config sets {key}={value}.",
                kind=core_execution_pb2.ExecutionError.USER,
            )
        )
    if phase == "ABORTED":
        closure.abort_metadata.cause = row["abort_cause"]
        closure.abort_metadata.principal = row["abort_principal"]


def _duration(micros: int) -> duration_pb2.Duration:
    duration = duration_pb2.Duration()
    duration.FromMicroseconds(micros)
    return duration
