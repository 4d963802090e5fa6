"""A wrong value, posted through the app, comes back as 422 with the error beside the right field and all else kept.

One form with every kind (`t_everything`) is filled with good values by the test-side browser; then one control
gets a wrong value (typed, or posted as a crafted request would post it) and Launch is pressed. The page must:
- answer 422 and launch nothing;
- put the message in `<p class="field-error" id="<field id>-error">` inside that field, the control pointing at it
  (`aria-invalid`, `aria-describedby`), and no error on any other field;
- keep every posted value, the wrong one included, so nothing has to be typed again.
"""

from __future__ import annotations

import grpc
import pytest
from flyteidl.admin import common_pb2
from flyteidl.service import admin_pb2_grpc

from tests import golden_signatures as golden
from tests.form_browser import Browser, FormPage
from tests.test_golden import registered  # noqa: F401  (fixture)

pytestmark = pytest.mark.timeout(60)

EVERYTHING = next(c for c in golden.CASES if c.id == "everything")


@pytest.fixture(scope="module")
def admin(sandbox):
    return admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(sandbox.address))


def _filled(client, url) -> Browser:
    browser = Browser(client, url)
    for name, python_type in EVERYTHING.types.items():
        browser.enter("inputs." + name, python_type, EVERYTHING.values[name], EVERYTHING)
    return browser


def _execution_count(admin) -> int:
    request = common_pb2.ResourceListRequest(id=common_pb2.NamedEntityIdentifier(
        project=golden.PROJECT, domain=golden.DOMAIN), limit=10000)
    return len(admin.ListExecutions(request, timeout=5).executions)


# (id, control name, wrong text, message, how: "type" into the box, "post" as a crafted request would)
BAD = [
    ("int-decimal", "inputs.i", "1.5", "expected an integer", "type"),
    ("int-word", "inputs.i", "abc", "expected an integer", "type"),
    ("int-too-big", "inputs.i", str(2**63), "64-bit", "type"),
    ("int-missing", "inputs.i", "", "a value is required", "type"),
    ("float-two-points", "inputs.f", "1.2.3", "expected a number", "type"),
    ("datetime-word", "inputs.dt", "yesterday", "expected a date and time", "type"),
    ("duration-no-unit", "inputs.td", "90", "expected a duration", "type"),
    ("enum-not-a-value", "inputs.color", "purple", "expected one of red, green, blue", "post"),
    ("file-not-a-uri", "inputs.file", "not a uri", "expected a URI", "type"),
    ("directory-relative", "inputs.directory", "relative/dir", "expected a URI", "type"),
    ("dataset-not-a-uri", "inputs.ds", "two words", "expected a URI", "type"),
    ("json-does-not-parse", "inputs.config", '{"k": [1, 2}', "not valid JSON", "type"),
    ("json-not-an-object", "inputs.config", "[1, 2]", "expected an object", "type"),
    ("dataclass-field", "inputs.p.epochs", "ten", "expected an integer", "type"),
    ("nested-dataclass-field", "inputs.exp.params.learning_rate", "fast", "expected a number", "type"),
    ("dataclass-list-item", "inputs.exp.scores.0", "high", "expected a number", "type"),
    ("dataclass-int-key", "inputs.exp.labels.0.$key", "one", "expected an integer", "type"),
    ("map-duplicate-key", "inputs.counts.1.$key", "a", "duplicate key 'a'", "type"),
    ("map-value", "inputs.counts.0", "1e3", "expected an integer", "type"),
    ("list-item", "inputs.xs.1", "x", "expected an integer", "type"),
    ("optional-value", "inputs.maybe", "seven", "expected an integer", "type"),
    ("union-variant-value", "inputs.either", "2,5", "expected a number", "type"),
    ("deep-nested-field", "inputs.grid.0.0.epochs", "many", "expected an integer", "type"),
]


