import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';
import { ROOT, TEST_STACK_ENV } from '../support/test-stack';

/** The environment deploy/local/stack.sh gives its services, for a stack configured by `extra` only. */
function serviceEnvOf(extra: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'cae-env-'));
  try {
    const printed = execFileSync('bash', ['deploy/local/stack.sh', 'service-env'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', STACK_DIR: dir, ...extra },
    }).toString();
    return Object.fromEntries(
      printed
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:\d+$/;

describe('local stacks contact nothing outside this machine', () => {
  afterAll(closeDatabase);

  it.each([
    ['make up', {}],
    ['make test', TEST_STACK_ENV],
    ['make faults', { ...TEST_STACK_ENV, STACK_NAME: 'faults' }],
  ])('%s: S3 and GCS destinations on loopback, no public hosts, no metadata probe', (_stack, extra) => {
    const env = serviceEnvOf(extra as Record<string, string>);
    expect(env.S3_DESTINATION_ENDPOINT).toMatch(LOOPBACK_URL);
    expect(env.GCS_ENDPOINT).toMatch(LOOPBACK_URL);
    expect(env.METADATA_SERVER_DETECTION).toBe('none');
    expect(env.DESTINATION_PUBLIC_HOSTS).toBe('false');
    expect(env.DESTINATION_HOST_ALLOWLIST.split(',').every((entry) => entry.startsWith('127.'))).toBe(true);
  });

  it('refuses public destination hosts in the test stack, at request time', async () => {
    const { key, accountId } = await createAccount('public-host');
    // Public addresses: if one were wrongly accepted, the delivery service (same policy) would still not connect.
    for (const server of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) {
      const response = await api<{ code: string; fields: { field: string; reasons: string[] }[] }>(
        'POST',
        '/v2/contactactivityexport',
        {
          key,
          body: {
            exportType: 'csv',
            destination: { type: 'sftp', server, port: 22, username: 'u', password: 'p', path: '/' },
          },
        },
      );
      expect({ server, status: response.status, code: response.body.code }).toEqual({
        server,
        status: 400,
        code: 'DESTINATION_HOST_REFUSED',
      });
      expect(response.body.fields[0].reasons[0]).toMatch(/allow-list/);
    }
    expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
  });
});
