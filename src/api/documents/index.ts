import { WORKFLOW_COLLECTIONS } from '../../core/model.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { documentRoutesFor } from './document-routes.js';

/** Direct-mode routes for every collection in WORKFLOW_COLLECTIONS. */
export function documentRoutes(app: ApiApp, deps: ApiDeps): void {
  for (const collection of WORKFLOW_COLLECTIONS) documentRoutesFor(app, deps, collection);
}
