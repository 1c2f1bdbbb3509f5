import { exhausted } from './contract-consumer';
import { NonRetriableError, RetriableError } from './errors';

describe('exhausted retries', () => {
  const unreachable = new RetriableError('HOST_UNREACHABLE', 'could not reach ftp://example.com:21');

  it('keeps the specific failure of a destination when the last attempt failed for an internal reason', () => {
    const error = exhausted(new Error('connect ECONNREFUSED 127.0.0.1:27017'), unreachable, 6);
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.code).toBe('HOST_UNREACHABLE');
    expect(error.message).toBe('could not reach ftp://example.com:21 (gave up after 6 attempts)');
  });

  it('reports the last specific failure when every attempt had one', () => {
    expect(exhausted(unreachable, unreachable, 3).code).toBe('HOST_UNREACHABLE');
  });

  it('falls back to RETRIES_EXHAUSTED when no attempt had a specific failure', () => {
    const error = exhausted(new Error('boom'), undefined, 4);
    expect(error.code).toBe('RETRIES_EXHAUSTED');
    expect(error.message).toMatch(/gave up after 4 attempts: boom/);
  });
});
