import { describe, expect, it } from 'vitest';
import { DEFAULT_MONITOR_SETTINGS, resolveMonitorSettings, ResourceMonitorSettingsSchema } from './resource-usage.js';

describe('resource_monitor settings', () => {
  it('defaults to Summary every second with a limit of twice the request', () => {
    expect(resolveMonitorSettings(undefined)).toEqual(DEFAULT_MONITOR_SETTINGS);
    expect(DEFAULT_MONITOR_SETTINGS).toEqual({
      enabled: true,
      granularity: 'Summary',
      sample_interval_seconds: 1,
      memory_limit_factor: 2,
    });
  });

  it("takes the workflow's factor over the worker's, and `off` as no limit", () => {
    expect(resolveMonitorSettings(undefined, { memory_limit_factor: 3 }).memory_limit_factor).toBe(3);
    expect(resolveMonitorSettings({ memory_limit_factor: 1.5 }, { memory_limit_factor: 3 }).memory_limit_factor).toBe(
      1.5,
    );
    expect(resolveMonitorSettings({ memory_limit_factor: 'off' }, { memory_limit_factor: 3 }).memory_limit_factor).toBe(
      undefined,
    );
    expect(resolveMonitorSettings(undefined, { memory_limit_factor: 'off' }).memory_limit_factor).toBe(undefined);
  });

  it("accepts torc's spellings and names a bad field", () => {
    const torc = ResourceMonitorSettingsSchema.parse({ granularity: 'time_series', metrics: ['cpu_percent'] });
    expect(resolveMonitorSettings(torc).granularity).toBe('TimeSeries');
    expect(resolveMonitorSettings(ResourceMonitorSettingsSchema.parse({ granularity: 'summary' })).granularity).toBe(
      'Summary',
    );
    const bad = ResourceMonitorSettingsSchema.safeParse({ memory_limit_factor: 0.5 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['memory_limit_factor']);
  });
});
