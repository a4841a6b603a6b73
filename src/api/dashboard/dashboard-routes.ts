/**
 * The web dashboard: `/` is its page, `/ui/<file>` its plain ES modules and stylesheet
 * (web/dashboard/, no build step), `/ui/vendor/<file>` the npm packages it draws with. No
 * CDN: an API on a cluster's login node rarely reaches one. The files are read once, on
 * the first request for one (not at start: ~2 MB that `jobgraph run` rarely serves), from a
 * fixed list: a request names a file, never a path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { Context, Hono } from 'hono';
import { packagePath } from '../../core/package-path.js';

/**
 * Files of npm packages the page loads, by the name it asks for: a module path, or a file
 * beside a package's entry point (`[package, file]`) where the package's `exports` hide it
 * (Chart.js exports no path to its UMD build, the one a plain <script> can load).
 */
const VENDOR: Record<string, string | [string, string]> = {
  'elk.bundled.js': 'elkjs/lib/elk.bundled.js',
  'chart.umd.min.js': ['chart.js', 'chart.umd.min.js'],
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface Asset {
  body: string;
  type: string;
}

function loadAssets(): { page: Asset; files: Map<string, Asset> } {
  const dir = packagePath('web', 'dashboard');
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(dir, name), 'utf8'), type });
  }
  const require = createRequire(import.meta.url);
  for (const [name, module] of Object.entries(VENDOR)) {
    const path =
      typeof module === 'string' ? require.resolve(module) : join(dirname(require.resolve(module[0])), module[1]);
    files.set(`vendor/${name}`, { body: readFileSync(path, 'utf8'), type: TYPES['.js']! });
  }
  return { page: files.get('index.html')!, files };
}

let loaded: ReturnType<typeof loadAssets> | undefined;

/** Mount `/` and `/ui/*` on `app`. */
export function dashboardRoutes(app: Hono): void {
  const assets = () => (loaded ??= loadAssets());
  const send = (c: Context, asset: Asset) =>
    c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  app.get('/', (c) => send(c, assets().page));
  app.get('/ui/:file{.+}', (c) => {
    const asset = assets().files.get(c.req.param('file'));
    return asset ? send(c, asset) : c.notFound();
  });
}
