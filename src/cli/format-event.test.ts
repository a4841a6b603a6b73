import { describe, expect, it } from 'vitest';
import { formatEvent } from './format-event.js';

describe('formatEvent', () => {
  it('puts time and type first, then the other fields as key=value', () =>
    expect(
      formatEvent({
        _key: 'e1',
        _id: 'events/e1',
        workflow: 'wf',
        timestamp: '2026-11-30T23:00:00.000Z',
        source: 'system',
        type: 'job_canceled',
        job: 'k3',
        dependents_canceled: ['k4'],
      }),
    ).toBe('2026-11-30T23:00:00.000Z job_canceled job=k3 dependents_canceled=["k4"]'));

  it("marks users' events", () =>
    expect(
      formatEvent({ _key: 'e2', _id: 'events/e2', workflow: 'wf', timestamp: 't', source: 'user', type: 'note' }),
    ).toBe('t note (user)'));
});
