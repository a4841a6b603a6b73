/**
 * `jobgraph run SPEC --slurm`: the flags a user gives on the command line (account, QoS,
 * partition, walltime, nodes) applied to the spec's Slurm schedulers — flags win, as
 * everywhere on the command line — or, when the spec has none, one `default` scheduler made
 * from them whose walltime fits the longest job. Pure over the bundle.
 */
import { childKey } from '../core/keys.js';
import { DEFAULT_RESOURCES, docId, type SchedulerDoc, type WorkflowBundle } from '../core/model.js';
import { DEFAULT_EXPIRATION_BUFFER_S } from '../provision/worker-launch.js';

export interface SlurmRunSettings {
  account?: string;
  qos?: string;
  partition?: string;
  /** Seconds. */
  walltime_s?: number;
  nodes?: number;
  max_allocations?: number;
}

/** Slurm counts whole minutes. */
function slurmTime(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
}

export function applySlurmSettings(bundle: WorkflowBundle, settings: SlurmRunSettings): WorkflowBundle {
  const wf = bundle.workflow._key;
  const given = Object.fromEntries(
    (['account', 'qos', 'partition'] as const).filter((k) => settings[k] !== undefined).map((k) => [k, settings[k]]),
  );
  const schedulers = (bundle.documents.schedulers ?? []) as SchedulerDoc[];
  const slurm = schedulers.filter((s) => s.type === 'slurm');
  const timed = settings.walltime_s !== undefined && {
    walltime_s: settings.walltime_s,
    walltime: slurmTime(settings.walltime_s),
  };
  const sized = settings.nodes !== undefined && { nodes: settings.nodes };
  const capped = settings.max_allocations !== undefined && { max_allocations: settings.max_allocations };
  if (slurm.length > 0) {
    const changed = schedulers.map((s) => (s.type === 'slurm' ? { ...s, ...given, ...timed, ...sized, ...capped } : s));
    return { ...bundle, documents: { ...bundle.documents, schedulers: changed } };
  }
  const buffer = Number(bundle.workflow.compute_node_expiration_buffer_seconds ?? DEFAULT_EXPIRATION_BUFFER_S);
  // The longest job: its requirement's runtime, or the default runtime for a job without one.
  const withRequirement = new Set((bundle.edges.requires ?? []).map((e) => e._from));
  const anyDefault = (bundle.documents.jobs ?? []).some((j) => !withRequirement.has(j._id));
  const longest = Math.max(
    anyDefault ? DEFAULT_RESOURCES.runtime_s : 0,
    ...(bundle.documents.resource_requirements ?? []).map((r) => Number(r.runtime_s) || 0),
  );
  const walltime_s = settings.walltime_s ?? Math.ceil((longest + buffer) / 60) * 60;
  const key = childKey(wf, 'sdefault');
  const scheduler: SchedulerDoc = {
    _key: key,
    _id: docId('schedulers', key),
    workflow: wf,
    name: 'default',
    type: 'slurm',
    nodes: settings.nodes ?? 1,
    walltime: slurmTime(walltime_s),
    walltime_s,
    ...given,
    ...capped,
  };
  return { ...bundle, documents: { ...bundle.documents, schedulers: [...schedulers, scheduler] } };
}
