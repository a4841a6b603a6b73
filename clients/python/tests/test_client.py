"""The generated client and the convenience layer against a live jobgraph API (JOBGRAPH_API).

Run by test/clients/python-client.test.ts, which starts a server and a worker.
"""

from __future__ import annotations

import pytest

from jobgraph_api import JobCreate, StartWorkflowRequest
from jobgraph_client import ApiException, WorkflowTimeout, connect


def test_connect_reads_environment_and_sends_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBGRAPH_API", "http://example.invalid:9/")
    monkeypatch.setenv("JOBGRAPH_TOKEN", "s3cret")
    client = connect()
    assert client.api_client.configuration.host == "http://example.invalid:9"
    assert client.api_client.default_headers["Authorization"] == "Bearer s3cret"


def test_no_token_no_authorization_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBGRAPH_TOKEN", raising=False)
    assert "Authorization" not in connect().api_client.default_headers


def test_health() -> None:
    assert connect().meta.health().status == "ok"


def test_direct_mode_documents_round_trip() -> None:
    client = connect()
    wf = client.create_workflow({"name": "pytest-direct"}).key
    job = client.documents.create_job(wf, JobCreate(name="a", command="true"))
    assert client.documents.get_job(wf, job.key).additional_properties["status"] == "uninitialized"
    page = client.documents.list_jobs(wf, status="uninitialized")
    assert [j.key for j in page.items] == [job.key]
    client.workflows.delete_workflow(wf)


def test_errors_are_problem_json_with_a_code() -> None:
    with pytest.raises(ApiException) as raised:
        connect().workflows.get_workflow("no-such-workflow")
    assert raised.value.status == 404
    assert raised.value.body is not None and '"code":"not_found"' in raised.value.body.replace(" ", "")


def test_a_spec_runs_to_completion_on_the_worker() -> None:
    client = connect()
    wf = client.create_workflow(
        {"name": "pytest-spec", "jobs": [{"name": "one", "command": "true"}, {"name": "two", "command": "false"}]}
    ).key
    client.workflows.start_workflow(wf, StartWorkflowRequest())
    status = client.wait_for_workflow(wf, timeout=240)
    assert status.status == "failed"
    assert (status.counts.completed, status.counts.failed) == (1, 1)


def test_wait_gives_up_at_its_deadline() -> None:
    client = connect()
    wf = client.create_workflow({"name": "pytest-never-started"}).key
    with pytest.raises(WorkflowTimeout) as raised:
        client.wait_for_workflow(wf, timeout=0.5, poll=0.1)
    assert raised.value.last.status == "created"

