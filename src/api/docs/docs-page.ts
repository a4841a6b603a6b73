/**
 * `/docs/reference`: a self-contained HTML reference generated from the OpenAPI document (no remote
 * scripts: the API often runs where no CDN is reachable). One section per operation with
 * its parameters, request body and responses; schemas are linked by name.
 */
import type { ApiApp } from '../api-app.js';
import { renderDocsHtml, type OpenApiLike } from './render-docs-html.js';

export function docsPageRoute(app: ApiApp, document: () => OpenApiLike): void {
  let html: string | undefined;
  // Routes are fixed once the app is built, so the page is rendered once.
  app.get('/docs/reference', (c) => c.html((html ??= renderDocsHtml(document()))));
}
