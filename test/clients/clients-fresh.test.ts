/**
 * The committed generated clients match openapi/openapi.json and are as the generator wrote
 * them. A fingerprint (scripts/client-fingerprint.ts) stands in for regenerating, which needs
 * Java and takes a minute: `npm run clients` records it, this test recomputes it.
 */
import { describe, expect, it } from 'vitest';
import { fingerprintOf, recordedFingerprint } from '../../scripts/client-fingerprint.js';

describe.each(['clients/python', 'clients/go'])('%s', (dir) => {
  it('was generated from the committed openapi/openapi.json', () => {
    expect(
      recordedFingerprint(dir).openapi === fingerprintOf(dir).openapi,
      `${dir} is stale: run \`npm run clients\` and commit the result`,
    ).toBe(true);
  });

  it('holds the generated files unedited', () => {
    expect(
      recordedFingerprint(dir).files === fingerprintOf(dir).files,
      `${dir} differs from what the generator wrote: fix openapi/openapi.json (the routes), not the generated code, then \`npm run clients\``,
    ).toBe(true);
  });
});
