# flake8: noqa

# import apis into api package
from jobgraph_api.api.access_api import AccessApi
from jobgraph_api.api.allocations_api import AllocationsApi
from jobgraph_api.api.documents_api import DocumentsApi
from jobgraph_api.api.edges_api import EdgesApi
from jobgraph_api.api.events_api import EventsApi
from jobgraph_api.api.meta_api import MetaApi
from jobgraph_api.api.workers_api import WorkersApi
from jobgraph_api.api.workflows_api import WorkflowsApi

