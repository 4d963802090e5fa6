"""SQLite persistence: protos stored as serialized blobs, with the columns lists filter and sort on.

One connection guarded by a lock serves gRPC's thread pool; every write commits at once, so a restart loses
nothing. Times are integer microseconds since the epoch, handed out strictly increasing so that sorting by
creation time is stable even within one clock tick.
"""

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from google.protobuf import timestamp_pb2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS domains (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, identifier TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, identifier TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    created_at INTEGER NOT NULL, project BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    version TEXT NOT NULL, created_at INTEGER NOT NULL, entity BLOB NOT NULL,
    UNIQUE (project, domain, name, version));
CREATE TABLE IF NOT EXISTS workflows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    version TEXT NOT NULL, created_at INTEGER NOT NULL, entity BLOB NOT NULL,
    UNIQUE (project, domain, name, version));
CREATE TABLE IF NOT EXISTS launch_plans (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    version TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, entity BLOB NOT NULL,
    state INTEGER NOT NULL, workflow_name TEXT NOT NULL, workflow_version TEXT NOT NULL,
    UNIQUE (project, domain, name, version));
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    created_at INTEGER NOT NULL, running_at INTEGER NOT NULL, finished_at INTEGER NOT NULL,
    final_phase TEXT NOT NULL, aborted_at INTEGER, abort_cause TEXT, abort_principal TEXT,
    mode INTEGER NOT NULL, user TEXT NOT NULL,
    launch_plan_name TEXT NOT NULL, launch_plan_version TEXT NOT NULL,
    task_name TEXT, task_version TEXT, workflow_name TEXT NOT NULL, workflow_version TEXT NOT NULL,
    execution BLOB NOT NULL, inputs BLOB NOT NULL, user_inputs BLOB NOT NULL,
    UNIQUE (project, domain, name));
CREATE INDEX IF NOT EXISTS tasks_created ON tasks (project, domain, created_at);
CREATE INDEX IF NOT EXISTS workflows_created ON workflows (project, domain, created_at);
CREATE INDEX IF NOT EXISTS launch_plans_created ON launch_plans (project, domain, created_at);
CREATE INDEX IF NOT EXISTS executions_created ON executions (project, domain, created_at);
"""

# The phase an execution shows at a moment; the one place the clock's rule lives (see phases.py).
_PHASE_AT = """CASE
    WHEN aborted_at IS NOT NULL THEN 'ABORTED'
    WHEN {now:d} < running_at THEN 'QUEUED'
    WHEN {now:d} < finished_at THEN 'RUNNING'
    ELSE final_phase END"""



def timestamp(micros: int) -> timestamp_pb2.Timestamp:
    """A stored time (microseconds since the epoch) as a protobuf Timestamp."""
    stamp = timestamp_pb2.Timestamp()
    stamp.FromMicroseconds(micros)
    return stamp


class Store:
    def __init__(self, db_path: str):
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._connection = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._connection.row_factory = sqlite3.Row
        self._connection.execute("PRAGMA journal_mode = WAL")
        self._connection.execute("PRAGMA case_sensitive_like = ON")  # admin's LIKE is Postgres': case-sensitive
        self._connection.executescript(_SCHEMA)
        self._last_micros = 0
        self._depth = 0  # nesting of transaction() in the thread holding the lock

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def now(self) -> int:
        """The current time in microseconds, never equal to a time handed out before."""
        with self._lock:
            self._last_micros = max(time.time_ns() // 1000, self._last_micros + 1)
            return self._last_micros

    @contextmanager
    def transaction(self):
        """Serialize a read-modify-write sequence and commit it as one; nested uses join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            else:
                self._connection.execute("COMMIT")
            finally:
                self._depth = 0

    def is_empty(self) -> bool:
        return self.one("SELECT NOT EXISTS (SELECT 1 FROM projects) AS empty")["empty"] == 1

    def execute(self, sql: str, params=()) -> None:
        """Run one write; raises ``sqlite3.IntegrityError`` when a unique key is taken."""
        with self._lock:
            self._connection.execute(sql, params)

    def insert(self, table: str, row: dict) -> None:
        columns = ", ".join(row)
        self.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))

    def all(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self._connection.execute(sql, params).fetchall()

    def one(self, sql: str, params=()) -> sqlite3.Row | None:
        with self._lock:
            return self._connection.execute(sql, params).fetchone()

    @staticmethod
    def executions_at(now: int) -> str:
        """A table expression: every execution with the ``phase`` it shows at ``now`` (microseconds)."""
        return f"(SELECT *, {_PHASE_AT.format(now=now)} AS phase FROM executions)"
