import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { createWorkflowRoute } from './create-workflow.js';
import { deleteWorkflowRoute } from './delete-workflow.js';
import { getWorkflowRoute } from './get-workflow.js';
import { listWorkflowsRoute } from './list-workflows.js';
import { startWorkflowRoute } from './start-workflow.js';
import { workflowStatusRoute } from './workflow-status.js';

/** `/api/v1/workflows`, `/{wf}`, `/{wf}/start`, `/{wf}/status`. */
export function workflowRoutes(app: ApiApp, deps: ApiDeps): void {
  createWorkflowRoute(app, deps);
  listWorkflowsRoute(app, deps);
  getWorkflowRoute(app, deps);
  deleteWorkflowRoute(app, deps);
  startWorkflowRoute(app, deps);
  workflowStatusRoute(app, deps);
}
