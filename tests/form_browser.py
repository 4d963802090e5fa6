"""A test-side browser for the launch form: reads the HTML, presses the form's own buttons, fills what it finds.

It knows nothing of the app's code. It reads the controls of the launch form like a browser without JavaScript
(successful controls only: unticked boxes and disabled controls are not sent, a select sends its chosen option),
and it fills a Python value into the form using only the documented naming scheme:

- a leaf is the control named by its path (`inputs.p.inner.b.2`);
- a list has items at `<path>.<index>`, created with its "Add item" button (`$action` = `add:<path>`), or a paste
  box `<path>.$paste`;
- a map has entries at `<path>.<index>` with their key in `<path>.<index>.$key`, created with `add:<path>`;
- a dataclass has its fields at `<path>.<field>`, or a `<path>.$json` box after its `json:<path>` button;
- an optional has a `<path>.$none` box; a union a `<path>.$variant` select, whose options are read by their label,
  and a Switch button (`refresh`).

Every name it fills must be on the page, and every button it presses must be one of the page's own buttons.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import typing
from html.parser import HTMLParser


@dataclasses.dataclass
class Control:
    tag: str  # input, textarea, select
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    disabled: bool = False
    options: list = dataclasses.field(default_factory=list)  # select: (value, label, selected)
    attrs: dict = dataclasses.field(default_factory=dict)


class _FormParser(HTMLParser):
    """The controls, buttons and field errors of the page's launch form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.controls: list[Control] = []
        self.buttons: list[dict] = []
        self.errors: dict[str, str] = {}  # error paragraph id -> text
        self.ids: dict[str, dict] = {}  # id -> attributes, for every element of the page
        self._text_target = None  # the control or error whose text is being read
        self._option = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] = {"tag": tag, **a}
        if tag == "form" and "launch-form" in a.get("class", "").split():
            self.in_form = True
        if not self.in_form:
            return
        disabled = "disabled" in a
        if tag == "input" and "name" in a:
            self.controls.append(Control("input", a["name"], a.get("type", "text"), a.get("value", ""),
                                         "checked" in a, disabled, attrs=a))
        elif tag == "textarea":
            control = Control("textarea", a.get("name", ""), "textarea", "", disabled=disabled, attrs=a)
            self.controls.append(control)
            self._text_target = control
        elif tag == "select":
            self._select = Control("select", a.get("name", ""), "select", disabled=disabled, attrs=a)
            self.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "button":
            self.buttons.append(a)
        elif tag == "p" and "field-error" in a.get("class", "").split():
            self._text_target = ["error", a.get("id", ""), ""]

    def handle_data(self, data):
        if isinstance(self._text_target, Control):
            self._text_target.value += data
        elif isinstance(self._text_target, list):
            self._text_target[2] += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and isinstance(self._text_target, Control):
            if self._text_target.value.startswith("\n"):  # HTML drops a newline right after <textarea>
                self._text_target.value = self._text_target.value[1:]
            self._text_target = None
        elif tag == "p" and isinstance(self._text_target, list):
            _, ident, text = self._text_target
            self.errors[ident] = " ".join(text.split())
            self._text_target = None
        elif tag == "option" and self._option is not None:
            value, label, selected = self._option
            label = " ".join(label.split())
            self._select.options.append((label if value is None else value, label, selected))
            self._option = None
        elif tag == "select":
            self._select = None


class FormPage:
    """One rendering of the launch form: its controls, buttons and errors, and the values a browser would send."""

    def __init__(self, html: str):
        self.html = html
        parser = _FormParser()
        parser.feed(html)
        parser.close()
        self.controls = {}
        for control in parser.controls:
            assert control.name not in self.controls, f"two controls named {control.name!r}"
            self.controls[control.name] = control
        self.buttons = parser.buttons
        self.errors = parser.errors
        self.ids = parser.ids
        self.state: dict[str, str] = {}
        for control in parser.controls:
            if control.disabled or not control.name:
                continue
            if control.tag == "input" and control.type in ("checkbox", "radio"):
                if control.checked:
                    self.state[control.name] = control.value or "on"
            elif control.tag == "select":
                chosen = [v for v, _, selected in control.options if selected] or [v for v, _, _ in control.options[:1]]
                if chosen:
                    self.state[control.name] = chosen[0]
            else:
                self.state[control.name] = control.value

    def control(self, name: str) -> Control:
        assert name in self.controls, f"the form has no control named {name!r}; it has {sorted(self.controls)}"
        return self.controls[name]

    def action_buttons(self) -> set[str]:
        return {b.get("value", "") for b in self.buttons if b.get("name") == "$action" and "disabled" not in b}

    def error_for(self, name: str) -> str:
        """The error shown for the control `name`: the paragraph its aria-describedby points at."""
        control = self.control(name)
        described = control.attrs.get("aria-describedby", "")
        assert control.attrs.get("aria-invalid") == "true", f"{name} is not marked invalid"
        assert described in self.errors, f"{name} points at {described!r}, not at a field error"
        return self.errors[described]


