"""Input rules: what a launch plan expects, and how an execution's inputs are checked and merged.

Ports ``checkAndFetchExpectedInputForLaunchPlan`` (launch_plan_validator.go) and
``CheckAndFetchInputsForExecution`` (execution_validator.go) with their messages. Admin walks Go maps in random
order; the sandbox walks names sorted, so the same request always reports the same error.
"""

from flyteidl.core import interface_pb2, literals_pb2

from webapp.sandbox.errors import go_text, invalid
from webapp.sandbox.types import are_types_castable, literal_type_for_literal


def check_literal_map(literals: literals_pb2.LiteralMap, field_name: str) -> None:
    """admin's ``validateLiteralMap``: every entry has a name and a value."""
    for name in sorted(literals.literals):
        if not name:
            raise invalid(f"missing key in {field_name}")
        if literals.literals[name].WhichOneof("value") is None:
            raise invalid(f"missing valid literal in {field_name} {name}")


def check_parameter_map(parameters: interface_pb2.ParameterMap, field_name: str) -> None:
    """admin's ``validateParameterMap``: each parameter is typed, and required or defaulted with a fitting value."""
    for name in sorted(parameters.parameters):
        parameter = parameters.parameters[name]
        if not name:
            raise invalid(f"missing key in {field_name}")
        if not parameter.var.HasField("type"):
            raise invalid(
                f"The Variable component of the Parameter {name} in {field_name} either is missing, "
                "or has a missing Type"
            )
        if parameter.HasField("artifact_query"):
            raise invalid(f"artifact mode not enabled but query found {field_name} {name}")
        if not parameter.HasField("default"):
            if not parameter.required:
                raise invalid(
                    f"Invalid variable {name} in {field_name} - variable has neither default, nor is required. "
                    "One must be specified"
                )
            continue
        inferred = _inferred_type(name, parameter.default)
        if not are_types_castable(inferred, parameter.var.type):
            raise invalid(
                f"Type mismatch for Parameter {name} in {field_name} has type {go_text(parameter.var.type)}, "
                f"expected {go_text(inferred)}"
            )


def expected_inputs(
    workflow_inputs: interface_pb2.VariableMap,
    fixed_inputs: literals_pb2.LiteralMap,
    default_inputs: interface_pb2.ParameterMap,
) -> interface_pb2.ParameterMap:
    """The launch plan's defaults plus every workflow input neither defaulted nor fixed, as required."""
    variables = workflow_inputs.variables
    if not variables:
        if default_inputs.parameters:
            raise invalid(
                f"invalid launch plan default inputs, expected none but found {len(default_inputs.parameters)}"
            )
        if fixed_inputs.literals:
            raise invalid(f"invalid launch plan fixed inputs, expected none but found {len(fixed_inputs.literals)}")
        return interface_pb2.ParameterMap()
    for name in sorted(default_inputs.parameters):
        declared = default_inputs.parameters[name].var.type
        if name not in variables:
            raise invalid(f"unexpected default_input {name}")
        if not are_types_castable(declared, variables[name].type):
            raise invalid(
                f"invalid default_input wrong type {name}, expected {go_text(declared)}, "
                f"got {go_text(variables[name].type)} instead"
            )
    for name in sorted(fixed_inputs.literals):
        if name not in variables:
            raise invalid(f"unexpected fixed_input {name}")
        inferred = _inferred_type(name, fixed_inputs.literals[name])
        if not are_types_castable(inferred, variables[name].type):
            raise invalid(
                f"invalid fixed_input wrong type {name}, expected {go_text(variables[name].type)}, "
                f"got {go_text(inferred)} instead"
            )
    expected = interface_pb2.ParameterMap()
    for name, variable in variables.items():
        if name in default_inputs.parameters:
            expected.parameters[name].CopyFrom(default_inputs.parameters[name])
        elif name not in fixed_inputs.literals:
            parameter = expected.parameters[name]
            parameter.var.type.CopyFrom(variable.type)
            parameter.var.description = variable.description
            parameter.required = True
    return expected


def merge_execution_inputs(
    user_inputs: literals_pb2.LiteralMap,
    fixed_inputs: literals_pb2.LiteralMap,
    expected: interface_pb2.ParameterMap,
) -> literals_pb2.LiteralMap:
    """User inputs checked against ``expected``, defaults filled in, fixed inputs added.

    As in admin, a fixed input is not among the expected inputs, so sending one is reported as an
    ``invalid input``; "cannot be overridden" only fires when a launch plan both defaults and fixes a name.
    """
    for name in sorted(user_inputs.literals):
        if name not in expected.parameters:
            raise invalid(f"invalid input {name}")
    merged = literals_pb2.LiteralMap()
    for name in sorted(expected.parameters):
        parameter = expected.parameters[name]
        if name not in user_inputs.literals:
            if parameter.required:
                raise invalid(f"expected_inputs {name} missing")
            merged.literals[name].CopyFrom(parameter.default)
            continue
        inferred = _inferred_type(name, user_inputs.literals[name])
        if not are_types_castable(inferred, parameter.var.type):
            raise invalid(
                f"invalid {name} input wrong type. Expected {go_text(parameter.var.type)}, but got {go_text(inferred)}"
            )
        merged.literals[name].CopyFrom(user_inputs.literals[name])
    for name in sorted(fixed_inputs.literals):
        if name in merged.literals:
            raise invalid(f"fixed_inputs {name} cannot be overridden")
        merged.literals[name].CopyFrom(fixed_inputs.literals[name])
    return merged


def _inferred_type(name: str, literal: literals_pb2.Literal):
    inferred = literal_type_for_literal(literal)
    if inferred is None:
        raise invalid(
            f"Failed to validate literal type for [{name}] with err: got unknown literal type: [<nil>].\n"
            "Suggested solution: Please update all your Flyte deployment images to the latest version and try again"
        )
    return inferred
