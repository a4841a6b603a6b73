"""Create a workflow from a spec dict with the Python client, start it, wait, read its jobs.

    pip install ./clients/python
    JOBGRAPH_API=http://127.0.0.1:8080 python examples/clients/python/from_spec.py

The spec has the shape of a YAML/JSON spec file (see examples/diamond.yaml). A worker must be
serving the API. The last line printed is a JSON summary.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from jobgraph_api import StartWorkflowRequest
from jobgraph_client import connect

SPEC: dict[str, Any] = {
    "name": "diamond-python",
    "jobs": [
        {"name": "split", "command": "echo split"},
        {"name": "left", "command": "echo left", "depends_on": ["split"]},
        {"name": "right", "command": "echo right", "depends_on": ["split"]},
        {"name": "join", "command": "echo join", "depends_on": ["left", "right"]},
    ],
}


def main() -> int:
    client = connect()
    wf = client.create_workflow(SPEC).key
    client.workflows.start_workflow(wf, StartWorkflowRequest())
    status = client.wait_for_workflow(wf, timeout=300)
    jobs = client.documents.list_jobs(wf).items
    for job in jobs:
        print(f"{job.additional_properties.get('name')}: {job.additional_properties.get('status')}")
    print(json.dumps({"workflow": wf, "status": status.status, "completed": status.counts.completed}))
    return 0 if status.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
