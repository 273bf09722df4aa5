import { describe, expect, it } from 'vitest';
import { ApiError, methodNames, parseRequest } from '../../../shared/api/contract.js';

describe('the API contract validates requests at the boundary', () => {
  it('accepts a well-formed request', () => {
    expect(parseRequest('runs.start', { scenario: 'slow-query', seed: 7 })).toEqual({ scenario: 'slow-query', seed: 7 });
  });

  it('rejects a request with a wrong type, naming the field and the method', () => {
    try {
      parseRequest('runs.start', { scenario: 42 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('bad_request');
      expect((error as ApiError).message).toMatch(/^runs\.start: scenario: .*string/i);
    }
  });

  it('rejects a missing field and a non-integer seed in one readable message', () => {
    expect(() => parseRequest('runs.start', { seed: 1.5 })).toThrow(/scenario: .*; seed: .*int/i);
  });

  it('rejects unknown fields on requests that take none', () => {
    expect(() => parseRequest('doctor.run', { verbose: true })).toThrow(/doctor\.run: .*verbose/);
  });

  it('rejects an empty run id', () => {
    expect(() => parseRequest('runs.get', { runId: '' })).toThrow(/runId/);
  });

  it('names every method once', () => {
    expect(new Set(methodNames).size).toBe(methodNames.length);
    expect(methodNames).toContain('doctor.run');
  });
});
