"""Direct mode with the Python client: build a workflow vertex by vertex and edge by edge,
start it, wait until it has finished, then read its results and events.

    pip install ./clients/python
    JOBGRAPH_API=http://127.0.0.1:8080 python examples/clients/python/direct_mode.py

A worker must be serving the API (``jobgraph worker start``). The last line printed is a JSON
summary.
"""

from __future__ import annotations

import json
import sys

from jobgraph_api import EdgeCreate, FileCreate, JobCreate, StartWorkflowRequest, UserDataCreate
from jobgraph_client import connect


def main() -> int:
    client = connect()
    wf = client.create_workflow({"name": "direct-mode-python"}).key

    # Vertices: two jobs and the file that passes between them.
    make = client.documents.create_job(wf, JobCreate(name="make", command="echo hello > greeting.txt"))
    use = client.documents.create_job(wf, JobCreate(name="use", command="cat greeting.txt"))
    greeting = client.documents.create_file(wf, FileCreate(name="greeting", path="greeting.txt"))
    client.documents.create_user_data(wf, UserDataCreate.model_validate({"name": "note", "data": {"from": "python"}}))

    # Edges: `make` produces the file and `use` needs it; starting derives `make` blocks `use`.
    client.edges.create_produces_edge(wf, EdgeCreate.model_validate({"_from": make.id, "_to": greeting.id}))
    client.edges.create_needs_edge(wf, EdgeCreate.model_validate({"_from": use.id, "_to": greeting.id}))

    client.workflows.start_workflow(wf, StartWorkflowRequest())
    status = client.wait_for_workflow(wf, timeout=300)

    results = client.documents.list_results(wf).items
    events = client.documents.list_events(wf).items
    for result in results:
        print(f"result {result.key}: return code {result.additional_properties.get('return_code')}")
    for event in events:
        print(f"event {event.additional_properties.get('type')}")
    print(
        json.dumps(
            {
                "workflow": wf,
                "status": status.status,
                "completed": status.counts.completed,
                "results": len(results),
                "events": len(events),
            }
        )
    )
    return 0 if status.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
