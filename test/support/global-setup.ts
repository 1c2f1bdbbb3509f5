import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { ROOT, TEST_STACK_ENV } from './test-stack';

/** Starts a fresh test stack (empty data folders) before the end-to-end suites. */
export default function globalSetup(): void {
  for (const script of ['stack.sh', 'test-destinations.sh']) {
    execFileSync('bash', [`deploy/local/${script}`, 'down'], { cwd: ROOT, env: { ...process.env, ...TEST_STACK_ENV }, stdio: 'inherit' });
  }
  rmSync(TEST_STACK_ENV.STACK_DIR, { recursive: true, force: true });
  execFileSync('bash', ['deploy/local/test-destinations.sh', 'up'], { cwd: ROOT, env: { ...process.env, ...TEST_STACK_ENV }, stdio: 'inherit' });
  execFileSync('bash', ['deploy/local/stack.sh', 'up'], {
    cwd: ROOT, env: { ...process.env, ...TEST_STACK_ENV }, stdio: 'inherit', timeout: 10 * 60_000,
  });
}
