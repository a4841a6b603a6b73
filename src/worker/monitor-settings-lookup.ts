/**
 * The resource monitoring of each workflow a worker serves: the workflow's `resource_monitor`
 * (read once per workflow from its document), over the worker's own memory-limit setting, over
 * the defaults. A malformed setting is a warning naming the field, and the defaults apply:
 * the job runs anyway.
 */
import type { Logger } from '../core/logger.js';
import {
  resolveMonitorSettings,
  ResourceMonitorSettingsSchema,
  type MonitorSettings,
} from '../core/schemas/resource-usage.js';
import { zodIssues } from '../core/zod-issues.js';

/** The worker's own setting (`worker start --memory-limit-factor`). */
export interface WorkerMonitorSetting {
  memory_limit_factor?: number | 'off';
}

/** A lookup that asks `fetch` once per workflow (again after a failed fetch). */
export function cachedMonitorSettings(
  fetch: (workflow: string) => Promise<unknown>,
  worker: WorkerMonitorSetting,
  logger: Logger,
): (workflow: string) => Promise<MonitorSettings> {
  const cache = new Map<string, Promise<MonitorSettings>>();
  return (workflow) => {
    let settings = cache.get(workflow);
    if (!settings) {
      settings = fetch(workflow).then((raw) => {
        const parsed = ResourceMonitorSettingsSchema.optional().safeParse(raw ?? undefined);
        if (parsed.success) return resolveMonitorSettings(parsed.data, worker);
        logger.warn(
          { workflow, problems: zodIssues(parsed.error, 'resource_monitor') },
          'invalid resource_monitor; using the defaults',
        );
        return resolveMonitorSettings(undefined, worker);
      });
      cache.set(workflow, settings);
      settings.catch(() => cache.delete(workflow));
    }
    return settings;
  };
}
