import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { ROOT, TEST_STACK_ENV } from './test-stack';

/**
 * Starts a fresh test stack (empty data folders) before the end-to-end suites. REUSE_TEST_STACK=1 (developers
 * only, never CI) keeps a stack that is already running, so one suite can be re-run in seconds:
 * `REUSE_TEST_STACK=1 npx jest -c test/jest.config.js test/e2e/<suite>`.
 */
export default function globalSetup(): void {
  if (process.env.REUSE_TEST_STACK === '1' && gatewayReady()) return;
  for (const script of ['stack.sh', 'test-destinations.sh']) {
    execFileSync('bash', [`deploy/local/${script}`, 'down'], {
      cwd: ROOT,
      env: { ...process.env, ...TEST_STACK_ENV },
      stdio: 'inherit',
    });
  }
  rmSync(TEST_STACK_ENV.STACK_DIR, { recursive: true, force: true });
  execFileSync('bash', ['deploy/local/test-destinations.sh', 'up'], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_STACK_ENV },
    stdio: 'inherit',
  });
  execFileSync('bash', ['deploy/local/stack.sh', 'up'], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_STACK_ENV },
    stdio: 'inherit',
    timeout: 10 * 60_000,
  });
}

function gatewayReady(): boolean {
  try {
    execFileSync('curl', [
      '-fsS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      `http://127.0.0.1:${TEST_STACK_ENV.PORT}/health/ready`,
    ]);
    return true;
  } catch {
    return false;
  }
}
