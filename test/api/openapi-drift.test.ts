import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiJsonText } from '../../src/api/openapi-json.js';

describe('openapi/openapi.json', () => {
  it('matches the document the routes generate', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8');
    const generated = openApiJsonText();
    expect(committed === generated, 'openapi/openapi.json is stale: run `npm run openapi` and commit the result').toBe(
      true,
    );
  });
});
