"""Executions flytekit's FlyteRemote launched, for every type kind, reopened with "relaunch with changes" and
launched again unchanged: the new execution's inputs equal the original's, literal for literal."""

from __future__ import annotations

import pytest
from flytekit.configuration import Config, ImageConfig, SerializationSettings
from flytekit.remote import FlyteRemote

from tests import golden_signatures as golden
from tests.form_browser import FormPage
from tests.test_golden import KNOWN_BUGS, admin, comparable, execution_inputs  # noqa: F401 (admin: a fixture)

CASES = [c for c in golden.CASES if c.golden is None and c.id not in KNOWN_BUGS]  # FlyteRemote can send these


@pytest.fixture(scope="module")
def remote(sandbox):
    return FlyteRemote(Config.for_endpoint(sandbox.address, insecure=True),
                       default_project=golden.PROJECT, default_domain=golden.DOMAIN)


@pytest.fixture(scope="module")
def launched(remote):
    """Each case's task registered and executed by FlyteRemote (its own serialisation and literals)."""
    settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project=golden.PROJECT,
                                     domain=golden.DOMAIN)
    names = {}

    def launch(case) -> str:
        if case.id not in names:
            with golden.flytekit_columns():
                task = remote.register_task(case.task, serialization_settings=settings, version=f"remote-{case.id}")
                names[case.id] = remote.execute(task, inputs=case.values, wait=False).id.name
        return names[case.id]

    return launch


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_relaunch_with_changes_of_a_flytekit_execution_sends_the_same_inputs(case, client, admin, launched):  # noqa: F811
    original = launched(case)
    page = FormPage(client.get(f"/executions/{golden.PROJECT}/{golden.DOMAIN}/{original}/relaunch/edit")
                    .get_data(as_text=True))
    assert "Same inputs and options as the original" in page.html
    url = f"/launch/{golden.PROJECT}/{golden.DOMAIN}/task/{case.task.name}/remote-{case.id}"  # the form's action
    assert f'action="{url}"' in page.html
    response = client.post(url, data=page.state)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    again = response.headers["Location"].rsplit("/", 1)[1]
    sent, before = execution_inputs(admin, again), execution_inputs(admin, original)
    assert {k: comparable(v) for k, v in sent.items()} == {k: comparable(v) for k, v in before.items()}
