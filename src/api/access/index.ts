import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { accessGroupRoutes } from './access-group-routes.js';
import { tokenRoutes } from './token-routes.js';
import { whoAmIRoute } from './whoami.js';

/** Tokens, access groups, shares and `whoami` (decision 0013). */
export function accessRoutes(app: ApiApp, deps: ApiDeps): void {
  whoAmIRoute(app);
  tokenRoutes(app, deps);
  accessGroupRoutes(app, deps);
}
