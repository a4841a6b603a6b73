/** The minimum of an OpenAPI 3.1 document the docs page reads. */
export interface OpenApiLike {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, object | undefined>;
  components?: { schemas?: Record<string, unknown> };
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A schema as a short label: `Problem` (linked) for `$ref`s, else compact JSON. */
function schemaLabel(schema: unknown): string {
  if (schema && typeof schema === 'object' && '$ref' in schema) {
    const name = String((schema as { $ref: string }).$ref)
      .split('/')
      .pop()!;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  return `<code>${esc(JSON.stringify(schema ?? {}))}</code>`;
}

function contentLabel(content: Record<string, { schema?: unknown }> | undefined): string {
  if (!content) return '';
  return Object.entries(content)
    .map(([type, media]) => `${esc(type)}: ${schemaLabel(media.schema)}`)
    .join('<br>');
}

function renderOperation(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td>` +
        `<td>${schemaLabel(p.schema)}</td><td>${esc(p.description ?? '')}</td></tr>`,
    )
    .join('');
  const responses = Object.entries(op.responses ?? {})
    .map(
      ([status, r]) =>
        `<tr><td>${esc(status)}</td><td>${esc(r.description ?? '')}</td><td>${contentLabel(r.content)}</td></tr>`,
    )
    .join('');
  return `<section class="op" id="op-${esc(op.operationId ?? `${method}-${path}`)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary ?? '')}</p>${op.description ? `<p class="d">${esc(op.description)}</p>` : ''}
${params ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th></th></tr>${params}</table>` : ''}
${op.requestBody ? `<h4>Request body</h4><p>${contentLabel(op.requestBody.content)}</p>` : ''}
<h4>Responses</h4><table><tr><th>status</th><th></th><th>body</th></tr>${responses}</table>
</section>`;
}

/** Render the whole document as one HTML page. */
export function renderDocsHtml(doc: OpenApiLike): string {
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Partial<Record<string, Operation>> | undefined)?.[method];
      if (!op) continue;
      ops.push(renderOperation(path, method, op));
      toc.push(
        `<li><a href="#op-${esc(op.operationId ?? `${method}-${path}`)}">${method.toUpperCase()} ${esc(path)}</a></li>`,
      );
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, s]) =>
        `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3><pre>${esc(JSON.stringify(s, null, 2))}</pre></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{font-weight:bold;padding:0 .3rem;border-radius:3px;color:#fff}
.get{background:#2a7}.post{background:#27c}.patch{background:#c82}.put{background:#c82}.delete{background:#c33}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}code{font-size:.9em}.d{color:#555}
</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p>${esc(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Queues: <a href="/queues">/queues</a>.</p>
<h2>Operations</h2><ul>${toc.join('')}</ul>
${ops.join('\n')}
<h2>Schemas</h2>
${schemas}
</body></html>
`;
}
