import { describe, expect, it } from 'vitest';
import {
  AppError,
  ConflictError,
  CycleError,
  ERROR_CODES,
  InvalidStateError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../core/errors.js';
import { problemFromAppError, statusForCode } from './problem.js';

describe('problem mapping', () => {
  it('maps every error code to its status', () => {
    expect(statusForCode(ERROR_CODES.VALIDATION)).toBe(422);
    expect(statusForCode(ERROR_CODES.NOT_FOUND)).toBe(404);
    expect(statusForCode(ERROR_CODES.CONFLICT)).toBe(409);
    expect(statusForCode(ERROR_CODES.INVALID_STATE)).toBe(409);
    expect(statusForCode(ERROR_CODES.CYCLE)).toBe(422);
    expect(statusForCode(ERROR_CODES.UNAVAILABLE)).toBe(503);
    expect(statusForCode(ERROR_CODES.INTERNAL)).toBe(500);
  });

  it('carries issues and structured details', () => {
    const v = problemFromAppError(new ValidationError([{ path: 'jobs[3].memory', message: 'bad unit' }]));
    expect(v).toMatchObject({
      status: 422,
      code: 'validation_failed',
      issues: [{ path: 'jobs[3].memory', message: 'bad unit' }],
    });
    expect(v.detail).toContain('jobs[3].memory');
    const cycle = problemFromAppError(new CycleError(['a', 'b', 'a']));
    expect(cycle).toMatchObject({ status: 422, code: 'dependency_cycle', cycle: ['a', 'b', 'a'] });
    expect(problemFromAppError(new NotFoundError('jobs', 'k'))).toMatchObject({
      status: 404,
      collection: 'jobs',
      key: 'k',
    });
    expect(problemFromAppError(new ConflictError('dup')).status).toBe(409);
    expect(problemFromAppError(new InvalidStateError('twice')).status).toBe(409);
    expect(problemFromAppError(new UnavailableError('down')).status).toBe(503);
  });

  it('never lets details overwrite the standard members', () => {
    const p = problemFromAppError(new AppError(ERROR_CODES.CONFLICT, 'x', { status: 200, code: 'nope', detail: 'y' }));
    expect(p).toMatchObject({ status: 409, code: 'conflict', detail: 'x' });
  });
});