class Browser:
    """Drives the launch form at `url` through a Flask test client, as a person with a browser would."""

    def __init__(self, client, url: str):
        self.client, self.url = client, url
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        self.page = FormPage(response.get_data(as_text=True))
        self.state = dict(self.page.state)
        self.presses = 0

    # -- a person's actions ----------------------------------------------------------------------------------

    def fill(self, name: str, text: str) -> None:
        control = self.page.control(name)
        assert control.tag in ("input", "textarea") and control.type not in ("checkbox", "hidden"), \
            f"{name} is a {control.tag} {control.type}, not a text box"
        assert not control.disabled, f"{name} is disabled"
        self.state[name] = text

    def tick(self, name: str, on: bool = True) -> None:
        control = self.page.control(name)
        assert control.type == "checkbox", f"{name} is not a checkbox"
        if on:
            self.state[name] = control.value or "on"
        else:
            self.state.pop(name, None)

    def choose(self, name: str, label: str) -> None:
        """Picks the option of the select `name` whose text is `label` (what a person reads)."""
        control = self.page.control(name)
        assert control.tag == "select", f"{name} is not a select"
        found = [value for value, text, _ in control.options if text == label]
        assert found, f"{name} has no option {label!r}; it has {[text for _, text, _ in control.options]}"
        self.state[name] = found[0]

    def press(self, action: str) -> FormPage:
        """Presses the form's own button that sends `$action=action`; the form comes back redrawn."""
        assert action in self.page.action_buttons(), \
            f"no button for {action!r}; the form has {sorted(self.page.action_buttons())}"
        response = self.client.post(self.url, data={**self.state, "$action": action})
        assert response.status_code == 200, response.status_code
        self.presses += 1
        self.page = FormPage(response.get_data(as_text=True))
        self.state = dict(self.page.state)
        return self.page

    def submit(self):
        """Presses Launch: the response (303 on success, 422 with the errors)."""
        return self.client.post(self.url, data=dict(self.state))

    # -- a Python value into the form, by the documented naming scheme -------------------------------------

    def enter(self, path: str, python_type, value, case=None) -> None:
        typed = getattr(case, "typed", {})
        if case is not None and path in case.skip:
            return
        origin, args = typing.get_origin(python_type), typing.get_args(python_type)
        if origin is typing.Annotated:
            return self.enter(path, args[0], value, case)
        if python_type is None or python_type is type(None):
            return  # nothing to enter
        if origin is typing.Union:
            others = [a for a in args if a is not type(None)]
            if len(args) == 2 and len(others) == 1:  # Optional[T]: a None box, and T at the same path
                self.tick(path + ".$none", value is None)
                if value is not None:
                    self.enter(path, others[0], value, case)
                return
            chosen = next(a for a in args if _is_instance(value, a))
            self.choose(path + ".$variant", label(chosen))
            self.press("refresh")
            return self.enter(path, chosen, value, case)
        if origin is list:
            if case is not None and path in case.paste:
                self.fill(path + ".$paste", ", ".join(leaf_text(args[0], v) for v in value))
                return
            for _ in value:
                self.press("add:" + path)
            for index, item in enumerate(value):
                self.enter(f"{path}.{index}", args[0], item, case)
            return
        if origin is dict:
            for _ in value:
                self.press("add:" + path)
            for index, (key, item) in enumerate(value.items()):
                self.fill(f"{path}.{index}.$key", str(key))
                self.enter(f"{path}.{index}", args[1], item, case)
            return
        if dataclasses.is_dataclass(python_type) and not _is_uri_type(python_type):
            if case is not None and path in case.json:
                self.press("json:" + path)
                self.fill(path + ".$json", json.dumps(plain(value)))
                return
            hints = typing.get_type_hints(python_type)
            for f in dataclasses.fields(python_type):
                self.enter(f"{path}.{f.name}", hints[f.name], getattr(value, f.name), case)
            return
        if python_type is bool:
            return self.tick(path, value)
        if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
            return self.choose(path, value.value)
        self.fill(path, typed.get(path, leaf_text(python_type, value)))


def _is_uri_type(python_type) -> bool:
    """Files, directories, schemas and datasets: dataclasses to Python, one URI box in a form."""
    names = ("FlyteFile", "FlyteDirectory", "FlyteSchema", "StructuredDataset")
    return any(c.__name__ in names for c in python_type.__mro__)


def _is_instance(value, python_type) -> bool:
    if python_type is type(None):
        return value is None
    origin = typing.get_origin(python_type) or python_type
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, origin)


def label(python_type) -> str:
    """How a person names a type when reading a union's options."""
    origin, args = typing.get_origin(python_type), typing.get_args(python_type)
    if python_type is type(None):
        return "None"
    if origin is list:
        return f"List[{label(args[0])}]"
    if origin is dict:
        return f"Dict[{label(args[0])}, {label(args[1])}]"
    return python_type.__name__


def leaf_text(python_type, value) -> str:
    """What a person types for a leaf value."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"{value.total_seconds()}s"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "uri") and not hasattr(value, "path"):  # StructuredDataset
        return value.uri
    if hasattr(value, "path"):  # FlyteFile, FlyteDirectory
        return str(value.path)
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def plain(value):
    """A dataclass value as the JSON a person would type for it."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value
