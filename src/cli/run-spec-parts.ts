/**
 * The parts of `jobgraph run` (run-spec.ts) that load after its processes have started: the API,
 * the scheduler, BullMQ, the worker and the report. Loading them takes ~0.2 s, about as long as a
 * private redis-server and the spawn helper take to start; one after the other, the two waits added
 * up (issue 13).
 */
export { findUnsatisfiableJobs } from '../scheduler/find-unsatisfiable-jobs.js';
export { startWorkflow } from '../scheduler/start-workflow.js';
export { startWorker, workerLogDir } from '../worker/worker.js';
export { apiRequest } from './api-request.js';
export { writeCompletionPlots } from './completion-plots.js';
export { startProgressDisplay } from './progress-display.js';
export { refuseUnrunnableJobs } from './refuse-unrunnable-jobs.js';
export { buildRunReport, formatRunReport, resumeHint } from './run-report.js';
export { startServices } from './services.js';
