"""flytekit as the independent oracle: what it types and sends for the same Python values."""

from __future__ import annotations

from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine


def literal_type(python_type):
    return TypeEngine.to_literal_type(python_type).to_flyte_idl()


def literal(value, python_type):
    ctx = FlyteContextManager.current_context()
    return TypeEngine.to_literal(ctx, value, python_type, TypeEngine.to_literal_type(python_type)).to_flyte_idl()
