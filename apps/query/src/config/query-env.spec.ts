import { hostname } from 'node:os';
import { loadEnv } from '@cae/config';
import { QueryEnv } from './query-env';

describe(QueryEnv.name, () => {
  it('gives every process its own lease identity by default (same host, same pod name or not)', () => {
    const [first, second] = [loadEnv(QueryEnv, {}), loadEnv(QueryEnv, {})];
    expect(first.INSTANCE_ID).toContain(hostname());
    expect(first.INSTANCE_ID).toContain(String(process.pid));
    expect(first.INSTANCE_ID).not.toBe(second.INSTANCE_ID);
  });

  it('keeps an identity given by the operator', () => {
    expect(loadEnv(QueryEnv, { INSTANCE_ID: 'query-0' }).INSTANCE_ID).toBe('query-0');
  });
});
