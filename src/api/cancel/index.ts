import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { cancelJobRoute } from './cancel-job.js';
import { cancelWorkflowRoute } from './cancel-workflow.js';

/** `POST /api/v1/workflows/{wf}/cancel` and `POST /api/v1/workflows/{wf}/jobs/{key}/cancel`. */
export function cancelRoutes(app: ApiApp, deps: ApiDeps): void {
  cancelWorkflowRoute(app, deps);
  cancelJobRoute(app, deps);
}
