"""Form figures, side by side in one run.

(a) Posted form -> LiteralMap: our `form.parse` on the posted dicts of every golden signature, against flytekit's
    `TypeEngine.to_literal` on the same Python values (LiteralTypes computed beforehand for both; our readers
    compiled beforehand too, as flytekit's dataclass encoders are). Budget: ours at least 5x faster. Best of
    the runs, as `timeit` advises: on a shared machine the median moves with the neighbours.
    Then the ceiling: a few signatures built by the least any Python code can do (values already typed, the
    fewest protobuf calls, no form to read), against flytekit. Where that is under 5x, so is any form parser.
(b) Server time for the launch form of a 300-input interface (mixed and nested kinds, built from the golden
    signatures' types), registered in an in-process sandbox: GET through the Flask test client (admin call,
    form tree, template), and a redraw with every value filled (POST with a `$action`). Budget: GET median
    under 50 ms. The form tree alone is timed too, to show where the time goes.

Run: .venv/bin/python benchmarks/forms.py [repeats] [--each]   (--each: one row per signature in (a))
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grpc  # noqa: E402
import msgpack  # noqa: E402
from flyteidl.admin import task_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2  # noqa: E402
from flyteidl.service import admin_pb2_grpc  # noqa: E402
from flytekit.core.context_manager import FlyteContextManager  # noqa: E402
from flytekit.core.type_engine import TypeEngine  # noqa: E402

from tests import golden_signatures as golden  # noqa: E402
from tests.test_golden import KNOWN_BUGS, comparable  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.admin.models import Input  # noqa: E402
from webapp.config import Settings  # noqa: E402
from webapp.flyte import form  # noqa: E402
from webapp.sandbox.server import start  # noqa: E402

PARSE_BUDGET_RATIO = 5.0
RENDER_BUDGET_MS = 50.0
WIDE = 300


def timed(fn, repeats: int) -> list[float]:
    """Seconds per call, `repeats` times (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


# -- (a) parse ---------------------------------------------------------------------------------------------------


def golden_forms():
    """For every golden case that launches today: its inputs, the posted dict, and flytekit's work to do."""
    ctx = FlyteContextManager.current_context()
    prepared = []
    for case in golden.CASES:
        if case.golden is not None:
            continue  # flytekit cannot build this one (FlyteSchema uploads)
        template = golden.serialise(case.task)
        inputs = tuple(Input(name, template.interface.inputs.variables[name].type) for name in case.types)
        with golden.flytekit_columns():
            work = [(case.values[name], t, TypeEngine.to_literal_type(t)) for name, t in case.types.items()]
        literals = {name: TypeEngine.to_literal(ctx, v, t, lt).to_flyte_idl()
                    for name, (v, t, lt) in zip(case.types, work, strict=True)}
        posted = form.flatten_literals(inputs, literals)
        if case.id in KNOWN_BUGS:
            continue  # the form gets these wrong today (see tests/test_golden.py): not a fair comparison
        parsed, _ = form.parse(inputs, posted)
        assert parsed is not None and sorted(parsed.literals) == sorted(literals), case.id
        prepared.append((case.id, inputs, posted, work))
    return ctx, prepared


FAMILIES = (("primitives", ("int", "float", "str", "bool", "datetime", "timedelta", "none", "enum")),
            ("files, directories, datasets", ("file", "directory", "structured")),
            ("dict (JSON)", ("dict-",)), ("dataclasses", ("dataclass",)), ("lists", ("list",)), ("maps", ("dict-str",)),
            ("unions and optionals", ("union", "optional")), ("many inputs at once", ("kitchen", "everything")))


def family(case_id: str) -> str:
    """The family a golden case belongs to (the last matching prefix wins: dict-str before dict)."""
    found = "other"
    for name, prefixes in FAMILIES:
        if case_id.startswith(prefixes) or (name == "dict (JSON)" and case_id == "dict"):
            found = name
    return "lists" if case_id.startswith("list") else found


def bench_parse(repeats: int, each: bool) -> None:
    ctx, prepared = golden_forms()

    def ours(items):
        return lambda: [form.parse(inputs, posted) for _, inputs, posted, _ in items]

    def theirs(items):
        return lambda: [[TypeEngine.to_literal(ctx, v, t, lt) for v, t, lt in work] for _, _, _, work in items]

    print(f"(a) posted form -> LiteralMap: {len(prepared)} golden signatures, best of {repeats} runs "
          f"(known bugs left out)")
    print(f"    {'':40}{'form.parse':>14}{'flytekit':>14}{'flytekit/ours':>15}")
    groups = {}
    for item in prepared:
        groups.setdefault(family(item[0]), []).append(item)
    rows = [(item[0], [item]) for item in prepared] if each else sorted(groups.items())
    for label, items in rows:
        mine, kit = min(timed(ours(items), repeats)), min(timed(theirs(items), repeats))
        name = label if each else f"{label} ({len(items)})"
        print(f"    {name:40}{mine * 1e6:>11.0f} µs{kit * 1e6:>11.0f} µs{kit / mine:>14.2f}x")
    mine, kit = min(timed(ours(prepared), repeats)), min(timed(theirs(prepared), repeats))
    verdict = "within budget" if kit / mine >= PARSE_BUDGET_RATIO else "OVER BUDGET"
    print(f"    {'all together':40}{mine * 1e6:>11.0f} µs{kit * 1e6:>11.0f} µs{kit / mine:>14.2f}x")
    print(f"    budget: ours >= {PARSE_BUDGET_RATIO:.0f}x faster than flytekit: {verdict}")
    print(f"    {'ceiling (the least Python can do)':40}{'by hand':>14}{'flytekit':>14}{'flytekit/hand':>15}")
    by_id = {item[0]: item for item in prepared}
    for case_id, by_hand in HAND_BUILT.items():
        least, kit = _ceiling(ctx, by_id[case_id], by_hand, repeats)
        print(f"    {case_id:40}{least * 1e6:>11.1f} µs{kit * 1e6:>11.1f} µs{kit / least:>14.2f}x")


def _ceiling(ctx, item, by_hand, repeats: int) -> tuple[float, float]:
    """Seconds for the hand-built LiteralMap and for flytekit's literals of the same values (checked equal)."""
    _, inputs, _, work = item
    flytekit = {i.name: TypeEngine.to_literal(ctx, v, t, lt).to_flyte_idl()
                for i, (v, t, lt) in zip(inputs, work, strict=True)}
    assert {k: comparable(v) for k, v in by_hand().literals.items()} == {k: comparable(v) for k, v in flytekit.items()}
    least = min(timed(lambda: [by_hand() for _ in range(10)], repeats)) / 10
    kit = min(timed(lambda: [[TypeEngine.to_literal(ctx, v, t, lt) for v, t, lt in work] for _ in range(10)],
                    repeats)) / 10
    return least, kit


def _int():
    literals = literals_pb2.LiteralMap()
    literals.literals["x"].scalar.primitive.integer = -7
    return literals


def _list_int():
    literals = literals_pb2.LiteralMap()
    items = literals.literals["xs"].collection.literals
    for value in (3, -1, 0, 1099511627776):
        items.add().scalar.primitive.integer = value
    return literals


def _dataclass_flat():
    literals = literals_pb2.LiteralMap()
    binary = literals.literals["p"].scalar.binary
    binary.value = msgpack.packb({"count": 3, "ratio": 0.75, "name": "flat", "enabled": True})
    binary.tag = "msgpack"
    return literals


def _dict_str_int():
    literals = literals_pb2.LiteralMap()
    entries = literals.literals["d"].map.literals
    for key, value in (("a", 1), ("with space", 3), ("b", -2)):
        entries[key].scalar.primitive.integer = value
    return literals


# the golden signature -> the same LiteralMap written by hand (tests/golden_signatures.py has their values)
HAND_BUILT = {"int": _int, "list-int": _list_int, "dataclass-flat": _dataclass_flat, "dict-str-int": _dict_str_int}


# -- (b) a 300-input form ----------------------------------------------------------------------------------------


def wide_template():
    """A TaskTemplate of WIDE inputs cycling through every golden signature's input types."""
    types, values = [], []
    for case in golden.CASES:
        template = golden.serialise(case.task)
        for name, python_type in case.types.items():
            literal = (case.golden(case.values[name], python_type).to_flyte_idl() if case.golden else
                       golden.golden_literal(case.values[name], python_type))
            types.append(template.interface.inputs.variables[name].type)
            values.append(literal)
    template = golden.serialise(golden.t_kitchen_sink)
    template.id.name = f"benchmarks.wide_{WIDE}"
    variables = interface_pb2.VariableMap()
    literals = {}
    for index in range(WIDE):
        name = f"in_{index:03d}"
        variables.variables[name].type.CopyFrom(types[index % len(types)])
        variables.variables[name].description = name
        literals[name] = values[index % len(values)]
    template.interface.inputs.CopyFrom(variables)
    return template, literals


def bench_render(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as data:
        sandbox = start(str(Path(data) / "admin.db"))
        try:
            template, literals = wide_template()
            stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))
            ident = identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project=golden.PROJECT,
                                              domain=golden.DOMAIN, name=template.id.name, version=golden.VERSION)
            stub.CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)), timeout=10)
            app = create_app(Settings(admin_endpoint=sandbox.address, insecure=True, secret_key="bench",
                                      call_timeout=10))
            client = app.test_client()
            url = f"/launch/{golden.PROJECT}/{golden.DOMAIN}/task/{template.id.name}/{golden.VERSION}"
            inputs = tuple(Input(n, template.interface.inputs.variables[n].type) for n in sorted(literals))
            posted = form.flatten_literals(inputs, literals)

            def get():
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            page = client.get(url).get_data(as_text=True)
            token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

            def redraw():
                response = client.post(url, data={**posted, "csrf_token": token, "$action": "refresh"})
                assert response.status_code == 200, response.status_code

            tree_empty = timed(lambda: form.tree(inputs), repeats)
            tree_full = timed(lambda: form.tree(inputs, posted), repeats)
            get_times = timed(get, repeats)
            redraw_times = timed(redraw, repeats)
            size = len(page.encode())
            nodes = sum(1 for name in posted if not name.endswith(("$count", "$key", "$variant", "$none", "$shown")))
        finally:
            sandbox.stop(grace=None)
    print(f"(b) launch form of a {WIDE}-input task (mixed and nested kinds, {nodes} leaf values when filled), "
          f"{repeats} runs")
    print(f"    {'':44}{'median':>10}{'p95':>10}")
    for label, samples in (("GET (admin call + form tree + template)", get_times),
                           ("redraw with every value ($action POST)", redraw_times),
                           ("  of which form.tree, empty form", tree_empty),
                           ("  of which form.tree, every value filled", tree_full)):
        print(f"    {label:44}{statistics.median(samples) * 1e3:>7.1f} ms{p95(samples) * 1e3:>7.1f} ms")
    median = statistics.median(get_times) * 1e3
    verdict = "within budget" if median <= RENDER_BUDGET_MS else "OVER BUDGET"
    print(f"    budget: GET median <= {RENDER_BUDGET_MS:.0f} ms: {verdict}; page size {size / 1024:.0f} KiB")


def main(repeats: int = 30, each: bool = False) -> None:
    bench_parse(repeats, each)
    print()
    bench_render(repeats)


if __name__ == "__main__":
    os.chdir(ROOT)
    arguments = [a for a in sys.argv[1:] if a != "--each"]
    main(int(arguments[0]) if arguments else 30, each="--each" in sys.argv)
