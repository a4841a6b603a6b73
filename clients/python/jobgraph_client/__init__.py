"""A thin, hand-written convenience layer over the generated ``jobgraph_api`` client.

``connect()`` reads ``JOBGRAPH_API`` and ``JOBGRAPH_TOKEN`` like the ``jobgraph`` CLI, and the
helpers cover what every script repeats: create a workflow from a spec dict, and wait until a
workflow has finished. Everything else is the generated API classes, reached as attributes.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Mapping

from jobgraph_api import (
    AllocationsApi,
    ApiClient,
    Configuration,
    CreatedWorkflow,
    DocumentsApi,
    EdgesApi,
    MetaApi,
    WorkersApi,
    WorkflowsApi,
    WorkflowStatus,
)
from jobgraph_api.exceptions import ApiException

__all__ = ["ApiException", "Client", "WorkflowTimeout", "connect", "FINAL_WORKFLOW_STATUSES"]

DEFAULT_API = "http://127.0.0.1:8080"

#: Workflow statuses after which nothing more runs unless the workflow is restarted.
FINAL_WORKFLOW_STATUSES = frozenset({"completed", "failed", "canceled"})


class WorkflowTimeout(TimeoutError):
    """The workflow was not finished when ``wait_for_workflow``'s deadline passed."""

    def __init__(self, workflow: str, last: WorkflowStatus) -> None:
        super().__init__(f"workflow {workflow} is still {last.status} ({last.counts.to_dict()})")
        self.last = last


@dataclass(frozen=True)
class Client:
    """The generated API groups, sharing one connection pool (``api_client``)."""

    api_client: ApiClient
    workflows: WorkflowsApi
    documents: DocumentsApi
    edges: EdgesApi
    workers: WorkersApi
    allocations: AllocationsApi
    meta: MetaApi

    def create_workflow(self, spec: Mapping[str, Any]) -> CreatedWorkflow:
        """Create a workflow from a spec (the same shape as a JSON/YAML spec file)."""
        return self.workflows.create_workflow(request_body=dict(spec))

    def wait_for_workflow(self, workflow: str, timeout: float = 600.0, poll: float = 0.5) -> WorkflowStatus:
        """Poll the workflow's status until it is final; raise ``WorkflowTimeout`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.workflows.get_workflow_status(workflow)
            if status.status in FINAL_WORKFLOW_STATUSES:
                return status
            if time.monotonic() >= deadline:
                raise WorkflowTimeout(workflow, status)
            time.sleep(poll)


def connect(api: str | None = None, token: str | None = None) -> Client:
    """A client for ``api`` (default: ``$JOBGRAPH_API``, else http://127.0.0.1:8080).

    ``token`` (default: ``$JOBGRAPH_TOKEN``) is sent as ``Authorization: Bearer <token>``.
    """
    host = (api or os.environ.get("JOBGRAPH_API") or DEFAULT_API).rstrip("/")
    bearer = token if token is not None else os.environ.get("JOBGRAPH_TOKEN")
    api_client = ApiClient(Configuration(host=host))
    if bearer:
        # Set as a default header, not through Configuration.access_token: that one is only sent
        # for operations whose OpenAPI entry names a security scheme.
        api_client.default_headers["Authorization"] = f"Bearer {bearer}"
    return Client(
        api_client=api_client,
        workflows=WorkflowsApi(api_client),
        documents=DocumentsApi(api_client),
        edges=EdgesApi(api_client),
        workers=WorkersApi(api_client),
        allocations=AllocationsApi(api_client),
        meta=MetaApi(api_client),
    )