@pytest.mark.parametrize("name, wrong, message, how", [pytest.param(*b[1:], id=b[0]) for b in BAD])
def test_wrong_value_is_named_beside_its_field(client, admin, registered, name, wrong, message, how):  # noqa: F811
    browser = _filled(client, registered(EVERYTHING.task))
    if how == "type":
        browser.fill(name, wrong)
    else:
        browser.page.control(name)  # the control is on the page; its options do not include `wrong`
        browser.state[name] = wrong
    before = _execution_count(admin)
    response = browser.submit()
    assert response.status_code == 422, response.status_code
    page = FormPage(response.get_data(as_text=True))
    assert message in page.error_for(name)
    control = page.control(name)
    field_id = control.attrs["id"].removesuffix("-input")
    assert control.attrs["aria-describedby"] == f"{field_id}-error"
    assert field_id in page.ids, "the field's container is on the page"
    assert list(page.errors) == [f"{field_id}-error"], f"other fields got errors too: {page.errors}"
    _assert_inside(page.html, field_id, f"{field_id}-error")
    if how == "type":
        assert _kept(page.state) == _kept(browser.state), "the form lost typed values"
    else:  # a select cannot show a value that is not among its options; everything else is kept
        assert _kept(page.state, but=name) == _kept(browser.state, but=name), "the form lost typed values"
    assert _execution_count(admin) == before


def test_missing_optional_asks_for_a_value_or_none(client, registered):  # noqa: F811
    browser = _filled(client, registered(EVERYTHING.task))
    browser.fill("inputs.maybe", "")
    response = browser.submit()
    assert response.status_code == 422
    page = FormPage(response.get_data(as_text=True))
    assert list(page.errors) == ["f-inputs-maybe-optional-error"]
    assert "choose None" in page.errors["f-inputs-maybe-optional-error"]
    assert _kept(page.state) == _kept(browser.state)


@pytest.mark.parametrize("text, message", [
    ('{"learning_rate": 0.1, "epochs": ', "not valid JSON"),
    ('{"learning_rate": 0.1}', "field 'epochs' is required"),
    ('{"learning_rate": 0.1, "epochs": "ten"}', "epochs: expected an integer"),
    ('{"learning_rate": 0.1, "epochs": 1, "extra": 2}', "unknown field 'extra'"),
], ids=["does-not-parse", "missing-field", "wrong-field", "unknown-field"])
def test_dataclass_edited_as_json_reports_beside_it(client, registered, text, message):  # noqa: F811
    browser = _filled(client, registered(EVERYTHING.task))
    browser.press("json:inputs.p")
    browser.fill("inputs.p.$json", text)
    response = browser.submit()
    assert response.status_code == 422
    page = FormPage(response.get_data(as_text=True))
    assert list(page.errors) == ["f-inputs-p-error"], page.errors
    assert message in page.errors["f-inputs-p-error"]
    _assert_inside(page.html, "f-inputs-p", "f-inputs-p-error")
    assert page.state["inputs.p.$json"] == text and page.state["inputs.p.$mode"] == "json"
    assert _kept(page.state) == _kept(browser.state)


def test_good_values_launch(client, registered):  # noqa: F811
    """The same filled form, untouched, launches: every failure above comes from the one wrong value."""
    response = _filled(client, registered(EVERYTHING.task)).submit()
    assert response.status_code == 303, FormPage(response.get_data(as_text=True)).errors


def _kept(state: dict, but: str = "") -> dict:
    """What a person typed or chose (the CSRF token may be re-signed on each page)."""
    return {k: v for k, v in state.items() if k not in ("csrf_token", but)}


def _assert_inside(html: str, container_id: str, inner_id: str) -> None:
    """`inner_id` is rendered inside the element with id `container_id` (and not inside a later sibling)."""
    from html.parser import HTMLParser

    class Nesting(HTMLParser):
        VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "area", "base", "wbr"}

        def __init__(self):
            super().__init__()
            self.stack, self.found = [], None

        def handle_starttag(self, tag, attrs):
            ident = dict(attrs).get("id")
            if ident == inner_id:
                self.found = [i for _, i in self.stack]
            if tag not in self.VOID:
                self.stack.append((tag, ident))

        def handle_endtag(self, tag):
            while self.stack:
                if self.stack.pop()[0] == tag:
                    break

    parser = Nesting()
    parser.feed(html)
    assert parser.found is not None, f"no element {inner_id}"
    assert container_id in parser.found, f"{inner_id} is not inside {container_id}: {parser.found}"
