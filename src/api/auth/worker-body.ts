/**
 * The workflows a worker-protocol body acts on: `workflow` of a registration, and each
 * `attempts[].workflow` (start) or `results[].workflow` (complete). Read from the raw
 * parsed body, before the route validates it: a malformed body names fewer workflows and is
 * refused by the route's schema anyway.
 */
export function workflowsOfWorkerBody(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const found = new Set<string>();
  const take = (value: unknown) => {
    if (value && typeof value === 'object' && typeof (value as { workflow?: unknown }).workflow === 'string') {
      found.add((value as { workflow: string }).workflow);
    }
  };
  take(body);
  for (const list of [(body as { attempts?: unknown }).attempts, (body as { results?: unknown }).results]) {
    if (Array.isArray(list)) list.forEach(take);
  }
  return [...found];
}
