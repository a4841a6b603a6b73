import { EDGE_COLLECTIONS } from '../../core/model.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { edgeRoutesFor } from './edge-routes.js';

/** Direct-mode edge routes for every collection in EDGE_COLLECTIONS. */
export function edgeRoutes(app: ApiApp, deps: ApiDeps): void {
  for (const collection of EDGE_COLLECTIONS) edgeRoutesFor(app, deps, collection);
}
