"""The type units against flytekit: the literal we build from what a person typed is the one flytekit sends."""

from __future__ import annotations

import datetime
from typing import Dict, List, Optional, Union

import pytest

from tests.oracle import literal, literal_type
from webapp.flyte import kinds


@pytest.mark.parametrize("python_type, typed, value", [
    (int, "42", 42),
    (int, " -7 ", -7),
    (int, "9007199254740993", 9007199254740993),  # above 2**53: exact, no float on the way
    (float, "0.1", 0.1),
    (float, "3", 3.0),  # an int typed for a float is cast, as flytekit requires
    (str, "  spaced out  ", "  spaced out  "),
    (bool, "true", True),
    (bool, "false", False),
    (List[int], "2, 4, 6", [2, 4, 6]),
    (List[int], "[1, 3, 5]", [1, 3, 5]),
    (List[float], "1, 2.5", [1.0, 2.5]),
    (List[str], '["a, b", "c"]', ["a, b", "c"]),
    (List[bool], "true, false", [True, False]),
    (datetime.datetime, "2024-05-01T10:30:00Z", datetime.datetime(2024, 5, 1, 10, 30)),
    (datetime.timedelta, "1h30m", datetime.timedelta(hours=1, minutes=30)),
    (datetime.timedelta, "PT1H30M", datetime.timedelta(hours=1, minutes=30)),
    (Dict[str, int], '{"a": 1}', {"a": 1}),
    (Optional[int], None, None),
    (Union[int, str], "5", "5"),
    (Union[int, str], 5, 5),
])
def test_literal_matches_flytekit(python_type, typed, value):
    assert kinds.to_literal(literal_type(python_type), typed) == literal(value, python_type)


@pytest.mark.parametrize("python_type, value", [
    (int, 42), (float, 0.1), (str, "x"), (bool, True), (List[int], [1, 2]), (Dict[str, float], {"k": 1.5}),
    (datetime.datetime, datetime.datetime(2024, 5, 1, 10, 30)), (Optional[str], "s"), (Optional[str], None),
])
def test_value_round_trips_through_flytekit_literal(python_type, value):
    lt = literal_type(python_type)
    assert kinds.to_literal(lt, kinds.to_value(lt, literal(value, python_type))) == literal(value, python_type)


@pytest.mark.parametrize("python_type, typed, message", [
    (int, "1.5", "expected an integer"),
    (int, "abc", "expected an integer"),
    (int, str(2**63), "64-bit"),
    (float, "1.2.3", "expected a number"),
    (bool, "maybe", "expected true or false"),
    (List[int], "1, x, 3", "item 2: expected an integer"),
    (datetime.timedelta, "90", "expected a duration"),
])
def test_wrong_values_are_named(python_type, typed, message):
    with pytest.raises(kinds.InvalidValue, match=message):
        kinds.to_literal(literal_type(python_type), typed)


@pytest.mark.parametrize("typed, shown", [("1h30m", "1h30m0s"), ("90s", "1m30s"), ("1.5h", "1h30m0s"),
                                          ("250ms", "250ms"), ("1.5s", "1.5s"), ("0", "0s")])
def test_durations_are_shown_normalised(typed, shown):
    assert kinds.format_duration(kinds.parse_duration(typed)) == shown
