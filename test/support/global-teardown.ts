import { execFileSync } from 'node:child_process';
import { ROOT, TEST_STACK_ENV } from './test-stack';

/** Stops the test stack; KEEP_TEST_STACK=1 (or REUSE_TEST_STACK=1) leaves it running to look at its logs and data. */
export default function globalTeardown(): void {
  if (process.env.KEEP_TEST_STACK === '1' || process.env.REUSE_TEST_STACK === '1') return;
  for (const script of ['stack.sh', 'test-destinations.sh']) {
    execFileSync('bash', [`deploy/local/${script}`, 'down'], {
      cwd: ROOT,
      env: { ...process.env, ...TEST_STACK_ENV },
      stdio: 'inherit',
    });
  }
}
